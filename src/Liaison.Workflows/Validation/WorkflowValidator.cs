using Liaison.Workflows.Activities;
using Liaison.Workflows.Activities.BuiltIn;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Expressions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Validation;

/// <summary>A problem that blocks publishing; <see cref="ActivityId"/> names the activity concerned.</summary>
public sealed record ValidationError(string? ActivityId, string Code, string Message);

/// <summary>Checks a definition before it is published.</summary>
public static class WorkflowValidator
{
    /// <param name="catalog">The published workflows children may name; null skips the child checks (nothing to check them against).</param>
    public static IReadOnlyList<ValidationError> Validate(WorkflowDefinition definition, ActivityRegistry registry, WorkflowCatalog? catalog = null)
    {
        var errors = new List<ValidationError>();
        var acts = definition.Root.Activities;
        var byId = new Dictionary<string, ActivityNode>(StringComparer.Ordinal);
        foreach (var a in acts)
        {
            if (string.IsNullOrWhiteSpace(a.Id))
                errors.Add(new(null, "missing-id", $"An activity of type '{a.Type}' has no id."));
            else if (!byId.TryAdd(a.Id, a))
                errors.Add(new(a.Id, "duplicate-id", $"Activity id '{a.Id}' is used more than once."));
        }

        var varIds = new HashSet<string>(definition.AllVariables.Select(v => v.Id), StringComparer.Ordinal);
        var varNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var v in definition.AllVariables)
            if (!varNames.Add(v.Name))
                errors.Add(new(null, "duplicate-variable", $"Variable name '{v.Name}' is declared more than once."));

        foreach (var a in acts)
        {
            var type = registry.Resolve(a);
            if (type == null)
            {
                errors.Add(new(a.Id, "unknown-type", $"Activity '{a.Id}' has unknown type '{a.Type}'."));
                continue;
            }
            foreach (var p in type.Inputs)
                CheckInput(a, p, varNames, errors);
            if (type.ClrType == typeof(SetVariable))
            {
                var reference = SetVariable.ReferenceOf(a.GetProperty("variable"));
                if (reference != null && !varIds.Contains(reference) && !varNames.Contains(reference))
                    errors.Add(new(a.Id, "unknown-variable", $"Activity '{a.Id}' sets variable '{reference}', which is not declared."));
            }
        }

        foreach (var c in definition.Root.Connections)
        {
            var sourceOk = byId.TryGetValue(c.SourceActivity, out var source);
            if (!sourceOk)
                errors.Add(new(c.SourceActivity, "dangling-connection", $"Connection {c} starts at missing activity '{c.SourceActivity}'."));
            if (!byId.ContainsKey(c.TargetActivity))
                errors.Add(new(c.TargetActivity, "dangling-connection", $"Connection {c} ends at missing activity '{c.TargetActivity}'."));
            if (sourceOk && registry.OutcomesOf(source!) is { } outcomes && !outcomes.Contains(c.SourcePort))
                errors.Add(new(c.SourceActivity, "unknown-port",
                    $"Activity '{c.SourceActivity}' ({source!.Type}) has no outcome '{c.SourcePort}'" +
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
                            $"Connection {c.Key} loops back, but not every path from '{c.Definition.SourceActivity}' to the start passes through '{c.Definition.TargetActivity}'."));
            }
            catch (WorkflowDefinitionException ex)
            {
                errors.Add(new(ex.ActivityId, "invalid", ex.Message));
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
                    errors.AddRange(Validate(WorkflowBodies.Child(definition, segment), registry));
                }
                catch (WorkflowDefinitionException ex)
                {
                    errors.Add(new(ex.ActivityId ?? a.Id, "invalid-body", $"Activity '{a.Id}': {ex.Message}"));
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
                errors.Add(new(node.Id, "unknown-workflow", $"Activity '{node.Id}' runs workflow '{id}', which has no published version."));
            else if (asActivity && !child.UsableAsActivity)
                errors.Add(new(node.Id, "not-usable-as-activity", $"Activity '{node.Id}' places workflow '{id}' as an activity, but that workflow is not marked usable as an activity."));
        }
        if (catalog.CycleThrough(definition) is { } cycle)
        {
            var first = WorkflowCatalog.ChildReferences(definition).First(r => r.DefinitionId == cycle[1]).Node.Id;
            errors.Add(new(first, "workflow-cycle", $"Workflow '{definition.DefinitionId}' would run itself: {string.Join(" → ", cycle)}."));
        }
    }

    private static void CheckInput(ActivityNode a, InputProperty p, HashSet<string> varNames, List<ValidationError> errors)
    {
        if (p.Attribute.Raw)
        {
            if (p.Attribute.Required && a.GetProperty(p.Name) is null)
                errors.Add(new(a.Id, "missing-input", $"Activity '{a.Id}' is missing required input '{p.Name}'."));
            return;
        }
        a.Inputs.TryGetValue(p.Name, out var input);
        var expr = input?.Expression;
        var empty = expr == null || expr.Value == null || expr.Value is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) && string.IsNullOrWhiteSpace(s);
        if (empty)
        {
            if (p.Attribute.Required && p.DefaultValue == null)
                errors.Add(new(a.Id, "missing-input", $"Activity '{a.Id}' is missing required input '{p.Name}'."));
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
                case LiteralExpression { Value: int or long } literal when Convert.ToInt64(literal.Value) < p.Attribute.Min:
                    errors.Add(new(a.Id, "invalid-input", $"Activity '{a.Id}' input '{p.Name}' must be {p.Attribute.Min} or more, not {literal.Value}. / 活动“{a.Id}”的输入“{p.Name}”不能小于 {p.Attribute.Min}。"));
                    break;
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException or ExpressionException or System.Text.Json.JsonException)
        {
            errors.Add(new(a.Id, "invalid-input", $"Activity '{a.Id}' input '{p.Name}': {ex.Message}"));
        }
    }

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
                errors.Add(new(a.Id, "unreachable", $"Activity '{a.Id}' cannot be reached from the start ('{start.Id}')."));
    }
}
