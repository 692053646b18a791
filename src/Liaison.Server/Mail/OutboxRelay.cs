using System.Net.Sockets;
using Liaison.Cases.Cases;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Liaison.Server.Hosting;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Liaison.Server.Mail;

/// <summary>
/// Sends due outbox rows, one row per transaction over one SMTP connection (reconnecting every <c>BatchSize</c> mails).
/// A row is claimed by its key with <c>FOR UPDATE SKIP LOCKED</c> and a check that it is still pending, so several
/// relays (jobs, server instances) never send the same row; a claim that misses goes on to the next due row in the same
/// transaction. A row is marked sent in its own commit right after the SMTP server accepted it. A crash can therefore
/// resend only the one mail between the server's 250 and that commit, with the same Message-ID (docs/hardening.md).
/// Temporary failures (4xx, a refused or broken connection) are retried for as long as it takes, with back-off capped at
/// <see cref="MaxBackOff"/>; only a permanent 5xx rejection marks a mail failed, and an admin may retry it.
/// </summary>
public sealed partial class OutboxRelay(
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
        if (!transport.Sends)
        {
            // Held (no SMTP host outside Development): the mail stays pending, untouched, until a host is configured.
            return report;
        }

        IMailSession? session = null;
        var sentOnSession = 0;
        var candidates = new Queue<DueMail>();
        DueMail? last = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                OutboxMessage? row = null;
                while (row is null)
                {
                    if (candidates.Count == 0)
                    {
                        // Each scan starts after the last candidate, so the run ends, whatever other relays hold.
                        candidates = new Queue<DueMail>(await DueMails(last).ToListAsync(ct));
                        if (candidates.Count == 0)
                        {
                            break;
                        }
                    }

                    last = candidates.Dequeue();
                    // Null when another relay has it or has sent it: the next candidate is tried in the same transaction
                    // (a claim that missed locked nothing), so a miss costs one statement, not a transaction.
                    row = (await Claim(last.Id).ToListAsync(ct)).SingleOrDefault();
                }

                if (row is null)
                {
                    report.NextDueAt = await NextDueAsync(ct);
                    break;
                }

                if (session is null)
                {
                    try
                    {
                        session = await transport.OpenAsync(ct);
                        sentOnSession = 0;
                    }
                    catch (Exception ex) when (IsConnectionError(ex) || ex is SmtpCommandException)
                    {
                        // One refused connection speaks for the mails due after this one: they wait too, each with its back-off.
                        // A 5xx here (a greeting or an EHLO refused) is the server refusing this relay, not a mail: the
                        // mails wait, each showing the reply, until the server or the configuration is put right.
                        var waiting = await DueRows(o.BatchSize).ToListAsync(ct);
                        log.LogWarning(ex, "SMTP connection failed; {Count} mails wait for a retry", waiting.Count);
                        var status = ex is SmtpCommandException command ? (int)command.StatusCode : (int?)null;
                        foreach (var r in waiting)
                        {
                            Retry(r, status, ex.Message, report);
                        }

                        await db.SaveChangesAsync(ct);
                        await tx.CommitAsync(ct);
                        break;
                    }
                }

                var connectionBroken = await SendOneAsync(session, row, report, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                db.DiscardChanges();
                if (connectionBroken)
                {
                    break;
                }

                if (++sentOnSession >= o.BatchSize)
                {
                    await session.DisposeAsync();
                    session = null;
                }
            }
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }

        return report;
    }

    /// <summary>
    /// When the earliest pending mail this relay could take falls due: a retry's back-off, or now for a mail committed
    /// behind the point the run reached. A mail another relay holds is skipped (<c>SKIP LOCKED</c>): that relay sends it
    /// or sets its retry, so reporting it due now would only run this relay again at once, and again, until the other
    /// commits. Read in the run's last transaction, which rolls back (no commit, the row lock released).
    /// </summary>
    private async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct) =>
        (await db.Database.SqlQuery<DateTimeOffset>($"""
            SELECT next_attempt_at AS "Value" FROM mail_outbox
            WHERE status = 'Pending'
            ORDER BY next_attempt_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct)) is [var next] ? next : null;

    /// <summary>Due mails taken from the pending index per scan (<see cref="DueMails"/>).</summary>
    internal const int CandidatesPerScan = 50;

    /// <summary>
    /// The next due mails, oldest first, unlocked: one scan of the pending index for <see cref="CandidatesPerScan"/> mails,
    /// each then claimed by its key (<see cref="Claim"/>), and the next scan starts after the last of them. The front of
    /// that index holds the entries of mails sent since the table was last vacuumed, each a visit to the table: at a
    /// million cases a relay that scanned from the front for every mail spent 60–475 ms per mail on them (bench/RESULTS.md,
    /// the relay at a million cases). Now a run walks them once. A mail committed behind the point a run has reached is
    /// sent by the next run: its commit wakes this process's pump, and the other processes' pumps poll.
    /// </summary>
    private IQueryable<DueMail> DueMails(DueMail? after)
    {
        var now = clock.GetUtcNow();
        var from = after ?? DueMail.BeforeAll;
        return db.Database.SqlQuery<DueMail>($"""
            SELECT id, created_at FROM mail_outbox
            WHERE status = 'Pending' AND next_attempt_at <= {now} AND (created_at, id) > ({from.CreatedAt}, {from.Id})
            ORDER BY created_at, id
            LIMIT {CandidatesPerScan}
            """);
    }

    /// <summary>A due mail's key and its place in the pending index (result columns snake_case, as the model's).</summary>
    private sealed record DueMail(Guid Id, DateTimeOffset CreatedAt)
    {
        /// <summary>A place before every mail: none was queued before 1970.</summary>
        public static readonly DueMail BeforeAll = new(Guid.Empty, DateTimeOffset.UnixEpoch);
    }

    /// <summary>The mail, locked for this transaction, if it is still due and no other relay holds it.</summary>
    private IQueryable<OutboxMessage> Claim(Guid id)
    {
        var now = clock.GetUtcNow();
        return db.Outbox.FromSql($"""
            SELECT * FROM mail_outbox
            WHERE id = {id} AND status = 'Pending' AND next_attempt_at <= {now}
            FOR UPDATE SKIP LOCKED
            """);
    }

    private IQueryable<OutboxMessage> DueRows(int limit)
    {
        var now = clock.GetUtcNow();
        return db.Outbox.FromSql($"""
            SELECT * FROM mail_outbox
            WHERE status = 'Pending' AND next_attempt_at <= {now}
            ORDER BY created_at, id
            LIMIT {limit}
            FOR UPDATE SKIP LOCKED
            """);
    }

    /// <returns>True when the connection failed and the rest of the due rows should wait for the next run.</returns>
    private async Task<bool> SendOneAsync(IMailSession session, OutboxMessage row, RelayReport report, CancellationToken ct)
    {
        try
        {
            await session.SendAsync(MailMessageFactory.Build(row, options.Value), ct);
            row.Status = OutboxStatus.Sent;
            row.SentAt = clock.GetUtcNow();
            if (!transport.KeepsLinks)
            {
                // The database keeps link tokens only as hashes: once the mail is out, its copy here loses them too (a
                // backup or a reader of this table cannot act on a case). What it said stays readable.
                row.TextBody = LogRedaction.Redact(row.TextBody);
                row.HtmlBody = row.HtmlBody is null ? null : LogRedaction.Redact(row.HtmlBody);
            }

            row.Attempts++;
            row.DeliveredVia = transport.Name;
            row.LastError = null;
            report.Sent++;
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            // Recipients are never logged (enterprise contacts' emails are private); the outbox row names them to admins.
            log.LogError("Mail {OutboxId} ({Kind}) rejected permanently: {Status} {Error}", row.Id, row.Kind, (int)ex.StatusCode, RedactEmails(ex.Message));
            await FailAsync(row, (int)ex.StatusCode, ex.Message, report, ct);
        }
        catch (SmtpCommandException ex)
        {
            Retry(row, (int)ex.StatusCode, ex.Message, report);
        }
        catch (ParseException ex)
        {
            // An address in this mail cannot be written as a mail header: no retry will change that.
            log.LogError("Mail {OutboxId} ({Kind}) failed: an address cannot be parsed", row.Id, row.Kind);
            await FailAsync(row, null, "地址无法解析 / An address cannot be parsed: " + ex.Message, report, ct);
        }
        catch (Exception ex) when (IsConnectionError(ex))
        {
            // The connection is gone: this row waits, the rest stay due for the next run.
            Retry(row, null, ex.Message, report);
            return true;
        }

        return false;
    }

    /// <summary>
    /// A failure for good: the mail is marked failed (an admin may retry it) and, a case's mail, goes on the case's
    /// timeline (邮件未能送达, naming the recipient, never the address), where the officer following the case sees it: the
    /// mail was on the timeline as sent.
    /// </summary>
    private async Task FailAsync(OutboxMessage row, int? smtpStatus, string error, RelayReport report, CancellationToken ct)
    {
        row.Attempts++;
        row.Status = OutboxStatus.Failed;
        row.LastSmtpStatus = smtpStatus;
        row.LastError = error;
        report.Failed++;
        if (row.CaseId is { } caseId && await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, ct) is { } c)
        {
            CaseTimeline.Add(db, c, clock.GetUtcNow(), CaseEventKinds.MailFailed, CaseTimeline.System, $"{row.Kind} → {row.ToName}",
                new { kind = row.Kind, toName = row.ToName, messageId = row.MessageId, status = smtpStatus });
        }
    }

    /// <summary>A temporary failure: the mail stays pending and is tried again after its back-off, however long the outage.</summary>
    private void Retry(OutboxMessage row, int? smtpStatus, string error, RelayReport report)
    {
        row.Attempts++;
        row.LastSmtpStatus = smtpStatus;
        row.LastError = error;
        row.NextAttemptAt = clock.GetUtcNow() + BackOff(row.Attempts);
        report.Retrying++;
        log.LogWarning("Mail {OutboxId} ({Kind}) deferred (attempt {Attempt}): {Status} {Error}", row.Id, row.Kind, row.Attempts, smtpStatus, RedactEmails(error));
    }

    /// <summary>An SMTP server's reply may quote the recipient (<c>550 &lt;x@y&gt; unknown</c>); logs get it without addresses.</summary>
    internal static string RedactEmails(string text) => EmailInText().Replace(text, "<email>");

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\s<>@""',;:]+@[^\s<>@""',;:]+")]
    private static partial System.Text.RegularExpressions.Regex EmailInText();

    /// <summary>The longest wait between two attempts at a mail.</summary>
    public static readonly TimeSpan MaxBackOff = TimeSpan.FromHours(1);

    /// <summary>30 s, 1 min, 2 min, … capped at <see cref="MaxBackOff"/>.</summary>
    internal static TimeSpan BackOff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackOff.TotalSeconds, 30 * Math.Pow(2, Math.Max(0, Math.Min(attempts, 20) - 1))));

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

    /// <summary>
    /// When the earliest mail still pending that no other relay holds falls due (a retry's back-off, or now for mail
    /// committed behind the run); null when none is, or when the run stopped early.
    /// </summary>
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
        if (row.ReplyToAddress is { } replyTo)
        {
            message.ReplyTo.Add(new MailboxAddress(row.ReplyToName ?? "", replyTo));
        }

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
