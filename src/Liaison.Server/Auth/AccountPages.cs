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
        app.MapPost("/account/logout", Logout).AllowBeforePasswordChange().ExcludeFromDescription();
        app.MapGet("/account/password", PasswordForm).RequireAuthorization(Policies.Officer).AllowBeforePasswordChange().ExcludeFromDescription();
        app.MapPost("/account/password", ChangePassword).RequireAuthorization(Policies.Officer).AllowBeforePasswordChange()
            .RequireRateLimiting(SessionSecurity.SignInPolicy).ExcludeFromDescription();
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
                case SignInOutcome.Succeeded { MustChangePassword: true }:
                    // An admin-set password: nothing else until it is changed, so straight to the change page.
                    return Results.LocalRedirect(RequiredPasswordChange.PagePath);
                case SignInOutcome.Succeeded:
                    return Results.LocalRedirect(LanguagePages.IsLocal(returnUrl) ? returnUrl! : Workbench.WorkbenchPages.Path);
                case SignInOutcome.Deactivated:
                    return PageResults.Page<LoginPage>(new LoginModel(returnUrl, email, AuthApi.Deactivated), StatusCodes.Status401Unauthorized);
                case SignInOutcome.Wait wait:
                    http.Response.Headers.RetryAfter = SessionSecurity.Seconds(wait.RetryAfter);
                    return PageResults.Page<LoginPage>(
                        new LoginModel(returnUrl, email, SignInThrottle.TooManyAttempts(wait.RetryAfter)),
                        StatusCodes.Status429TooManyRequests);
            }
        }

        return PageResults.Page<LoginPage>(
            new LoginModel(returnUrl, email, new Text("邮箱或密码错误", "Wrong email or password")), StatusCodes.Status401Unauthorized);
    }

    private static IResult PasswordForm(HttpContext http) =>
        PageResults.Page<PasswordPage>(new PasswordModel(Flash.Take<PasswordChangedNotice>(http) is not null, null) { Required = RequiredPasswordChange.IsRequired(http) });

    private static async Task<IResult> ChangePassword(
        SignInService signIn, HttpContext http, [FromForm] string? currentPassword, [FromForm] string? newPassword, [FromForm] string? confirmPassword)
    {
        var required = RequiredPasswordChange.IsRequired(http);
        var outcome = await signIn.ChangePasswordAsync(http.User, currentPassword, newPassword, IdentityConstants.ApplicationScheme, v =>
        {
            // The form asks for the new password twice, so a typo does not lock its owner out (the API takes it once).
            if (string.IsNullOrEmpty(newPassword))
            {
                return;
            }

            if (string.IsNullOrEmpty(confirmPassword))
            {
                v.Add("confirmPassword", "必填", "is required");
            }
            else if (newPassword != confirmPassword)
            {
                v.Add("confirmPassword", "与新密码不一致，请重新输入", "does not match the new password; type it again");
            }
        });
        switch (outcome)
        {
            case PasswordChange.Changed:
                return Flash.Redirect(http, RequiredPasswordChange.PagePath, new PasswordChangedNotice());
            case PasswordChange.Wait wait:
                http.Response.Headers.RetryAfter = SessionSecurity.Seconds(wait.RetryAfter);
                return PageResults.Page<PasswordPage>(new PasswordModel(false, new Common.ServiceError.Conflict(
                    SignInThrottle.TooManyAttempts(wait.RetryAfter))) { Required = required }, StatusCodes.Status429TooManyRequests);
            case PasswordChange.Conflict conflict:
                return PageResults.Page<PasswordPage>(
                    new PasswordModel(false, new Common.ServiceError.Conflict(conflict.Message)) { Required = required }, StatusCodes.Status409Conflict);
            case PasswordChange.Invalid invalid:
                return PageResults.Page<PasswordPage>(
                    new PasswordModel(false, new Common.ServiceError.Invalid(invalid.Fields)) { Required = required }, StatusCodes.Status400BadRequest);
            default:
                throw new InvalidOperationException("Unknown outcome");
        }
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

/// <summary>The password page's notice after the password was changed (<see cref="Flash"/>).</summary>
public sealed record PasswordChangedNotice;

/// <param name="Done">The password was just changed (the notice after the redirect).</param>
public sealed record PasswordModel(bool Done, Common.ServiceError? Error)
{
    /// <summary>An admin set the password: it must be changed before anything else (<see cref="RequiredPasswordChange"/>).</summary>
    public bool Required { get; init; }

    public IReadOnlyDictionary<string, List<Text>> Errors => Error is Common.ServiceError.Invalid invalid ? invalid.Fields.Errors : Admin.DepartmentEditModel.NoErrors;

    /// <summary>
    /// The summary line above the form: the throttle's message, or that fields are marked (each problem is shown at its
    /// field, and <see cref="Summary"/> lists them all under this line).
    /// </summary>
    public Text? Message => Error is Common.ServiceError.Invalid ? new Text("未修改，请更正标出的内容：", "Not changed; correct the fields marked below:") : Error?.Message;

    /// <summary>
    /// Every problem, in the form's order, each with the field it is shown at, led by that field's label unless it names
    /// the field itself (当前密码不正确).
    /// </summary>
    public IReadOnlyList<(string Field, Text Line)> Summary =>
    [
        .. from name in new[] { "currentPassword", "newPassword", "confirmPassword" }
           where Errors.ContainsKey(name)
           from problem in Errors[name]
           let label = Label(name)
           select (name, problem.Zh.StartsWith(label.Zh, StringComparison.Ordinal)
               ? new Text(problem.Zh, char.ToUpperInvariant(problem.En[0]) + problem.En[1..])
               : new Text($"{label.Zh}：{problem.Zh}", $"{label.En}: {problem.En}")),
    ];

    /// <summary>What the form calls a field (its label, without the hint it gives when the password was set by an admin).</summary>
    public static Text Label(string field) => field switch
    {
        "currentPassword" => new Text("当前密码", "Current password"),
        "newPassword" => new Text("新密码", "New password"),
        _ => new Text("再次输入新密码", "New password again"),
    };
}
