using System.Security.Claims;
using Liaison.Cases.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Auth;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("api/auth").WithTags("Auth");
        auth.MapPost("/login", Login).AllowAnonymous();
        auth.MapGet("/me", Me).RequireAuthorization(Policies.Officer);

        var users = app.MapGroup("api/users").WithTags("Users").RequireAuthorization(Policies.Admin);
        users.MapGet("/", ListUsers);
        users.MapPost("/", CreateUser);
        return app;
    }

    /// <summary>
    /// Signs in with the bearer scheme: on success the bearer handler writes
    /// <c>{tokenType, accessToken, expiresIn, refreshToken}</c>.
    /// </summary>
    public static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, SignInManager<LiaisonUser> signIn)
    {
        var v = new Validation();
        var email = v.Required("email", request.Email, 254);
        v.Required("password", request.Password, 200);
        if (!v.IsValid)
        {
            return Problems.Invalid(v.ToDictionary());
        }

        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        var result = await signIn.PasswordSignInAsync(email, request.Password!, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return Problems.Problem(StatusCodes.Status429TooManyRequests, "尝试次数过多，账号已暂时锁定", "too many attempts; the account is locked for a while");
        }

        return result.Succeeded
            ? TypedResults.Empty
            : Problems.Unauthorized("邮箱或密码错误", "wrong email or password");
    }

    public static async Task<Ok<UserDto>> Me(ClaimsPrincipal principal, UserManager<LiaisonUser> users)
    {
        var user = await users.GetUserAsync(principal) ?? throw new InvalidOperationException("Authenticated user not found");
        return TypedResults.Ok(await UserDto.FromAsync(user, users));
    }

    public static async Task<Ok<List<UserDto>>> ListUsers(UserManager<LiaisonUser> users, CancellationToken ct)
    {
        var all = await users.Users.OrderBy(u => u.Email).ToListAsync(ct);
        var result = new List<UserDto>(all.Count);
        foreach (var u in all)
        {
            result.Add(await UserDto.FromAsync(u, users));
        }

        return TypedResults.Ok(result);
    }

    /// <summary>Admins create officer (or admin) accounts; there is no self-registration.</summary>
    public static async Task<Results<Created<UserDto>, ValidationProblem, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, UserManager<LiaisonUser> users)
    {
        var v = new Validation();
        var email = v.Required("email", request.Email, 254);
        if (email.Length > 0 && !EmailAddress.IsValid(email))
        {
            v.Add("email", "邮箱地址格式不正确", "is not a valid email address");
        }

        var displayName = v.Required("displayName", request.DisplayName, 100);
        v.Required("password", request.Password, 200);
        var role = string.IsNullOrWhiteSpace(request.Role) ? Roles.Officer : request.Role.Trim();
        if (!Roles.All.Contains(role))
        {
            v.Add("role", "只能是 Officer 或 Admin", "must be Officer or Admin");
        }

        if (!v.IsValid)
        {
            return Problems.Invalid(v.ToDictionary());
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return Problems.Conflict($"账号 {email} 已存在", $"an account for '{email}' already exists");
        }

        var user = new LiaisonUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName };
        var created = await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            return Problems.Invalid(new Dictionary<string, string[]>
            {
                ["password"] = created.Errors.Select(e => $"密码不符合要求 / {e.Description}").ToArray(),
            });
        }

        await users.AddToRoleAsync(user, role);
        return TypedResults.Created($"/api/users/{user.Id}", await UserDto.FromAsync(user, users));
    }
}

public sealed record LoginRequest(string? Email, string? Password);

public sealed record CreateUserRequest(string? Email, string? DisplayName, string? Password, string? Role);

public sealed record UserDto(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles)
{
    public static async Task<UserDto> FromAsync(LiaisonUser u, UserManager<LiaisonUser> users) =>
        new(u.Id, u.Email ?? "", u.DisplayName, (await users.GetRolesAsync(u)).Order().ToList());
}
