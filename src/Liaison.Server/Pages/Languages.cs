using System.Text.RegularExpressions;

namespace Liaison.Server.Pages;

/// <summary>
/// Which words of a page are in the other language: the Chinese names (departments, people, enterprises) and notes on an
/// English page, the English names on a Chinese one. Marked with <c>lang</c>, a screen reader pronounces them in their
/// own language instead of spelling Chinese out character by character or reading English with Chinese sounds.
/// </summary>
public static partial class Languages
{
    /// <summary>
    /// The <c>lang</c> a whole name or text needs on a page in the reader's language: <c>zh</c> on an English page when
    /// it has Chinese in it, <c>en</c> on a Chinese page when it is English only; null (no attribute) when it is in the
    /// page's language, or has no words (a number, a code).
    /// </summary>
    public static string? Of(string? text, bool english) =>
        text is not { Length: > 0 } ? null
        : english ? (Chinese().IsMatch(text) ? "zh" : null)
        : !Chinese().IsMatch(text) && English().IsMatch(text) ? "en" : null;

    /// <summary>
    /// A text of the page's language cut into runs, each with the <c>lang</c> it needs (null for the page's own): on an
    /// English page the Chinese runs, on a Chinese page the English words. Codes, email addresses and web addresses are
    /// not words: they stay in the run around them.
    /// </summary>
    public static IEnumerable<(string Run, string? Lang)> Runs(string? text, bool english)
    {
        if (text is not { Length: > 0 })
        {
            yield break;
        }

        var (other, lang) = english ? (Chinese(), "zh") : (English(), "en");
        var at = 0;
        foreach (Match m in other.Matches(text))
        {
            if (m.Index > at)
            {
                yield return (text[at..m.Index], null);
            }

            yield return (m.Value, lang);
            at = m.Index + m.Length;
        }

        if (at < text.Length)
        {
            yield return (text[at..], null);
        }
    }

    /// <summary>Chinese characters and the full-width punctuation around them; spaces and digits inside a run stay in it (第 2 轮).</summary>
    [GeneratedRegex(@"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u3000-\u303F\uFF01-\uFF60]+(?:[ \d]+[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u3000-\u303F\uFF01-\uFF60]+)*")]
    private static partial Regex Chinese();

    /// <summary>English words (Amy Chen, O'Neil, Smith &amp; Co.), not part of a code (AYKF-2026-…), an email or a web address.</summary>
    [GeneratedRegex(@"(?<![\w@./:\-])[A-Za-z]+(?:[ '&.\-]+[A-Za-z]+)*\.?(?![\w@/:\-])")]
    private static partial Regex English();
}
