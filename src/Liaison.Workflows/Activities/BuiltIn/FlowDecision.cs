using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.FlowDecision", Category = "Branching", DisplayNameZh = "判断", DisplayNameEn = "Decision",
    Description = "Continues along True or False depending on a condition.")]
[Outcomes("True", "False")]
public sealed class FlowDecision : Activity
{
    [Input(DisplayNameZh = "条件", DisplayNameEn = "Condition", Description = "The condition to test.", Required = true)]
    public bool Condition { get; set; }

    public override void Execute(ActivityContext context) => context.Complete(Condition ? "True" : "False");
}
