using Liaison.Server.Audit;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Mail;

/// <summary>
/// An admin sends refused mail again (the recipient's server was fixed, the address corrected): the row goes back to
/// pending, due now, with its Message-ID unchanged, so a copy that did arrive threads as the same mail.
/// Only failed rows move; a sent or pending row is left alone.
/// </summary>
public static class OutboxRetry
{
    public enum Outcome
    {
        Queued,
        NotFound,
        NotFailed,
    }

    public static async Task<(Outcome Outcome, OutboxMessage? Row)> RetryAsync(LiaisonDbContext db, TimeProvider clock, Guid id, Actor actor, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await RequeueAsync(db.Outbox.Where(m => m.Id == id), clock, ct);
        var row = await db.Outbox.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        await LogAsync(db, clock, actor, row?.ToAddress ?? id.ToString(), moved, ct);
        await tx.CommitAsync(ct);
        return (row is null ? Outcome.NotFound : moved == 1 ? Outcome.Queued : Outcome.NotFailed, row);
    }

    /// <returns>How many failed mails were queued again.</returns>
    public static async Task<int> RetryAllFailedAsync(LiaisonDbContext db, TimeProvider clock, Actor actor, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await RequeueAsync(db.Outbox, clock, ct);
        await LogAsync(db, clock, actor, "*", moved, ct);
        await tx.CommitAsync(ct);
        return moved;
    }

    private static Task<int> RequeueAsync(IQueryable<OutboxMessage> rows, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return rows.Where(m => m.Status == OutboxStatus.Failed).ExecuteUpdateAsync(u => u
            .SetProperty(m => m.Status, OutboxStatus.Pending)
            .SetProperty(m => m.NextAttemptAt, now), ct);
    }

    /// <summary>A retry that queued nothing (the mail was not failed) changed nothing, so it is not logged.</summary>
    private static async Task LogAsync(LiaisonDbContext db, TimeProvider clock, Actor actor, string subject, int moved, CancellationToken ct)
    {
        if (moved > 0)
        {
            AuditLog.Add(db, clock, actor, AuditActions.MailRetried, subject, new AuditChanges().Field("mails", null, moved));
            await db.SaveChangesAsync(ct);
        }
    }
}
