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
        app.MapPost("/account/login", Login).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/logout", Logout).ExcludeFromDescription();
        return app;
    }

    private static IResult LoginForm(string? returnUrl) => PageResults.Page<LoginPage>(new LoginModel(returnUrl, null, null));

    private static async Task<IResult> Login(
        SignInManager<LiaisonUser> signIn, [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        if (!string.IsNullOrWhiteSpace(email) && !string.IsNullOrEmpty(password))
        {
            signIn.AuthenticationScheme = IdentityConstants.ApplicationScheme;
            var result = await signIn.PasswordSignInAsync(email.Trim(), password, isPersistent: false, lockoutOnFailure: true);
            if (result.Succeeded)
            {
                return Results.LocalRedirect(LanguagePages.IsLocal(returnUrl) ? returnUrl! : "/cases");
            }
        }

        return PageResults.Page<LoginPage>(
            new LoginModel(returnUrl, email, new Text("邮箱或密码错误", "Wrong email or password")), StatusCodes.Status401Unauthorized);
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
}

public sealed record LoginModel(string? ReturnUrl, string? Email, Text? Error);
