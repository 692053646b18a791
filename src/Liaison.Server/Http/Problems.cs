using System.Reflection;
using Liaison.Cases.Common;
using Liaison.Server.Common;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Liaison.Server.Http;

/// <summary>
/// Problem details (RFC 9457) with a readable bilingual message, "中文 / English". Each status has its own result type
/// (<see cref="NotFoundProblem"/>, <see cref="ConflictProblem"/>, …), so a route's <c>Results&lt;…&gt;</c> tells the
/// OpenAPI document every error it can answer.
/// </summary>
public static class Problems
{
    public static BadRequestProblem BadRequest(string zh, string en) => new(new Text(zh, en));

    public static NotFoundProblem NotFound(string zh, string en) => new(new Text(zh, en));

    public static ConflictProblem Conflict(string zh, string en) => new(new Text(zh, en));

    public static UnauthorizedProblem Unauthorized(string zh, string en) => new(new Text(zh, en));

    public static TooManyRequestsProblem TooManyRequests(string zh, string en) => new(new Text(zh, en));

    public static ServiceUnavailableProblem ServiceUnavailable(string zh, string en) => new(new Text(zh, en));

    /// <summary>A 400 listing each bad field; <paramref name="errors"/> maps a camelCase field path to its messages.</summary>
    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "请求内容有误，见 errors / The request has invalid fields, see errors", title: "Bad Request");

    public static ValidationProblem Invalid(Validation validation) => Invalid(validation.ToDictionary());

    /// <summary>
    /// The detail of a problem the framework answers with its status alone (no sign-in, no such address, a method or
    /// content type the route does not take), so every 4xx says what is wrong in both languages.
    /// </summary>
    internal static string? DetailOf(int status, HttpContext? http = null) => status switch
    {
        401 => "需要登录（Cookie 或 Bearer 令牌） / Sign in first (a cookie or a bearer token)",
        403 => "无权执行此操作 / You may not do this",
        404 => "没有这个地址，或地址中的编号格式不对 / No such address, or an id in it has the wrong format",
        405 => "此地址不接受该请求方法，见 Allow 标头 / This address does not take that method; see the Allow header",
        413 => TooLarge.ToString(),
        415 => UnsupportedContentType(http).ToString(),
        _ => null,
    };

    /// <summary>What a route that refused the body's type takes: a form (a page's form, a link's) or JSON (the API).</summary>
    internal static Text UnsupportedContentType(HttpContext? http) => TakesForm(http)
        ? new Text("请求体类型不受支持，请以表单提交（application/x-www-form-urlencoded 或 multipart/form-data）",
            "Unsupported content type: send a form (application/x-www-form-urlencoded or multipart/form-data)")
        : new Text("请求体类型不受支持，请发送 application/json", "Unsupported content type: send application/json");

    /// <summary>
    /// The route binds a form ([FromForm]): its mistakes are a form's, not a JSON body's. An exception handler runs with
    /// the endpoint cleared, and finds it on the exception's feature. A body of a type no route at the address takes is
    /// refused by routing itself, with an endpoint of its own that names none: then the address says it, as the pages
    /// take forms and the API takes JSON.
    /// </summary>
    internal static bool TakesForm(HttpContext? http)
    {
        if (http is null)
        {
            return false;
        }

        var accepts = (http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint)?.Metadata.GetMetadata<IAcceptsMetadata>();
        return accepts is null
            ? !PageErrors.IsMachines(http)
            : accepts.ContentTypes.Any(t => t.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                || t.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The query parameter in which a list's "older" link carries where the next page starts (the outbox's, on its page
    /// and in the API). The server writes it, so a value that does not parse is a link edited or cut short: it is
    /// answered in the reader's words (<see cref="InvalidPagingCursor"/>), not with the value's type.
    /// </summary>
    public const string PagingCursor = "before";

    internal static readonly Text InvalidPagingCursor = new("翻页位置无效，请从第一页重新翻页", "this page position is not valid; start again from the first page");

    internal static readonly Text UnreadableForm = new("表单无法读取：字段过多、过长或内容不完整，没有任何改动", "The form could not be read: too many or too long fields, or cut short; nothing changed");

    internal static readonly Text TooLarge = new("请求体过大", "The request body is too large");

    internal static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Error",
    };
}

