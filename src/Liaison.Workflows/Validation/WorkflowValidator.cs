using Liaison.Workflows.Activities;
using Liaison.Workflows.Activities.BuiltIn;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Expressions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Validation;

/// <summary>
/// A problem that blocks publishing; <see cref="ActivityId"/> names the activity concerned, <see cref="LocalizedMessage"/>
/// says what is wrong in Chinese and in English.
/// </summary>
public sealed record ValidationError(string? ActivityId, string Code, LocalizedText LocalizedMessage)
{
    public ValidationError(string? activityId, string code, string zh, string en) : this(activityId, code, new LocalizedText(zh, en))
    {
    }

    /// <summary>Both languages, "中文 / English", as the host's problem details write a message.</summary>
    public string Message => $"{LocalizedMessage.ZhCn} / {LocalizedMessage.En}";
}

/// <summary>Checks a definition before it is published.</summary>
public static class WorkflowValidator
{
    /// <param name="catalog">The published workflows children may name; null skips the child checks (nothing to check them against).</param>
    public static IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition, ActivityRegistry registry, WorkflowCatalog? catalog = null)
    {
        // A workflow with nothing in it "runs" by finishing at once: published as a case's routing, every new case
        // would be left undispatched. (A loop's or container's empty body is checked below and may stay empty.)
        if (definition.Root.Activities.Count == 0)
        {
            return [new(null, "empty", "流程中没有任何活动：至少需要一个开始活动和它之后的步骤。", "The workflow has no activities: it needs at least a start and the steps after it.")];
        }

        return Check(definition, registry, catalog);
    }

    private static List<ValidationError> Check(WorkflowDefinition definition, ActivityRegistry registry, WorkflowCatalog? catalog = null)
    {
        var errors = new List<ValidationError>();
        var acts = definition.Root.Activities;
        var byId = new Dictionary<string, ActivityNode>(StringComparer.Ordinal);
        foreach (var a in acts)
        {
            if (string.IsNullOrWhiteSpace(a.Id))
                errors.Add(new(null, "missing-id", $"有一个类型为 {a.Type} 的活动没有编号。", $"An activity of type '{a.Type}' has no id."));
            else if (!byId.TryAdd(a.Id, a))
                errors.Add(new(a.Id, "duplicate-id", $"活动编号“{a.Id}”重复使用。", $"Activity id '{a.Id}' is used more than once."));
        }

        var varIds = new HashSet<string>(definition.AllVariables.Select(v => v.Id), StringComparer.Ordinal);
        var varNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var v in definition.AllVariables)
            if (!varNames.Add(v.Name))
                errors.Add(new(null, "duplicate-variable", $"变量名“{v.Name}”重复声明。", $"Variable name '{v.Name}' is declared more than once."));

        foreach (var a in acts)
        {
            var type = registry.Resolve(a);
            if (type == null)
            {
                errors.Add(new(a.Id, "unknown-type", $"活动“{a.Id}”的类型 {a.Type} 无法识别。", $"Activity '{a.Id}' has unknown type '{a.Type}'."));
                continue;
            }
            foreach (var p in type.Inputs)
                CheckInput(a, p, varNames, errors);
            if (type.ClrType == typeof(SetVariable))
            {
                var reference = SetVariable.ReferenceOf(a.GetProperty("variable"));
                if (reference != null && !varIds.Contains(reference) && !varNames.Contains(reference))
                    errors.Add(new(a.Id, "unknown-variable", $"活动“{a.Id}”设置的变量“{reference}”未声明。", $"Activity '{a.Id}' sets variable '{reference}', which is not declared."));
            }
        }

        foreach (var c in definition.Root.Connections)
        {
            var sourceOk = byId.TryGetValue(c.SourceActivity, out var source);
            if (!sourceOk)
                errors.Add(new(c.SourceActivity, "dangling-connection", $"连接 {c} 的起点活动“{c.SourceActivity}”不存在。", $"Connection {c} starts at missing activity '{c.SourceActivity}'."));
            if (!byId.ContainsKey(c.TargetActivity))
                errors.Add(new(c.TargetActivity, "dangling-connection", $"连接 {c} 的终点活动“{c.TargetActivity}”不存在。", $"Connection {c} ends at missing activity '{c.TargetActivity}'."));
            if (sourceOk && registry.OutcomesOf(source!) is { } outcomes && !outcomes.Contains(c.SourcePort))
                errors.Add(new(c.SourceActivity, "unknown-port",
                    $"活动“{c.SourceActivity}”（{source!.Type}）没有结果端口 {c.SourcePort}" +
                    (outcomes.Count == 0 ? "（它没有任何结果端口）。" : $"；它的结果端口有 {string.Join("、", outcomes)}。"),
                    $"Activity '{c.SourceActivity}' ({source.Type}) has no outcome '{c.SourcePort}'" +
                    (outcomes.Count == 0 ? " (it has no outcomes)." : $"; its outcomes are {string.Join(", ", outcomes)}.")));
        }

        if (catalog != null) CheckChildren(definition, catalog, errors);
        CheckReachability(definition, registry, byId, errors);
        CheckBodies(definition, registry, errors);

        // Loops must be proper back-edges; the compiled plan knows which are not.
        if (errors.Count == 0)
        {
            try
            {
                var plan = ExecutionPlan.Compile(definition, registry);
                foreach (var c in plan.Connections)
                    if (c.IsBackward && !c.BackwardValid)
                        errors.Add(new(c.Definition.SourceActivity, "invalid-loop",
                            $"连接 {c.Key} 是回环，但从“{c.Definition.SourceActivity}”回到开始的路径并不都经过“{c.Definition.TargetActivity}”。",
                            $"Connection {c.Key} loops back, but not every path from '{c.Definition.SourceActivity}' to the start passes through '{c.Definition.TargetActivity}'."));
            }
            catch (WorkflowDefinitionException ex)
            {
                errors.Add(new(ex.ActivityId, "invalid", $"流程定义有误：{ex.MessageZh}", ex.Message));
            }
        }
        return errors;
    }

    /// <summary>The bodies of loops, forks and nested containers are checked like the flowchart they sit in.</summary>
    private static void CheckBodies(WorkflowDefinition definition, ActivityRegistry registry, List<ValidationError> errors)
    {
        foreach (var a in definition.Root.Activities)
        {
            if (registry.Resolve(a) is not { } type) continue;
            foreach (var segment in WorkflowBodies.SegmentsOf(a, type))
            {
                try
                {
                    errors.AddRange(Check(WorkflowBodies.Child(definition, segment), registry));
                }
                catch (WorkflowDefinitionException ex)
                {
                    errors.Add(new(ex.ActivityId ?? a.Id, "invalid-body", $"活动“{a.Id}”的循环体或容器体有误：{ex.MessageZh}", $"Activity '{a.Id}': {ex.Message}"));
                }
            }
        }
    }

    private static void CheckChildren(WorkflowDefinition definition, WorkflowCatalog catalog, List<ValidationError> errors)
    {
        foreach (var (node, id, asActivity) in WorkflowCatalog.ChildReferences(definition))
        {
            if (id == definition.DefinitionId) continue; // reported as a cycle below
            var child = catalog.Find(id);
            if (child == null)
                errors.Add(new(node.Id, "unknown-workflow", $"活动“{node.Id}”运行的流程 {id} 没有已发布的版本。",
                    $"Activity '{node.Id}' runs workflow '{id}', which has no published version."));
            else if (asActivity && !child.UsableAsActivity)
                errors.Add(new(node.Id, "not-usable-as-activity", $"活动“{node.Id}”把流程 {id} 当作活动使用，但该流程未设置为“可作为活动使用”。",
                    $"Activity '{node.Id}' places workflow '{id}' as an activity, but that workflow is not marked usable as an activity."));
        }
        if (catalog.CycleThrough(definition) is { } cycle)
        {
            var first = WorkflowCatalog.ChildReferences(definition).First(r => r.DefinitionId == cycle[1]).Node.Id;
            errors.Add(new(first, "workflow-cycle", $"流程 {definition.DefinitionId} 会运行它自己：{string.Join(" → ", cycle)}。",
                $"Workflow '{definition.DefinitionId}' would run itself: {string.Join(" → ", cycle)}."));
        }
    }

    private static void CheckInput(ActivityNode a, InputProperty p, HashSet<string> varNames, List<ValidationError> errors)
    {
        if (p.Attribute.Raw)
        {
            if (p.Attribute.Required && a.GetProperty(p.Name) is null)
                errors.Add(MissingInput(a, p));
            return;
        }
        a.Inputs.TryGetValue(p.Name, out var input);
        var expr = input?.Expression;
        var empty = expr == null || expr.Value == null || expr.Value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) && string.IsNullOrWhiteSpace(s);
        if (empty)
        {
            if (p.Attribute.Required && p.DefaultValue == null)
                errors.Add(MissingInput(a, p));
            return;
        }
        try
        {
            var compiled = CompiledExpression.Compile(expr!, p.Type, varNames);
            switch (compiled)
            {
                case JavaScriptExpression js: JavaScriptRuntime.Prepare(js.Source); break;
                case LiquidExpression lq: LiquidRuntime.Prepare(lq.Source); break;
                case LiteralExpression { Value: string script } when p.Attribute.Script: JavaScriptRuntime.Prepare(script); break;
                case LiteralExpression { Value: string text } when p.Choices?.Unknown(text) is { Count: > 0 } unknown:
                    errors.Add(new(a.Id, "invalid-input",
                        $"活动“{a.Id}”的输入“{ZhName(p)}”不接受{string.Join("、", unknown.Select(u => $"“{u}”"))}，可用：{string.Join("、", p.Choices.Values)}。",
                        $"Activity '{a.Id}' input '{p.Name}': {string.Join(", ", unknown.Select(u => $"'{u}'"))} {(unknown.Count == 1 ? "is" : "are")} not among its values; use {string.Join(", ", p.Choices.Values)}."));
                    break;
                case LiteralExpression { Value: int or long } literal when Convert.ToInt64(literal.Value) < p.Attribute.Min:
                    errors.Add(new(a.Id, "invalid-input", $"活动“{a.Id}”的输入“{ZhName(p)}”不能小于 {p.Attribute.Min}（现为 {literal.Value}）。",
                        $"Activity '{a.Id}' input '{p.Name}' must be {p.Attribute.Min} or more, not {literal.Value}."));
                    break;
                case LiteralExpression { Value: int or long } literal when Convert.ToInt64(literal.Value) > p.Attribute.Max:
                    errors.Add(new(a.Id, "invalid-input", $"活动“{a.Id}”的输入“{ZhName(p)}”不能大于 {p.Attribute.Max}（现为 {literal.Value}）。",
                        $"Activity '{a.Id}' input '{p.Name}' must be {p.Attribute.Max} or less, not {literal.Value}."));
                    break;
            }
        }
        catch (ExpressionException ex)
        {
            // A script's or template's own diagnostics (line, column, what the parser expected): what its author needs to fix it.
            errors.Add(new(a.Id, "invalid-input", $"活动“{a.Id}”的输入“{ZhName(p)}”的表达式有误：{ex.Message}", $"Activity '{a.Id}' input '{p.Name}': {ex.Message}"));
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException or System.Text.Json.JsonException)
        {
            // Never the framework's own words ("The input string 'abc' was not in a correct format."): what the input takes.
            var (zh, en) = Unreadable(expr!, p.Type, ex is OverflowException);
            errors.Add(new(a.Id, "invalid-input", $"活动“{a.Id}”的输入“{ZhName(p)}”无效：{zh}", $"Activity '{a.Id}' input '{p.Name}': {en}"));
        }
    }

    /// <summary>Why a value could not be read as the input's type, in words: what it takes, and what it was given.</summary>
    private static (string Zh, string En) Unreadable(InputExpression expr, Type type, bool overflow)
    {
        if (expr.Type is not (ExpressionTypes.Literal or "Object" or ExpressionTypes.Variable or ExpressionTypes.JavaScript or ExpressionTypes.Liquid))
        {
            return ($"不支持表达式类型“{expr.Type}”，可用：字面值（Literal）、变量（Variable）、JavaScript、Liquid",
                $"the expression type '{expr.Type}' is not supported; use Literal, Variable, JavaScript or Liquid");
        }

        if (expr.Type == ExpressionTypes.Variable)
        {
            return ("变量表达式须写明变量名", "a Variable expression needs a variable's name or id");
        }

        var given = expr.Value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text) ? text : expr.Value?.ToJsonString() ?? "";
        if (given.Length > 40) given = given[..40] + "…";
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target switch
        {
            _ when overflow => ($"“{given}”超出可用的范围", $"'{given}' is out of range"),
            _ when target == typeof(int) || target == typeof(long) => ($"应为整数，现为“{given}”", $"must be a whole number, not '{given}'"),
            _ when target == typeof(double) || target == typeof(decimal) => ($"应为数字，现为“{given}”", $"must be a number, not '{given}'"),
            _ when target == typeof(bool) => ($"应为“是”或“否”（true 或 false），现为“{given}”", $"must be true or false, not '{given}'"),
            _ when target == typeof(TimeSpan) => ($"应为时长，如 1.00:00:00（1 天）或 02:00:00（2 小时），现为“{given}”",
                $"must be a duration such as 1.00:00:00 (a day) or 02:00:00 (two hours), not '{given}'"),
            _ when target == typeof(DateTimeOffset) || target == typeof(DateTime) => ($"应为日期时间，如 2026-02-13T10:00，现为“{given}”",
                $"must be a date and time such as 2026-02-13T10:00, not '{given}'"),
            _ => ($"格式不正确，现为“{given}”", $"is not in the form it takes, not '{given}'"),
        };
    }

    private static ValidationError MissingInput(ActivityNode a, InputProperty p) =>
        new(a.Id, "missing-input", $"活动“{a.Id}”缺少必填的输入“{ZhName(p)}”。", $"Activity '{a.Id}' is missing required input '{p.Name}'.");

    /// <summary>An input as the Chinese designer shows it, with the name it has in the JSON: 办结时限（工作日）（resolveWithinWorkingDays）.</summary>
    private static string ZhName(InputProperty p) =>
        string.IsNullOrEmpty(p.Attribute.DisplayNameZh) ? p.Name : $"{p.Attribute.DisplayNameZh}（{p.Name}）";

    private static void CheckReachability(WorkflowDefinition def, ActivityRegistry registry, Dictionary<string, ActivityNode> byId, List<ValidationError> errors)
    {
        var acts = def.Root.Activities;
        // A sequence runs every child in order and a single root is its only activity: nothing can be unreachable.
        if (acts.Count == 0 || def.Root.IsSequence || def.Root.IsSingleActivity) return;
        var targets = new HashSet<string>(def.Root.Connections.Select(c => c.TargetActivity), StringComparer.Ordinal);
        var start = acts.FirstOrDefault(a => registry.Find(a.Type)?.ClrType == typeof(Start))
                    ?? acts.FirstOrDefault(a => a.CanStartWorkflow)
                    ?? acts.FirstOrDefault(a => !targets.Contains(a.Id))
                    ?? acts[0];
        var seen = new HashSet<string>(StringComparer.Ordinal) { start.Id };
        var queue = new Queue<string>([start.Id]);
        var outbound = def.Root.Connections.ToLookup(c => c.SourceActivity, StringComparer.Ordinal);
        while (queue.Count > 0)
            foreach (var c in outbound[queue.Dequeue()])
                if (byId.ContainsKey(c.TargetActivity) && seen.Add(c.TargetActivity))
                    queue.Enqueue(c.TargetActivity);
        foreach (var a in acts)
            if (!seen.Contains(a.Id))
                errors.Add(new(a.Id, "unreachable", $"从开始活动（“{start.Id}”）无法到达活动“{a.Id}”。", $"Activity '{a.Id}' cannot be reached from the start ('{start.Id}')."));
    }
}
