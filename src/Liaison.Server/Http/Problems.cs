using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Liaison.Server.Http;

/// <summary>Problem details (RFC 9457) with a readable bilingual message: Chinese first, then English.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string zh, string en) => Problem(StatusCodes.Status400BadRequest, zh, en);

    public static ProblemHttpResult NotFound(string zh, string en) => Problem(StatusCodes.Status404NotFound, zh, en);

    public static ProblemHttpResult Conflict(string zh, string en) => Problem(StatusCodes.Status409Conflict, zh, en);

    public static ProblemHttpResult Unauthorized(string zh, string en) => Problem(StatusCodes.Status401Unauthorized, zh, en);

    public static ProblemHttpResult Problem(int status, string zh, string en) => Problem(status, $"{zh} / {en}");

    /// <summary>A problem whose message is already "中文 / English".</summary>
    public static ProblemHttpResult Problem(int status, string bilingualDetail) =>
        TypedResults.Problem(detail: bilingualDetail, statusCode: status, title: Title(status));

    /// <summary>A 400 listing each bad field; <paramref name="errors"/> maps a camelCase field path to its messages.</summary>
    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "请求内容有误，见 errors / The request has invalid fields, see errors", title: "Bad Request");

    private static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        _ => "Error",
    };
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
