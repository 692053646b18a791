using Liaison.Cases.Enterprises;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Enterprises;

/// <summary>
/// A search text read as (the start of) a unified social credit code: the register's list and the case list find an
/// enterprise by its code or a prefix of it, from the register's prefix index (<c>ix_enterprises_credit_code_prefix</c>).
/// </summary>
public static class CreditCodeSearch
{
    /// <summary>A shorter prefix is too likely a piece of a title or a number to be meant as a code.</summary>
    public const int MinPrefixLength = 6;

    /// <summary>The text, upper-cased, when it can be the start of a credit code (6 to 18 letters and digits); null otherwise.</summary>
    public static string? Prefix(string? text)
    {
        var t = text?.Trim().ToUpperInvariant();
        return t is { Length: >= MinPrefixLength and <= UnifiedSocialCreditCode.Length } && t.All(char.IsAsciiLetterOrDigit) ? t : null;
    }

    /// <summary>
    /// The register entries whose code starts with <paramref name="prefix"/> (from <see cref="Prefix"/>). Inlined, not a
    /// parameter: LIKE reads the prefix index only when the planner sees the pattern, which a prepared statement's generic
    /// plan does not. Safe: the prefix is letters and digits only.
    /// </summary>
    public static IQueryable<RegisteredEnterprise> Starting(IQueryable<RegisteredEnterprise> register, string prefix)
    {
        var pattern = Pattern(prefix);
        return register.Where(e => EF.Functions.Like(e.CreditCode, EF.Constant(pattern)));
    }

    /// <summary>The LIKE pattern of the codes starting with <paramref name="prefix"/> (from <see cref="Prefix"/>: nothing to escape).</summary>
    public static string Pattern(string prefix) => prefix + "%";
}
