using System.Globalization;
using Liaison.Cases.Calendar;

namespace Liaison.Cases.Tests.Calendar;

// Expected dates are counted by hand from the State Council notices for 2025 and 2026:
//  2025: off Jan 1; Jan 28–Feb 4; Apr 4–6; May 1–5; May 31–Jun 2; Oct 1–8. Worked: Sun Jan 26, Sat Feb 8, Sun Apr 27, Sun Sep 28, Sat Oct 11.
//  2026: off Jan 1–3; Feb 15–23; Apr 4–6; May 1–5; Jun 19–21; Sep 25–27; Oct 1–7. Worked: Sun Jan 4, Sat Feb 14, Sat Feb 28, Sat May 9, Sun Sep 20, Sat Oct 10.
public class WorkingCalendarTests
{
    private static readonly WorkingCalendar Shipped = WorkingCalendar.Create();

    internal static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    // DateTimeOffset equality ignores the offset, so compare the local wall-clock text including it.
    internal static void AssertAt(string expected, DateTimeOffset actual) =>
        Assert.Equal(expected, actual.ToString("yyyy-MM-ddTHH:mmzzz", CultureInfo.InvariantCulture));

    [Fact]
    public void Ships_2025_and_2026()
    {
        Assert.Equal([2025, 2026], Shipped.LoadedYears);
        Assert.True(Shipped.HasYear(2026));
        Assert.False(Shipped.HasYear(2027));
        Assert.Equal("cn-2025-v1+cn-2026-v1", Shipped.Version);
        Assert.Equal(new TimeOnly(18, 0), Shipped.CloseOfBusiness);
        Assert.Equal(TimeSpan.FromHours(8), Shipped.TimeZone.GetUtcOffset(new DateTime(2026, 7, 1)));
    }

    // 261 weekdays in each year; 2025: 18 of them are holidays, 5 weekend days worked; 2026: 19 and 6.
    [Theory]
    [InlineData(2025, 248)]
    [InlineData(2026, 248)]
    public void Year_has_the_official_number_of_working_days(int year, int expected)
    {
        var days = Enumerable.Range(0, DateTime.IsLeapYear(year) ? 366 : 365).Select(i => new DateOnly(year, 1, 1).AddDays(i));
        Assert.Equal(expected, days.Count(Shipped.IsWorkingDay));
    }

