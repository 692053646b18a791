using System.Globalization;
using Liaison.Cases.Common;

namespace Liaison.Server.Common;

/// <summary>A list page's <c>?page=</c>, read one way by every list page (the cases', the ratings awaiting a decision).</summary>
public static class PageNumber
{
    /// <summary>
    /// Blank is the first page (null); a whole number from 1 to <paramref name="max"/> is that page; anything else is
    /// refused with the reason (<paramref name="error"/>), never read as the first page.
    /// </summary>
    public static bool TryRead(string? value, int max, out int? page, out Text? error)
    {
        page = null;
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max)
        {
            page = n;
            return true;
        }

        error = new Text($"页码无效：{value}，页码须在 1 到 {max} 之间", $"Page must be a whole number from 1 to {max}, not '{value}'");
        return false;
    }
}
