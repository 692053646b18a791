using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Liaison.Server.Pages;

/// <summary>
/// The notice a save leaves for the page it redirects to (Post/Redirect/Get), such as 已保存: set by the save only, shown
/// once. It rides in a short-lived cookie protected with Data Protection and tied to the page's path and to what it
/// says, so a crafted address shows no notice and a reload shows it no more. Forms keep working without JavaScript.
/// </summary>
public static class Flash
{
    public const string CookieName = "liaison.flash";

    /// <summary>Long enough for the browser to follow the redirect; the page deletes it on reading it anyway.</summary>
    internal static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private const string Purpose = "Liaison.Pages.Flash";

    /// <summary>
    /// Redirects to <paramref name="path"/> (a path of this site, without query), which will show <paramref name="notice"/>
    /// once; <paramref name="fragment"/> (without <c>#</c>) scrolls the page to a part of it. The cookie is the path's: the
    /// browser keeps the fragment to itself.
    /// </summary>
    public static IResult Redirect<T>(HttpContext http, string path, T notice, string? fragment = null) where T : class
    {
        var payload = JsonSerializer.Serialize(new Envelope(path, typeof(T).Name, JsonSerializer.SerializeToElement(notice)));
        http.Response.Cookies.Append(CookieName, Protector(http).Protect(payload), Options(http, path, Lifetime));
        return Results.Redirect(string.IsNullOrEmpty(fragment) ? path : path + "#" + Uri.EscapeDataString(fragment));
    }

    /// <summary>
    /// The notice a save left for this page, deleted as it is read; null without one, or with one that is not this
    /// page's (another page's, another kind of notice, or not this server's).
    /// </summary>
    public static T? Take<T>(HttpContext http) where T : class
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(Protector(http).Unprotect(cookie));
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException or FormatException)
        {
            return null;
        }

        if (envelope is null || PathString.FromUriComponent(envelope.Path) != http.Request.Path || envelope.Kind != typeof(T).Name)
        {
            return null;
        }

        http.Response.Cookies.Delete(CookieName, Options(http, envelope.Path, null));
        try
        {
            return envelope.Notice.Deserialize<T>();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    private static CookieOptions Options(HttpContext http, string path, TimeSpan? maxAge) => new()
    {
        Path = path,
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        IsEssential = true,
        MaxAge = maxAge,
    };

    /// <param name="Path">The page that shows it.</param>
    /// <param name="Kind">What it says (the notice's type), so one page's notice is not read as another's.</param>
    private sealed record Envelope(string Path, string Kind, JsonElement Notice);
}
