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
    [OutcomeLabel("完成", "Done")]
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

/// <summary>An activity whose inputs are not fixed by its class (a workflow used as an activity takes its definition's inputs).</summary>
public interface IDynamicInputs
{
    /// <summary>Every input on the node that is not one of the class's own, evaluated, by name.</summary>
    IDictionary<string, object?> DynamicInputs { get; }
}

/// <summary>An activity whose outcomes depend on how it is configured (FlowFork's branches, FlowSwitch's cases).</summary>
public interface IDynamicOutcomes
{
    /// <summary>The outcomes of <paramref name="node"/>; null when they cannot be known before it runs (any port is accepted).</summary>
    IReadOnlyList<string>? OutcomesOf(Definitions.ActivityNode node);
}
