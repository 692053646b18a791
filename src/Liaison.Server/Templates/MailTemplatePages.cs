using Liaison.Cases.Common;
using Liaison.Cases.Notifications;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Common;
using Liaison.Server.Pages;

namespace Liaison.Server.Templates;

/// <summary>
/// The admins' pages for the email templates, the case mails' and the digests': the list at <c>/admin/templates</c>
/// and, per kind and language, a form with the subject, HTML and text templates, saved together (validated first), reset
/// to the shipped text, or previewed with a sample case or digest without saving.
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

    private static readonly Dictionary<string, Text> Done = new()
    {
        ["saved"] = new("模板已保存，下一封邮件起生效", "Saved; the next email uses it"),
        ["reset"] = new("已恢复为默认模板", "Reset to the shipped templates"),
        ["reset-part"] = new("该部分已恢复为默认模板，其他部分未变", "That part is back to the shipped text; the other parts are unchanged"),
    };

    /// <summary>The intent of a button that resets one part (<c>reset:html</c>), beside that part's note that the shipped text changed.</summary>
    public const string ResetPartIntent = "reset:";

    private static async Task<IResult> List(MailTemplateService templates, CancellationToken ct) =>
        PageResults.Page<TemplateListPage>(await templates.ListAsync(ct));

    private static async Task<IResult> Edit(string kind, string culture, HttpContext http, MailTemplateService templates, CancellationToken ct)
    {
        if (Resolve(kind, culture) is not ({ } k, { } c))
        {
            return NotFound(kind, culture);
        }

        var sources = await templates.StoredAsync(k, c, ct);
        Text? flash = Flash.Take<TemplateDoneNotice>(http) is { } done && Done.TryGetValue(done.What, out var m) ? m : null;
        return Page(await TemplateEditModel.CreateAsync(k, c, sources, templates, ct) with { Flash = flash, Basis = MailTemplateService.BasisOf(sources) });
    }

    private static async Task<IResult> Submit(
        string kind, string culture, IFormCollection form, HttpContext http, MailTemplateService templates, CalendarService calendars, CancellationToken ct)
    {
        if (Resolve(kind, culture) is not ({ } k, { } c))
        {
            return NotFound(kind, culture);
        }

        var intent = form["intent"].ToString();
        if (intent == "reset")
        {
            await templates.ResetAsync(k, c, MailTemplateKeys.Parts, Actor.Of(http.User), ct);
            return Flash.Redirect(http, TemplateEditModel.Url(k, c), new TemplateDoneNotice("reset"));
        }

        if (intent.StartsWith(ResetPartIntent, StringComparison.Ordinal) && MailTemplateKeys.TryParsePart(intent[ResetPartIntent.Length..], out var resetPart)
            && intent == ResetPartIntent + MailTemplateKeys.PartName(resetPart))
        {
            // One part back to the shipped text; the other parts keep their saved edits (the form's unsaved drafts are dropped, as on a reset).
            await templates.ResetAsync(k, c, [resetPart], Actor.Of(http.User), ct);
            return Flash.Redirect(http, TemplateEditModel.Url(k, c), new TemplateDoneNotice("reset-part"));
        }

        var sources = MailTemplateKeys.Parts.ToDictionary(p => p, p => MailTemplateKeys.Normalize(form[MailTemplateKeys.PartName(p)].ToString()));
        // The version the form was opened at goes on through previews and refusals, so the save still compares with it.
        var model = await TemplateEditModel.CreateAsync(k, c, sources, templates, ct) with { Basis = form["basis"].ToString() };
        switch (intent)
        {
            case "preview":
                var preview = templates.Preview(k, c, sources.ToDictionary(s => s.Key, s => (string?)s.Value), await calendars.GetAsync(ct));
                return Page(model with { Problems = preview.Problems, Preview = preview });
            case "save":
                var saved = await templates.SaveAsync(k, c, sources.ToDictionary(s => s.Key, s => (string?)s.Value), Actor.Of(http.User), ct, model.Basis);
                if (saved is { Stale: { } differing, Stored: { } stored })
                {
                    // Someone saved (or reset) these templates after this form was opened: nothing is saved. The form keeps what
                    // was typed, with the version as it is now, so saving it again is a deliberate choice to overwrite.
                    var changed = string.Join("、", differing.Select(p => MailTemplateKeys.PartLabel(p).Zh));
                    var changedEn = string.Join(", ", differing.Select(p => MailTemplateKeys.PartLabel(p).En));
                    return Page(model with
                    {
                        Basis = MailTemplateService.BasisOf(stored),
                        Refused = new Text(
                            $"模板在您打开后已被他人修改，您的修改未保存。与现在保存的不同之处：{changed}。下方仍是您填写的内容：请先在新窗口打开本页查看他人的修改；再次保存将以您填写的内容为准。",
                            $"The templates were changed by someone else after you opened them; your changes were not saved. Where they differ from what is saved now: {changedEn}. The form below still holds what you typed: open this page in a new window to see the other changes first; saving again keeps what you typed."),
                    }, StatusCodes.Status409Conflict);
                }

                if (saved.Problems.ContainsKey("basis"))
                {
                    // A form Liaison did not write (its hidden version field altered): nothing is saved.
                    return Page(model with { Refused = MailTemplateService.MalformedBasisOnForm }, StatusCodes.Status400BadRequest);
                }

                if (!saved.Saved)
                {
                    return Page(model with { Problems = saved.Problems, Refused = new Text("模板有错误，未保存", "The templates have problems and were not saved") },
                        StatusCodes.Status400BadRequest);
                }

                return Flash.Redirect(http, TemplateEditModel.Url(k, c), new TemplateDoneNotice("saved"));
            default:
                return Page(model with { Refused = new Text($"未知操作：{intent}", $"Unknown action: {intent}") }, StatusCodes.Status400BadRequest);
        }
    }

    private static IResult Page(TemplateEditModel model, int status = StatusCodes.Status200OK) => PageResults.Page<TemplateEditPage>(model, status);

    private static IResult NotFound(string kind, string culture) => PageResults.Message(
        new MessageModel(MessageModel.NotFoundTitle,
            new Text($"没有 {kind} / {culture} 的邮件模板", $"No email template '{kind}' in '{culture}'"),
            "/admin/templates", new Text("返回模板列表", "Back to the templates")),
        StatusCodes.Status404NotFound);

    private static (string? Kind, string? Culture) Resolve(string kind, string culture) => (MailTemplateKeys.Kind(kind), MailTemplateKeys.Culture(culture));
}

