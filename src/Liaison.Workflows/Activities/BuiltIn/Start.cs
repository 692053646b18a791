using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.Start", Category = "Flow", DisplayNameZh = "开始", DisplayNameEn = "Start",
    DescriptionZh = "流程图从这里开始。", DescriptionEn = "Where the flowchart begins.")]
public sealed class Start : Activity
{
    public override void Execute(ActivityContext context) => context.Complete();
}
