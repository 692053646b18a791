using System.Text.RegularExpressions;
using Liaison.Cases.Common;
using Liaison.Server.Data;
using Liaison.Server.Pages;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Mail;

/// <summary>
/// The dev mailbox (Development environment only): every outbox row, newest first, so a newcomer without an SMTP
/// server can read the mails and click their links.
/// </summary>
public static partial class DevMailboxPages
{
    public static IEndpointRouteBuilder MapDevMailbox(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dev/mailbox", Inbox).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/dev/mailbox/{id:guid}", Message).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private const int Shown = 200;

    private static async Task<IResult> Inbox(LiaisonDbContext db, string? to, CancellationToken ct)
    {
        var query = db.Outbox.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(to))
        {
            query = query.Where(m => m.ToAddress == to);
        }

        var rows = await OutboxApi.NewestFirst(query, status: null).Take(Shown).ToListAsync(ct);
        return PageResults.Page<MailboxPage>(new MailboxModel(rows, to));
    }

    private static async Task<IResult> Message(Guid id, LiaisonDbContext db, CancellationToken ct)
    {
        var m = await db.Outbox.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (m is null)
        {
            return PageResults.Message(new MessageModel(MessageModel.NotFoundTitle, new Text("没有这封邮件", "No such mail"), "/dev/mailbox"),
                StatusCodes.Status404NotFound);
        }

        // Every link of the mail, also outside its frame: opened here they behave exactly as in a real mail client.
        var links = LinkPattern().Matches(m.TextBody).Select(x => x.Value.TrimEnd('.', ',', ')', '）', '。')).Distinct().ToList();
        return PageResults.Page<MailPage>(new MailModel(m, links));
    }

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex LinkPattern();
}

public sealed record MailboxModel(IReadOnlyList<OutboxMessage> Mails, string? To);

public sealed record MailModel(OutboxMessage Mail, IReadOnlyList<string> Links);
