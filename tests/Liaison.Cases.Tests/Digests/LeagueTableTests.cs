using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using static Liaison.Cases.Tests.Digests.DigestTestData;

namespace Liaison.Cases.Tests.Digests;

public sealed class LeagueTableTests
{
    private static readonly DateOnly From = new(2026, 3, 2);
    private static readonly DateOnly To = new(2026, 3, 8);
    private static readonly DateTimeOffset Now = Local(3, 9, 8, 30);
    private static readonly (string, string)[] Departments = [("fgj", "发展和改革局"), ("jxj", "经济和信息化局"), ("gdgs", "供电公司"), ("czj", "财政局")];

    // Dispatched Monday 2nd 09:00: accept by Tue 3rd 18:00, resolve by Mon 9th 18:00 (factor-guarantee).
    private static Case Opened(string department, CaseStatus status, DateTimeOffset? dueAt = null) =>
        NewCase(department, status, dueAt ?? Local(3, 9, 18)).Dispatched(Local(3, 2, 9), department, Local(3, 3, 18), Local(3, 9, 18));

    [Fact]
    public void Scores_each_event_against_the_department_holding_the_case()
    {
        var onTime = Opened("fgj", CaseStatus.Closed).Event(Local(3, 2, 10), CaseActions.Accept).Event(Local(3, 3, 9), CaseActions.Resolve);
        // Accepted late; an extension moves DueAt but not the scoring deadline; resolved after the original one.
        var late = Opened("fgj", CaseStatus.Resolved, Local(3, 12, 18)).Event(Local(3, 4, 9), CaseActions.Accept)
            .Event(Local(3, 4, 10), CaseActions.Extension).Event(Local(3, 4, 11), "extension-approved")
            .Event(Local(3, 6, 9), "email").Event(Local(3, 6, 9), "status");
        late.Event(Local(3, 9, 8), CaseActions.Resolve); // after the period: not scored yet
        // Returned by fgj, reassigned to gdgs which accepts and resolves on time.
        var moved = Opened("fgj", CaseStatus.Resolved).Event(Local(3, 2, 10), CaseActions.Return)
            .Dispatched(Local(3, 2, 11), "gdgs", Local(3, 3, 18), Local(3, 9, 18))
            .Event(Local(3, 3, 9), CaseActions.Accept).Event(Local(3, 6, 9), CaseActions.Resolve);
        // Resolved, reopened, resolved again: counted once, by its last resolution, against the original deadline.
        var reopened = Opened("jxj", CaseStatus.Resolved).Event(Local(3, 2, 10), CaseActions.Accept).Event(Local(3, 3, 9), CaseActions.Resolve)
            .Event(Local(3, 3, 10), "reopened").Event(Local(3, 5, 9), CaseActions.Resolve);
        var overdue = Opened("jxj", CaseStatus.Dispatched, Local(3, 6, 18));
        var before = NewCase("jxj", CaseStatus.Closed, Local(2, 20, 18)).Dispatched(Local(2, 10, 9), "jxj", Local(2, 11, 18), Local(2, 20, 18))
            .Event(Local(2, 11, 9), CaseActions.Accept).Event(Local(2, 20, 9), CaseActions.Resolve);

        var table = LeagueTable.Compute([onTime, late, moved, reopened, overdue, before], Departments, From, To, Now, Zone);

        var fgj = table.Rows.Single(r => r.DepartmentCode == "fgj");
        Assert.Equal(new LeagueRow("fgj", "发展和改革局", Received: 3, Accepted: 2, AcceptedOnTime: 1, Resolved: 1, ResolvedOnTime: 1,
            OverdueNow: 0, Returns: 1, Extensions: 1, Reopenings: 0, MedianWorkingDaysToResolve: 1, LeagueMark.Red), fgj);
        var gdgs = table.Rows.Single(r => r.DepartmentCode == "gdgs");
        Assert.Equal(new LeagueRow("gdgs", "供电公司", 1, 1, 1, 1, 1, 0, 0, 0, 0, 4, LeagueMark.Green), gdgs);
        var jxj = table.Rows.Single(r => r.DepartmentCode == "jxj");
        Assert.Equal(new LeagueRow("jxj", "经济和信息化局", 2, 1, 1, 1, 1, 1, 0, 0, 1, 3, LeagueMark.Red), jxj);
        Assert.Equal(new LeagueRow("czj", "财政局", 0, 0, 0, 0, 0, 0, 0, 0, 0, null, LeagueMark.Green), table.Rows.Single(r => r.DepartmentCode == "czj"));
        Assert.Equal(["jxj", "fgj", "gdgs", "czj"], table.Rows.Select(r => r.DepartmentCode));
        Assert.Equal((6, 4, 3, 3, 3, 1, 3.0), (table.Totals.Received, table.Totals.Accepted, table.Totals.AcceptedOnTime, table.Totals.Resolved,
            table.Totals.ResolvedOnTime, table.Totals.OverdueNow, table.Totals.MedianWorkingDaysToResolve!.Value));
    }

    [Fact]
    public void A_late_resolution_counts_against_the_original_deadline_even_within_an_extension()
    {
        var c = Opened("fgj", CaseStatus.Resolved, Local(3, 12, 18)).Event(Local(3, 2, 10), CaseActions.Accept)
            .Event(Local(3, 4, 10), CaseActions.Extension).Event(Local(3, 10, 9), CaseActions.Resolve);

        var row = LeagueTable.Compute([c], Departments, From, new DateOnly(2026, 3, 10), Local(3, 10, 12), Zone).Rows.Single(r => r.DepartmentCode == "fgj");

        Assert.Equal((1, 0, 6.0), (row.Resolved, row.ResolvedOnTime, row.MedianWorkingDaysToResolve!.Value));
    }

    [Theory]
    [InlineData(1, 1.0, LeagueMark.Red)] // any case overdue now
    [InlineData(0, 0.59, LeagueMark.Red)]
    [InlineData(0, 0.6, LeagueMark.Yellow)]
    [InlineData(0, 0.89, LeagueMark.Yellow)]
    [InlineData(0, 0.9, LeagueMark.Green)]
    [InlineData(0, null, LeagueMark.Green)] // nothing to rate
    public void Red_and_yellow_marking(int overdueNow, double? worstRate, LeagueMark expected)
    {
        Assert.Equal(expected, LeagueTable.Mark(overdueNow, worstRate, new LeagueRules()));
    }

    [Fact]
    public void Median_of_even_and_odd_counts()
    {
        Assert.Equal(3.5, LeagueTable.Median([6, 1]));
        Assert.Equal(4, LeagueTable.Median([9, 4, 1]));
        Assert.Null(LeagueTable.Median([]));
    }

    [Fact]
    public void Median_of_a_histogram_equals_the_median_of_its_values()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var values = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(0, 12)).ToList();
            var histogram = new SortedDictionary<int, int>();
            foreach (var v in values) histogram[v] = histogram.GetValueOrDefault(v) + 1;

            Assert.Equal(LeagueTable.Median(values), LeagueTable.MedianOfHistogram(histogram));
        }

        Assert.Null(LeagueTable.MedianOfHistogram(new SortedDictionary<int, int>()));
    }
}
