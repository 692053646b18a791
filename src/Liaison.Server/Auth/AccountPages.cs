using Liaison.Cases.Common;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Liaison.Server.Auth;

/// <summary>Cookie sign-in for browser pages (officers, admins, the Hangfire dashboard).</summary>
public static class AccountPages
{
    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/login", LoginForm).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/login", Login).AllowAnonymous().RequireRateLimiting(SessionSecurity.SignInPolicy).ExcludeFromDescription();
        app.MapPost("/account/logout", Logout).ExcludeFromDescription();
        return app;
    }

    private static IResult LoginForm(string? returnUrl) => PageResults.Page<LoginPage>(new LoginModel(returnUrl, null, null));

    private static async Task<IResult> Login(
        SignInService signIn, HttpContext http, [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        if (!string.IsNullOrWhiteSpace(email) && !string.IsNullOrEmpty(password))
        {
            switch (await signIn.SignInAsync(email, password, IdentityConstants.ApplicationScheme))
            {
                case SignInOutcome.Succeeded:
                    return Results.LocalRedirect(LanguagePages.IsLocal(returnUrl) ? returnUrl! : "/cases");
                case SignInOutcome.Wait wait:
                    http.Response.Headers.RetryAfter = SessionSecurity.Seconds(wait.RetryAfter);
                    return PageResults.Page<LoginPage>(
                        new LoginModel(returnUrl, email, new Text("尝试过于频繁，请稍后再试", "Too many attempts; try again later")),
                        StatusCodes.Status429TooManyRequests);
            }
        }

        return PageResults.Page<LoginPage>(
            new LoginModel(returnUrl, email, new Text("邮箱或密码错误", "Wrong email or password")), StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> Logout(HttpContext http, IAntiforgery antiforgery, SignInManager<LiaisonUser> signIn, UserManager<LiaisonUser> users)
    {
        // No form fields are bound here, so the token is checked explicitly: another site must not sign officers out.
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.BadRequest();
        }

        // A new security stamp ends this cookie (and every other session of the account) on the server, not only here.
        if (await users.GetUserAsync(http.User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        return Results.LocalRedirect("/account/login");
    }
}

public sealed record LoginModel(string? ReturnUrl, string? Email, Text? Error);
