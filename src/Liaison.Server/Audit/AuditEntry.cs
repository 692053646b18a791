using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Audit;

/// <summary>
/// One change to how the zone works (操作日志): who changed which department, category, calendar year, template,
/// workflow, account, enterprise or mail, when, and what it was before and after. Written in the same transaction as
/// the change, so a refused or rolled-back change leaves none. Never updated or deleted.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The account's id; null for the server itself (a shipped workflow imported at startup).</summary>
    public string? ActorId { get; set; }

    /// <summary>The account's email at the time, or <see cref="Actor.ServerName"/>.</summary>
    public required string Actor { get; set; }

    /// <summary>One of <see cref="AuditActions"/>: <c>area.verb</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What changed, as people name it: a department's code, a year, <c>dispatch/zh-CN</c>, an account's email, ….</summary>
    public required string Subject { get; set; }

    /// <summary>The changed fields as a JSON array of <see cref="AuditChange"/>.</summary>
    public string Changes { get; set; } = "[]";
}

/// <summary>
/// One field before and after. Both values are null for a secret (a password) or for text too long to keep (a mail
/// template's source): the entry then says only that it changed.
/// </summary>
public sealed record AuditChange(string Field, string? From, string? To);

/// <summary>Who made a change: a signed-in account, or the server itself.</summary>
public sealed record Actor(string? Id, string Name)
{
    public const string ServerName = "system";

    /// <summary>The server acting on its own (startup imports).</summary>
    public static readonly Actor Server = new(null, ServerName);

    /// <summary>The signed-in account of a request (cookie or bearer token).</summary>
    public static Actor Of(ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name is { Length: > 0 } name ? name : "?");
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> e)
    {
        e.ToTable("audit_entries");
        e.Property(x => x.ActorId).HasMaxLength(64);
        e.Property(x => x.Actor).HasMaxLength(256);
        e.Property(x => x.Action).HasMaxLength(48);
        e.Property(x => x.Subject).HasMaxLength(300);
        e.Property(x => x.Changes).HasColumnType("jsonb");
        // The log page reads newest first: all of it, or one area (its actions). Who and what are matched anywhere in the text (ILIKE), which no b-tree serves; the log is small.
        e.HasIndex(x => x.At);
        e.HasIndex(x => new { x.Action, x.At });
    }
}