/// <summary>The notice after a save or a reset: <c>saved</c> or <c>reset</c>.</summary>
public sealed record TemplateDoneNotice(string What);

/// <summary>One kind of email in one language, as the admin edits it.</summary>
/// <param name="Problems">What is wrong, per part (<c>subject</c>, <c>html</c>, <c>text</c>), in "中文 / English".</param>
/// <param name="Variables">What the templates of this kind may use, those its shipped template reads first (<see cref="MailTemplateService.Variables"/>).</param>
/// <param name="ShippedChanged">Edited parts whose shipped text changed since the edit was saved, with that shipped text.</param>
/// <param name="ShippedUnknown">Edited parts saved before the shipped text's fingerprint was kept, with the current shipped text to compare with.</param>
public sealed record TemplateEditModel(
    string Kind, string Culture, IReadOnlyDictionary<MailPart, string> Sources, IReadOnlySet<MailPart> Edited, TemplateVariables Variables,
    IReadOnlyDictionary<MailPart, string> ShippedChanged, IReadOnlyDictionary<MailPart, string> ShippedUnknown)
{
    public Text? Flash { get; init; }

    public Text? Refused { get; init; }

    /// <summary>The templates' version when the form was opened (<see cref="Common.EditBasis"/>): a save after someone else's is refused.</summary>
    public string Basis { get; init; } = "";

    public IDictionary<string, string[]> Problems { get; init; } = new Dictionary<string, string[]>();

    public MailPreview? Preview { get; init; }

    public string Action => Url(Kind, Culture);

    public static string Url(string kind, string culture) => $"/admin/templates/{Uri.EscapeDataString(kind)}/{Uri.EscapeDataString(culture)}";

    public static async Task<TemplateEditModel> CreateAsync(
        string kind, string culture, IReadOnlyDictionary<MailPart, string> sources, MailTemplateService templates, CancellationToken ct)
    {
        var edited = new HashSet<MailPart>();
        var shippedChanged = new Dictionary<MailPart, string>();
        var shippedUnknown = new Dictionary<MailPart, string>();
        foreach (var part in MailTemplateKeys.Parts)
        {
            if (await templates.FindAsync(kind, culture, part, ct) is { } row)
            {
                edited.Add(part);
                if (MailTemplateKeys.ShippedChangedSince(row))
                {
                    shippedChanged[part] = MailTemplateKeys.ShippedSource(kind, culture, part);
                }
                else if (MailTemplateKeys.ShippedUnknownSince(row))
                {
                    shippedUnknown[part] = MailTemplateKeys.ShippedSource(kind, culture, part);
                }
            }
        }

        return new TemplateEditModel(kind, culture, sources, edited, templates.Variables(kind, culture), shippedChanged, shippedUnknown);
    }
}
