using System.Text.Json.Nodes;

namespace Liaison.Workflows.Definitions;

/// <summary>One difference between two versions of a workflow: what it is, as it was and as it is (null: absent).</summary>
/// <param name="Field">
/// <c>name</c>; <c>variable:{name}</c>; <c>activity:{id}</c> (added or removed); <c>activity:{id}.name</c>,
/// <c>activity:{id}.type</c> or <c>activity:{id}.{input}</c> (changed); <c>connection:{id}:{port}</c> (the port's targets).
/// </param>
public sealed record WorkflowChange(string Field, string? Before, string? After);

/// <summary>
/// What changed between two versions of a workflow, in terms an admin reads in the change log: activities added,
/// removed or renamed, inputs changed (expression type and value), ports connected elsewhere, variables. The
/// designer's layout (positions, vertices) is not a change of behaviour and is left out.
/// </summary>
public static class WorkflowDiff
{
    public const string NameField = "name";
    public const string ActivityPrefix = "activity:";
    public const string ConnectionPrefix = "connection:";
    public const string VariablePrefix = "variable:";

    public static IReadOnlyList<WorkflowChange> Compare(WorkflowDefinition before, WorkflowDefinition after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<WorkflowChange>();
        Add(changes, NameField, before.Name, after.Name);

        var variables = Variables(before);
        var newVariables = Variables(after);
        foreach (var name in variables.Keys.Union(newVariables.Keys).Order(StringComparer.Ordinal))
        {
            Add(changes, VariablePrefix + name, variables.GetValueOrDefault(name), newVariables.GetValueOrDefault(name));
        }

        var activities = before.Root.Activities.ToDictionary(a => a.Id, StringComparer.Ordinal);
        foreach (var a in after.Root.Activities)
        {
            if (!activities.Remove(a.Id, out var old))
            {
                changes.Add(new(ActivityPrefix + a.Id, null, Describe(a)));
                continue;
            }

            var prefix = ActivityPrefix + a.Id + ".";
            Add(changes, prefix + "name", old.Name, a.Name);
            Add(changes, prefix + "type", old.Type, a.Type);
            foreach (var input in old.Inputs.Keys.Union(a.Inputs.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))
            {
                Add(changes, prefix + input, Show(old.Inputs.GetValueOrDefault(input)), Show(a.Inputs.GetValueOrDefault(input)));
            }
        }

        changes.AddRange(activities.Values.Select(a => new WorkflowChange(ActivityPrefix + a.Id, Describe(a), null)));

        var ports = Ports(before);
        var newPorts = Ports(after);
        foreach (var port in ports.Keys.Union(newPorts.Keys).Order(StringComparer.Ordinal))
        {
            Add(changes, ConnectionPrefix + port, ports.GetValueOrDefault(port), newPorts.GetValueOrDefault(port));
        }

        return changes;
    }

    private static void Add(List<WorkflowChange> changes, string field, string? before, string? after)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            changes.Add(new(field, before, after));
        }
    }

    private static string Describe(ActivityNode a) => string.IsNullOrWhiteSpace(a.Name) ? a.Type : $"{a.Name} ({a.Type})";

    /// <summary>An input as written: a literal's value, or the expression type and its text.</summary>
    private static string? Show(InputValue? input) => input?.Expression switch
    {
        null => null,
        { Type: ExpressionTypes.Literal, Value: JsonValue v } => v.ToJsonString() is var json && json.StartsWith('"') ? v.ToString() : json,
        { Value: JsonValue v } e when v.TryGetValue<string>(out var text) => $"{e.Type}: {text}",
        var e => $"{e.Type}: {e.Value?.ToJsonString() ?? "null"}",
    };

    private static Dictionary<string, string?> Variables(WorkflowDefinition d) =>
        d.Variables.Concat(d.Root.Variables)
            .GroupBy(v => string.IsNullOrEmpty(v.Name) ? v.Id : v.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (string?)string.Join("; ", g.Select(v => $"{v.TypeName}{(v.IsArray ? "[]" : "")} = {v.Value ?? "null"}")), StringComparer.Ordinal);

    /// <summary>Each used source port (<c>{activity}:{port}</c>) and the activities it leads to.</summary>
    private static Dictionary<string, string?> Ports(WorkflowDefinition d) =>
        d.Root.Connections
            .GroupBy(c => $"{c.SourceActivity}:{c.SourcePort}", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (string?)string.Join(", ", g.Select(c => c.TargetPort == "In" ? c.TargetActivity : $"{c.TargetActivity}:{c.TargetPort}").Distinct().Order(StringComparer.Ordinal)), StringComparer.Ordinal);
}
