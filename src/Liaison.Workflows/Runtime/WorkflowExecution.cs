using System.Text.Json.Nodes;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Expressions;

namespace Liaison.Workflows.Runtime;

/// <summary>
/// One run of one instance: Elsa's counter-based flowchart semantics over a compiled plan. Every activity is an
/// implicit join that runs once each forward inbound connection has been visited (more often than the activity)
/// and at least one was followed, else it is skipped and the skip propagates. Not thread-safe; used once.
/// </summary>
internal sealed class WorkflowExecution : IExpressionScope
{
    private static readonly IReadOnlyDictionary<string, object?> NoInputs = new Dictionary<string, object?>();

    private readonly ExecutionPlan _plan;
    private readonly WorkflowRunnerOptions _options;
    private readonly long[] _activityVisits;
    private readonly long[] _connCount;
    private readonly bool[] _connFollowed;
    private readonly bool[] _queued;
    private readonly bool[] _enteredByBackEdge;
    private readonly int[] _pendingBookmarks;
    private readonly Queue<(int Node, bool ViaBackEdge)> _queue = new();
    private readonly object?[] _vars;
    private Dictionary<string, object?>? _dynamicVars;
    private readonly Dictionary<string, object?> _input;
    private readonly List<Bookmark> _bookmarks;
    private readonly ActivityContext _ctx;
    private int _executions;
    private readonly RunBudget? _budget;
    private bool _stopped;
    private bool _faulted;
    private ExpressionGlobals? _globals;
    private JavaScriptRuntime? _js;
    private LiquidRuntime? _liquid;

    public readonly List<JournalEntry> Journal = [];
    public readonly List<Bookmark> NewBookmarks = [];
    public readonly List<string> RemovedBookmarkIds = [];
    public readonly List<IWorkflowEffect> Effects = [];
    public readonly List<string> WriteLines = [];
    public readonly List<Incident> Incidents = [];
    public readonly List<ChildWorkflowRequest> ChildStarts = [];
    public readonly List<string> CancelledChildren = [];
    private string? _resumingBookmarkId;
    private IReadOnlyList<string>? _scriptOutcomes;

    public WorkflowInstanceState State { get; }
    public TimeProvider Clock { get; }

    public TimeZoneInfo TimeZone => _options.TimeZone;
    public RunContext? Context { get; }

    private WorkflowExecution(ExecutionPlan plan, WorkflowInstanceState state, TimeProvider clock, WorkflowRunnerOptions options, RunContext? context,
        Dictionary<string, object?> input, List<Bookmark> bookmarks)
    {
        _plan = plan;
        _options = options;
        State = state;
        Clock = clock;
        Context = context;
        _budget = context?.Get<RunBudget>();
        _input = input;
        _bookmarks = bookmarks;
        var n = plan.Nodes.Length;
        _activityVisits = new long[n];
        _queued = new bool[n];
        _enteredByBackEdge = new bool[n];
        _pendingBookmarks = new int[n];
        _connCount = new long[plan.Connections.Length];
        _connFollowed = new bool[plan.Connections.Length];
        _vars = new object?[plan.Variables.Length];
        _ctx = new ActivityContext(this);
    }

