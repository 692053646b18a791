using System.Linq.Expressions;

namespace Liaison.Server.Auth;

/// <summary>
/// Whether an account is active. An admin deactivates (停用) an account with Identity's lockout, ended far in the future:
/// sign-in refuses a locked-out account, and the lockout for failed attempts is not used (sign-in has its own throttle),
/// so any lockout end means deactivated.
/// </summary>
public static class Accounts
{
    /// <summary>The lockout end of a deactivated account: far enough to be never, and a date PostgreSQL stores as it is.</summary>
    public static readonly DateTimeOffset DeactivatedUntil = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static bool IsActive(LiaisonUser u) => u.LockoutEnd is null;

    /// <summary><see cref="IsActive"/> for queries: digests and pickers leave deactivated accounts out.</summary>
    public static readonly Expression<Func<LiaisonUser, bool>> Active = u => u.LockoutEnd == null;
}
