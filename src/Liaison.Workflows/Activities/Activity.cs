using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities;

/// <summary>
/// Base of every activity. A fresh object is created for each execution with its inputs already assigned,
/// so implementations may keep per-execution data in fields. Activities are pure: no I/O, no clock other than
/// <see cref="ActivityContext.Now"/>; side effects leave as <see cref="IWorkflowEffect"/>s.
/// </summary>
public abstract class Activity
{
    /// <summary>The conventional single outcome.</summary>
    public const string Done = "Done";

    /// <summary>
    /// Runs the activity. Call <see cref="ActivityContext.Complete(string)"/> to continue along an outcome, or
    /// <see cref="ActivityContext.CreateBookmark"/> to wait. Returning without doing either completes with "Done".
    /// </summary>
    public abstract void Execute(ActivityContext context);

    /// <summary>
    /// Called when one of this activity's bookmarks is resumed. The default completes with the outcome named by the
    /// payload (a string, or an object with an "outcome" property), else "Done".
    /// </summary>
    public virtual void Resume(ActivityContext context, Bookmark bookmark, object? payload) =>
        context.Complete(ActivityContext.OutcomeFromPayload(payload) ?? Done);
}

/// <summary>Ends the whole workflow at once, cancelling every other branch.</summary>
public interface ITerminalActivity;

/// <summary>An explicit join; the flowchart consults <see cref="Mode"/> instead of the implicit-join rule.</summary>
public interface IJoinActivity
{
    JoinMode Mode { get; }
}

public enum JoinMode
{
    WaitAll,
    WaitAny,
}
