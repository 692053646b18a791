using Liaison.Cases.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Cases;

/// <summary>The yearly case-number sequence (<c>AYKF-2026-000123</c>); one row per prefix and year.</summary>
public sealed class CaseNumberCounter
{
    public required string Prefix { get; set; }

    public int Year { get; set; }

    public int Last { get; set; }
}

/// <summary>
/// A deadline of the human task that fired, under a unique (case, kind, deadline) key: the database's guarantee that
/// each rung of the escalation ladder fires once per case and deadline.
/// </summary>
public sealed class CaseDeadlineFired
{
    public long CaseId { get; set; }

    /// <summary>The co-handler's part whose deadline fired (joint cases); 0 for the lead's.</summary>
    public long PartId { get; set; }

    public required string Kind { get; set; }

    public DateTimeOffset Deadline { get; set; }

    public DateTimeOffset FiredAt { get; set; }
}

/// <summary>One processed action form (its request id): a double click or a replay makes one transition.</summary>
public sealed class CaseActionRequest
{
    public Guid RequestId { get; set; }

    public long CaseId { get; set; }

    public required string Action { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>What the request asked for (<see cref="RequestFingerprint"/>); null for rows from before it was kept.</summary>
    public byte[]? Fingerprint { get; set; }
}

internal sealed class CaseRecordsConfiguration :
    IEntityTypeConfiguration<CaseNumberCounter>, IEntityTypeConfiguration<CaseDeadlineFired>, IEntityTypeConfiguration<CaseActionRequest>,
    IEntityTypeConfiguration<CasePart>
{
    public void Configure(EntityTypeBuilder<CasePart> e)
    {
        e.ToTable("case_parts");
        e.HasIndex(x => new { x.CaseId, x.DepartmentCode }).IsUnique();
        // The case list's department filter also finds the cases a department co-handles (CaseQueries).
        e.HasIndex(x => new { x.DepartmentCode, x.CaseId });
        // Open parts past their deadline (league table) and a handler's open parts (digest).
        e.HasIndex(x => new { x.Status, x.DueAt });
        // The case list's "awaiting a decision" filter: the parts with an extension request pending (CaseQueries.WaitingForDecision).
        e.HasIndex(x => x.CaseId, "ix_case_parts_pending_extension").HasFilter("pending_extension_days IS NOT NULL").HasDatabaseName("ix_case_parts_pending_extension");
        e.HasOne<Case>().WithMany().HasForeignKey(x => x.CaseId);
        e.Property(x => x.DepartmentCode).HasMaxLength(32);
        e.Property(x => x.Task).HasMaxLength(CasePart.MaxTaskLength);
        e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.HandlerName).HasMaxLength(100);
        e.Property(x => x.HandlerEmail).HasMaxLength(254);
        e.Property(x => x.HandlerCulture).HasMaxLength(8);
        e.Property(x => x.LeaderName).HasMaxLength(100);
        e.Property(x => x.LeaderEmail).HasMaxLength(254);
        e.Property(x => x.LeaderCulture).HasMaxLength(8);
        e.Property(x => x.AcceptByBasis).HasColumnType("jsonb");
        e.Property(x => x.DueAtBasis).HasColumnType("jsonb");
        e.Property(x => x.SubmissionNote).HasMaxLength(2000);
        e.Property(x => x.SubmissionAttachments).HasMaxLength(CasePart.MaxAttachmentsLength);
        e.Property(x => x.EndedReason).HasMaxLength(2000);
        e.Property(x => x.PendingExtensionReason).HasMaxLength(2000);
        e.Property(x => x.ThreadRootMessageId).HasMaxLength(200);
        e.Ignore(x => x.IsOpen);
        e.Ignore(x => x.IsUnfinished);
        e.Ignore(x => x.AsCaseStatus);
        e.Ignore(x => x.RoundDepartmentCode);
    }

    public void Configure(EntityTypeBuilder<CaseNumberCounter> e)
    {
        e.ToTable("case_number_counters");
        e.HasKey(x => new { x.Prefix, x.Year });
        e.Property(x => x.Prefix).HasMaxLength(16);
    }

    public void Configure(EntityTypeBuilder<CaseDeadlineFired> e)
    {
        e.ToTable("case_deadlines_fired");
        e.HasKey(x => new { x.CaseId, x.PartId, x.Kind, x.Deadline });
        e.Property(x => x.Kind).HasMaxLength(32);
    }

    public void Configure(EntityTypeBuilder<CaseActionRequest> e)
    {
        e.ToTable("case_action_requests");
        e.HasKey(x => x.RequestId);
        e.Property(x => x.Action).HasMaxLength(32);
        e.HasIndex(x => x.CaseId);
    }
}
