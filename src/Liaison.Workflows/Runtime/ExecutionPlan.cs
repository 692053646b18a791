using System.Text.Json.Nodes;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Expressions;

namespace Liaison.Workflows.Runtime;

/// <summary>
/// A definition compiled once: activity types resolved, inputs bound (literals pre-converted), the graph as
/// int-indexed adjacency with forward/backward connections classified. Immutable and shared between runs.
/// </summary>
internal sealed class ExecutionPlan
{
    /// <summary>The port of the connections a Sequence root chains its children with: followed on any completion.</summary>
    public const string AnyOutcome = "*";

    public required WorkflowDefinition Definition { get; init; }
    public required PlanNode[] Nodes { get; init; }
    public required PlanConnection[] Connections { get; init; }
    public required Dictionary<string, int> NodeIndex { get; init; }
    public required Dictionary<string, int> ConnectionIndex { get; init; }
    public required int StartNode { get; init; }

    /// <summary>Set when the plan was compiled for a run triggered by a specific activity.</summary>
    public string? TriggerActivityId { get; init; }
    public required VariableDefinition[] Variables { get; init; }
    public required Dictionary<string, int> VariableById { get; init; }
    public required Dictionary<string, int> VariableByName { get; init; }
    public required string[] VariableNames { get; init; }

    /// <summary>Declared workflow inputs and their type names (<c>inputs[].type</c>), by name.</summary>
    public required Dictionary<string, string> InputTypes { get; init; }

    /// <summary>Declared workflow output names (<c>outputs[].name</c>).</summary>
    public required HashSet<string> OutputNames { get; init; }

    /// <summary>Identifiers used by this definition's scripts; only those globals are defined per run (it is the costly part).</summary>
    public required HashSet<string> ScriptIdentifiers { get; init; }

    private static readonly System.Text.RegularExpressions.Regex Identifier = new(@"[A-Za-z_$][A-Za-z0-9_$]*", System.Text.RegularExpressions.RegexOptions.Compiled);

    public int FindVariable(string nameOrId) =>
        VariableById.TryGetValue(nameOrId, out var i) ? i : VariableByName.TryGetValue(nameOrId, out i) ? i : -1;

