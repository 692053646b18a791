using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;

namespace Liaison.Cases.Digests;

/// <summary>Where a case stands in a handler's morning list.</summary>
public enum DigestUrgency
{
    /// <summary>Past its resolve deadline, or still not accepted (签收) past its acceptance deadline.</summary>
    Overdue,

    /// <summary>Due within the next few working days (default 2).</summary>
    DueSoon,

    Other,
}

public sealed record HandlerDigestItem(Case Case, DigestUrgency Urgency, int? OverdueWorkingDays, bool AcceptOverdue, int? WorkingDaysLeft);

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
    public static IReadOnlyList<HandlerDigest> Build(IEnumerable<Case> cases, DateTimeOffset now, WorkingCalendar calendar, int dueSoonWorkingDays = DefaultDueSoonWorkingDays)
    {
        return cases
            .Where(c => CaseStatuses.IsWithHandler(c.Status) && !string.IsNullOrWhiteSpace(c.HandlerEmail))
            .GroupBy(c => c.HandlerEmail.Trim().ToLowerInvariant())
            .Select(g =>
            {
                // Name and language from the latest assignment: the department's current record of the person.
                var latest = g.MaxBy(c => c.Id)!;
                var items = g.Select(c => Classify(c, now, calendar, dueSoonWorkingDays))
                    .OrderBy(i => i.Urgency)
                    .ThenBy(i => SortKey(i, now))
                    .ThenBy(i => i.Case.Number, StringComparer.Ordinal)
                    .ToList();
                return new HandlerDigest(latest.HandlerEmail.Trim(), latest.HandlerName, latest.HandlerCulture, items);
            })
            .OrderBy(d => d.Email, StringComparer.Ordinal)
            .ToList();
    }

    public static HandlerDigestItem Classify(Case c, DateTimeOffset now, WorkingCalendar calendar, int dueSoonWorkingDays = DefaultDueSoonWorkingDays)
    {
        var resolveOverdue = c.DueAt is { } due && due < now;
        var acceptOverdue = c.Status == CaseStatus.Dispatched && c.AcceptBy is { } acceptBy && acceptBy < now;
        int? overdueDays = resolveOverdue ? calendar.WorkingDaysBetween(c.DueAt!.Value, now) : null;
        int? left = c.DueAt is { } d && !resolveOverdue ? calendar.WorkingDaysBetween(now, d) : null;
        var urgency = resolveOverdue || acceptOverdue ? DigestUrgency.Overdue
            : left <= dueSoonWorkingDays ? DigestUrgency.DueSoon
            : DigestUrgency.Other;
        return new HandlerDigestItem(c, urgency, overdueDays, acceptOverdue, left);
    }

    // Overdue: the deadline that passed first comes first. Otherwise: the nearest resolve deadline; none last.
    private static DateTimeOffset SortKey(HandlerDigestItem i, DateTimeOffset now) => i.Urgency == DigestUrgency.Overdue
        ? new[] { i.Case.DueAt, i.AcceptOverdue ? i.Case.AcceptBy : null }.Where(d => d < now).Min() ?? DateTimeOffset.MaxValue
        : i.Case.DueAt ?? DateTimeOffset.MaxValue;
}
