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

    public static async Task<Results<Ok<MailTemplateDto>, ValidationProblem, NotFoundProblem>> Put(
        string kind, string culture, string part, MailTemplateInput input, HttpContext http, MailTemplateService templates, CancellationToken ct)
    {
        if (Resolve(kind, culture, part) is not ({ } k, { } c, { } p))
        {
            return NotFound(kind, culture, part);
        }

        var problems = await templates.SaveAsync(k, c, new Dictionary<MailPart, string?> { [p] = input.Source }, Actor.Of(http.User), ct);
        if (problems.Count > 0)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["source"] = problems.Values.SelectMany(v => v).ToArray() });
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
        return new MailTemplateDto(kind, culture, MailTemplateKeys.PartName(part), row is not null, row?.Source ?? shipped, shipped, row?.UpdatedAt, row?.UpdatedBy);
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
    string Kind, string Culture, string Part, bool Overridden, string Source, string ShippedSource, DateTimeOffset? UpdatedAt, string? UpdatedBy);

public sealed record MailTemplateInput(string? Source);

public sealed record MailPreviewInput(string? Subject, string? Html, string? Text);
