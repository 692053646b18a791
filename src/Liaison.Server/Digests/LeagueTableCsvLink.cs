using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Liaison.Server.Digests;

/// <summary>What a shared CSV link's check found.</summary>
public enum CsvLinkCheck
{
    Valid,

    /// <summary>No signature, a signature that does not verify, or one for another period.</summary>
    Invalid,

    Expired,
}

/// <summary>
/// The weekly league-table mail's CSV link (下载 CSV（调度会用）) for recipients with no account: the zone leadership
/// (<c>Liaison:ZoneLeadership</c>) gets mail only, so the officers' <c>/api/reports/league-table.csv</c> answered them 401.
/// The link names its period in the clear and carries a signature over that period and an expiry (Data Protection, its
/// keys in the database, so any instance verifies what another signed): it downloads exactly that period's CSV, as of
/// the download, until it expires. The expiry is inside the signed text and checked against the app's
/// <see cref="TimeProvider"/> (the one clock), not with <c>ITimeLimitedDataProtector</c>, which reads the system clock.
/// </summary>
public sealed class LeagueTableCsvLinks(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string Path = "/reports/league-table.csv";

    /// <summary>A month: the dispatch meetings of the weeks after the mail, and the month's review.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(31);

    private readonly IDataProtector _protector = protection.CreateProtector("Liaison.Reports.LeagueTableCsv.v1");

    /// <summary>The absolute link for <paramref name="from"/>–<paramref name="to"/>, valid for <see cref="Lifetime"/> from now.</summary>
    public string Url(string baseUrl, DateOnly from, DateOnly to)
    {
        var expires = clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds();
        var payload = $"{Day(from)}|{Day(to)}|{expires.ToString(CultureInfo.InvariantCulture)}";
        var sig = WebEncoders.Base64UrlEncode(_protector.Protect(System.Text.Encoding.UTF8.GetBytes(payload)));
        return $"{baseUrl.TrimEnd('/')}{Path}?from={Day(from)}&to={Day(to)}&sig={sig}";
    }

    /// <summary>Whether <paramref name="sig"/> signs exactly this period and has not expired; the period when it does.</summary>
    public (CsvLinkCheck Check, DateOnly From, DateOnly To) Check(string? from, string? to, string? sig)
    {
        if (string.IsNullOrWhiteSpace(sig) || string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to) || sig.Length > 2048)
        {
            return (CsvLinkCheck.Invalid, default, default);
        }

        string payload;
        try
        {
            payload = System.Text.Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(sig.Trim())));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return (CsvLinkCheck.Invalid, default, default);
        }

        var parts = payload.Split('|');
        if (parts.Length != 3 || parts[0] != from.Trim() || parts[1] != to.Trim()
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f)
            || !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            return (CsvLinkCheck.Invalid, default, default);
        }

        return clock.GetUtcNow().ToUnixTimeSeconds() >= expires ? (CsvLinkCheck.Expired, f, t) : (CsvLinkCheck.Valid, f, t);
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
