using System.Text.Json.Nodes;

namespace Liaison.Workflows.Runtime;

/// <summary>
/// A point where a branch waits. The host stores it and resumes it by <see cref="Id"/>.
/// A non-null <see cref="ResumeAt"/> makes it a timer the host must schedule.
/// </summary>
public sealed record Bookmark
{
    public required string Id { get; init; }
    public required string ActivityId { get; init; }

    /// <summary>What is awaited, e.g. "Elsa.Delay", "Elsa.Event" or a domain kind.</summary>
    public required string Kind { get; init; }

    /// <summary>Correlation key, e.g. the event name.</summary>
    public string? Key { get; init; }

    public DateTimeOffset? ResumeAt { get; init; }
    public JsonNode? Payload { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The bookmark does not exist or was already consumed (the host maps this to "already resumed").</summary>
public sealed class BookmarkNotFoundException(string bookmarkId)
    : Exception($"Bookmark '{bookmarkId}' does not exist or was already resumed.")
{
    public string BookmarkId { get; } = bookmarkId;
}

/// <summary>The instance cannot be resumed because it is Finished, Faulted or Cancelled.</summary>
public sealed class WorkflowNotResumableException(string instanceId, WorkflowStatus status)
    : Exception($"Workflow instance '{instanceId}' is {status} and cannot be resumed.")
{
    public WorkflowStatus Status { get; } = status;
}
