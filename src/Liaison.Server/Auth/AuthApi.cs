using System.Security.Claims;
using Liaison.Cases.Common;
using Liaison.Server.Audit;
using Liaison.Server.Calendar;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Auth;

public static class AuthApi
{
    /// <summary>What a sign-in with the right password for a deactivated account is told, on the API and the page.</summary>
    public static readonly Text Deactivated = new("账号已停用，请联系管理员", "This account has been deactivated; ask an administrator");

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("api/auth").WithTags("Auth");
        auth.MapPost("/login", Login).AllowAnonymous().RequireRateLimiting(SessionSecurity.SignInPolicy);
        auth.MapPost("/refresh", Refresh).AllowAnonymous().RequireRateLimiting(SessionSecurity.SignInPolicy);
        // Until an admin-set password is changed, these three are all a session may call (RequiredPasswordChange).
        auth.MapPost("/logout", Logout).RequirePolicy(Policies.Officer).AllowBeforePasswordChange();
        auth.MapGet("/me", Me).RequirePolicy(Policies.Officer).AllowBeforePasswordChange();
        auth.MapPost("/password", ChangePassword).RequirePolicy(Policies.Officer).RequireRateLimiting(SessionSecurity.SignInPolicy).AllowBeforePasswordChange();

        var users = app.MapGroup("api/users").WithTags("Users").RequirePolicy(Policies.Admin);
        users.MapGet("/", ListUsers);
        users.MapPost("/", CreateUser);
        users.MapGet("/{id}", GetUser);
        users.MapPut("/{id}", UpdateUser);
        users.MapDelete("/{id}/sessions", RevokeSessions);
        return app;
    }

    /// <summary>
    /// Signs in with the bearer scheme: on success the bearer handler writes
    /// <c>{tokenType, accessToken, expiresIn, refreshToken}</c>. An account whose password an admin set gets its tokens
    /// too, but until it changes the password (<c>POST /api/auth/password</c>) every call except that, <c>me</c>
    /// (<c>mustChangePassword: true</c>) and sign-out answers 403 (<see cref="RequiredPasswordChange"/>).
    /// </summary>
    public static async Task<Results<EmptyHttpResult, ValidationProblem, UnauthorizedProblem, TooManyRequestsProblem>> Login(
        LoginRequest request, SignInService signIn, HttpContext http)
    {
        var v = new Validation();
        var email = v.RequiredLine("email", request.Email, SignInService.MaxEmailLength);
        v.Required("password", request.Password, 200, secret: true);
        if (!v.IsValid)
        {
            return Problems.Invalid(v);
        }

        return await signIn.SignInAsync(email, request.Password!, IdentityConstants.BearerScheme) switch
        {
            SignInOutcome.Succeeded => TypedResults.Empty,
            SignInOutcome.Wait wait => Throttled(http, wait.RetryAfter),
            SignInOutcome.Deactivated => Problems.Unauthorized(Deactivated.Zh, Deactivated.En),
            _ => Problems.Unauthorized("邮箱或密码错误", "wrong email or password"),
        };
    }

    /// <summary>
    /// New tokens (<c>{tokenType, accessToken, expiresIn, refreshToken}</c>, as <see cref="Login"/> writes) for a refresh
    /// token from a sign-in or an earlier refresh, until it expires (14 days) or the account's sessions end (its security
    /// stamp changes: sign-out, a password change, a deactivation, an admin ending its sessions), as the access token does.
    /// </summary>
    public static async Task<Results<SignInHttpResult, ValidationProblem, UnauthorizedProblem>> Refresh(
        RefreshRequest request, IOptionsMonitor<BearerTokenOptions> bearer, SignInManager<LiaisonUser> signIn, TimeProvider clock)
    {
        var v = new Validation();
        var token = v.Required("refreshToken", request.RefreshToken, 8000);
        if (!v.IsValid)
        {
            return Problems.Invalid(v);
        }

        var ticket = bearer.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(token);
        if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires
            || await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { } user)
        {
            return Problems.Unauthorized("刷新令牌无效、已过期或会话已结束，请重新登录", "the refresh token is invalid or expired, or the session has ended: sign in again");
        }

        return TypedResults.SignIn(await signIn.CreateUserPrincipalAsync(user), authenticationScheme: IdentityConstants.BearerScheme);
    }

    /// <summary>
    /// Signs the caller out everywhere: the account's security stamp changes, so every bearer token and sign-in cookie
    /// of the account stops working at once.
    /// </summary>
    public static async Task<NoContent> Logout(ClaimsPrincipal principal, UserManager<LiaisonUser> users)
    {
        var user = await users.GetUserAsync(principal) ?? throw new InvalidOperationException("Authenticated user not found");
        await users.UpdateSecurityStampAsync(user);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The caller changes their own password, giving the current one. Every session of the account ends, this token's
    /// too: sign in again with the new password.
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem, TooManyRequestsProblem, ConflictProblem>> ChangePassword(
        ChangePasswordRequest request, ClaimsPrincipal principal, SignInService signIn, HttpContext http) =>
        await signIn.ChangePasswordAsync(principal, request.CurrentPassword, request.NewPassword, cookieScheme: null) switch
        {
            PasswordChange.Invalid invalid => Problems.Invalid(invalid.Fields),
            PasswordChange.Wait wait => Throttled(http, wait.RetryAfter),
            PasswordChange.Conflict conflict => new ConflictProblem(conflict.Message),
            _ => TypedResults.NoContent(),
        };

    /// <summary>An admin ends all of an account's sessions (tokens and cookies), e.g. for a lost laptop.</summary>
    public static async Task<Results<NoContent, NotFoundProblem>> RevokeSessions(
        string id, ClaimsPrincipal principal, UserManager<LiaisonUser> users, LiaisonDbContext db, TimeProvider clock)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return Problems.NotFound("账号不存在", "no such account");
        }

        // The new stamp (saved by Identity) and the change log's line commit together.
        AuditLog.Add(db, clock, Actor.Of(principal), AuditActions.AccountSessionsEnded, user.Email ?? user.Id);
        await users.UpdateSecurityStampAsync(user);
        return TypedResults.NoContent();
    }

    private static TooManyRequestsProblem Throttled(HttpContext http, TimeSpan wait)
    {
        http.Response.Headers.RetryAfter = SessionSecurity.Seconds(wait);
        var words = SignInThrottle.TooManyAttempts(wait);
        return Problems.TooManyRequests(words.Zh, words.En);
    }

    public static async Task<Ok<MeDto>> Me(ClaimsPrincipal principal, UserManager<LiaisonUser> users, UserService accounts, CalendarService calendars)
    {
        var user = await users.GetUserAsync(principal) ?? throw new InvalidOperationException("Authenticated user not found");
        return TypedResults.Ok(new MeDto(await accounts.DescribeAsync(user), calendars.TimeZoneName));
    }

    public static async Task<Ok<List<UserDto>>> ListUsers(UserService accounts, CancellationToken ct) =>
        TypedResults.Ok(await accounts.ListAsync(ct));

    public static async Task<Results<Ok<UserDto>, NotFoundProblem>> GetUser(string id, UserService accounts) =>
        await accounts.FindAsync(id) is { } user ? TypedResults.Ok(user) : Problems.NotFound("账号不存在", "no such account");

    /// <summary>
    /// An admin changes an account (email, name, role, language, a new password), deactivates (停用) or reactivates it, or
    /// hands its work over to another account (<c>handOverTo</c>); see <see cref="UserService.UpdateAsync"/>.
    /// </summary>
    public static async Task<Results<Ok<UserDto>, ValidationProblem, NotFoundProblem, ConflictProblem>> UpdateUser(
        string id, UpdateUserRequest request, ClaimsPrincipal principal, UserService accounts, CancellationToken ct) =>
        await accounts.UpdateAsync(id, request, Actor.Of(principal), ct) switch
        {
            { Value: { } updated } => TypedResults.Ok(updated.User),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            { Error: ServiceError.NotFound notFound } => Problems.NotFound(notFound.Message.Zh, notFound.Message.En),
            var failed => new ConflictProblem(failed.Error!.Message),
        };

    /// <summary>Admins create officer (or admin) accounts; there is no self-registration.</summary>
    public static async Task<Results<Created<UserDto>, ValidationProblem, ConflictProblem>> CreateUser(
        CreateUserRequest request, ClaimsPrincipal principal, UserService accounts) =>
        await accounts.CreateAsync(request, Actor.Of(principal)) switch
        {
            { Value: { } user } => TypedResults.Created($"/api/users/{user.Id}", user),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            var failed => new ConflictProblem(failed.Error!.Message),
        };
}

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