    public static ExecutionPlan Compile(WorkflowDefinition definition, ActivityRegistry registry, string? triggerActivityId = null)
    {
        var acts = definition.Root.Activities;
        var nodes = new PlanNode[acts.Count];
        var nodeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var vars = definition.AllVariables.ToArray();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < vars.Length; i++)
        {
            byId.TryAdd(vars[i].Id, i);
            byName.TryAdd(vars[i].Name, i);
        }
        var varNames = vars.Select(v => v.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

        for (var i = 0; i < acts.Count; i++)
        {
            var a = acts[i];
            if (!nodeIndex.TryAdd(a.Id, i))
                throw new WorkflowDefinitionException($"Duplicate activity id '{a.Id}'.", activityId: a.Id) { MessageZh = $"活动编号“{a.Id}”重复。" };
            var type = registry.Resolve(a)
                       ?? throw new WorkflowDefinitionException($"Activity '{a.Id}' has unknown type '{a.Type}'.", activityId: a.Id)
                       {
                           MessageZh = $"活动“{a.Id}”的类型 {a.Type} 无法识别。",
                       };
            nodes[i] = new PlanNode(i, a, type, BindInputs(a, type, varNames));
        }

        // Connections: drop those naming missing activities (Elsa does the same) and exact duplicates.
        var conns = new List<PlanConnection>();
        var connIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in definition.Root.IsSequence ? SequenceChain(definition.Root) : definition.Root.Connections)
        {
            if (!nodeIndex.TryGetValue(c.SourceActivity, out var s) || !nodeIndex.TryGetValue(c.TargetActivity, out var t)) continue;
            var key = c.ToString();
            if (connIndex.ContainsKey(key)) continue;
            connIndex[key] = conns.Count;
            conns.Add(new PlanConnection(conns.Count, c, s, t, c.SourcePort, key));
        }

        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in nodes)
            foreach (var b in n.Inputs)
                foreach (var source in ScriptsOf(b))
                    foreach (System.Text.RegularExpressions.Match m in Identifier.Matches(source))
                        identifiers.Add(m.Value);

        int start;
        if (definition.Root.IsSequence && triggerActivityId == null)
            start = nodes.Length > 0 ? 0 : -1;
        else if (triggerActivityId != null)
            start = nodeIndex.TryGetValue(triggerActivityId, out var t) ? t
                : throw new WorkflowDefinitionException($"The run was triggered by activity '{triggerActivityId}', which the definition does not have.", activityId: triggerActivityId)
                {
                    MessageZh = $"触发运行的活动“{triggerActivityId}”不在流程定义中。",
                };
        else
            start = FindStart(definition, nodes, conns);
        ClassifyConnections(nodes.Length, conns, start);

        var outbound = new List<int>[nodes.Length];
        var forwardInbound = new List<int>[nodes.Length];
        for (var i = 0; i < nodes.Length; i++) { outbound[i] = []; forwardInbound[i] = []; }
        var allInbound = new List<int>[nodes.Length];
        for (var i = 0; i < nodes.Length; i++) allInbound[i] = [];
        foreach (var c in conns)
        {
            outbound[c.Source].Add(c.Index);
            allInbound[c.Target].Add(c.Index);
            if (!c.IsBackward) forwardInbound[c.Target].Add(c.Index);
        }
        foreach (var n in nodes)
        {
            n.Outbound = outbound[n.Index].ToArray();
            n.ForwardInbound = forwardInbound[n.Index].ToArray();
            n.AllInbound = allInbound[n.Index].ToArray();
        }
        foreach (var n in nodes)
        {
            if (n.Join == NodeJoin.WaitAny)
                n.Ancestors = Ancestors(n.Index, nodes, conns);
        }

        return new ExecutionPlan
        {
            Definition = definition,
            Nodes = nodes,
            Connections = conns.ToArray(),
            NodeIndex = nodeIndex,
            ConnectionIndex = connIndex,
            StartNode = start,
            TriggerActivityId = triggerActivityId,
            Variables = vars,
            VariableById = byId,
            VariableByName = byName,
            VariableNames = varNames,
            ScriptIdentifiers = identifiers,
            InputTypes = Declared(definition.DeclaredInputs)
                .Where(d => d.Type != null).ToDictionary(d => d.Name, d => d.Type!, StringComparer.OrdinalIgnoreCase),
            OutputNames = Declared(definition.DeclaredOutputs).Select(d => d.Name).ToHashSet(StringComparer.Ordinal),
        };
    }

    private static IEnumerable<(string Name, string? Type)> Declared(IEnumerable<JsonObject> items)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var o in items)
            if (ValueConverter.ToText(o["name"]) is { Length: > 0 } name && seen.Add(name))
                yield return (name, ValueConverter.ToText(o["type"] ?? o["typeName"]));
    }

    /// <summary>A Sequence root runs its children in order: each one after the previous completes, whatever its outcome.</summary>
    private static IEnumerable<Connection> SequenceChain(Flowchart root)
    {
        for (var i = 1; i < root.Activities.Count; i++)
            yield return new Connection { SourceActivity = root.Activities[i - 1].Id, SourcePort = AnyOutcome, TargetActivity = root.Activities[i].Id };
    }

    /// <summary>JavaScript sources an input may run: its expression, a script literal, or expressions inside a raw property.</summary>
    private static IEnumerable<string> ScriptsOf(BoundInput input)
    {
        switch (input.Expression)
        {
            case JavaScriptExpression js:
                yield return js.Source;
                break;
            case LiteralExpression { Value: string text } when input.Property.Attribute.Script:
                yield return text;
                break;
            case LiteralExpression { Value: JsonNode raw }:
                foreach (var source in JavaScriptIn(raw)) yield return source;
                break;
        }
    }

    private static IEnumerable<string> JavaScriptIn(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == Definitions.ExpressionTypes.JavaScript
                    && o["value"] is JsonValue v && v.TryGetValue<string>(out var source))
                    yield return source;
                foreach (var (_, child) in o)
                    if (child != null)
                        foreach (var s in JavaScriptIn(child)) yield return s;
                break;
            case JsonArray a:
                foreach (var child in a)
                    if (child != null)
                        foreach (var s in JavaScriptIn(child)) yield return s;
                break;
        }
    }

    private static BoundInput[] BindInputs(ActivityNode node, ActivityType type, IReadOnlyCollection<string> varNames) =>
        type.HasDynamicInputs ? [.. BindDeclaredInputs(node, type, varNames), .. BindDynamicInputs(node, type, varNames)] : BindDeclaredInputs(node, type, varNames);

    private static BoundInput[] BindDeclaredInputs(ActivityNode node, ActivityType type, IReadOnlyCollection<string> varNames)
    {
        var bound = new BoundInput[type.Inputs.Length];
        for (var i = 0; i < type.Inputs.Length; i++)
        {
            var p = type.Inputs[i];
            if (p.Attribute.Raw)
            {
                bound[i] = new BoundInput(p, new LiteralExpression(node.GetProperty(p.Name)?.DeepClone() ?? p.DefaultValue));
                continue;
            }
            CompiledExpression expr;
            if (node.Inputs.TryGetValue(p.Name, out var input) && input.Expression != null)
            {
                try
                {
                    expr = CompiledExpression.Compile(input.Expression, p.Type, varNames);
                }
                catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException or System.Text.Json.JsonException)
                {
                    throw new WorkflowDefinitionException($"Activity '{node.Id}' input '{p.Name}': {ex.Message}", activityId: node.Id, inner: ex)
                    {
                        MessageZh = $"活动“{node.Id}”的输入“{p.Name}”无效：{ex.Message}",
                    };
                }
            }
            else
            {
                // An unset array input is empty, not null: the property's own "= []" is overwritten by this assignment.
                expr = new LiteralExpression(p.DefaultValue ?? (p.Type.IsValueType ? Activator.CreateInstance(p.Type)
                    : p.Type.IsArray ? Array.CreateInstance(p.Type.GetElementType()!, 0) : null));
            }
            bound[i] = new BoundInput(p, expr);
        }
        return bound;
    }

    /// <summary>
    /// A workflow used as an activity takes whatever inputs its definition declares: every input on the node is
    /// evaluated (as the type its <c>typeName</c> names) into the activity's input dictionary, after its own inputs.
    /// </summary>
    private static List<BoundInput> BindDynamicInputs(ActivityNode node, ActivityType type, IReadOnlyCollection<string> varNames)
    {
        var dynamic = new List<BoundInput>();
        foreach (var (name, input) in node.Inputs)
        {
            if (input.Expression == null || type.Inputs.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))) continue;
            var clr = ValueConverter.ClrTypeOf(input.TypeName) ?? typeof(object);
            var key = name;
            var property = new InputProperty(name, clr, (a, v) => ((IDynamicInputs)a).DynamicInputs[key] = v, new InputAttribute(), null);
            try
            {
                dynamic.Add(new BoundInput(property, CompiledExpression.Compile(input.Expression, clr, varNames)));
            }
            catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException or System.Text.Json.JsonException)
            {
                throw new WorkflowDefinitionException($"Activity '{node.Id}' input '{name}': {ex.Message}", activityId: node.Id, inner: ex)
                {
                    MessageZh = $"活动“{node.Id}”的输入“{name}”无效：{ex.Message}",
                };
            }
        }
        return dynamic;
    }

    /// <summary>Elsa's order: explicit start, first Elsa.Start, first canStartWorkflow, first without inbound connections, first.</summary>
    private static int FindStart(WorkflowDefinition def, PlanNode[] nodes, List<PlanConnection> conns)
    {
        if (nodes.Length == 0) return -1;
        if (def.Root.Extra.TryGetPropertyValue("start", out var startNode) && startNode is JsonValue sv
            && sv.TryGetValue<string>(out var startId))
            foreach (var n in nodes)
                if (n.Node.Id == startId) return n.Index;
        foreach (var n in nodes)
            if (n.Type.ClrType == typeof(Activities.BuiltIn.Start)) return n.Index;
        foreach (var n in nodes)
            if (n.Node.CanStartWorkflow) return n.Index;
        var hasInbound = new bool[nodes.Length];
        foreach (var c in conns) hasInbound[c.Target] = true;
        for (var i = 0; i < nodes.Length; i++)
            if (!hasInbound[i]) return i;
        return 0;
    }

    /// <summary>
    /// Breadth-first from the start, an edge is forward unless its target already reaches its source through
    /// forward edges (then it closes a loop). A backward edge is valid when every forward path from its source back
    /// to the start passes through its target.
    /// </summary>
    private static void ClassifyConnections(int nodeCount, List<PlanConnection> conns, int start)
    {
        if (start < 0) return;
        var bySource = new List<PlanConnection>[nodeCount];
        for (var i = 0; i < nodeCount; i++) bySource[i] = [];
        foreach (var c in conns) bySource[c.Source].Add(c);

        var forwardAdj = new List<int>[nodeCount];
        for (var i = 0; i < nodeCount; i++) forwardAdj[i] = [];
        var forwardPairs = new HashSet<(int, int)>();
        var rejectedPairs = new HashSet<(int, int)>();
        var seen = new bool[nodeCount];
        var queue = new Queue<int>();
        queue.Enqueue(start);
        seen[start] = true;
        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            foreach (var c in bySource[s])
            {
                var pair = (s, c.Target);
                if (forwardPairs.Contains(pair) || rejectedPairs.Contains(pair)) continue;
                if (c.Target == s || Reaches(forwardAdj, c.Target, s))
                {
                    rejectedPairs.Add(pair);
                    continue;
                }
                forwardPairs.Add(pair);
                forwardAdj[s].Add(c.Target);
                if (!seen[c.Target])
                {
                    seen[c.Target] = true;
                    queue.Enqueue(c.Target);
                }
            }
        }

        var reverse = new List<int>[nodeCount];
        for (var i = 0; i < nodeCount; i++) reverse[i] = [];
        for (var s = 0; s < nodeCount; s++)
            foreach (var t in forwardAdj[s]) reverse[t].Add(s);

        foreach (var c in conns)
        {
            c.IsBackward = !forwardPairs.Contains((c.Source, c.Target));
            if (c.IsBackward)
                c.BackwardValid = !ReachesAvoiding(reverse, c.Source, start, c.Target);
        }
    }

    private static bool Reaches(List<int>[] adj, int from, int to)
    {
        var seen = new HashSet<int> { from };
        var stack = new Stack<int>();
        stack.Push(from);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n == to) return true;
            foreach (var m in adj[n])
                if (seen.Add(m)) stack.Push(m);
        }
        return false;
    }

    /// <summary>Whether <paramref name="to"/> can be reached from <paramref name="from"/> without passing <paramref name="avoid"/>.</summary>
    private static bool ReachesAvoiding(List<int>[] adj, int from, int to, int avoid)
    {
        if (from == avoid) return false;
        var seen = new HashSet<int> { from };
        var stack = new Stack<int>();
        stack.Push(from);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n == to) return true;
            foreach (var m in adj[n])
                if (m != avoid && seen.Add(m)) stack.Push(m);
        }
        return false;
    }

    private static int[] Ancestors(int node, PlanNode[] nodes, List<PlanConnection> conns)
    {
        var result = new HashSet<int>();
        var stack = new Stack<int>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            foreach (var ci in nodes[n].ForwardInbound)
                if (result.Add(conns[ci].Source)) stack.Push(conns[ci].Source);
        }
        result.Remove(node);
        return result.ToArray();
    }
}

