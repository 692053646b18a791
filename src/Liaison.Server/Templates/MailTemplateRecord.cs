using Liaison.Cases.Common;
using Liaison.Cases.Digests;
using Liaison.Cases.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Templates;

/// <summary>
/// An admin's edit of one part of one email, a case mail's or a digest's (table <c>mail_templates</c>). No row means
/// the shipped template.
/// </summary>
public sealed class MailTemplateRecord
{
    /// <summary>A <see cref="CaseMailKind"/> or <see cref="DigestKind"/>, e.g. <c>dispatch</c>, <c>handler-digest</c>.</summary>
    public required string Kind { get; set; }

    /// <summary><c>zh-CN</c> or <c>en</c>.</summary>
    public required string Culture { get; set; }

    /// <summary><c>subject</c>, <c>html</c> or <c>text</c> (see <see cref="MailTemplateKeys.PartName"/>).</summary>
    public required string Part { get; set; }

    /// <summary>The Liquid source, validated (<see cref="MailTemplateService.Check"/>) before it was stored.</summary>
    public required string Source { get; set; }

    /// <summary>
    /// The shipped text's fingerprint (<see cref="MailTemplateKeys.ShippedHash"/>) when the edit was last saved, so a
    /// later release's change to the shipped text (a new variable, a new sentence) can be pointed out to the admins,
    /// whose edit does not follow it. Null for edits saved before it was kept: unknown, pointed out as "may have changed"
    /// (默认模板可能已更新) until the edit is saved again.
    /// </summary>
    public string? ShippedHash { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

internal sealed class MailTemplateRecordConfiguration : IEntityTypeConfiguration<MailTemplateRecord>
{
    public void Configure(EntityTypeBuilder<MailTemplateRecord> e)
    {
        e.ToTable("mail_templates");
        e.HasKey(x => new { x.Kind, x.Culture, x.Part });
        e.Property(x => x.Kind).HasMaxLength(48);
        e.Property(x => x.Culture).HasMaxLength(8);
        e.Property(x => x.Part).HasMaxLength(16);
        e.Property(x => x.UpdatedBy).HasMaxLength(256);
        e.Property(x => x.ShippedHash).HasMaxLength(64);
    }
}

/// <summary>Parsing and spelling of the (kind, culture, part) of a template, shared by the API, the pages and the store.</summary>
public static class MailTemplateKeys
{
    /// <summary>Longest template source accepted, in characters.</summary>
    public const int MaxSourceLength = 100_000;

    /// <summary>Longest subject template accepted, in characters: a subject is one header line, its variables a case's number and title.</summary>
    public const int MaxSubjectSourceLength = 1_000;

    /// <summary>Longest source accepted for <paramref name="part"/>.</summary>
    public static int MaxLengthOf(MailPart part) => part == MailPart.Subject ? MaxSubjectSourceLength : MaxSourceLength;

    public static IReadOnlyList<MailPart> Parts { get; } = [MailPart.Subject, MailPart.Html, MailPart.Text];

    public static string PartName(MailPart part) => part switch
    {
        MailPart.Subject => "subject",
        MailPart.Html => "html",
        MailPart.Text => "text",
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

    /// <summary>A part as the admin pages name it, beside its field and in what they say of it.</summary>
    public static Text PartLabel(MailPart part) => part switch
    {
        MailPart.Subject => new("主题", "Subject"),
        MailPart.Html => new("HTML 正文", "HTML body"),
        MailPart.Text => new("纯文本正文", "Plain-text body"),
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

    /// <summary>A template's language as the admin pages name it, in each of the two languages.</summary>
    public static Text LanguageLabel(string culture) => culture == CaseMailRenderer.English ? new("英文", "English") : new("中文", "Chinese");

    public static bool TryParsePart(string? value, out MailPart part)
    {
        switch (value?.ToLowerInvariant())
        {
            case "subject": part = MailPart.Subject; return true;
            case "html": part = MailPart.Html; return true;
            case "text": part = MailPart.Text; return true;
            default: part = default; return false;
        }
    }

    /// <summary>The canonical spelling (<c>zh-CN</c>, <c>en</c>) of an exact culture name, any case; null for anything else.</summary>
    public static string? Culture(string? value) =>
        CaseMailRenderer.Cultures.FirstOrDefault(c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every kind of email an admin may edit: the case mails, then the digests.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. CaseMailKind.All, .. DigestKind.All];

    /// <summary>The known kind, any case; null for anything else.</summary>
    public static string? Kind(string? value) =>
        Kinds.FirstOrDefault(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a known kind is a digest (rendered by <see cref="DigestMailRenderer"/>, with its own variables).</summary>
    public static bool IsDigest(string kind) => DigestKind.All.Contains(kind, StringComparer.Ordinal);

    public static Text Label(string kind) => IsDigest(kind) ? DigestKind.Label(kind) : CaseMailKind.Label(kind);

    /// <summary>The shipped text of a known kind's part.</summary>
    public static string ShippedSource(string kind, string culture, MailPart part) =>
        IsDigest(kind) ? DigestMailRenderer.ShippedSource(kind, culture, part) : CaseMailRenderer.ShippedSource(kind, culture, part);

    /// <summary>The fingerprint (SHA-256, hex) of a known kind's shipped part as this release ships it.</summary>
    public static string ShippedHash(string kind, string culture, MailPart part) => HashOf(ShippedSource(kind, culture, part));

    /// <summary>A template text's fingerprint as <see cref="ShippedHash"/> takes it (line ends and trailing blanks aside).</summary>
    public static string HashOf(string source) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Normalize(source).TrimEnd())));

    /// <summary>Whether the shipped text changed since <paramref name="row"/> was saved (unknown for older edits: false).</summary>
    public static bool ShippedChangedSince(MailTemplateRecord row) =>
        row.ShippedHash is { } saved && TryParsePart(row.Part, out var part) && saved != ShippedHash(row.Kind, row.Culture, part);

    /// <summary>
    /// Whether <paramref name="row"/> was saved before the shipped text's fingerprint was kept, so whether the shipped
    /// text changed since cannot be told: the edit page offers the current shipped text to compare with.
    /// </summary>
    public static bool ShippedUnknownSince(MailTemplateRecord row) => row.ShippedHash is null;

    /// <summary>Browsers send textareas with CRLF; templates are stored with LF.</summary>
    public static string Normalize(string source) => source.Replace("\r\n", "\n").Replace('\r', '\n');

    /// <summary>Whether <paramref name="source"/> is the shipped text (then no override is stored).</summary>
    public static bool IsShipped(string kind, string culture, MailPart part, string source) =>
        string.Equals(Normalize(source).TrimEnd(), Normalize(ShippedSource(kind, culture, part)).TrimEnd(), StringComparison.Ordinal);
}
