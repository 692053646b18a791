using Liaison.Cases.Common;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Mvc;

namespace Liaison.Server.Pages;

/// <summary>The language switch in every page's header: remembers the reader's choice in a cookie and goes back.</summary>
public static class LanguagePages
{
    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder app)
    {
        app.MapPost("/language", Switch).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Switch(HttpContext http, [FromForm] string? culture, [FromForm] string? returnUrl)
    {
        if (Cultures.Normalize(culture) is not { } chosen)
        {
            // The header's form, in a browser: a page, not JSON.
            await PageErrors.WriteAsync(http, StatusCodes.Status400BadRequest,
                new Text($"不支持的语言：{culture}（可选 zh-CN 或 en）", $"Unsupported language \"{culture}\": use zh-CN or en"));
            return Results.Empty;
        }

        http.Response.Cookies.Append(Ui.CookieName, chosen, new CookieOptions
        {
            // Read by the pages and by the designer's script, so not HttpOnly; it holds nothing secret.
            HttpOnly = false,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(365),
            Path = "/",
        });
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    /// <summary>
    /// A path on this server (not <c>//host</c> or <c>/\host</c>), safe to redirect to: printable ASCII only, as the pages
    /// write it (percent-encoded), since a Location header carries nothing else.
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\")
        && url.All(ch => ch is > ' ' and < (char)0x7F);
}
