using Liaison.Cases.Sla;
using System.Text.Json.Nodes;
using Liaison.Cases.Cases;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

/// <summary>
/// The human task: waits for the handler's action on the case (one outcome per action) while its deadlines run
/// (one outcome per deadline). A deadline outcome runs its branch while the task keeps waiting; an action completes
/// the task. Re-entering the task (the workflow loops back after each action) arms the deadlines again from the case,
/// except those already escalated.
/// </summary>
[Activity("Liaison.WaitForLiaison", Category = CaseActivity.Category, DisplayNameZh = "等待部门联络人", DisplayNameEn = "Wait for the liaison",
    DescriptionZh = "部门经办人的人工任务（通过邮件中的链接办理），签收时限和办结时限的计时都在其中。",
    DescriptionEn = "Human task of the department handler (acts through email links), with the acceptance and resolve deadlines inside.")]
[Outcomes(Accepted, Progress, Returned, ExtensionRequested, Resolved, Reassigned, DeadlinesChanged,
    AcceptanceDue, ReminderDue, ResolveDue, Overdue, ProgressReportDue)]
public sealed class WaitForLiaison : CaseActivity
{
    public const string BookmarkKind = "Liaison.WaitForLiaison";
    public const string ActionKey = "action";

    [OutcomeLabel("已签收", "Accepted")]
    public const string Accepted = "Accepted";

    [OutcomeLabel("报告进展", "Progress reported")]
    public const string Progress = "Progress";

    [OutcomeLabel("已退回", "Returned")]
    public const string Returned = "Returned";

    [OutcomeLabel("申请延期", "Extension requested")]
    public const string ExtensionRequested = "ExtensionRequested";

    [OutcomeLabel("提交办结", "Marked as resolved")]
    public const string Resolved = "Resolved";

    /// <summary>The officer moved the case elsewhere (改派) while the handler held it.</summary>
    [OutcomeLabel("已改派", "Reassigned")]
    public const string Reassigned = "Reassigned";

    /// <summary>The case's deadlines were recomputed (a year's holiday schedule was loaded): loop back to re-arm the timers.</summary>
    [OutcomeLabel("期限已重算", "Deadlines recomputed")]
    public const string DeadlinesChanged = "DeadlinesChanged";

    [OutcomeLabel("签收超时", "Not accepted in time")]
    public const string AcceptanceDue = "AcceptanceDue";

    [OutcomeLabel("到期前提醒（黄灯）", "Reminder before due (yellow)")]
    public const string ReminderDue = "ReminderDue";

    [OutcomeLabel("已到办结期限（红灯）", "Resolve deadline reached (red)")]
    public const string ResolveDue = "ResolveDue";

    [OutcomeLabel("逾期升级", "Overdue (escalate)")]
    public const string Overdue = "Overdue";

    [OutcomeLabel("进展报告提醒", "Progress report due")]
    public const string ProgressReportDue = "ProgressReportDue";

    public static readonly string[] Actions = [Accepted, Progress, Returned, ExtensionRequested, Resolved, Reassigned, DeadlinesChanged];

    [Input(DisplayNameZh = "到期前提醒（工作日）", DisplayNameEn = "Remind before due (working days)",
        DescriptionZh = "在办结时限前此工作日数发出黄灯提醒；0 表示不提醒。",
        DescriptionEn = "Yellow reminder this many working days before the resolve deadline; 0 = none.", DefaultValue = 1, Min = 0, Max = SlaPolicy.MaxWorkingDays)]
    public int ReminderWorkingDaysBeforeDue { get; set; } = 1;

    [Input(DisplayNameZh = "逾期升级（工作日）", DisplayNameEn = "Escalate when overdue by (working days)",
        DescriptionZh = "事项逾期达此工作日数时通知园区领导小组；0 表示不通知。",
        DescriptionEn = "Zone leadership is told when the case is this many working days overdue; 0 = never.", DefaultValue = 3, Min = 0, Max = SlaPolicy.MaxWorkingDays)]
    public int OverdueEscalationWorkingDays { get; set; } = 3;

    [Input(DisplayNameZh = "签收超时提醒", DisplayNameEn = "Remind at the acceptance deadline",
        DescriptionZh = "到签收时限仍未签收时，走“签收超时”端口。",
        DescriptionEn = "Fire AcceptanceDue when the case is still not accepted at its acceptance deadline.", DefaultValue = true)]
    public bool RemindAtAcceptanceDeadline { get; set; } = true;

    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        var c = routing.Case;
        context.CreateBookmark(BookmarkKind, ActionKey);
        if (RemindAtAcceptanceDeadline && c.Status == CaseStatus.Dispatched && c.AcceptBy is { } acceptBy)
        {
            Arm(context, c, AcceptanceDue, acceptBy, acceptBy);
        }

