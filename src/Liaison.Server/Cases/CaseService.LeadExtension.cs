using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Cases.Sla;
using Liaison.Server.Common;

namespace Liaison.Server.Cases;

public sealed partial class CaseService
{
    /// <summary>
    /// How far an approval of a part's extension (<paramref name="granting"/> working days) moves the lead's resolve
    /// deadline when the officer asks for it (<c>extendLead</c>, 同时延长主办部门办结期限): just enough that the part is still
    /// due by the lead's deadline less the lead time (<see cref="SlaDeadlines.LeadDaysNeeded"/>). Null when the part's
    /// extension fits as it is (nothing moves), or when the lead's deadline cannot move: the case returned to the zone
    /// (no one holds it), or its workflow version has no path for moved deadlines (its timers would keep the old ones);
    /// then the refusal is in <paramref name="v"/> on <c>extendLead</c>.
    /// </summary>
    private async Task<LeadMove?> LeadMoveForAsync(Validation v, Case c, DateTimeOffset partDue, int granting, CancellationToken ct)
    {
        if (c.DueAt is not { } leadDue || (await categories.FindAsync(c.Category, ct))?.Sla is not { } sla)
        {
            return null;
        }

        var calendar = await calendars.GetAsync(ct);
        var days = SlaDeadlines.LeadDaysNeeded(calendar, partDue, granting, leadDue, sla);
        if (days == 0)
        {
            return null;
        }

        if (!CaseStatuses.IsWithHandler(c.Status))
        {
            var state = CaseStatuses.Label(c.Status);
            v.Add("extendLead", $"事项{state.Zh}，不能延长主办部门的办结期限：请先改派或坚持原派，再审批此延期",
                $"the case is {state.En}: the lead's deadline cannot move; reassign or insist first, then decide this extension");
            return null;
        }

        if (!await recalculation.CanRearmAsync(db, c, null, ct))
        {
            v.Add("extendLead", "此事项的流程版本不能调整主办部门的办结期限：请主办部门申请延期，批准后再审批此延期",
                "this case's workflow version cannot move the lead's deadline: let the lead ask for an extension, approve it, then decide this one");
            return null;
        }

        return new LeadMove(calendar, calendar.AddWorkingDays(leadDue, days), days);
    }

    /// <summary>The lead's deadline moved <paramref name="Days"/> working days, to <paramref name="To"/>, with <paramref name="Calendar"/>.</summary>
    private sealed record LeadMove(WorkingCalendar Calendar, Deadline To, int Days);

    /// <summary>
    /// Moves the lead's resolve deadline (<paramref name="move"/>) with the approval of <paramref name="part"/>'s
    /// extension, in the officer's transaction: the deadline as an extension of the one it had (a schedule loaded later
    /// recounts both), the deadline its resolution is scored against by as many working days (the lead did not ask for
    /// it), a timeline entry, the enterprise told, and the lead's timers re-armed from the new date.
    /// </summary>
    private async Task MoveLeadDeadlineAsync(Case c, CasePart part, LeadMove move, string officer, DateTimeOffset now, CancellationToken ct)
    {
        var before = c.DueAt!.Value;
        c.DueAt = move.To.Due;
        c.DueAtBasis = DeadlineRecalculation.Basis(DeadlineRecalculation.Extending(move.To, c.DueAtBasis));
        c.Provisional = move.To.Provisional;
        if (c.OriginalDueAt is { } original)
        {
            c.OriginalDueAt = original == before ? move.To.Due : move.Calendar.AddWorkingDays(original, move.Days).Due;
        }

        CaseTimeline.Add(db, c, now, CaseEventKinds.DeadlineChanged, officer, null,
            new { reason = CaseTimeline.WithPartReason, dueAt = move.To, originalDueAt = c.OriginalDueAt, previousDueAt = before, department = part.DepartmentCode, days = move.Days });
        await enterpriseNotices.ChangedAsync(db, c, EnterpriseChange.Deadline, before, ct);
        await recalculation.RearmTimersAsync(db, move.Calendar, c, null, ct);
    }

    /// <summary>The lead's handler hears its deadline moved with <paramref name="part"/>'s (its new submit deadline set by now).</summary>
    private Task TellLeadItsDeadlineMovedAsync(Case c, CasePart part, DateTimeOffset before, string officer, CancellationToken ct) =>
        mailer.SendAsync(db, c, CaseMailKind.LeadExtended, [Audiences.Handler],
            new CaseMailer.Extras(AboutPart: part, Actor: officer) { DueAtBefore = before }, ct);
}
