using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.SendEmail", Category = "Email", DisplayNameZh = "发送邮件", DisplayNameEn = "Send Email",
    DescriptionZh = "把邮件放入发件队列；本次运行提交后才发送。", DescriptionEn = "Queues an email in the outbox; it is sent after the run is committed.")]
public sealed class SendEmail : Activity
{
    [Input(DisplayNameZh = "发件人", DisplayNameEn = "From",
        DescriptionZh = "发件人地址；留空则用系统配置的默认发件人。",
        DescriptionEn = "Sender address; the configured default when empty.")]
    public string? From { get; set; }

    [Input(DisplayNameZh = "收件人", DisplayNameEn = "To",
        DescriptionZh = "一个或多个邮箱地址（列表，或用逗号分隔）。",
        DescriptionEn = "One or more addresses (a list, or separated by commas).", Required = true)]
    public string[] To { get; set; } = [];

    [Input(DisplayNameZh = "抄送", DisplayNameEn = "Cc", DescriptionZh = "抄送收件人。", DescriptionEn = "Copy recipients.")]
    public string[] Cc { get; set; } = [];

    [Input(DisplayNameZh = "密送", DisplayNameEn = "Bcc", DescriptionZh = "密送收件人。", DescriptionEn = "Blind copy recipients.")]
    public string[] Bcc { get; set; } = [];

    [Input(DisplayNameZh = "主题", DisplayNameEn = "Subject", DescriptionZh = "邮件主题。", DescriptionEn = "The subject line.")]
    public string? Subject { get; set; }

    [Input(DisplayNameZh = "正文", DisplayNameEn = "Body", Html = true,
        DescriptionZh = "邮件正文（可使用 HTML）。Liquid 插入的值会按 HTML 转义。",
        DescriptionEn = "The message body (HTML allowed). Values a Liquid template inserts are HTML-encoded.")]
    public string? Body { get; set; }

    public override void Execute(ActivityContext context)
    {
        if (To.Length == 0)
        {
            context.Fault("The email has no recipient.");
            return;
        }
        context.AddEffect(new OutboxEmail(context.ActivityId, string.IsNullOrWhiteSpace(From) ? null : From, To, Cc, Bcc, Subject, Body));
        context.Complete();
    }
}
