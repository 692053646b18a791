using Liaison.Cases.Common;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Authorization;

namespace Liaison.Server.Auth;

/// <summary>
/// A password an admin set (a new account's first one, or a reset of someone else's) is temporary: until its holder
/// changes it (<see cref="LiaisonUser.MustChangePassword"/>), a signed-in session may only change the password, read
/// <c>me</c> and sign out. Every other page redirects to the change page; every other API call answers 403. Decided on
/// each request from the account's row that the session check reads anyway, so a reset takes hold, and a change lets go,
/// on every session at once. Runs after the session checks (stamp, antiforgery, rate limits), which stay as they are.
/// </summary>
public static class RequiredPasswordChange
{
    /// <summary>The change page every other page redirects to.</summary>
    public const string PagePath = "/account/password";

    /// <summary>What the change page tells the person (and the sign-in leads them to).</summary>
    public static readonly Text PageMessage = new(
        "您的密码是管理员设置的初始密码（或重置的密码）。为保护账号安全，请先修改密码，然后才能使用其他功能。",
        "Your password was set by an administrator (a first password or a reset). To keep your account safe, change it before you do anything else.");

    /// <summary>What every other API call answers, with 403.</summary>
    public static readonly Text ApiMessage = new(
        "此账号的密码由管理员设置，请先修改密码（POST /api/auth/password）后再使用其他接口",
        "this account's password was set by an administrator: change it first (POST /api/auth/password), then call anything else");

    private static readonly object Key = new();

    /// <summary>Records, for this request, that the signed-in account must change its password (the session check read it).</summary>
    internal static void Note(HttpContext http, bool mustChange)
    {
        if (mustChange)
        {
            http.Items[Key] = true;
        }
        else
        {
            http.Items.Remove(Key);
        }
    }

    /// <summary>Whether the signed-in account of this request must change its password before anything else.</summary>
    public static bool IsRequired(HttpContext http) => http.User.Identity?.IsAuthenticated == true && http.Items.ContainsKey(Key);

    /// <summary>Marks an endpoint that a session may use before the password is changed (the change itself, <c>me</c>, sign-out).</summary>
    public static TBuilder AllowBeforePasswordChange<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(AllowedBeforeChange.Instance);

    /// <summary>
    /// Turns every other request of such a session away: pages (and the job dashboard) with a redirect to the change page,
    /// the API with 403 problem details. Anonymous endpoints (sign-in, the language switch, health, personal links) stay
    /// open: they never depended on the account.
    /// </summary>
    public static void UseRequiredPasswordChange(this WebApplication app) => app.Use(async (http, next) =>
    {
        // An address nothing answers stays a 404: there is nothing to protect there.
        var metadata = http.GetEndpoint()?.Metadata;
        if (IsRequired(http) && metadata is not null && metadata.GetMetadata<AllowedBeforeChange>() is null && metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            if (PageErrors.IsMachines(http))
            {
                await new ForbiddenProblem(ApiMessage, new Dictionary<string, object?> { ["passwordChangeRequired"] = true }).ExecuteAsync(http);
            }
            else
            {
                // 303: whatever the method (a form's POST too), the browser follows with a GET of the change page.
                http.Response.StatusCode = StatusCodes.Status303SeeOther;
                http.Response.Headers.Location = PagePath;
            }

            return;
        }

        await next(http);
    });

    private sealed class AllowedBeforeChange
    {
        public static readonly AllowedBeforeChange Instance = new();
    }
}
