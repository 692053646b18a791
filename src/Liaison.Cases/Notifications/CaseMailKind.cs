using Liaison.Cases.Common;

namespace Liaison.Cases.Notifications;

/// <summary>
/// The emails a case sends, one template set each. The recipient is in brackets;
/// the host picks who gets which, the template only words it.
/// </summary>
public static class CaseMailKind
{
    /// <summary>(handler) New case sent to you (派单), with the action link, accept-by and due dates.</summary>
    public const string Dispatch = "dispatch";

    /// <summary>(leader) For-your-information copy of a new case, with a read-only link.</summary>
    public const string DispatchLeaderCopy = "dispatch-leader-copy";

    /// <summary>(handler, cc leader) Not yet accepted (签收) at the acceptance deadline.</summary>
    public const string AcceptReminder = "accept-reminder";

    /// <summary>(handler) Yellow: one working day before the resolve deadline.</summary>
    public const string DueReminder = "due-reminder";

    /// <summary>(handler and leader) Red: the resolve deadline has passed.</summary>
    public const string Overdue = "overdue";

    /// <summary>(zone leadership and the officer) N working days overdue, escalated to the zone (督办).</summary>
    public const string EscalationZone = "escalation-zone";

    /// <summary>(handler) A long-running case needs its periodic progress note.</summary>
    public const string ProgressReportDue = "progress-report-due";

    /// <summary>(officer) The handler returned the case (退回) with a reason code and note.</summary>
    public const string Returned = "returned";

    /// <summary>(officer) The handler asks for more days (申请延期), with a reason.</summary>
    public const string ExtensionRequested = "extension-requested";

    /// <summary>(handler) The officer approved the extension (new due date) or denied it.</summary>
    public const string ExtensionDecided = "extension-decided";

    /// <summary>(officer) The handler says the case is done (办结); please confirm or reopen.</summary>
    public const string Resolved = "resolved";

    /// <summary>(handler) The officer reopened the case (重办) with a reason and a new due date.</summary>
    public const string Reopened = "reopened";

    /// <summary>(previous handler) The case was reassigned (改派) away from you; your old link no longer works.</summary>
    public const string ReassignedAway = "reassigned-away";

    /// <summary>(officer) A case was handed over to you (移交), with who had it and why; a link to its page.</summary>
    public const string OfficerHandover = "officer-handover";

    /// <summary>
    /// (new handler) An admin named the department's new handler (经办人): its open case, or co-handling part, is now
    /// theirs to carry on, with a link of their own; the previous handler's links no longer work.
    /// </summary>
    public const string HandlerHandover = "handler-handover";

    /// <summary>
    /// (new leader) An admin named the department's new leader (分管领导): its open case, or co-handling part, is now
    /// theirs to oversee, with a read-only link of their own (to remind the handler); the previous leader's links end.
    /// </summary>
    public const string LeaderHandover = "leader-handover";

    /// <summary>(handler, and the leader when the officer copies them) The officer urges action on the case (催办), with a note.</summary>
    public const string OfficerUrge = "officer-urge";

    /// <summary>(handler) The officer cancelled the case (撤销).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>(handler) Your department's leader asks you to act on the case.</summary>
    public const string LeaderReminder = "leader-reminder";

    /// <summary>(handler) The officer confirmed the resolution; the case is closed (销号).</summary>
    public const string Closed = "closed";

    /// <summary>
    /// (a co-handler's handler) Joint case: the zone reassigned the lead (改派, after a return or not): the lead department
    /// the part now works with, and the one before (<c>Reassign.From</c>); its own part, deadlines and link go on.
    /// </summary>
    public const string LeadChanged = "lead-changed";

    /// <summary>
    /// (the holder whose date moved: the case's handler, or a co-handler's) A year's holiday schedule was published or
    /// corrected and the recomputation moved its acceptance or resolve (submit) deadline: each date before and now
    /// (<c>Case.AcceptByBefore</c>, <c>Case.DueBefore</c>, set only for what moved), with its link.
    /// </summary>
    public const string DeadlineMoved = "deadline-moved";

