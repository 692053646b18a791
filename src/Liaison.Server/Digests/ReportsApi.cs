using System.Globalization;
using System.Text;
using Liaison.Cases.Calendar;
using Liaison.Cases.Common;
using Liaison.Cases.Digests;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Liaison.Server.Digests;

/// <summary>The league table (红黄榜) on demand, as JSON and as CSV for the dispatch meeting (调度会).</summary>
public static class ReportsApi
{
    /// <summary>Longest period one request may cover.</summary>
    public const int MaxDays = 366;

    /// <summary>The days a period may cover: no case is older, and the calendar's arithmetic stays far from DateOnly's ends.</summary>
    public static readonly DateOnly Earliest = new(YearSchedule.MinYear, 1, 1), Latest = new(YearSchedule.MaxYear, 12, 31);

    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/reports").WithTags("Reports").RequirePolicy(Policies.Officer);
        api.MapGet("/league-table", LeagueTableJson);
        api.MapGet("/league-table.csv", LeagueTableCsv);
        return api;
    }

    /// <param name="from">First local day (yyyy-MM-dd); default: Monday of last week (with <paramref name="to"/>: 6 days before it).</param>
    /// <param name="to">Last local day, inclusive (yyyy-MM-dd); default: Sunday of last week (with <paramref name="from"/>: yesterday).</param>
    public static async Task<Results<Ok<LeagueTableDto>, BadRequestProblem>> LeagueTableJson(
        string? from, string? to, DigestService digests, CalendarService calendars, TimeProvider clock, LiaisonDbContext db, CancellationToken ct)
    {
        var (period, problem) = Period(from, to, calendars, clock);
        if (problem is not null) return problem;
        var keyService = await KeyEnterpriseServiceQuery.CountAsync(db, await calendars.GetAsync(ct), period.From, period.To, clock.GetUtcNow(), ct);
        return TypedResults.Ok(LeagueTableDto.Of(await digests.ComputeLeagueTableAsync(period.From, period.To, ct)) with
        {
            KeyEnterpriseService = KeyEnterpriseServiceDto.From(keyService),
        });
    }

    /// <param name="from">First local day (yyyy-MM-dd); default: Monday of last week (with <paramref name="to"/>: 6 days before it).</param>
    /// <param name="to">Last local day, inclusive (yyyy-MM-dd); default: Sunday of last week (with <paramref name="from"/>: yesterday).</param>
    public static async Task<Results<FileContentHttpResult, BadRequestProblem>> LeagueTableCsv(
        string? from, string? to, DigestService digests, CalendarService calendars, TimeProvider clock, LiaisonDbContext db, CancellationToken ct)
    {
        var (period, problem) = Period(from, to, calendars, clock);
        if (problem is not null) return problem;
        var table = await digests.ComputeLeagueTableAsync(period.From, period.To, ct);
        var keyService = await KeyEnterpriseServiceQuery.CountAsync(db, await calendars.GetAsync(ct), period.From, period.To, clock.GetUtcNow(), ct);
        return TypedResults.File(Csv(table, keyService), "text/csv; charset=utf-8", $"league-table-{period.From:yyyy-MM-dd}-{period.To:yyyy-MM-dd}.csv");
    }

    /// <summary>
    /// UTF-8 with a byte-order mark (so Excel reads the Chinese), CRLF lines, a bilingual header row, one row per
    /// department and a total row. Rates as percentages, which Excel reads as numbers. The lead (主办) columns come
    /// first as they always have; the co-handling (协办) columns follow them.
    /// </summary>
    /// <param name="keyService">The key-enterprise service block (重点企业服务), appended after a blank line.</param>
    public static byte[] Csv(LeagueTableResult table, KeyEnterpriseServiceCounts? keyService = null)
    {
        string[] header =
        [
            "部门代码 Department code", "部门 Department", "标记 Mark", "收到 Received", "签收 Accepted", "按时签收 Accepted on time",
            "按时签收率 On-time accept rate", "办结 Resolved", "按时办结 Resolved on time", "按时办结率 On-time resolve rate",
            "当前超期 Overdue now", "退回 Returns", "坚持原派 Insisted", "延期申请 Extension requests", "重办 Reopenings", "办结用时中位数（工作日） Median working days to resolve",
            "协办收到 Co-handling received", "协办签收 Co-handling accepted", "协办按时签收 Co-handling accepted on time",
            "协办按时签收率 Co-handling on-time accept rate", "协办提交 Parts submitted", "协办按时提交 Parts submitted on time",
            "协办逾期未提交（主办先行办结） Parts not submitted by their deadline (lead resolved)", "协办按时提交率 On-time submit rate", "协办当前超期 Parts overdue now", "协办退回 Parts returned",
            "协办延期申请 Parts' extension requests",
            "企业满意 Satisfied", "企业基本满意 Fairly satisfied", "企业不满意 Unsatisfied", "企业已评价 Rated", "满意率 Satisfaction rate",
            "评价期满未评价 Rating windows expired",
        ];
        var sb = new StringBuilder();
        Common.Csv.AppendLine(sb, header);
        foreach (var r in table.Rows.Append(table.Totals))
        {
            var mark = r == table.Totals ? "" : r.Mark switch { LeagueMark.Red => "红 Red", LeagueMark.Yellow => "黄 Yellow", _ => "" };
            string[] cells =
            [
                r.DepartmentCode, r.DepartmentName, mark, N(r.Received), N(r.Accepted), N(r.AcceptedOnTime), Rate(r.AcceptOnTimeRate),
                N(r.Resolved), N(r.ResolvedOnTime), Rate(r.ResolveOnTimeRate), N(r.OverdueNow), N(r.Returns), N(r.Insists), N(r.Extensions),
                N(r.Reopenings), r.MedianWorkingDaysToResolve?.ToString("0.#", CultureInfo.InvariantCulture) ?? "",
                N(r.CoHandling.Received), N(r.CoHandling.Accepted), N(r.CoHandling.AcceptedOnTime), Rate(r.CoHandling.AcceptOnTimeRate),
                N(r.CoHandling.Submitted), N(r.CoHandling.SubmittedOnTime), N(r.CoHandling.Overridden), Rate(r.CoHandling.SubmitOnTimeRate),
                N(r.CoHandling.OverdueNow), N(r.CoHandling.Returns), N(r.CoHandling.Extensions),
                N(r.Satisfaction.Satisfied), N(r.Satisfaction.FairlySatisfied), N(r.Satisfaction.Unsatisfied), N(r.Satisfaction.Rated),
                Rate(r.Satisfaction.Rate), N(r.Satisfaction.Expired),
            ];
            Common.Csv.AppendLine(sb, cells);
        }

        if (keyService is { } k)
        {
            // Zone-wide, after the departments: a blank line, then one label and value a line.
            Common.Csv.AppendLine(sb.Append("\r\n"), ["重点企业服务 Key-enterprise service"]);
            foreach (var (label, value) in KeyEnterpriseServiceCsv.Lines(k))
            {
                Common.Csv.AppendLine(sb, [label, value]);
            }
        }

        return Common.Csv.Utf8WithBom(sb);

        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        static string Rate(double? rate) => rate is null ? "" : DigestMailRenderer.Percent(rate);
    }

    private static ((DateOnly From, DateOnly To) Period, BadRequestProblem? Problem) Period(string? from, string? to, CalendarService calendars, TimeProvider clock)
    {
        var (period, error) = TryPeriod(from, to, calendars, clock);
        return error is { } e ? (default, new BadRequestProblem(e)) : (period!.Value, null);
    }

    /// <summary>
    /// The local days a request asks for, <paramref name="from"/>–<paramref name="to"/> (yyyy-MM-dd), checked: by default
    /// last week, Monday to Sunday in the zone's time (<see cref="LastWeek"/>, what the weekly mail reports); with only
    /// <paramref name="to"/>, the 7 days up to it; with only <paramref name="from"/>, up to yesterday; at most <see cref="MaxDays"/> days.
    /// The errors name the API's parameters (开始日期（from）), or with <paramref name="asFields"/> the page's fields
    /// (开始日期, Start date).
    /// </summary>
    public static ((DateOnly From, DateOnly To)? Period, Text? Error) TryPeriod(
        string? from, string? to, CalendarService calendars, TimeProvider clock, bool asFields = false)
    {
        var fromName = asFields ? new Text("开始日期", "Start date") : new Text("开始日期（from）", "from");
        var toName = asFields ? new Text("结束日期", "End date") : new Text("结束日期（to）", "to");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), calendars.TimeZone).DateTime);
        var lastWeek = LastWeek(today);
        DateOnly f = lastWeek.From, t = string.IsNullOrWhiteSpace(from) ? lastWeek.To : today.AddDays(-1);
        if (!string.IsNullOrWhiteSpace(to) && !DateOnly.TryParseExact(to.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out t))
        {
            return (null, new Text($"{toName.Zh}不是有效日期（yyyy-MM-dd）：{to}", $"{toName.En} must be a date as yyyy-MM-dd, got '{to}'"));
        }

        if (t < Earliest || t > Latest)
        {
            return (null, OutOfRange(toName));
        }

        if (string.IsNullOrWhiteSpace(from))
        {
            f = t.AddDays(-6);
        }
        else if (!DateOnly.TryParseExact(from.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out f))
        {
            return (null, new Text($"{fromName.Zh}不是有效日期（yyyy-MM-dd）：{from}", $"{fromName.En} must be a date as yyyy-MM-dd, got '{from}'"));
        }

        if (f < Earliest || f > Latest)
        {
            return (null, OutOfRange(fromName));
        }

        if (f > t)
        {
            return (null, new Text($"{fromName.Zh}不能晚于{toName.Zh}", $"{fromName.En} must not be after {(asFields ? toName.En.ToLowerInvariant() : toName.En)}"));
        }

        if (t.DayNumber - f.DayNumber + 1 > MaxDays)
        {
            return (null, new Text($"统计期间不能超过 {MaxDays} 天", $"the period may cover at most {MaxDays} days"));
        }

        return ((f, t), null);
    }

    /// <summary>The full week before <paramref name="today"/>'s, Monday to Sunday: the weekly mail's period (上周).</summary>
    public static (DateOnly From, DateOnly To) LastWeek(DateOnly today)
    {
        var monday = DigestSchedule.WeekStart(today);
        return (monday.AddDays(-7), monday.AddDays(-1));
    }

    private static Text OutOfRange(Text name) => new(
        $"{name.Zh}须在 {Earliest:yyyy-MM-dd} 至 {Latest:yyyy-MM-dd} 之间", $"{name.En} must be between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}");
}

