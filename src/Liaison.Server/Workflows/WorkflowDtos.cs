using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;
using Liaison.Workflows.Validation;

namespace Liaison.Server.Workflows;

public sealed record WorkflowDefinitionSummaryDto(
    string DefinitionId, string Name, int Version, bool IsLatest, bool IsPublished, int? PublishedVersion,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt);

/// <param name="DiscardedAt">When an admin discarded this draft (it stays in the history); null otherwise.</param>
/// <param name="RunningInstances">Instances still running on this version (waiting or running): they stay on it, whatever is published later.</param>
public sealed record WorkflowVersionDto(
    int Version, string Id, string Name, bool IsLatest, bool IsPublished, bool IsDraft,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, DateTimeOffset? DiscardedAt = null, int RunningInstances = 0)
{
    public static WorkflowVersionDto From(WorkflowDefinitionRecord r) =>
        new(r.Version, r.VersionId, r.Name, r.IsLatest, r.IsPublished, r.IsDraft, r.CreatedAt, r.UpdatedAt, r.PublishedAt, r.DiscardedAt);
}

/// <param name="Message">Both languages, "中文 / English", as every problem detail writes a message.</param>
/// <param name="LocalizedMessage">Each language on its own (<c>{"zh-CN": …, "en": …}</c>), for a reader of one.</param>
public sealed record ValidationErrorDto(string? ActivityId, string Code, string Message, LocalizedText LocalizedMessage)
{
    public static ValidationErrorDto From(ValidationError e) => new(e.ActivityId, e.Code, e.Message, e.LocalizedMessage);
}

public sealed record ValidationResultDto(bool Valid, IReadOnlyList<ValidationErrorDto> Errors);

/// <param name="Case">The case the run routes (the fields getCase() shows, laid over the sample); null: the sample case.</param>
/// <param name="Definitions">Child workflows to use instead of the stored ones (so a parent and its children can be tried before any is saved).</param>
public sealed record TestRunRequest(JsonNode? Definition, JsonObject? Input, bool? ResumeAll, JsonObject? Case = null, JsonArray? Definitions = null);

/// <summary>
/// The designer's "try it" answer; <see cref="Status"/> is Finished, Suspended or Faulted. <see cref="Effects"/> are what
/// a real run would have done (dispatch, mail, escalations), none of it done; <see cref="Case"/> is the case as the run
/// left it, <see cref="SampleCase"/> says it was the built-in sample.
/// </summary>
public sealed record TestRunResultDto(
    string Status,
    IReadOnlyList<string> WriteLines,
    IReadOnlyList<JournalEntryDto> Journal,
    IReadOnlyList<BookmarkDto> Bookmarks,
    IReadOnlyList<IncidentDto> Incidents,
    IReadOnlyList<JsonNode?> Effects,
    JsonObject Variables,
    JsonNode? Case,
    bool SampleCase)
{
    /// <summary>The workflow's outputs (Elsa.SetOutput).</summary>
    public JsonObject Output { get; init; } = new();

    /// <summary>Every child instance the run started (child workflows and loop bodies), in start order, each with its own lines.</summary>
    public IReadOnlyList<TestRunChildDto> Children { get; init; } = [];
}

public sealed record TestRunChildDto(
    string InstanceId, string ParentInstanceId, string ParentActivityId, string DefinitionId, int Version, string? BodyPath, string Status,
    IReadOnlyList<string> WriteLines, JsonObject Output, IReadOnlyList<string> Outcomes)
{
    public static TestRunChildDto From(TestRunChild c) => new(
        c.InstanceId, c.ParentInstanceId, c.ParentActivityId, c.DefinitionId, c.Version, c.BodyPath, c.Status.ToString(), c.WriteLines,
        WorkflowJson.Object(c.Output), c.Outcomes);
}

/// <summary>A child instance as the instance view lists it.</summary>
public sealed record WorkflowChildDto(Guid Id, string DefinitionId, int DefinitionVersion, string Status, string? ParentActivityId, string? BodyPath, DateTimeOffset CreatedAt);

public sealed record JournalEntryDto(long Sequence, string ActivityId, string ActivityType, string Kind, JsonNode? Inputs, IReadOnlyList<string> Outcomes, DateTimeOffset At)
{
    public static JournalEntryDto From(JournalEntry j) =>
        new(j.Sequence, j.ActivityId, j.ActivityType, j.Kind.ToString(), JsonNode.Parse(WorkflowHost.SerializeInputs(j.Inputs)), j.Outcomes, j.At);

    public static JournalEntryDto From(WorkflowJournalRecord j) =>
        new(j.Sequence, j.ActivityId, j.ActivityType, j.Kind.ToString(), JsonNode.Parse(j.Inputs), j.Outcomes, j.At);
}

public sealed record BookmarkDto(string Id, string ActivityId, string Kind, string? Key, DateTimeOffset? ResumeAt, JsonNode? Payload, DateTimeOffset CreatedAt)
{
    public static BookmarkDto From(Bookmark b) => new(b.Id, b.ActivityId, b.Kind, b.Key, b.ResumeAt, b.Payload?.DeepClone(), b.CreatedAt);

    public static BookmarkDto From(WorkflowBookmarkRecord b) =>
        new(b.Id, b.ActivityId, b.Kind, b.Key, b.ResumeAt, b.Payload is null ? null : JsonNode.Parse(b.Payload), b.CreatedAt);
}

/// <param name="Number">The stored incident's number (流程故障 #N, as a refused action quotes it); null for a test run's.</param>
public sealed record IncidentDto(string? ActivityId, string? ActivityType, string Message, DateTimeOffset At, long? Number = null)
{
    public static IncidentDto From(Incident i) => new(i.ActivityId, i.ActivityType, i.Message, i.At);

    public static IncidentDto From(WorkflowIncidentRecord i) => new(i.ActivityId, i.ActivityType, i.Message, i.At, i.Id);
}

public sealed record StartInstanceRequest(JsonObject? Input, string? CorrelationId);

public sealed record ResumeRequest(JsonNode? Payload);

public sealed record WorkflowInstanceDto(
    Guid Id, string DefinitionId, int DefinitionVersion, string Status, string? CorrelationId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt,
    JsonNode? State,
    IReadOnlyList<BookmarkDto> Bookmarks,
    IReadOnlyList<JournalEntryDto> Journal,
    IReadOnlyList<IncidentDto> Incidents)
{
    /// <summary>The instance that started this one (null for a top-level instance), and the activity that did.</summary>
    public Guid? ParentInstanceId { get; init; }

    public string? ParentActivityId { get; init; }

    public string? Name { get; init; }

    /// <summary>Set when this instance runs a loop's or container's body (which part of the definition).</summary>
    public string? BodyPath { get; init; }

    public IReadOnlyList<WorkflowChildDto> Children { get; init; } = [];
}

internal static class WorkflowJson
{
    /// <summary>An effect by its runtime type, tagged with that type's name (the interface alone would serialise as {}).</summary>
    public static JsonNode? Effect(IWorkflowEffect effect)
    {
        var node = JsonSerializer.SerializeToNode(effect, effect.GetType(), WorkflowHost.Json);
        if (node is JsonObject o)
        {
            o.Insert(0, "type", effect.GetType().Name);
        }

        return node;
    }

    public static JsonObject Variables(WorkflowInstanceState state) => Object(state.Variables);

    public static JsonObject Object(IEnumerable<KeyValuePair<string, JsonNode?>> values)
    {
        var o = new JsonObject();
        foreach (var (k, v) in values)
        {
            o[k] = v?.DeepClone();
        }

        return o;
    }
}
