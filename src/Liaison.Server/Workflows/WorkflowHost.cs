using System.Text.Json;
using System.Text.Json.Serialization;
using Liaison.Server.Data;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Workflows;

/// <summary>
/// The one way to start and resume workflow instances. Everything a run produces — instance state, bookmarks,
/// timers, journal, incidents, and what the effect handlers write (outbox mail, case changes) — is saved in ONE
/// transaction: the caller's when one is open (the host then does not commit), else its own.
/// Races are settled by the database: each run locks its instance row and consumes its bookmark row with a
/// delete that must hit exactly one row, so a bookmark resumes at most once.
/// </summary>
public sealed class WorkflowHost(
    WorkflowRunner runner,
    WorkflowDefinitionStore definitions,
    IEnumerable<IWorkflowEffectHandler> effectHandlers,
    IRunContextFactory contextFactory,
    WorkflowTimerPump timerPump,
    TimeProvider clock,
    ILogger<WorkflowHost> log)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly IWorkflowEffectHandler[] _handlers = effectHandlers.ToArray();

    /// <summary>
    /// Starts an instance of the latest published version of <paramref name="definitionId"/> and runs it until every
    /// branch waits, it finishes, or it faults (a fault is saved, not thrown).
    /// </summary>
    /// <param name="context">The run's context; null asks <see cref="IRunContextFactory"/>.</param>
    /// <param name="instanceId">The new instance's id, when the caller needs it before the run (to save it with its own rows); null: a new one.</param>
    /// <param name="parent">
    /// The instance the new one belongs under, as a child it did not wait for (a co-handler added to a running joint case
    /// joins its lead's, as those its dispatch started): cancelling the parent cancels it too. Null: a top-level instance.
    /// </param>
    /// <exception cref="WorkflowDefinitionNotFoundException">No published version.</exception>
    public async Task<WorkflowInstanceRecord> StartAsync(LiaisonDbContext db, string definitionId, IReadOnlyDictionary<string, object?> input,
        string? correlationId, RunContext? context, CancellationToken ct, Guid? instanceId = null, WorkflowInstanceRecord? parent = null)
    {
        // Cached: published versions never change, and a publish in this process invalidates the answer.
        var definition = await definitions.FindPublishedRunnableAsync(db, definitionId, ct) ?? throw new WorkflowDefinitionNotFoundException(definitionId);
        var now = clock.GetUtcNow();
        var instance = new WorkflowInstanceRecord
        {
            Id = instanceId ?? Guid.CreateVersion7(now),
            DefinitionId = definition.DefinitionId,
            DefinitionVersion = definition.Version,
            CorrelationId = correlationId,
            ParentInstanceId = parent?.Id,
            Depth = parent is null ? 0 : parent.Depth + 1,
            Status = WorkflowStatus.Running,
            State = "{}",
            CreatedAt = now,
            UpdatedAt = now,
        };

        var owns = db.Database.CurrentTransaction is null;
        await using var tx = owns ? await db.Database.BeginTransactionAsync(ct) : null;
        var tree = new TreeWork();
        await RunStartAsync(db, instance, definition, input, context, tree, ct);
        await CommitAsync(tx, ct);
        NudgeTimers(tree.Unscheduled);
        return instance;
    }

    /// <summary>Runs a new (top-level or child) instance from its start, saves it and carries on with what it asked for.</summary>
    private async Task RunStartAsync(LiaisonDbContext db, WorkflowInstanceRecord instance, WorkflowDefinition definition,
        IReadOnlyDictionary<string, object?> input, RunContext? context, TreeWork tree, CancellationToken ct, ChildWorkflowRequest? request = null)
    {
        context ??= await contextFactory.CreateAsync(db, instance, ct);
        RunResult run;
        try
        {
            run = request is null
                ? runner.Start(definition, input, context, instance.Id.ToString())
                : runner.StartChild(definition, request, context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Workflow {DefinitionId} v{Version} could not start", definition.DefinitionId, definition.Version);
            var now = clock.GetUtcNow();
            var state = new WorkflowInstanceState
            {
                InstanceId = instance.Id.ToString(),
                DefinitionId = definition.DefinitionId,
                DefinitionVersionId = definition.Id,
                DefinitionVersion = definition.Version,
                Depth = instance.Depth,
                CreatedAt = now,
                UpdatedAt = now,
            };
            run = FaultedRun(state, $"The workflow could not start: {ex.Message}");
        }

        tree.Unscheduled.AddRange(await SaveAsync(db, instance, isNew: true, run, context, ct, commitOwn: false));
        await ContinueTreeAsync(db, instance, run, tree, ct);
    }

    /// <summary>Resumes the bookmark <paramref name="bookmarkId"/> with <paramref name="payload"/> (the waiting activity decides the outcome).</summary>
    public Task<ResumeResult> ResumeAsync(LiaisonDbContext db, string bookmarkId, object? payload, CancellationToken ct) =>
        ResumeAsync(db, bookmarkId, payload, null, ct);

    /// <inheritdoc cref="ResumeAsync(LiaisonDbContext, string, object?, CancellationToken)"/>
    /// <param name="context">The run's context; null asks <see cref="IRunContextFactory"/>.</param>
    public Task<ResumeResult> ResumeAsync(LiaisonDbContext db, string bookmarkId, object? payload, RunContext? context, CancellationToken ct) =>
        // One statement finds the bookmark's instance and locks it; no row means the bookmark is gone (resumed already).
        ScheduleAfterAsync(tree => ResumeBookmarkAsync(db, bookmarkId, payload, context, tree, ct));

    /// <summary>
    /// The first step of firing a chunk of timers in the caller's transaction. It locks every instance the timers
    /// belong to, with their ancestors, in one statement, then consumes the timers still pending and due in another,
    /// and lets <see cref="IRunContextFactory.PrepareAsync"/> read what their runs will need, for all of them at once.
    /// The locks are taken by depth, then id: every tree root first, the order a single run keeps, after the domain's
    /// rows (<see cref="IRunContextFactory.LockOwnersOfTimersAsync"/>: the cases, which an action locks before its
    /// instance), so a chunk and a person's action on one of its cases take turns without deadlocking. Returns the consumed timers in the order
    /// given; resume each with <see cref="ResumeConsumedAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<ConsumedTimer>> ConsumeDueTimersAsync(LiaisonDbContext db, IReadOnlyList<string> bookmarkIds, DateTimeOffset now,
        CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Consumed timers must be resumed in the transaction that consumed them.");
        }

        var ids = bookmarkIds.ToArray();
        // The rows an action on the same case locks first (its case), first here too.
        await contextFactory.LockOwnersOfTimersAsync(db, ids, ct);
        // Tracked as they are read (cheaper than attaching each when its timer runs); a timer of a tree the chunk
        // already ran in reads its instance again.
        var locked = (await db.Set<WorkflowInstanceRecord>().FromSql($"""
            WITH RECURSIVE chain AS (
                SELECT w.id, w.parent_instance_id FROM workflow_instances w
                WHERE w.id IN (SELECT instance_id FROM workflow_bookmarks WHERE id = ANY({ids}))
                UNION
                SELECT p.id, p.parent_instance_id FROM workflow_instances p JOIN chain c ON p.id = c.parent_instance_id)
            SELECT i.*, i.xmin FROM workflow_instances i WHERE i.id IN (SELECT id FROM chain) ORDER BY i.depth, i.id FOR UPDATE OF i
            """).ToListAsync(ct)).ToDictionary(i => i.Id);
        if (locked.Count == 0)
        {
            return [];
        }

        // Never early (servers' clocks apart), and not at all once fired, resumed otherwise or cancelled.
        var consumed = (await db.Database.SqlQuery<ConsumedRow>($"""
                DELETE FROM workflow_bookmarks WHERE id = ANY({ids}) AND resume_at IS NOT NULL AND resume_at <= {now}
                RETURNING id, instance_id
                """).ToListAsync(ct))
            .ToDictionary(t => t.Id, t => t.InstanceId, StringComparer.Ordinal);

        // A run can change other instances of its tree (a parent it hands its end to, children it cancels): an instance
        // whose tree an earlier timer of the chunk ran in is read again when its turn comes, not taken as locked.
        Guid Root(WorkflowInstanceRecord i) => i.ParentInstanceId is { } parent && locked.TryGetValue(parent, out var p) ? Root(p) : i.Id;
        var trees = new HashSet<Guid>();
        var due = new List<ConsumedTimer>();
        foreach (var id in bookmarkIds.Where(consumed.ContainsKey))
        {
            var instance = locked[consumed[id]];
            due.Add(new ConsumedTimer(id, instance, Current: trees.Add(Root(instance))));
        }

        if (due.Count > 0)
        {
            await contextFactory.PrepareAsync(db, due.Select(t => t.Instance).Distinct().ToList(), ct);
        }

        return due;
    }

    private sealed record ConsumedRow(string Id, Guid InstanceId);

    /// <summary>A timer <see cref="ConsumeDueTimersAsync"/> consumed, and its instance as locked (current unless an earlier run of its tree followed).</summary>
    public sealed record ConsumedTimer(string BookmarkId, WorkflowInstanceRecord Instance, bool Current);

    /// <summary>
    /// Resumes a timer <see cref="ConsumeDueTimersAsync"/> consumed, in the same transaction, with its instance still
    /// locked. An earlier run in the transaction may have ended the instance or dropped the bookmark; nothing runs then.
    /// A run whose rows need nothing more (no child workflow to start, cancel or hand its end to) leaves them unsaved
    /// in the DbContext: the caller saves the chunk's rows at once (one batch, one change detection) before it commits.
    /// </summary>
    public Task<ResumeResult> ResumeConsumedAsync(LiaisonDbContext db, ConsumedTimer timer, CancellationToken ct) =>
        ScheduleAfterAsync(tree => ResumeLockedAsync(db, async () =>
            {
                if (timer.Current)
                {
                    // Tracked since the lock read it, unless the chunk cleared the DbContext since (untouched, it is still as read).
                    if (db.StateOf(timer.Instance) == EntityState.Detached)
                    {
                        db.Attach(timer.Instance);
                    }

                    return timer.Instance;
                }

                // An earlier run of its tree changed it, maybe unsaved: save what the chunk holds, and read it again.
                await db.SaveChangesAsync(ct);
                db.DiscardChanges();
                db.Attach(timer.Instance);
                await db.Entry(timer.Instance).ReloadAsync(ct);
                return timer.Instance;
            },
            new ResumeResult(ResumeOutcome.InstanceNotFound, null, null, null), _ => Task.FromResult<string?>(timer.BookmarkId), null, null, tree, ct,
            consumed: true));

    /// <summary>Runs one call into the host, then schedules the timers its runs created (when no transaction hook does).</summary>
    private async Task<T> ScheduleAfterAsync<T>(Func<TreeWork, Task<T>> work)
    {
        var tree = new TreeWork();
        var result = await work(tree);
        NudgeTimers(tree.Unscheduled);
        return result;
    }

    private Task<ResumeResult> ResumeBookmarkAsync(LiaisonDbContext db, string bookmarkId, object? payload, RunContext? context, TreeWork tree, CancellationToken ct) =>
        ResumeLockedAsync(db, async () =>
            {
                // A timer fired on its own (or any bookmark resumed by id): its case first, as an action locks it.
                await contextFactory.LockOwnersOfTimersAsync(db, [bookmarkId], ct);
                return await LockWithAncestorsAsync(db, null, bookmarkId, ct);
            },
            new ResumeResult(ResumeOutcome.AlreadyResumed, null, null, bookmarkId),
            _ => Task.FromResult<string?>(bookmarkId), payload, context, tree, ct);

    /// <summary>Resumes the instance's oldest pending bookmark of <paramref name="kind"/> (and <paramref name="key"/> when given), e.g. an Elsa.Event by name.</summary>
    public Task<ResumeResult> ResumeAsync(LiaisonDbContext db, Guid instanceId, string kind, string? key, object? payload, CancellationToken ct) =>
        ResumeAsync(db, instanceId, kind, key, payload, null, ct);

    /// <inheritdoc cref="ResumeAsync(LiaisonDbContext, Guid, string, string?, object?, CancellationToken)"/>
    public Task<ResumeResult> ResumeAsync(LiaisonDbContext db, Guid instanceId, string kind, string? key, object? payload, RunContext? context, CancellationToken ct) =>
        ScheduleAfterAsync(tree => ResumeLockedAsync(db, () => LockWithAncestorsAsync(db, instanceId, null, ct), new ResumeResult(ResumeOutcome.InstanceNotFound, null, null, null),
            locked => IsEnded(locked.Status)
            ? Task.FromResult<string?>(null)
            : db.Set<WorkflowBookmarkRecord>()
                .Where(b => b.InstanceId == locked.Id && b.Kind == kind && (key == null || b.Key == key))
                .OrderBy(b => b.CreatedAt).ThenBy(b => b.Id)
                .Select(b => b.Id)
                .FirstOrDefaultAsync(ct), payload, context, tree, ct));

    private async Task<ResumeResult> ResumeLockedAsync(LiaisonDbContext db, Func<Task<WorkflowInstanceRecord?>> lockInstance, ResumeResult notFound,
        Func<WorkflowInstanceRecord, Task<string?>> pickBookmark, object? payload, RunContext? context, TreeWork tree, CancellationToken ct,
        bool consumed = false)
    {
        var owns = db.Database.CurrentTransaction is null;
        await using var tx = owns ? await db.Database.BeginTransactionAsync(ct) : null;

        // Every run of an instance takes its row lock first, so runs of one instance take turns and never deadlock.
        var instance = await lockInstance();
        if (instance is null)
        {
            return notFound;
        }

        var bookmarkId = await pickBookmark(instance);
        if (bookmarkId is null)
        {
            return IsEnded(instance.Status)
                ? new ResumeResult(ResumeOutcome.NotResumable, instance, null, null)
                : new ResumeResult(ResumeOutcome.AlreadyResumed, instance, null, null);
        }

        // Consuming the row is the decision: after a racing resume commits, this deletes nothing.
        if (consumed ? IsEnded(instance.Status)
            : await db.Set<WorkflowBookmarkRecord>().Where(b => b.Id == bookmarkId && b.InstanceId == instance.Id).ExecuteDeleteAsync(ct) != 1)
        {
            return Nothing(instance, bookmarkId);
        }

        var state = WorkflowInstanceState.FromJson(instance.State);
        context ??= await contextFactory.CreateAsync(db, instance, ct);
        RunResult run;
        try
        {
            run = runner.Resume(await RunnableAsync(db, instance, state, ct), state, bookmarkId, payload, context);
        }
        catch (BookmarkNotFoundException)
        {
            // The row outlived the state's bookmark (should not happen); dropping it changes nothing that runs.
            await CommitAsync(tx, ct);
            return Nothing(instance, bookmarkId);
        }
        catch (WorkflowNotResumableException)
        {
            await CommitAsync(tx, ct);
            return Nothing(instance, bookmarkId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Workflow instance {InstanceId} could not resume bookmark {BookmarkId}", instance.Id, bookmarkId);
            run = FaultedRun(state, $"The workflow could not resume: {ex.Message}");
        }

        tree.Unscheduled.AddRange(await SaveAsync(db, instance, isNew: false, run, context, ct, commitOwn: false,
            consumedBookmarkIds: new HashSet<string>(StringComparer.Ordinal) { bookmarkId }, mayDefer: consumed));
        await ContinueTreeAsync(db, instance, run, tree, ct);
        await CommitAsync(tx, ct);
        return new ResumeResult(ResumeOutcome.Resumed, instance, run, bookmarkId);
    }

    /// <summary>
    /// Cancels a running instance (e.g. the officer cancelled the case): its bookmarks and timers are dropped in the
    /// caller's transaction. Returns false when the instance is missing or already ended.
    /// </summary>
    public async Task<bool> CancelAsync(LiaisonDbContext db, Guid instanceId, CancellationToken ct)
    {
        var owns = db.Database.CurrentTransaction is null;
        await using var tx = owns ? await db.Database.BeginTransactionAsync(ct) : null;
        var instance = await LockWithAncestorsAsync(db, instanceId, null, ct);
        if (instance is null || IsEnded(instance.Status))
        {
            return false;
        }

        var tree = new TreeWork();
        var run = runner.Cancel(WorkflowInstanceState.FromJson(instance.State));
        await SaveAsync(db, instance, isNew: false, run, new RunContext(), ct, commitOwn: false);
        await ContinueTreeAsync(db, instance, run, tree, ct);
        await CommitAsync(tx, ct);
        NudgeTimers(tree.Unscheduled);
        return true;
    }

    // ---- child workflows: every step runs in the transaction of the run that caused it

    /// <summary>
    /// What one call into the host does across a tree of instances: timers to schedule after commit, and children a
    /// later run cancelled before an earlier run's loop had started them (they are then not started at all).
    /// </summary>
    private sealed class TreeWork
    {
        public List<(string, DateTimeOffset)> Unscheduled { get; } = [];

        public HashSet<string> CancelledBeforeStart { get; } = new(StringComparer.Ordinal);

        /// <summary>Per parent starting its children: those that ended at once, to resume the parent with in one run.</summary>
        public Dictionary<Guid, List<(string BookmarkId, object? Payload)>> Batches { get; } = [];
    }

    /// <summary>
    /// After a run is saved: cancel the children it stopped waiting for (or all of them when it was cancelled), start
    /// the children it asked for, and when it has ended, resume the parent waiting for it. The parent is already
    /// locked: every run locks its instance's ancestors first, top-down, so two runs in one tree never deadlock.
    /// </summary>
    private async Task ContinueTreeAsync(LiaisonDbContext db, WorkflowInstanceRecord instance, RunResult run, TreeWork tree, CancellationToken ct)
    {
        foreach (var id in run.CancelledChildren)
        {
            if (!Guid.TryParse(id, out var childId) || !await CancelTreeAsync(db, childId, tree, ct))
            {
                tree.CancelledBeforeStart.Add(id);
            }
        }

        if (run.Status == WorkflowStatus.Cancelled)
        {
            await CancelChildrenAsync(db, instance.Id, tree, ct);
        }

        if (run.ChildStarts.Count > 0)
        {
            // Children that end at once are collected and resume this instance in one run after all have started:
            // a parent of 1,000 children reads and writes its state once, not 1,000 times.
            var batch = tree.Batches[instance.Id] = [];
            foreach (var request in run.ChildStarts)
            {
                if (!tree.CancelledBeforeStart.Contains(request.ChildInstanceId))
                {
                    await StartChildAsync(db, instance, request, tree, ct);
                }
            }

            tree.Batches.Remove(instance.Id);
            if (batch.Count > 0)
            {
                await ResumeBatchAsync(db, instance, batch, tree, ct);
            }
        }

        if (IsEnded(run.Status) && instance.ParentBookmarkId is { } parentBookmark)
        {
            await ResumeParentAsync(db, instance.ParentInstanceId!.Value, parentBookmark, ChildWorkflowResult.Of(run.State), tree, ct);
        }
    }

    /// <summary>Whether <see cref="ContinueTreeAsync"/> has anything to do after this run: children to cancel or start, a parent to resume.</summary>
    private static bool ContinuesInTree(WorkflowInstanceRecord instance, RunResult run) =>
        run.CancelledChildren.Count > 0 || run.Status == WorkflowStatus.Cancelled || run.ChildStarts.Count > 0
        || (IsEnded(run.Status) && instance.ParentBookmarkId is not null);

    /// <summary>Hands a child's end to its parent: into the batch when the parent is still starting children, else at once.</summary>
    private async Task ResumeParentAsync(LiaisonDbContext db, Guid parentId, string bookmarkId, ChildWorkflowResult result, TreeWork tree, CancellationToken ct)
    {
        if (tree.Batches.TryGetValue(parentId, out var batch))
        {
            batch.Add((bookmarkId, result));
            return;
        }

        // AlreadyResumed here means the parent stopped waiting meanwhile; nothing to do then.
        await ResumeBookmarkAsync(db, bookmarkId, result, null, tree, ct);
    }

    /// <summary>Resumes the instance (locked by this transaction already) with several children's results in one run.</summary>
    private async Task ResumeBatchAsync(LiaisonDbContext db, WorkflowInstanceRecord instance, List<(string BookmarkId, object? Payload)> batch, TreeWork tree,
        CancellationToken ct)
    {
        if (IsEnded(instance.Status))
        {
            return;
        }

        // Consuming the rows decides, as for a single resume: only the bookmarks this delete removed are resumed.
        var ids = batch.Select(b => b.BookmarkId).ToArray();
        var pending = (await db.Database.SqlQuery<string>(
                $"DELETE FROM workflow_bookmarks WHERE instance_id = {instance.Id} AND id = ANY({ids}) RETURNING id AS \"Value\"").ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var resumes = batch.Where(b => pending.Contains(b.BookmarkId)).ToList();
        if (resumes.Count == 0)
        {
            return;
        }

        var state = WorkflowInstanceState.FromJson(instance.State);
        var context = await contextFactory.CreateAsync(db, instance, ct);
        RunResult run;
        try
        {
            run = runner.ResumeMany(await RunnableAsync(db, instance, state, ct), state, resumes, context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Workflow instance {InstanceId} could not resume {Count} children's results", instance.Id, resumes.Count);
            run = FaultedRun(state, $"The workflow could not resume: {ex.Message}");
        }

        tree.Unscheduled.AddRange(await SaveAsync(db, instance, isNew: false, run, context, ct, commitOwn: false, consumedBookmarkIds: pending));
        await ContinueTreeAsync(db, instance, run, tree, ct);
    }

    private async Task StartChildAsync(LiaisonDbContext db, WorkflowInstanceRecord parent, ChildWorkflowRequest request, TreeWork tree, CancellationToken ct)
    {
        var definition = await ResolveChildAsync(db, request, ct);
        if (definition is null)
        {
            var message = $"Child workflow '{request.DefinitionId}' has no published version{(request.Version is { } v ? $" {v}" : "")}.";
            if (request.BookmarkId is not null)
            {
                await ResumeParentAsync(db, parent.Id, request.BookmarkId, ChildWorkflowResult.NotStarted(request.ChildInstanceId, message), tree, ct);
            }
            else
            {
                db.Append(new WorkflowIncidentRecord
                {
                    InstanceId = parent.Id, ActivityId = request.ParentActivityId, Message = message, At = clock.GetUtcNow(),
                });
                await db.SaveChangesAsync(ct);
            }

            return;
        }

        var now = clock.GetUtcNow();
        var child = new WorkflowInstanceRecord
        {
            Id = Guid.Parse(request.ChildInstanceId),
            DefinitionId = definition.DefinitionId,
            DefinitionVersion = definition.Version,
            CorrelationId = request.CorrelationId is { Length: > 0 and <= 200 } c ? c : parent.CorrelationId,
            ParentInstanceId = parent.Id,
            ParentActivityId = request.ParentActivityId,
            ParentBookmarkId = request.BookmarkId,
            Depth = request.Depth,
            Status = WorkflowStatus.Running,
            State = "{}",
            CreatedAt = now,
            UpdatedAt = now,
        };
        await RunStartAsync(db, child, definition, request.Input, null, tree, ct, request);
    }

    /// <summary>A body's own definition; else Elsa's order: the pinned version id, the pinned version, the published version.</summary>
    private async Task<WorkflowDefinition?> ResolveChildAsync(LiaisonDbContext db, ChildWorkflowRequest request, CancellationToken ct)
    {
        if (request.Body is { } body)
        {
            return body;
        }

        return (request.DefinitionVersionId is { } versionId ? await definitions.FindRunnableByVersionIdAsync(db, request.DefinitionId, versionId, ct) : null)
               ?? (request.Version is { } version ? await definitions.FindRunnableAsync(db, request.DefinitionId, version, ct) : null)
               ?? await definitions.FindPublishedRunnableAsync(db, request.DefinitionId, ct);
    }

    /// <summary>Cancels a child nobody waits for any more, and its descendants; its parent is not resumed. False: no such instance (yet).</summary>
    private async Task<bool> CancelTreeAsync(LiaisonDbContext db, Guid id, TreeWork tree, CancellationToken ct)
    {
        var child = await LockInstanceAsync(db, id, ct);
        if (child is null)
        {
            return false;
        }

        if (!IsEnded(child.Status))
        {
            var run = runner.Cancel(WorkflowInstanceState.FromJson(child.State));
            await SaveAsync(db, child, isNew: false, run, new RunContext(), ct, commitOwn: false);
            await CancelChildrenAsync(db, child.Id, tree, ct);
        }

        return true;
    }

    private async Task CancelChildrenAsync(LiaisonDbContext db, Guid parentId, TreeWork tree, CancellationToken ct)
    {
        var running = await db.Set<WorkflowInstanceRecord>()
            .Where(i => i.ParentInstanceId == parentId && (i.Status == WorkflowStatus.Running || i.Status == WorkflowStatus.Suspended))
            .OrderBy(i => i.Id)
            .Select(i => i.Id)
            .ToListAsync(ct);
        foreach (var id in running)
        {
            await CancelTreeAsync(db, id, tree, ct);
        }
    }

    /// <summary>Timers committed by a DbContext without the transaction hook: wake the timer pump ourselves.</summary>
    private void NudgeTimers(IReadOnlyCollection<(string, DateTimeOffset ResumeAt)> timers)
    {
        if (timers.Count > 0)
        {
            timerPump.NudgeFor(timers.Min(t => t.ResumeAt));
        }
    }

    /// <summary>A named bookmark that is gone was resumed already, whatever the instance's status now.</summary>
    private static ResumeResult Nothing(WorkflowInstanceRecord instance, string? bookmarkId) =>
        new(ResumeOutcome.AlreadyResumed, instance, null, bookmarkId);

    private static bool IsEnded(WorkflowStatus status) =>
        status is WorkflowStatus.Finished or WorkflowStatus.Faulted or WorkflowStatus.Cancelled;

    private static async Task CommitAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? tx, CancellationToken ct)
    {
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }
    }

    // xmin is a system column: SELECT * leaves it out.
    private static Task<WorkflowInstanceRecord?> LockInstanceAsync(LiaisonDbContext db, Guid id, CancellationToken ct) =>
        LockInstanceAsync(db, db.Set<WorkflowInstanceRecord>().FromSql($"SELECT *, xmin FROM workflow_instances WHERE id = {id} FOR UPDATE"), ct);

    /// <summary>The definition an instance runs: its pinned version, or the part of it a structured activity's body is.</summary>
    private async Task<WorkflowDefinition> RunnableAsync(LiaisonDbContext db, WorkflowInstanceRecord instance, WorkflowInstanceState state, CancellationToken ct)
    {
        // Cached: the pinned version was published, so it never changes.
        var definition = await definitions.FindRunnableAsync(db, instance.DefinitionId, instance.DefinitionVersion, ct)
            ?? throw new InvalidOperationException($"Definition '{instance.DefinitionId}' v{instance.DefinitionVersion} is missing.");
        return WorkflowBodies.Resolve(definition, state.BodyPath);
    }

    /// <summary>
    /// Locks an instance (given by id, or by one of its bookmarks) after its ancestors, root first, so runs anywhere in one
    /// tree take turns without deadlocks. Returns the instance itself, refreshed when the DbContext already tracked it;
    /// null when there is no such instance (or bookmark).
    /// </summary>
    private static async Task<WorkflowInstanceRecord?> LockWithAncestorsAsync(LiaisonDbContext db, Guid? instanceId, string? bookmarkId, CancellationToken ct)
    {
        var tracked = TrackedInstanceIds(db);
        var rows = await db.Set<WorkflowInstanceRecord>().FromSql($"""
            WITH RECURSIVE chain AS (
                SELECT w.id, w.parent_instance_id, 0 AS up FROM workflow_instances w
                WHERE w.id = coalesce(CAST({instanceId} AS uuid), (SELECT instance_id FROM workflow_bookmarks WHERE id = CAST({bookmarkId} AS text)))
                UNION ALL
                SELECT p.id, p.parent_instance_id, c.up + 1 FROM workflow_instances p JOIN chain c ON p.id = c.parent_instance_id)
            SELECT i.*, i.xmin FROM workflow_instances i JOIN chain c ON c.id = i.id ORDER BY c.up DESC FOR UPDATE OF i
            """).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return null;
        }

        var instance = rows[^1];
        if (tracked.Contains(instance.Id))
        {
            await db.Entry(instance).ReloadAsync(ct);
        }

        return instance;
    }

    /// <summary>The instances the DbContext tracks before a lock's read (which does not refresh them), without a change detection over all it holds.</summary>
    private static HashSet<Guid> TrackedInstanceIds(LiaisonDbContext db) =>
        db.ChangeTracker.WithoutDetection(() => db.ChangeTracker.Entries<WorkflowInstanceRecord>().Select(e => e.Entity.Id).ToHashSet());

    /// <summary>Runs a <c>SELECT *, xmin … FOR UPDATE</c> of one instance row; a row the DbContext already tracked is refreshed.</summary>
    private static async Task<WorkflowInstanceRecord?> LockInstanceAsync(LiaisonDbContext db, IQueryable<WorkflowInstanceRecord> locking, CancellationToken ct)
    {
        var tracked = TrackedInstanceIds(db);
        var instance = await locking.SingleOrDefaultAsync(ct);
        if (instance is not null && tracked.Contains(instance.Id))
        {
            // A tracked entity is not refreshed by a query; read the locked row's current values.
            await db.Entry(instance).ReloadAsync(ct);
        }

        return instance;
    }

    /// <summary>
    /// Adds the run's rows and the effect handlers' changes and saves them. Returns timers to schedule by hand (when
    /// the DbContext has no <see cref="WorkflowTimerScheduler"/>); with <paramref name="commitOwn"/> it also runs
    /// in (and commits) its own transaction when the caller has none, and schedules those itself.
    /// </summary>
    private async Task<List<(string, DateTimeOffset)>> SaveAsync(LiaisonDbContext db, WorkflowInstanceRecord instance, bool isNew, RunResult run,
        RunContext context, CancellationToken ct, bool commitOwn = true, IReadOnlySet<string>? consumedBookmarkIds = null, bool mayDefer = false)
    {
        if (commitOwn && db.Database.CurrentTransaction is null)
        {
            List<(string, DateTimeOffset)> unscheduled;
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                unscheduled = await SaveAsync(db, instance, isNew, run, context, ct, commitOwn: false, consumedBookmarkIds);
                await tx.CommitAsync(ct);
            }

            NudgeTimers(unscheduled);
            return [];
        }

        var now = clock.GetUtcNow();
        var state = run.State;
        instance.Status = run.Status;
        instance.Name = state.Name is { Length: > 200 } name ? name[..200] : state.Name;
        if (state.CorrelationId is { Length: > 0 and <= 200 } correlationId)
        {
            instance.CorrelationId = correlationId;
        }

        instance.UpdatedAt = now;
        if (IsEnded(run.Status))
        {
            instance.FinishedAt ??= now;
        }

        // Effects of a run that later faulted still happened (Elsa sends the mail too).
        var effects = new WorkflowEffectContext(db, instance, context, run, clock);
        foreach (var effect in run.Effects)
        {
            var handled = false;
            foreach (var handler in _handlers)
            {
                if (handler.CanHandle(effect))
                {
                    handled = true;
                    await handler.HandleAsync(effects, effect, ct);
                }
            }

            if (!handled)
            {
                effects.AddIncident(effect.ActivityId, $"Nothing handles the effect {effect.GetType().Name}; it was dropped.");
            }
        }

        state.Incidents.AddRange(effects.Incidents);
        instance.State = state.ToJson();
        if (isNew)
        {
            db.Set<WorkflowInstanceRecord>().Add(instance);
        }

        // The resumed bookmark's row is already gone (consuming it decided the race): skip a delete that finds nothing.
        var removed = run.RemovedBookmarkIds.Where(id => consumedBookmarkIds?.Contains(id) != true).ToList();
        if (removed.Count > 0)
        {
            await db.Set<WorkflowBookmarkRecord>().Where(b => b.InstanceId == instance.Id && removed.Contains(b.Id)).ExecuteDeleteAsync(ct);
        }

        // Rows only ever inserted here (bookmarks are consumed by ExecuteDelete): appended, never tracked, so a run that
        // starts many children does not make every later SaveChanges scan them all again.
        foreach (var b in run.NewBookmarks)
        {
            db.Append(new WorkflowBookmarkRecord
            {
                Id = b.Id,
                InstanceId = instance.Id,
                ActivityId = b.ActivityId,
                Kind = b.Kind,
                Key = b.Key,
                ResumeAt = b.ResumeAt,
                Payload = b.Payload?.ToJsonString(),
                CreatedAt = b.CreatedAt,
            });
        }

        foreach (var j in run.Journal)
        {
            db.Append(new WorkflowJournalRecord
            {
                InstanceId = instance.Id,
                Sequence = j.Sequence,
                ActivityId = j.ActivityId,
                ActivityType = j.ActivityType,
                Kind = j.Kind,
                Inputs = SerializeInputs(j.Inputs),
                Outcomes = [.. j.Outcomes],
                At = j.At,
            });
        }

        foreach (var i in run.Incidents.Concat(effects.Incidents))
        {
            db.Append(new WorkflowIncidentRecord
            {
                InstanceId = instance.Id,
                ActivityId = i.ActivityId,
                ActivityType = i.ActivityType,
                Message = i.Message,
                At = i.At,
            });
        }

        // A timer of a sweep's chunk whose run asks nothing of other instances: the chunk saves its rows with the others'.
        if (!mayDefer || ContinuesInTree(instance, run))
        {
            await db.SaveChangesAsync(ct);
        }

        var timers = run.NewBookmarks.Where(b => b.ResumeAt is not null).Select(b => (b.Id, b.ResumeAt!.Value)).ToList();
        if (timers.Count == 0)
        {
            return [];
        }

        if (WorkflowTimerScheduler.For(db) is { } scheduler)
        {
            foreach (var (_, at) in timers)
            {
                scheduler.Add(at);
            }

            return [];
        }

        return timers;
    }

    /// <summary>Inputs as JSON; a value that cannot be serialised is written as its text rather than failing the run.</summary>
    internal static string SerializeInputs(IReadOnlyDictionary<string, object?> inputs)
    {
        try
        {
            return JsonSerializer.Serialize(inputs, Json);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return JsonSerializer.Serialize(inputs.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString()), Json);
        }
    }

    /// <summary>A run that could not execute at all (e.g. a definition the engine cannot compile): the instance faults.</summary>
    private RunResult FaultedRun(WorkflowInstanceState state, string message)
    {
        var now = clock.GetUtcNow();
        var incident = new Incident(null, null, message, now);
        var removed = state.Bookmarks.Select(b => b.Id).ToList();
        state.Bookmarks = [];
        state.Status = WorkflowStatus.Faulted;
        state.UpdatedAt = now;
        state.Incidents.Add(incident);
        return new RunResult
        {
            State = state,
            Journal = [],
            NewBookmarks = [],
            RemovedBookmarkIds = removed,
            Effects = [],
            WriteLines = [],
            Incidents = [incident],
        };
    }
}
