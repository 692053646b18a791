using Liaison.Cases.Cases;

namespace Liaison.Cases.Tests.Cases;

/// <summary>When the lead may resolve a joint case over a co-handler's part (先行办结): only over a silent one.</summary>
public sealed class CasePartTests
{
    private static readonly DateTimeOffset AcceptBy = new(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DueAt = new(2026, 12, 18, 10, 0, 0, TimeSpan.Zero);

    private static CasePart Part(PartStatus status, int round = 1) =>
        new() { DepartmentCode = "swuj", Status = status, AssignmentRound = round, AcceptBy = AcceptBy, DueAt = DueAt };

    [Fact]
    public void An_accepted_part_within_its_submit_deadline_is_not_silent_until_the_deadline_has_passed()
    {
        var part = Part(PartStatus.Accepted);

        Assert.Equal(DueAt, part.LateFrom);
        Assert.False(part.MayBeResolvedOver(AcceptBy.AddDays(1)));
        Assert.False(part.MayBeResolvedOver(DueAt));
        Assert.True(part.MayBeResolvedOver(DueAt.AddMinutes(1)));
    }

    [Fact]
    public void A_part_not_accepted_is_silent_once_its_accept_by_has_passed()
    {
        var part = Part(PartStatus.Dispatched);

        Assert.Equal(AcceptBy, part.LateFrom);
        Assert.False(part.MayBeResolvedOver(AcceptBy));
        Assert.True(part.MayBeResolvedOver(AcceptBy.AddMinutes(1)));
    }

    [Fact]
    public void A_returned_or_never_dispatched_part_may_be_resolved_over_at_once_and_an_ended_one_never()
    {
        var now = AcceptBy.AddHours(-1);

        Assert.True(Part(PartStatus.Returned).MayBeResolvedOver(now));
        Assert.True(Part(PartStatus.Dispatched, round: 0).MayBeResolvedOver(now));
        Assert.False(Part(PartStatus.Submitted).MayBeResolvedOver(DueAt.AddDays(1)));
        Assert.False(Part(PartStatus.Dropped).MayBeResolvedOver(DueAt.AddDays(1)));
    }
}
