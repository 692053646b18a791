using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.Complete", Category = "Composition", DisplayNameZh = "完成", DisplayNameEn = "Complete",
    Description = "Completes the workflow at once with the named outcomes; a parent running it as an activity continues along them.")]
[Outcomes]
public sealed class Complete : Activity, ITerminalActivity
{
    [Input(DisplayNameZh = "结果", DisplayNameEn = "Outcomes", Description = "The outcomes to complete with, e.g. Approved.")]
    public string[] Outcomes { get; set; } = [];

    public override void Execute(ActivityContext context)
    {
        context.SetWorkflowOutcomes(Outcomes.Where(o => !string.IsNullOrWhiteSpace(o)));
        context.Complete([]);
    }
}
