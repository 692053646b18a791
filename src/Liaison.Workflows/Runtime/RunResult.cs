using System.Text.Json.Serialization;

namespace Liaison.Workflows.Runtime;

[JsonConverter(typeof(JsonStringEnumConverter<WorkflowStatus>))]
public enum WorkflowStatus
{
    Running,
    Suspended,
    Finished,
    Faulted,
    Cancelled,
}

/// <summary>One activity execution.</summary>
public sealed record JournalEntry(
    long Sequence,
    string ActivityId,
    string ActivityType,
    IReadOnlyDictionary<string, object?> Inputs,
    IReadOnlyList<string> Outcomes,
    DateTimeOffset At,
    JournalEventKind Kind);

[JsonConverter(typeof(JsonStringEnumConverter<JournalEventKind>))]
public enum JournalEventKind
{
    /// <summary>Ran and completed with <see cref="JournalEntry.Outcomes"/>.</summary>
    Completed,

    /// <summary>Ran and now waits on a bookmark.</summary>
    Suspended,

    /// <summary>Faulted; see the incidents.</summary>
    Faulted,

    /// <summary>Was waiting and got cancelled (a WaitAny join fired, or the workflow ended).</summary>
    Cancelled,
}

public sealed record Incident(string? ActivityId, string? ActivityType, string Message, DateTimeOffset At);

/// <summary>
/// Everything one run produced. The host persists <see cref="State"/>, the bookmark changes, the journal and the
/// effects in one transaction.
/// </summary>
public sealed class RunResult
{
    public required WorkflowInstanceState State { get; init; }
    public WorkflowStatus Status => State.Status;
    public required IReadOnlyList<JournalEntry> Journal { get; init; }
    public required IReadOnlyList<Bookmark> NewBookmarks { get; init; }
    public required IReadOnlyList<string> RemovedBookmarkIds { get; init; }
    public required IReadOnlyList<IWorkflowEffect> Effects { get; init; }
    public required IReadOnlyList<string> WriteLines { get; init; }

    /// <summary>Incidents raised by this run (the state keeps all of them).</summary>
    public required IReadOnlyList<Incident> Incidents { get; init; }

    /// <summary>Child instances to start in the same transaction (see <see cref="ChildWorkflowRequest"/>).</summary>
    public IReadOnlyList<ChildWorkflowRequest> ChildStarts { get; init; } = [];

    /// <summary>Ids of child instances that were waited for and no longer are (their branch was cancelled, or the run ended): cancel them.</summary>
    public IReadOnlyList<string> CancelledChildren { get; init; } = [];

    /// <summary>Timers among the new bookmarks, for the host's scheduler.</summary>
    public IEnumerable<Bookmark> NewTimers => NewBookmarks.Where(b => b.ResumeAt != null);
}
