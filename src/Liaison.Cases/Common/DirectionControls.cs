using System.Buffers;

namespace Liaison.Cases.Common;

/// <summary>
/// The bidirectional embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI): each changes the
/// direction of the text after it, so "事项\u202E说明" reads backwards from there, in a timeline, a mail subject, a page.
/// Refused in every text people store to be shown (a form's field, a mail template, a workflow definition, a holiday's
/// name): one rule, said in one way. The direction marks (U+200E, U+200F, U+061C) only affect their neighbours, and
/// stay allowed.
/// </summary>
public static class DirectionControls
{
    private static readonly SearchValues<char> All = SearchValues.Create("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    public static bool In(string? value) => value is not null && value.AsSpan().ContainsAny(All);

    /// <summary>What is said of a field holding one.</summary>
    public static Text Refused { get; } = new(
        "不能含有文字方向控制字符（U+202A–U+202E、U+2066–U+2069）", "must not contain text-direction control characters (U+202A–U+202E, U+2066–U+2069)");
}
