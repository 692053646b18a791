using Liaison.Server.Data;

namespace Liaison.Server.Mail;

/// <summary>One email to queue. Rendering happens before this point; the outbox only stores and relays.</summary>
public sealed record OutgoingMail(
    string ToAddress,
    string? ToName,
    string Subject,
    string TextBody,
    string? HtmlBody,
    string Kind,
    long? CaseId = null,
    string? ThreadRootMessageId = null,
    (string Name, string Address)? ReplyTo = null);

/// <summary>
/// The one way mail enters the system: rows appended to the caller's <see cref="LiaisonDbContext"/> (never tracked), so
/// they commit (or roll back) with the change that caused them. <see cref="OutboxKickInterceptor"/> wakes the relay after commit.
/// </summary>
public sealed class Outbox(TimeProvider clock)
{
    /// <summary>Domain part of generated Message-IDs.</summary>
    public const string MessageIdDomain = "liaison.anyue";

    public OutboxMessage Add(LiaisonDbContext db, OutgoingMail mail)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var row = new OutboxMessage
        {
            Id = id,
            MessageId = $"{id:N}@{MessageIdDomain}",
            ThreadRootMessageId = mail.ThreadRootMessageId,
            CaseId = mail.CaseId,
            ToAddress = mail.ToAddress,
            ToName = mail.ToName,
            ReplyToAddress = mail.ReplyTo?.Address,
            ReplyToName = mail.ReplyTo?.Name,
            Subject = mail.Subject,
            TextBody = mail.TextBody,
            HtmlBody = mail.HtmlBody,
            Kind = mail.Kind,
            Status = OutboxStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Append(row);
        return row;
    }
}
