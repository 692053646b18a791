using System.Runtime.CompilerServices;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;

namespace Liaison.Workflows.Runtime;

/// <summary>
/// Runs workflow instances in memory. Pure: given a definition, the instance state and a resume request it returns
/// a <see cref="RunResult"/>; the host persists it. Thread-safe; one runner per application.
/// </summary>
public sealed class WorkflowRunner
{
    private readonly ConditionalWeakTable<WorkflowDefinition, PlanSet> _plans = new();

    public WorkflowRunner(ActivityRegistry registry, TimeProvider? clock = null, WorkflowRunnerOptions? options = null)
    {
        Registry = registry;
        Clock = clock ?? TimeProvider.System;
        Options = options ?? new WorkflowRunnerOptions();
    }

    public ActivityRegistry Registry { get; }
    public TimeProvider Clock { get; }
    public WorkflowRunnerOptions Options { get; }

    /// <summary>Compiles (and caches) the definition; throws <see cref="WorkflowDefinitionException"/> when it cannot run.</summary>
    public void Compile(WorkflowDefinition definition) => GetPlan(definition);

    /// <summary>Starts a new instance and runs it until every branch waits, it finishes, or it faults.</summary>
    /// <param name="triggerActivityId">The activity that triggered the run (e.g. an event with canStartWorkflow); null for the flowchart's own start.</param>
    public RunResult Start(WorkflowDefinition definition, IReadOnlyDictionary<string, object?>? input = null, RunContext? context = null,
        string? instanceId = null, string? triggerActivityId = null)
    {
        var run = WorkflowExecution.ForStart(GetPlan(definition, triggerActivityId), Clock, Options, context, input, instanceId);
        run.RunFromStart();
        return run.Finish();
    }

    /// <summary>Starts the child a run asked for (<see cref="RunResult.ChildStarts"/>): a workflow, or a structured activity's body.</summary>
    public RunResult StartChild(WorkflowDefinition definition, ChildWorkflowRequest request, RunContext? context = null)
    {
        var run = WorkflowExecution.ForStart(GetPlan(definition), Clock, Options, context, request.Input, request.ChildInstanceId, request.Depth,
            request.Variables, request.BodyPath);
        run.RunFromStart();
        return run.Finish();
    }

    /// <summary>
    /// Resumes the activity waiting on <paramref name="bookmarkId"/>; <paramref name="payload"/> reaches the activity
    /// (by default a string or {"outcome": …} chooses its outcome). The given state is not modified.
    /// </summary>
    /// <exception cref="BookmarkNotFoundException">No such pending bookmark (e.g. already resumed).</exception>
    /// <exception cref="WorkflowNotResumableException">The instance is Finished, Faulted or Cancelled.</exception>
    public RunResult Resume(WorkflowDefinition definition, WorkflowInstanceState state, string bookmarkId, object? payload = null, RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!string.IsNullOrEmpty(state.DefinitionId) && state.DefinitionId != definition.DefinitionId
            || state.DefinitionVersion != 0 && state.DefinitionVersion != definition.Version)
            throw new ArgumentException(
                $"Instance '{state.InstanceId}' runs definition '{state.DefinitionId}' v{state.DefinitionVersion}, not '{definition.DefinitionId}' v{definition.Version}.",
                nameof(definition));
        // Finished/faulted/cancelled instances hold no bookmarks, so a late duplicate lands here too.
        var bookmark = state.Bookmarks.Find(b => b.Id == bookmarkId) ?? throw new BookmarkNotFoundException(bookmarkId);
        if (state.Status is WorkflowStatus.Finished or WorkflowStatus.Faulted or WorkflowStatus.Cancelled)
            throw new WorkflowNotResumableException(state.InstanceId, state.Status);
        var run = WorkflowExecution.ForResume(GetPlan(definition, state.StartActivityId), state, Clock, Options, context);
        run.RunResume(bookmark, payload);
        return run.Finish();
    }

    /// <summary>
    /// Resumes several bookmarks of one instance in one run, in order (e.g. the children that finished in the same
    /// transaction that started them): one state read and one result instead of one per bookmark. A bookmark an earlier
    /// resume removed (a WaitAny cancelled it, the workflow ended) is skipped.
    /// </summary>
    public RunResult ResumeMany(WorkflowDefinition definition, WorkflowInstanceState state, IReadOnlyList<(string BookmarkId, object? Payload)> resumes,
        RunContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Status is WorkflowStatus.Finished or WorkflowStatus.Faulted or WorkflowStatus.Cancelled)
            throw new WorkflowNotResumableException(state.InstanceId, state.Status);
        var run = WorkflowExecution.ForResume(GetPlan(definition, state.StartActivityId), state, Clock, Options, context);
        foreach (var (bookmarkId, payload) in resumes)
        {
            if (run.Stopped) break;
            if (run.FindBookmark(bookmarkId) is { } bookmark) run.RunResume(bookmark, payload);
        }
        return run.Finish();
    }

    /// <summary>Cancels an instance: every bookmark is removed and the status becomes Cancelled.</summary>
    public RunResult Cancel(WorkflowInstanceState state)
    {
        var copy = state.Clone();
        var removed = copy.Bookmarks.Select(b => b.Id).ToList();
        copy.Bookmarks = [];
        copy.Status = WorkflowStatus.Cancelled;
        copy.UpdatedAt = Clock.GetUtcNow();
        return new RunResult
        {
            State = copy,
            Journal = [],
            NewBookmarks = [],
            RemovedBookmarkIds = removed,
            Effects = [],
            WriteLines = [],
            Incidents = [],
        };
    }

    private ExecutionPlan GetPlan(WorkflowDefinition definition, string? triggerActivityId = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        // Loops are classified relative to the start, so a triggered start needs its own plan.
        var set = _plans.GetValue(definition, static _ => new PlanSet());
        if (triggerActivityId == null)
            return set.Default ??= ExecutionPlan.Compile(definition, Registry);
        return set.Triggered.GetOrAdd(triggerActivityId, id => ExecutionPlan.Compile(definition, Registry, id));
    }

    private sealed class PlanSet
    {
        public ExecutionPlan? Default;
        public readonly System.Collections.Concurrent.ConcurrentDictionary<string, ExecutionPlan> Triggered = new(StringComparer.Ordinal);
    }
}
