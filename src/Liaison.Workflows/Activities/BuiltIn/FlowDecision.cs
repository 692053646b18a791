using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.FlowDecision", Category = "Branching", DisplayNameZh = "判断", DisplayNameEn = "Decision",
    DescriptionZh = "按条件是否成立，沿“是”或“否”继续。", DescriptionEn = "Continues along True or False depending on a condition.")]
[Outcomes(True, False)]
public sealed class FlowDecision : Activity
{
    [OutcomeLabel("是", "True")]
    public const string True = "True";

    [OutcomeLabel("否", "False")]
    public const string False = "False";

    [Input(DisplayNameZh = "条件", DisplayNameEn = "Condition", DescriptionZh = "要判断的条件。", DescriptionEn = "The condition to test.", Required = true)]
    public bool Condition { get; set; }

    public override void Execute(ActivityContext context) => context.Complete(Condition ? True : False);
}
