using Liaison.Cases.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Templates;

/// <summary>
/// An admin's edit of one part of one case email (table <c>mail_templates</c>). No row means the shipped template.
/// </summary>
public sealed class MailTemplateRecord
{
    /// <summary>A <see cref="CaseMailKind"/>, e.g. <c>dispatch</c>.</summary>
    public required string Kind { get; set; }

    /// <summary><c>zh-CN</c> or <c>en</c>.</summary>
    public required string Culture { get; set; }

    /// <summary><c>subject</c>, <c>html</c> or <c>text</c> (see <see cref="MailTemplateKeys.PartName"/>).</summary>
    public required string Part { get; set; }

    /// <summary>The Liquid source, validated with <see cref="CaseMailRenderer.Validate"/> before it was stored.</summary>
    public required string Source { get; set; }

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
    }
}

/// <summary>Parsing and spelling of the (kind, culture, part) of a template, shared by the API, the pages and the store.</summary>
public static class MailTemplateKeys
{
    /// <summary>Longest template source accepted, in characters.</summary>
    public const int MaxSourceLength = 100_000;

    public static IReadOnlyList<MailPart> Parts { get; } = [MailPart.Subject, MailPart.Html, MailPart.Text];

    public static string PartName(MailPart part) => part switch
    {
        MailPart.Subject => "subject",
        MailPart.Html => "html",
        MailPart.Text => "text",
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

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

    /// <summary>The known kind, any case; null for anything else.</summary>
    public static string? Kind(string? value) =>
        CaseMailKind.All.FirstOrDefault(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase));

    /// <summary>Browsers send textareas with CRLF; templates are stored with LF.</summary>
    public static string Normalize(string source) => source.Replace("\r\n", "\n").Replace('\r', '\n');

    /// <summary>Whether <paramref name="source"/> is the shipped text (then no override is stored).</summary>
    public static bool IsShipped(string kind, string culture, MailPart part, string source) =>
        string.Equals(Normalize(source).TrimEnd(), Normalize(CaseMailRenderer.ShippedSource(kind, culture, part)).TrimEnd(), StringComparison.Ordinal);
}
