using Liaison.Cases.Cases;

namespace Liaison.Cases.Digests;

/// <summary>The section of an officer's digest a case appears in; a case appears once, in the first that fits.</summary>
public enum OfficerDigestSection
{
    /// <summary>Waiting for the officer: returned (退回), resolved (办结，待确认), an extension request (申请延期) or an enterprise's 不满意.</summary>
    NeedsDecision,

    /// <summary>Past its resolve deadline and not yet resolved.</summary>
    Overdue,

    /// <summary>Something happened since the last digest.</summary>
    Changed,
}

public sealed record OfficerDigestItem(Case Case, OfficerDigestSection Section, string? Decision, int? OverdueWorkingDays, IReadOnlyList<CaseEvent> Changes);

/// <summary>The daily officer digest (DESIGN §2 Digests): pure, over cases with their timeline loaded.</summary>
public static class OfficerDigests
{
    /// <summary>Decisions an officer owes, as machine names (templates word them).</summary>
    public const string DecideReturn = "returned";
    public const string DecideResolution = "resolved";
    public const string DecideExtension = "extension";

    /// <summary>A co-handler returned its part of a joint case (协办退回): reassign the part or drop it.</summary>
    public const string DecidePartReturn = "part-returned";

    /// <summary>A co-handler asks for more time for its part of a joint case (协办申请延期): approve or deny it.</summary>
    public const string DecidePartExtension = "part-extension";

    /// <summary>The enterprise rated the confirmed case 不满意: reopen it (重办) or close it with a note.</summary>
    public const string DecideUnsatisfied = "unsatisfied";

    // Bookkeeping, not news: every mail has its own entry, and a status entry always accompanies the action that caused it.
    private static readonly HashSet<string> Quiet = [CaseEventKinds.Email, CaseEventKinds.Status];

    /// <summary>
    /// The officer's cases that need a decision, are overdue or changed since <paramref name="since"/> (timeline
    /// entries at or after it), in that order; empty when there is nothing to tell.
    /// </summary>
    /// <param name="withReturnedParts">Joint cases with a part a co-handler returned (the officer owes a decision on it).</param>
    /// <param name="withPartExtensions">Joint cases with a part whose extension request awaits the officer.</param>
    /// <param name="withUnsatisfiedRatings">Closed cases whose enterprise rated them 不满意, not decided yet.</param>
    public static IReadOnlyList<OfficerDigestItem> Build(
        IEnumerable<Case> cases, DateTimeOffset since, DateTimeOffset now, Calendar.WorkingCalendar calendar, IReadOnlySet<long>? withReturnedParts = null,
        IReadOnlySet<long>? withPartExtensions = null, IReadOnlySet<long>? withUnsatisfiedRatings = null)
    {
        var items = new List<OfficerDigestItem>();
        foreach (var c in cases)
        {
            var changes = c.Timeline.Where(e => e.At >= since && e.At <= now && !Quiet.Contains(e.Kind)).OrderBy(e => e.At).ThenBy(e => e.Id).ToList();
            var decision = c.PendingExtensionDays is not null ? DecideExtension
                : c.Status == CaseStatus.Returned ? DecideReturn
                : withReturnedParts?.Contains(c.Id) == true ? DecidePartReturn
                : withPartExtensions?.Contains(c.Id) == true ? DecidePartExtension
                : c.Status == CaseStatus.Resolved ? DecideResolution
                : withUnsatisfiedRatings?.Contains(c.Id) == true ? DecideUnsatisfied
                : null;
            var overdue = CaseStatuses.IsOverdue(c, now);
            OfficerDigestSection? section = decision is not null ? OfficerDigestSection.NeedsDecision
                : overdue ? OfficerDigestSection.Overdue
                : changes.Count > 0 ? OfficerDigestSection.Changed
                : null;
            if (section is { } s)
            {
                items.Add(new OfficerDigestItem(c, s, decision, overdue ? calendar.WorkingDaysBetween(c.DueAt!.Value, now) : null, changes));
            }
        }

        return InDigestOrder(items);
    }

    /// <summary>The digest's order: by section, then the earliest deadline first, then by case number.</summary>
    public static List<OfficerDigestItem> InDigestOrder(IEnumerable<OfficerDigestItem> items) =>
        items.OrderBy(i => i.Section).ThenBy(i => i.Case.DueAt ?? DateTimeOffset.MaxValue).ThenBy(i => i.Case.Number, StringComparer.Ordinal).ToList();
}
