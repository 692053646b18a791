using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

[Activity("Liaison.Notify", Category = CaseActivity.Category, DisplayNameZh = "发送通知", DisplayNameEn = "Notify",
    Description = "Emails a case template (e.g. returned, resolved, reopened) to handler, leader, officer and/or zone leadership.")]
public sealed class Notify : CaseActivity
{
    [Input(DisplayNameZh = "邮件模板", DisplayNameEn = "Template", Description = "Mail kind, e.g. resolved, returned, extension-decided.", Required = true)]
    public string? Template { get; set; }

    [Input(DisplayNameZh = "收件人", DisplayNameEn = "To", Description = "Comma-separated: handler, leader, officer, zone.", Required = true)]
    public string? To { get; set; }

    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        var audience = Audiences.Parse(To, out var error);
        if (error is not null || string.IsNullOrWhiteSpace(Template))
        {
            context.Fault(error ?? "A template is required.");
            return;
        }

        context.AddEffect(new CaseNotification(context.ActivityId, Template.Trim(), audience));
    }
}
