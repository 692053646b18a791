using Liaison.Cases.Common;

namespace Liaison.Cases.Cases;

/// <summary>The kinds of entry on a case's timeline (<see cref="CaseEvent.Kind"/>), each with its one name in each language.</summary>
public static class CaseEventKinds
{
    public const string Opened = "opened";
    public const string Dispatched = "dispatched";
    public const string Status = "status";
    public const string Escalated = "escalated";
    public const string DeadlineChanged = "deadline-changed";
    public const string DeadlineRecomputed = "deadline-recomputed";
    public const string LeaderReminder = "leader-reminder";
    public const string Reassigned = "reassigned";
    public const string Insisted = "insisted";
    public const string Confirmed = "confirmed";
    public const string Reopened = "reopened";
    public const string ExtensionApproved = "extension-approved";
    public const string ExtensionDenied = "extension-denied";
    /// <summary>
    /// The extension request lapsed before the officer decided it: its handler resolved (submitted) or returned the case
    /// (part), or the officer reassigned the case. The entry's data says which (<c>because</c>: the action).
    /// </summary>
    public const string ExtensionWithdrawn = "extension-withdrawn";
    public const string Cancelled = "cancelled";
    public const string Email = "email";

    /// <summary>A mail of the case was refused for good (a 5xx, an address that cannot be written): it will never arrive.</summary>
    public const string MailFailed = "mail-failed";

    /// <summary>The lead resolved a joint case over a co-handler that had not submitted; the reason is recorded against that part.</summary>
    public const string PartOverridden = "part-overridden";

    /// <summary>The officer added a co-handling department to a case under way (增加协办部门); the entry names the part and its task.</summary>
    public const string PartAdded = "part-added";

    /// <summary>The officer dropped a co-handler's part (撤回协办), or cancelled the case while it was unfinished; the entry names the part.</summary>
    public const string PartDropped = "part-dropped";

    /// <summary>
    /// A round's acceptance deadline passed before its handler accepted it (未按时签收): it counts in the league table's
    /// acceptance rate as not on time, once, and the round's later acceptance is not counted again.
    /// </summary>
    public const string AcceptOverdue = "accept-overdue";

    /// <summary>The enterprise rated the confirmed case through its link (满意 / 基本满意 / 不满意).</summary>
    public const string EnterpriseRated = "enterprise-rated";

    /// <summary>The officer decided an unsatisfied rating: reopened as a follow-up case (重办), named in the entry.</summary>
    public const string RatingReopened = "rating-reopened";

    /// <summary>
    /// The lead's entries that count as re-handling (重办): reopened before the close, or after it on the enterprise's
    /// unsatisfied rating as a follow-up case. The league table counts them, and the case's own count says the same.
    /// </summary>
    public static readonly string[] Reopenings = [Reopened, RatingReopened];

    /// <summary>The officer decided an unsatisfied rating: closed with a note.</summary>
    public const string RatingClosed = "rating-closed";

    /// <summary>On a follow-up case: the case whose unsatisfied rating it handles again.</summary>
    public const string FollowUpOf = "follow-up-of";

    /// <summary>The case was raised from a problem found on a visit (走访); the entry's data names the visit and the problem.</summary>
    public const string FromVisit = "from-visit";

    /// <summary>An admin handed the case over to another officer (移交), e.g. when its officer's account was deactivated; the entry names both.</summary>
    public const string OfficerChanged = "officer-changed";

    /// <summary>An admin named the department's new handler or leader; the case (or its part) went to them. The entry names both.</summary>
    public const string LiaisonChanged = "liaison-changed";

    /// <summary>The officer urged the handler to act (催办), with a note; the entry's data says whether the leader was copied.</summary>
    public const string Urged = "urged";

    /// <summary>An officer's note on the case (园区备注): a call made, a visit, what the enterprise said. For officers only: the liaison's link page leaves it out.</summary>
    public const string OfficerNote = "officer-note";

    /// <summary>
    /// An officer mailed the enterprise's notice contact a fresh progress link (重发进度链接), e.g. when the first mail was
    /// lost; the entry names the contact. The zone's business: the liaison's link page leaves it out.
    /// </summary>
    public const string EnterpriseLinkResent = "enterprise-link-resent";

    // A handler's actions are recorded under the action's own name (CaseActions.Accept, …).

    public static Text Label(string kind) => kind switch
    {
        Opened => new("受理", "Opened"),
        Dispatched => new("派单", "Dispatched"),
        OfficerChanged => new("移交园区工作人员", "Handed over to another officer"),
        LiaisonChanged => new("部门联络人变更", "Department liaison changed"),
        Urged => new("园区催办", "Urged by the officer"),
        OfficerNote => new("园区备注", "Officer's note"),
        EnterpriseLinkResent => new("重发企业进度链接", "Progress link sent to the enterprise again"),
        Status => new("状态变更", "Status changed"),
        Escalated => new("督办", "Escalated"),
        DeadlineChanged => new("期限变更", "Deadline changed"),
        DeadlineRecomputed => new("期限重算", "Deadlines recomputed"),
        LeaderReminder => new("领导提醒", "Leader's reminder"),
        CaseActions.Accept => new("签收", "Accepted"),
        CaseActions.Progress => new("进展", "Progress"),
        CaseActions.Return => new("退回", "Returned"),
        CaseActions.Extension => new("申请延期", "Extension requested"),
        CaseActions.Resolve => new("办结", "Resolved"),
        CaseActions.Submit => new("提交协办意见", "Co-handler's part submitted"),
        PartOverridden => new("主办办结（协办未提交）", "Resolved without a co-handler's part"),
        PartDropped => new("撤回协办", "Co-handler's part dropped"),
        PartAdded => new("增加协办部门", "Co-handling department added"),
        Reassigned => new("改派", "Reassigned"),
        Insisted => CaseActions.Insist,
        Confirmed => new("确认销号", "Confirmed"),
        Reopened => new("重办", "Reopened"),
        // What happened, not the officer's button ("Approve the extension").
        ExtensionApproved => new("批准延期", "Extension approved"),
        ExtensionDenied => new("不批准延期", "Extension denied"),
        ExtensionWithdrawn => new("延期申请撤回", "Extension request withdrawn"),
        Cancelled => new("撤销", "Cancelled"),
        Email => new("邮件", "Email"),
        MailFailed => new("邮件未能送达", "Mail not delivered"),
        EnterpriseRated => new("企业评价", "Enterprise's rating"),
        AcceptOverdue => new("超过签收期限未签收", "Not accepted by the acceptance deadline"),
        RatingReopened => new("企业不满意，重办", "Unsatisfied: reopened as a follow-up case"),
        RatingClosed => new("企业不满意，说明后结案", "Unsatisfied: closed with a note"),
        FollowUpOf => new("重办（企业不满意）", "Follow-up of an unsatisfied case"),
        FromVisit => new("来自走访发现的问题", "Opened from a problem found on a visit"),
        _ => new(kind, kind),
    };

    /// <summary>The rungs of the shipped escalation ladder (督办); a level an admin invents is shown as written.</summary>
    public static Text EscalationLevel(string level) => level switch
    {
        "accept" => new("签收超时提醒（抄送分管领导）", "not accepted in time (leader copied)"),
        "yellow" => new("黄灯：办结期限前一个工作日提醒", "yellow: one working day before the deadline"),
        "red" => new("红灯：已到办结期限（经办人和分管领导）", "red: the deadline has passed (handler and leader)"),
        "zone" => new("超期升级至园区领导小组", "escalated to the zone leadership"),
        "progress-report" => new("进展报告提醒", "progress report due"),
        _ => new(level, level),
    };
}
