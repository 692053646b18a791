using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Expressions;

namespace Liaison.Workflows.Runtime;

/// <summary>What an executing activity may see and do. One object per run, re-pointed at each activity.</summary>
public sealed class ActivityContext
{
    private readonly WorkflowExecution _run;
    internal PlanNode Node = null!;
    internal string? SingleOutcome;
    internal string[]? Outcomes;
    internal bool Completed;
    internal int BookmarksCreated;
    internal string? FaultMessage;
    internal List<string>? Fired;
    internal bool EndsWorkflow;

    internal ActivityContext(WorkflowExecution run) => _run = run;

    public string ActivityId => Node.Node.Id;
    public string ActivityType => Node.Type.TypeName;

    /// <summary>The activity as written in the definition (for raw, non-input properties).</summary>
    public ActivityNode Definition => Node.Node;

    public string InstanceId => _run.State.InstanceId;
    public TimeProvider Clock => _run.Clock;
    public DateTimeOffset Now => _run.Clock.GetUtcNow();

    /// <summary>The host's per-run bag (e.g. the case); null when the host gave none.</summary>
    public RunContext? RunContext => _run.Context;

    /// <summary>This activity's pending bookmarks (including ones created by this execution).</summary>
    public IReadOnlyList<Bookmark> Bookmarks => _run.BookmarksOf(Node.Index);

    public object? GetVariable(string nameOrId) => _run.GetVariable(nameOrId);

    public T? GetVariable<T>(string nameOrId) => (T?)ValueConverter.ConvertTo(_run.GetVariable(nameOrId), typeof(T));

    /// <summary>Sets a declared variable by id or name; throws when there is no such variable.</summary>
    public void SetVariable(string nameOrId, object? value) => _run.SetDeclaredVariable(nameOrId, value);

    /// <summary>A workflow input given to Start.</summary>
    public object? GetInput(string name) => _run.GetInput(name);

    /// <summary>
    /// Makes this activity wait. A non-null <paramref name="resumeAt"/> makes the bookmark a timer. The activity
    /// stays pending until a bookmark resume calls <see cref="Complete(string)"/>.
    /// </summary>
    public Bookmark CreateBookmark(string kind, string? key = null, DateTimeOffset? resumeAt = null, JsonNode? payload = null)
    {
        BookmarksCreated++;
        return _run.AddBookmark(Node, kind, key, resumeAt, payload);
    }

    public void Complete() => Complete(Activities.Activity.Done);

    public void Complete(string outcome)
    {
        Completed = true;
        SingleOutcome = outcome;
        Outcomes = null;
    }

    /// <summary>Completes along several outcomes at once (all their connections run, in parallel).</summary>
    public void Complete(params string[] outcomes)
    {
        Completed = true;
        SingleOutcome = null;
        Outcomes = outcomes;
    }

    /// <summary>
    /// Continues along <paramref name="outcome"/> now while the activity keeps waiting on its other bookmarks
    /// (e.g. a human task's "ResolveDue" escalation branch while the liaison can still act). If the activity also
    /// completes in this call, the outcome simply joins the completion outcomes.
    /// </summary>
    public void Fire(string outcome) => (Fired ??= []).Add(outcome);

    /// <summary>Whether this activity's <paramref name="port"/> has any outgoing connection in the flowchart.</summary>
    public bool IsConnected(string port) => _run.IsConnected(Node, port);

    /// <summary>Data this activity keeps between its executions and runs (a loop's position); null when none.</summary>
    public JsonNode? ActivityState
    {
        get => _run.State.ActivityState.TryGetValue(Node.Id, out var v) ? v : null;
        set
        {
            if (value is null) _run.State.ActivityState.Remove(Node.Id);
            else _run.State.ActivityState[Node.Id] = value;
        }
    }

    /// <summary>
    /// Sets one of this activity's outputs: kept for <c>getOutputFrom</c> and, when the definition binds the output to a
    /// variable (<c>"result": {"memoryReference": {"id": …}}</c>), assigned to that variable.
    /// </summary>
    public void SetOutput(string name, object? value) => _run.SetActivityOutput(Node, name, value);

    /// <summary>Sets a workflow output (what a parent receives from this instance as a child).</summary>
    public void SetWorkflowOutput(string name, object? value) => _run.State.Output[name] = ValueConverter.ToJsonNode(value);

    /// <summary>Records the outcomes the workflow completes with (a parent's workflow activity continues along them).</summary>
    public void SetWorkflowOutcomes(IEnumerable<string> outcomes) => _run.State.Outcomes = [.. outcomes];

    /// <summary>Names the instance (<c>Elsa.SetName</c>).</summary>
    public void SetWorkflowName(string? name) => _run.State.Name = name;

    /// <summary>Changes the instance's correlation id (<c>Elsa.Correlate</c>).</summary>
    public void SetCorrelationId(string? correlationId) => _run.State.CorrelationId = correlationId;

