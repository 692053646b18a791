using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.EnterpriseView;

/// <summary>
/// The enterprise's personal link (<c>{PublicBaseUrl}/e/{token}</c>) to one case: progress without internal notes and,
/// after confirmation, the rating form. A kind of its own, apart from the liaisons' <see cref="Links.LiaisonLink"/>, with
/// the same security: 256 random bits (<see cref="Links.LinkTokens"/>), only the SHA-256 stored, GET only shows.
/// </summary>
public sealed class EnterpriseLink
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    public required byte[] TokenHash { get; set; }

    /// <summary>The notice contact it was mailed to (kept for the record; the address stays in the register).</summary>
    public long? ContactId { get; set; }

    /// <summary>
    /// The enterprise's <see cref="RegisteredEnterprise.NoticeContactVersion"/> when it was mailed: the link works while the
    /// enterprise's notice contact is still that one.
    /// </summary>
    public int ContactVersion { get; set; }

    /// <summary>Why it was minted: the case opened, the officer confirmed it (请评价), or answered its unsatisfied rating (评价答复).</summary>
    public EnterpriseLinkPurpose Purpose { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public enum EnterpriseLinkPurpose
{
    Opened,
    Rate,
    Answered,
}

/// <summary>
/// A confirmed case's rating by its enterprise: created (exactly once, unique per case) when the case closes, open
/// until <see cref="ClosesAt"/>; the score is set once, then an unsatisfied one waits for the officer's decision.
/// </summary>
public sealed class CaseRating
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    /// <summary>The lead department at confirmation: the one the league table counts the rating for.</summary>
    public required string DepartmentCode { get; set; }

    public DateTimeOffset ConfirmedAt { get; set; }

    /// <summary>Close of business of the 5th working day after the confirmation; no rating after it.</summary>
    public DateTimeOffset ClosesAt { get; set; }

    public RatingScore? Score { get; set; }

    public string? Comment { get; set; }

    public DateTimeOffset? RatedAt { get; set; }

    public RatingDecision? Decision { get; set; }

    public string? DecisionNote { get; set; }

    /// <summary>
    /// The closing note is the zone's answer to the enterprise, shown on its link: true for every decision since the
    /// officer's form and the API said so (2026-12-06); false for those written before, as internal notes.
    /// </summary>
    public bool NoteForEnterprise { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecidedBy { get; set; }

    /// <summary>重办: the follow-up case opened for the same enterprise and department.</summary>
    public long? FollowUpCaseId { get; set; }

    /// <summary>Unsatisfied and not decided yet: on the officer's decision list.</summary>
    public bool AwaitsDecision => Score == RatingScore.Unsatisfied && Decision is null;
}

internal sealed class EnterpriseLinkConfiguration : IEntityTypeConfiguration<EnterpriseLink>
{
    public void Configure(EntityTypeBuilder<EnterpriseLink> e)
    {
        e.ToTable("enterprise_links");
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.HasIndex(x => x.CaseId);
        e.Property(x => x.Purpose).HasConversion<string>().HasMaxLength(16);
        e.HasOne<Case>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Cascade);
        // Named outright: the conventional name takes the contacts' table name as it stands when this configuration runs,
        // and EF applies the configurations in the culture's order of their type names, which is another order without ICU.
        e.HasOne<EnterpriseContact>().WithMany().HasForeignKey(x => x.ContactId).OnDelete(DeleteBehavior.SetNull)
            .HasConstraintName("fk_enterprise_links_enterprise_contacts_contact_id");
    }
}

internal sealed class CaseRatingConfiguration : IEntityTypeConfiguration<CaseRating>
{
    public void Configure(EntityTypeBuilder<CaseRating> e)
    {
        e.ToTable("case_ratings");
        // One rating per case: the close creates it once, whatever runs twice.
        e.HasIndex(x => x.CaseId).IsUnique();
        // The league table reads the period's ratings and the windows that closed in it.
        e.HasIndex(x => x.RatedAt).HasFilter("rated_at IS NOT NULL");
        e.HasIndex(x => x.ClosesAt).HasFilter("rated_at IS NULL");
        // The officers' decision list.
        e.HasIndex(x => x.CaseId, "ix_case_ratings_awaiting_decision").HasFilter("score = 'Unsatisfied' AND decision IS NULL")
            .HasDatabaseName("ix_case_ratings_awaiting_decision");
        e.Property(x => x.DepartmentCode).HasMaxLength(32);
        e.Property(x => x.Score).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.Decision).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Comment).HasMaxLength(Ratings.MaxCommentLength);
        e.Property(x => x.DecisionNote).HasMaxLength(Ratings.MaxDecisionNoteLength);
        e.Property(x => x.DecidedBy).HasMaxLength(256);
        e.Ignore(x => x.AwaitsDecision);
        e.HasOne<Case>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Case>().WithMany().HasForeignKey(x => x.FollowUpCaseId).OnDelete(DeleteBehavior.SetNull);
    }
}
