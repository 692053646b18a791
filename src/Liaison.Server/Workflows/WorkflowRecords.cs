using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Workflows;

/// <summary>
/// One version of a workflow definition. Per definition at most one row is latest and at most one is published
/// (partial unique indexes); a version that was ever published is never overwritten, so pinned instances stay valid.
/// </summary>
public sealed class WorkflowDefinitionRecord
{
    public long Id { get; set; }

    public required string DefinitionId { get; set; }

    public int Version { get; set; }

    /// <summary>Elsa's <c>id</c> of this version.</summary>
    public required string VersionId { get; set; }

    public required string Name { get; set; }

    /// <summary>The Elsa 3 JSON as written (text, so the editor's key order and formatting survive).</summary>
    public required string Json { get; set; }

    public bool IsLatest { get; set; }

    public bool IsPublished { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>First publication; a version with this set is no longer a draft.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    public bool IsDraft => PublishedAt is null;

    /// <summary>
    /// When an admin discarded this draft: it stays in the history, so its version number is never given again (the
    /// change log names versions by number). A workflow's only version, never published, goes entirely instead.
    /// </summary>
    public DateTimeOffset? DiscardedAt { get; set; }

    /// <summary>
    /// The version number of the shipped file (<c>workflows/*.json</c>) this version was imported from; null for a
    /// version an admin saved. An admin's version numbers and the shipped ones may differ once an admin has changed a
    /// shipped workflow (its next shipped version is then added after theirs, as a draft).
    /// </summary>
    public int? ShippedVersion { get; set; }
}

/// <summary>A running or ended workflow instance, pinned to the definition version it started with.</summary>
public sealed class WorkflowInstanceRecord
{
    public Guid Id { get; set; }

    public required string DefinitionId { get; set; }

    public int DefinitionVersion { get; set; }

    public WorkflowStatus Status { get; set; }

    /// <summary>What the instance is about, e.g. a case id; the domain finds its instances by it.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>Set by <c>Elsa.SetName</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The instance that started this one as a child; null for a top-level instance. Never changes.</summary>
    public Guid? ParentInstanceId { get; set; }

    /// <summary>The parent's activity that started this child.</summary>
    public string? ParentActivityId { get; set; }

    /// <summary>The parent's bookmark this child's end resumes; null when the parent did not wait (a dispatch).</summary>
    public string? ParentBookmarkId { get; set; }

    /// <summary>0 for a top-level instance, 1 for its children, ….</summary>
    public int Depth { get; set; }

    /// <summary><see cref="WorkflowInstanceState"/> as JSON.</summary>
    public required string State { get; set; }

    /// <summary>PostgreSQL's xmin: optimistic concurrency on top of the row lock every run takes.</summary>
    public uint RowVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>
/// A pending bookmark. Consuming one deletes its row, so a second resume finds nothing. A non-null
/// <see cref="ResumeAt"/> makes it a timer.
/// </summary>
public sealed class WorkflowBookmarkRecord
{
    /// <summary>The engine's bookmark id.</summary>
    public required string Id { get; set; }

    public Guid InstanceId { get; set; }

    public required string ActivityId { get; set; }

    public required string Kind { get; set; }

    public string? Key { get; set; }

    public DateTimeOffset? ResumeAt { get; set; }

    /// <summary>A timer sweep claimed this due timer until then; other sweeps skip it meanwhile (a crashed one's claim lapses).</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public string? Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One activity execution (the case timeline's and the designer's source).</summary>
public sealed class WorkflowJournalRecord
{
    public long Id { get; set; }

    public Guid InstanceId { get; set; }

    public long Sequence { get; set; }

    public required string ActivityId { get; set; }

    public required string ActivityType { get; set; }

    public JournalEventKind Kind { get; set; }

    /// <summary>The inputs as evaluated, JSON.</summary>
    public required string Inputs { get; set; }

    public string[] Outcomes { get; set; } = [];

    public DateTimeOffset At { get; set; }
}

/// <summary>Something that went wrong in a run (a fault, a skipped recipient); also kept in the instance state.</summary>
public sealed class WorkflowIncidentRecord
{
    public long Id { get; set; }

    public Guid InstanceId { get; set; }

    public string? ActivityId { get; set; }

    public string? ActivityType { get; set; }

