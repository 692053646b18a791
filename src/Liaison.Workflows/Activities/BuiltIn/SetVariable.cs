using System.Text.Json.Nodes;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.SetVariable", Category = "Primitives", DisplayNameZh = "设置变量", DisplayNameEn = "Set Variable",
    DescriptionZh = "给已声明的流程变量赋值。", DescriptionEn = "Assigns a value to a declared workflow variable.")]
public sealed class SetVariable : Activity
{
    /// <summary>Elsa's shape: <c>{"id": …, "name": …, "typeName": …}</c>; the id wins, as in Elsa.</summary>
    [Input(DisplayNameZh = "变量", DisplayNameEn = "Variable",
        DescriptionZh = "要设置的已声明变量。",
        DescriptionEn = "The declared variable to set.", Required = true, Raw = true, TypeName = "Variable")]
    public JsonNode? Variable { get; set; }

    [Input(DisplayNameZh = "值", DisplayNameEn = "Value", DescriptionZh = "要赋的值。", DescriptionEn = "The value to assign.", TypeName = "Object")]
    public object? Value { get; set; }

    public override void Execute(ActivityContext context)
    {
        var reference = ReferenceOf(Variable);
        if (reference == null)
        {
            context.Fault("No variable is selected.");
            return;
        }
        try
        {
            context.SetVariable(reference, Value);
        }
        catch (InvalidOperationException)
        {
            context.Fault($"Variable '{reference}' not found.");
            return;
        }
        context.Complete();
    }

    /// <summary>The id when present, else the name; a bare string is accepted too.</summary>
    public static string? ReferenceOf(JsonNode? variable) => variable switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) && s.Length > 0 => s,
        JsonObject o => Text(o, "id") ?? Text(o, "name"),
        _ => null,
    };

    private static string? Text(JsonObject o, string name)
    {
        foreach (var (k, v) in o)
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase) && v is JsonValue jv && jv.TryGetValue<string>(out var s) && s.Length > 0)
                return s;
        return null;
    }
}
