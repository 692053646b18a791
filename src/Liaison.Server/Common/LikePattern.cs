namespace Liaison.Server.Common;

/// <summary>
/// A person's search text as a PostgreSQL <c>LIKE</c>/<c>ILIKE</c> pattern that finds it anywhere in a value. Its
/// <c>%</c>, <c>_</c> and <c>\</c> (the default escape character) match themselves: "_" finds an underscore, not
/// every case. Pass <see cref="Escape"/> as the escape character: without one, Npgsql writes <c>ESCAPE ''</c>.
/// </summary>
public static class LikePattern
{
    public const string Escape = @"\";

    public static string Containing(string text) =>
        "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
}