    public static WorkflowExecution ForStart(ExecutionPlan plan, TimeProvider clock, WorkflowRunnerOptions options, RunContext? context,
        IReadOnlyDictionary<string, object?>? input, string? instanceId, int depth = 0, IReadOnlyDictionary<string, object?>? variables = null,
        string? bodyPath = null)
    {
        var now = clock.GetUtcNow();
        var def = plan.Definition;
        var state = new WorkflowInstanceState
        {
            InstanceId = instanceId ?? Guid.NewGuid().ToString("N"),
            DefinitionId = def.DefinitionId,
            DefinitionVersionId = def.Id,
            DefinitionVersion = def.Version,
            Status = WorkflowStatus.Running,
            StartActivityId = plan.TriggerActivityId,
            Depth = depth,
            BodyPath = bodyPath,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var inputs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (input != null)
            foreach (var (k, v) in input)
            {
                // A declared input is converted to its declared type (Elsa: the literal "4" of an Int32 input is 4).
                var value = plan.InputTypes.TryGetValue(k, out var typeName) ? ConvertInput(v, typeName) : v;
                inputs[k] = ValueConverter.Loose(value);
                state.Input[k] = ValueConverter.ToJsonNode(value);
            }
        var run = new WorkflowExecution(plan, state, clock, options, context, inputs, []);
        for (var i = 0; i < plan.Variables.Length; i++)
        {
            var v = plan.Variables[i];
            if (v.Value == null) continue;
            try { run._vars[i] = ValueConverter.ForTypeName(v.Value, v.TypeName); }
            catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException) { run._vars[i] = v.Value; }
        }
        if (variables != null)
            foreach (var (name, value) in variables)
            {
                var i = plan.FindVariable(name);
                if (i < 0) continue;
                try { run._vars[i] = ValueConverter.ForTypeName(ValueConverter.Loose(value), plan.Variables[i].TypeName); }
                catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException) { run._vars[i] = ValueConverter.Loose(value); }
            }
        return run;
    }

    private static object? ConvertInput(object? value, string typeName)
    {
        try
        {
            return ValueConverter.ForTypeName(value, typeName);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            return value;
        }
    }

    public static WorkflowExecution ForResume(ExecutionPlan plan, WorkflowInstanceState previous, TimeProvider clock, WorkflowRunnerOptions options, RunContext? context)
    {
        var state = new WorkflowInstanceState
        {
            InstanceId = previous.InstanceId,
            DefinitionId = previous.DefinitionId,
            DefinitionVersionId = previous.DefinitionVersionId,
            DefinitionVersion = previous.DefinitionVersion,
            Status = WorkflowStatus.Running,
            StartActivityId = previous.StartActivityId,
            Input = previous.Input,
            Output = new(previous.Output, StringComparer.Ordinal),
            Outcomes = [.. previous.Outcomes],
            Name = previous.Name,
            CorrelationId = previous.CorrelationId,
            ActivityState = new(previous.ActivityState, StringComparer.Ordinal),
            ActivityOutputs = previous.ActivityOutputs.ToDictionary(kv => kv.Key, kv => new Dictionary<string, JsonNode?>(kv.Value, StringComparer.Ordinal), StringComparer.Ordinal),
            LastResult = previous.LastResult,
            Depth = previous.Depth,
            BodyPath = previous.BodyPath,
            Incidents = [.. previous.Incidents],
            JournalSequence = previous.JournalSequence,
            CreatedAt = previous.CreatedAt,
            UpdatedAt = previous.UpdatedAt,
        };
        var inputs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in previous.Input) inputs[k] = ValueConverter.Loose(v);
        var run = new WorkflowExecution(plan, state, clock, options, context, inputs, [.. previous.Bookmarks]);

        foreach (var (name, value) in previous.Variables)
        {
            var i = plan.FindVariable(name);
            if (i >= 0)
            {
                try { run._vars[i] = ValueConverter.ForTypeName(value, plan.Variables[i].TypeName); }
                catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException) { run._vars[i] = ValueConverter.Loose(value); }
            }
            else
            {
                (run._dynamicVars ??= new(StringComparer.OrdinalIgnoreCase))[name] = ValueConverter.Loose(value);
            }
        }
        var flow = previous.Flowchart;
        foreach (var (id, count) in flow.ActivityVisits)
            if (plan.NodeIndex.TryGetValue(id, out var i)) run._activityVisits[i] = count;
        foreach (var (key, visit) in flow.Connections)
            if (plan.ConnectionIndex.TryGetValue(key, out var i))
            {
                run._connCount[i] = visit.Count;
                run._connFollowed[i] = visit.Followed;
            }
        foreach (var id in flow.EnteredByBackEdge)
            if (plan.NodeIndex.TryGetValue(id, out var i)) run._enteredByBackEdge[i] = true;
        foreach (var b in run._bookmarks)
            if (plan.NodeIndex.TryGetValue(b.ActivityId, out var i)) run._pendingBookmarks[i]++;
        return run;
    }

    public void RunFromStart()
    {
        if (_plan.StartNode >= 0) Enqueue(_plan.StartNode, false);
        RunLoop();
    }

    /// <summary>The run ended the workflow (End, Complete, a fault): nothing more may execute.</summary>
    public bool Stopped => _stopped;

    public Bookmark? FindBookmark(string id) => _bookmarks.Find(b => b.Id == id);

    public void RunResume(Bookmark bookmark, object? payload)
    {
        if (!_plan.NodeIndex.TryGetValue(bookmark.ActivityId, out var node))
            throw new InvalidOperationException($"Bookmark '{bookmark.Id}' belongs to activity '{bookmark.ActivityId}', which this definition does not have.");
        _resumingBookmarkId = bookmark.Id;
        RemoveBookmark(bookmark);
        _resumingBookmarkId = null;
        if (OverBudget(node)) return;
        Execute(node, _enteredByBackEdge[node], bookmark, payload);
        RunLoop();
    }

    private void RunLoop()
    {
        var max = _options.MaxActivitiesPerRun;
        while (!_stopped && _queue.Count > 0)
        {
            var (node, viaBack) = _queue.Dequeue();
            _queued[node] = false;
            if (_executions >= max)
            {
                Fault(_plan.Nodes[node], $"Runaway: more than {max} activities executed without waiting.");
                break;
            }
            if (OverBudget(node)) break;
            Execute(node, viaBack, null, null);
        }
    }

    /// <summary>Charges the request's <see cref="RunBudget"/> (if any) for one activity; faults the run when it is spent.</summary>
    private bool OverBudget(int node)
    {
        if (_budget?.Charge() is not { } breach) return false;
        Fault(_plan.Nodes[node], breach);
        return true;
    }

    private void Execute(int index, bool viaBackEdge, Bookmark? resumed, object? payload)
    {
        _executions++;
        var node = _plan.Nodes[index];
        var ctx = _ctx;
        ctx.Reset(node);
        var activity = node.Type.Factory();
        var bound = node.Inputs;
        Dictionary<string, object?>? journalInputs = bound.Length == 0 ? null : new(bound.Length, StringComparer.Ordinal);
        var currentInput = "";
        try
        {
            for (var i = 0; i < bound.Length; i++)
            {
                var b = bound[i];
                currentInput = b.Property.Name;
                var value = b.Expression is LiquidExpression liquid && b.Property.Attribute.Html
                    ? GetLiquid().Render(liquid.Source, html: true)
                    : b.Expression.Evaluate(this);
                if (!b.Expression.IsLiteral) value = ValueConverter.ConvertTo(value, b.Property.Type);
                b.Property.Setter(activity, value);
                journalInputs![b.Property.Name] = value;
            }
            currentInput = "";
            if (resumed == null) activity.Execute(ctx);
            else activity.Resume(ctx, resumed, payload);
        }
        catch (Exception ex)
        {
            var where = currentInput.Length > 0 ? $" input '{currentInput}'" : "";
            Journal.Add(Entry(node, journalInputs, [], JournalEventKind.Faulted));
            Fault(node, $"Activity '{node.Id}' ({node.Type.TypeName}){where}: {ex.Message}");
            return;
        }

        if (ctx.FaultMessage != null)
        {
            Journal.Add(Entry(node, journalInputs, [], JournalEventKind.Faulted));
            Fault(node, $"Activity '{node.Id}' ({node.Type.TypeName}): {ctx.FaultMessage}");
            return;
        }

        if (!ctx.Completed && _pendingBookmarks[index] > 0)
        {
            _enteredByBackEdge[index] = viaBackEdge;
            Journal.Add(Entry(node, journalInputs, ctx.Fired ?? (IReadOnlyList<string>)[], JournalEventKind.Suspended));
            if (ctx.Fired != null) FireWhileWaiting(node, ctx.Fired);
            return;
        }

        // Returning without waiting or completing means "Done" (the generic outcome convention).
        if (!ctx.Completed) ctx.Complete(Activity.Done);
        ctx.MergeFired();
        Journal.Add(Entry(node, journalInputs, ctx.OutcomeList, JournalEventKind.Completed));
        _enteredByBackEdge[index] = false;
        if (_pendingBookmarks[index] > 0) RemoveBookmarksOf(index);
        if (node.Type.IsTerminal || ctx.EndsWorkflow)
        {
            EndWorkflow();
            return;
        }
        OnCompleted(node, skipped: false, viaBackEdge);
    }

    /// <summary>Visits the outbound connections of a completed (or skipped) activity and schedules what became ready.</summary>
    private void OnCompleted(PlanNode node, bool skipped, bool viaBackEdge)
    {
        if (!viaBackEdge) _activityVisits[node.Index]++;
        var conns = _plan.Connections;
        foreach (var ci in node.Outbound)
        {
            if (_stopped) return;
            var c = conns[ci];
            var followed = !skipped && (c.Port == ExecutionPlan.AnyOutcome ? _ctx.HasAnyOutcome : _ctx.HasOutcome(c.Port));
            _connCount[ci]++;
            _connFollowed[ci] = followed;
            if (c.IsBackward)
            {
                if (!followed) continue;
                if (!c.BackwardValid)
                {
                    Fault(node, $"Invalid loop: every path from '{c.Definition.SourceActivity}' back to the start must pass through '{c.Definition.TargetActivity}'.");
                    return;
                }
                if (_plan.Nodes[c.Target].Join == NodeJoin.Converge) MaybeSchedule(ci, _plan.Nodes[c.Target]);
                else Enqueue(c.Target, true);
                continue;
            }
            MaybeSchedule(ci, _plan.Nodes[c.Target]);
        }
    }

    /// <summary>
    /// Follows the connections of fired outcomes while the activity keeps waiting. The activity's own visit is not
    /// counted (it has not completed); its other ports are left unvisited until it completes.
    /// </summary>
    private void FireWhileWaiting(PlanNode node, List<string> outcomes)
    {
        var conns = _plan.Connections;
        foreach (var outcome in outcomes)
        {
            foreach (var ci in node.Outbound)
            {
                if (_stopped) return;
                var c = conns[ci];
                if (c.Port != outcome) continue;
                _connCount[ci]++;
                _connFollowed[ci] = true;
                if (c.IsBackward)
                {
                    if (c.BackwardValid) Enqueue(c.Target, true);
                    else Fault(node, $"Invalid loop: every path from '{c.Definition.SourceActivity}' back to the start must pass through '{c.Definition.TargetActivity}'.");
                    continue;
                }
                MaybeSchedule(ci, _plan.Nodes[c.Target]);
            }
        }
    }

    private void MaybeSchedule(int connection, PlanNode target)
    {
        switch (target.Join)
        {
            case NodeJoin.Implicit:
                if (!AllInboundVisited(target)) return;
                if (AnyInboundFollowed(target)) Enqueue(target.Index, false);
                else Skip(target);
                return;
            case NodeJoin.WaitAll:
                if (!AllInboundVisited(target)) return;
                if (AllInboundFollowed(target)) Enqueue(target.Index, false);
                else Skip(target);
                return;
            case NodeJoin.Merge:
                if (AllFollowedSinceLastRun(target, target.ForwardInbound)) Enqueue(target.Index, false);
                return;
            case NodeJoin.Converge:
                if (AllFollowedSinceLastRun(target, target.AllInbound)) Enqueue(target.Index, false);
                return;
            case NodeJoin.Cascade:
                if (_connFollowed[connection]) Cascade(target.Index);
                return;
            case NodeJoin.WaitAny:
                // Later arrivals after the join ran (or while it is queued) are ignored.
                if (_connCount[connection] <= _activityVisits[target.Index] || _queued[target.Index]) return;
                if (AnyInboundFollowed(target))
                {
                    Enqueue(target.Index, false);
                    CancelAncestors(target);
                }
                else if (AllInboundVisited(target))
                {
                    Skip(target);
                }
                return;
        }
    }

    /// <summary>Merge and Converge: every one of <paramref name="inbound"/> delivered since the node last ran; a dead branch blocks.</summary>
    private bool AllFollowedSinceLastRun(PlanNode node, int[] inbound)
    {
        var visits = _activityVisits[node.Index];
        foreach (var ci in inbound)
            if (_connCount[ci] <= visits || !_connFollowed[ci]) return false;
        return inbound.Length > 0;
    }

    /// <summary>Cascade runs once per arrival, so an arrival while one run is queued queues another.</summary>
    private void Cascade(int node)
    {
        if (_pendingBookmarks[node] > 0) return;
        _queued[node] = true;
        _queue.Enqueue((node, false));
    }

    private void Skip(PlanNode node) => OnCompleted(node, skipped: true, viaBackEdge: false);

    private bool AllInboundVisited(PlanNode node)
    {
        var visits = _activityVisits[node.Index];
        foreach (var ci in node.ForwardInbound)
            if (_connCount[ci] <= visits) return false;
        return true;
    }

    private bool AnyInboundFollowed(PlanNode node)
    {
        var visits = _activityVisits[node.Index];
        foreach (var ci in node.ForwardInbound)
            if (_connCount[ci] > visits && _connFollowed[ci]) return true;
        return false;
    }

    private bool AllInboundFollowed(PlanNode node)
    {
        foreach (var ci in node.ForwardInbound)
            if (!_connFollowed[ci]) return false;
        return true;
    }

    /// <summary>WaitAny fired: branches still waiting upstream of the join are cancelled, and their skip propagates.</summary>
    private void CancelAncestors(PlanNode join)
    {
        foreach (var a in join.Ancestors)
        {
            if (_pendingBookmarks[a] == 0) continue;
            RemoveBookmarksOf(a);
            var node = _plan.Nodes[a];
            Journal.Add(Entry(node, null, [], JournalEventKind.Cancelled));
            _enteredByBackEdge[a] = false;
            Skip(node);
        }
    }

    private void Enqueue(int node, bool viaBackEdge)
    {
        // An activity runs once at a time: already queued or waiting means the arrival is absorbed.
        if (_queued[node] || _pendingBookmarks[node] > 0) return;
        _queued[node] = true;
        _queue.Enqueue((node, viaBackEdge));
    }

    private void EndWorkflow()
    {
        _stopped = true;
        _queue.Clear();
        RemoveAllBookmarks();
    }

    private void Fault(PlanNode? node, string message)
    {
        Incidents.Add(new Incident(node?.Id, node?.Type.TypeName, message, Clock.GetUtcNow()));
        _faulted = true;
        _stopped = true;
        _queue.Clear();
        RemoveAllBookmarks();
    }

    private JournalEntry Entry(PlanNode node, Dictionary<string, object?>? inputs, IReadOnlyList<string> outcomes, JournalEventKind kind) =>
        new(++State.JournalSequence, node.Id, node.Type.TypeName, inputs ?? NoInputs, outcomes, Clock.GetUtcNow(), kind);

    // ---- bookmarks

    internal Bookmark AddBookmark(PlanNode node, string kind, string? key, DateTimeOffset? resumeAt, JsonNode? payload)
    {
        var b = new Bookmark
        {
            Id = Guid.NewGuid().ToString("N"),
            ActivityId = node.Id,
            Kind = kind,
            Key = key,
            ResumeAt = resumeAt,
            Payload = payload,
            CreatedAt = Clock.GetUtcNow(),
        };
        _bookmarks.Add(b);
        NewBookmarks.Add(b);
        _pendingBookmarks[node.Index]++;
        return b;
    }

    internal IReadOnlyList<Bookmark> BookmarksOf(int node)
    {
        var id = _plan.Nodes[node].Id;
        return _bookmarks.Where(b => b.ActivityId == id).ToList();
    }

    private void RemoveBookmark(Bookmark b)
    {
        _bookmarks.Remove(b);
        if (_plan.NodeIndex.TryGetValue(b.ActivityId, out var i) && _pendingBookmarks[i] > 0) _pendingBookmarks[i]--;
        // A bookmark created and consumed within this run was never seen by the host.
        if (!NewBookmarks.Remove(b)) RemovedBookmarkIds.Add(b.Id);
        // A child waited for and no longer awaited (the branch was cancelled, the workflow ended) is cancelled too.
        if (b.Kind == ChildWorkflows.BookmarkKind && b.Id != _resumingBookmarkId && b.Key != null)
        {
            var pending = ChildStarts.FindIndex(r => r.ChildInstanceId == b.Key);
            if (pending >= 0) ChildStarts.RemoveAt(pending);
            else CancelledChildren.Add(b.Key);
        }
    }

    private void RemoveBookmarksOf(int node)
    {
        var id = _plan.Nodes[node].Id;
        for (var i = _bookmarks.Count - 1; i >= 0; i--)
            if (_bookmarks[i].ActivityId == id) RemoveBookmark(_bookmarks[i]);
    }

    private void RemoveAllBookmarks()
    {
        for (var i = _bookmarks.Count - 1; i >= 0; i--) RemoveBookmark(_bookmarks[i]);
    }

    // ---- result

    public RunResult Finish()
    {
        var s = State;
        s.Status = _faulted ? WorkflowStatus.Faulted : _bookmarks.Count > 0 ? WorkflowStatus.Suspended : WorkflowStatus.Finished;
        s.UpdatedAt = Clock.GetUtcNow();
        s.Bookmarks = _bookmarks;
        s.Incidents.AddRange(Incidents);
        for (var i = 0; i < _vars.Length; i++)
            s.Variables[_plan.Variables[i].Name] = ValueConverter.ToJsonNode(_vars[i]);
        if (_dynamicVars != null)
            foreach (var (k, v) in _dynamicVars) s.Variables[k] = ValueConverter.ToJsonNode(v);
        if (s.Status == WorkflowStatus.Suspended)
        {
            var flow = s.Flowchart;
            for (var i = 0; i < _activityVisits.Length; i++)
            {
                if (_activityVisits[i] != 0) flow.ActivityVisits[_plan.Nodes[i].Id] = _activityVisits[i];
                if (_enteredByBackEdge[i] && _pendingBookmarks[i] > 0) flow.EnteredByBackEdge.Add(_plan.Nodes[i].Id);
            }
            for (var i = 0; i < _connCount.Length; i++)
                if (_connCount[i] != 0) flow.Connections[_plan.Connections[i].Key] = new ConnectionVisit(_connCount[i], _connFollowed[i]);
        }
        return new RunResult
        {
            State = s,
            Journal = Journal,
            NewBookmarks = NewBookmarks,
            RemovedBookmarkIds = RemovedBookmarkIds,
            Effects = Effects,
            WriteLines = WriteLines,
            Incidents = Incidents,
            ChildStarts = ChildStarts,
            CancelledChildren = CancelledChildren,
        };
    }

    // ---- composition, outputs and scripts (called through ActivityContext)

    internal bool IsConnected(PlanNode node, string port)
    {
        foreach (var ci in node.Outbound)
            if (_plan.Connections[ci].Port == port) return true;
        return false;
    }

    internal void SetActivityOutput(PlanNode node, string name, object? value)
    {
        var json = ValueConverter.ToJsonNode(value);
        if (!State.ActivityOutputs.TryGetValue(node.Id, out var outputs))
            State.ActivityOutputs[node.Id] = outputs = new(StringComparer.Ordinal);
        outputs[name] = json;
        if (string.Equals(name, "Result", StringComparison.OrdinalIgnoreCase)) State.LastResult = json?.DeepClone();
        // Elsa binds an output with {"memoryReference": {"id": …}} on the activity: the id names a variable, or else
        // one of the workflow's declared outputs ("direct output mapping").
        if (node.Node.GetProperty(name) is JsonObject binding && binding["memoryReference"] is JsonObject reference
            && ValueConverter.ToText(reference["id"]) is { Length: > 0 } target)
        {
            if (_plan.FindVariable(target) < 0 && _plan.OutputNames.Contains(target)) State.Output[target] = json?.DeepClone();
            else SetVariable(target, ValueConverter.Loose(json));
        }
    }

    /// <summary>An expression written in a raw property (<c>{"type": …, "value": …}</c>); anything else is a literal value.</summary>
    internal object? Evaluate(JsonNode? expression, Type resultType) => expression is JsonObject o
        ? Evaluate(new Definitions.InputExpression { Type = ValueConverter.ToText(o["type"]) ?? Definitions.ExpressionTypes.Literal, Value = o["value"] }, resultType)
        : ValueConverter.ConvertTo(expression is JsonValue v ? ValueConverter.Unwrap(v) : expression, resultType);

    /// <summary>An expression evaluated now, outside the inputs bound before execution; none is the type's default.</summary>
    internal object? Evaluate(Definitions.InputExpression? expression, Type resultType)
    {
        if (expression is null) return ValueConverter.ConvertTo(null, resultType);
        var compiled = CompiledExpression.Compile(expression, resultType, _plan.VariableNames);
        var value = compiled.Evaluate(this);
        return compiled.IsLiteral ? value : ValueConverter.ConvertTo(value, resultType);
    }

    internal object? RunScript(string source, out IReadOnlyList<string>? outcomes)
    {
        _scriptOutcomes = null;
        try
        {
            return GetJavaScript().Evaluate(source);
        }
        finally
        {
            outcomes = _scriptOutcomes;
            _scriptOutcomes = null;
        }
    }

    public void SetOutcomes(IReadOnlyList<string> outcomes) => _scriptOutcomes = outcomes;

    public object? GetOutputFrom(string activity, string? output)
    {
        var id = activity;
        if (!State.ActivityOutputs.ContainsKey(id))
            foreach (var n in _plan.Nodes)
                if (string.Equals(n.Node.Name, activity, StringComparison.Ordinal)) { id = n.Id; break; }
        if (!State.ActivityOutputs.TryGetValue(id, out var outputs)) return null;
        var value = outputs.TryGetValue(output ?? "Result", out var v) ? v
            : outputs.FirstOrDefault(kv => string.Equals(kv.Key, output ?? "Result", StringComparison.OrdinalIgnoreCase)).Value;
        return ValueConverter.Loose(value);
    }

    public object? GetLastResult() => ValueConverter.Loose(State.LastResult);

    internal string StartBody(PlanNode node, string property, int? index, IReadOnlyDictionary<string, object?> overrides)
    {
        var segment = WorkflowBodies.Segment(node.Id, property, index);
        var body = WorkflowBodies.Child(_plan.Definition, segment);
        var path = State.BodyPath is { } outer ? outer + "/" + segment : segment;
        var variables = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in AllVariables()) variables[name] = value;
        foreach (var (name, value) in overrides) variables[name] = value;
        var childId = Guid.CreateVersion7(Clock.GetUtcNow()).ToString();
        _ctx.BookmarksCreated++;
        var bookmarkId = AddBookmark(node, ChildWorkflows.BookmarkKind, childId, null, new JsonObject { ["body"] = path }).Id;
        // A body is part of this workflow, not a nested workflow: it does not count towards the nesting limit.
        ChildStarts.Add(new ChildWorkflowRequest(childId, State.InstanceId, node.Id, bookmarkId, _plan.Definition.DefinitionId, _plan.Definition.Id,
            _plan.Definition.Version, new Dictionary<string, object?>(overrides, StringComparer.OrdinalIgnoreCase), null, State.Depth)
        {
            Body = body,
            BodyPath = path,
            Variables = variables,
        });
        return childId;
    }

    internal void TakeVariables(IReadOnlyDictionary<string, JsonNode?> variables)
    {
        foreach (var (name, value) in variables)
            if (_plan.FindVariable(name) >= 0) SetVariable(name, ValueConverter.Loose(value));
    }

    internal string? StartChild(PlanNode node, string definitionId, string? definitionVersionId, int? version, IReadOnlyDictionary<string, object?> input,
        string? correlationId, bool wait)
    {
        if (State.Depth + 1 > ChildWorkflows.MaxDepth)
        {
            _ctx.Fault($"Child workflow '{definitionId}' would nest deeper than {ChildWorkflows.MaxDepth} levels (a workflow that uses itself?).");
            return null;
        }
        var childId = Guid.CreateVersion7(Clock.GetUtcNow()).ToString();
        string? bookmarkId = null;
        if (wait)
        {
            _ctx.BookmarksCreated++;
            bookmarkId = AddBookmark(node, ChildWorkflows.BookmarkKind, childId, null, new JsonObject { ["definitionId"] = definitionId }).Id;
        }
        var copy = new Dictionary<string, object?>(input, StringComparer.OrdinalIgnoreCase);
        ChildStarts.Add(new ChildWorkflowRequest(childId, State.InstanceId, node.Id, bookmarkId, definitionId, definitionVersionId, version, copy,
            correlationId, State.Depth + 1));
        return childId;
    }

    // ---- variables and expressions

    public object? GetVariable(string nameOrId)
    {
        var i = _plan.FindVariable(nameOrId);
        if (i >= 0) return _vars[i];
        return _dynamicVars != null && _dynamicVars.TryGetValue(nameOrId, out var v) ? v : null;
    }

    /// <summary>From scripts: declared variables are converted to their type; unknown names become ad-hoc variables.</summary>
    public void SetVariable(string nameOrId, object? value)
    {
        var i = _plan.FindVariable(nameOrId);
        if (i >= 0) _vars[i] = ValueConverter.ForTypeName(value, _plan.Variables[i].TypeName);
        else (_dynamicVars ??= new(StringComparer.OrdinalIgnoreCase))[nameOrId] = ValueConverter.Loose(value);
    }

    public void SetDeclaredVariable(string nameOrId, object? value)
    {
        var i = _plan.FindVariable(nameOrId);
        if (i < 0) throw new InvalidOperationException($"Variable '{nameOrId}' not found.");
        _vars[i] = ValueConverter.ForTypeName(value, _plan.Variables[i].TypeName);
    }

    public object? GetInput(string name) => _input.TryGetValue(name, out var v) ? v : null;

    public IEnumerable<KeyValuePair<string, object?>> AllVariables()
    {
        for (var i = 0; i < _vars.Length; i++)
            yield return new(_plan.Variables[i].Name, _vars[i]);
        if (_dynamicVars != null)
            foreach (var kv in _dynamicVars) yield return kv;
    }

    public IEnumerable<KeyValuePair<string, object?>> AllInputs() => _input;

    public ExpressionGlobals Globals
    {
        get
        {
            if (_globals != null) return _globals;
            _globals = new ExpressionGlobals();
            foreach (var c in _options.ExpressionContributors) c.Contribute(_globals, Context);
            if (Context != null)
                foreach (var c in Context.ExpressionContributors) c.Contribute(_globals, Context);
            return _globals;
        }
    }

    public ScriptLimits Limits => _options.Scripts;

    public JavaScriptRuntime GetJavaScript() => _js ??= new JavaScriptRuntime(this, _plan.VariableNames, _plan.ScriptIdentifiers);

    public LiquidRuntime GetLiquid() => _liquid ??= new LiquidRuntime(this);
}
