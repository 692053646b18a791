using System.Collections.Frozen;

namespace Liaison.Cases.Calendar;

/// <summary>
/// Liaison's one working-day calendar: Monday–Friday, minus statutory holidays, plus adjusted working days
/// (调休上班), in one time zone with one close of business. Built from a set of <see cref="YearSchedule"/>s;
/// immutable, so a changed schedule means building a new calendar (cheap) and swapping it in.
/// Years without a schedule fall back to the weekends-only rule and every deadline touching them is provisional.
/// </summary>
public sealed class WorkingCalendar
{
    public const string DefaultTimeZoneId = "Asia/Shanghai";

    /// <summary>Guards against a typo walking the calendar for centuries; about ten years of working days.</summary>
    public const int MaxWorkingDays = 2500;

    public static readonly TimeOnly DefaultCloseOfBusiness = new(18, 0);

    private readonly FrozenDictionary<int, YearSchedule> _schedules;

    /// <summary>A calendar of exactly these schedules (at most one per year).</summary>
    /// <param name="timeZone">Defaults to Asia/Shanghai (see <see cref="ResolveTimeZone"/>).</param>
    /// <param name="closeOfBusiness">When a working day's deadlines fall due; defaults to 18:00.</param>
    public WorkingCalendar(IEnumerable<YearSchedule> schedules, TimeZoneInfo? timeZone = null, TimeOnly? closeOfBusiness = null)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        var byYear = new Dictionary<int, YearSchedule>();
        foreach (var schedule in schedules)
        {
            ArgumentNullException.ThrowIfNull(schedule, nameof(schedules));
            if (!byYear.TryAdd(schedule.Year, schedule))
            {
                throw new ArgumentException($"Two schedules for {schedule.Year}: {byYear[schedule.Year].Version} and {schedule.Version}.", nameof(schedules));
            }
        }

        var cob = closeOfBusiness ?? DefaultCloseOfBusiness;
        if (cob == TimeOnly.MinValue)
        {
            throw new ArgumentOutOfRangeException(nameof(closeOfBusiness), cob, "Close of business at 00:00 would make a day's deadline fall before the day's work.");
        }

