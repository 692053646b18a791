using Liaison.Cases.Cases;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Server.Data;
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
public sealed class CaseEffectHandler(CaseMailer mailer, TimeProvider clock, IOptions<LiaisonOptions> options) : IWorkflowEffectHandler
{
    /// <summary>Run-context keys through which a person's action passes its note and details to the mails it causes.</summary>
    public const string NoteKey = "action.note";
    public const string ReasonKey = "action.reasonCode";
    public const string ActorKey = "action.actor";
    public const string ApprovedKey = "action.approved";
    public const string ExtensionDaysKey = "action.extensionDays";

    public bool CanHandle(IWorkflowEffect effect) =>
        effect is CaseDispatched or CaseStatusSet or CaseNotification or CaseEscalated or DeadlineReached or CaseDeadlineChanged;

    public async Task HandleAsync(WorkflowEffectContext context, IWorkflowEffect effect, CancellationToken ct)
    {
        var routing = context.RunContext.Get<CaseRouting>()
            ?? throw new InvalidOperationException("A case effect without a case in the run context");
        var db = context.Db;
        // A tracking query would hand back the tracked case anyway (its values unchanged): skip the round trip then.
        var c = db.Cases.Local.FirstOrDefault(x => x.Id == routing.Case.Id) ?? await db.Cases.FirstAsync(x => x.Id == routing.Case.Id, ct);
        var now = clock.GetUtcNow();
        var actor = context.RunContext.Get<string>(ActorKey) ?? "workflow";
        var extras = new CaseMailer.Extras(
            context.RunContext.Get<string>(NoteKey),
            context.RunContext.Get<string>(ReasonKey) ?? c.ReturnReasonCode,
            context.RunContext.Get<int?>(ExtensionDaysKey) ?? c.PendingExtensionDays,
            context.RunContext.Get<bool?>(ApprovedKey));

        switch (effect)
        {
            case CaseDispatched d:
                await EndRoundAsync(db, c, now, grace: TimeSpan.Zero, ct);
                c.DepartmentCode = d.Department.Code;
                c.HandlerName = d.Department.Handler.Name;
                c.HandlerEmail = d.Department.Handler.Email;
                c.HandlerCulture = d.Department.Handler.Culture;
                c.LeaderName = d.Department.Leader.Name;
                c.LeaderEmail = d.Department.Leader.Email;
                c.LeaderCulture = d.Department.Leader.Culture;
                c.AssignmentRound = d.Round;
                c.Status = CaseStatus.Dispatched;
                c.AcceptBy = d.AcceptBy.Due;
                c.AcceptByBasis = DeadlineRecalculation.Basis(d.AcceptBy);
                c.DueAt = d.DueAt.Due;
                c.DueAtBasis = DeadlineRecalculation.Basis(d.DueAt);
                c.OriginalDueAt = d.DueAt.Due;
                c.RoundDepartmentCode = d.Department.Code;
                c.RoundStartedAt = now;
                c.RoundAcceptBy = d.AcceptBy.Due;
                c.Provisional = d.AcceptBy.Provisional || d.DueAt.Provisional;
                c.NextProgressReportAt = d.NextProgressReport?.Due;
                c.PendingExtensionDays = null;
                c.PendingExtensionReason = null;
                c.UpdatedAt = now;
                CaseTimeline.Add(db, c, now, CaseEventKinds.Dispatched, "workflow",
                    $"派单至 {d.Department.Name}（{d.Department.Handler.Name}），第 {d.Round} 轮 / Dispatched to {d.Department.Name} ({d.Department.Handler.Name}), round {d.Round}",
                    new { department = d.Department.Code, round = d.Round, acceptBy = d.AcceptBy, dueAt = d.DueAt });
                await mailer.SendAsync(db, c, CaseMailKind.Dispatch, [Audiences.Handler], extras, ct);
                await mailer.SendAsync(db, c, CaseMailKind.DispatchLeaderCopy, [Audiences.Leader], extras, ct);
                break;

            case CaseStatusSet s:
                c.Status = s.Status;
                c.UpdatedAt = now;
                switch (s.Status)
                {
                    case CaseStatus.Accepted:
                        c.AcceptedAt ??= now;
                        break;
                    case CaseStatus.Resolved:
                        c.ResolvedAt = now;
                        break;
                    case CaseStatus.Closed:
                        c.ClosedAt = now;
                        await EndRoundAsync(db, c, now, options.Value.LinkGracePeriod, ct);
                        break;
                }

                var label = CaseStatuses.Label(s.Status);
                CaseTimeline.Add(db, c, now, CaseEventKinds.Status, actor, $"状态：{label.Zh} / Status: {label.En}", new { status = CaseStatuses.Name(s.Status) });
                break;

            case CaseNotification n:
                await mailer.SendAsync(db, c, n.Template, n.Audience, extras, ct);
                break;

            case CaseEscalated e:
                CaseTimeline.Add(db, c, now, CaseEventKinds.Escalated, "workflow", $"督办：{e.Level} / Escalation: {e.Level}",
                    new { level = e.Level, template = e.Template, to = e.Audience });
                await mailer.SendAsync(db, c, e.Template, e.Audience, extras, ct);
                break;

            case DeadlineReached r:
                var exists = await db.Set<CaseDeadlineFired>().AnyAsync(f => f.CaseId == c.Id && f.Kind == r.Kind && f.Deadline == r.Deadline, ct);
                if (!exists)
                {
                    db.Set<CaseDeadlineFired>().Add(new CaseDeadlineFired { CaseId = c.Id, Kind = r.Kind, Deadline = r.Deadline, FiredAt = now });
                }

                break;

            case CaseDeadlineChanged dc:
                c.DueAt = dc.DueAt.Due;
                c.DueAtBasis = DeadlineRecalculation.Basis(dc.DueAt);
                c.Provisional = dc.DueAt.Provisional;
                c.PendingExtensionDays = null;
                c.PendingExtensionReason = null;
                c.UpdatedAt = now;
                CaseTimeline.Add(db, c, now, CaseEventKinds.DeadlineChanged, actor,
                    dc.Reason == "extension" ? "延期已批准，新的办结期限 / Extension approved, new resolve deadline" : "重办，新的办结期限 / Reopened, new resolve deadline",
                    new { reason = dc.Reason, dueAt = dc.DueAt, originalDueAt = c.OriginalDueAt });
                break;
        }
    }

    /// <summary>Ends the links of the current round: no more actions; after <paramref name="grace"/> they show nothing.</summary>
    public static async Task EndRoundAsync(LiaisonDbContext db, Case c, DateTimeOffset now, TimeSpan grace, CancellationToken ct)
    {
        var links = await db.Set<LiaisonLink>().Where(l => l.CaseId == c.Id && l.EndedAt == null).ToListAsync(ct);
        foreach (var link in links)
        {
            link.EndedAt = now;
            link.ExpiresAt = now + grace;
        }
    }
}
