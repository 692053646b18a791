using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;

namespace Liaison.Cases.Sla;

/// <summary>A case's deadlines as set at dispatch.</summary>
/// <param name="AcceptBy">签收 deadline.</param>
/// <param name="DueAt">办结 deadline.</param>
/// <param name="NextProgressReport">First progress note due, for long-running categories; null otherwise.</param>
public sealed record CaseDeadlines(Deadline AcceptBy, Deadline DueAt, Deadline? NextProgressReport);

/// <summary>Turns an <see cref="SlaPolicy"/> into concrete deadlines on the working-day calendar.</summary>
public static class SlaDeadlines
{
    /// <summary>
    /// Both clocks start at dispatch (DESIGN §2), so a handler gains nothing by accepting late.
    /// The progress-report clock starts at dispatch too, and restarts with each progress note (see <see cref="NextProgressReport"/>).
    /// </summary>
    public static CaseDeadlines AtDispatch(WorkingCalendar calendar, DateTimeOffset dispatchedAt, SlaPolicy policy, CasePriority priority)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        return new CaseDeadlines(
            AcceptBy: calendar.AddWorkingDays(dispatchedAt, policy.AcceptWithinWorkingDays),
            DueAt: ResolveBy(calendar, dispatchedAt, policy, priority),
            NextProgressReport: NextProgressReport(calendar, dispatchedAt, policy));
    }

    public static CaseDeadlines AtDispatch(WorkingCalendar calendar, DateTimeOffset dispatchedAt, CaseCategory category, CasePriority priority)
    {
        ArgumentNullException.ThrowIfNull(category);
        return AtDispatch(calendar, dispatchedAt, category.Sla, priority);
    }

    /// <summary>
    /// A co-handler's (协办) deadlines when its part is dispatched with the lead's: the category's acceptance limit, and
    /// its part due <see cref="SlaPolicy.CoHandlerLeadWorkingDays"/> working days before the lead's resolve deadline
    /// (<see cref="SlaPolicy.CoHandlerResolveLimit"/>, counted from dispatch like every clock).
    /// </summary>
    public static CaseDeadlines ForCoHandler(WorkingCalendar calendar, DateTimeOffset dispatchedAt, SlaPolicy policy, CasePriority priority)
    {
        ArgumentNullException.ThrowIfNull(policy);
        // The priority is already in the limit: urgent halves the lead's, the co-handler's follows from it.
        var part = new SlaPolicy(policy.AcceptWithinWorkingDays, policy.CoHandlerResolveLimit(priority), policy.ProgressReportEveryWorkingDays);
        return AtDispatch(calendar, dispatchedAt, part, CasePriority.Normal);
    }

    /// <summary>The resolve deadline for a clock starting at <paramref name="clockStart"/> (dispatch, or a reopening).</summary>
    public static Deadline ResolveBy(WorkingCalendar calendar, DateTimeOffset clockStart, SlaPolicy policy, CasePriority priority)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        return calendar.AddWorkingDays(clockStart, policy.ResolveLimit(priority));
    }

    /// <summary>When the next progress note is due after the one at <paramref name="lastReportAt"/> (or dispatch); null if the category needs none.</summary>
    public static Deadline? NextProgressReport(WorkingCalendar calendar, DateTimeOffset lastReportAt, SlaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        return policy.ProgressReportEveryWorkingDays is { } every ? calendar.AddWorkingDays(lastReportAt, every) : null;
    }
}