    /// <summary>(lead's handler) Joint case: a co-handling department submitted its part (协办意见), with its note and attachments.</summary>
    public const string PartSubmitted = "part-submitted";

    /// <summary>
    /// (lead's handler) A co-handling department joined the case under way (增加协办部门): which, its task and deadline, the
    /// officer's note; the lead resolves once its part is in too.
    /// </summary>
    public const string PartAdded = "part-added";

    /// <summary>
    /// (lead's handler) Joint case: the officer approved a co-handler's extension and moved the lead's resolve deadline
    /// with it, so the part is still in by the lead's deadline less the lead time (同时延长主办部门办结期限): the part's
    /// department and submit deadline now, the lead's deadline before (<c>Case.DueBefore</c>) and now.
    /// </summary>
    public const string LeadExtended = "lead-extended";

    /// <summary>(a key enterprise's chief service officer and service squad) A key event of the enterprise's case: dispatched, overdue, resolved.</summary>
    public const string KeyEnterpriseUpdate = "key-enterprise-update";

    /// <summary>(the enterprise's notice contact) Its case was opened: progress link (企业查看办理进度).</summary>
    public const string EnterpriseOpened = "enterprise-opened";

    /// <summary>(the enterprise's notice contact) The case is closed: please rate it (办结，请评价), with a fresh link.</summary>
    public const string EnterpriseRate = "enterprise-rate";

    /// <summary>
    /// (the enterprise's notice contact) The officer answered its unsatisfied rating and closed it (说明后结案): the answer,
    /// with a link while the case's links still work.
    /// </summary>
    public const string EnterpriseAnswered = "enterprise-answered";

    /// <summary>
    /// (the officer who follows the case) The enterprise rated the closed case 不满意, with its comment: decide on the case
    /// page, reopen (重办, a follow-up case) or close with a note to the enterprise (说明后结案).
    /// </summary>
    public const string RatedUnsatisfied = "rated-unsatisfied";

    /// <summary>(the enterprise's notice contact) The officer cancelled its case (撤销), with the reason given.</summary>
    public const string EnterpriseCancelled = "enterprise-cancelled";

    /// <summary>
    /// (the enterprise's notice contact) Its case went to another department (改派), or its resolve deadline moved (an
    /// approved extension, a reopening): the department and the deadline now, which change (<c>Event.Kind</c>:
    /// <see cref="EnterpriseChange"/>).
    /// </summary>
    public const string EnterpriseChanged = "enterprise-changed";

    public static IReadOnlyList<string> All { get; } =
    [
        Dispatch, DispatchLeaderCopy, AcceptReminder, DueReminder, Overdue, EscalationZone, ProgressReportDue,
        Returned, ExtensionRequested, ExtensionDecided, Resolved, Reopened, ReassignedAway, Cancelled,
        LeaderReminder, Closed, PartSubmitted, PartAdded, LeadExtended, LeadChanged, DeadlineMoved, KeyEnterpriseUpdate, EnterpriseOpened, EnterpriseRate, EnterpriseAnswered, EnterpriseCancelled,
        EnterpriseChanged, OfficerHandover, HandlerHandover, LeaderHandover, OfficerUrge, RatedUnsatisfied,
    ];

    /// <summary>The kinds mailed to the enterprise's notice contact, who is never shown the case's priority.</summary>
    public static IReadOnlyList<string> ToEnterprise { get; } = [EnterpriseOpened, EnterpriseRate, EnterpriseAnswered, EnterpriseCancelled, EnterpriseChanged];

    /// <summary>
    /// The kinds a workflow's Notify and Escalate may send: not those the host sends itself with a model of their own
    /// (the enterprise's, the handovers', a key enterprise's copies), which a workflow's mail could not fill, nor the
    /// enterprise's rating, which comes after the case's workflow has ended.
    /// </summary>
    public static IReadOnlyList<string> SentByWorkflows { get; } = All
        .Except([PartAdded, LeadExtended, LeadChanged, DeadlineMoved, KeyEnterpriseUpdate, EnterpriseOpened, EnterpriseRate, EnterpriseAnswered, EnterpriseCancelled, EnterpriseChanged, OfficerHandover, HandlerHandover, LeaderHandover,
            RatedUnsatisfied])
        .ToList();