    /// <summary>Evaluates an Elsa expression object (<c>{"type": "JavaScript", "value": …}</c>) found in a raw property.</summary>
    public object? Evaluate(JsonNode? expression, Type resultType) => _run.Evaluate(expression, resultType);

    /// <summary>
    /// Runs JavaScript in the instance's sandbox and returns its value. <paramref name="outcomes"/> receives what the
    /// script passed to <c>setOutcome</c>/<c>setOutcomes</c>, if it called them.
    /// </summary>
    public object? RunScript(string source, out IReadOnlyList<string>? outcomes) => _run.RunScript(source, out outcomes);

    /// <summary>
    /// Asks the host to start a child instance of <paramref name="definitionId"/> (pinned to a version, or the latest
    /// published when both are null). With <paramref name="wait"/> this activity waits for it and is resumed with a
    /// <see cref="ChildWorkflowResult"/>. Returns the child's instance id, or null when nesting is too deep (the
    /// activity has then faulted).
    /// </summary>
    public string? StartChild(string definitionId, string? definitionVersionId, int? version, IReadOnlyDictionary<string, object?> input,
        string? correlationId, bool wait) => _run.StartChild(Node, definitionId, definitionVersionId, version, input, correlationId, wait);

    /// <summary>
    /// Runs one of this activity's embedded bodies (<paramref name="property"/>, or its <paramref name="index"/>th entry)
    /// as a child instance that starts with the workflow's current variables and hands them back when it ends; this
    /// activity waits and is resumed with its <see cref="ChildWorkflowResult"/>. <paramref name="overrides"/> sets
    /// variables for the body only when declared, and is also given as its input (e.g. CurrentValue).
    /// </summary>
    public string StartBody(string property, int? index, IReadOnlyDictionary<string, object?> overrides) =>
        _run.StartBody(Node, property, index, overrides);

    /// <summary>Copies a finished body's variables back into the workflow (declared ones only).</summary>
    public void TakeVariables(IReadOnlyDictionary<string, JsonNode?> variables) => _run.TakeVariables(variables);

    /// <summary>Completes this activity and ends the workflow at once with <paramref name="outcomes"/> (like Elsa.Complete).</summary>
    public void CompleteWorkflow(params string[] outcomes)
    {
        SetWorkflowOutcomes(outcomes);
        EndsWorkflow = true;
        Complete([]);
    }

    /// <summary>Evaluates one of this activity's inputs again (e.g. a While condition after its body changed variables).</summary>
    public object? EvaluateInput(string name, Type resultType) =>
        _run.Evaluate(Definition.Inputs.TryGetValue(name, out var input) ? input.Expression : null, resultType);

    /// <summary>Something for the host to do after it commits the run (e.g. an outbox email).</summary>
    public void AddEffect(IWorkflowEffect effect) => _run.Effects.Add(effect);

    public void WriteLine(string? text) => _run.WriteLines.Add(text ?? "");

    /// <summary>Faults the instance with an incident naming this activity.</summary>
    public void Fault(string message) => FaultMessage = message;

    internal void Reset(PlanNode node)
    {
        Node = node;
        EndsWorkflow = false;
        SingleOutcome = null;
        Outcomes = null;
        Completed = false;
        BookmarksCreated = 0;
        FaultMessage = null;
        Fired = null;
    }

    /// <summary>Folds fired outcomes into the completion outcomes.</summary>
    internal void MergeFired()
    {
        if (Fired == null) return;
        var all = new List<string>(OutcomeList);
        foreach (var f in Fired)
            if (!all.Contains(f)) all.Add(f);
        SingleOutcome = null;
        Outcomes = all.ToArray();
        Fired = null;
    }

    internal bool HasOutcome(string port)
    {
        if (SingleOutcome != null) return SingleOutcome == port;
        if (Outcomes == null) return false;
        foreach (var o in Outcomes)
            if (o == port) return true;
        return false;
    }

    internal IReadOnlyList<string> OutcomeList => SingleOutcome != null ? [SingleOutcome] : Outcomes ?? [];

    internal bool HasAnyOutcome => SingleOutcome != null || Outcomes is { Length: > 0 };

    /// <summary>The outcome a resume payload names: a string, or an object with an "outcome" property.</summary>
    public static string? OutcomeFromPayload(object? payload) => payload switch
    {
        string s when s.Length > 0 => s,
        JsonValue v when v.TryGetValue<string>(out var s) && s.Length > 0 => s,
        JsonObject o => (o["outcome"] ?? o["Outcome"]) is JsonValue ov && ov.TryGetValue<string>(out var os) ? os : null,
        IReadOnlyDictionary<string, object?> d => d.TryGetValue("outcome", out var dv) ? dv as string : null,
        _ => null,
    };
}
