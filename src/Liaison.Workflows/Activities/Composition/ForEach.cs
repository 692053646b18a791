using System.Text.Json.Nodes;
using Liaison.Workflows.Expressions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.ForEach", Category = "Looping", DisplayNameZh = "逐项循环", DisplayNameEn = "For Each",
    DescriptionZh = "对每一项依次运行一次循环体（循环体中可用 CurrentValue 和 CurrentIndex），全部完成后沿“完成”继续。",
    DescriptionEn = "Runs its body once per item, one after another (the body sees CurrentValue and CurrentIndex), then continues along Done.")]
public sealed class ForEach : BodyActivity
{
    [Input(DisplayNameZh = "项目", DisplayNameEn = "Items",
        DescriptionZh = "要逐项处理的项目（数组）。",
        DescriptionEn = "The items to go through (an array).", TypeName = "Object[]")]
    public object? Items { get; set; }

    /// <summary>The embedded activity run per item (Elsa: a Sequence, a Flowchart or one activity).</summary>
    [Input(DisplayNameZh = "循环体", DisplayNameEn = "Body",
        DescriptionZh = "对每一项运行的活动。",
        DescriptionEn = "The activity run for each item.", Raw = true, TypeName = "Activity")]
    public JsonNode? Body { get; set; }

    public override void Execute(ActivityContext context)
    {
        context.ActivityState = null;
        Next(context, 0);
    }

    protected override void OnBodyFinished(ActivityContext context, bool broke)
    {
        var index = context.ActivityState is JsonValue v && v.TryGetValue<int>(out var i) ? i : 0;
        if (broke) Finish(context);
        else Next(context, index + 1);
    }

    private void Next(ActivityContext context, int index)
    {
        var items = List(Items);
        if (Body is null || index >= items.Count)
        {
            Finish(context);
            return;
        }
        context.ActivityState = index;
        context.SetOutput("CurrentValue", items[index]);
        context.StartBody("body", null, new Dictionary<string, object?> { ["CurrentValue"] = items[index], ["CurrentIndex"] = index });
    }

    private static void Finish(ActivityContext context)
    {
        context.ActivityState = null;
        context.Complete();
    }

    private static List<object?> List(object? items)
    {
        var node = items switch
        {
            string s when s.TrimStart().StartsWith('[') => JsonNode.Parse(s),
            null => null,
            _ => ValueConverter.ToJsonNode(items),
        };
        return node is JsonArray array ? [.. array.Select(i => ValueConverter.Loose(i?.DeepClone()))] : node is null ? [] : [ValueConverter.Loose(node)];
    }
}
