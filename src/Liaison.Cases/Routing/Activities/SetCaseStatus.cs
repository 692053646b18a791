using Liaison.Cases.Cases;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

[Activity("Liaison.SetCaseStatus", Category = CaseActivity.Category, DisplayNameZh = "设置事项状态", DisplayNameEn = "Set case status",
    DescriptionZh = "把事项改为某一状态：dispatched（已派单）、accepted（已签收）、in-progress（办理中）、returned（已退回）、resolved（已办结）、closed（已销号）或 cancelled（已撤销）。",
    DescriptionEn = "Moves the case to a status: dispatched, accepted, in-progress, returned, resolved, closed or cancelled.")]
public sealed class SetCaseStatus : CaseActivity
{
    [Input(DisplayNameZh = "状态", DisplayNameEn = "Status",
        DescriptionZh = "事项改为的状态。", DescriptionEn = "The status the case moves to.", Required = true,
        Choices = typeof(CaseStatusChoices))]
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
