using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.SendEmail", Category = "Email", DisplayNameZh = "发送邮件", DisplayNameEn = "Send Email",
    Description = "Queues an email in the outbox; it is sent after the run is committed.")]
public sealed class SendEmail : Activity
{
    [Input(DisplayNameZh = "发件人", DisplayNameEn = "From", Description = "Sender address; the configured default when empty.")]
    public string? From { get; set; }

    [Input(DisplayNameZh = "收件人", DisplayNameEn = "To", Description = "One or more addresses (a list, or separated by commas).", Required = true)]
    public string[] To { get; set; } = [];

    [Input(DisplayNameZh = "抄送", DisplayNameEn = "Cc", Description = "Copy recipients.")]
    public string[] Cc { get; set; } = [];

    [Input(DisplayNameZh = "密送", DisplayNameEn = "Bcc", Description = "Blind copy recipients.")]
    public string[] Bcc { get; set; } = [];

    [Input(DisplayNameZh = "主题", DisplayNameEn = "Subject", Description = "The subject line.")]
    public string? Subject { get; set; }

    [Input(DisplayNameZh = "正文", DisplayNameEn = "Body", Description = "The message body (HTML allowed).")]
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
