using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.FlowJoin", Category = "Branching", DisplayNameZh = "汇合", DisplayNameEn = "Join",
    Description = "Merges branches: WaitAll runs when every inbound branch arrived; WaitAny runs on the first and cancels the others.")]
public sealed class FlowJoin : Activity, IJoinActivity
{
    [Input(DisplayNameZh = "模式", DisplayNameEn = "Mode", Description = "WaitAll or WaitAny.", DefaultValue = "WaitAny")]
    public JoinMode Mode { get; set; } = JoinMode.WaitAny;

    public override void Execute(ActivityContext context) => context.Complete();
}
