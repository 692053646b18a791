namespace Liaison.Cases.Common;

/// <summary>
/// When two names people type are one name: departments and categories refuse a name another one has, and the name
/// typed for a case's registered enterprise must be the register's. Spaces around it, letter case, and full-width
/// against half-width forms (（集团） and (集团), ＡＢＣ and ABC) do not make another name.
/// </summary>
public static class Names
{
    public static bool Same(string a, string b) => string.Equals(Fold(a), Fold(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space as their ASCII letters, trimmed: what NFKC does for
    /// them, which the invariant globalization mode the server runs in does not do.
    /// </summary>
    public static string Fold(string name) => string.Create(name.Length, name, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var ch = source[i];
            span[i] = ch switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(ch - 0xFEE0),
                '\u3000' => ' ',
                _ => ch,
            };
        }
    }).Trim();
}
