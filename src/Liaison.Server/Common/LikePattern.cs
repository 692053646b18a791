namespace Liaison.Server.Common;

/// <summary>
/// A person's search text as a PostgreSQL <c>LIKE</c>/<c>ILIKE</c> pattern that finds it anywhere in a value. Its
/// <c>%</c>, <c>_</c> and <c>\</c> (the default escape character) match themselves: "_" finds an underscore, not
/// every case. A bracket finds a half-width or a full-width one. Pass <see cref="Escape"/> as the escape character:
/// without one, Npgsql writes <c>ESCAPE ''</c>.
/// </summary>
public static class LikePattern
{
    public const string Escape = @"\";

    public static string Containing(string text) =>
        "%" + string.Concat(text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal)
            .Select(ch => Brackets.Contains(ch) ? "_" : ch.ToString())) + "%";

    // Half-width and full-width brackets are typed for one another (有限公司(示例) for 有限公司（示例）): either finds both.
    // A bracket then matches any one character: a little more than was typed, never less.
    private const string Brackets = "()（）";
}