/// <summary>An <c>application/problem+json</c> answer whose status code is fixed by its type.</summary>
public abstract class ProblemResult : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    public const string ContentTypeName = "application/problem+json";

    protected ProblemResult(int status, Text message, IDictionary<string, object?>? extensions)
    {
        ProblemDetails = new ProblemDetails { Status = status, Title = Problems.Title(status), Detail = message.ToString() };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            ProblemDetails.Extensions[key] = value;
        }
    }

    public ProblemDetails ProblemDetails { get; }

    public int StatusCode => ProblemDetails.Status!.Value;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    object? IValueHttpResult.Value => ProblemDetails;

    ProblemDetails? IValueHttpResult<ProblemDetails>.Value => ProblemDetails;

    public string ContentType => ContentTypeName;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Problem(ProblemDetails).ExecuteAsync(httpContext);

    protected static void Describe(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ContentTypeName]));
}

public sealed class BadRequestProblem(Text message, IDictionary<string, object?>? extensions = null) : ProblemResult(StatusCodes.Status400BadRequest, message, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status400BadRequest);
}

public sealed class UnauthorizedProblem(Text message, IDictionary<string, object?>? extensions = null) : ProblemResult(StatusCodes.Status401Unauthorized, message, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status401Unauthorized);
}

public sealed class ForbiddenProblem(Text message, IDictionary<string, object?>? extensions = null) : ProblemResult(StatusCodes.Status403Forbidden, message, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status403Forbidden);
}

public sealed class NotFoundProblem(Text message, IDictionary<string, object?>? extensions = null) : ProblemResult(StatusCodes.Status404NotFound, message, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status404NotFound);
}

public sealed class ConflictProblem(Text message, IDictionary<string, object?>? extensions = null) : ProblemResult(StatusCodes.Status409Conflict, message, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status409Conflict);
}

public sealed class GoneProblem(Text message, IDictionary<string, object?>? extensions = null) : ProblemResult(StatusCodes.Status410Gone, message, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status410Gone);
}

public sealed class ContentTooLargeProblem(Text message, IDictionary<string, object?>? extensions = null) : ProblemResult(StatusCodes.Status413PayloadTooLarge, message, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status413PayloadTooLarge);
}

public sealed class ServiceUnavailableProblem(Text message, IDictionary<string, object?>? extensions = null) : ProblemResult(StatusCodes.Status503ServiceUnavailable, message, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status503ServiceUnavailable);
}

public sealed class TooManyRequestsProblem(Text message, IDictionary<string, object?>? extensions = null) : ProblemResult(StatusCodes.Status429TooManyRequests, message, extensions), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status429TooManyRequests);
}

