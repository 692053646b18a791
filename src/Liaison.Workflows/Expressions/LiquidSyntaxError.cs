using System.Text.RegularExpressions;

namespace Liaison.Workflows.Expressions;

/// <summary>
/// Fluid's parse error, read: what is wrong, and its line and column when Fluid gives them. Fluid's text goes on with
/// "Source:" and the template's line, which says nothing the position does not, and can hold " / " (the separator of
/// a bilingual message).
/// </summary>
/// <param name="What">Fluid's sentence, e.g. <c>End of tag '}}' was expected</c>.</param>
public sealed partial record LiquidSyntaxError(string What, int? Line, int? Column)
{
    public static LiquidSyntaxError Parse(string error)
    {
        var first = error.Trim().Split('\n')[0].Trim();
        var at = Position().Match(first);
        return at.Success
            ? new LiquidSyntaxError(at.Groups["what"].Value.Trim(), int.Parse(at.Groups["line"].Value), int.Parse(at.Groups["column"].Value))
            : new LiquidSyntaxError(first, null, null);
    }

    /// <summary>One line, in English: <c>Liquid syntax error at line 2, column 5: …</c>.</summary>
    public string English => Line is { } line
        ? $"Liquid syntax error at line {line}, column {Column}: {What}"
        : $"Liquid syntax error: {What}";

    [GeneratedRegex(@"^(?<what>.*?)\s+at\s+\((?<line>\d+):(?<column>\d+)\)\s*$")]
    private static partial Regex Position();
}
