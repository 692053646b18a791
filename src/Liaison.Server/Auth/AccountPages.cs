using Liaison.Server.Pages;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using static Liaison.Server.Pages.Html;

namespace Liaison.Server.Auth;

/// <summary>Cookie sign-in for browser pages (officers, admins, the Hangfire dashboard).</summary>
public static class AccountPages
{
    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/login", LoginForm).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/login", Login).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/logout", Logout).ExcludeFromDescription();
        return app;
    }

    private static IResult LoginForm(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        Page("登录 Sign in", Form(http, antiforgery, returnUrl, error: null));

    private static async Task<IResult> Login(
        HttpContext http, IAntiforgery antiforgery, SignInManager<LiaisonUser> signIn,
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        if (!string.IsNullOrWhiteSpace(email) && !string.IsNullOrEmpty(password))
        {
            signIn.AuthenticationScheme = IdentityConstants.ApplicationScheme;
            var result = await signIn.PasswordSignInAsync(email.Trim(), password, isPersistent: false, lockoutOnFailure: true);
            if (result.Succeeded)
            {
                return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/cases");
            }
        }

        return Page("登录 Sign in", Form(http, antiforgery, returnUrl, "邮箱或密码错误 / Wrong email or password"), StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> Logout(HttpContext http, IAntiforgery antiforgery, SignInManager<LiaisonUser> signIn)
    {
        // No form fields are bound here, so the token is checked explicitly: another site must not sign officers out.
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.BadRequest();
        }

        await signIn.SignOutAsync();
        return Results.LocalRedirect("/account/login");
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\");

    private static string Form(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"""
            <div class="card">
            <h1>登录 <span class="muted">Sign in</span></h1>
            {(error is null ? "" : $"<p class=\"error\">{E(error)}</p>")}
            <form method="post" action="/account/login">
            <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            <input type="hidden" name="returnUrl" value="{E(returnUrl)}">
            <label for="email">邮箱 Email</label><input id="email" name="email" type="email" autocomplete="username" required>
            <label for="password">密码 Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">登录 Sign in</button>
            </form>
            <p class="muted">部门联络人无需账号，请使用邮件中的链接。Department liaisons need no account: use the link in your email.</p>
            </div>
            """;
    }
}
