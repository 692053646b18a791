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

    /// <summary>Something for the host to do after it commits the run (e.g. an outbox email).</summary>
    public void AddEffect(IWorkflowEffect effect) => _run.Effects.Add(effect);

    public void WriteLine(string? text) => _run.WriteLines.Add(text ?? "");

    /// <summary>Faults the instance with an incident naming this activity.</summary>
    public void Fault(string message) => FaultMessage = message;

    internal void Reset(PlanNode node)
    {
        Node = node;
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
