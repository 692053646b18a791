using System.Globalization;
using System.Security.Claims;
using Liaison.Cases.Common;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Microsoft.Net.Http.Headers;

namespace Liaison.Server.Pages;

/// <summary>
/// What a page needs to speak to its reader, per request: the reader's language and the zone's time. The language is,
/// first match wins: the reader's own choice (the <see cref="CookieName"/> cookie, set by the switch in the layout); the
/// recipient's language on a personal link page; the signed-in account's language; the browser's Accept-Language;
/// Chinese.
/// </summary>
public sealed class Ui(IHttpContextAccessor accessor, CalendarService calendars)
{
    public const string CookieName = "liaison.lang";

    private string? _culture;
    private string? _recipientCulture;

    public string Culture => _culture ??= Resolve();

    public bool English => Culture == Cultures.English;

    /// <summary>The <c>lang</c> attribute of the page.</summary>
    public string HtmlLang => English ? "en" : "zh-CN";

    public TimeZoneInfo TimeZone => calendars.TimeZone;

    public HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("Pages render inside a request");

    public ClaimsPrincipal User => Http.User;

    public bool SignedIn => User.Identity?.IsAuthenticated == true;

    public bool IsAdmin => User.IsInRole(Roles.Admin);

    /// <summary>What the signed-in person signs in with (their email), for password managers.</summary>
    public string? SignInName => User.Identity?.Name;

    /// <summary>The signed-in person's name, falling back to their email.</summary>
    public string? UserName => User.FindFirstValue(LiaisonClaims.DisplayName) is { Length: > 0 } name ? name : User.Identity?.Name;

    /// <summary>This page addresses the recipient of a personal link: their language wins unless the reader chose one.</summary>
    public void AddressRecipient(string? culture)
    {
        _recipientCulture = Cultures.Normalize(culture);
        _culture = null;
    }

    public string T(string zh, string en) => English ? en : zh;

    public string T(Text text) => text.In(Culture);

    /// <summary>A moment as the zone's local time, <c>yyyy-MM-dd HH:mm</c>; "—" when there is none.</summary>
    public string When(DateTimeOffset? at) =>
        at is { } t ? calendars.Minute(t) : "—";

    /// <summary>Like <see cref="When"/>, with seconds.</summary>
    public string WhenExact(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, TimeZone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// The page to come back to after switching language: this request's path and query; for a form's answer (a post
    /// showing the form again with its errors), the page the form was on, as the browser names it (the Referer, when
    /// from this server), since an action's address may take posts only. A personal link's page sends no Referer and
    /// takes its posts at its own address.
    /// </summary>
    public string CurrentUrl
    {
        get
        {
            var request = Http.Request;
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
                && Uri.TryCreate(request.Headers.Referer.ToString(), UriKind.Absolute, out var from)
                && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
            {
                return from.PathAndQuery;
            }

            return request.Path + request.QueryString;
        }
    }

    private string Resolve()
    {
        var http = accessor.HttpContext;
        if (http is null)
        {
            return Cultures.Chinese;
        }

        if (Cultures.Normalize(http.Request.Cookies[CookieName]) is { } chosen)
        {
            return chosen;
        }

        if (_recipientCulture is { } recipient)
        {
            return recipient;
        }

        if (Cultures.Normalize(http.User.FindFirstValue(LiaisonClaims.Culture)) is { } account)
        {
            return account;
        }

        var accepted = http.Request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => Cultures.Normalize(l.Value.Value))
            .FirstOrDefault(c => c is not null);
        return accepted ?? Cultures.Chinese;
    }
}
