using System.Security.Claims;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Auth;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("api/auth").WithTags("Auth");
        auth.MapPost("/login", Login).AllowAnonymous();
        auth.MapGet("/me", Me).RequirePolicy(Policies.Officer);

        var users = app.MapGroup("api/users").WithTags("Users").RequirePolicy(Policies.Admin);
        users.MapGet("/", ListUsers);
        users.MapPost("/", CreateUser);
        return app;
    }

    /// <summary>
    /// Signs in with the bearer scheme: on success the bearer handler writes
    /// <c>{tokenType, accessToken, expiresIn, refreshToken}</c>.
    /// </summary>
    public static async Task<Results<EmptyHttpResult, ValidationProblem, UnauthorizedProblem, TooManyRequestsProblem>> Login(
        LoginRequest request, SignInManager<LiaisonUser> signIn)
    {
        var v = new Validation();
        var email = v.Required("email", request.Email, 254);
        v.Required("password", request.Password, 200);
        if (!v.IsValid)
        {
            return Problems.Invalid(v);
        }

        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        var result = await signIn.PasswordSignInAsync(email, request.Password!, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return Problems.TooManyRequests("尝试次数过多，账号已暂时锁定", "too many attempts; the account is locked for a while");
        }

        return result.Succeeded
            ? TypedResults.Empty
            : Problems.Unauthorized("邮箱或密码错误", "wrong email or password");
    }

    public static async Task<Ok<UserDto>> Me(ClaimsPrincipal principal, UserManager<LiaisonUser> users, UserService accounts)
    {
        var user = await users.GetUserAsync(principal) ?? throw new InvalidOperationException("Authenticated user not found");
        return TypedResults.Ok(await accounts.DescribeAsync(user));
    }

    public static async Task<Ok<List<UserDto>>> ListUsers(UserService accounts, CancellationToken ct) =>
        TypedResults.Ok(await accounts.ListAsync(ct));

    /// <summary>Admins create officer (or admin) accounts; there is no self-registration.</summary>
    public static async Task<Results<Created<UserDto>, ValidationProblem, ConflictProblem>> CreateUser(CreateUserRequest request, UserService accounts) =>
        await accounts.CreateAsync(request) switch
        {
            { Value: { } user } => TypedResults.Created($"/api/users/{user.Id}", user),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            var failed => new ConflictProblem(failed.Error!.Message),
        };
}

public sealed record LoginRequest(string? Email, string? Password);
