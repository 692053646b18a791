using Liaison.Cases.Common;
using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Auth;

/// <summary>A signed-in person: a park officer or an admin. Department liaisons have no account.</summary>
public sealed class LiaisonUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary><c>zh-CN</c> or <c>en</c>.</summary>
    public string Culture { get; set; } = "zh-CN";

    /// <summary>
    /// An admin set the password (the account's first one, or a reset): its holder must change it before anything else
    /// (<see cref="RequiredPasswordChange"/>). Changing one's own password clears it.
    /// </summary>
    public bool MustChangePassword { get; set; }
}

public static class Roles
{
    public const string Officer = "Officer";
    public const string Admin = "Admin";

    public static readonly string[] All = [Officer, Admin];

    /// <summary>A role in words, for pages (the change log shows the stored name of any other).</summary>
    public static Text Label(string role) => role switch
    {
        Admin => new("管理员", "Admin"),
        Officer => new("工作人员", "Officer"),
        _ => new(role, role),
    };
}

public static class Policies
{
    /// <summary>Officers and admins (admins may do everything officers may).</summary>
    public const string Officer = "Officer";

    public const string Admin = "Admin";
}