    [Theory]
    [InlineData("2025-01-01", false)] // 元旦, Wednesday
    [InlineData("2025-01-26", true)]  // Sunday worked before 春节
    [InlineData("2025-02-04", false)] // last day of 春节, Tuesday
    [InlineData("2025-02-08", true)]  // Saturday worked
    [InlineData("2025-10-08", false)] // last day of 国庆/中秋, Wednesday
    [InlineData("2025-10-11", true)]  // Saturday worked
    [InlineData("2026-01-04", true)]  // Sunday worked after 元旦
    [InlineData("2026-02-14", true)]  // Saturday worked before 春节
    [InlineData("2026-02-15", false)] // 春节 starts on a Sunday
    [InlineData("2026-02-23", false)] // 春节 ends on a Monday
    [InlineData("2026-02-24", true)]
    [InlineData("2026-02-28", true)]  // Saturday worked after 春节
    [InlineData("2026-03-07", false)] // an ordinary Saturday
    [InlineData("2026-03-09", true)]  // an ordinary Monday
    [InlineData("2026-05-09", true)]  // Saturday worked after 劳动节
    [InlineData("2026-09-20", true)]  // Sunday worked before 国庆
    [InlineData("2026-09-25", false)] // 中秋, Friday
    [InlineData("2026-10-07", false)] // last day of 国庆, Wednesday
    [InlineData("2026-10-10", true)]  // Saturday worked after 国庆
    [InlineData("2027-01-01", true)]  // no 2027 schedule: a Friday is a working day
    [InlineData("2027-01-02", false)] // and a Saturday is not
    public void Knows_holidays_and_adjusted_working_days(string date, bool working) =>
        Assert.Equal(working, Shipped.IsWorkingDay(DateOnly.Parse(date, CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-02-13T10:00+08:00", 1, "2026-02-14T18:00+08:00")] // Friday → the Saturday make-up day
    [InlineData("2026-02-13T10:00+08:00", 2, "2026-02-24T18:00+08:00")] // then straight over 春节
    [InlineData("2026-02-13T10:00+08:00", 6, "2026-02-28T18:00+08:00")] // Feb 14, 24, 25, 26, 27, Sat 28
    [InlineData("2026-02-13T10:00+08:00", 7, "2026-03-02T18:00+08:00")]
    [InlineData("2026-02-13T10:00+08:00", 10, "2026-03-05T18:00+08:00")]
    [InlineData("2026-02-14T09:00+08:00", 1, "2026-02-24T18:00+08:00")] // dispatched on the make-up Saturday
    [InlineData("2026-02-18T11:00+08:00", 1, "2026-02-24T18:00+08:00")] // dispatched during 春节
    public void Spring_festival_2026(string start, int workingDays, string due) =>
        AssertAt(due, Shipped.AddWorkingDays(At(start), workingDays).Due);

    [Theory]
    [InlineData("2026-09-18T10:00+08:00", 1, "2026-09-20T18:00+08:00")] // Friday → the Sunday make-up day, not Saturday
    [InlineData("2026-09-18T10:00+08:00", 2, "2026-09-21T18:00+08:00")]
    [InlineData("2026-09-24T10:00+08:00", 1, "2026-09-28T18:00+08:00")] // over 中秋 (Fri 25–Sun 27)
    [InlineData("2026-09-30T10:00+08:00", 1, "2026-10-08T18:00+08:00")] // over 国庆 (Oct 1–7)
    [InlineData("2026-09-30T10:00+08:00", 2, "2026-10-09T18:00+08:00")]
    [InlineData("2026-09-30T10:00+08:00", 3, "2026-10-10T18:00+08:00")] // the Saturday make-up day
    [InlineData("2026-09-30T10:00+08:00", 4, "2026-10-12T18:00+08:00")]
    [InlineData("2026-10-01T09:00+08:00", 1, "2026-10-08T18:00+08:00")] // dispatched on a holiday
    public void National_day_and_mid_autumn_2026(string start, int workingDays, string due) =>
        AssertAt(due, Shipped.AddWorkingDays(At(start), workingDays).Due);

    [Theory]
    [InlineData("2024-12-31T10:00+08:00", 1, "2025-01-02T18:00+08:00")] // over 元旦
    [InlineData("2025-01-24T10:00+08:00", 1, "2025-01-26T18:00+08:00")] // Friday → the Sunday make-up day
    [InlineData("2025-01-24T10:00+08:00", 2, "2025-01-27T18:00+08:00")]
    [InlineData("2025-01-24T10:00+08:00", 3, "2025-02-05T18:00+08:00")] // over 春节 (Jan 28–Feb 4)
    [InlineData("2025-01-24T10:00+08:00", 6, "2025-02-08T18:00+08:00")] // the Saturday make-up day
    [InlineData("2025-01-24T10:00+08:00", 7, "2025-02-10T18:00+08:00")]
    [InlineData("2025-09-26T10:00+08:00", 1, "2025-09-28T18:00+08:00")] // Friday → the Sunday make-up day
    [InlineData("2025-09-30T10:00+08:00", 1, "2025-10-09T18:00+08:00")] // over 国庆/中秋 (Oct 1–8)
    [InlineData("2025-09-30T10:00+08:00", 3, "2025-10-11T18:00+08:00")]
    [InlineData("2025-09-30T10:00+08:00", 4, "2025-10-13T18:00+08:00")]
    [InlineData("2025-12-31T10:00+08:00", 1, "2026-01-04T18:00+08:00")] // over 元旦 2026 into its Sunday make-up day
    public void Holidays_2025_and_new_year_2026(string start, int workingDays, string due) =>
        AssertAt(due, Shipped.AddWorkingDays(At(start), workingDays).Due);

    [Fact]
    public void Deadline_records_how_it_was_computed()
    {
        var deadline = Shipped.AddWorkingDays(At("2026-02-13T10:00+08:00"), 2);

        Assert.False(deadline.Provisional);
        Assert.Equal(2, deadline.WorkingDays);
        Assert.Equal("cn-2026-v1", deadline.CalendarVersion);
        AssertAt("2026-02-13T10:00+08:00", deadline.Start);
    }

    [Fact]
    public void Version_names_every_year_walked()
    {
        var deadline = Shipped.AddWorkingDays(At("2025-12-30T10:00+08:00"), 2);

        AssertAt("2026-01-04T18:00+08:00", deadline.Due);
        Assert.Equal("cn-2025-v1+cn-2026-v1", deadline.CalendarVersion);
    }

    [Fact]
    public void Start_day_in_an_unscheduled_year_does_not_make_the_deadline_provisional()
    {
        // The start day is never counted, so 2024 having no schedule does not matter here.
        var deadline = Shipped.AddWorkingDays(At("2024-12-31T10:00+08:00"), 1);

        Assert.False(deadline.Provisional);
        Assert.Equal("cn-2025-v1", deadline.CalendarVersion);
    }

    [Fact]
    public void Deadline_into_an_unscheduled_year_is_provisional_and_skips_weekends_only()
    {
        // 2027-01-01 will surely be a holiday, but without a schedule only weekends are known.
        var deadline = Shipped.AddWorkingDays(At("2026-12-31T10:00+08:00"), 1);
        AssertAt("2027-01-01T18:00+08:00", deadline.Due);
        Assert.True(deadline.Provisional);
        Assert.Equal("provisional-2027", deadline.CalendarVersion);

        var across = Shipped.AddWorkingDays(At("2026-12-30T10:00+08:00"), 3);
        AssertAt("2027-01-04T18:00+08:00", across.Due); // Thu Dec 31, Fri Jan 1, Mon Jan 4
        Assert.True(across.Provisional);
        Assert.Equal("cn-2026-v1+provisional-2027", across.CalendarVersion);

        var before = Shipped.AddWorkingDays(At("2026-12-30T10:00+08:00"), 1);
        AssertAt("2026-12-31T18:00+08:00", before.Due);
        Assert.False(before.Provisional);
    }

    [Theory]
    [InlineData("2026-03-05T20:30+08:00", "2026-03-06T18:00+08:00")] // after close of business: still the next working day
    [InlineData("2026-03-05T18:00+08:00", "2026-03-06T18:00+08:00")]
    [InlineData("2026-03-05T07:00+08:00", "2026-03-06T18:00+08:00")] // before opening: the start day still does not count
    [InlineData("2026-03-06T19:00+08:00", "2026-03-09T18:00+08:00")] // Friday evening → Monday
    public void Start_day_never_counts_whatever_the_hour(string start, string due) =>
        AssertAt(due, Shipped.AddWorkingDays(At(start), 1).Due);

    [Fact]
    public void Start_is_taken_in_Shanghai_time_whatever_offset_it_comes_with()
    {
        // 17:00 UTC on Thursday the 12th is 01:00 on Friday the 13th in Shanghai.
        var deadline = Shipped.AddWorkingDays(At("2026-02-12T17:00Z"), 1);

        AssertAt("2026-02-14T18:00+08:00", deadline.Due);
        AssertAt("2026-02-13T01:00+08:00", deadline.Start);
        Assert.Equal(At("2026-02-12T17:00Z"), deadline.Start);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(WorkingCalendar.MaxWorkingDays + 1)]
    public void Refuses_a_working_day_count_out_of_range(int workingDays) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Shipped.AddWorkingDays(At("2026-03-05T10:00+08:00"), workingDays));

    [Fact]
    public void Close_of_business_is_configurable()
    {
        var calendar = WorkingCalendar.Create(closeOfBusiness: new TimeOnly(17, 30));

        AssertAt("2026-02-14T17:30+08:00", calendar.AddWorkingDays(At("2026-02-13T10:00+08:00"), 1).Due);
    }

    [Fact]
    public void Time_zone_is_configurable()
    {
        // 03:00 Saturday in Shanghai is still Friday in UTC, so in UTC the Saturday make-up day is the first counted.
        var calendar = WorkingCalendar.Create(timeZone: TimeZoneInfo.Utc);

        AssertAt("2026-02-14T18:00+00:00", calendar.AddWorkingDays(At("2026-02-14T03:00+08:00"), 1).Due);
        AssertAt("2026-02-24T18:00+08:00", Shipped.AddWorkingDays(At("2026-02-14T03:00+08:00"), 1).Due);
    }

    [Fact]
    public void Resolves_Asia_Shanghai()
    {
        var zone = WorkingCalendar.ResolveTimeZone("Asia/Shanghai");

        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTime(2026, 1, 15)));
        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTime(2026, 7, 15)));
    }

    [Theory]
    [InlineData("2026-02-13T10:00+08:00", "2026-02-24T18:00+08:00", 2)]
    [InlineData("2026-09-30T10:00+08:00", "2026-10-10T09:00+08:00", 3)]
    [InlineData("2026-03-05T09:00+08:00", "2026-03-05T20:00+08:00", 0)] // same day
    [InlineData("2026-02-24T18:00+08:00", "2026-02-13T10:00+08:00", -2)] // backwards
    [InlineData("2026-02-24T18:00+08:00", "2026-03-02T09:00+08:00", 5)] // overdue: Feb 25, 26, 27, Sat 28, Mar 2
    [InlineData("2026-02-14T18:00+08:00", "2026-02-23T18:00+08:00", 0)] // nothing but 春节 in between
    [InlineData("2026-12-31T10:00+08:00", "2027-01-04T10:00+08:00", 2)] // 2027 by weekends only
    public void Counts_working_days_between(string from, string to, int expected) =>
        Assert.Equal(expected, Shipped.WorkingDaysBetween(At(from), At(to)));

    [Fact]
    public void Working_days_between_undoes_add_working_days()
    {
        for (var day = new DateOnly(2025, 1, 1); day.Year < 2027; day = day.AddDays(1))
        {
            var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(15, 0)), TimeSpan.FromHours(8));
            foreach (var n in new[] { 1, 2, 3, 5, 10, 20, 30 })
            {
                Assert.Equal(n, Shipped.WorkingDaysBetween(start, Shipped.AddWorkingDays(start, n).Due));
            }
        }
    }

    [Theory]
    [InlineData("2026-02-24T18:00+08:00", 1, "2026-02-14T18:00+08:00")] // back over 春节 to the make-up Saturday
    [InlineData("2026-03-02T18:00+08:00", 1, "2026-02-28T18:00+08:00")]
    [InlineData("2026-10-08T18:00+08:00", 1, "2026-09-30T18:00+08:00")] // back over 国庆
    [InlineData("2026-01-05T18:00+08:00", 1, "2026-01-04T18:00+08:00")] // the Sunday make-up day
    [InlineData("2026-01-05T18:00+08:00", 2, "2025-12-31T18:00+08:00")] // and over 元旦 into 2025
    [InlineData("2026-03-05T12:00+08:00", 0, "2026-03-05T12:00+08:00")]
    [InlineData("2026-02-24T10:00Z", 1, "2026-02-14T18:00+08:00")] // taken in Shanghai time, keeping the local hour
    public void Subtracts_working_days_keeping_the_time_of_day(string instant, int workingDays, string expected) =>
        AssertAt(expected, Shipped.SubtractWorkingDays(At(instant), workingDays));

    [Fact]
    public void Subtract_refuses_a_negative_count() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Shipped.SubtractWorkingDays(At("2026-03-05T12:00+08:00"), -1));

    [Fact]
    public void Adding_a_year_makes_its_deadlines_final_and_leaves_the_old_calendar_alone()
    {
        // A made-up 2027 schedule: only the shape matters here.
        var y2027 = YearSchedule.Create(2027, "test-2027", "test data",
            [new Holiday("New Year's Day", "元旦", [new DateOnly(2027, 1, 1)])], []);
        var start = At("2026-12-31T10:00+08:00");

        var extended = Shipped.WithSchedule(y2027);
        var deadline = extended.AddWorkingDays(start, 1);

        AssertAt("2027-01-04T18:00+08:00", deadline.Due);
        Assert.False(deadline.Provisional);
        Assert.Equal("test-2027", deadline.CalendarVersion);
        Assert.Equal([2025, 2026, 2027], extended.LoadedYears);
        Assert.Equal("cn-2025-v1+cn-2026-v1+test-2027", extended.Version);
        Assert.True(Shipped.AddWorkingDays(start, 1).Provisional);
        Assert.Equal([2025, 2026], Shipped.LoadedYears);
    }

    [Fact]
    public void A_stored_schedule_replaces_the_shipped_one_for_its_year()
    {
        // An admin's correction: Tuesday 2026-02-24 becomes a holiday too.
        var corrected = YearSchedule.Create(2026, "cn-2026-v2", "test data",
            [new Holiday("Spring Festival", "春节", Enumerable.Range(15, 10).Select(d => new DateOnly(2026, 2, d)).ToArray())],
            [new DateOnly(2026, 2, 14)]);

        var calendar = WorkingCalendar.Create([corrected]);
        var deadline = calendar.AddWorkingDays(At("2026-02-14T10:00+08:00"), 1);

        Assert.Equal([2025, 2026], calendar.LoadedYears);
        Assert.Equal("cn-2025-v1+cn-2026-v2", calendar.Version);
        AssertAt("2026-02-25T18:00+08:00", deadline.Due);
        Assert.Equal("cn-2026-v2", deadline.CalendarVersion);
    }

    [Fact]
    public void Refuses_two_schedules_for_one_year()
    {
        var y2026 = Shipped.ScheduleFor(2026)!;

        var error = Assert.Throws<ArgumentException>(() => new WorkingCalendar([y2026, y2026]));
        Assert.Contains("2026", error.Message);
    }

    [Fact]
    public void Without_schedules_every_deadline_is_provisional_and_skips_weekends_only()
    {
        var calendar = new WorkingCalendar([]);

        var deadline = calendar.AddWorkingDays(At("2026-02-13T10:00+08:00"), 1);

        AssertAt("2026-02-16T18:00+08:00", deadline.Due); // Monday, ignoring both 春节 and the make-up Saturday
        Assert.True(deadline.Provisional);
        Assert.Equal("weekends-only", calendar.Version);
        Assert.Empty(calendar.LoadedYears);
    }

    [Fact]
    public void Local_date_is_the_Shanghai_calendar_day() =>
        Assert.Equal(new DateOnly(2026, 2, 13), Shipped.LocalDate(At("2026-02-12T17:00Z")));

    [Fact]
    public void Names_the_holiday_a_day_belongs_to()
    {
        var schedule = Shipped.ScheduleFor(2026)!;

        Assert.Equal("春节", schedule.HolidayOn(new DateOnly(2026, 2, 18))?.NameZh);
        Assert.Null(schedule.HolidayOn(new DateOnly(2026, 2, 24)));
    }
}
