using Liaison.Cases.Cases;
using Liaison.Cases.Sla;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

[Activity("Liaison.Dispatch", Category = CaseActivity.Category, DisplayNameZh = "派单", DisplayNameEn = "Dispatch",
    DescriptionZh = "把事项点对点派给部门经办人：开始新一轮派单，按工作日计算时限，并通过邮件发送个人办理链接。",
    DescriptionEn = "Sends the case point to point to a department's handler: new assignment round, deadlines in working days, personal links by email.")]
public sealed class Dispatch : CaseActivity
{
    [Input(DisplayNameZh = "责任部门", DisplayNameEn = "Department",
        DescriptionZh = "部门代码；留空则为事项的责任部门（getCase().departmentCode）。",
        DescriptionEn = "Department code; empty = the case's department (getCase().departmentCode).")]
    public string? Department { get; set; }

    [Input(DisplayNameZh = "签收时限（工作日）", DisplayNameEn = "Accept within (working days)",
        DescriptionZh = "留空则按事项类别的时限。", DescriptionEn = "Empty = the category's limit.", Min = 1, Max = SlaPolicy.MaxWorkingDays)]
    public int? AcceptWithinWorkingDays { get; set; }

    [Input(DisplayNameZh = "办结时限（工作日）", DisplayNameEn = "Resolve within (working days)",
        DescriptionZh = "留空则按事项类别的时限；紧急事项减半（向上取整），此处设定的时限也减半。", DescriptionEn = "Empty = the category's limit. Urgent cases get half (rounded up), of a limit set here too.", Min = 1, Max = SlaPolicy.MaxWorkingDays)]
    public int? ResolveWithinWorkingDays { get; set; }

    [Input(DisplayNameZh = "坚持原派时续算办结时限", DisplayNameEn = "Keep the resolve clock on insist",
        DescriptionZh = "园区坚持原派（退回后仍派给同一部门）时，退回时剩余的工作日数从现在起继续计算（至少 1 个工作日）；退回时已超期的，办结时限不变。关闭则重新计算完整时限。",
        DescriptionEn = "When the officer insists (a returned case goes back to the department that returned it), the working days it had left at the return run on from now (at least 1); one already overdue at the return keeps its deadline. Off: a full new limit.",
        DefaultValue = true)]
    public bool KeepDeadlineOnInsist { get; set; } = true;

    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        var snapshot = routing.Case;
        var code = string.IsNullOrWhiteSpace(Department) ? snapshot.DepartmentCode : Department.Trim();
        if (!routing.Departments.TryGetValue(code, out var department))
        {
            context.Fault($"部门 {code} 不存在或已停用 / Department '{code}' does not exist or is inactive.");
            return;
        }

        var policy = routing.Category.Sla.With(AcceptWithinWorkingDays, ResolveWithinWorkingDays);
        var now = context.Now;
        // Urgent halves the resolve limit, the category's or the one set here. A co-handler's part is due the category's
        // lead time before the lead's limit (or in the limit set here, its own), and never after the lead's deadline less
        // that lead time.
        var deadlines = snapshot.PartId is not null ? SlaDeadlines.ForCoHandler(routing.Calendar, now, policy, snapshot.Priority, snapshot.LeadDueAt, ownLimit: ResolveWithinWorkingDays is not null)
            : SlaDeadlines.AtDispatch(routing.Calendar, now, policy, snapshot.Priority);
        // 坚持原派: the round the department returned goes on, on the clock it had (a reassignment starts a new one).
        var insisted = KeepDeadlineOnInsist && snapshot.Returned is { } returned && returned.DepartmentCode == code
            ? SlaDeadlines.Insisted(routing.Calendar, now, returned)
            : null;
        if (insisted is not null)
        {
            deadlines = deadlines with { DueAt = insisted.DueAt };
        }

        snapshot.DepartmentCode = code;
        snapshot.AssignedDepartmentCode = code;
        snapshot.Handler = department.Handler;
        snapshot.Leader = department.Leader;
        snapshot.AssignmentRound++;
        snapshot.Status = CaseStatus.Dispatched;
        snapshot.AcceptBy = deadlines.AcceptBy.Due;
        snapshot.DueAt = deadlines.DueAt.Due;
        snapshot.NextProgressReportAt = deadlines.NextProgressReport?.Due;
        snapshot.PendingExtensionDays = null;
        snapshot.Returned = null;
        context.AddEffect(new CaseDispatched(context.ActivityId, department, snapshot.AssignmentRound,
            deadlines.AcceptBy, deadlines.DueAt, deadlines.NextProgressReport) { Insisted = insisted });
        context.Complete();
    }
}
