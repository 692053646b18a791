using System.Security.Cryptography;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Links;

/// <summary>
/// A personal link (<c>{PublicBaseUrl}/l/{token}</c>) of one recipient for one case and one assignment round.
/// Only the token's SHA-256 is stored; the token itself exists only in the email.
/// </summary>
public sealed class LiaisonLink
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    public required byte[] TokenHash { get; set; }

    public required string RecipientEmail { get; set; }

    public required string RecipientName { get; set; }

    /// <summary>The recipient's language (<c>zh-CN</c> or <c>en</c>): the link page speaks it unless the reader switches.</summary>
    public string RecipientCulture { get; set; } = "zh-CN";

    public LinkRole Role { get; set; }

    public int Round { get; set; }

    /// <summary>The co-handler's part of a joint case this link acts on (its <see cref="Round"/> is the part's); null for the lead's links.</summary>
    public long? PartId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set when the round ended (reassign, cancel, close): no more actions from then on.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>After this the link shows nothing at all.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// Whether the link acts on <paramref name="holder"/> (its case, or its part) now: not ended, of the holder's current
    /// round, and sent to whoever is the holder's handler or leader (by its role). The last matters when a department
    /// names a new liaison: the change ends the old one's links, but a timer or a digest that read the case just before
    /// it committed may still have minted the old one a link.
    /// </summary>
    public bool WorksOn(IAssignment holder) => EndedAt is null && IsOf(holder);

    /// <summary>
    /// Whether the link is of <paramref name="holder"/>'s assignment as it stands, ended or not: of its current round and
    /// sent to its current handler or leader. A closed case's links are ended but still this; a replaced person's are not.
    /// </summary>
    public bool IsOf(IAssignment holder) => Round == holder.AssignmentRound && IsFor(holder.HandlerEmail, holder.LeaderEmail);

    /// <summary>Whether the link was sent to the person who is now the handler (or, a leader's link, the leader).</summary>
    public bool IsFor(string? handlerEmail, string? leaderEmail) =>
        EmailAddress.Same(RecipientEmail, Role == LinkRole.Leader ? leaderEmail : handlerEmail);
}

public enum LinkRole
{
    Handler,
    Leader,
}

public static class LinkTokens
{
    /// <summary>256 random bits, URL-safe base64 (43 characters).</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));

    /// <summary>Cheap shape check before touching the database: 43 URL-safe base64 characters.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal sealed class LiaisonLinkConfiguration : IEntityTypeConfiguration<LiaisonLink>
{
    public void Configure(EntityTypeBuilder<LiaisonLink> e)
    {
        e.ToTable("liaison_links");
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.HasIndex(x => new { x.CaseId, x.Round });
        e.HasIndex(x => x.PartId).HasFilter("part_id IS NOT NULL");
        e.Property(x => x.Role).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.RecipientEmail).HasMaxLength(254);
        e.Property(x => x.RecipientName).HasMaxLength(100);
        e.Property(x => x.RecipientCulture).HasMaxLength(8).HasDefaultValue("zh-CN");
    }
}
