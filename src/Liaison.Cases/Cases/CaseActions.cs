using Liaison.Cases.Common;

namespace Liaison.Cases.Cases;

/// <summary>
/// What people may do to a case, in which state (DESIGN §2), and what each action is called. Anything not allowed is
/// refused with a reason and changes nothing.
/// </summary>
public static class CaseActions
{
    // Liaison (handler) actions, through the email link.
    public const string Accept = "accept";
    public const string Progress = "progress";
    public const string Return = "return";
    public const string Extension = "extension";
    public const string Resolve = "resolve";

    /// <summary>A co-handler submits its part of a joint case (协办意见) instead of resolving the case.</summary>
    public const string Submit = "submit";

    // The leader's one action.
    public const string RemindHandler = "remind";

    // Officer actions.
    public const string Reassign = "reassign";
    public const string Confirm = "confirm";
    public const string Reopen = "reopen";
    public const string Cancel = "cancel";
    public const string ExtensionDecision = "extension-decision";

    /// <summary>The officer urges the handler to act (催办): a mail with the note, the leader copied on request. Changes no state.</summary>
    public const string Urge = "urge";

    /// <summary>The officer ends a co-handler's part of a joint case (撤回协办), with a reason.</summary>
    public const string Drop = "drop";

    public static readonly string[] HandlerActions = [Accept, Progress, Return, Extension, Resolve];

    public static readonly string[] LeaderActions = [RemindHandler];

    /// <summary>
    /// What a co-handler's link offers: its return (退回) returns its part, not the case; its extension request (申请延期)
    /// asks for more time for its part's submit deadline.
    /// </summary>
    public static readonly string[] CoHandlerActions = [Accept, Progress, Return, Extension, Submit];

    /// <summary>
    /// The officer's decisions on a co-handler's part: reassign a returned part to another department, drop a part,
    /// decide its extension request, or urge the co-handler (催办).
    /// </summary>
    public static readonly string[] OfficerPartActions = [Reassign, Drop, ExtensionDecision, Urge];

    /// <summary>The officer's decisions, in the order the case page offers them.</summary>
    public static readonly string[] OfficerActions = [Reassign, ExtensionDecision, Confirm, Reopen, Urge, Cancel];

    /// <summary>Whether a case in <paramref name="status"/> may be reassigned (改派): from dispatch until it is resolved, or returned.</summary>
    public static bool Reassignable(CaseStatus status) =>
        status is CaseStatus.Dispatched or CaseStatus.Returned or CaseStatus.Accepted or CaseStatus.InProgress;

    /// <summary>Null when allowed; otherwise why not.</summary>
    public static Text? WhyNot(Case c, string action)
    {
        var pendingExtension = c.PendingExtensionDays is not null;
        bool held = c.Status is CaseStatus.Accepted or CaseStatus.InProgress;
        var ok = action switch
        {
            Accept => c.Status == CaseStatus.Dispatched,
            // The handler works on while the officer decides an extension request: a progress note is recorded, and
            // resolving or returning withdraws the request (it asked for time the case no longer needs from them).
            Progress or Resolve => held,
            Return => c.Status == CaseStatus.Dispatched || held,
            // One request at a time.
            Extension => held && !pendingExtension,
            RemindHandler => CaseStatuses.IsWithHandler(c.Status),
            // The handler asked for time: the officer answers that first, not with a reminder. Reassigning (改派) withdraws it.
            Urge => CaseStatuses.IsWithHandler(c.Status) && !pendingExtension,
            Reassign => Reassignable(c.Status),
            Confirm or Reopen => c.Status == CaseStatus.Resolved,
            Cancel => CaseStatuses.IsOpen(c.Status),
            ExtensionDecision => pendingExtension,
            _ => false,
        };
        if (ok)
        {
            return null;
        }

        if (pendingExtension && action == Extension)
        {
            return AwaitingExtensionDecision;
        }

        if (pendingExtension && action == Urge)
        {
            return new("经办人申请了延期，请先审批延期申请", "The handler asked for more time: decide the extension request first");
        }

        var state = CaseStatuses.Label(c.Status);
        return action switch
        {
            // Said once when it is still just accepted; a case returned or resolved before anyone accepted it falls to the last line.
            Accept when c.Status == CaseStatus.Accepted => new("事项已签收", "The case was already accepted"),
            Accept when c.Status == CaseStatus.InProgress => new($"事项已签收，当前状态：{state.Zh}", $"The case was already accepted; it is now {state.En}"),
            ExtensionDecision => NoExtensionRequest,
            _ when !Known(action) => new($"未知的操作 {action}", $"Unknown action '{action}'"),
            _ => new($"当前状态（{state.Zh}）下不能执行此操作", $"Not allowed while the case is {state.En}"),
        };
    }

