namespace Liaison.Server.Mail;

/// <summary>
/// One email waiting to leave, written in the same transaction as the change that caused it.
/// The relay job sends it; <see cref="MessageId"/> is fixed at insert so a resend after a crash carries the same id.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    /// <summary>RFC 5322 Message-ID without angle brackets, e.g. <c>0f8…@liaison.anyue</c>.</summary>
    public required string MessageId { get; set; }

    /// <summary>Message-ID of the first mail of the thread (a case), for In-Reply-To/References; null for the first.</summary>
    public string? ThreadRootMessageId { get; set; }

    public long? CaseId { get; set; }

    public required string ToAddress { get; set; }

    public string? ToName { get; set; }

    /// <summary>Where a reply goes (Reply-To): a case's officer, on the mails to its liaisons; null for the sender's address.</summary>
    public string? ReplyToAddress { get; set; }

    public string? ReplyToName { get; set; }

    public required string Subject { get; set; }

    public required string TextBody { get; set; }

    public string? HtmlBody { get; set; }

    /// <summary>Why the mail exists (e.g. <c>dispatch</c>, <c>reminder</c>, <c>test</c>), for admins and the timeline.</summary>
    public required string Kind { get; set; }

    public OutboxStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Not before this time (back-off after a temporary failure).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Last SMTP status code seen (e.g. 451, 550), if any.</summary>
    public int? LastSmtpStatus { get; set; }

    public string? LastError { get; set; }

    /// <summary><c>smtp</c> or <c>dev-mailbox</c>: where the mail went.</summary>
    public string? DeliveredVia { get; set; }
}

public enum OutboxStatus
{
    Pending,
    Sent,
    Failed,
}
