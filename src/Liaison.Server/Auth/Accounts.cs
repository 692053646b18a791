using System.Linq.Expressions;
using Liaison.Server.Data;
using Liaison.Server.Enterprises;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>
    /// Every active officer and admin, by name, then email, without regard to case: the choices wherever someone is
    /// named to serve (an enterprise's chief and squad, a case's officer, the case list's officer filter, the successor
    /// of a leaving officer).
    /// </summary>
    public static Task<List<OfficerRef>> ListActiveAsync(LiaisonDbContext db, CancellationToken ct)
    {
        var roles = db.Roles.Where(r => r.Name == Roles.Officer || r.Name == Roles.Admin).Select(r => r.Id);
        return db.Users.AsNoTracking().Where(Active)
            .Where(u => u.Email != null && db.UserRoles.Any(ur => ur.UserId == u.Id && roles.Contains(ur.RoleId)))
            // Lower-cased: a database with the C collation (as ./liaison and the tests create it) puts every capital
            // before any lower-case letter, "Zhou" before "an".
            .OrderBy(u => u.DisplayName.ToLower()).ThenBy(u => u.Email!.ToLower()).ThenBy(u => u.Id)
            .Select(u => new OfficerRef(u.Id, u.Email!, u.DisplayName))
            .ToListAsync(ct);
    }

    /// <summary>The advisory lock account changes take (any number: the same for every request that uses it).</summary>
    public const long ChangesLock = 0x4C49_4153_4143_4354; // "LIASACCT"

    /// <summary>
    /// Takes <see cref="ChangesLock"/> until the transaction ends: exclusive for an admin's change of an account, shared
    /// for work given to an account (a case handed over), so that work never goes to an account whose deactivation is
    /// committing, and the last-admin check sees every change that commits before it.
    /// </summary>
    public static Task LockChangesAsync(LiaisonDbContext db, bool shared, CancellationToken ct) => shared
        ? db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({ChangesLock})", ct)
        : db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ChangesLock})", ct);
}
