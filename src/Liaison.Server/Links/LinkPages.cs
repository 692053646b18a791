using Liaison.Cases.Cases;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Pages.Html;

namespace Liaison.Server.Links;

/// <summary>
/// The liaison's page behind a personal link, mobile first. GET only shows (mail scanners pre-fetch links); actions are
/// POSTs from its forms, protected by an antiforgery token and a one-time request id.
/// </summary>
public static class LinkPages
{
    public static IEndpointRouteBuilder MapLinkPages(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/l").AllowAnonymous().ExcludeFromDescription().AddEndpointFilter(async (ctx, next) =>
        {
            // The token is the key: keep it out of Referer headers, caches and search engines.
            var headers = ctx.HttpContext.Response.Headers;
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            headers["X-Robots-Tag"] = "noindex, nofollow";
            return await next(ctx);
        });
        links.MapGet("/{token}", Show);
        links.MapPost("/{token}", Act);
        return app;
    }

    private static readonly Dictionary<string, (string Zh, string En)> Done = new()
    {
        [CaseActions.Accept] = ("已签收", "Accepted"),
        [CaseActions.Progress] = ("进展已提交", "Progress recorded"),
        [CaseActions.Return] = ("已退回园区", "Returned to the zone"),
        [CaseActions.Extension] = ("延期申请已提交", "Extension requested"),
        [CaseActions.Resolve] = ("已提交办结", "Marked as resolved"),
        [CaseActions.RemindHandler] = ("已提醒经办人", "The handler was reminded"),
    };

    private static async Task<IResult> Show(string token, string? done, HttpContext http, LiaisonDbContext db, IAntiforgery antiforgery,
        CalendarService calendars, TimeProvider clock, CancellationToken ct)
    {
        var (link, c) = await FindAsync(token, db, clock, ct);
        if (link is null || c is null)
        {
            return Invalid();
        }

        var flash = done is not null && Done.TryGetValue(done, out var d) ? $"<div class=\"card ok\">✓ {E(d.Zh)} <span class=\"muted\">{E(d.En)}</span></div>" : "";
        return Page($"{c.Number} {c.Title}", flash + await RenderAsync(http, link, c, db, antiforgery, calendars, null, ct));
    }

    private static async Task<IResult> Act(
        string token, HttpContext http, LiaisonDbContext db, IAntiforgery antiforgery, CalendarService calendars, CaseService cases, TimeProvider clock,
        [FromForm] string? action, [FromForm] Guid? requestId, [FromForm] string? note, [FromForm] string? reasonCode, [FromForm] string? days, CancellationToken ct)
    {
        if (!LinkTokens.LooksValid(token))
        {
            return Invalid();
        }

        if (string.IsNullOrEmpty(action) || requestId is null || requestId == Guid.Empty)
        {
            return await Refuse(token, http, db, antiforgery, calendars, clock, 400, "请求不完整，请刷新页面后重试 / Incomplete request; reload the page and try again", ct);
        }

        int? dayCount = null;
        if (!string.IsNullOrWhiteSpace(days))
        {
            if (!int.TryParse(days, out var n))
            {
                return await Refuse(token, http, db, antiforgery, calendars, clock, 400, "延期天数必须是整数 / Days must be a whole number", ct);
            }

            dayCount = n;
        }

        var result = await cases.ActThroughLinkAsync(token, action, requestId.Value, new CaseService.LinkActionInput(note, reasonCode, dayCount), ct);
        if (result.Error is { } error)
        {
            return await Refuse(token, http, db, antiforgery, calendars, clock, error.Status, error.Message, ct);
        }

        // Post/Redirect/Get: a reload shows the page, it does not post again.
        return Results.Redirect($"/l/{token}?done={Uri.EscapeDataString(action)}", permanent: false, preserveMethod: false);
    }

    private static async Task<IResult> Refuse(string token, HttpContext http, LiaisonDbContext db, IAntiforgery antiforgery, CalendarService calendars,
        TimeProvider clock, int status, string message, CancellationToken ct)
    {
        var (link, c) = await FindAsync(token, db, clock, ct);
        if (link is null || c is null)
        {
            return Invalid(status == 410 ? 410 : 404);
        }

        var error = $"<div class=\"card\"><p class=\"error\">{E(message)}</p></div>";
        return Page($"{c.Number} {c.Title}", error + await RenderAsync(http, link, c, db, antiforgery, calendars, null, ct), status);
    }

    private static async Task<(LiaisonLink?, Case?)> FindAsync(string token, LiaisonDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (!LinkTokens.LooksValid(token))
        {
            return (null, null);
        }

        var hash = LinkTokens.Hash(token);
        var link = await db.Set<LiaisonLink>().AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (link is null || link.ExpiresAt <= clock.GetUtcNow())
        {
            return (null, null);
        }

        return (link, await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == link.CaseId, ct));
    }

    /// <summary>The same plain page for unknown, expired and superseded links: it reveals nothing about any case.</summary>
    private static IResult Invalid(int status = 404) => Page("链接无效 Invalid link", """
        <div class="card"><h1>链接无效或已过期</h1><p class="muted">This link is invalid or has expired.</p>
        <p>如需办理，请联系园区工作人员。 If you need to act on a case, contact the zone's officer.</p></div>
        """, status);

    private static async Task<string> RenderAsync(HttpContext http, LiaisonLink link, Case c, LiaisonDbContext db, IAntiforgery antiforgery,
        CalendarService calendars, string? unused, CancellationToken ct)
    {
        var tz = calendars.TimeZone;
        string When(DateTimeOffset? t) => t is { } v ? TimeZoneInfo.ConvertTime(v, tz).ToString("yyyy-MM-dd HH:mm") : "—";
        var status = CaseActions.StatusLabel(c.Status);
        var department = await db.Departments.AsNoTracking().Where(d => d.Code == c.DepartmentCode).Select(d => d.Name).FirstOrDefaultAsync(ct);
        var events = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id && e.Kind != "email")
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(12).ToListAsync(ct);
        var provisional = c.Provisional ? " <span class=\"muted\">（暂定 provisional）</span>" : "";

        var sb = new System.Text.StringBuilder();
        sb.Append($"""
            <div class="card">
            <p class="muted">{E(c.Number)} · {E(department)}</p>
            <h1 style="font-size:1.25rem">{E(c.Title)}</h1>
            <p><strong>状态 Status：</strong>{E(status.Zh)} <span class="muted">{E(status.En)}</span></p>
            <p><strong>签收期限 Accept by：</strong>{E(When(c.AcceptBy))}{provisional}<br>
            <strong>办结期限 Resolve by：</strong>{E(When(c.DueAt))}{provisional}</p>
            <p><strong>企业 Enterprise：</strong>{E(c.Enterprise.Name)}{(c.Enterprise.Contact is null ? "" : $"（{E(c.Enterprise.Contact)}）")}</p>
            <p style="white-space:pre-wrap">{E(c.Description)}</p>
            </div>
            """);

        var ended = link.EndedAt is not null || link.Round != c.AssignmentRound;
        if (ended)
        {
            sb.Append("<div class=\"card\"><p>此事项在您这里已结束，无需操作。<br><span class=\"muted\">This case is no longer with you; nothing to do.</span></p></div>");
        }
        else
        {
            var actions = link.Role == LinkRole.Leader ? [CaseActions.RemindHandler] : CaseActions.HandlerActions;
            var allowed = actions.Where(a => CaseActions.WhyNot(c, a) is null).ToList();
            if (allowed.Count == 0)
            {
                var why = CaseActions.WhyNot(c, actions[0]) ?? "";
                sb.Append($"<div class=\"card\"><p class=\"muted\">当前无需操作 / Nothing to do now. {E(why)}</p></div>");
            }

            var tokens = antiforgery.GetAndStoreTokens(http);
            foreach (var action in allowed)
            {
                sb.Append(Form(action, tokens, Guid.NewGuid()));
            }
        }

        sb.Append("<div class=\"card\"><h2 style=\"font-size:1rem\">办理记录 Timeline</h2><ul style=\"padding-left:1.1rem\">");
        foreach (var e in events)
        {
            var kind = CasePages.EventKinds.TryGetValue(e.Kind, out var k) ? k.Zh : e.Kind;
            sb.Append($"<li><span class=\"muted\">{E(When(e.At))}</span> {E(kind)} {E(e.Note)}</li>");
        }

        sb.Append("</ul></div>");
        return sb.ToString();
    }

    private static string Form(string action, AntiforgeryTokenSet tokens, Guid requestId)
    {
        var hidden = $"""
            <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            <input type="hidden" name="action" value="{E(action)}">
            <input type="hidden" name="requestId" value="{requestId}">
            """;
        var note = (string label) => $"<label>{label}</label><textarea name=\"note\" rows=\"3\" required maxlength=\"2000\"></textarea>";
        var (title, fields, button) = action switch
        {
            CaseActions.Accept => ("签收 Accept", "<p class=\"muted\">签收表示本部门已收到并负责办理。Accepting means your department takes the case.</p>", "签收 Accept"),
            CaseActions.Progress => ("报告进展 Report progress", note("进展情况 Progress"), "提交进展 Submit"),
            CaseActions.Return => ("退回 Return", "<label>退回原因 Reason</label><select name=\"reasonCode\" required>" +
                string.Concat(CaseActions.ReturnReasons.Select(r => $"<option value=\"{E(r.Key)}\">{E(r.Value.Zh)} / {E(r.Value.En)}</option>")) +
                "</select>" + note("说明 Note"), "退回 Return"),
            CaseActions.Extension => ("申请延期 Ask for more time", "<label>延期工作日 Working days</label><input name=\"days\" type=\"number\" min=\"1\" max=\"60\" required>" + note("理由 Reason"), "提交申请 Request"),
            CaseActions.Resolve => ("办结 Resolve", note("办理结果 Resolution"), "提交办结 Resolve"),
            _ => ("提醒经办人 Remind the handler", "<label>留言（可选）Message (optional)</label><textarea name=\"note\" rows=\"2\" maxlength=\"2000\"></textarea>", "发送提醒 Remind"),
        };
        return $"""
            <div class="card"><h2 style="font-size:1.05rem">{title}</h2>
            <form method="post" data-action="{E(action)}">{hidden}{fields}<button type="submit">{button}</button></form></div>
            """;
    }
}
