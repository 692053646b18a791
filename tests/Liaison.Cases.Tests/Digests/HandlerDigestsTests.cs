using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using static Liaison.Cases.Tests.Digests.DigestTestData;

namespace Liaison.Cases.Tests.Digests;

public sealed class HandlerDigestsTests
{
    private static readonly DateTimeOffset Now = Local(3, 10, 8, 30); // Tuesday

    [Fact]
    public void One_digest_per_handler_across_departments_overdue_first_then_due_soon_then_the_rest()
    {
        var later = NewCase("fgj", CaseStatus.InProgress, Local(3, 20, 18));
        var dueSoon = NewCase("jxj", CaseStatus.Accepted, Local(3, 12, 18), handler: "H@Anyue.example"); // 2 working days left
        var dueTomorrow = NewCase("fgj", CaseStatus.Accepted, Local(3, 11, 18));
        var overdueLess = NewCase("fgj", CaseStatus.InProgress, Local(3, 9, 18));
        var overdueMore = NewCase("jxj", CaseStatus.Accepted, Local(3, 5, 18));
        var notAccepted = NewCase("fgj", CaseStatus.Dispatched, Local(3, 16, 18), acceptBy: Local(3, 6, 18));
        var threeDaysLeft = NewCase("fgj", CaseStatus.Accepted, Local(3, 13, 18));
        var someoneElse = NewCase("gdgs", CaseStatus.Accepted, Local(3, 1, 18), handler: "other@anyue.example");

        var digests = HandlerDigests.Build([later, dueSoon, dueTomorrow, overdueLess, overdueMore, notAccepted, threeDaysLeft, someoneElse], Now, Zone);

        Assert.Equal(2, digests.Count);
        var mine = digests.Single(d => d.Email.Equals("h@anyue.example", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(
            [overdueMore.Number, notAccepted.Number, overdueLess.Number, dueTomorrow.Number, dueSoon.Number, threeDaysLeft.Number, later.Number],
            mine.Items.Select(i => i.Case.Number));
        Assert.Equal(
            [DigestUrgency.Overdue, DigestUrgency.Overdue, DigestUrgency.Overdue, DigestUrgency.DueSoon, DigestUrgency.DueSoon, DigestUrgency.Other, DigestUrgency.Other],
            mine.Items.Select(i => i.Urgency));
        Assert.Equal(3, mine.Items[0].OverdueWorkingDays); // due Thu 5th, now Tue 10th: Fri, Mon, Tue
        Assert.True(mine.Items[1].AcceptOverdue);
        Assert.Null(mine.Items[1].OverdueWorkingDays);
    }

    /// <summary>
    /// A case not accepted yet is due soon by its acceptance deadline (签收期限), not only by its resolve deadline, and
    /// sorts by the nearer of the two; once accepted, only the resolve deadline counts.
    /// </summary>
    [Fact]
    public void A_case_not_accepted_yet_is_due_soon_by_its_acceptance_deadline()
    {
        var acceptTomorrow = NewCase("fgj", CaseStatus.Dispatched, Local(3, 17, 18), acceptBy: Local(3, 11, 18)); // 5 working days to resolve
        var acceptToday = NewCase("fgj", CaseStatus.Dispatched, Local(3, 17, 18), acceptBy: Local(3, 10, 18));
        var dueSoon = NewCase("fgj", CaseStatus.Accepted, Local(3, 12, 18)); // 2 working days left
        var accepted = NewCase("fgj", CaseStatus.Accepted, Local(3, 17, 18), acceptBy: Local(3, 11, 18));
        var acceptLater = NewCase("fgj", CaseStatus.Dispatched, Local(3, 20, 18), acceptBy: Local(3, 13, 18)); // 3 working days to accept

        var items = HandlerDigests.Build([acceptTomorrow, dueSoon, accepted, acceptToday, acceptLater], Now, Zone).Single().Items;

        // The rest by the nearer deadline too: accept by Friday 13th before resolve by Tuesday 17th.
        Assert.Equal([acceptToday.Number, acceptTomorrow.Number, dueSoon.Number, acceptLater.Number, accepted.Number], items.Select(i => i.Case.Number));
        Assert.Equal([DigestUrgency.DueSoon, DigestUrgency.DueSoon, DigestUrgency.DueSoon, DigestUrgency.Other, DigestUrgency.Other], items.Select(i => i.Urgency));
        Assert.Equal([0, 1, null, 3, null], items.Select(i => i.AcceptWorkingDaysLeft));
        Assert.Equal(5, items[1].WorkingDaysLeft); // the resolve deadline's, as before
    }

    [Fact]
    public void Cases_not_with_the_handler_give_no_digest()
    {
        var cases = new[] { CaseStatus.Returned, CaseStatus.Resolved, CaseStatus.Closed, CaseStatus.Cancelled }
            .Select(s => NewCase("fgj", s, Local(3, 1, 18)));

        Assert.Empty(HandlerDigests.Build(cases, Now, Zone));
    }
}
