using System.Text.Json;
using System.Text.Json.Nodes;

namespace Liaison.Workflows.Runtime;

/// <summary>
/// Everything needed to continue an instance later. Serialisable with System.Text.Json so the host keeps it in
/// one jsonb column. Between runs no activity is "scheduled": each branch has either finished or waits on a bookmark.
/// </summary>
public sealed class WorkflowInstanceState
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string InstanceId { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    public string DefinitionVersionId { get; set; } = "";
    public int DefinitionVersion { get; set; }
    public WorkflowStatus Status { get; set; }

    /// <summary>The activity that triggered the run, when it was not the flowchart's default start.</summary>
    public string? StartActivityId { get; set; }

    /// <summary>Variable values by variable name.</summary>
    public Dictionary<string, JsonNode?> Variables { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, JsonNode?> Input { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Workflow outputs set by <c>Elsa.SetOutput</c>; a parent receives them when this instance is a child.</summary>
    public Dictionary<string, JsonNode?> Output { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The outcomes an <c>Elsa.Complete</c> finished with (a parent's workflow activity continues along them).</summary>
    public List<string> Outcomes { get; set; } = [];

    /// <summary>Set by <c>Elsa.SetName</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Set by <c>Elsa.Correlate</c>; null when the run did not change it.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>Per-activity data that must survive between runs (a loop's position), by activity id.</summary>
    public Dictionary<string, JsonNode?> ActivityState { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Activity outputs (e.g. RunJavaScript's <c>Result</c>), by activity id then output name, for <c>getOutputFrom</c>.</summary>
    public Dictionary<string, Dictionary<string, JsonNode?>> ActivityOutputs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last activity output named <c>Result</c>, for <c>getLastResult()</c>.</summary>
    public JsonNode? LastResult { get; set; }

    /// <summary>Where this instance's root sits when it runs a structured activity's body (see <see cref="WorkflowBodies"/>); null otherwise.</summary>
    public string? BodyPath { get; set; }

    /// <summary>How deeply this instance is nested: 0 for a top-level instance, 1 for its children, ….</summary>
    public int Depth { get; set; }

    /// <summary>The flowchart's counters (Elsa's counter-based mode).</summary>
    public FlowchartState Flowchart { get; set; } = new();

    public List<Bookmark> Bookmarks { get; set; } = [];
    public List<Incident> Incidents { get; set; } = [];

    /// <summary>Last journal sequence number used, so journal entries stay ordered across runs.</summary>
    public long JournalSequence { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IEnumerable<Bookmark> FindBookmarks(string kind, string? key = null) =>
        Bookmarks.Where(b => b.Kind == kind && (key == null || b.Key == key));

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static WorkflowInstanceState FromJson(string json) =>
        JsonSerializer.Deserialize<WorkflowInstanceState>(json, Json) ?? throw new JsonException("Empty workflow instance state.");

    internal WorkflowInstanceState Clone() => FromJson(ToJson());
}

public sealed class FlowchartState
{
    /// <summary>How often each activity completed or was skipped (not counting re-entries through a loop's back-edge).</summary>
    public Dictionary<string, long> ActivityVisits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per connection ("source:port -> target:port"): how often visited and whether the last visit was followed.</summary>
    public Dictionary<string, ConnectionVisit> Connections { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Waiting activities that were entered through a back-edge (their completion does not count as a visit).</summary>
    public List<string> EnteredByBackEdge { get; set; } = [];
}

public sealed record ConnectionVisit(long Count, bool Followed);