    /// <summary>Whether a workflow may send <paramref name="kind"/> (<see cref="SentByWorkflows"/>), exactly as written.</summary>
    public static bool WorkflowMaySend(string? kind) => kind is not null && SentByWorkflows.Contains(kind, StringComparer.Ordinal);

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);

    /// <summary>What a kind of email is, for the timeline and the admins' template pages.</summary>
    public static Text Label(string kind) => kind switch
    {
        Dispatch => new("派单（经办人）", "New case (handler)"),
        DispatchLeaderCopy => new("派单抄送（分管领导）", "New case copy (leader)"),
        AcceptReminder => new("签收提醒", "Accept reminder"),
        DueReminder => new("到期提醒（黄灯）", "Due reminder (yellow)"),
        Overdue => new("逾期（红灯）", "Overdue (red)"),
        EscalationZone => new("督办升级", "Escalated to the zone"),
        ProgressReportDue => new("进展报告提醒", "Progress report due"),
        Returned => new("退回", "Returned"),
        ExtensionRequested => new("申请延期", "Extension requested"),
        ExtensionDecided => new("延期审批结果", "Extension decided"),
        Resolved => new("办结待确认", "Resolved, please confirm"),
        Reopened => new("重办", "Reopened"),
        ReassignedAway => new("已改派", "Reassigned away"),
        OfficerHandover => new("事项移交给您（园区工作人员）", "Case handed over to you (officer)"),
        HandlerHandover => new("联络人变更，事项转交给您（新经办人）", "Case handed over to you (the department's new handler)"),
        LeaderHandover => new("分管领导变更，事项转交给您（新分管领导）", "Case handed over to you (the department's new leader)"),
        OfficerUrge => new("园区催办（经办人，可抄送分管领导）", "Urged by the officer (handler, leader in copy)"),
        Cancelled => new("撤销", "Cancelled"),
        LeaderReminder => new("领导提醒", "Leader reminder"),
        Closed => new("销号", "Closed"),
        PartSubmitted => new("协办意见已提交（主办）", "Co-handler's part submitted (lead)"),
        PartAdded => new("新增协办部门（主办）", "Co-handling department added (lead)"),
        LeadExtended => new("随协办延期延长办结期限（主办）", "Resolve deadline extended with a co-handler's (lead)"),
        LeadChanged => new("主办部门变更（协办部门）", "Lead department changed (co-handler)"),
        DeadlineMoved => new("节假日安排调整期限（经办人）", "Deadline moved by the holiday schedule (handler)"),
        KeyEnterpriseUpdate => new("重点企业事项动态（首席服务员、服务专班）", "Key enterprise's case update (chief service officer, squad)"),
        EnterpriseOpened => new("受理通知（企业）", "Case opened (enterprise)"),
        EnterpriseRate => new("办结请评价（企业）", "Closed, please rate (enterprise)"),
        EnterpriseAnswered => new("评价答复（企业）", "Answer to a rating (enterprise)"),
        EnterpriseCancelled => new("事项撤销（企业）", "Case cancelled (enterprise)"),
        EnterpriseChanged => new("承办部门或办结期限变更（企业）", "Department or deadline changed (enterprise)"),
        RatedUnsatisfied => new("企业不满意待决定（园区工作人员）", "Enterprise unsatisfied, please decide (officer)"),
        _ => new(kind, kind),
    };
}

/// <summary>What changed for the enterprise in an <see cref="CaseMailKind.EnterpriseChanged"/> mail (its <c>Event.Kind</c>).</summary>
public static class EnterpriseChange
{
    /// <summary>The case went to another department (改派), with its new deadlines.</summary>
    public const string Department = "department";

    /// <summary>The resolve deadline moved (an approved extension, a reopening).</summary>
    public const string Deadline = "deadline";

    /// <summary>
    /// The resolve deadline moved when a year's holiday schedule was published or corrected and the provisional (or that
    /// year's) deadlines were counted again: the shipped templates word it as <see cref="Deadline"/>.
    /// </summary>
    public const string Schedule = "schedule";
}
