using System.ComponentModel;
using Liaison.Cases.Common;
using Liaison.Cases.Notifications;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Liaison.Server.Templates;

/// <summary>The admins' API for the email templates (Liquid), the case mails' and the digests': list, read, edit, reset, preview.</summary>
public static class MailTemplatesApi
{
    /// <summary>The OpenAPI description of an edit's <c>basis</c>.</summary>
    internal const string BasisDescription =
        "Optional. The part's version as read with GET (its `basis`). When someone saved or reset the part since and it now differs from "
        + "the source sent, the edit is refused with 409 (`differs` names the part, `basis` is its version now) and nothing is stored; "
        + "a basis Liaison did not give is a 400. Left out, the edit is stored over whatever is there.";

    public static RouteGroupBuilder MapMailTemplatesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/mail-templates").WithTags("Mail templates").RequirePolicy(Policies.Admin);
        api.MapGet("/", List);
        api.MapGet("/{kind}/{culture}/{part}", Get);
        api.MapPut("/{kind}/{culture}/{part}", Put);
        api.MapDelete("/{kind}/{culture}/{part}", Delete);
        api.MapPost("/{kind}/{culture}/preview", Preview).WithOptionalBody<MailPreviewInput>();
        return api;
    }

    public static async Task<Ok<List<MailTemplateEntry>>> List(MailTemplateService templates, CancellationToken ct) =>
        TypedResults.Ok(await templates.ListAsync(ct));

    public static async Task<Results<Ok<MailTemplateDto>, NotFoundProblem>> Get(
        string kind, string culture, string part, MailTemplateService templates, CancellationToken ct)
    {
        if (Resolve(kind, culture, part) is not ({ } k, { } c, { } p))
        {
            return NotFound(kind, culture, part);
        }

        return TypedResults.Ok(await DtoAsync(k, c, p, templates, ct));
    }

    /// <summary>
    /// Stores an edit of one part (validated first). With <c>basis</c> as read (GET's <c>basis</c>), the edit is refused
    /// with 409, nothing stored, when the part was saved or reset since and differs from the source sent.
    /// </summary>
    public static async Task<Results<Ok<MailTemplateDto>, ValidationProblem, NotFoundProblem, ConflictProblem>> Put(
        string kind, string culture, string part, MailTemplateInput input, HttpContext http, MailTemplateService templates, CancellationToken ct)
    {
        if (Resolve(kind, culture, part) is not ({ } k, { } c, { } p))
        {
            return NotFound(kind, culture, part);
        }

        var saved = await templates.SaveAsync(k, c, new Dictionary<MailPart, string?> { [p] = input.Source }, Actor.Of(http.User), ct, input.Basis);
        if (saved.Stale is not null)
        {
            var row = await templates.FindAsync(k, c, p, ct);
            var label = MailTemplateKeys.PartLabel(p);
            var by = row is null
                ? new Text("已恢复为默认模板", "it was reset to the shipped text")
                : new Text($"最近一次由 {row.UpdatedBy} 保存", $"last saved by {row.UpdatedBy}");
            return new ConflictProblem(
                new Text(
                    $"该模板（{label.Zh}）在您读取后已被他人修改（{by.Zh}），与您发送的内容不同，未保存：请重新读取后再改",
                    $"the template's {label.En.ToLowerInvariant()} was changed by someone else after you read it ({by.En}) and differs from what you sent; nothing was saved: read it again and redo your change"),
                new Dictionary<string, object?>
                {
                    ["differs"] = saved.Stale.Select(MailTemplateKeys.PartName).ToArray(),
                    ["basis"] = MailTemplateService.BasisOf(new SortedDictionary<MailPart, string> { [p] = saved.Stored![p] }),
                });
        }

        if (!saved.Saved)
        {
            return Problems.Invalid(saved.Problems.ContainsKey("basis")
                ? new Dictionary<string, string[]> { ["basis"] = saved.Problems["basis"] }
                : new Dictionary<string, string[]> { ["source"] = saved.Problems.Values.SelectMany(v => v).ToArray() });
        }

        return TypedResults.Ok(await DtoAsync(k, c, p, templates, ct));
    }

    public static async Task<Results<NoContent, NotFoundProblem>> Delete(
        string kind, string culture, string part, MailTemplateService templates, HttpContext http, CancellationToken ct)
    {
        if (Resolve(kind, culture, part) is not ({ } k, { } c, { } p))
        {
            return NotFound(kind, culture, part);
        }

        await templates.ResetAsync(k, c, [p], Actor.Of(http.User), ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<MailPreview>, NotFoundProblem>> Preview(
        string kind, string culture, MailPreviewInput? input, MailTemplateService templates, CalendarService calendars, CancellationToken ct)
    {
        if (Resolve(kind, culture, "subject") is not ({ } k, { } c, _))
        {
            return NotFound(kind, culture, null);
        }

        var sources = new Dictionary<MailPart, string?>
        {
            [MailPart.Subject] = input?.Subject,
            [MailPart.Html] = input?.Html,
            [MailPart.Text] = input?.Text,
        };
        return TypedResults.Ok(templates.Preview(k, c, sources, await calendars.GetAsync(ct)));
    }

    private static async Task<MailTemplateDto> DtoAsync(string kind, string culture, MailPart part, MailTemplateService templates, CancellationToken ct)
    {
        var row = await templates.FindAsync(kind, culture, part, ct);
        var shipped = MailTemplateKeys.ShippedSource(kind, culture, part);
        var source = row?.Source ?? shipped;
        return new MailTemplateDto(kind, culture, MailTemplateKeys.PartName(part), row is not null, source, shipped, row?.UpdatedAt, row?.UpdatedBy)
        {
            Basis = MailTemplateService.BasisOf(new SortedDictionary<MailPart, string> { [part] = source }),
        };
    }

    private static (string? Kind, string? Culture, MailPart? Part) Resolve(string kind, string culture, string part) =>
        (MailTemplateKeys.Kind(kind), MailTemplateKeys.Culture(culture), MailTemplateKeys.TryParsePart(part, out var p) ? p : null);

    private static NotFoundProblem NotFound(string kind, string culture, string? part)
    {
        if (MailTemplateKeys.Kind(kind) is null)
        {
            return Problems.NotFound($"没有名为 {kind} 的邮件种类", $"there is no mail kind '{kind}' (known: {string.Join(", ", MailTemplateKeys.Kinds)})");
        }

        if (MailTemplateKeys.Culture(culture) is null)
        {
            return Problems.NotFound($"没有 {culture} 语言的模板（只有 zh-CN、en）", $"there are no templates in '{culture}' (only zh-CN and en)");
        }

        return Problems.NotFound($"没有名为 {part} 的模板部分（只有 subject、html、text）", $"there is no template part '{part}' (only subject, html and text)");
    }
}

/// <param name="Source">The current Liquid source: the admin's edit, or the shipped text when <paramref name="Overridden"/> is false.</param>
/// <param name="ShippedSource">The shipped text, to compare with or start over from.</param>
public sealed record MailTemplateDto(
    string Kind, string Culture, string Part, bool Overridden, string Source, string ShippedSource, DateTimeOffset? UpdatedAt, string? UpdatedBy)
{
    /// <summary>The part's version: sent back with an edit (<see cref="MailTemplateInput.Basis"/>), a save or reset since refuses it.</summary>
    [Description(
        "The part's version: send it back as `basis` with an edit (PUT); when someone saved or reset the part since and it differs from "
        + "what you send, the edit is refused with 409 and nothing is stored. Opaque: send it as read.")]
    public string Basis { get; init; } = "";
}

/// <param name="Source">The Liquid source to store; the shipped text removes the edit.</param>
public sealed record MailTemplateInput(
    string? Source,
    [property: Description(MailTemplatesApi.BasisDescription)] string? Basis = null);

public sealed record MailPreviewInput(string? Subject, string? Html, string? Text);
