using System.Text.RegularExpressions;
using Liaison.Cases.Common;

namespace Liaison.Cases.Enterprises;

/// <summary>
/// A contact typed as one line on a new case ("王经理 13800000000", "Ms Li, li@example.com"), read into the register's
/// shape: a name and a phone or an email. Used when the case registers its enterprise, so the register starts with the
/// person the officer spoke to.
/// </summary>
public static partial class TypedContact
{
    /// <summary>What the register stores for a contact whose line gives no name.</summary>
    public const string UnnamedContact = "联系人";

    /// <summary>The contact in <paramref name="text"/>, or null when it holds neither a phone number nor an email address, or a name too long for the register.</summary>
    public static (string Name, string? Phone, string? Email)? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // Full-width digits and brackets, as Chinese input methods type them, read as their ASCII forms.
        var rest = new string(text.Select(ch => ch switch
        {
            >= '０' and <= '９' => (char)('0' + (ch - '０')),
            '（' => '(',
            '）' => ')',
            '＋' => '+',
            _ => ch,
        }).ToArray());
        string? email = null;
        if (EmailPattern().Match(rest) is { Success: true } e && EmailAddress.IsValid(e.Value))
        {
            email = e.Value;
            rest = rest.Remove(e.Index, e.Length).Insert(e.Index, " ");
        }

        string? phone = null;
        foreach (Match p in PhonePattern().Matches(rest))
        {
            var candidate = p.Value.Trim();
            if (candidate.Count(char.IsAsciiDigit) >= 5 && candidate.Length <= 32)
            {
                phone = candidate;
                rest = rest.Remove(p.Index, p.Length).Insert(p.Index, " ");
                break;
            }
        }

        if (phone is null && email is null)
        {
            return null;
        }

        var name = Spaces().Replace(NameIn(rest), " ").Trim();
        if (name.Length > 100)
        {
            return null;
        }

        return (name.Length == 0 ? UnnamedContact : name, phone, email);
    }

    /// <summary>
    /// The name left around the phone and email, without labels and separators. Text that looks like markup
    /// (<c>&lt;i&gt;经理&lt;/i&gt;</c>) is kept as typed, tags and all, and shown escaped: its brackets and slashes are
    /// no separators (they made "i 经理 i"); the brackets left around an email taken out ("王经理 &lt;wang@x.cn&gt;") still are.
    /// </summary>
    private static string NameIn(string rest)
    {
        var name = new System.Text.StringBuilder(rest.Length);
        var at = 0;
        foreach (Match tag in Tag().Matches(rest))
        {
            name.Append(Plain(rest[at..tag.Index])).Append(tag.Value);
            at = tag.Index + tag.Length;
        }

        return name.Append(Plain(rest[at..])).ToString();

        static string Plain(string text) => Separators().Replace(Labels().Replace(text, " "), " ");
    }

    /// <summary>An opening, closing or empty tag: <c>&lt;i&gt;</c>, <c>&lt;/i&gt;</c>, <c>&lt;br/&gt;</c>, <c>&lt;a href="…"&gt;</c>.</summary>
    [GeneratedRegex(@"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    /// <summary>An address's local part in ASCII: "邮箱wang@x.cn" is the label 邮箱 and wang@x.cn, not one undeliverable address.</summary>
    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    /// <summary>Digits with the separators phone numbers are written with: +86 138-0000-0000, (0832) 1234567, 138 0000 0000.</summary>
    [GeneratedRegex(@"(?<!\d)\+?\(?\d[\d\-() ]{3,30}\d(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"[,，;；:：/、|()（）<>《》\[\]【】\-–—]+")]
    private static partial Regex Separators();

    /// <summary>The words a line labels its parts with (联系人：…，电话：…), which are no part of the name.</summary>
    [GeneratedRegex(@"联系人|联系电话|电话|手机|邮箱|电子邮件|(?i:\b(?:contact|tel|phone|mobile|e-?mail)\b)")]
    private static partial Regex Labels();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
