using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Liaison.Server.Departments;
using Liaison.Server.Hosting;
using Liaison.Server.Links;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Cases;

/// <summary>
/// Applies what the case activities decided to the case row, its links, its timeline and the outbox — all inside the
/// run's transaction.
/// </summary>
public sealed class CaseEffectHandler(
    CaseMailer mailer, TimeProvider clock, IOptions<LiaisonOptions> options, CalendarService calendars, CaseRoutingFactory routings, EnterpriseView.EnterpriseNotices enterprise)
    : IWorkflowEffectHandler
{
    /// <summary>Run-context keys through which a person's action passes its note and details to the mails it causes.</summary>
    public const string NoteKey = "action.note";
    public const string ReasonKey = "action.reasonCode";
    public const string ActorKey = "action.actor";
    public const string ApprovedKey = "action.approved";
    public const string ExtensionDaysKey = "action.extensionDays";
    public const string ExtensionGrantedKey = "action.extensionGranted";
    public const string AttachmentsKey = "action.attachments";
    public const string ExtensionWithdrawnKey = "action.extensionWithdrawn";
    public const string TaskBeforeKey = "action.taskBefore";

    public bool CanHandle(IWorkflowEffect effect) =>
        effect is CaseDispatched or CaseStatusSet or CaseNotification or CaseEscalated or DeadlineReached or CaseDeadlineChanged;

    public async Task HandleAsync(WorkflowEffectContext context, IWorkflowEffect effect, CancellationToken ct)
    {
        var routing = context.RunContext.Get<CaseRouting>()
            ?? throw new InvalidOperationException("A case effect without a case in the run context");
        var db = context.Db;
        var c = await db.Cases.GetAsync(routing.Case.Id, ct);
        var now = clock.GetUtcNow();
        var actor = context.RunContext.Get<string>(ActorKey) ?? "workflow";
        // The reason is this action's own, never the case's last return reason: a reopen after an insisted return would
        // otherwise show the department's old reason as the zone's. (A dispatch after a return reads the return's, below.)
        var extras = new CaseMailer.Extras(
            context.RunContext.Get<string>(NoteKey),
            context.RunContext.Get<string>(ReasonKey),
            context.RunContext.Get<int?>(ExtensionDaysKey) ?? c.PendingExtensionDays,
            context.RunContext.Get<bool?>(ApprovedKey),
            Actor: context.RunContext.Get<string>(ActorKey))
        {
            ExtensionGranted = context.RunContext.Get<int?>(ExtensionGrantedKey),
            Attachments = context.RunContext.Get<string>(AttachmentsKey),
            WithdrawnExtensionDays = context.RunContext.Get<int?>(ExtensionWithdrawnKey),
        };
        if (routing.Case.PartId is { } partId)
        {
            var part = await db.Set<CasePart>().GetAsync(partId, ct);
            // The part's own pending request, never the lead's.
            extras = extras with { ExtensionDays = context.RunContext.Get<int?>(ExtensionDaysKey) ?? part.PendingExtensionDays };
            await HandlePartAsync(context, effect, c, part, now, actor, extras, ct);
            return;
        }

        switch (effect)
        {
            case CaseDispatched d:
                // Back to the department of the round that returned it: the officer insisted (坚持原派), and its mail says
                // so. (Not DepartmentCode: a reassignment sets it to the new department before the workflow dispatches.)
                var insisted = c.Status == CaseStatus.Returned && c.RoundDepartmentCode == d.Department.Code;
                // Reassigned after a return (改派): the new department hears which department returned it and why.
                var answered = c.Status == CaseStatus.Returned && !insisted ? await ReturnAnsweredAsync(db, c.Id, null, ct) : null;
                if (c.Status == CaseStatus.Returned && !insisted)
                {
                    // The department that returned it hears where it went and the officer's reason, and that its links
                    // end (a reassignment while it held the case is told by the workflow's own notice, before this).
                    await mailer.SendAsync(db, c, CaseMailKind.ReassignedAway, [Audiences.Handler], extras, ct);
                }

                // Another department than the round before (改派, from the handler or after a return): the enterprise hears it.
                var (movedFrom, dueBefore) = (c.RoundDepartmentCode is { } before && before != d.Department.Code, c.DueAt);
                var leadBefore = movedFrom ? c.RoundDepartmentCode : null;
                if (c.AssignmentRound > 0 || c.RoundStartedAt is not null)
                {
                    // Links are minted for a round: a case never dispatched (just opened) has none to end.
                    await EndRoundAsync(db, c, now, grace: TimeSpan.Zero, ct, leadOnly: true);
                }

                c.DepartmentCode = d.Department.Code;
                c.RoundDepartmentCode = d.Department.Code;
                c.Status = CaseStatus.Dispatched;
                c.PendingExtensionDays = null;
                c.PendingExtensionReason = null;
                c.UpdatedAt = now;
                // Reassigned (改派), returned or not: the new department reads from which department, with the officer's note.
                await DispatchAsync(db, c, null, d, now,
                    WithReturn(extras, answered) with { Insisted = insisted, InsistClock = d.Insisted, ReassignedFrom = leadBefore }, ct);
                if (movedFrom)
                {
                    await enterprise.ChangedAsync(db, c, EnterpriseChange.Department, dueBefore, ct);
                    await TellCoHandlersLeadChangedAsync(db, c, leadBefore!, extras, ct);
                }

                break;

            case CaseStatusSet s:
                SetStatus(db, c, s.Status, actor, now);
                if (s.Status == CaseStatus.Closed)
                {
                    await EndRoundAsync(db, c, now, options.Value.LinkGracePeriod, ct);
                    await TellCoHandlersClosedAsync(db, c, extras, ct);
                }

                break;

            case CaseNotification n when KnownKind(context, n.ActivityId, n.Template):
                // A reopening's 【重办】 names the co-handlers it asks again (the run's parts to dispatch).
                await mailer.SendAsync(db, c, n.Template, n.Audience, n.Template == CaseMailKind.Reopened && routing.Case.Parts.Count > 0
                    ? extras with { AskedAgain = routing.Case.Parts.Select(p => p.Id).ToHashSet() } : extras, ct);
                break;

            case CaseEscalated e:
                CaseTimeline.Add(db, c, now, CaseEventKinds.Escalated, "workflow", $"督办：{e.Level} / Escalation: {e.Level}",
                    new { level = e.Level, template = e.Template, to = e.Audience });
                if (KnownKind(context, e.ActivityId, e.Template))
                {
                    await mailer.SendAsync(db, c, e.Template, e.Audience, extras, ct);
                }

                break;

            case DeadlineReached r:
                await RecordFiredAsync(db, c.Id, 0, r, now, ct);
                MissedAcceptance(db, c, null, r, now);
                break;

            case CaseDeadlineChanged dc:
                var previousDueAt = c.DueAt;
                // A reopening that keeps the later deadline the case had (Reopen.IfReopened) keeps how it was computed too.
                var keptBasis = dc.Reason == "reopen" && dc.DueAt.Due == previousDueAt ? DeadlineRecalculation.ReadBasis(c.DueAtBasis) : null;
                var shownDueAt = keptBasis ?? dc.DueAt;
                c.DueAt = dc.DueAt.Due;
                if (dc.Reason == "reopen")
                {
                    // Re-handling is scored against the deadline the reopen gave (an extension after it keeps that one):
                    // the first resolution was scored against the first, in its own week.
                    c.OriginalDueAt = dc.DueAt.Due;
                }

                if (keptBasis is null)
                {
                    c.DueAtBasis = DeadlineRecalculation.Basis(dc.Reason == "extension" ? DeadlineRecalculation.Extending(dc.DueAt, c.DueAtBasis) : dc.DueAt);
                    c.Provisional = dc.DueAt.Provisional;
                }

                c.PendingExtensionDays = null;
                c.PendingExtensionReason = null;
                c.UpdatedAt = now;
                CaseTimeline.Add(db, c, now, CaseEventKinds.DeadlineChanged, actor,
                    dc.Reason == "extension" ? "延期已批准，新的办结期限 / Extension approved, new resolve deadline"
                        : dc.DueAt.Due == previousDueAt ? "重办，办结期限不变 / Reopened, resolve deadline unchanged" : "重办，新的办结期限 / Reopened, new resolve deadline",
                    // The entry stays when the date did not move (a reopen's scores its re-handling, LeagueTable), and says
                    // the date before, so the enterprise's page shows no change that is none.
                    new { reason = dc.Reason, dueAt = shownDueAt, originalDueAt = c.OriginalDueAt, previousDueAt });
                if (dc.DueAt.Due != previousDueAt)
                {
                    // The enterprise follows its case's deadline (an approved extension, a reopening that moved it).
                    await enterprise.ChangedAsync(db, c, EnterpriseChange.Deadline, previousDueAt, ct);
                }

                break;
        }
    }

    /// <summary>
    /// A joint case closed (销号): each co-handling department whose part is in (submitted) hears it, with the lead's
    /// resolution (办理结果), one mail per department in its own part's thread. A part dropped or resolved over was told
    /// when it ended.
    /// </summary>
    private async Task TellCoHandlersClosedAsync(LiaisonDbContext db, Case c, CaseMailer.Extras extras, CancellationToken ct)
    {
        var parts = await db.Set<CasePart>().Where(p => p.CaseId == c.Id && p.Status == PartStatus.Submitted).OrderBy(p => p.Id).ToListAsync(ct);
        if (parts.Count == 0)
        {
            return;
        }

        var outcome = await EnterpriseView.EnterpriseNotices.ResolutionAsync(db, c.Id, ct);
        foreach (var part in parts)
        {
            await mailer.SendAsync(db, c, CaseMailKind.Closed, [Audiences.Handler], extras with { Note = outcome }, ct, part);
        }
    }

    /// <summary>
    /// The lead changed hands (改派): each co-handler whose part is open hears which department it now works with, and
    /// which it worked with before, in its own part's thread; its part, deadlines and links go on.
    /// </summary>
    private async Task TellCoHandlersLeadChangedAsync(LiaisonDbContext db, Case c, string leadBefore, CaseMailer.Extras extras, CancellationToken ct)
    {
        var parts = await db.Set<CasePart>().Where(p => p.CaseId == c.Id).OrderBy(p => p.Id).ToListAsync(ct);
        foreach (var part in parts.Where(p => p.IsOpen))
        {
            await mailer.SendAsync(db, c, CaseMailKind.LeadChanged, [Audiences.Handler], new CaseMailer.Extras(Actor: extras.Actor) { ReassignedFrom = leadBefore }, ct, part);
        }
    }

    /// <summary>
    /// The case's status and its time stamps, with the timeline's entry: a workflow's SetCaseStatus, or the service's own.
    /// The entry only when the status changes: a workflow sets 办理中 again at each progress note, which is no news.
    /// </summary>
    public static void SetStatus(LiaisonDbContext db, Case c, CaseStatus status, string actor, DateTimeOffset now)
    {
        var changed = c.Status != status;
        c.Status = status;
        c.UpdatedAt = now;
        switch (status)
        {
            case CaseStatus.Accepted:
                c.AcceptedAt ??= now;
                break;
            case CaseStatus.Resolved:
                c.ResolvedAt = now;
                break;
            case CaseStatus.Closed:
                c.ClosedAt = now;
                break;
        }

        if (changed)
        {
            var label = CaseStatuses.Label(status);
            CaseTimeline.Add(db, c, now, CaseEventKinds.Status, actor, $"状态：{label.Zh} / Status: {label.En}", new { status = CaseStatuses.Name(status) });
        }
    }

    /// <summary>A co-handler's part's status, with the timeline's entry against it when the status changes (as the case's).</summary>
    public static void SetStatus(LiaisonDbContext db, Case c, CasePart part, PartStatus status, string actor, DateTimeOffset now)
    {
        var changed = part.Status != status;
        part.Status = status;
        if (status == PartStatus.Accepted)
        {
            part.AcceptedAt ??= now;
        }

        if (changed)
        {
            var label = CasePart.Label(status);
            CaseTimeline.Add(db, c, now, CaseEventKinds.Status, actor, $"协办状态：{label.Zh} / Co-handler's part: {label.En}",
                new { status = status.ToString(), department = part.DepartmentCode }, part);
        }
    }

    /// <summary>
    /// A mail kind the workflow names that no workflow may send (an admin's expression gave it; a literal one is refused
    /// when the version is published): no mail, an incident for the admins, and the run goes on, so the case is not stuck.
    /// </summary>
    private static bool KnownKind(WorkflowEffectContext context, string activityId, string kind)
    {
        if (CaseMailKind.WorkflowMaySend(kind))
        {
            return true;
        }

        context.AddIncident(activityId, $"No mail kind '{kind}' a workflow may send: no mail was sent. / 流程不能发送名为“{kind}”的邮件，未发送邮件。");
        return false;
    }

    /// <summary>
    /// A co-handler's part of a joint case: the same effects, applied to the part (its round, deadlines, status,
    /// links, mails and timeline entries) instead of the case. The case's own status is the lead's and stays.
    /// </summary>
    private async Task HandlePartAsync(WorkflowEffectContext context, IWorkflowEffect effect, Case c, CasePart part, DateTimeOffset now, string actor,
        CaseMailer.Extras extras, CancellationToken ct)
    {
        var db = context.Db;
        switch (effect)
        {
            case CaseDispatched d:
                // A returned part reassigned to another department (改派): as the lead's, its mail says who returned it and why.
                var answered = part.Status == PartStatus.Returned ? await ReturnAnsweredAsync(db, c.Id, part.Id, ct) : null;
                if (part.Status == PartStatus.Returned)
                {
                    // As the lead's: the department that returned the part hears where it went, and that its links end;
                    // its part's task is the one it had, not the new department's (set with the reassignment).
                    await mailer.SendAsync(db, c, CaseMailKind.ReassignedAway, [Audiences.Handler],
                        extras with { TaskBefore = context.RunContext.Get<CaseMailer.PartTask>(TaskBeforeKey) }, ct, part);
                }

                extras = WithReturn(extras, answered);
                await EndPartRoundAsync(db, part, now, ct);
                if (CasePart.AskableAgain.Contains(part.Status))
                {
                    // Its dispatch says it is asked again, why (the reopening's reason), and whether it had submitted.
                    extras = extras with
                    {
                        PartAskedAgain = true,
                        PartSubmittedBefore = part.Status == PartStatus.Submitted,
                        Note = await ReopenReasonAsync(db, c.Id, ct) ?? extras.Note,
                    };
                    // Asked again on a reopening (重办): a new round starts empty, as a new part would; the timeline keeps
                    // what the department submitted (or why the lead resolved over it) the last time.
                    part.AcceptedAt = null;
                    part.SubmittedAt = null;
                    part.SubmissionNote = null;
                    part.SubmissionAttachments = null;
                    part.EndedReason = null;
                }

                part.Status = PartStatus.Dispatched;
                part.PendingExtensionDays = null;
                part.PendingExtensionReason = null;
                part.WorkflowInstanceId = context.Instance.Id;
                await DispatchAsync(db, c, part, d, now, extras, ct);
                break;

            case CaseStatusSet s when CasePart.FromCaseStatus(s.Status) is { } status:
                SetStatus(db, c, part, status, actor, now);
                if (status == PartStatus.Submitted && CaseStatuses.IsOpen(c.Status))
                {
                    // The lead's handler hears of each part as it comes in, in the lead's own thread. No part is passed:
                    // its link is minted, like every lead mail's, for the case and the lead's current round.
                    await mailer.SendAsync(db, c, CaseMailKind.PartSubmitted, [Audiences.Handler],
                        extras with { Note = part.SubmissionNote, AboutPart = part }, ct);
                }

                break;

            case CaseNotification n when KnownKind(context, n.ActivityId, n.Template):
                await mailer.SendAsync(db, c, n.Template, n.Audience, extras, ct, part);
                break;

            case CaseEscalated e:
                CaseTimeline.Add(db, c, now, CaseEventKinds.Escalated, "workflow", $"督办（协办 {part.DepartmentCode}）：{e.Level} / Escalation (co-handler {part.DepartmentCode}): {e.Level}",
                    new { level = e.Level, template = e.Template, to = e.Audience, department = part.DepartmentCode }, part);
                if (KnownKind(context, e.ActivityId, e.Template))
                {
                    await mailer.SendAsync(db, c, e.Template, e.Audience, extras, ct, part);
                }

                break;

            case DeadlineReached r:
                await RecordFiredAsync(db, c.Id, part.Id, r, now, ct);
                MissedAcceptance(db, c, part, r, now);
                break;

            case CaseDeadlineChanged dc:
                part.DueAt = dc.DueAt.Due;
                part.DueAtBasis = DeadlineRecalculation.Basis(dc.Reason == "extension" ? DeadlineRecalculation.Extending(dc.DueAt, part.DueAtBasis) : dc.DueAt);
                part.Provisional = dc.DueAt.Provisional;
                part.PendingExtensionDays = null;
                part.PendingExtensionReason = null;
                CaseTimeline.Add(db, c, now, CaseEventKinds.DeadlineChanged, actor,
                    dc.Reason == "extension" ? "协办延期已批准，新的提交期限 / Co-handler's extension approved, new submit deadline" : "协办期限变更 / Co-handler's deadline changed",
                    new { reason = dc.Reason, dueAt = dc.DueAt, originalDueAt = part.OriginalDueAt }, part);
                break;
        }
    }

    /// <summary>A new round for the lead (on the case) or a co-handler (<paramref name="part"/>): its people, deadlines, timeline entry and mails.</summary>
    private async Task DispatchAsync(LiaisonDbContext db, Case c, CasePart? part, CaseDispatched d, DateTimeOffset now, CaseMailer.Extras extras, CancellationToken ct)
    {
        IAssignment a = (IAssignment?)part ?? c;
        var earlierRound = a.RoundStartedAt is not null;
        // The liaisons as they are now, under the department's lock: the run's routing may have read the department
        // before an admin's save of it committed, whose handover cannot see this uncommitted case (DepartmentLocks). A
        // case open read them under the lock already.
        if (!routings.HoldsDispatchLock(db, d.Department.Code) && await DepartmentLocks.ReadForDispatchAsync(db, d.Department.Code, ct) is { } current)
        {
            d = d with { Department = current };
        }

        a.HandlerName = d.Department.Handler.Name;
        a.HandlerEmail = d.Department.Handler.Email;
        a.HandlerCulture = d.Department.Handler.Culture;
        a.LeaderName = d.Department.Leader.Name;
        a.LeaderEmail = d.Department.Leader.Email;
        a.LeaderCulture = d.Department.Leader.Culture;
        a.AssignmentRound = d.Round;
        a.AcceptBy = d.AcceptBy.Due;
        a.AcceptByBasis = DeadlineRecalculation.Basis(d.AcceptBy);
        a.DueAt = d.DueAt.Due;
        a.DueAtBasis = DeadlineRecalculation.Basis(d.DueAt);
        // An insist's round is scored against the deadline the returned round's original one runs on to (an extension before the return kept it apart).
        a.OriginalDueAt = d.Insisted?.ScoredDueAt ?? d.DueAt.Due;
        a.RoundStartedAt = now;
        a.RoundAcceptBy = d.AcceptBy.Due;
        a.RoundAcceptMissed = false;
        a.Provisional = d.AcceptBy.Provisional || d.DueAt.Provisional;
        a.NextProgressReportAt = d.NextProgressReport?.Due;
        var (zh, en) = part is null ? ("派单至", "Dispatched to") : ("协办派单至", "Co-handling dispatched to");
        var (clockZh, clockEn) = d.Insisted is { } insist && InsistDeadline.Explain(insist.WorkingDaysLeft) is var clock ? ("；" + clock.Zh, "; " + clock.En) : ("", "");
        var dispatched = CaseTimeline.Add(db, c, now, CaseEventKinds.Dispatched, "workflow",
            $"{zh} {d.Department.Name}（{d.Department.Handler.Name}），第 {d.Round} 轮{clockZh} / {en} {d.Department.Name} ({d.Department.Handler.Name}), round {d.Round}{clockEn}",
            part is not null
                ? new { department = d.Department.Code, round = d.Round, acceptBy = d.AcceptBy, dueAt = d.DueAt, coHandling = true, task = part.Task }
                : d.Insisted is { } kept
                    ? new { department = d.Department.Code, round = d.Round, acceptBy = d.AcceptBy, dueAt = d.DueAt, insisted = new { workingDaysLeft = kept.WorkingDaysLeft, scoredDueAt = a.OriginalDueAt } }
                    : (object)new { department = d.Department.Code, round = d.Round, acceptBy = d.AcceptBy, dueAt = d.DueAt },
            part);
        if (earlierRound)
        {
            await CaseTimeline.SupersedeEarlierAsync(db, dispatched, calendars.TimeZone.Id, ct);
        }

        await mailer.SendAsync(db, c, CaseMailKind.Dispatch, [Audiences.Handler], extras, ct, part);
        await mailer.SendAsync(db, c, CaseMailKind.DispatchLeaderCopy, [Audiences.Leader], extras, ct, part);
    }

    /// <summary>
    /// The handler's return (退回) of the case, or of the co-handler's part <paramref name="partId"/>, that a reassignment
    /// answers: the latest, which names the department whose round it ended (scored against it), its note and reason.
    /// </summary>
    private static Task<CaseEvent?> ReturnAnsweredAsync(LiaisonDbContext db, long caseId, long? partId, CancellationToken ct) =>
        db.CaseEvents.AsNoTracking()
            .Where(e => e.CaseId == caseId && e.PartId == partId && e.Kind == CaseActions.Return)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .FirstOrDefaultAsync(ct);

    /// <summary>The officer's reason for the case's latest reopening (重办), written in this transaction before its parts are dispatched.</summary>
    private static Task<string?> ReopenReasonAsync(LiaisonDbContext db, long caseId, CancellationToken ct) =>
        db.CaseEvents.AsNoTracking()
            .Where(e => e.CaseId == caseId && e.PartId == null && e.Kind == CaseEventKinds.Reopened)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Select(e => e.Note)
            .FirstOrDefaultAsync(ct);

    /// <summary>A dispatch's mail extras with the return it follows (null: a plain dispatch, the extras unchanged).</summary>
    private static CaseMailer.Extras WithReturn(CaseMailer.Extras extras, CaseEvent? returned)
    {
        if (returned is null)
        {
            return extras;
        }

        string? reason = null;
        if (returned.Data is { } data)
        {
            using var json = JsonDocument.Parse(data);
            reason = json.RootElement.TryGetProperty("reasonCode", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
        }

        return extras with { ReturnedBy = returned.DepartmentCode, ReturnNote = returned.Note, ReasonCode = reason ?? extras.ReasonCode };
    }

    /// <summary>
    /// The acceptance deadline passed and the round (the lead's, or a co-handler's part's) is still not accepted: the
    /// timeline says so (未按时签收), scored against the round's department in the league table's acceptance rate, once per
    /// round; its later acceptance is not counted again (<see cref="LeagueTable.Score"/>).
    /// </summary>
    private static void MissedAcceptance(LiaisonDbContext db, Case c, CasePart? part, DeadlineReached r, DateTimeOffset now)
    {
        IAssignment a = (IAssignment?)part ?? c;
        var waiting = part is null ? c.Status == CaseStatus.Dispatched : part.Status == PartStatus.Dispatched;
        if (r.Kind != WaitForLiaison.AcceptanceDue || !waiting || a.RoundAcceptMissed)
        {
            return;
        }

        a.RoundAcceptMissed = true;
        CaseTimeline.Add(db, c, now, CaseEventKinds.AcceptOverdue, "workflow", "超过签收期限仍未签收 / Not accepted by the acceptance deadline",
            new { acceptBy = a.AcceptBy, department = a.RoundDepartmentCode }, part);
    }

    private async Task RecordFiredAsync(LiaisonDbContext db, long caseId, long partId, DeadlineReached r, DateTimeOffset now, CancellationToken ct)
    {
        // The run's context read the case's fired deadlines under its instance's lock: no round trip when it did so in this transaction.
        var exists = routings.HasFired(db, caseId, partId, r.Kind, r.Deadline)
            ?? await db.Set<CaseDeadlineFired>().AnyAsync(f => f.CaseId == caseId && f.PartId == partId && f.Kind == r.Kind && f.Deadline == r.Deadline, ct);
        if (!exists)
        {
            db.Append(new CaseDeadlineFired { CaseId = caseId, PartId = partId, Kind = r.Kind, Deadline = r.Deadline, FiredAt = now });
            routings.RecordedFired(caseId, partId, r.Kind, r.Deadline);
        }
    }

    /// <summary>Ends the links of a co-handler's part (a new round of it, or the part ended): no more actions.</summary>
    public static async Task EndPartRoundAsync(LiaisonDbContext db, CasePart part, DateTimeOffset now, CancellationToken ct)
    {
        var links = await db.Set<LiaisonLink>().Where(l => l.PartId == part.Id && l.EndedAt == null).ToListAsync(ct);
        foreach (var link in links)
        {
            link.EndedAt = now;
            link.ExpiresAt = now;
        }
    }

    /// <summary>
    /// Ends the links of the current round: no more actions; after <paramref name="grace"/> they show nothing. The
    /// case's end (close, cancel) ends the co-handlers' links too; a new round of the lead leaves them alone.
    /// </summary>
    public static async Task EndRoundAsync(LiaisonDbContext db, Case c, DateTimeOffset now, TimeSpan grace, CancellationToken ct, bool leadOnly = false)
    {
        var links = await db.Set<LiaisonLink>().Where(l => l.CaseId == c.Id && l.EndedAt == null && (!leadOnly || l.PartId == null)).ToListAsync(ct);
        foreach (var link in links)
        {
            link.EndedAt = now;
            link.ExpiresAt = now + grace;
        }
    }
}
