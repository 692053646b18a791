using System.Net;
using System.Text.RegularExpressions;
using Liaison.Cases.Common;
using Liaison.Server.Mail;
using Liaison.Workflows.Runtime;

namespace Liaison.Server.Workflows;

/// <summary>
/// Elsa.SendEmail: one outbox row per recipient (To, Cc and Bcc alike, since each row is one SMTP envelope), in the
/// run's transaction. An invalid address is skipped with an incident; the others still get the mail.
/// </summary>
public sealed partial class OutboxEmailHandler(Outbox outbox) : IWorkflowEffectHandler
{
    public const string MailKind = "workflow";

    public bool CanHandle(IWorkflowEffect effect) => effect is OutboxEmail;

    public Task HandleAsync(WorkflowEffectContext context, IWorkflowEffect effect, CancellationToken ct)
    {
        var email = (OutboxEmail)effect;
        var subject = string.IsNullOrWhiteSpace(email.Subject) ? "(无主题 / No subject)" : email.Subject.Trim();
        var body = email.Body ?? "";
        var isHtml = Tag().IsMatch(body);
        // The body is HTML even without a tag: a Liquid body's inserted values come HTML-encoded (Html input), so the
        // text part decodes its character references either way.
        var text = WebUtility.HtmlDecode(isHtml ? Tag().Replace(body, "").Trim() : body);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        // The sender is the configured Smtp:From; a per-activity From is not honoured, so mail never spoofs anyone.
        foreach (var address in (email.To ?? []).Concat(email.Cc ?? []).Concat(email.Bcc ?? []).SelectMany(Split))
        {
            if (!EmailAddress.IsValid(address))
            {
                context.AddIncident(email.ActivityId, $"Skipped the recipient '{address}': not a valid email address.");
                continue;
            }

            if (seen.Add(address))
            {
                outbox.Add(context.Db, new OutgoingMail(address, null, subject, text, isHtml ? body : null, MailKind));
            }
        }

        if (seen.Count == 0)
        {
            context.AddIncident(email.ActivityId, "The email was not queued: it has no valid recipient.");
        }

        return Task.CompletedTask;
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();
}
