using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;

namespace Liaison.Cases.Digests;

/// <summary>Where a case stands in a handler's morning list.</summary>
public enum DigestUrgency
{
    /// <summary>Past its resolve deadline, or still not accepted (签收) past its acceptance deadline.</summary>
    Overdue,

    /// <summary>Due within the next few working days (default 2): its resolve deadline, or, not accepted yet, its acceptance deadline.</summary>
    DueSoon,

    Other,
}

/// <param name="Part">A co-handling part (协办) of a joint case the handler's department holds; null for a case it leads.</param>
/// <param name="AcceptWorkingDaysLeft">
/// Not accepted (签收) yet, its acceptance deadline still ahead: the working days left to it (0: today). Null once
/// accepted, or when the acceptance deadline has passed (<paramref name="AcceptOverdue"/>).
/// </param>
public sealed record HandlerDigestItem(Case Case, DigestUrgency Urgency, int? OverdueWorkingDays, bool AcceptOverdue, int? WorkingDaysLeft, CasePart? Part = null,
    int? AcceptWorkingDaysLeft = null)
{
    /// <summary>Whose deadlines the item follows: the part's, or the case's (the lead's).</summary>
    public IAssignment Holder => (IAssignment?)Part ?? Case;
}

/// <summary>One handler's morning mail: every open case they hold, whichever department it came through.</summary>
public sealed record HandlerDigest(string Email, string Name, string Culture, IReadOnlyList<HandlerDigestItem> Items)
{
    public IEnumerable<HandlerDigestItem> In(DigestUrgency urgency) => Items.Where(i => i.Urgency == urgency);
}

/// <summary>The daily handler digest (DESIGN §2 Digests): pure, so the ordering rules are tested without a database.</summary>
public static class HandlerDigests
{
    public const int DefaultDueSoonWorkingDays = 2;

    /// <summary>
    /// One digest per handler email (compared without case), items ordered overdue first (longest overdue first),
    /// then due soon, then the rest, each by deadline. Cases not with a handler are ignored; handlers with nothing get no digest.
    /// </summary>
    /// <param name="parts">
    /// Co-handling parts (协办) of joint cases, with their cases: each open one is listed for its own handler, by its
    /// own deadlines, beside the cases that handler leads.
    /// </param>
    public static IReadOnlyList<HandlerDigest> Build(IEnumerable<Case> cases, DateTimeOffset now, WorkingCalendar calendar, int dueSoonWorkingDays = DefaultDueSoonWorkingDays,
        IEnumerable<(Case Case, CasePart Part)>? parts = null)
    {
        var items = cases
            .Where(c => CaseStatuses.IsWithHandler(c.Status))
            .Select(c => Classify(c, now, calendar, dueSoonWorkingDays))
            .Concat((parts ?? [])
                .Where(x => x.Part.IsOpen && !CaseStatuses.Ended.Contains(x.Case.Status))
                .Select(x => Classify(x.Case, now, calendar, dueSoonWorkingDays, x.Part)));
        return items
            .Where(i => !string.IsNullOrWhiteSpace(i.Holder.HandlerEmail))
            .GroupBy(i => i.Holder.HandlerEmail.Trim().ToLowerInvariant())
            .Select(g =>
            {
                // Name and language from the latest assignment: the department's current record of the person.
                var latest = g.MaxBy(i => (i.Case.Id, i.Part?.Id ?? 0))!.Holder;
                var ordered = g
                    .OrderBy(i => i.Urgency)
                    .ThenBy(i => SortKey(i, now))
                    .ThenBy(i => i.Case.Number, StringComparer.Ordinal)
                    .ToList();
                return new HandlerDigest(latest.HandlerEmail.Trim(), latest.HandlerName, latest.HandlerCulture, ordered);
            })
            .OrderBy(d => d.Email, StringComparer.Ordinal)
            .ToList();
    }

    /// <param name="part">A co-handling part of <paramref name="c"/>: classified by the part's deadlines and status.</param>
    public static HandlerDigestItem Classify(Case c, DateTimeOffset now, WorkingCalendar calendar, int dueSoonWorkingDays = DefaultDueSoonWorkingDays,
        CasePart? part = null)
    {
        IAssignment a = (IAssignment?)part ?? c;
        var notAccepted = part is null ? c.Status == CaseStatus.Dispatched : part.Status == PartStatus.Dispatched;
        var resolveOverdue = a.DueAt is { } due && due < now;
        var acceptOverdue = notAccepted && a.AcceptBy is { } acceptBy && acceptBy < now;
        int? overdueDays = resolveOverdue ? calendar.WorkingDaysBetween(a.DueAt!.Value, now) : null;
        int? left = a.DueAt is { } d && !resolveOverdue ? calendar.WorkingDaysBetween(now, d) : null;
        // Not accepted yet: the acceptance deadline comes first and counts as the resolve deadline does (overdue above).
        int? acceptLeft = notAccepted && !acceptOverdue && a.AcceptBy is { } acceptAt ? calendar.WorkingDaysBetween(now, acceptAt) : null;
        var urgency = resolveOverdue || acceptOverdue ? DigestUrgency.Overdue
            : left <= dueSoonWorkingDays || acceptLeft <= dueSoonWorkingDays ? DigestUrgency.DueSoon
            : DigestUrgency.Other;
        return new HandlerDigestItem(c, urgency, overdueDays, acceptOverdue, left, part, acceptLeft);
    }

    // Overdue: the deadline that passed first comes first. Otherwise: the nearest deadline still to meet (acceptance, while
    // not accepted, or resolve); none last.
    private static DateTimeOffset SortKey(HandlerDigestItem i, DateTimeOffset now) => i.Urgency == DigestUrgency.Overdue
        ? new[] { i.Holder.DueAt, i.AcceptOverdue ? i.Holder.AcceptBy : null }.Where(d => d < now).Min() ?? DateTimeOffset.MaxValue
        : new[] { i.Holder.DueAt, i.AcceptWorkingDaysLeft is null ? null : i.Holder.AcceptBy }.Min() ?? DateTimeOffset.MaxValue;
}
