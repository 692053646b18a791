using Liaison.Cases.Calendar;
using Liaison.Cases.Common;

namespace Liaison.Cases.Tests.Calendar;

public class YearScheduleTests
{
    private const string Valid2027 = """
        {
          "year": 2027,
          "version": "cn-2027-v1",
          "source": "test data",
          "holidays": [
            { "name": "New Year's Day", "nameZh": "元旦", "days": ["2027-01-01", "2027-01-02", "2027-01-03"] }
          ],
          "workdays": ["2027-01-09"]
        }
        """;

    private static IReadOnlyList<string> ErrorsOf(string json)
    {
        Assert.False(YearSchedule.TryParse(json, out var schedule, out var errors));
        Assert.Null(schedule);
        Assert.NotEmpty(errors);
        return errors;
    }

    private static string With(string from, string to) => Valid2027.Replace(from, to, StringComparison.Ordinal);

    [Fact]
    public void Parses_a_valid_schedule()
    {
        var schedule = YearSchedule.Parse(Valid2027);

        Assert.Equal(2027, schedule.Year);
        Assert.Equal("cn-2027-v1", schedule.Version);
        Assert.Equal("test data", schedule.Source);
        var holiday = Assert.Single(schedule.Holidays);
        Assert.Equal("元旦", holiday.NameZh);
        Assert.Equal(3, holiday.Days.Count);
        Assert.Equal([new DateOnly(2027, 1, 9)], schedule.Workdays);
        Assert.False(schedule.IsWorkingDay(new DateOnly(2027, 1, 1)));
        Assert.True(schedule.IsWorkingDay(new DateOnly(2027, 1, 9))); // Saturday worked
        Assert.False(schedule.IsWorkingDay(new DateOnly(2027, 1, 10))); // ordinary Sunday
        Assert.True(schedule.IsWorkingDay(new DateOnly(2027, 1, 4)));
    }

    [Fact]
    public void Json_round_trips()
    {
        foreach (var shipped in ShippedYearSchedules.All)
        {
            var json = shipped.ToJson();
            var again = YearSchedule.Parse(json);

            Assert.Equal(shipped.Year, again.Year);
            Assert.Equal(shipped.Version, again.Version);
            Assert.Equal(shipped.Source, again.Source);
            Assert.Equal(shipped.Holidays.Select(h => (h.Name, h.NameZh, string.Join(',', h.Days))),
                         again.Holidays.Select(h => (h.Name, h.NameZh, string.Join(',', h.Days))));
            Assert.Equal(shipped.Workdays, again.Workdays);
            Assert.Contains("春节", json); // Chinese kept readable, not \u-escaped
        }
    }

    [Fact]
    public void Refuses_an_impossible_date()
    {
        var errors = ErrorsOf(With("\"2027-01-02\"", "\"2027-02-30\""));

        var error = Assert.Single(errors);
        Assert.Contains("holidays[0].days[1]", error);
        Assert.Contains("\"2027-02-30\"", error);
        Assert.Contains("is not a valid date", error);
        Assert.Contains("不是有效日期", error);
    }

    [Theory]
    [InlineData("\"2027/01/09\"")]
    [InlineData("\"9 Jan 2027\"")]
    [InlineData("\"2027-1-9\"")]
    [InlineData("20270109")]
    public void Refuses_dates_not_written_yyyy_MM_dd(string date)
    {
        var error = Assert.Single(ErrorsOf(With("\"2027-01-09\"", date)));

        Assert.StartsWith("workdays[0]:", error);
        Assert.Contains("yyyy-MM-dd", error);
    }

    [Fact]
    public void Refuses_a_date_that_is_both_holiday_and_workday()
    {
        var error = Assert.Single(ErrorsOf(With("[\"2027-01-09\"]", "[\"2027-01-02\"]")));

        Assert.StartsWith("workdays[0]: 2027-01-02", error);
        Assert.Contains("holidays[0].days[1]", error);
        Assert.Contains("both a holiday", error);
    }

