using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.End", Category = "Flow", DisplayNameZh = "结束", DisplayNameEn = "End",
    Description = "Ends the workflow at once, cancelling every other branch.")]
[Outcomes]
public sealed class End : Activity, ITerminalActivity
{
    public override void Execute(ActivityContext context) => context.Complete([]);
}