    /// <summary>Why the officer has no extension request to decide, on the case and on a co-handler's part.</summary>
    public static readonly Text NoExtensionRequest = new("没有待审批的延期申请", "There is no extension request to decide");

    public static readonly Text NoPartExtensionRequest = new("此协办没有待审批的延期申请", "This part has no extension request to decide");

    /// <summary>Why the handler (or co-handler) cannot ask again: its extension request waits for the officer.</summary>
    private static readonly Text AwaitingExtensionDecision =
        new("已有延期申请正在等待园区工作人员审批，审批后才能再次申请", "An extension request is already waiting for the officer's decision");

    /// <summary>
    /// Why the handler or leader has nothing to do on the case now, said as where the case is (the link page's note when
    /// no action is open to them), each a whole sentence with its full stop.
    /// </summary>
    public static Text NothingToDo(Case c)
    {
        var state = CaseStatuses.Label(c.Status);
        return c.Status switch
        {
            CaseStatus.Returned => new("事项已退回园区，等待园区工作人员改派或坚持原派。", "The case was returned to the zone; the officer will reassign it or insist on the same department."),
            CaseStatus.Resolved => new("事项已办结，等待园区工作人员确认销号。", "The case was resolved; the officer will confirm and close it."),
            CaseStatus.Closed => new("事项已销号。", "The case is closed."),
            CaseStatus.Cancelled => new("事项已撤销。", "The case was cancelled."),
            _ => new($"当前状态：{state.Zh}。", $"The case is {state.En}."),
        };
    }

    /// <summary>
    /// Null when <paramref name="action"/> may be taken on the part now: a co-handler's action (<see cref="CoHandlerActions"/>)
    /// or the officer's (<see cref="OfficerPartActions"/>); otherwise why not.
    /// </summary>
    public static Text? WhyNot(CasePart part, string action)
    {
        // While an extension request waits for the officer, the part's workflow waits for the officer, not the co-handler.
        var pendingExtension = part.PendingExtensionDays is not null;
        bool held = part.Status is PartStatus.Accepted or PartStatus.InProgress;
        var ok = action switch
        {
            Accept => part.Status == PartStatus.Dispatched,
            // As the lead's handler: progress is recorded while the request waits; submitting or returning withdraws it.
            Progress or Submit => held,
            Extension => held && !pendingExtension,
            Return => part.IsOpen,
            Reassign => part.Status == PartStatus.Returned,
            Drop => part.IsUnfinished,
            ExtensionDecision => pendingExtension && part.IsOpen,
            Urge => part.IsOpen && !pendingExtension,
            // The part's leader reminds its handler while the part is with them.
            RemindHandler => part.IsOpen,
            _ => false,
        };
        if (ok)
        {
            return null;
        }

        var state = CasePart.Label(part.Status);
        return action switch
        {
            _ when !CoHandlerActions.Contains(action) && !OfficerPartActions.Contains(action) && !LeaderActions.Contains(action) =>
                new("协办部门不能执行此操作", "A co-handling department cannot do that"),
            Extension when pendingExtension && part.IsOpen => AwaitingExtensionDecision,
            ExtensionDecision => NoPartExtensionRequest,
            Urge when pendingExtension && part.IsOpen => new("协办部门申请了延期，请先审批延期申请", "The co-handler asked for more time: decide the extension request first"),
            Accept when part.Status == PartStatus.Accepted => new("已签收", "Already accepted"),
            Accept when part.Status == PartStatus.InProgress => new($"已签收，当前状态：{state.Zh}", $"Already accepted; the part is {state.En}"),
            Reassign => new($"只有已退回的协办才能改派，当前状态：{state.Zh}", $"Only a returned part can be reassigned; the part is {state.En}"),
            _ => new($"当前状态（{state.Zh}）下不能执行此操作", $"Not allowed while the part is {state.En}"),
        };
    }

