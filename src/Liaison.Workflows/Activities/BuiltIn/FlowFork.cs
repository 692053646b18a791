using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.FlowFork", Category = "Branching", DisplayNameZh = "分支", DisplayNameEn = "Fork (named ports)",
    DescriptionZh = "同时沿每个命名的分支继续。", DescriptionEn = "Continues along every named branch at once.")]
public sealed class FlowFork : Activity, IDynamicOutcomes
{
    [Input(DisplayNameZh = "分支", DisplayNameEn = "Branches",
        DescriptionZh = "分支名称；每个分支名就是一个结果端口。",
        DescriptionEn = "The branch names; each is an outcome.")]
    public string[] Branches { get; set; } = [];

    public override void Execute(ActivityContext context) => context.Complete(Branches);

    public IReadOnlyList<string>? OutcomesOf(ActivityNode node) => node.ConstantStrings("branches");
}
