using System.Globalization;
using Liaison.Cases.Common;
using Liaison.Cases.Digests;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Liaison.Server.Pages;

namespace Liaison.Server.Digests;

/// <summary>
/// The league table (红黄榜) as a page for officers and the zone's leadership: any period (by default last week, as
/// the Monday mail has it), the lead and co-handling tables, the enterprises' satisfaction, the key-enterprise service
/// block, and the CSV for the dispatch meeting. The same figures as <see cref="ReportsApi"/>.
/// </summary>
public static class LeagueTablePages
{
    public const string Path = "/reports/league-table";

    public static IEndpointRouteBuilder MapLeagueTablePages(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Show).RequireAuthorization(Policies.Officer).ExcludeFromDescription();
        // Anonymous, and each download computes the table: limited per client as the personal links' actions are.
        app.MapGet(LeagueTableCsvLinks.Path, SharedCsv).AllowAnonymous().RequireRateLimiting(SessionSecurity.LinkPostPolicy).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The weekly mail's signed CSV link (<see cref="LeagueTableCsvLinks"/>), for recipients with no account. A link
    /// without a valid signature for its period is refused (404), an expired one is gone (410): as a page for a
    /// browser, as problem details otherwise.
    /// </summary>
    private static async Task<IResult> SharedCsv(
        string? from, string? to, string? sig, HttpContext http, LeagueTableCsvLinks links, DigestService digests, CalendarService calendars,
        TimeProvider clock, LiaisonDbContext db, CancellationToken ct)
    {
        var (check, f, t) = links.Check(from, to, sig);
        var browser = http.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
        switch (check)
        {
            case CsvLinkCheck.Invalid:
                var invalid = new Text("链接无效：请使用红黄榜邮件中的完整链接，或登录后在红黄榜页面下载。",
                    "This link is not valid: use the whole link from the league-table mail, or sign in and download it from the league-table page.");
                return browser
                    ? PageResults.Message(new MessageModel(new Text("链接无效", "Invalid link"), invalid) { Navigation = false }, StatusCodes.Status404NotFound)
                    : new NotFoundProblem(invalid);
            case CsvLinkCheck.Expired:
                var expired = new Text(
                    $"此下载链接（{Day(f)} 至 {Day(t)}）已过期（有效期 {LeagueTableCsvLinks.Lifetime.Days} 天）：请使用最近一封红黄榜邮件中的链接，或联系园区管理员。",
                    $"This download link ({Day(f)} to {Day(t)}) has expired (links last {LeagueTableCsvLinks.Lifetime.Days} days): use the link in the latest league-table mail, or ask the zone's admin.");
                return browser
                    ? PageResults.Message(new MessageModel(new Text("链接已过期", "Link expired"), expired) { Navigation = false }, StatusCodes.Status410Gone)
                    : new GoneProblem(expired);
        }

        var table = await digests.ComputeLeagueTableAsync(f, t, ct);
        var keyService = await KeyEnterpriseServiceQuery.CountAsync(db, await calendars.GetAsync(ct), f, t, clock.GetUtcNow(), ct);
        // The table as of the download, behind a secret address: kept by no cache.
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(ReportsApi.Csv(table, keyService), "text/csv; charset=utf-8", $"league-table-{Day(f)}-{Day(t)}.csv");
    }

    private static async Task<IResult> Show(
        string? from, string? to, DigestService digests, CalendarService calendars, TimeProvider clock, LiaisonDbContext db, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), calendars.TimeZone).DateTime);
        var (period, error) = ReportsApi.TryPeriod(from, to, calendars, clock, asFields: true);
        if (error is { } e)
        {
            return PageResults.Page<LeagueTablePage>(
                new LeagueTablePageModel(from ?? "", to ?? "", null, null, e) { Today = today }, StatusCodes.Status400BadRequest);
        }

        var (f, t) = period!.Value;
        var table = await digests.ComputeLeagueTableAsync(f, t, ct);
        var keyService = await KeyEnterpriseServiceQuery.CountAsync(db, await calendars.GetAsync(ct), f, t, clock.GetUtcNow(), ct);
        return PageResults.Page<LeagueTablePage>(new LeagueTablePageModel(Day(f), Day(t), table, keyService, null) { Today = today });
    }

    internal static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <param name="From">The period's first day as asked (yyyy-MM-dd), kept in the form when it is wrong.</param>
/// <param name="Table">Null when the period is wrong (<paramref name="Error"/>).</param>
public sealed record LeagueTablePageModel(string From, string To, LeagueTableResult? Table, KeyEnterpriseServiceCounts? KeyService, Text? Error)
{
    /// <summary>Today in the zone's time.</summary>
    public DateOnly Today { get; init; }

    /// <summary>Monday of this week to today: what the day's work has done so far (the default, last week, shows none of today's).</summary>
    public string ThisWeekUrl => Url(Monday, Today);

    /// <summary>The first of this month to today.</summary>
    public string ThisMonthUrl => Url(new DateOnly(Today.Year, Today.Month, 1), Today);

    /// <summary>1 January to today.</summary>
    public string ThisYearUrl => Url(new DateOnly(Today.Year, 1, 1), Today);

    /// <summary>Last week, Monday to Sunday: what the Monday mail reported, and the default.</summary>
    public string LastWeekUrl => Url(ReportsApi.LastWeek(Today).From, ReportsApi.LastWeek(Today).To);

    /// <summary>Last calendar month, for the monthly review.</summary>
    public string LastMonthUrl => Url(new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1), new DateOnly(Today.Year, Today.Month, 1).AddDays(-1));

    private DateOnly Monday => DigestSchedule.WeekStart(Today);

    private static string Url(DateOnly from, DateOnly to) => $"{LeagueTablePages.Path}?from={LeagueTablePages.Day(from)}&to={LeagueTablePages.Day(to)}";

    /// <summary><c>page</c> when <paramref name="url"/> (a common period's) is the period shown, so its link shows as selected.</summary>
    public string? Current(string url) => Table is not null && url == $"{LeagueTablePages.Path}?from={From}&to={To}" ? "page" : null;

    public string CsvUrl => $"/api/reports/league-table.csv?from={Uri.EscapeDataString(From)}&to={Uri.EscapeDataString(To)}";

    public bool AnyCoHandling => Table is { } t && t.Rows.Any(r => r.CoHandling != CoHandlingCounts.Zero);

    public bool AnyRating => Table is { } t && t.Rows.Any(r => r.Satisfaction != SatisfactionCounts.Zero);
}
