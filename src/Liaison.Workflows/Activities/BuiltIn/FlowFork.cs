using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.FlowFork", Category = "Branching", DisplayNameZh = "分支", DisplayNameEn = "Fork",
    Description = "Continues along every named branch at once.")]
public sealed class FlowFork : Activity, IDynamicOutcomes
{
    [Input(DisplayNameZh = "分支", DisplayNameEn = "Branches", Description = "The branch names; each is an outcome.")]
    public string[] Branches { get; set; } = [];

    public override void Execute(ActivityContext context) => context.Complete(Branches);

    public IReadOnlyList<string>? OutcomesOf(ActivityNode node) => node.ConstantStrings("branches");
}
