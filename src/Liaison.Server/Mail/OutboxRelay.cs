using System.Net.Sockets;
using Liaison.Server.Data;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Liaison.Server.Mail;

/// <summary>
/// Sends due outbox rows. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c> inside a transaction, so several
/// relays (jobs, server instances) never send the same row; a row is marked sent in the same transaction, so a
/// crash after the SMTP server accepted it resends it once, with the same Message-ID.
/// </summary>
public sealed class OutboxRelay(
    LiaisonDbContext db,
    IMailTransport transport,
    IOptions<SmtpOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay> log)
{
    public async Task<RelayReport> RelayDueAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        var report = new RelayReport();
        while (!ct.IsCancellationRequested)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var batch = await db.Outbox
                .FromSql($"""
                    SELECT * FROM mail_outbox
                    WHERE status = 'Pending' AND next_attempt_at <= {now}
                    ORDER BY created_at, id
                    LIMIT {o.BatchSize}
                    FOR UPDATE SKIP LOCKED
                    """)
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                // Read in this (rolled back, so not counted as a commit) transaction: when the next retry falls due.
                report.NextDueAt = await db.Outbox.Where(m => m.Status == OutboxStatus.Pending)
                    .MinAsync(m => (DateTimeOffset?)m.NextAttemptAt, ct);
                break;
            }

            var connectionBroken = await SendBatchAsync(batch, report, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            if (connectionBroken || batch.Count < o.BatchSize)
            {
                break;
            }
        }

        return report;
    }

    /// <returns>True when the connection failed and the rest of the due rows should wait for the next run.</returns>
    private async Task<bool> SendBatchAsync(List<OutboxMessage> batch, RelayReport report, CancellationToken ct)
    {
        IMailSession session;
        try
        {
            session = await transport.OpenAsync(ct);
        }
        catch (Exception ex) when (IsConnectionError(ex) || ex is SmtpCommandException { StatusCode: < (SmtpStatusCode)500 })
        {
            log.LogWarning(ex, "SMTP connection failed; {Count} mails wait for a retry", batch.Count);
            foreach (var row in batch)
            {
                Retry(row, null, ex.Message, report);
            }

            return true;
        }

        await using (session)
        {
            foreach (var row in batch)
            {
                try
                {
                    await session.SendAsync(MailMessageFactory.Build(row, options.Value), ct);
                    row.Status = OutboxStatus.Sent;
                    row.SentAt = clock.GetUtcNow();
                    row.Attempts++;
                    row.DeliveredVia = transport.Name;
                    row.LastError = null;
                    report.Sent++;
                }
                catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
                {
                    row.Attempts++;
                    row.Status = OutboxStatus.Failed;
                    row.LastSmtpStatus = (int)ex.StatusCode;
                    row.LastError = ex.Message;
                    report.Failed++;
                    // The address stays out of the logs (enterprise contacts' emails are never logged); the outbox row has it.
                    log.LogError("Mail {MessageId} ({Kind}) rejected permanently: {Status} {Error}", row.MessageId, row.Kind, (int)ex.StatusCode, ex.Message);
                }
                catch (SmtpCommandException ex)
                {
                    Retry(row, (int)ex.StatusCode, ex.Message, report);
                }
                catch (Exception ex) when (IsConnectionError(ex))
                {
                    // The connection is gone: this row waits, the untouched rest stay due for the next run.
                    Retry(row, null, ex.Message, report);
                    return true;
                }
            }
        }

        return false;
    }

    private void Retry(OutboxMessage row, int? smtpStatus, string error, RelayReport report)
    {
        var o = options.Value;
        row.Attempts++;
        row.LastSmtpStatus = smtpStatus;
        row.LastError = error;
        if (row.Attempts >= o.MaxAttempts)
        {
            row.Status = OutboxStatus.Failed;
            row.LastError = $"Gave up after {row.Attempts} attempts: {error}";
            report.Failed++;
            return;
        }

        row.NextAttemptAt = clock.GetUtcNow() + BackOff(row.Attempts);
        report.Retrying++;
        log.LogWarning("Mail {MessageId} ({Kind}) deferred (attempt {Attempt}): {Status} {Error}", row.MessageId, row.Kind, row.Attempts, smtpStatus, error);
    }

    /// <summary>30 s, 1 min, 2 min, … capped at one hour.</summary>
    internal static TimeSpan BackOff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Max(0, attempts - 1))));

    private static bool IsConnectionError(Exception ex) =>
        ex is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException
            or TimeoutException or ServiceNotAuthenticatedException or MailKit.Security.AuthenticationException
            or OperationCanceledException { CancellationToken.IsCancellationRequested: false };
}

public sealed class RelayReport
{
    public int Sent { get; set; }

    public int Retrying { get; set; }

    public int Failed { get; set; }

    /// <summary>When the earliest mail still pending falls due (a retry's backoff); null when none is, or when the run stopped early.</summary>
    public DateTimeOffset? NextDueAt { get; set; }
}

/// <summary>Builds the MIME message for an outbox row: HTML + text alternatives, the row's stable Message-ID, threading headers.</summary>
public static class MailMessageFactory
{
    public static MimeMessage Build(OutboxMessage row, SmtpOptions options)
    {
        var message = new MimeMessage
        {
            MessageId = row.MessageId,
            Subject = row.Subject,
            Date = row.CreatedAt,
        };
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(new MailboxAddress(row.ToName ?? "", row.ToAddress));
        if (row.ThreadRootMessageId is { } root)
        {
            message.InReplyTo = root;
            message.References.Add(root);
        }

        var body = new BodyBuilder { TextBody = row.TextBody, HtmlBody = row.HtmlBody };
        message.Body = body.ToMessageBody();
        return message;
    }
}
