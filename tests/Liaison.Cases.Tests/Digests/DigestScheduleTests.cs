using Liaison.Cases.Digests;
using static Liaison.Cases.Tests.Digests.DigestTestData;

namespace Liaison.Cases.Tests.Digests;

public sealed class DigestScheduleTests
{
    private static readonly TimeOnly SendAt = DigestSchedule.DefaultSendAt;

    [Theory]
    [InlineData(3, 2, 8, 30, "2026-03-02")] // Monday, at the send time
    [InlineData(3, 2, 17, 0, "2026-03-02")] // later the same day (a run delayed by downtime) still sends today's
    [InlineData(3, 2, 17, 59, "2026-03-02")]
    [InlineData(3, 2, 18, 0, null)] // from the close of business the day's digest is skipped
    [InlineData(3, 2, 22, 0, null)]
    [InlineData(3, 2, 8, 29, null)] // too early
    [InlineData(3, 7, 9, 0, null)] // Saturday
    [InlineData(10, 1, 9, 0, null)] // National Day
    [InlineData(10, 10, 8, 30, "2026-10-10")] // make-up working Saturday (调休上班)
    public void Daily_digest_only_on_working_days_from_the_send_time(int month, int day, int hour, int minute, string? expected)
    {
        var due = DigestSchedule.DailyDue(Zone, Local(month, day, hour, minute), SendAt);

        Assert.Equal(expected is null ? null : DateOnly.Parse(expected), due);
    }

    [Theory]
    [InlineData(3, 9, "2026-03-09")] // Monday
    [InlineData(3, 10, null)] // Tuesday
    [InlineData(10, 5, null)] // Monday in the National Day holiday
    [InlineData(10, 8, "2026-10-08")] // Thursday: the first working day of that week
    [InlineData(10, 9, null)]
    [InlineData(10, 10, null)] // the make-up Saturday is not the first working day of its week
    public void League_table_on_the_first_working_day_of_the_week(int month, int day, string? expected)
    {
        Assert.Equal(expected is null ? null : DateOnly.Parse(expected), DigestSchedule.WeeklyDue(Zone, Local(month, day, 9), SendAt));
    }

    [Fact]
    public void The_weekly_mail_covers_the_whole_previous_week()
    {
        Assert.Equal((new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8)), DigestSchedule.ReportedPeriod(Zone, new DateOnly(2026, 3, 9)));
        Assert.Equal((new DateOnly(2026, 9, 28), new DateOnly(2026, 10, 4)), DigestSchedule.ReportedPeriod(Zone, new DateOnly(2026, 10, 8)));
    }

    [Fact]
    public void A_week_without_a_working_day_sends_nothing_and_the_next_mail_covers_it_and_the_week_before_it()
    {
        // Spring Festival 2026: 02-15 to 02-23 off, 02-14 and 02-28 worked. The mails go out on 02-09, 02-24 and 03-02.
        var sent = Enumerable.Range(0, 35).Select(d => new DateOnly(2026, 2, 2).AddDays(d))
            .Where(d => DigestSchedule.WeeklyDue(Zone, Local(d.Month, d.Day, 9), SendAt) is not null).ToList();
        Assert.Equal([new DateOnly(2026, 2, 2), new DateOnly(2026, 2, 9), new DateOnly(2026, 2, 24), new DateOnly(2026, 3, 2)], sent);

        var periods = sent.Select(d => DigestSchedule.ReportedPeriod(Zone, d)).ToList();
        Assert.Equal((new DateOnly(2026, 2, 9), new DateOnly(2026, 2, 22)), periods[2]);
        // Back to back: every day from the first period on is in exactly one mail.
        for (var i = 1; i < periods.Count; i++)
        {
            Assert.Equal(periods[i - 1].To.AddDays(1), periods[i].From);
        }
    }

    [Fact]
    public void Previous_working_day_skips_weekends_and_holidays()
    {
        Assert.Equal(new DateOnly(2026, 3, 6), DigestSchedule.PreviousWorkingDay(Zone, new DateOnly(2026, 3, 9)));
        Assert.Equal(new DateOnly(2026, 9, 30), DigestSchedule.PreviousWorkingDay(Zone, new DateOnly(2026, 10, 8)));
    }
}
