using System.Data.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Liaison.Server.Mail;

/// <summary>
/// Wakes the <see cref="OutboxPump"/> once a change that wrote mail has committed, so mail leaves promptly without a job
/// per mail. A process that runs no pump (web only) leaves its mail to the pumps of the job processes, which see it
/// within their poll interval; the minute relay job is the last safety net.
/// </summary>
public sealed class OutboxKickInterceptor(OutboxPump pump)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private bool _pending;

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            Kick();
        }

        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            Kick();
        }

        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Kick();
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Kick();

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _pending = false;
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _pending = false;

    private void Note(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        // Mail is only ever appended (Outbox.Add), never tracked.
        _pending |= context is LiaisonDbContext { Appended: var rows } && rows.Any<OutboxMessage>();
    }

    private void Kick()
    {
        if (!_pending)
        {
            return;
        }

        _pending = false;
        pump.Nudge();
    }
}
