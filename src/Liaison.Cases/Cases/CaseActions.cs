namespace Liaison.Cases.Cases;

/// <summary>
/// Which action is allowed in which state (DESIGN §2). Anything else is refused with a reason and changes nothing.
/// </summary>
public static class CaseActions
{
    // Liaison (handler) actions, through the email link.
    public const string Accept = "accept";
    public const string Progress = "progress";
    public const string Return = "return";
    public const string Extension = "extension";
    public const string Resolve = "resolve";

    // The leader's one action.
    public const string RemindHandler = "remind";

    // Officer actions.
    public const string Reassign = "reassign";
    public const string Confirm = "confirm";
    public const string Reopen = "reopen";
    public const string Cancel = "cancel";
    public const string ExtensionDecision = "extension-decision";

    public static readonly string[] HandlerActions = [Accept, Progress, Return, Extension, Resolve];

    /// <summary>Null when allowed; otherwise why not, "中文 / English".</summary>
    public static string? WhyNot(Case c, string action)
    {
        var pendingExtension = c.PendingExtensionDays is not null;
        bool held = c.Status is CaseStatus.Accepted or CaseStatus.InProgress;
        var ok = action switch
        {
            Accept => c.Status == CaseStatus.Dispatched,
            Progress or Resolve => held && !pendingExtension,
            Return => (c.Status == CaseStatus.Dispatched || held) && !pendingExtension,
            Extension => held && !pendingExtension,
            RemindHandler => c.Status is CaseStatus.Dispatched or CaseStatus.Accepted or CaseStatus.InProgress,
            Reassign => (c.Status is CaseStatus.Dispatched or CaseStatus.Returned || held) && !pendingExtension,
            Confirm or Reopen => c.Status == CaseStatus.Resolved,
            Cancel => CaseStatuses.IsOpen(c.Status),
            ExtensionDecision => pendingExtension,
            _ => false,
        };
        if (ok)
        {
            return null;
        }

        if (pendingExtension && action is Progress or Resolve or Return or Extension or Reassign)
        {
            return "延期申请正在等待园区专员审批，审批后才能继续 / An extension request is waiting for the officer's decision";
        }

        var state = StatusLabel(c.Status);
        return action switch
        {
            Accept when c.Status != CaseStatus.Dispatched => $"事项已签收，当前状态：{state.Zh} / The case was already accepted; it is now {state.En}",
            ExtensionDecision => "没有待审批的延期申请 / There is no extension request to decide",
            _ when !Known(action) => $"未知的操作 {action} / Unknown action '{action}'",
            _ => $"当前状态（{state.Zh}）下不能执行此操作 / Not allowed while the case is {state.En}",
        };
    }

    public static bool Known(string action) =>
        action is Accept or Progress or Return or Extension or Resolve or RemindHandler or Reassign or Confirm or Reopen or Cancel or ExtensionDecision;

    public static (string Zh, string En) StatusLabel(CaseStatus s) => s switch
    {
        CaseStatus.Dispatched => ("已派单，待签收", "dispatched, waiting to be accepted"),
        CaseStatus.Accepted => ("已签收", "accepted"),
        CaseStatus.InProgress => ("办理中", "in progress"),
        CaseStatus.Returned => ("已退回", "returned"),
        CaseStatus.Resolved => ("已办结，待确认", "resolved, waiting for confirmation"),
        CaseStatus.Closed => ("已销号", "closed"),
        CaseStatus.Cancelled => ("已撤销", "cancelled"),
        _ => (s.ToString(), s.ToString()),
    };

    /// <summary>Reasons a handler may give for returning a case (退回原因).</summary>
    public static readonly IReadOnlyDictionary<string, (string Zh, string En)> ReturnReasons = new Dictionary<string, (string, string)>
    {
        ["not-our-remit"] = ("不属于本部门职责", "not within our department's remit"),
        ["needs-other-department"] = ("需其他部门牵头", "another department must lead"),
        ["insufficient-information"] = ("材料或信息不全", "information or documents missing"),
        ["enterprise-withdrew"] = ("企业已撤回诉求", "the enterprise withdrew the request"),
        ["other"] = ("其他", "other"),
    };
}
