using Liaison.Workflows.Definitions;

namespace Liaison.Workflows.Runtime;

/// <summary>
/// Runs a parent and its child instances in memory, the way the durable host does in one transaction: children
/// start right after the run that asked for them, a child's end resumes its waiting parent at once, and a cancelled
/// wait cancels the child with its own children. Used by the designer's "try it" and the benchmarks; stores nothing.
/// </summary>
public sealed class WorkflowTree(WorkflowRunner runner, Func<ChildWorkflowRequest, WorkflowDefinition?> resolveChild, RunContext? context = null)
{
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    // Children that ended while their parent's run was still starting its children: the parent resumes once for all.
    private readonly Dictionary<string, List<(string BookmarkId, object? Payload)>> _batches = new(StringComparer.Ordinal);

    /// <summary>Every WriteLine of every instance, in the order they ran.</summary>
    public List<string> WriteLines { get; } = [];

    /// <summary>Journal entries of every instance, each with its instance id, in the order they ran.</summary>
    public List<(string InstanceId, JournalEntry Entry)> Journal { get; } = [];

    public List<Incident> Incidents { get; } = [];

    public List<IWorkflowEffect> Effects { get; } = [];

    /// <summary>The first instance started (the root of the tree).</summary>
    public string? RootId { get; private set; }

    /// <summary>Instances in the order they started (the root first).</summary>
    public IEnumerable<TreeInstance> Instances => _order.Select(id => _nodes[id].View);

    public TreeInstance Start(WorkflowDefinition definition, IReadOnlyDictionary<string, object?>? input = null)
    {
        var result = runner.Start(definition, input, context);
        var node = Add(definition, result.State, null);
        RootId ??= node.View.InstanceId;
        After(node, result);
        return node.View;
    }

    /// <summary>Resumes one pending bookmark of one instance; what it causes in parents and children follows at once.</summary>
    public void Resume(string instanceId, string bookmarkId, object? payload = null)
    {
        var node = _nodes[instanceId];
        var result = runner.Resume(node.Definition, node.View.State, bookmarkId, payload, context);
        After(node, result);
    }

    /// <summary>Bookmarks a caller could resume (a child wait is resumed by its child, not by a caller), with their instance.</summary>
    public IEnumerable<(string InstanceId, Bookmark Bookmark)> PendingBookmarks() =>
        _order.SelectMany(id => _nodes[id].View.State.Bookmarks
            .Where(b => b.Kind != ChildWorkflows.BookmarkKind)
            .Select(b => (id, b)));

    /// <summary>Cancels an instance and its children; a parent waiting for it continues along Cancelled.</summary>
    public void Cancel(string instanceId)
    {
        var node = _nodes[instanceId];
        if (IsEnded(node.View.State.Status)) return;
        After(node, runner.Cancel(node.View.State));
    }

    private Node Add(WorkflowDefinition definition, WorkflowInstanceState state, ChildWorkflowRequest? request)
    {
        var node = new Node(definition, new TreeInstance(state.InstanceId, definition, request) { State = state });
        _nodes[state.InstanceId] = node;
        _order.Add(state.InstanceId);
        return node;
    }

    private void After(Node node, RunResult result)
    {
        node.View.State = result.State;
        node.View.WriteLines.AddRange(result.WriteLines);
        WriteLines.AddRange(result.WriteLines);
        Journal.AddRange(result.Journal.Select(j => (node.View.InstanceId, j)));
        Incidents.AddRange(result.Incidents);
        Effects.AddRange(result.Effects);

        if (result.ChildStarts.Count > 0)
        {
            var batch = _batches[node.View.InstanceId] = [];
            foreach (var request in result.ChildStarts) StartChild(request);
            _batches.Remove(node.View.InstanceId);
            if (batch.Count > 0 && !IsEnded(node.View.State.Status))
                After(node, runner.ResumeMany(node.Definition, node.View.State, batch, context));
        }
        foreach (var child in result.CancelledChildren)
            if (_nodes.TryGetValue(child, out var c)) CancelTree(c);
        if (result.Status == WorkflowStatus.Cancelled)
            foreach (var child in _nodes.Values.Where(n => n.View.Request?.ParentInstanceId == node.View.InstanceId).ToList())
                CancelTree(child);

        if (IsEnded(result.Status) && node.View.Request is { BookmarkId: { } parentBookmark } r)
        {
            if (_batches.TryGetValue(r.ParentInstanceId, out var batch)) batch.Add((parentBookmark, ChildWorkflowResult.Of(result.State)));
            else if (_nodes.TryGetValue(r.ParentInstanceId, out var parent) && parent.View.State.Bookmarks.Any(b => b.Id == parentBookmark))
                Resume(parent.View.InstanceId, parentBookmark, ChildWorkflowResult.Of(result.State));
        }
    }

    private void StartChild(ChildWorkflowRequest request)
    {
        var definition = request.Body ?? resolveChild(request);
        if (definition == null)
        {
            var message = $"Child workflow '{request.DefinitionId}' has no published version{(request.Version is { } v ? $" {v}" : "")}.";
            Incidents.Add(new Incident(request.ParentActivityId, null, message, runner.Clock.GetUtcNow()));
            if (request.BookmarkId == null) return;
            var notStarted = ChildWorkflowResult.NotStarted(request.ChildInstanceId, message);
            if (_batches.TryGetValue(request.ParentInstanceId, out var batch)) batch.Add((request.BookmarkId, notStarted));
            else if (_nodes.TryGetValue(request.ParentInstanceId, out var parent)) Resume(parent.View.InstanceId, request.BookmarkId, notStarted);
            return;
        }
        var result = runner.StartChild(definition, request, context);
        if (request.CorrelationId != null) result.State.CorrelationId ??= request.CorrelationId;
        var node = Add(definition, result.State, request);
        After(node, result);
    }

    /// <summary>Cancels a child no longer awaited, and its descendants; nobody is resumed (its parent stopped waiting).</summary>
    private void CancelTree(Node node)
    {
        if (IsEnded(node.View.State.Status)) return;
        var result = runner.Cancel(node.View.State);
        node.View.State = result.State;
        foreach (var child in _nodes.Values.Where(n => n.View.Request?.ParentInstanceId == node.View.InstanceId).ToList())
            CancelTree(child);
    }

    private static bool IsEnded(WorkflowStatus s) => s is WorkflowStatus.Finished or WorkflowStatus.Faulted or WorkflowStatus.Cancelled;

    private sealed record Node(WorkflowDefinition Definition, TreeInstance View);
}

/// <summary>One instance of a <see cref="WorkflowTree"/>.</summary>
public sealed class TreeInstance(string instanceId, WorkflowDefinition definition, ChildWorkflowRequest? request)
{
    public string InstanceId { get; } = instanceId;
    public WorkflowDefinition Definition { get; } = definition;

    /// <summary>How the instance was started as a child; null for the root.</summary>
    public ChildWorkflowRequest? Request { get; } = request;

    public WorkflowInstanceState State { get; internal set; } = new();
    public List<string> WriteLines { get; } = [];
}
