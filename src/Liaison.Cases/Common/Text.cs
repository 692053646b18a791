using System.Globalization;

namespace Liaison.Cases.Common;

/// <summary>
/// One user-facing phrase in both of Liaison's languages. Pages and emails show the reader's one; API problem details,
/// read by programs and by people of either language, carry both as "中文 / English".
/// </summary>
public readonly record struct Text(string Zh, string En)
{
    public string In(string? culture) => Cultures.IsEnglish(culture) ? En : Zh;

    public override string ToString() => $"{Zh} / {En}";

    /// <summary>
    /// The phrase where it stands alone, at the start of a cell, badge, option or sentence: its English with a capital
    /// (labels such as statuses are written lower-case, for use mid-sentence: "…; status: accepted").
    /// </summary>
    public Text Capitalized() => new(Zh, English.Capitalize(En));

    /// <summary>
    /// Reads a message written as <c>"field: 中文 / English"</c> (or without the field) back into its two languages;
    /// a message without " / " is the same in both.
    /// </summary>
    public static Text FromBilingual(string message)
    {
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        var prefix = colon > 0 && message.IndexOf(" / ", StringComparison.Ordinal) > colon ? message[..(colon + 2)] : "";
        var rest = message[prefix.Length..];
        var slash = rest.IndexOf(" / ", StringComparison.Ordinal);
        return slash < 0 ? new Text(message, message) : new Text(prefix + rest[..slash], prefix + rest[(slash + 3)..]);
    }
}

/// <summary>
/// Counts in English with a real plural ("1 case", "3 cases") instead of "case(s)". Chinese needs none: its counters do
/// not change with the number.
/// </summary>
public static class English
{
    /// <summary>"1 case", "3 cases", "0 cases"; the number as written by <paramref name="format"/> in the invariant culture.</summary>
    public static string Count(long n, string one, string many, string format = "0") =>
        $"{n.ToString(format, CultureInfo.InvariantCulture)} {Word(n, one, many)}";

    /// <summary>The word that agrees with <paramref name="n"/>, without the number: "was" or "were", "is" or "are".</summary>
    public static string Word(long n, string one, string many) => n == 1 ? one : many;

    /// <summary>"accepted" → "Accepted": a phrase starting a sentence, cell, badge or option. See <see cref="Text.Capitalized"/>.</summary>
    public static string Capitalize(string phrase) =>
        phrase.Length > 0 && char.IsLower(phrase[0]) ? char.ToUpperInvariant(phrase[0]) + phrase[1..] : phrase;

    /// <summary>
    /// "Reason: …" → "reason: …": a phrase written to start a sentence, going on after another one. Only a capital that
    /// starts an ordinary word is lowered (a lower-case letter follows it): "SMS" or "A" stay as they are.
    /// </summary>
    public static string GoOn(string phrase) =>
        phrase.Length > 1 && char.IsUpper(phrase[0]) && char.IsLower(phrase[1]) ? char.ToLowerInvariant(phrase[0]) + phrase[1..] : phrase;
}

/// <summary>The two cultures Liaison speaks: <c>zh-CN</c> (the default) and <c>en</c>.</summary>
public static class Cultures
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    public static IReadOnlyList<string> All { get; } = [Chinese, English];

    /// <summary>True for <c>en</c> and any <c>en-*</c>.</summary>
    public static bool IsEnglish(string? culture) =>
        culture is not null && (culture.Equals(English, StringComparison.OrdinalIgnoreCase) || culture.StartsWith("en-", StringComparison.OrdinalIgnoreCase));

    /// <summary>A language as its own speakers name it, the same on every page: English, or 中文.</summary>
    public static string Label(string? culture) => IsEnglish(culture) ? "English" : "中文";

    /// <summary><c>en</c> for any English culture, <c>zh-CN</c> for any Chinese one, null for anything else.</summary>
    public static string? Normalize(string? culture) =>
        IsEnglish(culture) ? English
        : culture is not null && (culture.Equals("zh", StringComparison.OrdinalIgnoreCase) || culture.StartsWith("zh-", StringComparison.OrdinalIgnoreCase)) ? Chinese
        : null;
}