        if (c.DueAt is { } due)
        {
            ArmResolveLadder(context, routing, due, ReminderWorkingDaysBeforeDue, OverdueEscalationWorkingDays, BookmarkKind, static _ => true);
        }

        if (c.NextProgressReportAt is { } report && c.Status is CaseStatus.Accepted or CaseStatus.InProgress
            && NextProgressReport(routing, report) is { } next)
        {
            Arm(context, c, ProgressReportDue, next, next);
        }
    }

    /// <summary>
    /// The first progress report from <paramref name="from"/> on not asked for yet: the stored date is the one a person's
    /// act set (acceptance, a progress note, a reopening); each report asked for while the handler stays silent is
    /// followed by the next a period later, up to the resolve deadline, where the escalation ladder takes over. Null
    /// past that. Kept in the timer, not written back to the case, so a timer's run never writes the case's row: it
    /// holds the workflow's lock, and a person's action takes the case's lock before the workflow's.
    /// </summary>
    private static DateTimeOffset? NextProgressReport(CaseRouting routing, DateTimeOffset from)
    {
        var next = from;
        while (routing.Case.FiredEscalations.Contains(CaseSnapshot.EscalationKey(ProgressReportDue, next)))
        {
            if (routing.Category.Sla.ProgressReportEveryWorkingDays is not { } every || routing.Case.DueAt is not { } due
                || routing.Calendar.AddWorkingDays(next, every).Due is var later && later >= due)
            {
                return null;
            }

            next = later;
        }

        return next;
    }

    public override void Resume(ActivityContext context, Bookmark bookmark, object? payload)
    {
        if (bookmark.Key == ActionKey)
        {
            var outcome = ActivityContext.OutcomeFromPayload(payload);
            if (outcome is null || !Actions.Contains(outcome))
            {
                context.Fault($"Unknown liaison action '{outcome}'. / 未知的操作。");
                return;
            }

            context.Complete(outcome);
            return;
        }

        // A deadline: record it, run its branch, keep waiting for the handler.
        var kind = bookmark.Key!;
        var deadline = Reached(context, bookmark);
        if (kind == ProgressReportDue && CaseRouting.From(context) is { } routing && NextProgressReport(routing, deadline) is { } next)
        {
            // Asked again a period later while the handler stays silent.
            Arm(context, routing.Case, ProgressReportDue, next, next);
        }

        context.Fire(kind);
    }

    /// <summary>
    /// The resolve deadline's rungs: the reminder before it, the red notice at it, the zone's after it (a count of 0
    /// turns a rung off), each as a timer of the <paramref name="kind"/> bookmark unless it fired already, and only
    /// where <paramref name="wanted"/> says. The officer's wait for an extension decision arms them too.
    /// </summary>
    internal static void ArmResolveLadder(
        ActivityContext context, CaseRouting routing, DateTimeOffset due, int reminderWorkingDays, int overdueWorkingDays, string kind, Func<string, bool> wanted)
    {
        if (reminderWorkingDays > 0 && wanted(ReminderDue))
        {
            Arm(context, routing.Case, ReminderDue, routing.Calendar.SubtractWorkingDays(due, reminderWorkingDays), due, kind);
        }

        if (wanted(ResolveDue))
        {
            Arm(context, routing.Case, ResolveDue, due, due, kind);
        }

        if (overdueWorkingDays > 0 && wanted(Overdue))
        {
            Arm(context, routing.Case, Overdue, routing.Calendar.AddWorkingDays(due, overdueWorkingDays).Due, due, kind);
        }
    }

    /// <summary>Arms one deadline timer unless it already fired for that deadline.</summary>
    private static void Arm(ActivityContext context, CaseSnapshot c, string outcome, DateTimeOffset at, DateTimeOffset deadline, string kind = BookmarkKind)
    {
        if (c.FiredEscalations.Contains(CaseSnapshot.EscalationKey(outcome, deadline)))
        {
            return;
        }

        context.CreateBookmark(kind + ".Timer", outcome, at, new JsonObject { ["deadline"] = deadline.ToString("O") });
    }

    /// <summary>
    /// A deadline timer fired: recorded (so it fires once per deadline, whichever wait armed it) and its effect added;
    /// returns the deadline it was for.
    /// </summary>
    internal static DateTimeOffset Reached(ActivityContext context, Bookmark bookmark)
    {
        var kind = bookmark.Key!;
        var deadline = DateTimeOffset.Parse(bookmark.Payload?["deadline"]?.GetValue<string>() ?? context.Now.ToString("O"));
        CaseRouting.From(context)?.Case.FiredEscalations.Add(CaseSnapshot.EscalationKey(kind, deadline));
        context.AddEffect(new DeadlineReached(context.ActivityId, kind, deadline));
        return deadline;
    }
}
