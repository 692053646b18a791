using System.Text;
using Liaison.Cases.Common;
using Microsoft.Net.Http.Headers;

namespace Liaison.Server.Http;

/// <summary>
/// A JSON body labelled with a character set .NET does not know (<c>application/json; charset=bogus</c>, or an empty
/// <c>charset=</c>) is a 415 naming it, at the door. The JSON reader threw on it deep in a handler's binding, which
/// answered any route a 500. Known character sets pass, as the reader transcodes them. Other bodies are not asked: the
/// form reader falls back to UTF-8, and the register's import reads GB18030 files whatever their label says.
/// </summary>
public static class RequestCharset
{
    public static IApplicationBuilder UseRequestCharset(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (UnknownCharset(http.Request) is not { } charset)
        {
            await next(http);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        var message = new Text($"无法识别请求体的字符集“{charset}”，请使用 UTF-8", $"The request body's charset \"{charset}\" is not known; send UTF-8");
        if (PageErrors.IsPage(http))
        {
            await PageErrors.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, message);
            return;
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status415UnsupportedMediaType, Title = Problems.Title(StatusCodes.Status415UnsupportedMediaType), Detail = message.ToString() },
        });
    });

    /// <summary>
    /// The charset a JSON body's content type names when no encoding has that name; null when it names none or a known
    /// one, or the body is not JSON.
    /// </summary>
    internal static string? UnknownCharset(HttpRequest request)
    {
        if (request.ContentType is not { } type || !MediaTypeHeaderValue.TryParse(type, out var media)
            || !media.MediaType.Value!.Contains("json", StringComparison.OrdinalIgnoreCase)
            || media.Parameters.FirstOrDefault(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) is not { } parameter)
        {
            return null;
        }

        var charset = HeaderUtilities.RemoveQuotes(parameter.Value).ToString();
        try
        {
            _ = Encoding.GetEncoding(charset);
            return null;
        }
        catch (ArgumentException)
        {
            return charset;
        }
    }
}