/// <summary>
/// Turns a caller's malformed request (bad JSON, wrong types, missing body) into a 400 with the reason, instead of
/// the bare 400 or a 500. Everything else is a 500 without internals.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        if (bad.InnerException is AntiforgeryValidationException && ExpiredForm.IsPageForm(http))
        {
            await ExpiredForm.WriteAsync(http);
            return true;
        }

        http.Response.StatusCode = bad.StatusCode;
        var (detail, field, error) = Explain(bad, http);
        if (PageErrors.IsPage(http))
        {
            if (field is Problems.PagingCursor)
            {
                await PageErrors.WriteInvalidPagingCursorAsync(http);
                return true;
            }

            // A page's address with a malformed value (/cases/new?enterpriseId=abc): the page's answer, not JSON.
            await PageErrors.WriteAsync(http, bad.StatusCode, field is null ? detail : new Text($"{detail.Zh}（{field}：{error?.Zh}）", $"{detail.En} ({field}: {error?.En})"));
            return true;
        }

        var problem = field is null
            ? new ProblemDetails { Detail = detail.ToString() }
            : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [error?.ToString() ?? ""] }) { Detail = detail.ToString() };
        problem.Status = bad.StatusCode;
        problem.Title = Problems.Title(bad.StatusCode);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = problem });
    }

    /// <summary>
    /// What the caller got wrong, in both languages, and the field or parameter it concerns when the framework's message
    /// names one (its own wording names .NET types: "Failed to bind parameter \"Nullable&lt;int&gt; page\" from \"abc\"").
    /// </summary>
    internal static (Text Detail, string? Field, Text? Error) Explain(BadHttpRequestException bad, HttpContext? http = null)
    {
        if (bad.InnerException is System.Text.Json.JsonException json)
        {
            // A value of the wrong type names its member ("$.enterprise.name" → "enterprise.name"); broken JSON says where.
            var converting = json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
            var path = converting && json.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
            var line = json.LineNumber is { } n ? $"（第 {n + 1} 行）" : "";
            var lineEn = json.LineNumber is { } m ? $" (line {m + 1})" : "";
            if (converting && json.Path == "$")
            {
                // Valid JSON of another kind ([1,2], "x", 5): every body the API takes is an object.
                return (new Text("请求体必须是一个 JSON 对象（{ … }）", "The request body must be a JSON object ({ … })"), null, null);
            }

            return path is null
                ? (new Text($"请求体不是有效的 JSON{line}", $"The request body is not valid JSON{lineEn}"), null, null)
                : (new Text($"请求体（JSON）中 {path} 的值类型或格式不对", $"The value of {path} in the JSON body has the wrong type or format"), path,
                    new Text("类型或格式不对", "has the wrong type or format"));
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (Problems.TooLarge, null, null);
        }

        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return (Problems.UnsupportedContentType(http), null, null);
        }

        if (bad.InnerException is InvalidDataException or IOException)
        {
            // The form reader's limits (fields, lengths) or a multipart body cut short.
            return (Problems.UnreadableForm, null, null);
        }

        var parameter = BoundParameter().Match(bad.Message) is { Success: true } named ? named.Groups["name"].Value : null;
        if (bad.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || bad.Message.Contains("from the request body", StringComparison.Ordinal))
        {
            return Problems.TakesForm(http)
                ? (new Text("缺少表单内容", "The form's fields are missing"), null, null)
                : (new Text("缺少请求体（JSON）", "A request body (JSON) is required"), null, null);
        }

        if (parameter is not null && bad.Message.StartsWith("Required parameter", StringComparison.Ordinal))
        {
            return (new Text($"缺少参数 {parameter}", $"The parameter {parameter} is missing"), parameter, new Text("必填", "is required"));
        }

        if (parameter is Problems.PagingCursor && bad.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal))
        {
            return (Problems.InvalidPagingCursor, parameter, Problems.InvalidPagingCursor);
        }

        if (parameter is not null && bad.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal))
        {
            var what = bad.Message.Contains("int", StringComparison.Ordinal) || bad.Message.Contains("long", StringComparison.Ordinal)
                ? new Text("必须是整数（且在范围内）", "must be a whole number (within range)")
                : bad.Message.Contains("bool", StringComparison.OrdinalIgnoreCase) ? new Text("只能是“是”或“否”（true/false）", "must be yes or no (true/false)")
                : bad.Message.Contains("Guid", StringComparison.Ordinal) ? new Text("必须是 GUID", "must be a GUID")
                : bad.Message.Contains("Date", StringComparison.Ordinal) ? new Text("必须是日期时间（如 2026-03-02T10:00）", "must be a date and time (e.g. 2026-03-02T10:00)")
                : new Text("格式不对", "has the wrong format");
            return (new Text($"参数 {parameter} 的值无效", $"The value of {parameter} is not valid"), parameter, what);
        }

        return (new Text("请求无效", $"Bad request: {bad.Message}"), null, null);
    }

    [System.Text.RegularExpressions.GeneratedRegex("parameter \"(?:[^\"]*\\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial System.Text.RegularExpressions.Regex BoundParameter();
}

/// <summary>
/// A page's form sent without a valid antiforgery token (the cookie lost: signed out meanwhile, cookies cleared, a
/// restored tab): the reader gets a page in their language with the way back to where they were, not JSON.
/// </summary>
public static class ExpiredForm
{
    /// <summary>
    /// A form post to a page (not the API, not the jobs dashboard's own forms). Read from the header: after a failed
    /// antiforgery check the form feature refuses even to say whether there is a form (it throws).
    /// </summary>
    public static bool IsPageForm(HttpContext http) =>
        PageErrors.IsPage(http) && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
        && (type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase));

    public static Task WriteAsync(HttpContext http) =>
        WriteRefusedAsync(http, new Text("页面已过期", "This page has expired"),
            new Text("表单没有提交，没有任何改动。请返回页面，刷新后重新填写并提交。", "The form was not sent and nothing changed. Go back to the page, reload it, then fill in and send the form again."));

    /// <summary>
    /// A page's form refused before its page could answer: a 400 page with the way back to the form. A personal link's
    /// page sends no referrer (its address is a key), but its form posts to the page's own address.
    /// </summary>
    public static Task WriteRefusedAsync(HttpContext http, Text title, Text message, int status = StatusCodes.Status400BadRequest)
    {
        var path = http.Request.Path;
        if (PageErrors.PersonalLinkPage(http) is { } linkPage)
        {
            return PageResults.Message(PageErrors.LinkRefusal(title, message, linkPage), status).ExecuteAsync(http);
        }

        var back = Uri.TryCreate(http.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer) && referer.Authority == http.Request.Host.Value
            ? referer.PathAndQuery
            : path.StartsWithSegments("/l") || path.StartsWithSegments("/e") ? path.ToString() : "/";
        return PageResults.Message(new MessageModel(title, message, back, new Text("返回页面", "Back to the page")), status)
            .ExecuteAsync(http);
    }
}

