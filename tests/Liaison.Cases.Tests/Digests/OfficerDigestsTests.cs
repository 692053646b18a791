using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using static Liaison.Cases.Tests.Digests.DigestTestData;

namespace Liaison.Cases.Tests.Digests;

public sealed class OfficerDigestsTests
{
    private static readonly DateTimeOffset Since = Local(3, 9, 8, 30);
    private static readonly DateTimeOffset Now = Local(3, 10, 8, 30);

    [Fact]
    public void Decisions_first_then_overdue_then_changed_and_quiet_cases_are_left_out()
    {
        var changed = NewCase("fgj", CaseStatus.InProgress, Local(3, 20, 18)).Event(Local(3, 9, 10), CaseActions.Progress, note: "已踏勘")
            .Event(Local(3, 9, 10), "email").Event(Local(3, 9, 10), "status");
        var quiet = NewCase("fgj", CaseStatus.Accepted, Local(3, 20, 18)).Event(Local(3, 6, 10), CaseActions.Progress);
        var onlyMail = NewCase("fgj", CaseStatus.Accepted, Local(3, 20, 18)).Event(Local(3, 9, 10), "email");
        var overdue = NewCase("fgj", CaseStatus.Accepted, Local(3, 9, 18));
        var returned = NewCase("fgj", CaseStatus.Returned, Local(3, 20, 18));
        var extension = NewCase("fgj", CaseStatus.InProgress, Local(3, 20, 18));
        extension.PendingExtensionDays = 3;

        var items = OfficerDigests.Build([changed, quiet, onlyMail, overdue, returned, extension], Since, Now, Zone);

        Assert.Equal([returned.Number, extension.Number, overdue.Number, changed.Number], items.Select(i => i.Case.Number));
        Assert.Equal([OfficerDigests.DecideReturn, OfficerDigests.DecideExtension, null, null], items.Select(i => i.Decision));
        Assert.Equal(1, items[2].OverdueWorkingDays);
        Assert.Equal([CaseActions.Progress], items[3].Changes.Select(e => e.Kind));
    }

    [Fact]
    public void A_joint_case_with_a_returned_part_needs_the_officers_decision_on_the_part()
    {
        var joint = NewCase("zrzyj", CaseStatus.Accepted, Local(3, 20, 18));
        var other = NewCase("zrzyj", CaseStatus.Accepted, Local(3, 20, 18)).Event(Local(3, 9, 10), CaseActions.Progress);

        var items = OfficerDigests.Build([joint, other], Since, Now, Zone, new HashSet<long> { joint.Id });

        Assert.Equal([joint.Number, other.Number], items.Select(i => i.Case.Number));
        Assert.Equal(OfficerDigestSection.NeedsDecision, items[0].Section);
        Assert.Equal(OfficerDigests.DecidePartReturn, items[0].Decision);
        Assert.Null(items[1].Decision);
    }

    [Fact]
    public void A_joint_case_with_a_parts_extension_request_needs_the_officers_decision_on_it()
    {
        var joint = NewCase("zrzyj", CaseStatus.Accepted, Local(3, 20, 18));
        var other = NewCase("zrzyj", CaseStatus.Accepted, Local(3, 20, 18)).Event(Local(3, 9, 10), CaseActions.Progress);

        var items = OfficerDigests.Build([joint, other], Since, Now, Zone, withPartExtensions: new HashSet<long> { joint.Id });

        Assert.Equal([joint.Number, other.Number], items.Select(i => i.Case.Number));
        Assert.Equal(OfficerDigestSection.NeedsDecision, items[0].Section);
        Assert.Equal(OfficerDigests.DecidePartExtension, items[0].Decision);
        Assert.Equal("协办部门申请延期，请审批", DigestMailRenderer.DecisionLabel(items[0].Decision).Zh);
        Assert.Null(items[1].Decision);
    }
}
