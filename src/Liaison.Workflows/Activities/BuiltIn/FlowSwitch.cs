using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Expressions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

public enum SwitchMode
{
    /// <summary>The first case whose condition holds.</summary>
    MatchFirst,

    /// <summary>Every case whose condition holds, in parallel.</summary>
    MatchAny,
}

[Activity("Elsa.FlowSwitch", Category = "Branching", DisplayNameZh = "多路选择", DisplayNameEn = "Switch",
    DescriptionZh = "沿条件成立的情形继续（第一个，或每一个）；都不成立时沿“默认”继续。",
    DescriptionEn = "Continues along the case whose condition holds (the first, or every one), else Default.")]
public sealed class FlowSwitch : Activity, IDynamicOutcomes
{
    [OutcomeLabel("默认", "Default")]
    public const string Default = "Default";

    /// <summary>Elsa's shape: <c>[{"label": "A", "condition": {"type": "JavaScript", "value": "…"}}, …]</c>.</summary>
    [Input(DisplayNameZh = "情形", DisplayNameEn = "Cases",
        DescriptionZh = "每种情形的标签（即其结果端口）和条件。",
        DescriptionEn = "Each case's label (its outcome) and condition.", Raw = true, TypeName = "SwitchCase[]")]
    public JsonNode? Cases { get; set; }

    [Input(DisplayNameZh = "匹配方式", DisplayNameEn = "Mode",
        DescriptionZh = "MatchFirst（只走第一个成立的情形）或 MatchAny（走所有成立的情形）。",
        DescriptionEn = "MatchFirst or MatchAny.", DefaultValue = "MatchFirst")]
    public SwitchMode Mode { get; set; }

    public override void Execute(ActivityContext context)
    {
        var matched = new List<string>();
        foreach (var (label, condition) in Read(Cases))
        {
            if (!(context.Evaluate(condition, typeof(bool)) is true)) continue;
            matched.Add(label);
            if (Mode == SwitchMode.MatchFirst) break;
        }
        if (matched.Count == 0) context.Complete(Default);
        else context.Complete([.. matched]);
    }

    public IReadOnlyList<string>? OutcomesOf(ActivityNode node) =>
        [.. Read(node.GetProperty("cases")).Select(c => c.Label), Default];

    private static IEnumerable<(string Label, JsonNode? Condition)> Read(JsonNode? cases)
    {
        if (cases is not JsonArray array) yield break;
        foreach (var item in array)
        {
            if (item is not JsonObject o) continue;
            var label = ValueConverter.ToText(Property(o, "label"));
            if (string.IsNullOrEmpty(label)) continue;
            yield return (label, Property(o, "condition"));
        }
    }

    private static JsonNode? Property(JsonObject o, string name) =>
        o.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
