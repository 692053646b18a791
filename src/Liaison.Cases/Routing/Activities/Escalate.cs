using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

[Activity("Liaison.Escalate", Category = CaseActivity.Category, DisplayNameZh = "督办升级", DisplayNameEn = "Escalate",
    DescriptionZh = "督办升级中的一级：通知指定的人员，并记入事项的办理记录。",
    DescriptionEn = "One rung of the escalation ladder: a notice to the chosen people, recorded on the case timeline.")]
public sealed class Escalate : CaseActivity
{
    [Input(DisplayNameZh = "级别", DisplayNameEn = "Level",
        DescriptionZh = "显示在办理记录中，如 yellow（黄灯）、red（红灯）、zone（园区督办）。",
        DescriptionEn = "Shown on the timeline, e.g. yellow, red, zone.", Required = true)]
    public string? Level { get; set; }

    [Input(DisplayNameZh = "邮件模板", DisplayNameEn = "Template",
        DescriptionZh = "这一级发送的邮件。", DescriptionEn = "The mail this rung sends.", Required = true,
        Choices = typeof(MailKindChoices))]
    public string? Template { get; set; }

    [Input(DisplayNameZh = "收件人", DisplayNameEn = "To",
        DescriptionZh = "谁收到这封邮件。", DescriptionEn = "Who receives the mail.", Required = true,
        Choices = typeof(AudienceChoices))]
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