        _schedules = byYear.ToFrozenDictionary();
        LoadedYears = byYear.Keys.Order().ToArray();
        TimeZone = timeZone ?? ResolveTimeZone(DefaultTimeZoneId);
        CloseOfBusiness = cob;
        Version = LoadedYears.Count == 0 ? "weekends-only" : string.Join('+', LoadedYears.Select(y => _schedules[y].Version));
    }

    /// <summary>
    /// The calendar the host runs with: the shipped schedules, each overridden by a stored one for the same year
    /// (an admin's correction wins), plus stored years Liaison does not ship.
    /// </summary>
    public static WorkingCalendar Create(IEnumerable<YearSchedule>? stored = null, TimeZoneInfo? timeZone = null, TimeOnly? closeOfBusiness = null)
    {
        var byYear = ShippedYearSchedules.All.ToDictionary(s => s.Year);
        foreach (var schedule in stored ?? []) byYear[schedule.Year] = schedule;
        return new WorkingCalendar(byYear.Values, timeZone, closeOfBusiness);
    }

    public TimeZoneInfo TimeZone { get; }

    public TimeOnly CloseOfBusiness { get; }

    /// <summary>Years that have a schedule, ascending.</summary>
    public IReadOnlyList<int> LoadedYears { get; }

    /// <summary>The versions of all loaded schedules joined with '+', e.g. <c>cn-2025-v1+cn-2026-v1</c>.</summary>
    public string Version { get; }

    public IReadOnlyList<YearSchedule> Schedules => LoadedYears.Select(y => _schedules[y]).ToArray();

    public bool HasYear(int year) => _schedules.ContainsKey(year);

    public YearSchedule? ScheduleFor(int year) => _schedules.GetValueOrDefault(year);

    /// <summary>A new calendar with this year's schedule added, or replacing the one loaded; this one is unchanged.</summary>
    public WorkingCalendar WithSchedule(YearSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new WorkingCalendar(_schedules.Values.Where(s => s.Year != schedule.Year).Append(schedule), TimeZone, CloseOfBusiness);
    }

    /// <summary>
    /// Finds a time zone by IANA or Windows id. Asia/Shanghai is also built in as a fixed +08:00 zone for hosts
    /// without tzdata (slim containers): China has observed no daylight saving time since 1991, so that is exact.
    /// </summary>
    public static TimeZoneInfo ResolveTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException) when (id == DefaultTimeZoneId)
        {
            return TimeZoneInfo.CreateCustomTimeZone(DefaultTimeZoneId, TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");
        }
    }

    /// <summary>The calendar day an instant falls on in the calendar's time zone (e.g. "is today a working day?" for digests).</summary>
    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    public bool IsWorkingDay(DateOnly date) =>
        _schedules.TryGetValue(date.Year, out var schedule) ? schedule.IsWorkingDay(date) : !YearSchedule.IsWeekend(date);

    /// <summary>
    /// Close of business of the <paramref name="workingDays"/>-th working day after the local day of
    /// <paramref name="start"/>. The start day never counts, whether or not it is a working day and whatever
    /// the hour, so a case dispatched at 17:59 or at 23:00 gets the same deadline.
    /// </summary>
    /// <param name="workingDays">1 to <see cref="MaxWorkingDays"/>. Zero is refused: "due today" is not a working-day limit
    /// and would be already past for a start after close of business.</param>
    public Deadline AddWorkingDays(DateTimeOffset start, int workingDays)
    {
        if (workingDays is < 1 or > MaxWorkingDays)
        {
            throw new ArgumentOutOfRangeException(nameof(workingDays), workingDays, $"A deadline counts 1 to {MaxWorkingDays} working days.");
        }

        var localStart = TimeZoneInfo.ConvertTime(start, TimeZone);
        var day = DateOnly.FromDateTime(localStart.DateTime);
        var firstYear = day.AddDays(1).Year;
        var counted = 0;
        while (counted < workingDays)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) counted++;
        }

        var years = Enumerable.Range(firstYear, day.Year - firstYear + 1).ToArray();
        return new Deadline(
            Due: AtLocalTime(day, CloseOfBusiness),
            Provisional: years.Any(y => !HasYear(y)),
            Start: localStart,
            WorkingDays: workingDays,
            CalendarVersion: string.Join('+', years.Select(y => _schedules.TryGetValue(y, out var s) ? s.Version : $"provisional-{y}")));
    }

    /// <summary>
    /// The same local time of day, <paramref name="workingDays"/> working days before the local day of
    /// <paramref name="instant"/>: "one working day before the resolve deadline" for reminders.
    /// Zero returns <paramref name="instant"/> itself (in the calendar's time zone).
    /// </summary>
    public DateTimeOffset SubtractWorkingDays(DateTimeOffset instant, int workingDays)
    {
        if (workingDays is < 0 or > MaxWorkingDays)
        {
            throw new ArgumentOutOfRangeException(nameof(workingDays), workingDays, $"Subtract 0 to {MaxWorkingDays} working days.");
        }

        var local = TimeZoneInfo.ConvertTime(instant, TimeZone);
        var day = DateOnly.FromDateTime(local.DateTime);
        var counted = 0;
        while (counted < workingDays)
        {
            day = day.AddDays(-1);
            if (IsWorkingDay(day)) counted++;
        }

        return workingDays == 0 ? local : AtLocalTime(day, TimeOnly.FromDateTime(local.DateTime));
    }

    /// <summary>
    /// Working days after the local day of <paramref name="from"/> up to and including the local day of
    /// <paramref name="to"/>, by the same rule as <see cref="AddWorkingDays"/>: for n ≥ 1,
    /// <c>WorkingDaysBetween(s, AddWorkingDays(s, n).Due) == n</c>. Negative when <paramref name="to"/> is on an
    /// earlier day. "Overdue by N working days" is <c>WorkingDaysBetween(due, now)</c>.
    /// </summary>
    public int WorkingDaysBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var first = LocalDate(from);
        var last = LocalDate(to);
        if (last < first) return -WorkingDaysBetween(to, from);

        var count = 0;
        for (var day = first.AddDays(1); day <= last; day = day.AddDays(1))
        {
            if (IsWorkingDay(day)) count++;
        }

        return count;
    }

    /// <summary>The instant of a local date and time in the calendar's zone.</summary>
    public DateTimeOffset AtLocalTime(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }
}
