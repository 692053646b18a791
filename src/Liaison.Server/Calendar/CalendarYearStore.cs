using Liaison.Cases.Calendar;
using Liaison.Cases.Common;
using Liaison.Server.Audit;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Calendar;

/// <summary>
/// Stores an admin's year schedule and queues the recomputation of the open cases' deadlines it may move. Shared by <c>PUT /api/calendar/years/{year}</c> and the admin calendar page.
/// </summary>
public static class CalendarYearStore
{
    /// <summary>Every year the calendar knows, shipped or stored by an admin.</summary>
    public static async Task<List<YearDto>> ListAsync(CalendarService calendars, LiaisonDbContext db, CancellationToken ct)
    {
        var calendar = await calendars.GetAsync(ct);
        var stored = (await db.Set<CalendarYearRecord>().AsNoTracking().ToListAsync(ct)).ToDictionary(r => r.Year);
        return calendar.Schedules
            .Select(s => new YearDto(s.Year, s.Version, s.Source, stored.ContainsKey(s.Year) ? "admin" : "shipped", s.Holidays.Count, s.Workdays.Count,
                RecomputeDto.From(stored.GetValueOrDefault(s.Year))))
            .OrderBy(y => y.Year)
            .ToList();
    }

    /// <summary>
    /// The years open cases' deadlines fall in that have no schedule loaded, with how many such cases each: their deadlines
    /// count Monday to Friday and are provisional, and admins are warned (the start page and the calendar page). Counted
    /// by the deadline's local year in the database, from the cases' own small index (ix_cases_provisional_open, whose
    /// filter is this WHERE): reading every such deadline into memory took 265 ms at a million cases.
    /// </summary>
    public static async Task<List<ProvisionalYear>> UnscheduledYearsAsync(LiaisonDbContext db, CalendarService calendars, CancellationToken ct)
    {
        var calendar = await calendars.GetAsync(ct);
        // The filter is the model's constant SQL (no input in it); the time zone goes as a parameter.
        var sql = $$"""
            SELECT EXTRACT(YEAR FROM due_at AT TIME ZONE {0})::int AS year, count(*)::int AS cases
            FROM cases WHERE {{LiaisonDbContext.OpenProvisionalCases}}
            GROUP BY 1
            """;
        var provisional = await db.Database.SqlQueryRaw<ProvisionalYear>(sql, calendar.TimeZone.Id).ToListAsync(ct);
        // A year loaded since is not missing: its cases are being recomputed.
        return provisional.Where(p => p.Year is { } year && !calendar.HasYear(year)).OrderBy(p => p.Year).ToList();
    }

