using Liaison.Cases.Common;
using Liaison.Server.Hosting;
using Liaison.Server.Http;
using Liaison.Server.Pages;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Liaison.Server.Links;

/// <summary>
/// A personal link's actions (<c>/l/{token}</c>, <c>/e/{token}</c>) are posted by its own page only: a post another
/// site's page sent is refused with 403 before anything reads it, and changes nothing. The link pages take no
/// antiforgery token (<see cref="LinkPages.MapPersonalLinkGroup"/>), so this is what stops a page elsewhere from acting
/// with a link it got hold of in the browser of the person it belongs to. A client that says nothing of where it posts
/// from (curl, an old client: no <c>Origin</c>, no <c>Sec-Fetch-Site</c>) still acts, as the token is the key.
/// </summary>
public static class CrossSitePosts
{
    /// <summary>The endpoint metadata that asks for the check (set on the personal-link groups).</summary>
    public sealed class SameSiteOnly;

    private static readonly SameSiteOnly Marker = new();

    private static readonly Text Title = new("请求被拒绝", "Request refused");

    private static readonly Text Why = new(
        "此操作由其他网站的页面发出，已被拒绝，没有任何改动。如需办理，请直接打开邮件中的链接，在该页面上操作。",
        "This action was sent by another website's page and was refused; nothing changed. To act on the case, open the link in your mail and use that page.");

    /// <summary>Refuses the endpoints' posts (any method but GET, HEAD, OPTIONS, TRACE) sent by another site's page.</summary>
    public static TBuilder RefuseCrossSitePosts<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Marker);

    /// <summary>The check, in the pipeline before the body is read (form binding, the NUL guard) or anything is counted.</summary>
    public static IApplicationBuilder UseCrossSitePostRefusal(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var method = http.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method) && !HttpMethods.IsTrace(method)
            && http.GetEndpoint()?.Metadata.GetMetadata<SameSiteOnly>() is not null
            && IsCrossSite(http, http.RequestServices.GetRequiredService<IOptions<LiaisonOptions>>().Value.PublicBaseUrl))
        {
            await Refusal(http).ExecuteAsync(http);
            return;
        }

        await next(http);
    });

    /// <summary>
    /// Whether another site's page sent the request: its <c>Origin</c> names another origin than this server's, which is
    /// the request's own scheme and host or <c>Liaison:PublicBaseUrl</c> (behind a proxy the request may say neither
    /// right). Without an <c>Origin</c>, or with the opaque <c>null</c>, a <c>Sec-Fetch-Site</c> other than same-origin or none says so
    /// (cross-site, or same-site: a sibling subdomain's page). A
    /// link page's own form sends <c>Origin: null</c>: its <c>Referrer-Policy: no-referrer</c> makes browsers hide the
    /// origin of its posts (Fetch, "append a request Origin header"), and <c>Sec-Fetch-Site</c> then says same-origin.
    /// </summary>
    public static bool IsCrossSite(HttpContext http, string publicBaseUrl)
    {
        var headers = http.Request.Headers;
        var origin = headers.Origin.ToString();
        if (origin.Length > 0 && origin != "null")
        {
            // Several Origin headers, or one that is no origin, are not this server's either.
            return !SameOrigin(origin, $"{http.Request.Scheme}://{http.Request.Host.Value}") && !SameOrigin(origin, publicBaseUrl);
        }

        // Only the page itself (same-origin) or the person (none: typed, a bookmark) may act; a sibling subdomain's page
        // (same-site) is another site here. Without the header (curl, an old client) the token is the key.
        return headers["Sec-Fetch-Site"].ToString() is { Length: > 0 } site
            && !site.Equals("same-origin", StringComparison.OrdinalIgnoreCase) && !site.Equals("none", StringComparison.OrdinalIgnoreCase);
    }

    private static bool SameOrigin(string origin, string? other) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var a) && Uri.TryCreate(other, UriKind.Absolute, out var b)
        && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    /// <summary>A browser's form (it asks for HTML) gets the link pages' plain page; a script or an API client problem details.</summary>
    private static IResult Refusal(HttpContext http) =>
        MediaTypeHeaderValue.TryParseList(http.Request.Headers.Accept, out var accepted)
        && accepted.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
            ? PageResults.Message(PageErrors.PersonalLinkPage(http) is { } linkPage
                ? PageErrors.LinkRefusal(Title, Why, linkPage)
                : new MessageModel(Title, Why) { Navigation = false }, StatusCodes.Status403Forbidden)
            : new ForbiddenProblem(Why);
}
