using System.Text.RegularExpressions;

namespace Liaison.Cases.Common;

/// <summary>A deliberately plain email check: one @, no spaces or separators, a dotted domain. Mail servers decide the rest.</summary>
public static partial class EmailAddress
{
    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= 254 } && Pattern().IsMatch(value);

    /// <summary>The same mailbox: addresses compared as stored, without surrounding spaces and case.</summary>
    public static bool Same(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[^@\s<>(),;:""\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
