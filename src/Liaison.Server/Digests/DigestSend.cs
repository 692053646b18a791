using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Digests;

/// <summary>
/// One digest sent: inserted in the same transaction as its outbox rows, under a unique (kind, recipient, local date)
/// key, so a run repeated by a retry or by a second instance sends each digest once.
/// </summary>
public sealed class DigestSend
{
    /// <summary><c>handler-digest</c>, <c>officer-digest</c> or <c>league-table</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>The recipient's email address, trimmed and lower-cased.</summary>
    public required string Recipient { get; set; }

    /// <summary>The zone-local date the digest is for.</summary>
    public DateOnly LocalDate { get; set; }

    public DateTimeOffset SentAt { get; set; }

    /// <summary>How many cases (or departments) the digest listed.</summary>
    public int Items { get; set; }

    public Guid OutboxMessageId { get; set; }

    public static string Key(string email) => email.Trim().ToLowerInvariant();
}

internal sealed class DigestSendConfiguration : IEntityTypeConfiguration<DigestSend>
{
    public void Configure(EntityTypeBuilder<DigestSend> e)
    {
        e.ToTable("digest_sends");
        e.HasKey(x => new { x.Kind, x.Recipient, x.LocalDate });
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.Recipient).HasMaxLength(254);
    }
}
