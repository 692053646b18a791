using Liaison.Cases.Cases;

namespace Liaison.Cases.Notifications;

/// <summary>
/// Everything a case email may say. The host fills what the kind needs and leaves the rest null;
/// the renderer formats dates in the zone's time zone and words labels in the mail's language.
/// See README.md in this folder for the Liquid names each property becomes.
/// </summary>
public sealed record CaseMailModel
{
    /// <summary>e.g. <c>AYKF-2026-000123</c>.</summary>
    public required string CaseNumber { get; init; }

    public required string Title { get; init; }

    /// <summary>The full description; the renderer shortens it to an excerpt.</summary>
    public string? Description { get; init; }

    public string? CategoryNameZh { get; init; }

    public string? CategoryNameEn { get; init; }

    /// <summary>Long-running categories (遗留问题, 破产): a progress report is due every this many working days; null otherwise.</summary>
    public int? ProgressReportEveryWorkingDays { get; init; }

    public CasePriority Priority { get; init; }

    public string? EnterpriseName { get; init; }

    public string? DepartmentName { get; init; }

    /// <summary>Joint case (联办): the lead department's name, set in mails to a co-handling department.</summary>
    public string? LeadDepartmentName { get; init; }

    /// <summary>Joint case, mails to a co-handling department: the lead's handler (经办人), whom the part works with.</summary>
    public string? LeadHandlerName { get; init; }

    /// <summary>Joint case, a co-handler's <c>cancelled</c> mail: its part ended because the lead resolved the case without it (先行办结), not because the zone dropped it.</summary>
    public bool PartResolvedOver { get; init; }

    /// <summary>Joint case, a co-handler's <c>cancelled</c> mail: its part ended because the zone cancelled the whole case (撤销).</summary>
    public bool PartCaseCancelled { get; init; }

    /// <summary>Joint case: what the officer asks of the co-handling department (协办任务).</summary>
    public string? CoHandlerTask { get; init; }

    /// <summary>Whom the email greets (handler, leader, officer, or e.g. "园区领导小组").</summary>
    public required string RecipientName { get; init; }

    /// <summary>The officer who opened the case and follows it (全程代办).</summary>
    public string? OfficerName { get; init; }

    /// <summary>
    /// Whoever's action the mail tells of (the officer who urged or reopened), by display name; null when the system
    /// acted. Not always <see cref="OfficerName"/>: another officer may act on a case.
    /// </summary>
    public string? ActorName { get; init; }

    /// <summary>The recipient is the department's leader, mailed a copy for information (their link is read-only).</summary>
    public bool RecipientIsCopy { get; init; }

    /// <summary>
    /// The recipient's personal link, built by the host from <c>Liaison:PublicBaseUrl</c> (never from a request).
    /// Absolute http(s) only; null when the email carries no link.
    /// </summary>
    public string? LinkUrl { get; init; }

    public DateTimeOffset? AcceptBy { get; init; }

    /// <summary>The current resolve deadline (after any extension or reopening).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The resolve deadline before an extension or reopening, when it differs.</summary>
    public DateTimeOffset? OriginalDueAt { get; init; }

    /// <summary>
    /// <c>deadline-moved</c>: the acceptance deadline before the holiday schedule's recomputation moved it; null when it
    /// did not move (or no longer matters: the case was accepted).
    /// </summary>
    public DateTimeOffset? AcceptByBefore { get; init; }

    /// <summary><c>deadline-moved</c>: the resolve (a co-handler's: submit) deadline before the recomputation moved it; null when it did not move.</summary>
    public DateTimeOffset? DueAtBefore { get; init; }

    /// <summary><c>deadline-moved</c>: the year whose holiday schedule was published or corrected.</summary>
    public int? ScheduleYear { get; init; }

    /// <summary>The deadlines fall in a year whose holiday schedule is not loaded yet, so they may move.</summary>
    public bool Provisional { get; init; }

    /// <summary>A dispatch after the department returned the case and the officer insisted on it (坚持原派).</summary>
    public bool Insisted { get; init; }

    /// <summary>An insist's round runs on the working days the returned round had left, this many, from the insist.</summary>
    public int? InsistWorkingDaysLeft { get; init; }

    /// <summary>An insist's round was already overdue when returned: its resolve deadline stays.</summary>
    public bool InsistOverdue { get; init; }

    /// <summary>
    /// A dispatch after the officer reassigned a returned case, or a co-handler's returned part (改派): the department
    /// that returned it. Its reason is <see cref="ReasonCode"/>; null for any other dispatch.
    /// </summary>
    public string? ReturnedByDepartmentName { get; init; }

    /// <summary>That department's return note (退回说明).</summary>
    public string? ReturnNote { get; init; }

    /// <summary>
    /// A reassignment (改派) of the case's lead: the department that had it before. Set in the new department's dispatch
    /// (also when it was not returned) and in a co-handler's notice that its lead changed; null otherwise.
    /// </summary>
    public string? ReassignedFromDepartmentName { get; init; }

    /// <summary>A co-handler's dispatch on a reopening (重办): its part is asked again.</summary>
    public bool PartAskedAgain { get; init; }

    /// <summary>That part had submitted its opinion (协办意见) in the round before.</summary>
    public bool PartSubmittedBefore { get; init; }

    /// <summary>The acceptance deadline itself is provisional (it may be certain while the resolve deadline is not).</summary>
    public bool AcceptByProvisional { get; init; }

    /// <summary>The case (or the part the mail is about) is dispatched and not yet accepted (待签收).</summary>
    public bool AwaitingAcceptance { get; init; }

