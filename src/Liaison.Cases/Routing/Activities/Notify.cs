using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

[Activity("Liaison.Notify", Category = CaseActivity.Category, DisplayNameZh = "发送通知", DisplayNameEn = "Notify",
    DescriptionZh = "按事项邮件模板（如 returned 退回、resolved 办结、reopened 重办）发邮件给经办人、分管领导、园区工作人员和/或园区领导小组。",
    DescriptionEn = "Emails a case template (e.g. returned, resolved, reopened) to handler, leader, officer and/or zone leadership.")]
public sealed class Notify : CaseActivity
{
    [Input(DisplayNameZh = "邮件模板", DisplayNameEn = "Template",
        DescriptionZh = "要发送的邮件。", DescriptionEn = "The mail to send.", Required = true,
        Choices = typeof(MailKindChoices))]
    public string? Template { get; set; }

    [Input(DisplayNameZh = "收件人", DisplayNameEn = "To",
        DescriptionZh = "谁收到这封邮件。", DescriptionEn = "Who receives the mail.", Required = true,
        Choices = typeof(AudienceChoices))]
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
