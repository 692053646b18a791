using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.End", Category = "Flow", DisplayNameZh = "结束", DisplayNameEn = "End",
    DescriptionZh = "立即结束整个流程，并取消其他所有分支。", DescriptionEn = "Ends the workflow at once, cancelling every other branch.")]
[Outcomes]
public sealed class End : Activity, ITerminalActivity
{
    public override void Execute(ActivityContext context) => context.Complete([]);
}
