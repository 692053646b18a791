using Liaison.Cases.Cases;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

[Activity("Liaison.SetCaseStatus", Category = CaseActivity.Category, DisplayNameZh = "设置事项状态", DisplayNameEn = "Set case status",
    Description = "Moves the case to a status: dispatched, accepted, in-progress, returned, resolved, closed or cancelled.")]
public sealed class SetCaseStatus : CaseActivity
{
    [Input(DisplayNameZh = "状态", DisplayNameEn = "Status", Description = "accepted, in-progress, returned, resolved, closed, …", Required = true)]
    public string? Status { get; set; }

    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        if (!CaseStatuses.TryParse(Status, out var status))
        {
            context.Fault($"Unknown case status '{Status}'. / 未知的事项状态。");
            return;
        }

        routing.Case.Status = status;
        context.AddEffect(new CaseStatusSet(context.ActivityId, status));
    }
}
