using System.Text.Json.Nodes;

namespace Liaison.Workflows.Definitions;

/// <summary>
/// One version of a workflow, in Elsa 3's definition shape. Treat an instance as immutable once it has been
/// run: the runner caches a compiled plan per definition object.
/// </summary>
public sealed class WorkflowDefinition
{
    /// <summary>Id of this version.</summary>
    public string Id { get; set; } = "";

    /// <summary>Stable id across versions.</summary>
    public string DefinitionId { get; set; } = "";

    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public int Version { get; set; } = 1;
    public bool IsLatest { get; set; }
    public bool IsPublished { get; set; }
    public List<VariableDefinition> Variables { get; set; } = [];
    public Flowchart Root { get; set; } = new();

    /// <summary>The definition's variables and those declared on its root container (Elsa allows both).</summary>
    public IEnumerable<VariableDefinition> AllVariables => Variables.Concat(Root.Variables);

    /// <summary>Properties we do not interpret (createdAt, toolVersion, inputs, options, …), written back unchanged.</summary>
    public JsonObject Extra { get; set; } = new();

    /// <summary>Elsa's <c>options.usableAsActivity</c>: other workflows may place this one as an activity.</summary>
    public bool UsableAsActivity =>
        Extra["options"] is JsonObject o && o.FirstOrDefault(kv => string.Equals(kv.Key, "usableAsActivity", StringComparison.OrdinalIgnoreCase)).Value is JsonValue v
        && (v.TryGetValue<bool>(out var b) ? b : v.TryGetValue<string>(out var s) && bool.TryParse(s, out b) && b);

    /// <summary>The declared inputs (<c>inputs</c>: name, type, display name, description), as written.</summary>
    public IReadOnlyList<JsonObject> DeclaredInputs => Declared("inputs");

    /// <summary>The declared outputs (<c>outputs</c>), as written.</summary>
    public IReadOnlyList<JsonObject> DeclaredOutputs => Declared("outputs");

    /// <summary>The outcomes an <c>Elsa.Complete</c> may finish with (<c>outcomes</c>: strings).</summary>
    public IReadOnlyList<string> DeclaredOutcomes =>
        Extra["outcomes"] is JsonArray a ? [.. a.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>()] : [];

    private IReadOnlyList<JsonObject> Declared(string name) => Extra[name] is JsonArray a ? [.. a.OfType<JsonObject>()] : [];
}

/// <summary>A declared variable. Elsa stores the default <see cref="Value"/> as a string even for numbers.</summary>
public sealed class VariableDefinition
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string TypeName { get; set; } = "Object";
    public bool IsArray { get; set; }
    public string? Value { get; set; }
    public JsonObject Extra { get; set; } = new();
}

/// <summary>
/// The root container: an <c>Elsa.Flowchart</c>, or an <c>Elsa.Sequence</c> (activities run in order, no connections).
/// </summary>
public sealed class Flowchart
{
    public const string TypeName = "Elsa.Flowchart";
    public const string SequenceTypeName = "Elsa.Sequence";

    public string Id { get; set; } = "";

    /// <summary><see cref="TypeName"/> or <see cref="SequenceTypeName"/>.</summary>
    public string Type { get; set; } = TypeName;

    public bool IsSequence => Type == SequenceTypeName;

    /// <summary>The root is one ordinary activity (Elsa allows any activity as the root), kept as the only entry of <see cref="Activities"/>.</summary>
    public bool IsSingleActivity => Type != TypeName && Type != SequenceTypeName;
    public List<ActivityNode> Activities { get; set; } = [];
    public List<Connection> Connections { get; set; } = [];

    /// <summary>Variables declared on the container itself (<c>root.variables</c>).</summary>
    public List<VariableDefinition> Variables { get; set; } = [];
    public JsonObject Extra { get; set; } = new();
}

/// <summary>One activity in a flowchart, as stored. Inputs are the properties shaped <c>{typeName, expression}</c>.</summary>
public sealed class ActivityNode
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public string? Name { get; set; }

    /// <summary>Inputs by property name (case-insensitive).</summary>
    public Dictionary<string, InputValue> Inputs { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Every other property (metadata.designer.position, customProperties, nodeId, version, raw properties such as
    /// SetVariable's <c>variable</c> object). Kept so writing round-trips.
    /// </summary>
    public JsonObject Extra { get; set; } = new();

    /// <summary>A non-input property, looked up case-insensitively.</summary>
    public JsonNode? GetProperty(string name)
    {
        foreach (var (key, value) in Extra)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                return value;
        return null;
    }

    /// <summary>
    /// The strings a list input holds when it is written as a constant (a Literal or Object expression, e.g. FlowFork's
    /// branches): an empty list when the input is absent, null when it is computed and so unknown before the run.
    /// </summary>
    public string[]? ConstantStrings(string input)
    {
        if (!Inputs.TryGetValue(input, out var value) || value.Expression is null) return [];
        if (value.Expression.Type is not (ExpressionTypes.Literal or "Object")) return null;
        var raw = value.Expression.Value is JsonValue v ? Expressions.ValueConverter.Unwrap(v) : value.Expression.Value;
        return Expressions.ValueConverter.ConvertTo(raw, typeof(string[])) as string[] ?? [];
    }

    /// <summary>Elsa 3 keeps <c>canStartWorkflow</c> on the activity (old files) or in <c>customProperties</c> (new files).</summary>
    public bool CanStartWorkflow
    {
        get
        {
            if (GetProperty("canStartWorkflow") is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
            if (GetProperty("customProperties") is JsonObject cp)
                foreach (var (key, value) in cp)
                    if (string.Equals(key, "canStartWorkflow", StringComparison.OrdinalIgnoreCase)
                        && value is JsonValue cv && cv.TryGetValue<bool>(out var cb))
                        return cb;
            return false;
        }
    }
}

/// <summary>An input: <c>{ "typeName": "String", "expression": { "type": "Literal", "value": … } }</c>.</summary>
public sealed class InputValue
{
    public string? TypeName { get; set; }
    public InputExpression? Expression { get; set; }

    /// <summary>memoryReference and anything else on the input object.</summary>
    public JsonObject Extra { get; set; } = new();

    public static InputValue Literal(JsonNode? value, string? typeName = null) =>
        new() { TypeName = typeName, Expression = new InputExpression { Type = ExpressionTypes.Literal, Value = value } };

    public static InputValue Of(string expressionType, string value, string? typeName = null) =>
        new() { TypeName = typeName, Expression = new InputExpression { Type = expressionType, Value = JsonValue.Create(value) } };
}

public sealed class InputExpression
{
    public string Type { get; set; } = ExpressionTypes.Literal;
    public JsonNode? Value { get; set; }
}

public static class ExpressionTypes
{
    public const string Literal = "Literal";
    public const string Variable = "Variable";
    public const string JavaScript = "JavaScript";
    public const string Liquid = "Liquid";
}

/// <summary>A flowchart edge. <see cref="SourcePort"/> is an outcome of the source activity.</summary>
public sealed class Connection
{
    public string SourceActivity { get; set; } = "";
    public string SourcePort { get; set; } = "Done";
    public string TargetActivity { get; set; } = "";
    public string TargetPort { get; set; } = "In";

    /// <summary>vertices and other designer data.</summary>
    public JsonObject Extra { get; set; } = new();

    public override string ToString() => $"{SourceActivity}:{SourcePort} -> {TargetActivity}:{TargetPort}";
}