    public static bool Known(string action) =>
        action is Accept or Progress or Return or Extension or Resolve or Submit or RemindHandler or Reassign or Confirm or Reopen or Cancel or ExtensionDecision or Drop or Urge;

    /// <summary>The action's name on a button or in a heading.</summary>
    public static Text Label(string action) => action switch
    {
        Accept => new("签收", "Accept"),
        Progress => new("报告进展", "Report progress"),
        Return => new("退回", "Return"),
        Extension => new("申请延期", "Ask for more time"),
        Resolve => new("办结", "Resolve"),
        Submit => new("提交协办意见", "Submit our part"),
        RemindHandler => new("提醒经办人", "Remind the handler"),
        Urge => new("催办", "Urge the handler"),
        Reassign => new("改派", "Reassign"),
        Confirm => new("确认销号", "Confirm and close"),
        Reopen => new("重办", "Reopen"),
        Cancel => new("撤销", "Cancel"),
        ExtensionDecision => new("延期审批", "Extension decision"),
        Drop => new("撤回协办", "Drop the part"),
        _ => new(action, action),
    };

    /// <summary>What the person is told once the action went through.</summary>
    public static Text Done(string action) => action switch
    {
        Accept => new("已签收", "Accepted"),
        Progress => new("进展已提交", "Progress recorded"),
        Return => new("已退回园区", "Returned to the zone"),
        Extension => new("延期申请已提交", "Extension requested"),
        Resolve => new("已提交办结", "Marked as resolved"),
        Submit => new("协办意见已提交", "Your part was submitted"),
        RemindHandler => new("已提醒经办人", "The handler was reminded"),
        Urge => new("已催办，经办人将收到邮件", "The handler was urged by mail"),
        Reassign => new("已改派", "Reassigned"),
        ExtensionDecision => new("延期申请已审批", "The extension request was decided"),
        Confirm => new("已确认销号", "Confirmed and closed"),
        Reopen => new("已重办，事项回到部门重新办理", "Reopened: the case is back with the department"),
        Cancel => new("事项已撤销", "Cancelled"),
        Drop => new("协办已撤回", "The part was dropped"),
        _ => new(action, action),
    };

    /// <summary>Why an extension request lapsed before the officer decided it: what <paramref name="action"/> made it moot.</summary>
    public static Text Withdrawal(string action) => action switch
    {
        Resolve => new("经办人已办结", "the handler resolved the case"),
        Submit => new("协办部门已提交协办意见", "the co-handler submitted its part"),
        Return => new("已退回", "returned"),
        Reassign => new("园区工作人员已改派", "the officer reassigned the case"),
        _ => Label(action),
    };

    /// <summary>The officer's answer to a return (退回): another department, or the same one (坚持原部门).</summary>
    public static readonly Text Insist = new("坚持原部门", "Insist on the same department");

    /// <summary>The officer's answers to an extension request (申请延期).</summary>
    public static readonly Text ApproveExtension = new("批准延期", "Approve the extension");

    public static readonly Text DenyExtension = new("不批准延期", "Deny the extension");

    /// <summary>
    /// Reasons a handler may give for returning a case (退回原因), as labels (capitalised, said of the department, not by
    /// it: officers and other departments read them too); mid-sentence, <see cref="English.GoOn"/> lowers the capital.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Text> ReturnReasons = new Dictionary<string, Text>
    {
        ["not-our-remit"] = new("不属于本部门职责", "Not within the department's remit"),
        ["needs-other-department"] = new("需其他部门牵头", "Another department must lead"),
        ["insufficient-information"] = new("材料或信息不全", "Information or documents missing"),
        ["enterprise-withdrew"] = new("企业已撤回诉求", "The enterprise withdrew the request"),
        ["other"] = new("其他", "Other"),
    };
}
