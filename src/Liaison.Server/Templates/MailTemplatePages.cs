using System.Text;
using Liaison.Cases.Notifications;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Microsoft.AspNetCore.Antiforgery;
using static Liaison.Server.Pages.Html;

namespace Liaison.Server.Templates;

/// <summary>
/// The admins' pages for the case email templates: the list at <c>/admin/templates</c> and, per kind and language, a form
/// with the subject, HTML and text templates, saved together (validated first), reset to the shipped text, or previewed
/// with a sample case without saving.
/// </summary>
public static class MailTemplatePages
{
    public static IEndpointRouteBuilder MapMailTemplatePages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("admin/templates").RequireAuthorization(Policies.Admin).ExcludeFromDescription();
        pages.MapGet("/", List);
        pages.MapGet("/{kind}/{culture}", Edit);
        pages.MapPost("/{kind}/{culture}", Submit);
        return app;
    }

    private const string Css = """
        <style>
        .tag{display:inline-block;padding:0 .4rem;border-radius:.25rem;font-size:.8rem;background:#fff4d6;color:#8a5a00}
        textarea{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem}
        .problems{color:#b91c1c;margin:.25rem 0 0;padding-left:1.2rem}
        .flash{padding:.6rem;border-radius:.375rem}
        pre.mail{white-space:pre-wrap;background:#f5f7fa;padding:.6rem;border-radius:.375rem;margin:0}
        iframe.mail{width:100%;height:28rem;border:1px solid #cbd2d9;border-radius:.375rem;background:#fff}
        .buttons{display:flex;flex-wrap:wrap;gap:.5rem}.buttons button{margin-top:.75rem}
        button.secondary{background:#616e7c}button.danger{background:#b91c1c}
        </style>
        """;

    private static readonly Dictionary<string, (string Zh, string En)> Done = new()
    {
        ["saved"] = ("模板已保存，下一封邮件起生效", "Saved; the next email uses it"),
        ["reset"] = ("已恢复为默认模板", "Reset to the shipped templates"),
    };

    private static async Task<IResult> List(HttpContext http, IAntiforgery antiforgery, MailTemplateService templates, CancellationToken ct)
    {
        var entries = await templates.ListAsync(ct);
        var sb = new StringBuilder();
        sb.Append("""
            <div class="card"><h1 style="font-size:1.25rem;margin-top:0">邮件模板 <span class="muted">Email templates</span></h1>
            <p class="muted">案件邮件以 Liquid 模板生成。修改后保存即对下一封邮件生效；可随时恢复默认。<br>
            Case emails are rendered from Liquid templates. A saved edit applies to the next email; you can always reset to the shipped text.</p>
            <table><thead><tr><th>邮件 <span class="muted">Email</span></th><th>中文 <span class="muted">zh-CN</span></th><th>English <span class="muted">en</span></th></tr></thead><tbody>
            """);
        foreach (var kind in CaseMailKind.All)
        {
            var (zh, en) = MailTemplateKeys.Describe(kind);
            sb.Append($"<tr data-kind=\"{E(kind)}\"><td>{E(zh)} <span class=\"muted\">{E(en)} · <code>{E(kind)}</code></span></td>");
            foreach (var culture in CaseMailRenderer.Cultures)
            {
                var edited = entries.Where(e => e.Kind == kind && e.Culture == culture && e.Overridden).Select(e => e.Part).ToList();
                var tag = edited.Count > 0 ? $" <span class=\"tag\">已修改 edited: {E(string.Join(", ", edited))}</span>" : "";
                sb.Append($"<td><a href=\"{EditUrl(kind, culture)}\">编辑 Edit</a>{tag}</td>");
            }

            sb.Append("</tr>");
        }

        sb.Append("</tbody></table></div>");
        return AdminPage(http, antiforgery, "邮件模板 Email templates", sb.ToString());
    }

    private static async Task<IResult> Edit(
        string kind, string culture, string? done, HttpContext http, IAntiforgery antiforgery, MailTemplateService templates, CancellationToken ct)
    {
        if (Resolve(kind, culture) is not ({ } k, { } c))
        {
            return NotFoundPage(http, antiforgery, kind, culture);
        }

        var sources = new Dictionary<MailPart, string>();
        var edited = new HashSet<MailPart>();
        foreach (var part in MailTemplateKeys.Parts)
        {
            var row = await templates.FindAsync(k, c, part, ct);
            sources[part] = row?.Source ?? CaseMailRenderer.ShippedSource(k, c, part);
            if (row is not null) edited.Add(part);
        }

        var flash = done is not null && Done.TryGetValue(done, out var m) ? $"<p class=\"flash ok\">{E(m.Zh)} <span class=\"muted\">{E(m.En)}</span></p>" : "";
        return AdminPage(http, antiforgery, Title(k, c), EditForm(http, antiforgery, k, c, sources, edited, flash, new Dictionary<string, string[]>(), null));
    }

    private static async Task<IResult> Submit(
        string kind, string culture, IFormCollection form, HttpContext http, IAntiforgery antiforgery, MailTemplateService templates,
        CalendarService calendars, CancellationToken ct)
    {
        if (Resolve(kind, culture) is not ({ } k, { } c))
        {
            return NotFoundPage(http, antiforgery, kind, culture);
        }

        var intent = form["intent"].ToString();
        if (intent == "reset")
        {
            await templates.ResetAsync(k, c, MailTemplateKeys.Parts, ct);
            return Results.Redirect(EditUrl(k, c) + "?done=reset");
        }

        var sources = MailTemplateKeys.Parts.ToDictionary(p => p, p => MailTemplateKeys.Normalize(form[MailTemplateKeys.PartName(p)].ToString()));
        var edited = new HashSet<MailPart>();
        foreach (var part in MailTemplateKeys.Parts)
        {
            if (await templates.FindAsync(k, c, part, ct) is not null) edited.Add(part);
        }

        if (intent == "preview")
        {
            var preview = templates.Preview(k, c, sources.ToDictionary(s => s.Key, s => (string?)s.Value), calendars.TimeZone);
            return AdminPage(http, antiforgery, Title(k, c), EditForm(http, antiforgery, k, c, sources, edited, "", preview.Problems, preview));
        }

        if (intent != "save")
        {
            var bad = $"<p class=\"flash error\">未知操作 / Unknown action: {E(intent)}</p>";
            return AdminPage(http, antiforgery, Title(k, c), EditForm(http, antiforgery, k, c, sources, edited, bad, new Dictionary<string, string[]>(), null), StatusCodes.Status400BadRequest);
        }

        var problems = await templates.SaveAsync(k, c, sources.ToDictionary(s => s.Key, s => (string?)s.Value), http.User.Identity?.Name, ct);
        if (problems.Count > 0)
        {
            var flash = "<p class=\"flash error\">模板有错误，未保存 / The templates have problems and were not saved</p>";
            return AdminPage(http, antiforgery, Title(k, c), EditForm(http, antiforgery, k, c, sources, edited, flash, problems, null), StatusCodes.Status400BadRequest);
        }

        return Results.Redirect(EditUrl(k, c) + "?done=saved");
    }

    private static string EditForm(
        HttpContext http, IAntiforgery antiforgery, string kind, string culture, IReadOnlyDictionary<MailPart, string> sources,
        HashSet<MailPart> edited, string flash, IDictionary<string, string[]> problems, MailPreview? preview)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var (zh, en) = MailTemplateKeys.Describe(kind);
        var sb = new StringBuilder();
        sb.Append($"""
            <p><a href="/admin/templates">← 全部模板 <span class="muted">All templates</span></a></p>
            {flash}
            <div class="card"><h1 style="font-size:1.25rem;margin-top:0">{E(zh)} <span class="muted">{E(en)} · <code>{E(kind)}</code> · {E(culture)}</span></h1>
            <p class="muted">可用变量见说明：<code>{"{{ Case.Number }}"}</code>、<code>{"{{ Case.Title }}"}</code>、<code>{"{{ Recipient.Name }}"}</code>、<code>{"{{ Link }}"}</code>、<code>{"{{ Case.Due }}"}</code> 等；HTML 中的值会自动转义，请勿使用 <code>| raw</code>。<br>
            Variables such as <code>Case.Number</code>, <code>Case.Title</code>, <code>Recipient.Name</code>, <code>Link</code>, <code>Case.Due</code>; values are HTML-escaped in the HTML part, do not add <code>| raw</code>.</p>
            <form method="post" action="{EditUrl(kind, culture)}" data-form="template">
            <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            """);
        foreach (var part in MailTemplateKeys.Parts)
        {
            var name = MailTemplateKeys.PartName(part);
            var (label, rows) = part switch
            {
                MailPart.Subject => ("邮件主题 <span class=\"muted\">Subject</span>", 2),
                MailPart.Html => ("HTML 正文 <span class=\"muted\">HTML body</span>", 16),
                _ => ("纯文本正文 <span class=\"muted\">Plain-text body</span>", 10),
            };
            var tag = edited.Contains(part) ? " <span class=\"tag\">已修改 edited</span>" : "";
            sb.Append($"<label for=\"t-{name}\">{label}{tag}</label><textarea id=\"t-{name}\" name=\"{name}\" rows=\"{rows}\" spellcheck=\"false\">{E(sources[part])}</textarea>");
            if (problems.TryGetValue(name, out var list))
            {
                sb.Append($"<ul class=\"problems\" data-part=\"{name}\">{string.Concat(list.Select(p => $"<li>{E(p)}</li>"))}</ul>");
            }
        }

        sb.Append("""
            <div class="buttons">
            <button type="submit" name="intent" value="save">保存 Save</button>
            <button type="submit" name="intent" value="preview" class="secondary">预览 Preview</button>
            <button type="submit" name="intent" value="reset" class="danger" formnovalidate onclick="return confirm('恢复为默认模板？未保存的修改将丢失。Reset to the shipped templates?')">恢复默认 Reset to shipped</button>
            </div></form></div>
            """);

        if (preview is not null)
        {
            var warnings = preview.Warnings.Count > 0
                ? $"<ul class=\"problems\">{string.Concat(preview.Warnings.Select(w => $"<li>{E(w)}</li>"))}</ul>"
                : "";
            // The mail's HTML goes into a sandboxed frame (no scripts, no same origin), never into this page.
            sb.Append($"""
                <div class="card" id="preview"><h2 style="font-size:1.1rem;margin-top:0">预览（示例数据，未保存） <span class="muted">Preview (sample data, not saved)</span></h2>
                {warnings}
                <p><strong>主题 Subject：</strong><span data-preview="subject">{E(preview.Subject)}</span></p>
                <iframe class="mail" sandbox="" title="HTML 预览 HTML preview" data-preview="html" srcdoc="{E(preview.Html)}"></iframe>
                <h3 style="font-size:1rem">纯文本 <span class="muted">Plain text</span></h3>
                <pre class="mail" data-preview="text">{E(preview.Text)}</pre></div>
                """);
        }

        return sb.ToString();
    }

    // The officers' layout and navigation, with this page's styles.
    private static IResult AdminPage(HttpContext http, IAntiforgery antiforgery, string title, string body, int status = StatusCodes.Status200OK) =>
        CasePages.OfficerPage(http, antiforgery, title, Css + body, status);

    private static IResult NotFoundPage(HttpContext http, IAntiforgery antiforgery, string kind, string culture) =>
        AdminPage(http, antiforgery, "未找到 Not found", $"""
            <div class="card"><h1 style="font-size:1.25rem;margin-top:0">未找到 <span class="muted">Not found</span></h1>
            <p>没有 {E(kind)} / {E(culture)} 的邮件模板 / No email template '{E(kind)}' in '{E(culture)}'</p>
            <p><a href="/admin/templates">返回模板列表 Back to the templates</a></p></div>
            """, StatusCodes.Status404NotFound);

    private static (string? Kind, string? Culture) Resolve(string kind, string culture) => (MailTemplateKeys.Kind(kind), MailTemplateKeys.Culture(culture));

    private static string Title(string kind, string culture) => $"邮件模板 {kind} {culture}";

    private static string EditUrl(string kind, string culture) => $"/admin/templates/{Uri.EscapeDataString(kind)}/{Uri.EscapeDataString(culture)}";
}
