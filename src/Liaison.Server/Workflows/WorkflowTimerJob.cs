using System.Threading.Channels;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Workflows;

/// <summary>
/// Fires due timers from <c>workflow_bookmarks</c>: the <see cref="WorkflowTimerPump"/> calls the sweep as timers fall
/// due, and Hangfire every minute as a safety net. A sweep claims a batch of due timers (<c>FOR UPDATE SKIP LOCKED</c>,
/// then <c>claimed_until</c>), so processes sweeping at once share the work instead of repeating it; firing resumes
/// each bookmark through <see cref="WorkflowHost"/>, which consumes it at most once, so a timer fires exactly once.
/// A claimed batch is fired in chunks, a transaction each (<see cref="FireChunkAsync"/>).
/// </summary>
public sealed class WorkflowTimerJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<WorkflowTimerJob> log)
{
    /// <summary>How long a claim keeps other sweeps off a timer (then a crashed sweeper's timers are taken over).</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);

    public const string SweepRecurringId = "workflow-timer-sweep";

    /// <summary>Most timers one sweep fires; the next sweep continues.</summary>
    public const int SweepBatch = 500;

    /// <summary>Fires one timer if it is still pending and due; returns whether this call resumed it.</summary>
    public async Task<bool> FireAsync(string bookmarkId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        var resumeAt = await db.Set<WorkflowBookmarkRecord>().Where(b => b.Id == bookmarkId).Select(b => b.ResumeAt).FirstOrDefaultAsync(ct);
        if (resumeAt is null)
        {
            // Already fired, resumed otherwise, or cancelled.
            return false;
        }

        if (resumeAt > clock.GetUtcNow())
        {
            // Never early (servers' clocks apart): a sweep fires it when due.
            return false;
        }

        // A failed statement fails the whole fire (its transaction rolls back): a savepoint per SaveChanges buys nothing.
        db.Database.AutoSavepointsEnabled = false;
        var result = await scope.ServiceProvider.GetRequiredService<WorkflowHost>().ResumeAsync(db, bookmarkId, null, ct);
        return result.Resumed;
    }

