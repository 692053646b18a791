using System.Text.Json.Nodes;
using Liaison.Server.Data;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Liaison.Workflows.Validation;

namespace Liaison.Server.Workflows;

/// <summary>
/// Carries out one kind of <see cref="IWorkflowEffect"/> inside the run's transaction. Handlers only add or change
/// tracked entities on <see cref="WorkflowEffectContext.Db"/>: no SaveChanges, no network. What they write commits
/// (or rolls back) with the run.
/// </summary>
public interface IWorkflowEffectHandler
{
    bool CanHandle(IWorkflowEffect effect);

    Task HandleAsync(WorkflowEffectContext context, IWorkflowEffect effect, CancellationToken ct);
}

/// <summary>What an effect handler sees of the run it belongs to.</summary>
public sealed class WorkflowEffectContext(LiaisonDbContext db, WorkflowInstanceRecord instance, RunContext runContext, RunResult run, TimeProvider clock)
{
    internal List<Incident> Incidents { get; } = [];

    public LiaisonDbContext Db { get; } = db;

    /// <summary>The instance as it will be saved (status and state already reflect the run).</summary>
    public WorkflowInstanceRecord Instance { get; } = instance;

    public RunContext RunContext { get; } = runContext;

    public RunResult Run { get; } = run;

    /// <summary>Records a problem against the instance (e.g. a recipient skipped) without faulting it.</summary>
    public void AddIncident(string? activityId, string message) =>
        Incidents.Add(new Incident(activityId, null, message, clock.GetUtcNow()));
}

/// <summary>
/// Builds the <see cref="RunContext"/> for a run whose caller supplied none (timers, API calls). The domain registers
/// one that loads the case by <see cref="WorkflowInstanceRecord.CorrelationId"/>.
/// </summary>
public interface IRunContextFactory
{
    Task<RunContext> CreateAsync(LiaisonDbContext db, WorkflowInstanceRecord instance, CancellationToken ct);

    /// <summary>
    /// Before several instances run in one transaction (a chunk of a timer sweep): read what their contexts will need
    /// for all of them at once, so that <see cref="CreateAsync(LiaisonDbContext, WorkflowInstanceRecord, CancellationToken)"/>
    /// and the effect handlers need no round trip of their own. The instances are locked already.
    /// </summary>
    Task PrepareAsync(LiaisonDbContext db, IReadOnlyCollection<WorkflowInstanceRecord> instances, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Before timers (<paramref name="bookmarkIds"/>) lock their instances, in the caller's transaction: lock the domain rows
    /// a person's action locks before it resumes an instance (for Liaison, the cases), in the same order. A timer's run
    /// writes those rows; had it locked its instance first, a person acting on the same case at that moment (case row
    /// locked, waiting for the instance) and the timer (instance locked, waiting for the case row) would each wait for the
    /// other until PostgreSQL aborted one.
    /// </summary>
    Task LockOwnersOfTimersAsync(LiaisonDbContext db, IReadOnlyCollection<string> bookmarkIds, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// The context of a designer "try it" run, which stores nothing: the caller's <paramref name="subject"/> (for
    /// Liaison, a case) laid over a built-in sample, or the sample alone when it is null.
    /// </summary>
    Task<TestRunContext> CreateForTestRunAsync(LiaisonDbContext db, JsonObject? subject, CancellationToken ct);
}

/// <summary>
/// What the domain needs of a workflow it starts by name, checked with the validator's own rules wherever a version is
/// validated (publish, the designer's check, the shipped files' import): for Liaison, a case's routing must dispatch.
/// </summary>
public interface IWorkflowRequirement
{
    IEnumerable<ValidationError> Check(WorkflowDefinition definition);
}

/// <summary>What a test run sees besides its definition and input, or why the caller's subject cannot be used.</summary>
public sealed class TestRunContext
{
    public RunContext Context { get; init; } = new();

    /// <summary>Mistakes in the caller's subject, by field (a 400: nothing runs).</summary>
    public IDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Which pending bookmarks resumeAll resumes; the others wait for a person's decision and stay pending.</summary>
    public Func<Bookmark, bool> Resumable { get; init; } = static _ => true;

    /// <summary>The subject as the run left it (the case, with the run's changes), shown with the result.</summary>
    public Func<JsonNode?> Describe { get; init; } = static () => null;

    /// <summary>The built-in sample was used because the caller sent no subject.</summary>
    public bool IsSample { get; init; }
}

/// <summary>The default: an empty context.</summary>
public sealed class EmptyRunContextFactory : IRunContextFactory
{
    public Task<RunContext> CreateAsync(LiaisonDbContext db, WorkflowInstanceRecord instance, CancellationToken ct) =>
        Task.FromResult(new RunContext());

    public Task<TestRunContext> CreateForTestRunAsync(LiaisonDbContext db, JsonObject? subject, CancellationToken ct) =>
        Task.FromResult(new TestRunContext());
}

public enum ResumeOutcome
{
    /// <summary>The bookmark was consumed and the run is saved (with the caller's transaction: once it commits).</summary>
    Resumed,

    /// <summary>The bookmark is not pending: already resumed (by a person, a timer or a duplicate request) or never existed. Nothing changed.</summary>
    AlreadyResumed,

    /// <summary>No such instance.</summary>
    InstanceNotFound,

    /// <summary>The instance is Finished, Faulted or Cancelled. Nothing changed.</summary>
    NotResumable,
}

/// <summary>What <see cref="WorkflowHost"/>.ResumeAsync did. Only <see cref="ResumeOutcome.Resumed"/> changed anything.</summary>
public sealed record ResumeResult(ResumeOutcome Outcome, WorkflowInstanceRecord? Instance, RunResult? Run, string? BookmarkId)
{
    public bool Resumed => Outcome == ResumeOutcome.Resumed;

    /// <summary>For callers that treat anything but a resume as an error.</summary>
    public ResumeResult EnsureResumed() => Outcome switch
    {
        ResumeOutcome.Resumed => this,
        ResumeOutcome.AlreadyResumed => throw new WorkflowAlreadyResumedException(Instance?.Id, BookmarkId),
        ResumeOutcome.InstanceNotFound => throw new WorkflowInstanceNotFoundException(Instance?.Id),
        _ => throw new WorkflowAlreadyResumedException(Instance?.Id, BookmarkId, Instance?.Status),
    };
}

/// <summary>The bookmark was already resumed (or the instance has ended); nothing was changed.</summary>
public sealed class WorkflowAlreadyResumedException(Guid? instanceId, string? bookmarkId, WorkflowStatus? status = null)
    : Exception(status is { } s
        ? $"Workflow instance '{instanceId}' is {s}; it waits for nothing."
        : $"Bookmark '{bookmarkId}' of workflow instance '{instanceId}' was already resumed or does not exist.")
{
    public Guid? InstanceId { get; } = instanceId;

    public string? BookmarkId { get; } = bookmarkId;
}

public sealed class WorkflowInstanceNotFoundException(Guid? instanceId)
    : Exception($"Workflow instance '{instanceId}' does not exist.")
{
    public Guid? InstanceId { get; } = instanceId;
}

/// <summary>StartAsync found no published version of the definition.</summary>
public sealed class WorkflowDefinitionNotFoundException(string definitionId)
    : Exception($"Workflow definition '{definitionId}' has no published version.")
{
    public string DefinitionId { get; } = definitionId;
}
