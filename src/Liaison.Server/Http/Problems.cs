using System.Reflection;
using Liaison.Cases.Common;
using Liaison.Server.Common;
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

    internal static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        413 => "Content Too Large",
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
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var detail = bad.InnerException is System.Text.Json.JsonException json
            ? $"请求体不是有效的 JSON / The request body is not valid JSON: {json.Message}"
            : $"请求无效 / Bad request: {bad.Message}";
        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = "Bad Request", Detail = detail },
        });
    }
}