    public int? OverdueWorkingDays { get; init; }

    /// <summary>
    /// Joint case (联办), the zone leadership's escalation: every department late now, the lead (主办) and the
    /// co-handlers (协办), each with its deadline and how late. Null for other mails and single-department cases.
    /// </summary>
    public IReadOnlyList<LateDepartment>? LateDepartments { get; init; }

    /// <summary>Machine code of a return or reopen reason.</summary>
    public string? ReasonCode { get; init; }

    /// <summary>The reason in the mail's language; the code is shown when absent.</summary>
    public string? ReasonLabel { get; init; }

    /// <summary>Free text from whoever acted: return note, extension reason, resolution note, reopen reason, cancel note.</summary>
    public string? Note { get; init; }

    public int? ExtensionDays { get; init; }

    /// <summary>
    /// A pending extension request: the resolve (a co-handler's: submit) deadline it gives if approved, counted as the
    /// approval counts it (<c>ExtendDeadline.IfApproved</c>). Null when nothing is pending.
    /// </summary>
    public DateTimeOffset? ExtensionDueIfApproved { get; init; }

    /// <summary>That date falls in a year whose holiday schedule is not loaded yet, so it may move.</summary>
    public bool ExtensionDueIfApprovedProvisional { get; init; }

    /// <summary>
    /// The reminders and escalations (即将到期, 超期督办, 督办升级): the working days of the extension request the mail's
    /// department (the lead, or the co-handler whose part it is) made and the officer has not decided yet, so the
    /// mail does not urge a request already made, nor escalate without saying one waits. Null when none is pending.
    /// </summary>
    public int? PendingExtensionDays { get; init; }

    /// <summary>With <see cref="PendingExtensionDays"/>: when the request was made.</summary>
    public DateTimeOffset? PendingExtensionAskedAt { get; init; }

    /// <summary>
    /// A co-handler's pending request: the most working days the officer can grant, its part never due after the lead's
    /// resolve deadline less the lead time (<c>SlaDeadlines.PartExtensionLimit</c>; 0: the lead's deadline must move
    /// first). Null for the lead's request, or when the lead has no deadline.
    /// </summary>
    public int? ExtensionMostDays { get; init; }

    /// <summary>With <see cref="ExtensionMostDays"/>: the latest the part may be due (the lead's deadline less the lead time).</summary>
    public DateTimeOffset? ExtensionLatestDue { get; init; }

    /// <summary>With <see cref="ExtensionMostDays"/>: the lead's resolve deadline.</summary>
    public DateTimeOffset? ExtensionLeadDue { get; init; }

    /// <summary>
    /// Joint case, mails to the lead department (主办): each co-handling department and how its part stands, in the
    /// order the officer listed them. Empty for a single-department case and in mails to a co-handler.
    /// </summary>
    public IReadOnlyList<CoHandlerStanding> CoHandlers { get; init; } = [];

    /// <summary>
    /// The enterprise's mails: whom at the zone to ask (园区联系人), the officer who follows the case and, for a key
    /// enterprise, its chief service officer. Empty in every other mail.
    /// </summary>
    public IReadOnlyList<ZoneContact> ZoneContacts { get; init; } = [];

    /// <summary>The co-handling department a mail is about (协办意见已提交: whose part came in).</summary>
    public string? PartDepartmentName { get; init; }

    /// <summary>That part's attachments (links or text, one per line).</summary>
    public string? PartAttachments { get; init; }

    /// <summary>The part a lead's mail is about: its submit deadline (part-added), and whether it is provisional.</summary>
    public DateTimeOffset? PartDueAt { get; init; }

    public bool PartDueProvisional { get; init; }

    /// <summary>
    /// The handler resolved (办结) while their extension request waited for the officer, which withdrew it: the days it
    /// asked for, so the officer's 【待确认办结】 says there is nothing left to decide. Null otherwise.
    /// </summary>
    public int? WithdrawnExtensionDays { get; init; }

    /// <summary>The officer's decision on an extension request: true approved, false denied, null not decided.</summary>
    public bool? ExtensionApproved { get; init; }

    /// <summary>
    /// An approved extension: the working days granted, which may be fewer than those asked (<see cref="ExtensionDays"/>,
    /// 部分同意). Null otherwise.
    /// </summary>
    public int? ExtensionGrantedDays { get; init; }

    /// <summary><c>key-enterprise-update</c>: the case's event the service team is told about, a <see cref="CaseMailKind"/> (dispatch, overdue, resolved).</summary>
    public string? KeyEvent { get; init; }
}

/// <summary>A department of a joint case past its deadline: the lead's resolve deadline or a co-handler's submit deadline.</summary>
public sealed record LateDepartment(string Name, bool Lead, DateTimeOffset Due, int OverdueWorkingDays);

/// <summary>One co-handling department of a joint case as its lead sees it in a mail.</summary>
/// <param name="Late">Open past its accept or submit deadline (超期).</param>
/// <param name="AskedAgain">The lead's 【重办】: the reopening asks this co-handler again.</param>
/// <param name="Note">How the part ended, in words: its submitted opinion (协办意见), or the reason it ended without one
/// (the lead's for a resolve over it, the officer's for a drop); null while it is unfinished.</param>
public sealed record CoHandlerStanding(string Department, PartStatus Status, bool Late, bool AskedAgain = false, string? Note = null);

/// <summary>A person at the zone an enterprise may ask about its case (园区联系人).</summary>
/// <param name="Chief">The key enterprise's chief service officer (首席服务员); else the officer who follows the case.</param>
public sealed record ZoneContact(string Name, string Email, bool Chief);
