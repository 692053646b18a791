using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

/// <summary>
/// A structured activity that runs embedded bodies (see <see cref="WorkflowBodies"/>). When a body ends, its
/// variables and outputs come back into the workflow; a body that ended with <c>Elsa.Break</c> reports
/// <see cref="Break.Outcome"/>; a faulted body faults this activity.
/// </summary>
public abstract class BodyActivity : Activity
{
    public sealed override void Resume(ActivityContext context, Bookmark bookmark, object? payload)
    {
        if (payload is not ChildWorkflowResult result)
        {
            context.Fault($"Bookmark '{bookmark.Id}' waits for a body and was resumed without its result.");
            return;
        }
        if (result.Status != WorkflowStatus.Finished)
        {
            context.Fault($"The body ended {result.Status}{(result.Message is { } m ? $": {m}" : ".")}");
            return;
        }
        context.TakeVariables(result.Variables);
        foreach (var (name, value) in result.Output) context.SetWorkflowOutput(name, value);
        OnBodyFinished(context, result.Outcomes.Contains(Break.Outcome));
    }

    /// <summary>One body finished; <paramref name="broke"/> when it ran an <c>Elsa.Break</c>.</summary>
    protected abstract void OnBodyFinished(ActivityContext context, bool broke);
}
