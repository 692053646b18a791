using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Liaison.Workflows.Definitions;

/// <summary>
/// Reads and writes Elsa 3 workflow-definition JSON. Reading is lenient (camelCase or PascalCase, both connection
/// shapes, unknown properties kept); writing produces camelCase with nested connections and puts back everything
/// we did not interpret.
/// </summary>
public static class WorkflowDefinitionJson
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };
    private static readonly JsonDocumentOptions DocOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> DefinitionKeys = new(StringComparer.OrdinalIgnoreCase)
        { "id", "definitionId", "name", "description", "version", "isLatest", "isPublished", "variables", "root" };
    private static readonly HashSet<string> RootKeys = new(StringComparer.OrdinalIgnoreCase) { "id", "type", "activities", "connections", "variables" };
    private static readonly HashSet<string> ActivityKeys = new(StringComparer.OrdinalIgnoreCase) { "id", "type", "name" };
    private static readonly HashSet<string> VariableKeys = new(StringComparer.OrdinalIgnoreCase) { "id", "name", "typeName", "isArray", "value" };
    private static readonly HashSet<string> InputKeys = new(StringComparer.OrdinalIgnoreCase) { "typeName", "expression" };
    private static readonly HashSet<string> NestedConnectionKeys = new(StringComparer.OrdinalIgnoreCase) { "source", "target" };
    private static readonly HashSet<string> FlatConnectionKeys = new(StringComparer.OrdinalIgnoreCase) { "source", "target", "sourcePort", "targetPort" };

    /// <summary>Parses a definition; throws <see cref="WorkflowDefinitionException"/> with a JSON path on bad input.</summary>
    public static WorkflowDefinition Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
            throw new WorkflowDefinitionException("The workflow definition is empty.", "$") { MessageZh = "流程定义为空。" };
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, NodeOptions, DocOptions);
        }
        catch (JsonException ex)
        {
            // The reader's own sentence ends with its 0-based "LineNumber: 0 | BytePositionInLine: 1": the 1-based
            // position is said once, before it.
            var what = ex.Message.Split(" Path: ")[0].Split(" LineNumber: ")[0].Trim();
            throw new WorkflowDefinitionException(
                $"The workflow definition is not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}): {what}",
                ex.Path ?? "$", inner: ex)
            {
                MessageZh = $"流程定义不是有效的 JSON（第 {ex.LineNumber + 1} 行，第 {ex.BytePositionInLine + 1} 个字节）",
            };
        }
        return Parse(node);
    }

    /// <summary>Parses an already parsed node (it is not modified).</summary>
    public static WorkflowDefinition Parse(JsonNode? node)
    {
        try
        {
            return ReadDefinition(Obj(node, "$"));
        }
        catch (WorkflowDefinitionException)
        {
            throw;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // E.g. two properties differing only by case: surface as a definition error, never a 500, and in words
            // (the framework's message stays in the inner exception, for the log).
            throw new WorkflowDefinitionException(
                "The workflow definition is malformed: check that no object has two properties of the same name (letter case aside) and that each value has the form its property takes.",
                "$", inner: ex)
            {
                MessageZh = "流程定义格式有误：请检查是否有对象含两个同名属性（不区分大小写），各属性的值是否符合其格式。",
            };
        }
    }

    public static string Serialize(WorkflowDefinition definition, bool indented = true) =>
        ToJsonNode(definition).ToJsonString(indented ? WriteOptions : new JsonSerializerOptions { Encoder = WriteOptions.Encoder });

    public static JsonObject ToJsonNode(WorkflowDefinition d)
    {
        var o = new JsonObject
        {
            ["id"] = d.Id,
            ["definitionId"] = d.DefinitionId,
            ["name"] = d.Name,
        };
        if (d.Description != null) o["description"] = d.Description;
        o["version"] = d.Version;
        o["isLatest"] = d.IsLatest;
        o["isPublished"] = d.IsPublished;
        o["variables"] = WriteVariables(d.Variables);
        CopyExtra(d.Extra, o);
        o["root"] = WriteRoot(d.Root);
        return o;
    }

    private static JsonObject WriteRoot(Flowchart f)
    {
        if (f.IsSingleActivity && f.Activities.Count == 1) return WriteActivity(f.Activities[0]);
        var o = new JsonObject { ["type"] = f.Type, ["id"] = f.Id };
        if (f.Variables.Count > 0) o["variables"] = WriteVariables(f.Variables);
        CopyExtra(f.Extra, o);
        var acts = new JsonArray();
        foreach (var a in f.Activities) acts.Add(WriteActivity(a));
        o["activities"] = acts;
        if (f.IsSequence) return o;
        var conns = new JsonArray();
        foreach (var c in f.Connections)
        {
            var co = new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = c.SourceActivity, ["port"] = c.SourcePort },
                ["target"] = new JsonObject { ["activity"] = c.TargetActivity, ["port"] = c.TargetPort },
            };
            CopyExtra(c.Extra, co);
            conns.Add(co);
        }
        o["connections"] = conns;
        return o;
    }

    private static JsonArray WriteVariables(IEnumerable<VariableDefinition> variables)
    {
        var vars = new JsonArray();
        foreach (var v in variables)
        {
            var vo = new JsonObject { ["id"] = v.Id, ["name"] = v.Name, ["typeName"] = v.TypeName, ["isArray"] = v.IsArray };
            if (v.Value != null) vo["value"] = v.Value;
            CopyExtra(v.Extra, vo);
            vars.Add(vo);
        }
        return vars;
    }

    /// <summary>One activity as Elsa writes it (inputs wrapped, everything kept written back).</summary>
    internal static JsonObject WriteActivity(ActivityNode a)
    {
        var ao = new JsonObject { ["id"] = a.Id, ["type"] = a.Type };
        if (a.Name != null) ao["name"] = a.Name;
        foreach (var (name, input) in a.Inputs)
        {
            var io = new JsonObject();
            if (input.TypeName != null) io["typeName"] = input.TypeName;
            io["expression"] = input.Expression == null
                ? null
                : new JsonObject { ["type"] = input.Expression.Type, ["value"] = input.Expression.Value?.DeepClone() };
            CopyExtra(input.Extra, io);
            ao[CamelCase(name)] = io;
        }
        CopyExtra(a.Extra, ao);
        return ao;
    }

    private static WorkflowDefinition ReadDefinition(JsonObject o)
    {
        var d = new WorkflowDefinition
        {
            Id = Str(o, "id", "$") ?? "",
            Name = Str(o, "name", "$") ?? "",
            Description = Str(o, "description", "$"),
            Version = Int(o, "version", "$") ?? 1,
            IsLatest = Bool(o, "isLatest", "$") ?? false,
            IsPublished = Bool(o, "isPublished", "$") ?? false,
        };
        d.DefinitionId = Str(o, "definitionId", "$") ?? d.Id;
        if (o["variables"] is { } varsNode)
        {
            var arr = Arr(varsNode, "$.variables");
            for (var i = 0; i < arr.Count; i++)
                d.Variables.Add(ReadVariable(Obj(arr[i], $"$.variables[{i}]"), $"$.variables[{i}]"));
        }
        var root = o["root"] ?? throw new WorkflowDefinitionException("The workflow definition has no 'root' flowchart.", "$.root") { MessageZh = "流程定义缺少根流程图（root）。" };
        d.Root = ReadRoot(Obj(root, "$.root"));
        d.Extra = ExtraOf(o, DefinitionKeys);
        return d;
    }

    private static VariableDefinition ReadVariable(JsonObject o, string path)
    {
        var v = new VariableDefinition
        {
            Id = Str(o, "id", path) ?? "",
            Name = Str(o, "name", path) ?? "",
            TypeName = Str(o, "typeName", path) ?? "Object",
            IsArray = Bool(o, "isArray", path) ?? false,
            Extra = ExtraOf(o, VariableKeys),
        };
        if (v.Id.Length == 0 && v.Name.Length == 0)
            throw new WorkflowDefinitionException($"{path}: a variable needs an 'id' or a 'name'.", path) { MessageZh = $"{path}：变量需要 id 或 name。" };
        if (v.Id.Length == 0) v.Id = v.Name;
        if (v.Name.Length == 0) v.Name = v.Id;
        v.Value = o["value"] switch
        {
            null => null,
            JsonValue jv when jv.GetValueKind() == JsonValueKind.String => jv.GetValue<string>(),
            JsonValue jv when jv.GetValueKind() == JsonValueKind.True => "True",
            JsonValue jv when jv.GetValueKind() == JsonValueKind.False => "False",
            var other => other.ToJsonString(),
        };
        return v;
    }

    /// <summary>Reads a container (Flowchart, Sequence) or a single activity as a root; also used for loop bodies and nested containers.</summary>
    internal static Flowchart ReadRoot(JsonObject o, string path = "$.root")
    {
        var type = Str(o, "type", path);
        if (type != null && type != Flowchart.TypeName && type != Flowchart.SequenceTypeName)
        {
            // Elsa's root may be any activity; one that is not a container runs alone.
            if (o["activities"] is not null || o["connections"] is not null)
                throw new WorkflowDefinitionException(
                    $"{path}.type: a root with activities must be '{Flowchart.TypeName}' or '{Flowchart.SequenceTypeName}', not '{type}'.", path + ".type")
                {
                    MessageZh = $"{path}.type：含有活动的根必须是 {Flowchart.TypeName} 或 {Flowchart.SequenceTypeName}，而不是 {type}。",
                };
            var single = ReadActivity(o, path);
            return new Flowchart { Id = single.Id, Type = single.Type, Activities = [single] };
        }
        var f = new Flowchart { Id = Str(o, "id", path) ?? "", Type = type ?? Flowchart.TypeName, Extra = ExtraOf(o, RootKeys) };
        if (o["variables"] is { } varsNode)
        {
            var arr = Arr(varsNode, path + ".variables");
            for (var i = 0; i < arr.Count; i++)
                f.Variables.Add(ReadVariable(Obj(arr[i], $"{path}.variables[{i}]"), $"{path}.variables[{i}]"));
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (o["activities"] is { } actsNode)
        {
            var arr = Arr(actsNode, path + ".activities");
            for (var i = 0; i < arr.Count; i++)
            {
                var p = $"{path}.activities[{i}]";
                var a = ReadActivity(Obj(arr[i], p), p);
                if (!ids.Add(a.Id))
                    throw new WorkflowDefinitionException($"{p}: duplicate activity id '{a.Id}'.", p + ".id", a.Id) { MessageZh = $"{p}：活动编号“{a.Id}”重复。" };
                f.Activities.Add(a);
            }
        }
        if (o["connections"] is { } connsNode && !f.IsSequence)
        {
            var arr = Arr(connsNode, path + ".connections");
            for (var i = 0; i < arr.Count; i++)
            {
                var p = $"{path}.connections[{i}]";
                f.Connections.Add(ReadConnection(Obj(arr[i], p), p));
            }
        }
        return f;
    }

    internal static ActivityNode ReadActivity(JsonObject o, string path)
    {
        var id = Str(o, "id", path);
        if (string.IsNullOrWhiteSpace(id))
            throw new WorkflowDefinitionException($"{path}: the activity has no 'id'.", path + ".id") { MessageZh = $"{path}：活动没有编号（id）。" };
        var type = Str(o, "type", path);
        if (string.IsNullOrWhiteSpace(type))
            throw new WorkflowDefinitionException($"{path}: activity '{id}' has no 'type'.", path + ".type", id) { MessageZh = $"{path}：活动“{id}”没有类型（type）。" };
        var a = new ActivityNode { Id = id, Type = type, Name = Str(o, "name", path) };
        foreach (var (key, value) in o)
        {
            if (ActivityKeys.Contains(key)) continue;
            if (value is JsonObject io && io.ContainsKey("expression"))
            {
                a.Inputs[key] = ReadInput(io, $"{path}.{key}", id);
                continue;
            }
            a.Extra[key] = value?.DeepClone();
        }
        return a;
    }

    private static InputValue ReadInput(JsonObject o, string path, string activityId)
    {
        var input = new InputValue { TypeName = Str(o, "typeName", path), Extra = ExtraOf(o, InputKeys) };
        switch (o["expression"])
        {
            case null:
                break;
            case JsonObject eo:
                var type = Str(eo, "type", path + ".expression") ?? ExpressionTypes.Literal;
                input.Expression = new InputExpression { Type = type, Value = eo["value"]?.DeepClone() };
                break;
            default:
                throw new WorkflowDefinitionException(
                    $"{path}.expression: activity '{activityId}' has an expression that is not an object.", path + ".expression", activityId)
                {
                    MessageZh = $"{path}.expression：活动“{activityId}”的表达式不是 JSON 对象。",
                };
        }
        return input;
    }

    private static Connection ReadConnection(JsonObject o, string path)
    {
        var c = new Connection();
        var source = o["source"];
        var target = o["target"];
        if (source is JsonObject so)
        {
            c.SourceActivity = Required(Str(so, "activity", path + ".source"), path + ".source.activity");
            c.SourcePort = Str(so, "port", path + ".source") ?? "Done";
            var to = Obj(target, path + ".target");
            c.TargetActivity = Required(Str(to, "activity", path + ".target"), path + ".target.activity");
            c.TargetPort = Str(to, "port", path + ".target") ?? "In";
            c.Extra = ExtraOf(o, NestedConnectionKeys);
        }
        else
        {
            // Legacy flat form: {source, target, sourcePort, targetPort}.
            c.SourceActivity = Required(Str(o, "source", path), path + ".source");
            c.TargetActivity = Required(Str(o, "target", path), path + ".target");
            c.SourcePort = Str(o, "sourcePort", path) ?? "Done";
            c.TargetPort = Str(o, "targetPort", path) ?? "In";
            c.Extra = ExtraOf(o, FlatConnectionKeys);
        }
        return c;
    }

    private static string Required(string? value, string path) =>
        string.IsNullOrWhiteSpace(value) ? throw new WorkflowDefinitionException($"{path} is required.", path) { MessageZh = $"{path} 必填。" } : value;

    private static JsonObject Obj(JsonNode? node, string path) => node as JsonObject
        ?? throw new WorkflowDefinitionException($"{path}: expected a JSON object{(node == null ? " but found nothing" : $" but found {Kind(node)}")}.", path)
        {
            MessageZh = $"{path}：应为 JSON 对象{(node == null ? "，但没有内容" : $"，实际是 {Kind(node)}")}。",
        };

    private static JsonArray Arr(JsonNode node, string path) => node as JsonArray
        ?? throw new WorkflowDefinitionException($"{path}: expected a JSON array but found {Kind(node)}.", path)
        {
            MessageZh = $"{path}：应为 JSON 数组，实际是 {Kind(node)}。",
        };

    private static string Kind(JsonNode node) => node.GetValueKind().ToString().ToLowerInvariant();

    private static string? Str(JsonObject o, string name, string path)
    {
        var n = o[name];
        if (n is null) return null;
        if (n is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.String: return v.GetValue<string>();
                case JsonValueKind.Number: return v.ToJsonString();
            }
        }
        throw new WorkflowDefinitionException($"{path}.{name}: expected a string but found {Kind(n)}.", $"{path}.{name}")
        {
            MessageZh = $"{path}.{name}：应为字符串，实际是 {Kind(n)}。",
        };
    }

    private static int? Int(JsonObject o, string name, string path)
    {
        var n = o[name];
        if (n is null) return null;
        if (n is JsonValue v)
        {
            if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i)) return i;
            if (v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out i)) return i;
        }
        throw new WorkflowDefinitionException($"{path}.{name}: expected an integer.", $"{path}.{name}") { MessageZh = $"{path}.{name}：应为整数。" };
    }

    private static bool? Bool(JsonObject o, string name, string path)
    {
        var n = o[name];
        if (n is null) return null;
        if (n is JsonValue v)
        {
            if (v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
            if (v.GetValueKind() == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var b)) return b;
        }
        throw new WorkflowDefinitionException($"{path}.{name}: expected true or false.", $"{path}.{name}") { MessageZh = $"{path}.{name}：只能是 true 或 false。" };
    }

    private static JsonObject ExtraOf(JsonObject o, HashSet<string> known)
    {
        var extra = new JsonObject();
        foreach (var (key, value) in o)
            if (!known.Contains(key))
                extra[key] = value?.DeepClone();
        return extra;
    }

    private static void CopyExtra(JsonObject extra, JsonObject target)
    {
        foreach (var (key, value) in extra)
            if (!target.ContainsKey(key))
                target[key] = value?.DeepClone();
    }

    internal static string CamelCase(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
