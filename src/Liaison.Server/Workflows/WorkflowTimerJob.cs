using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Workflows;

/// <summary>
/// Fires due timers from <c>workflow_bookmarks</c>: the <see cref="WorkflowTimerPump"/> calls the sweep as timers fall
/// due, and Hangfire every minute as a safety net. A sweep claims a batch of due timers (<c>FOR UPDATE SKIP LOCKED</c>,
/// then <c>claimed_until</c>), so processes sweeping at once share the work instead of repeating it; firing resumes
/// each bookmark through <see cref="WorkflowHost"/>, which consumes it at most once, so a timer fires exactly once.
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

        var result = await scope.ServiceProvider.GetRequiredService<WorkflowHost>().ResumeAsync(db, bookmarkId, null, ct);
        return result.Resumed;
    }

    /// <summary>
    /// Timers of one claimed batch fired at once. Each fires in its own transaction; timers of one workflow tree
    /// queue on its row locks (taken root first, so they cannot deadlock), others overlap their round trips.
    /// </summary>
    public const int SweepParallelism = 4;

    /// <summary>Fires every due timer (each in its own transaction), a claimed batch at a time; returns how many this call resumed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var fired = 0;
        while (!ct.IsCancellationRequested)
        {
            var due = await ClaimAsync(ct);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = SweepParallelism, CancellationToken = ct }, async (id, token) =>
            {
                try
                {
                    if (await FireAsync(id, token))
                    {
                        Interlocked.Increment(ref fired);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One broken instance must not hold up the others; its claim lapses and a later sweep retries it.
                    log.LogError(ex, "Firing workflow timer {BookmarkId} failed", id);
                }
            });

            if (due.Count < SweepBatch)
            {
                break;
            }
        }

        return fired;
    }

    /// <summary>Claims up to <see cref="SweepBatch"/> due timers nobody else holds (one short transaction).</summary>
    private async Task<List<string>> ClaimAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        var now = clock.GetUtcNow();
        var until = now + ClaimFor;
        return await db.Database.SqlQuery<string>($"""
            UPDATE workflow_bookmarks SET claimed_until = {until}
            WHERE id IN (
                SELECT id FROM workflow_bookmarks
                WHERE resume_at IS NOT NULL AND resume_at <= {now} AND (claimed_until IS NULL OR claimed_until < {now})
                ORDER BY resume_at
                LIMIT {SweepBatch}
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
    }
}