    /// <summary>
    /// Adds or replaces <paramref name="schedule"/>'s year and, in the same commit, queues the recomputation of the open
    /// cases' deadlines it may move, which a job process does in the background (<see cref="DeadlineRecalculation"/>);
    /// returns the stored year's recomputation state. A schedule that may not be stored (<see cref="ProblemsAsync"/>)
    /// changes nothing: the problems are returned instead, worded as <c>YearSchedule.TryParse</c> words its own.
    /// </summary>
    /// <param name="Conflict">The problem is a changed schedule under the version the year already has (409, not 400).</param>
    public static async Task<(RecomputeDto? Saved, IReadOnlyList<string> Problems, bool Conflict)> SaveAsync(
        YearSchedule schedule, Actor actor, LiaisonDbContext db, CalendarService calendars,
        DeadlineRecomputePump recompute, TimeProvider clock, CancellationToken ct)
    {
        var year = schedule.Year;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Saves of different years take turns here, so each compares its version with the others' as committed.
        await AdvisoryLocks.TakeAsync(db, AdvisoryLocks.Calendar, "versions", ct);
        if (await ProblemsAsync(schedule, db, ct) is { Count: > 0 } problems)
        {
            return (null, problems, false);
        }

        if (await VersionReusedAsync(schedule, db, ct) is { } reused)
        {
            return (null, [reused], true);
        }

        // Locked, so a chunk of this year's recomputation under way commits first and this save reads what it wrote:
        // a snapshot from before it would not see the run's end (finished_at), and the new run would never start.
        // A year saved for the first time gets its row first: two admins saving it at once then wait for each other
        // here, and the second one updates the first one's row instead of failing on the key.
        var firstSave = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO calendar_years (year, json, version, updated_at, recompute_cursor, recompute_checked, recomputed_cases)
            VALUES ({year}, {schedule.ToJson()}, {schedule.Version}, {now}, 0, 0, 0)
            ON CONFLICT (year) DO NOTHING
            """, ct);
        var record = (await db.Set<CalendarYearRecord>().FromSql($"SELECT * FROM calendar_years WHERE year = {year} FOR UPDATE").ToListAsync(ct)).Single();
        var before = firstSave == 1 ? ShippedYearSchedules.All.FirstOrDefault(s => s.Year == year) : YearSchedule.Parse(record.Json);
        AuditLog.Add(db, clock, actor, AuditActions.CalendarYearSaved, year.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new AuditChanges { RecordEmpty = true }
                .Field("version", before?.Version, schedule.Version)
                .Field("holidays", before?.Holidays.Sum(h => h.Days.Count), schedule.Holidays.Sum(h => h.Days.Count))
                .Field("workdays", before?.Workdays.Count, schedule.Workdays.Count));
        record.Json = schedule.ToJson();
        record.Version = schedule.Version;
        record.UpdatedAt = now;
        record.UpdatedBy = actor.Name;
        record.RequestRecompute(now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        calendars.Invalidate();
        recompute.Nudge();
        return (RecomputeDto.From(record)!, [], false);
    }

    /// <summary>
    /// Why a well-formed schedule may still not be stored, each as "field: 中文 / English"; empty when it may. Saving a
    /// year recomputes the provisional deadlines in it as final, so a schedule missing its holidays would make wrong
    /// deadlines look certain: the State Council's schedule always has some. And a deadline records the version it was
    /// computed with: one version for two years would not say which rules were used. Nor may a name or the source hold a
    /// text-direction control (<see cref="DirectionControls"/>). Not rules of
    /// <see cref="YearSchedule"/> itself: every stored year loads through it, also one saved before these checks.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(YearSchedule schedule, LiaisonDbContext db, CancellationToken ct)
    {
        var problems = new List<string>();
        if (schedule.Holidays.Count == 0)
        {
            problems.Add("holidays: 没有列出任何法定节假日；国务院办公厅的年度安排总有元旦、春节等假日，请对照通知补全 / lists no holidays; "
                + "the State Council's schedule for a year always has some (New Year's Day, the Spring Festival, …): complete it from the notice");
        }

        // Shown on the calendar page and in deadlines' explanations ("skipped 春节"): no name may reverse the text after it.
        var texts = schedule.Holidays
            .SelectMany((h, i) => new[] { (Field: $"holidays[{i}].name", Value: h.Name), (Field: $"holidays[{i}].nameZh", Value: h.NameZh) })
            .Prepend((Field: "source", Value: schedule.Source));
        problems.AddRange(texts.Where(t => DirectionControls.In(t.Value)).Select(t => $"{t.Field}: {DirectionControls.Refused}"));

        var stored = await db.Set<CalendarYearRecord>().AsNoTracking().Where(r => r.Year != schedule.Year).Select(r => new { r.Year, r.Version }).ToListAsync(ct);
        var other = stored.Select(r => (r.Year, r.Version))
            .Concat(ShippedYearSchedules.All.Where(s => s.Year != schedule.Year).Select(s => (s.Year, s.Version)))
            .Where(y => string.Equals(y.Version, schedule.Version, StringComparison.OrdinalIgnoreCase))
            .OrderBy(y => y.Year)
            .Select(y => (int?)y.Year)
            .FirstOrDefault();
        if (other is { } year)
        {
            problems.Add($"version: “{schedule.Version}” 已是 {year} 年安排的版本号，每年的安排须有自己的版本号（例如 cn-{schedule.Year}-v1） / "
                + $"'{schedule.Version}' is already the version of the {year} schedule; each year's schedule needs its own (e.g. cn-{schedule.Year}-v1)");
        }

        return problems;
    }

    /// <summary>
    /// Why <paramref name="schedule"/> may not replace its year's: it changes the days (holidays or make-up working days)
    /// under the version the year already has. Each deadline records the version it was computed with
    /// (<c>calendarVersion: cn-2026-v2</c>); two different schedules under one version would leave it unclear which one
    /// made a deadline. The same days again (a repeated save; a corrected source or holiday name) are no change and pass.
    /// </summary>
    public static async Task<string?> VersionReusedAsync(YearSchedule schedule, LiaisonDbContext db, CancellationToken ct)
    {
        var json = await db.Set<CalendarYearRecord>().AsNoTracking().Where(r => r.Year == schedule.Year).Select(r => r.Json).FirstOrDefaultAsync(ct);
        var current = json is null ? ShippedYearSchedules.All.FirstOrDefault(s => s.Year == schedule.Year) : YearSchedule.Parse(json);
        if (current is null || !string.Equals(current.Version, schedule.Version, StringComparison.OrdinalIgnoreCase) || SameDays(current, schedule))
        {
            return null;
        }

        return $"version: {schedule.Year} 年的安排已以版本号“{current.Version}”保存，且与此次提交的假日或调休上班日不同；"
            + $"期限记录了计算所用的版本号，修改安排须使用新的版本号（例如 {NextVersion(current.Version)}） / "
            + $"the {schedule.Year} schedule is already stored as '{current.Version}' with other holidays or make-up working days; "
            + $"deadlines record the version they were computed with, so a changed schedule needs a new version (e.g. {NextVersion(current.Version)})";

        static bool SameDays(YearSchedule a, YearSchedule b) =>
            a.Holidays.SelectMany(h => h.Days).ToHashSet().SetEquals(b.Holidays.SelectMany(h => h.Days))
            && a.Workdays.ToHashSet().SetEquals(b.Workdays);
    }

    /// <summary>
    /// <c>cn-2026-v2</c> for <c>cn-2026-v1</c>: a trailing version number after a <c>v</c> goes up by one; any other
    /// version gets <c>-v2</c> appended (<c>cn-2026</c> becomes <c>cn-2026-v2</c>, not the next year's name).
    /// </summary>
    internal static string NextVersion(string version)
    {
        var digits = version.Length - version.Reverse().TakeWhile(char.IsAsciiDigit).Count();
        return digits > 0 && digits < version.Length && version[digits - 1] is 'v' or 'V'
            && int.TryParse(version[digits..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? version[..digits] + (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : version + "-v2";
    }

    /// <summary>The recomputation state of <paramref name="year"/>'s stored schedule; null when no admin stored that year.</summary>
    public static async Task<RecomputeDto?> RecomputeStateAsync(LiaisonDbContext db, int year, CancellationToken ct) =>
        RecomputeDto.From(await db.Set<CalendarYearRecord>().AsNoTracking().FirstOrDefaultAsync(r => r.Year == year, ct));
}

/// <summary>
/// Where the recomputation of deadlines after a year's save stands. <c>State</c>: <c>queued</c> (saved, no case looked
/// at yet), <c>running</c>, <c>done</c>; <c>Candidates</c> is how many open cases had a deadline the save may move
/// (provisional, or due in that year or later) when it started (null while queued), <c>Checked</c> how many of them
/// were looked at, <c>RecomputedCases</c> how many had a deadline moved.
/// </summary>
public sealed record RecomputeDto(
    int Year, string Version, string State, int? Candidates, int Checked, int RecomputedCases, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";

    /// <summary>Null for no row, or a row stored before recomputation ran in the background (it was done then, in its request).</summary>
    public static RecomputeDto? From(CalendarYearRecord? r) => r?.RecomputeRequestedAt is not { } requested
        ? null
        : new(r.Year, r.Version, r.RecomputeFinishedAt is not null ? Done : r.RecomputeCandidates is null ? Queued : Running,
            r.RecomputeCandidates, r.RecomputeChecked, r.RecomputedCases, requested, r.RecomputeFinishedAt);
}

/// <param name="Year">The deadline's year in the calendar's time zone; null for a case without a deadline.</param>
/// <param name="Cases">Open cases whose deadline falls in it.</param>
public sealed record ProvisionalYear(int? Year, int Cases);