internal enum NodeJoin
{
    /// <summary>Counter mode's rule, and Elsa's Stream: runs once every forward inbound branch arrived or died, if any arrived.</summary>
    Implicit,
    WaitAll,

    /// <summary>FlowJoin WaitAny, and Elsa's Race.</summary>
    WaitAny,

    /// <summary>Elsa's Merge: waits until every forward inbound connection delivered; a dead branch blocks it.</summary>
    Merge,

    /// <summary>Elsa's Converge: like Merge over every inbound connection, loop back-edges included.</summary>
    Converge,

    /// <summary>Elsa's Cascade: runs once per arrival, no joining.</summary>
    Cascade,
}

internal sealed class PlanNode
{
    public PlanNode(int index, ActivityNode node, ActivityType type, BoundInput[] inputs)
    {
        Index = index;
        Node = node;
        Type = type;
        Inputs = inputs;
        Join = MergeModeOf(node) ?? NodeJoin.Implicit;
        if (type.IsJoin)
        {
            // The join mode must be known to schedule; read it from a literal-bound instance.
            var probe = type.Factory();
            foreach (var b in inputs)
                if (b.Expression is LiteralExpression lit)
                    b.Property.Setter(probe, lit.Value);
            Join = ((IJoinActivity)probe).Mode == JoinMode.WaitAny ? NodeJoin.WaitAny : NodeJoin.WaitAll;
        }
    }

