using System.Text.Json.Nodes;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.While", Category = "Looping", DisplayNameZh = "条件循环", DisplayNameEn = "While",
    DescriptionZh = "条件成立时反复运行循环体（每轮开始前检查条件），结束后沿“完成”继续。",
    DescriptionEn = "Runs its body again and again while the condition holds (checked before each round), then continues along Done.")]
public sealed class While : BodyActivity
{
    [Input(DisplayNameZh = "条件", DisplayNameEn = "Condition", DescriptionZh = "每轮开始前检查；不成立即结束循环。", DescriptionEn = "Checked before every round.")]
    public bool Condition { get; set; }

    [Input(DisplayNameZh = "循环体", DisplayNameEn = "Body",
        DescriptionZh = "每轮运行的活动。",
        DescriptionEn = "The activity run each round.", Raw = true, TypeName = "Activity")]
    public JsonNode? Body { get; set; }

    public override void Execute(ActivityContext context) => Round(context, Condition);

    // The body may have changed the variables the condition reads: evaluate it again now they are back.
    protected override void OnBodyFinished(ActivityContext context, bool broke) =>
        Round(context, !broke && context.EvaluateInput("condition", typeof(bool)) is true);

    private void Round(ActivityContext context, bool go)
    {
        if (go && Body is not null) context.StartBody("body", null, new Dictionary<string, object?>());
        else context.Complete();
    }
}