public sealed record LeagueTableDto(DateOnly From, DateOnly To, DateTimeOffset GeneratedAt, LeagueRulesDto Rules, IReadOnlyList<LeagueRowDto> Rows, LeagueRowDto Totals)
{
    /// <summary>The key-enterprise service block (重点企业服务), zone-wide.</summary>
    public KeyEnterpriseServiceDto? KeyEnterpriseService { get; init; }

    public static LeagueTableDto Of(LeagueTableResult t) =>
        new(t.From, t.To, t.GeneratedAt, new LeagueRulesDto(t.Rules.RedBelow, t.Rules.YellowBelow), t.Rows.Select(LeagueRowDto.From).ToList(), LeagueRowDto.From(t.Totals));
}

public sealed record LeagueRulesDto(double RedBelow, double YellowBelow);

/// <summary>
/// One department; rates are 0–1, null when there was nothing to rate. The top-level counts are the department's lead
/// (主办) work; <see cref="CoHandling"/> its parts of joint cases (协办).
/// </summary>
public sealed record LeagueRowDto(
    string DepartmentCode, string DepartmentName, LeagueMark Mark, int Received, int Accepted, int AcceptedOnTime, double? AcceptOnTimeRate,
    int Resolved, int ResolvedOnTime, double? ResolveOnTimeRate, int OverdueNow, int Returns, int Extensions, int Reopenings,
    double? MedianWorkingDaysToResolve, CoHandlingDto CoHandling)
{
    public static LeagueRowDto From(LeagueRow r) => new(
        r.DepartmentCode, r.DepartmentName, r.Mark, r.Received, r.Accepted, r.AcceptedOnTime, r.AcceptOnTimeRate, r.Resolved, r.ResolvedOnTime,
        r.ResolveOnTimeRate, r.OverdueNow, r.Returns, r.Extensions, r.Reopenings, r.MedianWorkingDaysToResolve, CoHandlingDto.From(r.CoHandling))
    {
        Satisfaction = SatisfactionDto.From(r.Satisfaction),
        Insists = r.Insists,
    };

    /// <summary>Returns the officer insisted on (坚持原派): the case went back to this department, counted against it.</summary>
    public int Insists { get; init; }

    /// <summary>The enterprises' ratings of the department's lead cases (满意率); see <see cref="SatisfactionDto"/>.</summary>
    public SatisfactionDto Satisfaction { get; init; } = SatisfactionDto.From(SatisfactionCounts.Zero);
}

