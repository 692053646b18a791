using Liaison.Cases.Calendar;

namespace Liaison.Cases.Digests;

/// <summary>
/// When a digest is due. A run sends only for the local date it runs on and only from the send time on, so a job
/// that fires late after downtime never sends yesterday's digest today (DESIGN §5: digests skip missed runs).
/// </summary>
public static class DigestSchedule
{
    public static readonly TimeOnly DefaultSendAt = new(8, 30);

    /// <summary>
    /// The date a daily digest is due for at <paramref name="now"/>: today, if it is a working day, the send time has
    /// come and the working day has not ended (the calendar's close of business, when that is after the send time). A
    /// run delayed past the end of the day skips it: a morning's to-do list read at night is no use, and tomorrow's comes.
    /// </summary>
    public static DateOnly? DailyDue(WorkingCalendar calendar, DateTimeOffset now, TimeOnly sendAt)
    {
        var local = TimeZoneInfo.ConvertTime(now, calendar.TimeZone);
        var today = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var ended = calendar.CloseOfBusiness > sendAt && time >= calendar.CloseOfBusiness;
        return calendar.IsWorkingDay(today) && time >= sendAt && !ended ? today : null;
    }

    /// <summary>
    /// The date the weekly league table is due for: the first working day of the ISO week (Monday, or the next
    /// working day when Monday is a holiday), once the send time has come.
    /// </summary>
    public static DateOnly? WeeklyDue(WorkingCalendar calendar, DateTimeOffset now, TimeOnly sendAt)
    {
        if (DailyDue(calendar, now, sendAt) is not { } today)
        {
            return null;
        }

        for (var day = WeekStart(today); day < today; day = day.AddDays(1))
        {
            if (calendar.IsWorkingDay(day)) return null;
        }

        return today;
    }

    /// <summary>Monday of the ISO week of <paramref name="date"/>.</summary>
    public static DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    /// <summary>
    /// The league table's period in the weekly mail sent on <paramref name="sendDate"/>: every day since the period of
    /// the mail before, Monday to Sunday. Normally the previous ISO week. A week without a working day (the Spring
    /// Festival's) sends no mail, so the next one covers it and the week before it too: no week goes unreported.
    /// </summary>
    public static (DateOnly From, DateOnly To) ReportedPeriod(WorkingCalendar calendar, DateOnly sendDate)
    {
        var thisWeek = WeekStart(sendDate);
        // The mail before this one went out in the last week with a working day, covering up to the Sunday before it.
        var from = thisWeek.AddDays(-7);
        while (from > thisWeek.AddDays(-63) && !Enumerable.Range(0, 7).Any(d => calendar.IsWorkingDay(from.AddDays(d))))
        {
            from = from.AddDays(-7);
        }

        return (from, thisWeek.AddDays(-1));
    }

    /// <summary>The most recent working day before <paramref name="date"/> (for a first officer digest's "since"), at most 30 days back.</summary>
    public static DateOnly PreviousWorkingDay(WorkingCalendar calendar, DateOnly date)
    {
        for (var day = date.AddDays(-1); day > date.AddDays(-30); day = day.AddDays(-1))
        {
            if (calendar.IsWorkingDay(day)) return day;
        }

        return date.AddDays(-1);
    }

    /// <summary>The instant of a local date and time in the calendar's zone.</summary>
    public static DateTimeOffset At(WorkingCalendar calendar, DateOnly date, TimeOnly time) => calendar.AtLocalTime(date, time);
}
