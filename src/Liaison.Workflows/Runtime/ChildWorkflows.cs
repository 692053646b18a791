using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;

namespace Liaison.Workflows.Runtime;

/// <summary>
/// A child instance a run asks its host to start (in the same transaction as the run). When
/// <see cref="BookmarkId"/> is set the parent activity waits on that bookmark, and the host resumes it with a
/// <see cref="ChildWorkflowResult"/> once the child has finished, faulted or been cancelled.
/// </summary>
/// <param name="ChildInstanceId">Chosen by the engine so the parent's bookmark can name it before the child exists.</param>
/// <param name="DefinitionVersionId">The pinned version (Elsa's <c>workflowDefinitionVersionId</c>); null with <paramref name="Version"/> null means the latest published version.</param>
public sealed record ChildWorkflowRequest(
    string ChildInstanceId,
    string ParentInstanceId,
    string ParentActivityId,
    string? BookmarkId,
    string DefinitionId,
    string? DefinitionVersionId,
    int? Version,
    IReadOnlyDictionary<string, object?> Input,
    string? CorrelationId,
    int Depth)
{
    /// <summary>Set when the child runs a structured activity's body: its definition, derived from the parent's (no store lookup).</summary>
    public WorkflowDefinition? Body { get; init; }

    /// <summary>Where the body sits (<see cref="WorkflowInstanceState.BodyPath"/>).</summary>
    public string? BodyPath { get; init; }

    /// <summary>The parent's variable values a body starts with.</summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }
}

/// <summary>What a waiting parent activity receives when its child has ended.</summary>
public sealed record ChildWorkflowResult(
    string InstanceId,
    WorkflowStatus Status,
    IReadOnlyList<string> Outcomes,
    IReadOnlyDictionary<string, JsonNode?> Output,
    string? Message = null)
{
    /// <summary>The child's variables as it ended (a body hands them back to its parent).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Variables { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>The result of an ended child instance's state.</summary>
    public static ChildWorkflowResult Of(WorkflowInstanceState child) =>
        new(child.InstanceId, child.Status, child.Outcomes, child.Output,
            child.Incidents.Count > 0 && child.Status == WorkflowStatus.Faulted ? child.Incidents[^1].Message : null)
        {
            Variables = child.Variables,
        };

    /// <summary>A child that could not even start (its definition is missing): the parent sees it as faulted.</summary>
    public static ChildWorkflowResult NotStarted(string instanceId, string message) =>
        new(instanceId, WorkflowStatus.Faulted, [], new Dictionary<string, JsonNode?>(), message);

    /// <summary>The child's outputs as one object (Elsa's ExecuteWorkflow <c>Result</c> after a wait).</summary>
    public JsonObject OutputObject()
    {
        var output = new JsonObject();
        foreach (var (k, v) in Output) output[k] = v?.DeepClone();
        return output;
    }
}

public static class ChildWorkflows
{
    /// <summary>The bookmark kind of a parent activity waiting for a child; its key is the child instance id.</summary>
    public const string BookmarkKind = "Elsa.ChildWorkflow";

    /// <summary>Children of children … at most this deep; one more level faults the activity that tries.</summary>
    public const int MaxDepth = 8;
}
