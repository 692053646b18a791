using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

[Activity("Liaison.Escalate", Category = CaseActivity.Category, DisplayNameZh = "督办升级", DisplayNameEn = "Escalate",
    Description = "One rung of the escalation ladder: a notice to the chosen people, recorded on the case timeline.")]
public sealed class Escalate : CaseActivity
{
    [Input(DisplayNameZh = "级别", DisplayNameEn = "Level", Description = "Shown on the timeline, e.g. yellow, red, zone.", Required = true)]
    public string? Level { get; set; }

    [Input(DisplayNameZh = "邮件模板", DisplayNameEn = "Template", Description = "e.g. due-reminder, overdue, escalation-zone, accept-reminder.", Required = true)]
    public string? Template { get; set; }

    [Input(DisplayNameZh = "收件人", DisplayNameEn = "To", Description = "Comma-separated: handler, leader, officer, zone.", Required = true)]
    public string? To { get; set; }

    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        var audience = Audiences.Parse(To, out var error);
        if (error is not null || string.IsNullOrWhiteSpace(Template) || string.IsNullOrWhiteSpace(Level))
        {
            context.Fault(error ?? "Level and template are required.");
            return;
        }

        context.AddEffect(new CaseEscalated(context.ActivityId, Level.Trim(), Template.Trim(), audience));
    }
}
