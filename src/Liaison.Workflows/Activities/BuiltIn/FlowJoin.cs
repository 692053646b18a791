using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.FlowJoin", Category = "Branching", DisplayNameZh = "汇合", DisplayNameEn = "Join",
    DescriptionZh = "汇合分支：WaitAll 等所有进入的分支都到达后继续；WaitAny 在第一个分支到达时继续，并取消其余分支。",
    DescriptionEn = "Merges branches: WaitAll runs when every inbound branch arrived; WaitAny runs on the first and cancels the others.")]
public sealed class FlowJoin : Activity, IJoinActivity
{
    [Input(DisplayNameZh = "模式", DisplayNameEn = "Mode",
        DescriptionZh = "WaitAll（等待全部）或 WaitAny（任一完成即继续）。",
        DescriptionEn = "WaitAll or WaitAny.", DefaultValue = "WaitAny")]
    public JoinMode Mode { get; set; } = JoinMode.WaitAny;

    public override void Execute(ActivityContext context) => context.Complete();
}
