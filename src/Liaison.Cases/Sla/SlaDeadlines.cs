using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;

namespace Liaison.Cases.Sla;

/// <summary>A case's deadlines as set at dispatch.</summary>
/// <param name="AcceptBy">签收 deadline.</param>
/// <param name="DueAt">办结 deadline.</param>
/// <param name="NextProgressReport">First progress note due, for long-running categories; null otherwise.</param>
public sealed record CaseDeadlines(Deadline AcceptBy, Deadline DueAt, Deadline? NextProgressReport);

/// <summary>A round its handler returned (退回), as it stood then.</summary>
/// <param name="DepartmentCode">The department that returned it.</param>
/// <param name="At">When it was returned.</param>
/// <param name="DueAt">Its resolve deadline then, with how it was computed; null when none was stored.</param>
/// <param name="OriginalDueAt">The deadline its resolution would have been scored against (before any extension).</param>
public sealed record ReturnedRound(string DepartmentCode, DateTimeOffset At, Deadline? DueAt, DateTimeOffset? OriginalDueAt);

/// <summary>
/// The resolve deadline of a round the officer sent back to the department that returned it (坚持原派).
/// </summary>
/// <param name="DueAt">The round's resolve deadline.</param>
/// <param name="ScoredDueAt">The deadline its resolution is scored against, when not <paramref name="DueAt"/> (an
/// extension was approved before the return: the original deadline continues as the due one does).</param>
/// <param name="WorkingDaysLeft">Working days the department had left when it returned the case, counted again from the
/// insist; null when it was already overdue then and the deadline stays as it was.</param>
public sealed record InsistDeadline(Deadline DueAt, DateTimeOffset? ScoredDueAt, int? WorkingDaysLeft)
{
    /// <summary>How the timeline explains such a round's deadline (<paramref name="workingDaysLeft"/> as stored with it).</summary>
    public static Text Explain(int? workingDaysLeft) => workingDaysLeft is { } left
        ? new($"坚持原派，退回时剩余的 {left} 个工作日继续计算", $"insisted: the {English.Count(left, "working day", "working days")} left at the return {English.Word(left, "runs", "run")} on")
        : new("坚持原派，退回时已超期，办结期限不变", "insisted: overdue at the return, the resolve deadline stays");
}

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
    /// <param name="leadDueAt">The lead's resolve deadline as it stands (null: not known yet). A part is never due later than
    /// the lead time before it, whatever limit its own workflow gives (the lead's routing may set a shorter limit than
    /// the category's), and never before its acceptance deadline.</param>
    /// <param name="ownLimit">The policy's resolve limit is the part's own (its workflow set it), not the lead's.</param>
    public static CaseDeadlines ForCoHandler(
        WorkingCalendar calendar, DateTimeOffset dispatchedAt, SlaPolicy policy, CasePriority priority, DateTimeOffset? leadDueAt = null, bool ownLimit = false)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        // The priority is already in the limit: urgent halves the lead's, the co-handler's follows from it.
        var days = ownLimit ? Math.Max(policy.AcceptWithinWorkingDays, policy.ResolveLimit(priority)) : policy.CoHandlerResolveLimit(priority);
        if (leadDueAt is { } lead && lead > dispatchedAt)
        {
            days = Math.Min(days, Math.Max(policy.AcceptWithinWorkingDays, calendar.WorkingDaysBetween(dispatchedAt, lead) - policy.CoHandlerLeadWorkingDays));
        }

        var part = new SlaPolicy(policy.AcceptWithinWorkingDays, days, policy.ProgressReportEveryWorkingDays);
        return AtDispatch(calendar, dispatchedAt, part, CasePriority.Normal);
    }

    /// <summary>
    /// The most working days an approved extension of a co-handler's part may grant: its submit deadline moves up to
    /// the lead's resolve deadline less the lead time (<see cref="LatestPartDue"/>), never past it, as at dispatch
    /// (<see cref="ForCoHandler"/>). 0 when the part is due there already: the lead's deadline must move first. Null when
    /// the lead has no deadline to go by. The one rule for the approval, the officer's page and the request's mail.
    /// </summary>
    public static int? PartExtensionLimit(WorkingCalendar calendar, DateTimeOffset partDueAt, DateTimeOffset? leadDueAt, SlaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        return leadDueAt is { } lead ? Math.Max(0, calendar.WorkingDaysBetween(partDueAt, lead) - policy.CoHandlerLeadWorkingDays) : null;
    }

    /// <summary>
    /// The working days the lead's resolve deadline must move for a part's extension of <paramref name="granting"/>
    /// working days to fit (<see cref="PartExtensionLimit"/>): 0 when it fits already. The officer may approve such an
    /// extension together with this move of the lead's deadline (同时延长主办部门办结期限).
    /// </summary>
    public static int LeadDaysNeeded(WorkingCalendar calendar, DateTimeOffset partDueAt, int granting, DateTimeOffset leadDueAt, SlaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        var days = Math.Max(0, granting - PartExtensionLimit(calendar, partDueAt, leadDueAt, policy)!.Value);
        // Working days add up day by day (WorkingDaysBetween), so this is exact; counted again to be sure of it.
        while (days > 0 && PartExtensionLimit(calendar, partDueAt, calendar.AddWorkingDays(leadDueAt, days).Due, policy) < granting)
        {
            days++;
        }

        return days;
    }

    /// <summary>The latest a part may be due: the lead's resolve deadline less the category's lead time.</summary>
    public static DateTimeOffset LatestPartDue(WorkingCalendar calendar, DateTimeOffset leadDueAt, SlaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(policy);
        return calendar.SubtractWorkingDays(leadDueAt, policy.CoHandlerLeadWorkingDays);
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

    /// <summary>
    /// The resolve clock of a returned round the officer insists on (坚持原派) runs on where it stopped: the working
    /// days the department had left when it returned the case are counted again from <paramref name="insistedAt"/>
    /// (at least one, for a return on the due day before its close of business), so returning gains nothing and the
    /// days the case waited for the officer's decision cost the department nothing. A round already overdue when it
    /// was returned keeps its deadline, and with it the escalations already sent for it. Null when the returned
    /// round has no stored deadline to go on (the caller then counts a fresh one).
    /// </summary>
    public static InsistDeadline? Insisted(WorkingCalendar calendar, DateTimeOffset insistedAt, ReturnedRound returned)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(returned);
        if (returned.DueAt is not { } basis)
        {
            return null;
        }

        if (returned.At >= basis.Due)
        {
            return new InsistDeadline(basis, returned.OriginalDueAt is { } kept && kept != basis.Due ? kept : null, null);
        }

        var left = Math.Max(1, calendar.WorkingDaysBetween(returned.At, basis.Due));
        var due = calendar.AddWorkingDays(insistedAt, left);
        DateTimeOffset? scored = returned.OriginalDueAt is not { } original || original == basis.Due ? null
            : returned.At >= original ? original
            : calendar.AddWorkingDays(insistedAt, Math.Max(1, calendar.WorkingDaysBetween(returned.At, original))).Due;
        return new InsistDeadline(due, scored, left);
    }
}
