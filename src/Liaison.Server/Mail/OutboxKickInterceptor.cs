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
/// <remarks>
/// One instance for every DbContext (the DbContext options are built once, not per request): whether a context wrote
/// mail not yet committed is kept on the context (<see cref="LiaisonDbContext.MailPending"/>).
/// </remarks>
public sealed class OutboxKickInterceptor(OutboxPump pump)
    : SaveChangesInterceptor, IDbTransactionInterceptor
{
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
            Kick(eventData.Context);
        }

        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            Kick(eventData.Context);
        }

        return result;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Kick(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Kick(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    private static void Note(DbContext? context)
    {
        // Mail is only ever appended (Outbox.Add), never tracked.
        if (context is LiaisonDbContext { Appended: var rows } db && rows.Any<OutboxMessage>())
        {
            db.MailPending = true;
        }
    }

    private static void Forget(DbContext? context)
    {
        if (context is LiaisonDbContext db)
        {
            db.MailPending = false;
        }
    }

    private void Kick(DbContext? context)
    {
        if (context is not LiaisonDbContext { MailPending: true } db)
        {
            return;
        }

        db.MailPending = false;
        pump.Nudge();
    }
}
