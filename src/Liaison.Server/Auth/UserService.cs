using Liaison.Cases.Common;
using Liaison.Server.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Auth;

/// <summary>Officer and admin accounts; shared by the API and the admin pages. There is no self-registration.</summary>
public sealed class UserService(UserManager<LiaisonUser> users)
{
    public async Task<List<UserDto>> ListAsync(CancellationToken ct)
    {
        var all = await users.Users.OrderBy(u => u.Email).ToListAsync(ct);
        var result = new List<UserDto>(all.Count);
        foreach (var u in all)
        {
            result.Add(await DescribeAsync(u));
        }

        return result;
    }

    public async Task<UserDto> DescribeAsync(LiaisonUser u) =>
        new(u.Id, u.Email ?? "", u.DisplayName, u.Culture, (await users.GetRolesAsync(u)).Order().ToList());

    public async Task<ServiceResult<UserDto>> CreateAsync(CreateUserRequest request)
    {
        var v = new Validation();
        var email = v.Required("email", request.Email, 254);
        if (email.Length > 0 && !EmailAddress.IsValid(email))
        {
            v.Add("email", "邮箱地址格式不正确", "is not a valid email address");
        }

        var displayName = v.Required("displayName", request.DisplayName, 100);
        v.Required("password", request.Password, 200);
        // "officer" means Officer: the role's name is matched regardless of case.
        var role = string.IsNullOrWhiteSpace(request.Role)
            ? Roles.Officer
            : Roles.All.FirstOrDefault(r => string.Equals(r, request.Role.Trim(), StringComparison.OrdinalIgnoreCase)) ?? request.Role.Trim();
        if (!Roles.All.Contains(role))
        {
            v.Add("role", "只能是 Officer 或 Admin", "must be Officer or Admin");
        }

        var culture = string.IsNullOrWhiteSpace(request.Culture) ? Cultures.Chinese : request.Culture.Trim();
        if (!Cultures.All.Contains(culture))
        {
            v.Add("culture", "只能是 zh-CN 或 en", "must be zh-CN or en");
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return new ServiceError.Conflict(new Text($"账号 {email} 已存在", $"an account for '{email}' already exists"));
        }

        var user = new LiaisonUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, Culture = culture };
        var created = await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            foreach (var e in created.Errors)
            {
                var text = PasswordPolicy.Describe(e);
                v.Add("password", text.Zh, text.En);
            }

            return new ServiceError.Invalid(v);
        }

        await users.AddToRoleAsync(user, role);
        return await DescribeAsync(user);
    }
}

/// <param name="Culture"><c>zh-CN</c> (default) or <c>en</c>: the language of the account's pages and emails.</param>
public sealed record CreateUserRequest(string? Email, string? DisplayName, string? Password, string? Role, string? Culture = null);

public sealed record UserDto(string Id, string Email, string DisplayName, string Culture, IReadOnlyList<string> Roles);