    /// <summary>
    /// When the next timer that no sweep holds falls due (null: none). A timer another sweep has claimed is that sweep's
    /// to fire. Counted as due now, it made the pump sweep again at once, and again, for as long as the other sweep
    /// took, or for the claim's whole <see cref="ClaimFor"/> when that timer's run kept failing. A claim that lapses is
    /// found by the pump's poll or the minute sweep. The partial index on <c>resume_at</c> answers this from its front.
    /// </summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        var now = clock.GetUtcNow();
        return await db.Set<WorkflowBookmarkRecord>()
            .Where(b => b.ResumeAt != null && (b.ClaimedUntil == null || b.ClaimedUntil < now))
            .MinAsync(b => b.ResumeAt, ct);
    }

    /// <summary>
    /// Chunks of one claimed batch fired at once. Each chunk is one transaction; chunks hold whole workflow trees (the
    /// timers of one instance and of a parent and its children go in one chunk), so chunks running at once do not
    /// queue on each other's row locks.
    /// </summary>
    public const int SweepParallelism = 4;

    /// <summary>
    /// Timers fired in one transaction: one commit (one fsync) and one due check for all of them instead of one each,
    /// and the scope's caches (department and officer names, the run context's departments) shared. It bounds how long
    /// a chunk holds the row locks of its instances (a person acting on one of those cases waits that long at most:
    /// about 0.1 s on two cores). 50 rather than 25: PostgreSQL's CPU per timer 0.50–0.54 → 0.44–0.46 ms (bench/RESULTS.md (g)).
    /// </summary>
    public const int ChunkSize = 50;

    /// <summary>
    /// Fires every due timer, a claimed batch at a time, in chunks of <see cref="ChunkSize"/>, <see cref="SweepParallelism"/>
    /// chunks at once; returns how many this call resumed. The next batch is claimed while the last chunks of the one
    /// before still run (the chunks wait in a queue a few long), so the workers never idle between batches.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var fired = 0;
        var queue = Channel.CreateBounded<List<string>>(SweepParallelism);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var claiming = ClaimIntoAsync(queue.Writer, stop.Token);
        try
        {
            await Parallel.ForEachAsync(queue.Reader.ReadAllAsync(ct), new ParallelOptions { MaxDegreeOfParallelism = SweepParallelism, CancellationToken = ct },
                async (chunk, token) => Interlocked.Add(ref fired, await FireChunkAsync(chunk, token)));
        }
        finally
        {
            // Normally the claimer has finished (the queue completes only then); if the workers stopped early, it stops
            // too, and the timers it claimed but did not queue are taken over when their claim lapses.
            await stop.CancelAsync();
            try
            {
                await claiming;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }

        return fired;
    }

    /// <summary>Claims batches and queues their chunks until a batch comes back short; completes the queue (with the error, if any).</summary>
    private async Task ClaimIntoAsync(ChannelWriter<List<string>> queue, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var due = await ClaimAsync(ct);
                foreach (var chunk in Chunks(due, ChunkSize))
                {
                    await queue.WriteAsync(chunk, ct);
                }

                if (due.Count < SweepBatch)
                {
                    break;
                }
            }

            queue.TryComplete();
        }
        catch (Exception ex)
        {
            queue.TryComplete(ex);
            throw;
        }
    }

    /// <summary>
    /// Fires the timers of one chunk in one transaction, in order, each through <see cref="WorkflowHost"/> exactly as
    /// <see cref="FireAsync"/> does. If anything fails, the whole transaction rolls back (nothing of the chunk was
    /// consumed) and its timers are fired one by one in their own transactions, so one broken timer neither blocks
    /// nor loses the others, and none fires twice. Returns how many this call resumed.
    /// </summary>
    public async Task<int> FireChunkAsync(IReadOnlyList<string> bookmarkIds, CancellationToken ct)
    {
        if (bookmarkIds.Count == 1)
        {
            return await FireOneByOneAsync(bookmarkIds, ct);
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            var host = scope.ServiceProvider.GetRequiredService<WorkflowHost>();
            // A failed statement fails the chunk, which is then fired one by one: a savepoint per SaveChanges buys nothing.
            db.Database.AutoSavepointsEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Locks the chunk's instances, consumes its due timers and reads what their runs need, a statement each.
            var fired = 0;
            foreach (var timer in await host.ConsumeDueTimersAsync(db, bookmarkIds, clock.GetUtcNow(), ct))
            {
                if ((await host.ResumeConsumedAsync(db, timer, ct)).Resumed)
                {
                    fired++;
                }
            }

            // The runs that left their rows unsaved: one batch for the chunk.
            await db.SaveChangesAsync(ct);

            await tx.CommitAsync(ct);
            return fired;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "A chunk of {Count} workflow timers failed and was rolled back; firing them one by one", bookmarkIds.Count);
            return await FireOneByOneAsync(bookmarkIds, ct);
        }
    }

    private async Task<int> FireOneByOneAsync(IReadOnlyList<string> bookmarkIds, CancellationToken ct)
    {
        var fired = 0;
        foreach (var id in bookmarkIds)
        {
            try
            {
                if (await FireAsync(id, ct))
                {
                    fired++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken instance must not hold up the others; its claim lapses and a later sweep retries it.
                log.LogError(ex, "Firing workflow timer {BookmarkId} failed", id);
            }
        }

        return fired;
    }

    /// <summary>Splits a claimed batch into chunks of about <paramref name="size"/> timers, each tree's timers in one chunk, in claim order.</summary>
    internal static List<List<string>> Chunks(IReadOnlyList<ClaimedTimer> claimed, int size)
    {
        var chunks = new List<List<string>>();
        foreach (var tree in claimed.GroupBy(t => t.Tree))
        {
            if (chunks.Count == 0 || chunks[^1].Count >= size)
            {
                chunks.Add([]);
            }

            chunks[^1].AddRange(tree.Select(t => t.Id));
        }

        return chunks;
    }

    /// <summary>A claimed timer and the root of its instance's tree (the instance, or its parent).</summary>
    internal sealed record ClaimedTimer(string Id, Guid Tree);

    /// <summary>Claims up to <see cref="SweepBatch"/> due timers nobody else holds (one short transaction).</summary>
    private async Task<List<ClaimedTimer>> ClaimAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        var now = clock.GetUtcNow();
        var until = now + ClaimFor;
        return await db.Database.SqlQuery<ClaimedTimer>($"""
            UPDATE workflow_bookmarks b SET claimed_until = {until}
            WHERE b.id IN (
                SELECT id FROM workflow_bookmarks
                WHERE resume_at IS NOT NULL AND resume_at <= {now} AND (claimed_until IS NULL OR claimed_until < {now})
                ORDER BY resume_at
                LIMIT {SweepBatch}
                FOR UPDATE SKIP LOCKED)
            RETURNING b.id, coalesce((SELECT i.parent_instance_id FROM workflow_instances i WHERE i.id = b.instance_id), b.instance_id) AS tree
            """).ToListAsync(ct);
    }
}