    public required string Message { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class WorkflowDefinitionRecordConfiguration : IEntityTypeConfiguration<WorkflowDefinitionRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowDefinitionRecord> e)
    {
        e.ToTable("workflow_definitions");
        e.HasAlternateKey(d => new { d.DefinitionId, d.Version });
        e.HasIndex(d => d.DefinitionId, "latest").IsUnique().HasFilter("is_latest").HasDatabaseName("ix_workflow_definitions_latest");
        e.HasIndex(d => d.DefinitionId, "published").IsUnique().HasFilter("is_published").HasDatabaseName("ix_workflow_definitions_published");
        e.Property(d => d.DefinitionId).HasMaxLength(100);
        e.Property(d => d.Name).HasMaxLength(200);
        e.Ignore(d => d.IsDraft);
    }
}

internal sealed class WorkflowInstanceRecordConfiguration : IEntityTypeConfiguration<WorkflowInstanceRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowInstanceRecord> e)
    {
        e.ToTable("workflow_instances");
        e.Property(i => i.Id).ValueGeneratedNever();
        e.Property(i => i.DefinitionId).HasMaxLength(100);
        e.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        e.Property(i => i.CorrelationId).HasMaxLength(200);
        // Rewritten by every run; lz4 when it is large enough to be compressed (see mail_outbox's bodies). json, not
        // jsonb: only the engine reads it, whole, so PostgreSQL need not build (on write) and print (on read) jsonb's
        // binary form. A 2 KB state costs 16 µs to store and 6 µs to read as json, 27 and 13 µs as jsonb (bench/RESULTS.md (g)).
        e.Property(i => i.State).HasColumnType("json").UseCompressionMethod("lz4");
        e.Property(i => i.RowVersion).IsRowVersion();
        e.HasIndex(i => i.CorrelationId);
        e.Property(i => i.Name).HasMaxLength(200);
        e.Property(i => i.ParentBookmarkId).HasMaxLength(64);
        // Children of one parent, running first: how a cancel finds them.
        e.HasIndex(i => i.ParentInstanceId).HasFilter("parent_instance_id IS NOT NULL");
        e.HasOne<WorkflowInstanceRecord>().WithMany().HasForeignKey(i => i.ParentInstanceId).OnDelete(DeleteBehavior.Restrict);
        e.HasIndex(i => new { i.DefinitionId, i.DefinitionVersion });
        // What still runs on each version (the designer's versions tab): the few open among a million finished.
        e.HasIndex(i => new { i.DefinitionId, i.DefinitionVersion }, "ix_workflow_instances_running_by_version")
            .HasFilter("status IN ('Running', 'Suspended')").HasDatabaseName("ix_workflow_instances_running_by_version");
        e.HasOne<WorkflowDefinitionRecord>().WithMany()
            .HasForeignKey(i => new { i.DefinitionId, i.DefinitionVersion })
            .HasPrincipalKey(d => new { d.DefinitionId, d.Version })
            .OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class WorkflowBookmarkRecordConfiguration : IEntityTypeConfiguration<WorkflowBookmarkRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowBookmarkRecord> e)
    {
        e.ToTable("workflow_bookmarks");
        e.Property(b => b.Id).HasMaxLength(64).ValueGeneratedNever();
        e.Property(b => b.Payload).HasColumnType("jsonb");
        // The timer sweep's scan.
        e.HasIndex(b => b.ResumeAt).HasFilter("resume_at IS NOT NULL");
        e.HasIndex(b => new { b.InstanceId, b.Kind, b.Key });
        e.HasIndex(b => new { b.Kind, b.Key });
        e.HasOne<WorkflowInstanceRecord>().WithMany().HasForeignKey(b => b.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkflowJournalRecordConfiguration : IEntityTypeConfiguration<WorkflowJournalRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowJournalRecord> e)
    {
        e.ToTable("workflow_journal");
        e.HasIndex(j => new { j.InstanceId, j.Sequence }).IsUnique();
        e.Property(j => j.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(j => j.Inputs).HasColumnType("jsonb");
        e.HasOne<WorkflowInstanceRecord>().WithMany().HasForeignKey(j => j.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkflowIncidentRecordConfiguration : IEntityTypeConfiguration<WorkflowIncidentRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowIncidentRecord> e)
    {
        e.ToTable("workflow_incidents");
        e.HasIndex(i => new { i.InstanceId, i.At });
        e.HasOne<WorkflowInstanceRecord>().WithMany().HasForeignKey(i => i.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}