    [Fact]
    public void Refuses_dates_outside_the_year()
    {
        var errors = ErrorsOf(With("\"2027-01-03\"", "\"2026-12-31\"").Replace("[\"2027-01-09\"]", "[\"2028-01-08\"]"));

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("holidays[0].days[2]: 2026-12-31", StringComparison.Ordinal) && e.Contains("is not in 2027"));
        Assert.Contains(errors, e => e.StartsWith("workdays[0]: 2028-01-08", StringComparison.Ordinal) && e.Contains("is not in 2027"));
        // Each language names the date, as the pages show one of them.
        Assert.Equal("2026-12-31 is not in 2027", Text.FromBilingual(errors[0]).En.Split(": ", 2)[1]);
    }

    [Theory]
    [InlineData(120, "另有 70 个问题未列出", "70 more problems not listed")]
    [InlineData(51, "另有 1 个问题未列出", "1 more problem not listed")]
    public void Lists_the_first_fifty_problems_and_says_how_many_more(int problems, string zh, string en)
    {
        var days = string.Join(", ", Enumerable.Range(0, problems).Select(i => $"\"2026-12-{i % 28 + 1:D2}\""));

        var errors = ErrorsOf(With("\"2027-01-03\"", days));

        Assert.Equal(YearSchedule.MaxErrorsListed + 1, errors.Count);
        Assert.Equal(zh, Text.FromBilingual(errors[^1]).Zh);
        Assert.Equal(en, Text.FromBilingual(errors[^1]).En);
    }

    [Fact]
    public void Refuses_an_adjusted_working_day_on_a_weekday()
    {
        var error = Assert.Single(ErrorsOf(With("\"2027-01-09\"", "\"2027-01-08\"")));

        Assert.Contains("Friday", error);
        Assert.Contains("周五", error);
    }

    [Fact]
    public void Refuses_repeated_days()
    {
        var error = Assert.Single(ErrorsOf(With("\"2027-01-03\"", "\"2027-01-02\"")));

        Assert.StartsWith("holidays[0].days[2]: 2027-01-02", error);
        Assert.Contains("repeats holidays[0].days[1]", error);
    }

    [Fact]
    public void Refuses_a_holiday_without_days() =>
        Assert.Contains(ErrorsOf(With("[\"2027-01-01\", \"2027-01-02\", \"2027-01-03\"]", "[]")),
            e => e.StartsWith("holidays[0].days:", StringComparison.Ordinal) && e.Contains("at least one day"));

    [Theory]
    [InlineData("\"year\": 2027,", "year: ")]
    [InlineData("\"version\": \"cn-2027-v1\",", "version: ")]
    [InlineData("\"source\": \"test data\",", "source: ")]
    [InlineData(",\n  \"workdays\": [\"2027-01-09\"]", "workdays: ")]
    [InlineData("\"nameZh\": \"元旦\", ", "holidays[0].nameZh: ")]
    public void Names_a_missing_field(string removed, string errorStart)
    {
        var json = Valid2027.Replace(removed, "", StringComparison.Ordinal);
        Assert.NotEqual(Valid2027, json);

        Assert.Contains(ErrorsOf(json), e => e.StartsWith(errorStart, StringComparison.Ordinal) && e.Contains("is required"));
    }

    [Fact]
    public void Refuses_a_misspelt_field()
    {
        var error = Assert.Single(ErrorsOf(With("\"workdays\"", "\"workday\"").Replace("\"source\"", "\"workdays\": [], \"source\"")));

        Assert.StartsWith("workday: ", error);
        Assert.Contains("unknown field", error);
    }

    [Theory]
    [InlineData("\"cn-2027-v1\"", "\"cn+2027\"")] // '+' joins versions on a deadline
    [InlineData("\"cn-2027-v1\"", "\"\"")]
    [InlineData("\"cn-2027-v1\"", "\"2027 第一版\"")]
    public void Refuses_a_version_that_cannot_label_a_deadline(string from, string to) =>
        Assert.StartsWith("version: ", Assert.Single(ErrorsOf(With(from, to))));

    [Fact]
    public void A_version_far_too_long_is_quoted_by_its_start_and_its_length_not_in_full()
    {
        var pasted = "cn-2027-" + new string('x', 5000);

        var error = Assert.Single(ErrorsOf(With("\"cn-2027-v1\"", $"\"{pasted}\"")));

        Assert.StartsWith("version: “cn-2027-xxxxxxxxxxxx…”（5008 个字符） 应为1–64位", error);
        Assert.Contains(" / 'cn-2027-xxxxxxxxxxxx…' (5008 characters) must be 1–64 letters", error);
        Assert.True(error.Length < 300, error);
    }

    [Fact]
    public void A_year_given_by_the_sender_may_be_left_out_of_the_json_and_one_in_it_is_read_as_written()
    {
        var without = Valid2027.Replace("\"year\": 2027,", "", StringComparison.Ordinal);

        Assert.True(YearSchedule.TryParse(without, out var schedule, out _, year: 2027));
        Assert.Equal(2027, schedule.Year);
        Assert.True(YearSchedule.TryParse(Valid2027.Replace("\"year\": 2027", "\"year\": null", StringComparison.Ordinal), out schedule, out _, year: 2027));
        Assert.Equal(2027, schedule.Year);
        // Without a sender's year it is required, as an admin's paste must say which year it is.
        Assert.StartsWith("year: ", Assert.Single(ErrorsOf(without)));
        // One the JSON gives is the JSON's: comparing it with the address is the sender's check.
        Assert.True(YearSchedule.TryParse(Valid2027, out schedule, out _, year: 2028));
        Assert.Equal(2027, schedule.Year);
    }

    [Fact]
    public void Refuses_a_year_out_of_range() =>
        Assert.Contains(ErrorsOf(Valid2027.Replace("\"year\": 2027", "\"year\": 20027", StringComparison.Ordinal)),
            e => e.StartsWith("year: 20027", StringComparison.Ordinal));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("{ \"year\": ")]
    [InlineData("[2027]")]
    [InlineData("\"2027\"")]
    public void Refuses_what_is_not_a_schedule_object(string? json)
    {
        Assert.False(YearSchedule.TryParse(json, out _, out var errors));
        Assert.Single(errors);
    }

    [Fact]
    public void Reports_every_problem_at_once()
    {
        var json = Valid2027
            .Replace("\"2027-01-02\"", "\"2027-13-01\"", StringComparison.Ordinal)
            .Replace("\"test data\"", "\" \"", StringComparison.Ordinal)
            .Replace("\"2027-01-09\"", "\"2027-01-01\"", StringComparison.Ordinal);

        var errors = ErrorsOf(json);

        Assert.Equal(3, errors.Count);
        var thrown = Assert.Throws<InvalidYearScheduleException>(() => YearSchedule.Parse(json));
        Assert.Equal(errors, thrown.Errors);
    }

    [Fact]
    public void Create_applies_the_same_rules()
    {
        var thrown = Assert.Throws<InvalidYearScheduleException>(() => YearSchedule.Create(
            2027, "cn-2027-v1", "test data",
            [new Holiday("New Year's Day", "元旦", [new DateOnly(2027, 1, 1), new DateOnly(2026, 12, 31)])],
            [new DateOnly(2027, 1, 1)]));

        Assert.Equal(2, thrown.Errors.Count);
        Assert.Contains(thrown.Errors, e => e.Contains("is not in 2027"));
        Assert.Contains(thrown.Errors, e => e.Contains("both a holiday"));
    }

    [Fact]
    public void Asking_about_another_year_is_a_programming_error()
    {
        var schedule = YearSchedule.Parse(Valid2027);

        Assert.Throws<ArgumentOutOfRangeException>(() => schedule.IsWorkingDay(new DateOnly(2026, 12, 31)));
    }
}
