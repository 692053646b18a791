using System.Data.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Liaison.Server.Workflows;

/// <summary>
/// Wakes the <see cref="WorkflowTimerPump"/> once a transaction that created timers has committed (the caller's or the
/// host's own), so a short timer fires on time; a rolled-back run wakes nothing. Timers need no job of their own: they
/// are rows with <c>resume_at</c>, which the pump and the minute sweep fire.
/// </summary>
/// <remarks>
/// One instance for every DbContext (the DbContext options are built once, not per request); what a context's current
/// transaction scheduled is kept on the context (<see cref="TransactionTimers"/>, <see cref="LiaisonDbContext.Timers"/>).
/// </remarks>
public sealed class WorkflowTimerScheduler(WorkflowTimerPump pump) : DbTransactionInterceptor
{
    /// <summary>
    /// What <paramref name="db"/>'s current transaction schedules, if a scheduler is attached to it (a DbContext built by
    /// hand has none: its caller schedules by hand).
    /// </summary>
    public static TransactionTimers? For(DbContext db) =>
        db is LiaisonDbContext context && Attached(context) ? context.Timers : null;

    private static bool Attached(LiaisonDbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<WorkflowTimerScheduler>().Any() == true;

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is LiaisonDbContext db && db.Timers.TakeEarliest() is { } earliest)
        {
            // A deadline days away must not wake the pump on every case open: only a timer due before its next run does.
            pump.NudgeFor(earliest);
        }

        Ended(eventData.Context);
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        (eventData.Context as LiaisonDbContext)?.Timers.TakeEarliest();
        Ended(eventData.Context);
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    private static void Ended(DbContext? context)
    {
        if (context is LiaisonDbContext db)
        {
            db.Timers.RunEnded();
        }
    }
}

/// <summary>The earliest timer a DbContext's current transaction created, and what runs when that transaction ends.</summary>
public sealed class TransactionTimers
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _earliest;
    private readonly List<Action> _onEnd = [];

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
        lock (_gate)
        {
            _onEnd.Add(action);
        }
    }

    /// <summary>The earliest timer scheduled since the last call, and forgets it.</summary>
    internal DateTimeOffset? TakeEarliest()
    {
        lock (_gate)
        {
            var earliest = _earliest;
            _earliest = null;
            return earliest;
        }
    }

    internal void RunEnded()
    {
        Action[] actions;
        lock (_gate)
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
}
