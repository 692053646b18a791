using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Pages.Html;

namespace Liaison.Server.Mail;

/// <summary>
/// The dev mailbox (Development environment only): every outbox row, newest first, so a newcomer without an SMTP
/// server can read the mails and click their links.
/// </summary>
public static class DevMailboxPages
{
    public static IEndpointRouteBuilder MapDevMailbox(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dev/mailbox", Inbox).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/dev/mailbox/{id:guid}", Message).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Inbox(LiaisonDbContext db, string? to, CancellationToken ct)
    {
        var query = db.Outbox.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(to))
        {
            query = query.Where(m => m.ToAddress == to);
        }

        var rows = await query.OrderByDescending(m => m.CreatedAt).Take(200).ToListAsync(ct);
        var items = string.Concat(rows.Select(m =>
            $"<tr><td>{E(m.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss"))}</td><td>{E(m.ToName)} &lt;{E(m.ToAddress)}&gt;</td>" +
            $"<td><a href=\"/dev/mailbox/{m.Id}\">{E(m.Subject)}</a></td><td>{E(m.Status.ToString())}</td></tr>"));
        return Page("开发邮箱 Dev mailbox", $"""
            <div class="card"><h1>开发邮箱 <span class="muted">Dev mailbox</span></h1>
            <p class="muted">未配置 SMTP 时，邮件只写入发件箱并显示在这里。No SMTP host is configured: mail stays here.</p>
            <table><tr><th>时间 Time</th><th>收件人 To</th><th>主题 Subject</th><th>状态 Status</th></tr>{items}</table></div>
            """);
    }

    private static async Task<IResult> Message(Guid id, LiaisonDbContext db, CancellationToken ct)
    {
        var m = await db.Outbox.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (m is null)
        {
            return Page("未找到 Not found", "<div class=\"card\">没有这封邮件 / No such mail</div>", 404);
        }

        // The HTML body is our own rendered template; it is shown in a sandboxed frame so its links open normally.
        var body = m.HtmlBody is null
            ? $"<pre>{E(m.TextBody)}</pre>"
            : $"<iframe sandbox=\"allow-popups allow-top-navigation-by-user-activation\" style=\"width:100%;height:32rem;border:1px solid #e4e7eb\" srcdoc=\"{E(m.HtmlBody)}\"></iframe><h3>纯文本 Text</h3><pre style=\"white-space:pre-wrap\">{E(m.TextBody)}</pre>";
        return Page(m.Subject, $"""
            <div class="card"><p><a href="/dev/mailbox">← 返回 Back</a></p>
            <h1>{E(m.Subject)}</h1>
            <p class="muted">To: {E(m.ToName)} &lt;{E(m.ToAddress)}&gt; · Message-ID: &lt;{E(m.MessageId)}&gt; · {E(m.Status.ToString())}</p>
            {body}</div>
            """);
    }
}
