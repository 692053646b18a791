using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.Break", Category = "Looping", DisplayNameZh = "跳出循环", DisplayNameEn = "Break",
    Description = "Ends the nearest enclosing loop (ForEach, While), cancelling what else its body was doing.")]
[Outcomes]
public sealed class Break : Activity
{
    /// <summary>The outcome a body ends with when it breaks; containers pass it up to the loop.</summary>
    public const string Outcome = "Break";

    public override void Execute(ActivityContext context) => context.CompleteWorkflow(Outcome);
}
