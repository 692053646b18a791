using System.Text.Json.Nodes;
using Liaison.Workflows.Expressions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

/// <summary>
/// What the activities that run a child instance share: how a child's end continues the parent. A finished child
/// continues along <c>Done</c> (or the child's own outcomes); a faulted or cancelled one along <c>Faulted</c> or
/// <c>Cancelled</c> when that port is connected, and otherwise faults the parent naming the child.
/// </summary>
public abstract class ChildWorkflowActivity : Activity
{
    [OutcomeLabel("子流程故障", "Child faulted")]
    public const string Faulted = "Faulted";

    [OutcomeLabel("子流程已取消", "Child cancelled")]
    public const string Cancelled = "Cancelled";

    public override void Resume(ActivityContext context, Bookmark bookmark, object? payload)
    {
        if (payload is not ChildWorkflowResult result)
        {
            context.Fault($"Bookmark '{bookmark.Id}' waits for a child workflow and was resumed without its result.");
            return;
        }
        switch (result.Status)
        {
            case WorkflowStatus.Finished:
                OnChildFinished(context, result);
                return;
            case WorkflowStatus.Faulted or WorkflowStatus.Cancelled:
                var port = result.Status == WorkflowStatus.Faulted ? Faulted : Cancelled;
                if (context.IsConnected(port)) context.Complete(port);
                else context.Fault($"Child workflow instance '{result.InstanceId}' ended {result.Status}{(result.Message is { } m ? $": {m}" : ".")}");
                return;
            default:
                context.Fault($"Child workflow instance '{result.InstanceId}' reported {result.Status}, which is not an end.");
                return;
        }
    }

    protected virtual void OnChildFinished(ActivityContext context, ChildWorkflowResult result) => context.Complete();

    /// <summary>Elsa's <c>Input</c> dictionary: an object (or JSON text of one); anything else is no input.</summary>
    protected static IReadOnlyDictionary<string, object?> InputsOf(object? input)
    {
        var node = input switch
        {
            JsonNode n => n,
            string s when s.TrimStart().StartsWith('{') => JsonNode.Parse(s),
            null => null,
            _ => ValueConverter.ToJsonNode(input),
        };
        var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (node is JsonObject o)
            foreach (var (k, v) in o) result[k] = ValueConverter.Loose(v?.DeepClone());
        return result;
    }
}
