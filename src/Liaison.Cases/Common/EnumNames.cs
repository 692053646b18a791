namespace Liaison.Cases.Common;

/// <summary>Reads an enum value from a caller's text by its name only.</summary>
public static class EnumNames
{
    /// <summary>
    /// The member of <typeparamref name="T"/> named <paramref name="text"/> (case and surrounding spaces ignored).
    /// Unlike <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>, a number ("1", "99") or a list of names
    /// ("pending,sent") is no name, so it is refused rather than read as some member or as none at all.
    /// </summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        var name = text?.Trim();
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(candidate.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
