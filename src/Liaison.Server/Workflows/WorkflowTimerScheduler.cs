using System.Data.Common;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Liaison.Server.Workflows;

/// <summary>
/// Schedules a Hangfire delayed job for each new timer once the transaction that created it has committed (the
/// caller's or the host's own). A job lost to a crash only delays the timer until the minute sweep; a job for a
/// rolled-back run is never scheduled.
/// </summary>
public sealed class WorkflowTimerScheduler(IBackgroundJobClient jobs, ILogger<WorkflowTimerScheduler> log) : DbTransactionInterceptor
{
    private readonly List<(string BookmarkId, DateTimeOffset ResumeAt)> _pending = [];
    private readonly List<Action> _onEnd = [];

    /// <summary>The scheduler attached to <paramref name="db"/>, if any (a DbContext built by hand has none).</summary>
    public static WorkflowTimerScheduler? For(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<WorkflowTimerScheduler>().FirstOrDefault();

    public void Add(string bookmarkId, DateTimeOffset resumeAt)
    {
        lock (_pending)
        {
            _pending.Add((bookmarkId, resumeAt));
        }
    }

    /// <summary>Runs <paramref name="action"/> once the current transaction has committed or rolled back (e.g. a cache invalidation).</summary>
    public void OnTransactionEnd(Action action)
    {
        lock (_onEnd)
        {
            _onEnd.Add(action);
        }
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        Flush();
        Ended();
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        Clear();
        Ended();
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    private void Ended()
    {
        Action[] actions;
        lock (_onEnd)
        {
            if (_onEnd.Count == 0)
            {
                return;
            }

            actions = [.. _onEnd];
            _onEnd.Clear();
        }

        foreach (var action in actions)
        {
            action();
        }
    }

    /// <summary>Schedules the timers of a run committed without this interceptor's knowledge.</summary>
    internal static void Schedule(IBackgroundJobClient jobs, ILogger log, IEnumerable<(string BookmarkId, DateTimeOffset ResumeAt)> timers)
    {
        foreach (var (id, at) in timers)
        {
            try
            {
                jobs.Schedule<WorkflowTimerJob>(j => j.FireAsync(id, CancellationToken.None), at);
            }
            catch (Exception ex)
            {
                // The timer row is committed; the sweep fires it.
                log.LogWarning(ex, "Could not schedule workflow timer {BookmarkId}; the sweep will fire it", id);
            }
        }
    }

    private void Flush()
    {
        List<(string, DateTimeOffset)> timers;
        lock (_pending)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            timers = [.. _pending];
            _pending.Clear();
        }

        Schedule(jobs, log, timers);
    }

    private void Clear()
    {
        lock (_pending)
        {
            _pending.Clear();
        }
    }
}
