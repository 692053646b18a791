using System.Globalization;
using Fluid;
using Fluid.Values;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;

namespace Liaison.Cases.Notifications;

/// <summary>
/// Turns a <see cref="CaseMailModel"/> into the Liquid variables of README.md: dates formatted in the
/// zone's time zone, labels in the mail's language, description shortened.
/// </summary>
internal static class CaseMailValues
{
    /// <summary>Longest description excerpt, in characters as a reader counts them (text elements).</summary>
    public const int DescriptionExcerptLength = 200;

    // Spelled out rather than taken from CultureInfo so the wording never depends on the host's ICU data.
    private static readonly string[] EnglishDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] EnglishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static void Fill(TemplateContext context, CaseMailModel model, string culture, TimeZoneInfo timeZone, Action<string>? onUnknownMember = null)
    {
        foreach (var (name, value) in Build(model, culture, timeZone))
        {
            context.SetValue(name, value switch
            {
                (string, object?)[] members => Object(name, members, onUnknownMember),
                (string, object?)[][] rows => new ArrayValue(rows.Select(r => Object(name, r, onUnknownMember)).ToArray()),
                _ => Value(value),
            });
        }
    }

    private static FluidValue Object(string name, (string, object?)[] members, Action<string>? onUnknownMember) =>
        new DictionaryValue(new ReportingMembers(name, members.ToDictionary(m => m.Item1, m => Value(m.Item2), StringComparer.OrdinalIgnoreCase), onUnknownMember));

    /// <summary>
    /// Every variable name templates may use, e.g. <c>Case.Title</c>, <c>Link</c>, and the members of a list's items
    /// (<c>CoHandlers.Status</c>, read in <c>{% for h in CoHandlers %}{{ h.Status }}</c>). Like Fluid's own names, case does not matter.
    /// </summary>
    public static IReadOnlyList<string> KnownNames { get; } =
        Build(new CaseMailModel { CaseNumber = "", Title = "", RecipientName = "", LateDepartments = [new("", true, default, 0)],
            CoHandlers = [new("", PartStatus.Dispatched, false)], ZoneContacts = [new("", "", false)] },
                CaseMailRenderer.Chinese, TimeZoneInfo.Utc)
            .SelectMany(v => v.Value switch
            {
                (string, object?)[] members => members.Select(m => $"{v.Name}.{m.Item1}").Prepend(v.Name),
                (string, object?)[][] rows => rows[0].Select(m => $"{v.Name}.{m.Item1}").Prepend(v.Name),
                _ => [v.Name],
            })
            .ToList();

    // The one place the Liquid names are defined; README.md documents them. A value is plain or an object's members.
    private static List<(string Name, object? Value)> Build(CaseMailModel model, string culture, TimeZoneInfo timeZone)
    {
        var en = culture == CaseMailRenderer.English;
        return
        [
            ("Case", new (string, object?)[]
            {
                ("Number", model.CaseNumber),
                ("Title", model.Title),
                ("Description", Excerpt(model.Description)),
                ("Category", en ? model.CategoryNameEn ?? model.CategoryNameZh : model.CategoryNameZh ?? model.CategoryNameEn),
                ("ProgressReportEvery", model.ProgressReportEveryWorkingDays),
                ("Priority", PriorityLabel(model.Priority, en)),
                ("Urgent", model.Priority == CasePriority.Urgent),
                ("Enterprise", model.EnterpriseName),
                ("Department", model.DepartmentName),
                ("LeadDepartment", model.LeadDepartmentName),
                ("LeadHandler", Blank(model.LeadHandlerName)),
                ("Task", Blank(model.CoHandlerTask)),
                ("Officer", model.OfficerName),
                ("AcceptBy", FormatLocal(model.AcceptBy, timeZone, en)),
                ("Due", FormatLocal(model.DueAt, timeZone, en)),
                // Nil when it is the current one (a denied extension, a reopen): no "original" line repeating the date.
                ("OriginalDue", model.OriginalDueAt == model.DueAt ? null : FormatLocal(model.OriginalDueAt, timeZone, en)),
                ("AcceptByBefore", FormatLocal(model.AcceptByBefore, timeZone, en)),
                ("DueBefore", FormatLocal(model.DueAtBefore, timeZone, en)),
                ("Provisional", model.Provisional),
                ("AcceptByProvisional", model.AcceptByProvisional),
                ("AwaitingAcceptance", model.AwaitingAcceptance),
                ("OverdueDays", model.OverdueWorkingDays),
                // The lead's mails: no co-handler's part is still to come (each submitted, dropped or resolved over).
                ("PartsIn", model.CoHandlers.Count > 0 && model.CoHandlers.All(h => !CasePart.Unfinished.Contains(h.Status))),
            }),
            // Joint case, the lead's mails: one item per co-handling department (联办).
            // Nil (not an empty list, which Liquid counts as true) for a case without co-handlers.
            ("CoHandlers", model.CoHandlers.Count == 0 ? null : model.CoHandlers.Select(h => new (string, object?)[]
            {
                ("Department", h.Department),
                ("Status", CasePart.Label(h.Status, h.Late).Capitalized().In(culture)),
                ("Late", h.Late),
                ("Submitted", h.Status == PartStatus.Submitted),
                ("AskedAgain", h.AskedAgain),
                ("Note", Blank(OpeningLines(h.Note))),
            }).ToArray()),
            // The enterprise's mails: whom at the zone to ask (园区联系人); nil in every other mail.
            ("Contacts", model.ZoneContacts.Count == 0 ? null : model.ZoneContacts.Select(p => new (string, object?)[]
            {
                ("Name", p.Name),
                ("Email", Blank(p.Email)),
                ("Role", p.Chief ? (en ? "Chief service officer" : "首席服务员") : (en ? "Park officer" : "园区工作人员")),
                ("Chief", p.Chief),
            }).ToArray()),
            ("Part", new (string, object?)[]
            {
                ("Department", model.PartDepartmentName),
                ("Attachments", Blank(model.PartAttachments)),
                ("Due", FormatLocal(model.PartDueAt, timeZone, en)),
                ("DueProvisional", model.PartDueProvisional),
                ("ResolvedOver", model.PartResolvedOver),
                ("CaseCancelled", model.PartCaseCancelled),
                ("AskedAgain", model.PartAskedAgain),
                ("SubmittedBefore", model.PartSubmittedBefore),
            }),
            ("Recipient", new (string, object?)[] { ("Name", model.RecipientName), ("Copy", model.RecipientIsCopy) }),
            // Who acted (urged, reopened): not always the case's officer.
            ("Actor", new (string, object?)[] { ("Name", model.ActorName) }),
            // Joint case, zone escalation: the late departments (lead first); nil otherwise.
            ("Late", model.LateDepartments?.Select(d => new (string, object?)[]
            {
                ("Department", d.Name),
                ("Lead", d.Lead),
                ("Role", d.Lead ? (en ? "lead" : "主办") : (en ? "co-handling" : "协办")),
                ("Due", FormatLocal(d.Due, timeZone, en)),
                ("OverdueDays", d.OverdueWorkingDays),
            }).ToArray()),
            // key-enterprise-update: which event of the case the chief service officer and squad are told about.
            ("Event", new (string, object?)[]
            {
                ("Kind", model.KeyEvent),
                ("Label", model.KeyEvent switch
                {
                    CaseMailKind.Dispatch => en ? "Dispatched" : "已派单",
                    CaseMailKind.Overdue => en ? "Overdue" : "已超期",
                    CaseMailKind.Resolved => en ? "Resolved, awaiting confirmation" : "已办结待确认",
                    // The officer's reopening (重办), not a department's return (退回).
                    CaseMailKind.Reopened => en ? "Reopened for rework" : "转入重办",
                    CaseMailKind.RatedUnsatisfied => en ? "Enterprise not satisfied" : "企业评价不满意",
                    CaseEventKinds.RatingClosed => en ? "Unsatisfied rating: closed with a note" : "不满意评价已说明后结案",
                    CaseEventKinds.RatingReopened => en ? "Unsatisfied rating: reopened as a follow-up case" : "不满意评价已转重办",
                    CaseMailKind.Cancelled => en ? "Cancelled" : "已撤销",
                    EnterpriseChange.Department => en ? "Now with another department" : "承办部门已变更",
                    EnterpriseChange.Deadline => en ? "Resolve deadline changed" : "办结期限已调整",
                    EnterpriseChange.Schedule => en ? "Resolve deadline recounted with the published holidays" : "办结期限已按公布的节假日安排重新计算",
                    _ => null,
                }),
            }),
            ("Link", model.LinkUrl),
            ("Reason", new (string, object?)[] { ("Code", model.ReasonCode), ("Label", model.ReasonLabel ?? model.ReasonCode) }),
            ("Note", Blank(model.Note)),
            ("Insisted", model.Insisted),
            ("Insist", new (string, object?)[] { ("WorkingDaysLeft", model.InsistWorkingDaysLeft), ("Overdue", model.InsistOverdue) }),
            // dispatch after a return and reassignment (改派): who returned it; the reason is Reason.
            ("Return", new (string, object?)[] { ("Department", model.ReturnedByDepartmentName), ("Note", Blank(model.ReturnNote)) }),
            // A reassignment of the lead (改派): the department that had the case before.
            ("Reassign", new (string, object?)[] { ("From", model.ReassignedFromDepartmentName) }),
            // deadline-moved: the year whose holiday schedule moved the dates.
            ("Schedule", new (string, object?)[] { ("Year", model.ScheduleYear) }),
            ("Extension", new (string, object?)[]
            {
                ("Days", model.ExtensionDays),
                ("DueIfApproved", FormatLocal(model.ExtensionDueIfApproved, timeZone, en)),
                ("DueIfApprovedProvisional", model.ExtensionDueIfApprovedProvisional),
                // A co-handler's request: the most the officer can grant before the lead's deadline (less the lead time).
                ("Most", model.ExtensionMostDays),
                ("Latest", FormatLocal(model.ExtensionLatestDue, timeZone, en)),
                ("LeadDue", FormatLocal(model.ExtensionLeadDue, timeZone, en)),
                ("Approved", model.ExtensionApproved),
                ("Granted", model.ExtensionGrantedDays),
                ("Withdrawn", model.WithdrawnExtensionDays),
                // The ladder's mails: a request still waiting for the officer, and the day it was made.
                ("Pending", model.PendingExtensionDays),
                ("PendingSince", FormatDay(model.PendingExtensionAskedAt, timeZone, en)),
                ("Decision", model.ExtensionApproved switch
                {
                    // Fewer days than asked (部分同意): the mail's new deadline and the officer's note say the same.
                    true when model.ExtensionGrantedDays is { } granted && model.ExtensionDays is { } asked && granted < asked => en
                        ? $"Partly approved: {English.Count(granted, "working day", "working days")} ({asked} asked)"
                        : $"部分同意：延期 {granted} 个工作日（申请 {asked} 个）",
                    true => en ? "Approved" : "同意",
                    false => en ? "Denied" : "不同意",
                    null => null,
                }),
            }),
        ];
    }

    /// <summary>What a known name means (README.md's table, in plain words), for the admins' edit page; null for any other name.</summary>
    public static Text? Describe(string name) => Descriptions.TryGetValue(name, out var text) ? text : null;

    // One entry per name Build defines, in its order; a test keeps the two in step.
    internal static IReadOnlyDictionary<string, Text> Descriptions { get; } = new Dictionary<string, Text>(StringComparer.OrdinalIgnoreCase)
    {
        ["Case"] = new("事项（成员是以它开头的各变量）", "The case (its members are the variables starting with its name)"),
        ["Case.Number"] = new("事项编号，如 AYKF-2026-000123", "The case number, e.g. AYKF-2026-000123"),
        ["Case.Title"] = new("事项标题", "The case's title"),
        ["Case.Description"] = new("诉求内容，超过 200 字时截断并加“…”", "The description, cut to 200 characters with \"…\""),
        ["Case.Category"] = new("事项类别（用邮件的语言）", "The category, in the mail's language"),
        ["Case.ProgressReportEvery"] = new("长期事项（遗留问题、破产）签收后每隔几个工作日报告一次进展；其他事项为空",
            "Long-running categories: a progress report is due every this many working days once accepted; empty otherwise"),
        ["Case.Priority"] = new("紧急程度的文字（用邮件的语言）", "The priority in words, in the mail's language"),
        ["Case.Urgent"] = new("紧急事项时为真，例如 {% if Case.Urgent %}", "True for an urgent case, e.g. {% if Case.Urgent %}"),
        ["Case.Enterprise"] = new("企业名称", "The enterprise's name"),
        ["Case.Department"] = new("责任部门", "The responsible department"),
        ["Case.LeadDepartment"] = new("联办事项中关于协办部门的邮件：主办部门；其他邮件为空",
            "Joint case, mails about a co-handling department's part: the lead department; empty otherwise"),
        ["Case.LeadHandler"] = new("联办事项中发给协办部门的邮件：主办部门的经办人；其他邮件为空",
            "Joint case, mails to a co-handling department: the lead department's handler; empty otherwise"),
        ["Case.Task"] = new("联办事项：园区交给协办部门的协办任务", "Joint case: the officer's task for the co-handling department"),
        ["Case.Officer"] = new("跟进本事项的园区工作人员", "The park officer following the case"),
        ["Case.AcceptBy"] = new("签收期限（按系统时区，已格式化）", "The acceptance deadline, formatted, in the zone's time zone"),
        ["Case.Due"] = new("办结期限（延期或重办后的最新期限）", "The resolve deadline (after any extension or reopening)"),
        ["Case.OriginalDue"] = new("延期或重办之前的办结期限；与当前办结期限相同时为空", "The resolve deadline before an extension or reopening; empty when it is the current one"),
        ["Case.AcceptByBefore"] = new("期限调整邮件：节假日安排重新计算之前的签收期限；签收期限未调整（或已签收）时为空",
            "deadline-moved: the acceptance deadline before the holiday schedule's recount; empty when it did not move (or the case was accepted)"),
        ["Case.DueBefore"] = new("期限调整邮件：节假日安排重新计算之前的办结期限（协办为提交期限）；未调整时为空。随协办延期延长办结期限的邮件：延长之前的办结期限",
            "deadline-moved: the resolve (a co-handler's: submit) deadline before the recount; empty when it did not move. lead-extended: the resolve deadline before the move"),
        ["Case.Provisional"] = new("期限为暂定时为真（当年节假日安排尚未公布）", "True when the deadlines are provisional (that year's holidays are not published yet)"),
        ["Case.AcceptByProvisional"] = new("签收期限为暂定时为真", "True when the acceptance deadline is provisional"),
        ["Case.AwaitingAcceptance"] = new("事项（或协办任务）尚未签收时为真", "True while the case (or the co-handling part) is not yet accepted"),
        ["Case.OverdueDays"] = new("超过办结期限的工作日数", "Working days past the due date"),
        ["Case.PartsIn"] = new("联办事项发给主办部门的邮件：各协办部门均已提交（或已撤回、已先行办结）、可以办结时为真",
            "Joint case, the lead's mails: true when no co-handler's part is still to come (each submitted, dropped or resolved over)"),
        ["CoHandlers"] = MailTemplateVariables.List(new("联办事项发给主办部门的邮件：各协办部门；没有协办部门时为空",
            "Joint case, the lead department's mails: the co-handling departments; empty without co-handlers")),
        ["CoHandlers.Department"] = MailTemplateVariables.InLoop(new("协办部门名称", "The co-handling department")),
        ["CoHandlers.Status"] = MailTemplateVariables.InLoop(new("该部门的办理状态（用邮件的语言，超期时前面加“超期”）",
            "Its part's status in the mail's language, with \"late\" in front when past its deadline")),
        ["CoHandlers.Late"] = MailTemplateVariables.InLoop(new("该部门已超期时为真", "True when its part is late")),
        ["CoHandlers.Submitted"] = MailTemplateVariables.InLoop(new("该部门已提交协办意见时为真", "True when it has submitted its part")),
        ["CoHandlers.Note"] = MailTemplateVariables.InLoop(new("该部门协办的结果：已提交的为协办意见的开头几行，主办先行办结的为主办的理由，已撤回的为撤回理由；其他为空",
            "How its part ended: the first lines of its submitted opinion, the lead's reason when resolved over it, the reason when dropped; empty otherwise")),
        ["CoHandlers.AskedAgain"] = MailTemplateVariables.InLoop(new("重办邮件：本次重办请该部门重新协办时为真", "reopened: true when the reopening asks it again")),
        ["Contacts"] = MailTemplateVariables.List(new("发给企业的邮件：园区联系人（跟进本事项的园区工作人员；重点企业另有首席服务员）；其他邮件为空",
            "The enterprise's mails: whom at the zone to ask (the officer following the case; for a key enterprise, also its chief service officer); empty otherwise")),
        ["Contacts.Name"] = MailTemplateVariables.InLoop(new("联系人姓名", "The contact's name")),
        ["Contacts.Email"] = MailTemplateVariables.InLoop(new("联系人邮箱", "The contact's email")),
        ["Contacts.Role"] = MailTemplateVariables.InLoop(new("园区工作人员或首席服务员（用邮件的语言）", "Park officer or chief service officer, in the mail's language")),
        ["Contacts.Chief"] = MailTemplateVariables.InLoop(new("首席服务员时为真", "True for the chief service officer")),
        ["Part"] = new("协办部门的协办任务（成员是以它开头的各变量）", "A co-handling department's part (its members are the variables starting with its name)"),
        ["Part.Department"] = new("协办意见已提交的邮件：提交协办意见的部门（新增协办部门、随协办延期延长办结期限的邮件：该协办部门）",
            "part-submitted: the co-handling department whose part came in (part-added, lead-extended: the co-handling department)"),
        ["Part.Attachments"] = new("协办意见已提交的邮件：协办意见的附件（链接或文字，每行一个）", "part-submitted: its attachments, links or text, one per line"),
        ["Part.Due"] = new("新增协办部门的邮件：该部门的提交期限；随协办延期延长办结期限的邮件：该协办部门延期后的提交期限",
            "part-added: the added department's submit deadline; lead-extended: the co-handler's submit deadline after its extension"),
        ["Part.DueProvisional"] = new("新增协办部门的邮件：提交期限为暂定时为真", "part-added: true when that deadline is provisional"),
        ["Part.ResolvedOver"] = new("发给协办部门的撤销邮件：因主办部门先行办结而结束时为真",
            "cancelled, to a co-handler: true when its part ended because the lead resolved the case without it"),
        ["Part.CaseCancelled"] = new("发给协办部门的撤销邮件：因整个事项被撤销而结束时为真",
            "cancelled, to a co-handler: true when its part ended because the whole case was cancelled"),
        ["Part.AskedAgain"] = new("发给协办部门的派单邮件：园区重办事项、请该部门重新协办时为真（重办原因见 Note）",
            "dispatch, to a co-handler: true when the zone reopened the case and asks it again (the reopen reason is Note)"),
        ["Part.SubmittedBefore"] = new("重新协办的派单邮件：该部门上一轮已提交协办意见时为真",
            "dispatch, to a co-handler asked again: true when it had submitted its part in the round before"),
        ["Recipient"] = new("收件人（成员是以它开头的各变量）", "The recipient (its members are the variables starting with its name)"),
        ["Recipient.Name"] = new("收件人姓名，用于邮件开头的称呼", "Whom the mail greets"),
        ["Recipient.Copy"] = new("收件人是部门分管领导、收到的是抄送（链接只读）时为真", "True when the recipient is the department's leader, mailed a copy for information (a read-only link)"),
        ["Actor"] = new("本次操作的人（成员是以它开头的各变量）", "Whoever acted (its members are the variables starting with its name)"),
        ["Actor.Name"] = new("本次操作（催办、重办）的园区工作人员姓名，不一定是跟进本事项的人；系统操作时为空",
            "The park officer who acted (urged, reopened), not always the one following the case; empty when the system acted"),
        ["Late"] = MailTemplateVariables.List(new("联办事项的督办升级邮件：现已超期的各部门，主办在前；其他邮件为空",
            "Joint case, the zone leadership's escalation: every department late now, the lead first; empty otherwise")),
        ["Late.Department"] = MailTemplateVariables.InLoop(new("超期的部门", "The late department")),
        ["Late.Lead"] = MailTemplateVariables.InLoop(new("主办部门时为真", "True for the lead department")),
        ["Late.Role"] = MailTemplateVariables.InLoop(new("主办或协办（用邮件的语言）", "Lead or co-handling, in the mail's language")),
        ["Late.Due"] = MailTemplateVariables.InLoop(new("该部门的办结或提交期限", "Its resolve or submit deadline")),
        ["Late.OverdueDays"] = MailTemplateVariables.InLoop(new("该部门超期的工作日数", "Working days it is late")),
        ["Event"] = new("重点企业事项通知：事项发生的事件（成员是以它开头的各变量）", "key-enterprise-update: the case's event (its members are the variables starting with its name)"),
        ["Event.Kind"] = new("事件代码：dispatch（派单）、overdue（超期）、resolved（办结）、reopened（重办）、cancelled（撤销）、rated-unsatisfied（企业评价不满意）、rating-closed（不满意评价说明后结案）、rating-reopened（不满意评价转重办）；企业的变更通知：department（承办部门变更）、deadline（办结期限调整）、schedule（节假日安排公布后办结期限重新计算）",
            "The event as a code: dispatch, overdue, resolved, reopened, cancelled, rated-unsatisfied (the enterprise not satisfied), rating-closed and rating-reopened (the officer's decision on it); the enterprise's change notice: department, deadline, schedule (recounted once the holidays were published)"),
        ["Event.Label"] = new("事件名称（用邮件的语言）", "The event in the mail's language"),
        ["Link"] = new("收件人的个人办理链接（只发给本人）；邮件不带链接时为空", "The recipient's personal link (for them only); empty when the mail carries none"),
        ["Reason"] = new("退回或重办的原因（成员是以它开头的各变量）", "The return or reopen reason (its members are the variables starting with its name)"),
        ["Reason.Code"] = new("原因代码，如 not-our-duty", "The reason's code, e.g. not-our-duty"),
        ["Reason.Label"] = new("原因的文字，如“不属于本单位职责”", "The reason in words"),
        ["Note"] = new("办理人填写的说明：退回说明、延期理由、办结情况、重办原因、领导留言、协办意见、企业不满意时的意见等",
            "The free text of whoever acted: return note, extension reason, resolution, reopen reason, leader's message, a co-handler's part, an unsatisfied enterprise's comment"),
        ["Insisted"] = new("派单邮件及其抄送分管领导的邮件：园区把退回的事项仍派给原部门（坚持原派）时为真",
            "dispatch and its leader's copy: true when the officer sent a returned case back to the department that returned it"),
        ["Insist"] = new("坚持原派的期限（成员是以它开头的各变量）", "The insisted dispatch's deadline (its members are the variables starting with its name)"),
        ["Insist.WorkingDaysLeft"] = new("坚持原派：退回时剩余、从今天起继续计算的工作日数；重新计时为空",
            "Insisted dispatch: the working days left at the return, counted again from today; empty on a fresh clock"),
        ["Insist.Overdue"] = new("坚持原派：退回时已超过办结期限（期限不变）时为真",
            "Insisted dispatch: true when the case was already past its deadline when returned (the deadline stays)"),
        ["Return"] = new("改派前的退回（成员是以它开头的各变量）", "The return before a reassignment (its members are the variables starting with its name)"),
        ["Return.Department"] = new("派单邮件：园区把退回的事项改派给新部门时，退回该事项的部门；首次派单和坚持原派为空（退回原因见 Reason.Label）",
            "dispatch: when the officer reassigned a returned case to a new department, the department that returned it; empty on a first dispatch and an insist (the reason is Reason.Label)"),
        ["Return.Note"] = new("该部门填写的退回说明", "That department's return note"),
        ["Reassign"] = new("改派（成员是以它开头的各变量）", "A reassignment (its members are the variables starting with its name)"),
        ["Reassign.From"] = new("派单邮件：园区把事项改派给新部门时，原来的部门；主办部门变更通知：原主办部门；其他为空",
            "dispatch: when the officer reassigned the case to a new department, the department that had it; lead-changed: the lead before; empty otherwise"),
        ["Schedule"] = new("节假日安排（成员是以它开头的各变量）", "The holiday schedule (its members are the variables starting with its name)"),
        ["Schedule.Year"] = new("期限调整邮件：公布或更正了节假日安排的年度；其他为空", "deadline-moved: the year whose holiday schedule was published or corrected; empty otherwise"),
        ["Extension"] = new("延期申请（成员是以它开头的各变量）", "The extension request (its members are the variables starting with its name)"),
        ["Extension.Days"] = new("申请延期的工作日数", "Working days asked for"),
        ["Extension.DueIfApproved"] = new("延期申请待审批时：批准后的办结期限（协办为提交期限），按工作日历从当前期限起顺延；其他情况为空",
            "A pending extension request: the resolve (a co-handler's: submit) deadline if approved, the days counted on the working-day calendar after the current one; empty otherwise"),
        ["Extension.DueIfApprovedProvisional"] = new("批准后的期限为暂定时为真（当年节假日安排尚未公布）",
            "True when that deadline is provisional (that year's holidays are not published yet)"),
        ["Extension.Most"] = new("协办延期申请待审批时：最多可批准的工作日数（协办的提交期限不能晚于主办部门办结期限减去协办提前量；为 0 时须先延长主办部门的期限）；主办的申请或主办没有期限时为空",
            "A co-handler's pending extension request: the most working days the officer can grant (a part is never due after the lead's resolve deadline less the lead time; 0: the lead's deadline must move first); empty for the lead's request or when the lead has no deadline"),
        ["Extension.Latest"] = new("协办延期申请待审批时：协办最晚的提交期限（主办部门办结期限减去协办提前量）；其他情况为空",
            "A co-handler's pending extension request: the latest its part may be due (the lead's resolve deadline less the lead time); empty otherwise"),
        ["Extension.LeadDue"] = new("协办延期申请待审批时：主办部门的办结期限；其他情况为空", "A co-handler's pending extension request: the lead's resolve deadline; empty otherwise"),
        ["Extension.Approved"] = new("同意时为真，不同意时为假，尚未审批时为空", "True approved, false denied, empty not decided yet"),
        ["Extension.Granted"] = new("同意时批准的工作日数（可少于申请的天数）；不同意或尚未审批时为空",
            "Approved: the working days granted (possibly fewer than asked); empty when denied or not decided yet"),
        ["Extension.Decision"] = new("审批结果的文字：同意、部分同意（批准天数少于申请时，写明两者）或不同意",
            "The decision in words: approved, partly approved (fewer days than asked, both given) or denied"),
        ["Extension.Withdrawn"] = new("经办人办结时撤回的延期申请所申请的工作日数；没有撤回时为空", "The working days of the extension request the handler's resolution withdrew; empty when none was"),
        ["Extension.Pending"] = new("即将到期、超期督办、督办升级邮件：本部门（协办为该协办部门）已申请、待园区审批的延期工作日数；没有待审批的申请时为空",
            "due-reminder, overdue, escalation-zone: the working days of the department's (a co-handler's: its part's) extension request awaiting the officer; empty when none is pending"),
        ["Extension.PendingSince"] = new("该延期申请的提交日期，如“12月3日”", "The day that request was made, e.g. \"3 Dec\""),
    };

    /// <summary>"2026年3月3日（周二）18:00" or "Tue 3 Mar 2026 18:00", in <paramref name="timeZone"/>; null stays null.</summary>
    public static string? FormatLocal(DateTimeOffset? instant, TimeZoneInfo timeZone, bool english)
    {
        if (instant is not { } at) return null;
        var local = TimeZoneInfo.ConvertTime(at, timeZone);
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        return english
            ? $"{EnglishDays[(int)local.DayOfWeek]} {local.Day} {EnglishMonths[local.Month - 1]} {local.Year} {time}"
            : $"{local.Year}年{local.Month}月{local.Day}日（周{"日一二三四五六"[(int)local.DayOfWeek]}）{time}";
    }

    /// <summary>"12月3日" or "3 Dec", in <paramref name="timeZone"/>: a day the reader knows the year of; null stays null.</summary>
    public static string? FormatDay(DateTimeOffset? instant, TimeZoneInfo timeZone, bool english)
    {
        if (instant is not { } at) return null;
        var local = TimeZoneInfo.ConvertTime(at, timeZone);
        return english ? $"{local.Day} {EnglishMonths[local.Month - 1]}" : $"{local.Month}月{local.Day}日";
    }

    private static string PriorityLabel(CasePriority priority, bool english) => priority switch
    {
        CasePriority.Urgent => english ? "Urgent" : "紧急",
        _ => english ? "Normal" : "普通",
    };

    internal static string? Excerpt(string? description)
    {
        var text = Blank(description)?.Replace("\r\n", "\n").Trim();
        if (text is null) return null;
        var info = new StringInfo(text);
        return info.LengthInTextElements <= DescriptionExcerptLength
            ? text
            : info.SubstringByTextElements(0, DescriptionExcerptLength).TrimEnd() + "…";
    }

    /// <summary>A co-handler's opinion or reason as a list line shows it: its first <see cref="OpeningLineCount"/> lines, cut as an excerpt.</summary>
    internal static string? OpeningLines(string? text)
    {
        var lines = Blank(text)?.Replace("\r\n", "\n").Trim().Split('\n');
        if (lines is null) return null;
        var opening = string.Join(' ', lines.Take(OpeningLineCount).Select(l => l.Trim()).Where(l => l.Length > 0));
        var excerpt = Excerpt(opening)!;
        return lines.Length > OpeningLineCount && !excerpt.EndsWith('…') ? excerpt + " …" : excerpt;
    }

    /// <summary>How many lines of a co-handler's opinion the officer's 【待确认办结】 lists.</summary>
    public const int OpeningLineCount = 3;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    // Null must become nil: in Liquid an empty string is truthy, and templates test values with {% if %}.
    private static FluidValue Value(object? value) => value switch
    {
        null => NilValue.Instance,
        string s => StringValue.Create(s),
        bool b => BooleanValue.Create(b),
        int i => NumberValue.Create(i),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unsupported mail value."),
    };
}
