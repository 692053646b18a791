using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.Complete", Category = "Composition", DisplayNameZh = "完成", DisplayNameEn = "Complete",
    DescriptionZh = "立即以指定的结果完成本流程；把本流程作为活动运行的上级流程沿这些结果继续。",
    DescriptionEn = "Completes the workflow at once with the named outcomes; a parent running it as an activity continues along them.")]
[Outcomes]
public sealed class Complete : Activity, ITerminalActivity
{
    [Input(DisplayNameZh = "结果", DisplayNameEn = "Outcomes",
        DescriptionZh = "完成时给出的结果，如 Approved。",
        DescriptionEn = "The outcomes to complete with, e.g. Approved.")]
    public string[] Outcomes { get; set; } = [];

    public override void Execute(ActivityContext context)
    {
        context.SetWorkflowOutcomes(Outcomes.Where(o => !string.IsNullOrWhiteSpace(o)));
        context.Complete([]);
    }
}
