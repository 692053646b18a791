using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Auth;

/// <summary>What a signed-in person's cookie or bearer token says about them besides their roles.</summary>
public static class LiaisonClaims
{
    public const string DisplayName = "liaison:name";

    /// <summary>The account's language, <c>zh-CN</c> or <c>en</c>: the pages' language until the person switches.</summary>
    public const string Culture = "liaison:culture";
}

/// <summary>Adds the display name and language to the principal Identity builds at sign-in.</summary>
public sealed class LiaisonClaimsFactory(UserManager<LiaisonUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<LiaisonUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(LiaisonUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(LiaisonClaims.DisplayName, user.DisplayName));
        identity.AddClaim(new Claim(LiaisonClaims.Culture, user.Culture));
        return identity;
    }
}
