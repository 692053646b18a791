using Liaison.Cases.Sla;
using Liaison.Cases.Common;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

/// <summary>Waits for the park officer's decision on the case: an extension request, a return, or a resolution.</summary>
[Activity("Liaison.WaitForOfficer", Category = CaseActivity.Category, DisplayNameZh = "等待园区工作人员决定", DisplayNameEn = "Wait for the officer",
    DescriptionZh = "园区工作人员的人工任务：审批延期申请（批准延期／不批准延期；其间经办人已办结则为“延期申请撤回”；其间节假日安排调整使办结期限变动则为“期限已重算”）、处理退回（改派／坚持原部门）或确认办结（确认销号／重办）。",
    DescriptionEn = "Human task of the park officer: decide an extension (Approved/Denied; Withdrawn when the handler resolves meanwhile; DeadlinesChanged when a schedule change moved the deadline meanwhile), a return (Reassigned/Insisted) or a resolution (Confirmed/Reopened).")]
[Outcomes(Approved, Denied, Withdrawn, DeadlinesChanged, Reassigned, Insisted, Confirmed, Reopened, ReminderDue, ResolveDue, Overdue)]
public sealed class WaitForOfficer : CaseActivity
{
    public const string BookmarkKind = "Liaison.WaitForOfficer";

    [OutcomeLabel("批准延期", "Extension approved")]
    public const string Approved = "Approved";

    [OutcomeLabel("不批准延期", "Extension denied")]
    public const string Denied = "Denied";

    /// <summary>No decision needed any more: the handler resolved the case while the extension request waited.</summary>
    [OutcomeLabel("延期申请撤回（已办结）", "Request withdrawn (resolved)")]
    public const string Withdrawn = "Withdrawn";
    /// <summary>
    /// Still undecided, but a schedule change moved the resolve deadline: connected back to this wait, it re-enters and
    /// arms the ladder's timers on the new date, as the handler's wait does.
    /// </summary>
    [OutcomeLabel("期限已重算", "Deadlines recomputed")]
    public const string DeadlinesChanged = WaitForLiaison.DeadlinesChanged;

    [OutcomeLabel("改派", "Reassigned")]
    public const string Reassigned = "Reassigned";

    [OutcomeLabel("坚持原部门", "Same department insisted")]
    public const string Insisted = "Insisted";

    [OutcomeLabel("确认销号", "Confirmed and closed")]
    public const string Confirmed = "Confirmed";

    [OutcomeLabel("重办", "Reopened")]
    public const string Reopened = "Reopened";

    /// <summary>
    /// While an extension request waits, the handler's resolve deadline still runs: these fire as the handler's wait's
    /// do (once per deadline, whichever wait armed them), when their port is connected.
    /// </summary>
    [OutcomeLabel("到期前提醒（黄灯）", "Reminder before due (yellow)")]
    public const string ReminderDue = WaitForLiaison.ReminderDue;

    [OutcomeLabel("已到办结期限（红灯）", "Resolve deadline reached (red)")]
    public const string ResolveDue = WaitForLiaison.ResolveDue;

    [OutcomeLabel("逾期升级", "Overdue (escalate)")]
    public const string Overdue = WaitForLiaison.Overdue;

    public const string ExtensionDecision = "extension";
    public const string ReturnDecision = "return";
    public const string ResolutionDecision = "resolution";

    private static readonly Dictionary<string, string[]> OutcomesByDecision = new()
    {
        [ExtensionDecision] = [Approved, Denied, Withdrawn, DeadlinesChanged],
        [ReturnDecision] = [Reassigned, Insisted],
        [ResolutionDecision] = [Confirmed, Reopened],
    };

    /// <summary>The decisions it may wait for, as a workflow names them.</summary>
    public static IReadOnlyList<string> Decisions { get; } = [ExtensionDecision, ReturnDecision, ResolutionDecision];

    /// <summary>What the officer decides on, for the designer.</summary>
    public static Text DecisionLabel(string decision) => decision switch
    {
        ExtensionDecision => new("延期申请", "the handler's extension request"),
        ReturnDecision => new("退回", "the handler's return of the case"),
        ResolutionDecision => new("办结确认", "confirming the handler's resolution"),
        _ => new(decision, decision),
    };

    [Input(DisplayNameZh = "决定类型", DisplayNameEn = "Decision",
        DescriptionZh = "园区工作人员要作出的决定。", DescriptionEn = "What the officer is to decide.", Required = true,
        Choices = typeof(OfficerDecisionChoices))]
    public string? Decision { get; set; }

    [Input(DisplayNameZh = "审批延期期间：到期前提醒（工作日）", DisplayNameEn = "While deciding an extension: remind before due (working days)",
        DescriptionZh = "用于延期审批：在经办人的办结时限前此工作日数走“到期前提醒（黄灯）”端口；0 表示不提醒。",
        DescriptionEn = "Extension decisions: fire ReminderDue this many working days before the handler's resolve deadline; 0 = none.", DefaultValue = 1, Min = 0, Max = SlaPolicy.MaxWorkingDays)]
    public int ReminderWorkingDaysBeforeDue { get; set; } = 1;

    [Input(DisplayNameZh = "审批延期期间：逾期升级（工作日）", DisplayNameEn = "While deciding an extension: escalate when overdue by (working days)",
        DescriptionZh = "用于延期审批：事项超过办结时限达此工作日数时走“逾期升级”端口；0 表示不升级。",
        DescriptionEn = "Extension decisions: fire Overdue when the case is this many working days past its resolve deadline; 0 = never.", DefaultValue = 3, Min = 0, Max = SlaPolicy.MaxWorkingDays)]
    public int OverdueEscalationWorkingDays { get; set; } = 3;

    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        if (Decision is null || !OutcomesByDecision.ContainsKey(Decision))
        {
            context.Fault($"Decision must be extension, return or resolution, not '{Decision}'.");
            return;
        }

        context.CreateBookmark(BookmarkKind, Decision);
        if (Decision == ExtensionDecision && routing.Case.DueAt is { } due)
        {
            // The officer deciding is no reason for the ladder to stop: a request left waiting past the deadline is
            // escalated as the case would be (the zone's notice goes to the officer too). Only connected rungs run.
            WaitForLiaison.ArmResolveLadder(context, routing, due, ReminderWorkingDaysBeforeDue, OverdueEscalationWorkingDays, BookmarkKind, context.IsConnected);
        }
    }

    public override void Resume(ActivityContext context, Bookmark bookmark, object? payload)
    {
        if (bookmark.Kind == BookmarkKind + ".Timer")
        {
            // A deadline while the officer decides: its branch runs, the decision is still awaited.
            WaitForLiaison.Reached(context, bookmark);
            context.Fire(bookmark.Key!);
            return;
        }

        var outcome = ActivityContext.OutcomeFromPayload(payload);
        if (outcome is null || !OutcomesByDecision[bookmark.Key!].Contains(outcome))
        {
            context.Fault($"'{outcome}' is not a decision on a {bookmark.Key}. / 无效的决定。");
            return;
        }

        context.Complete(outcome);
    }
}
