namespace Liaison.Server.Http;

/// <summary>
/// The browser-side protections every answer carries (issue 12 §6): no MIME sniffing, no framing by other sites, a
/// referrer policy, and a Content-Security-Policy that allows only the server's own scripts (no inline script, no
/// eval). An endpoint may set its own (the personal-link pages' <c>no-referrer</c>): only missing headers are added, at
/// the last moment, so error answers written by the exception handler get them too.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Scripts, styles sheets, fonts, images and fetches from this origin only; inline <c>style</c> attributes are allowed
    /// (pages and mail previews use them), inline scripts are not. The mail previews' <c>srcdoc</c> frames inherit it.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    /// <summary>
    /// The third-party consoles (Hangfire's dashboard, the API reference) bring inline scripts of their own: they are
    /// admin or read-only pages and keep the framing and sniffing protections only.
    /// </summary>
    public const string ThirdPartyPolicy = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'";

    private static readonly PathString[] ThirdParty = ["/hangfire", "/api-docs"];

    /// <summary>HSTS for a year, sent when the zone reaches the server over HTTPS (<see cref="PublicHttps"/>).</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>
    /// True when <c>Liaison:PublicBaseUrl</c> is an https address: people reach the server over HTTPS, even when a proxy
    /// in front of it speaks plain HTTP to it. Then every answer carries HSTS, whatever the request looked like here, and
    /// a browser that was once sent it goes to HTTPS on its own. (Cookies are Secure on HTTPS requests: behind a proxy,
    /// <c>Liaison:SignIn:TrustedProxies</c> makes its requests count as HTTPS.)
    /// </summary>
    public static bool PublicHttps(string publicBaseUrl) => publicBaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, bool publicHttps) => app.Use((context, next) =>
    {
        context.Response.OnStarting(state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            if (publicHttps)
            {
                headers.StrictTransportSecurity = StrictTransportSecurity;
            }

            headers.XContentTypeOptions = "nosniff";
            // Antiforgery writes SAMEORIGIN on pages with a form; no page of Liaison is meant to be framed at all.
            headers.XFrameOptions = "DENY";
            headers.TryAdd("Referrer-Policy", "strict-origin-when-cross-origin");
            headers.TryAdd("Content-Security-Policy",
                ThirdParty.Any(p => http.Request.Path.StartsWithSegments(p)) ? ThirdPartyPolicy : ContentSecurityPolicy);
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
