using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Liaison.Server.Workflows;

/// <summary>
/// Wakes the <see cref="WorkflowTimerPump"/> once a transaction that created timers has committed (the caller's or the
/// host's own), so a short timer fires on time; a rolled-back run wakes nothing. Timers need no job of their own: they
/// are rows with <c>resume_at</c>, which the pump and the minute sweep fire.
/// </summary>
public sealed class WorkflowTimerScheduler(WorkflowTimerPump pump) : DbTransactionInterceptor
{
    private readonly Lock _gate = new();

    // The earliest timer the current transaction created: all the pump needs to know.
    private DateTimeOffset? _earliest;
    private readonly List<Action> _onEnd = [];

    /// <summary>The scheduler attached to <paramref name="db"/>, if any (a DbContext built by hand has none).</summary>
    public static WorkflowTimerScheduler? For(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<WorkflowTimerScheduler>().FirstOrDefault();

    public void Add(DateTimeOffset resumeAt)
    {
        lock (_gate)
        {
            _earliest = _earliest is { } e && e <= resumeAt ? e : resumeAt;
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

    private void Flush()
    {
        DateTimeOffset earliest;
        lock (_gate)
        {
            if (_earliest is not { } e)
            {
                return;
            }

            earliest = e;
            _earliest = null;
        }

        // A deadline days away must not wake the pump on every case open: only a timer due before its next run does.
        pump.NudgeFor(earliest);
    }

    private void Clear()
    {
        lock (_gate)
        {
            _earliest = null;
        }
    }
}
