using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.Break", Category = "Looping", DisplayNameZh = "跳出循环", DisplayNameEn = "Break",
    DescriptionZh = "结束所在的最内层循环（逐项循环、条件循环），并取消循环体中其余正在进行的活动。",
    DescriptionEn = "Ends the nearest enclosing loop (ForEach, While), cancelling what else its body was doing.")]
[Outcomes]
public sealed class Break : Activity
{
    /// <summary>The outcome a body ends with when it breaks; containers pass it up to the loop.</summary>
    public const string Outcome = "Break";

    public override void Execute(ActivityContext context) => context.CompleteWorkflow(Outcome);
}
