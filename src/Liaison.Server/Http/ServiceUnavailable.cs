using System.Globalization;

namespace Liaison.Server.Http;

/// <summary>
/// A 503 that is not the caller's fault (the database away for a moment, the server at capacity): <c>Retry-After</c>,
/// never cached, a problem details for the API and the health check, and for the pages a static page from
/// <c>wwwroot/site</c>, since rendering a page component may itself need the database.
/// </summary>
public static class ServiceUnavailable
{
    public static async Task WriteAsync(HttpContext http, string page, string zh, string en, int retryAfterSeconds)
    {
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        if (!PageErrors.IsMachines(http))
        {
            var environment = http.RequestServices.GetRequiredService<IWebHostEnvironment>();
            var root = environment.WebRootPath ?? Path.Combine(environment.ContentRootPath, "wwwroot");
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.SendFileAsync(Path.Combine(root, "site", page), http.RequestAborted);
            return;
        }

        await Problems.ServiceUnavailable(zh, en).ExecuteAsync(http);
    }
}
