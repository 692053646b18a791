using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Sla;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

[Activity("Liaison.ExtendDeadline", Category = CaseActivity.Category, DisplayNameZh = "批准延期", DisplayNameEn = "Extend deadline",
    DescriptionZh = "按园区批准的工作日数（申请的天数，或园区少批的天数）推迟办结时限。原时限保留，用于考核。",
    DescriptionEn = "Moves the resolve deadline by the working days the officer granted (those the handler asked for, or fewer). The original deadline is kept for scoring.")]
public sealed class ExtendDeadline : CaseActivity
{
    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        var c = routing.Case;
        if (c.PendingExtensionDays is not { } days || c.DueAt is not { } due)
        {
            context.Fault("No extension request is pending. / 没有待审批的延期申请。");
            return;
        }

        var deadline = IfApproved(routing.Calendar, due, days);
        c.DueAt = deadline.Due;
        c.PendingExtensionDays = null;
        context.AddEffect(new CaseDeadlineChanged(context.ActivityId, deadline, "extension"));
    }

    /// <summary>
    /// The deadline an approved request for <paramref name="days"/> working days gives: counted after the current
    /// <paramref name="due"/> one. The one rule for the approval, the officer's page and the request's mail.
    /// </summary>
    public static Deadline IfApproved(WorkingCalendar calendar, DateTimeOffset due, int days) => calendar.AddWorkingDays(due, days);
}

[Activity("Liaison.Reopen", Category = CaseActivity.Category, DisplayNameZh = "重办", DisplayNameEn = "Reopen",
    DescriptionZh = "把已办结的事项退给经办人重办（状态回到已签收），办结时限从现在起重新计算；原办结期限更晚（如已批准延期）时，原期限不变。联办事项中园区工作人员选择重新协办的协办部门，各自重新派单（新的协办流程、链接和期限）。",
    DescriptionEn = "Sends a resolved case back to the handler as accepted, with a new resolve deadline counted from now; when the deadline it had is later (an approved extension), that one stays. On a joint case, each co-handler the officer asks again is dispatched again (a new part workflow, links and deadlines).")]
public sealed class Reopen : CaseActivity
{
    [Input(DisplayNameZh = "办结时限（工作日）", DisplayNameEn = "Resolve within (working days)",
        DescriptionZh = "留空则按事项类别的时限；紧急事项减半（向上取整），此处设定的时限也减半。", DescriptionEn = "Empty = the category's limit. Urgent cases get half (rounded up), of a limit set here too.",
        Min = 1, Max = SlaPolicy.MaxWorkingDays)]
    public int? ResolveWithinWorkingDays { get; set; }

    [Input(DisplayNameZh = "协办流程", DisplayNameEn = "Co-handler workflow",
        DescriptionZh = "为重新协办的协办部门运行的已发布流程。",
        DescriptionEn = "The published workflow run for each co-handler asked again.", DefaultValue = DispatchParts.DefaultWorkflow)]
    public string? Workflow { get; set; } = DispatchParts.DefaultWorkflow;

    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        var c = routing.Case;
        // The co-handlers asked again (the officer's choice), each on its own new round, as at the open.
        if (c.PartId is null && !DispatchParts.Start(context, c, Workflow))
        {
            return;
        }

        // Urgent halves the limit, the category's or the one set here, as at dispatch.
        var deadline = IfReopened(routing.Calendar, context.Now, routing.Category.Sla.With(null, ResolveWithinWorkingDays), c.Priority, c.DueAt);
        c.DueAt = deadline.Due;
        c.Status = CaseStatus.Accepted;
        context.AddEffect(new CaseStatusSet(context.ActivityId, CaseStatus.Accepted));
        context.AddEffect(new CaseDeadlineChanged(context.ActivityId, deadline, "reopen"));
    }

    /// <summary>
    /// The resolve deadline a reopening at <paramref name="now"/> gives: a fresh count, unless the deadline the case
    /// had (<paramref name="current"/>, e.g. after an approved extension) is later. A reopening never shortens it;
    /// the deadline then keeps its date, and the host keeps its stored basis (a timeline entry whose date did not
    /// move, CaseTimeline.DeadlineMoved). The one rule for the reopening and the officer's preview.
    /// </summary>
    public static Deadline IfReopened(WorkingCalendar calendar, DateTimeOffset now, SlaPolicy policy, CasePriority priority, DateTimeOffset? current)
    {
        var fresh = SlaDeadlines.ResolveBy(calendar, now, policy, priority);
        return current is { } had && had > fresh.Due ? fresh with { Due = had } : fresh;
    }
}