/// <summary>
/// Errors the framework answers by status alone (no such address, a malformed value in it, a method the address does not
/// take), answered on a page's address as a page in the reader's language, and on the API's as problem details.
/// </summary>
public static class PageErrors
{
    /// <summary>
    /// Where a person reads the answer on one of our pages: anything but the machines' addresses (<see cref="IsMachines"/>)
    /// and the jobs dashboard, which answers its own errors. The one rule every error answer asks.
    /// </summary>
    public static bool IsPage(HttpContext http) => !IsMachines(http) && !http.Request.Path.StartsWithSegments("/hangfire");

    /// <summary>The API, the health check and the API description: answered with status codes and problem details.</summary>
    public static bool IsMachines(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/openapi");

    /// <summary>
    /// A list's paging link edited or cut short (<see cref="Problems.PagingCursor"/>): a 400 page leading to the list's
    /// first page, the same address and filters without the position.
    /// </summary>
    public static Task WriteInvalidPagingCursorAsync(HttpContext http)
    {
        var query = new Microsoft.AspNetCore.Http.Extensions.QueryBuilder(
            http.Request.Query.Where(p => !string.Equals(p.Key, Problems.PagingCursor, StringComparison.OrdinalIgnoreCase)));
        var why = Problems.InvalidPagingCursor;
        return PageResults.Message(
            new MessageModel(new Text("无法翻页", "Cannot turn the page"), new Text($"{why.Zh}。", $"{char.ToUpperInvariant(why.En[0])}{why.En[1..]}."),
                $"{http.Request.PathBase}{http.Request.Path}{query.ToQueryString()}", new Text("回到第一页", "Back to the first page")),
            StatusCodes.Status400BadRequest).ExecuteAsync(http);
    }

    public static Task WriteAsync(HttpContext http, int status, Text? detail = null)
    {
        var (title, message) = status switch
        {
            StatusCodes.Status404NotFound => (MessageModel.NotFoundTitle,
                new Text("没有这个页面，或地址中的编号格式不对。", "There is no such page, or an id in its address has the wrong format.")),
            StatusCodes.Status405MethodNotAllowed => (new Text("不支持此操作", "Not supported"),
                new Text("此地址不接受该请求方式。", "This address does not take that kind of request.")),
            _ => (new Text("请求有误", "Bad request"), new Text("地址或提交的内容格式不对，没有任何改动。", "The address or what was sent has the wrong format; nothing changed.")),
        };
        if (PersonalLinkPage(http) is { } linkPage)
        {
            return PageResults.Message(LinkRefusal(title, detail ?? message, linkPage), status).ExecuteAsync(http);
        }

        return PageResults.Message(new MessageModel(title, detail ?? message, "/", new Text("返回首页", "Home")), status).ExecuteAsync(http);
    }

    /// <summary>
    /// The page of the personal link (<c>/l/{token}</c>, <c>/e/{token}</c>) the request was sent to, or null for any other
    /// address. Its holder has no account: the way back from an error is the link's own page, never the sign-in.
    /// </summary>
    public static string? PersonalLinkPage(HttpContext http) =>
        http.Request.Path.Value?.Split('/') is ["", var prefix, var token] && prefix is "l" or "e" && Links.LinkTokens.LooksValid(token)
            ? $"/{prefix}/{token}"
            : null;

    /// <summary>A refusal on a personal link's address: back to the link's page (a GET, which changes nothing), and whom to ask.</summary>
    public static MessageModel LinkRefusal(Text title, Text message, string linkPage) =>
        new(title, message, linkPage, new Text("返回链接页面", "Back to the link's page"),
            new Text("如有疑问，请联系该事项的园区工作人员（链接页面上列有其姓名和邮箱）。",
                "If in doubt, contact the case's park officer (the link's page gives their name and email)."))
        { Navigation = false };
}
