using System.Globalization;
using Liaison.Cases.Common;
using Liaison.Cases.Digests;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
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
        return app;
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

    /// <summary>
    /// Monday of this week to today: what the day's work has done so far (the default, the 7 days up to yesterday,
    /// is last week's on a Monday and shows none of today's).
    /// </summary>
    public string ThisWeekUrl =>
        $"{LeagueTablePages.Path}?from={LeagueTablePages.Day(Today.AddDays(-(((int)Today.DayOfWeek + 6) % 7)))}&to={LeagueTablePages.Day(Today)}";

    public string CsvUrl => $"/api/reports/league-table.csv?from={Uri.EscapeDataString(From)}&to={Uri.EscapeDataString(To)}";

    public bool AnyCoHandling => Table is { } t && t.Rows.Any(r => r.CoHandling != CoHandlingCounts.Zero);

    public bool AnyRating => Table is { } t && t.Rows.Any(r => r.Satisfaction != SatisfactionCounts.Zero);
}