    public int Index { get; }
    public ActivityNode Node { get; }
    public ActivityType Type { get; }
    public BoundInput[] Inputs { get; }
    public NodeJoin Join { get; }

    /// <summary>Every inbound connection, back-edges included (Converge waits for them all).</summary>
    public int[] AllInbound { get; set; } = [];

    /// <summary>Elsa's <c>customProperties.mergeMode</c>; null when unset (or None), so the counter rule applies.</summary>
    private static NodeJoin? MergeModeOf(ActivityNode node)
    {
        if (node.GetProperty("customProperties") is not System.Text.Json.Nodes.JsonObject cp) return null;
        var value = cp.FirstOrDefault(kv => string.Equals(kv.Key, "mergeMode", StringComparison.OrdinalIgnoreCase)).Value;
        return ValueConverter.ToText(value)?.Trim().ToLowerInvariant() switch
        {
            "stream" => NodeJoin.Implicit,
            "merge" => NodeJoin.Merge,
            "converge" => NodeJoin.Converge,
            "cascade" => NodeJoin.Cascade,
            "race" => NodeJoin.WaitAny,
            _ => null,
        };
    }
    public int[] Outbound { get; set; } = [];
    public int[] ForwardInbound { get; set; } = [];
    public int[] Ancestors { get; set; } = [];
    public string Id => Node.Id;
}

internal sealed record BoundInput(InputProperty Property, CompiledExpression Expression);

internal sealed class PlanConnection(int index, Connection definition, int source, int target, string port, string key)
{
    public int Index { get; } = index;
    public Connection Definition { get; } = definition;
    public int Source { get; } = source;
    public int Target { get; } = target;
    public string Port { get; } = port;
    public string Key { get; } = key;
    public bool IsBackward { get; set; }
    public bool BackwardValid { get; set; }
}
