using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Liaison.Cases.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Auth;

/// <summary>
/// Sign-in throttling and rate limits, the password policy, server-side sign-out for cookies and bearer tokens, antiforgery
/// on every cookie-authenticated change, and the trusted proxy (docs/hardening.md, "Sign-in and sessions").
/// </summary>
public static class SessionSecurity
{
    /// <summary>Rate-limiter policy of the sign-in routes (API and form): attempts per client address.</summary>
    public const string SignInPolicy = "sign-in";

    /// <summary>Rate-limiter policy of personal-link POSTs: posts per client address.</summary>
    public const string LinkPostPolicy = "link-post";

    /// <summary>The header a script sends the antiforgery request token in (the designer reads it from <see cref="ScriptTokenCookie"/>).</summary>
    public const string TokenHeader = "RequestVerificationToken";

    /// <summary>A cookie scripts can read, holding the antiforgery request token (not a secret from the page itself).</summary>
    public const string ScriptTokenCookie = "liaison.xsrf";

    public static void AddLiaisonSessions(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<SignInOptions>(config.GetSection(SignInOptions.Section));
        var options = config.GetSection(SignInOptions.Section).Get<SignInOptions>() ?? new SignInOptions();

        services.AddSingleton<SignInAttemptLimiter>();
        services.AddScoped<SignInThrottle>();
        services.AddScoped<SignInService>();
        services.AddScoped<IPasswordValidator<LiaisonUser>, PasswordPolicy>();
        services.Configure<IdentityOptions>(o => o.Lockout.AllowedForNewUsers = false);
        services.AddAntiforgery(o => o.HeaderName = TokenHeader);

        // Every cookie request checks the security stamp: sign-out (which changes it) ends the cookie everywhere at once.
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnValidatePrincipal = async ctx =>
            {
                if (ctx.Principal is null || !await StampStillValidAsync(ctx.HttpContext, ctx.Principal))
                {
                    ctx.RejectPrincipal();
                    await ctx.HttpContext.RequestServices.GetRequiredService<SignInManager<LiaisonUser>>().SignOutAsync();
                }
            };
        });

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in options.TrustedProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInPolicy, http => PerClient(http, options.ClientAttemptsPerWindow, options.Window));
            o.AddPolicy(LinkPostPolicy, http => PerClient(http, options.LinkPostsPerWindow, options.Window));
            o.OnRejected = (ctx, _) =>
            {
                var retry = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var r) && r > TimeSpan.Zero ? r : options.Window;
                return new ValueTask(TooMany(ctx.HttpContext, retry));
            };
        });
    }

    /// <summary>
    /// Forwarded headers (only with trusted proxies configured), then, after authentication: bearer tokens checked against
    /// the account's security stamp, antiforgery on cookie-authenticated changes, and the rate limiter.
    /// </summary>
    public static void UseForwardedHeadersFromTrustedProxies(this WebApplication app)
    {
        var options = app.Configuration.GetSection(SignInOptions.Section).Get<SignInOptions>() ?? new SignInOptions();
        if (options.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }
    }

    public static void UseLiaisonSessions(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (http.User.Identity?.IsAuthenticated == true)
            {
                if (IsBearer(http.Request))
                {
                    // A bearer token carries the security stamp of its sign-in; sign-out and revocation change the stamp.
                    if (!await StampStillValidAsync(http, http.User))
                    {
                        http.User = new ClaimsPrincipal(new ClaimsIdentity());
                    }
                }
                else if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
                    && !HttpMethods.IsOptions(http.Request.Method) && !HttpMethods.IsTrace(http.Request.Method)
                    // An endpoint that opted out on purpose (the language switch: it changes a display cookie only).
                    && http.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is not { RequiresValidation: false })
                {
                    // A form holding U+0000 cannot be read for its token: the field is named (NulCharacterGuard), as
                    // for anyone else's form, rather than the reader's exception becoming a 500.
                    if (await NulCharacterGuard.RefusedFormAsync(http))
                    {
                        return;
                    }

                    // Cookie-authenticated change: another site can make the browser send the cookie, not the token.
                    var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
                    if (!await IsFormValidAsync(antiforgery, http))
                    {
                        if (ExpiredForm.IsPageForm(http))
                        {
                            await ExpiredForm.WriteAsync(http);
                            return;
                        }

                        await Problems.BadRequest(
                            "缺少或无效的防伪令牌（antiforgery token），请刷新页面后重试",
                            "missing or invalid antiforgery token; reload the page and try again").ExecuteAsync(http);
                        return;
                    }
                }
            }

            await next(http);
        });
        app.UseRateLimiter();
    }

    /// <summary>
    /// The antiforgery check of a signed-in change. A form the reader refuses (a field name over 2,048 characters, a value
    /// over 4 MB, too many fields, a multipart body cut short) is the caller's mistake: it is answered as the endpoint's
    /// own reader would answer it (400, the form could not be read), not as the 500 of the wrapped exception.
    /// </summary>
    private static async Task<bool> IsFormValidAsync(IAntiforgery antiforgery, HttpContext http)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(http);
        }
        catch (AntiforgeryValidationException ex) when (ex.InnerException is InvalidDataException or IOException && !http.RequestAborted.IsCancellationRequested)
        {
            throw new BadHttpRequestException("The form could not be read", StatusCodes.Status400BadRequest, ex.InnerException);
        }
    }

    /// <summary>
    /// Whether the principal's account still exists and still has the security stamp the principal was issued with, as
    /// <see cref="SignInManager{TUser}.ValidateSecurityStampAsync(ClaimsPrincipal)"/> decides, reading only the stamp
    /// (every authenticated request asks: no whole user row, nothing tracked), and, from the same read, whether the
    /// account must change its password first (<see cref="RequiredPasswordChange"/>).
    /// </summary>
    private static async Task<bool> StampStillValidAsync(HttpContext http, ClaimsPrincipal principal)
    {
        var claims = http.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        if (principal.FindFirstValue(claims.UserIdClaimType) is not { } userId)
        {
            return false;
        }

        var db = http.RequestServices.GetRequiredService<LiaisonDbContext>();
        var account = await StampOf(db, userId, http.RequestAborted);
        if (account is null || account.SecurityStamp != principal.FindFirstValue(claims.SecurityStampClaimType))
        {
            return false;
        }

        // The request's later steps (a case open's timeline actor and mails) take the account from here.
        db.Reads.Know(userId, new ScopeReads.Account(account.Email, account.DisplayName));
        RequiredPasswordChange.Note(http, account.MustChangePassword);
        return true;
    }

    /// <summary>
    /// The stamp's read, compiled once: every authenticated request runs it, and a LINQ query pays for walking and
    /// hashing its expression tree on each run to find its cached plan (a few per cent of an open's CPU, bench/RESULTS.md (e)).
    /// </summary>
    private static readonly Func<LiaisonDbContext, string, CancellationToken, Task<AccountStamp?>> StampOf = EF.CompileAsyncQuery(
        (LiaisonDbContext db, string userId, CancellationToken ct) => db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new AccountStamp(u.SecurityStamp, u.Email, u.DisplayName, u.MustChangePassword)).FirstOrDefault());

    private sealed record AccountStamp(string? SecurityStamp, string? Email, string DisplayName, bool MustChangePassword);

    /// <summary>Gives the page a readable cookie with the antiforgery request token, for its scripts to send back in <see cref="TokenHeader"/>.</summary>
    public static void IssueScriptToken(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        http.Response.Cookies.Append(ScriptTokenCookie, tokens.RequestToken!, new CookieOptions
        {
            HttpOnly = false,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
        });
    }

    /// <summary>
    /// A 429 with Retry-After: on a page (a liaison's link form on a phone, the sign-in form) a page saying how long to
    /// wait, with the way back; on the API, problem details.
    /// </summary>
    public static async Task TooMany(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Seconds(retryAfter);
        http.Response.Headers.RetryAfter = seconds;
        if (PageErrors.IsPage(http))
        {
            await ExpiredForm.WriteRefusedAsync(http, new Text("操作过于频繁", "Too many requests"),
                new Text($"提交过于频繁，这次没有任何改动。请 {seconds} 秒后返回页面再试。", $"Too many requests in a short time; this one changed nothing. Go back to the page and try again in {seconds} seconds."),
                StatusCodes.Status429TooManyRequests);
            return;
        }

        // The API's answer says the same as the page's, the wait included (a client may not read Retry-After).
        await Problems.TooManyRequests(
            $"请求过于频繁，这次没有任何改动。请 {seconds} 秒后再试。", $"Too many requests in a short time; this one changed nothing. Try again in {seconds} seconds.")
            .ExecuteAsync(http);
    }

    public static string Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static bool IsBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    private static RateLimitPartition<string> PerClient(HttpContext http, int limit, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(SignInService.ClientOf(http), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = window,
            QueueLimit = 0,
        });
}