/// <summary>
/// The enterprises' ratings counted for the department (the lead at confirmation) by the rating's time: rate =
/// (satisfied + fairlySatisfied) / rated, null when nothing was rated; expired windows (no rating) are not in the rate.
/// </summary>
public sealed record SatisfactionDto(int Satisfied, int FairlySatisfied, int Unsatisfied, int Rated, double? Rate, int Expired)
{
    public static SatisfactionDto From(SatisfactionCounts s) => new(s.Satisfied, s.FairlySatisfied, s.Unsatisfied, s.Rated, s.Rate, s.Expired);
}

/// <summary>
/// A department's co-handling parts: received (distinct cases), accepted (on time), submitted (on time by the part's
/// original deadline), resolved over by the lead after the part's deadline had passed (never submitted; late in the submit rate; one resolved over before its deadline is not counted), overdue now, returned,
/// extensions asked for (申请延期, decided or not).
/// </summary>
public sealed record CoHandlingDto(
    int Received, int Accepted, int AcceptedOnTime, double? AcceptOnTimeRate, int Submitted, int SubmittedOnTime, int Overridden,
    double? SubmitOnTimeRate, int OverdueNow, int Returns, int Extensions)
{
    public static CoHandlingDto From(CoHandlingCounts c) => new(
        c.Received, c.Accepted, c.AcceptedOnTime, c.AcceptOnTimeRate, c.Submitted, c.SubmittedOnTime, c.Overridden, c.SubmitOnTimeRate,
        c.OverdueNow, c.Returns, c.Extensions);
}
