using Hangfire;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Workflows;

/// <summary>
/// Hangfire entry points for timers: one delayed job per timer, plus a sweep every minute for timers whose job was
/// lost or that fell due while no server ran. Both are safe to run twice: firing resumes the bookmark through
/// <see cref="WorkflowHost"/>, which consumes it at most once.
/// </summary>
public sealed class WorkflowTimerJob(IServiceScopeFactory scopes, IBackgroundJobClient jobs, TimeProvider clock, ILogger<WorkflowTimerJob> log)
{
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
            // Run early (servers' clocks apart): never fire early; try again when due (the sweep is the fallback).
            WorkflowTimerScheduler.Schedule(jobs, log, [(bookmarkId, resumeAt.Value)]);
            return false;
        }

        var result = await scope.ServiceProvider.GetRequiredService<WorkflowHost>().ResumeAsync(db, bookmarkId, null, ct);
        return result.Resumed;
    }

    /// <summary>Fires every due timer (each in its own transaction); returns how many this call resumed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        List<string> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            var now = clock.GetUtcNow();
            due = await db.Set<WorkflowBookmarkRecord>()
                .Where(b => b.ResumeAt != null && b.ResumeAt <= now)
                .OrderBy(b => b.ResumeAt)
                .Select(b => b.Id)
                .Take(SweepBatch)
                .ToListAsync(ct);
        }

        var fired = 0;
        foreach (var id in due)
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
                // One broken instance must not hold up the others; it is retried at the next sweep.
                log.LogError(ex, "Firing workflow timer {BookmarkId} failed", id);
            }
        }

        return fired;
    }
}
