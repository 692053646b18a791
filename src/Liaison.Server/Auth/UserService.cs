using Liaison.Cases.Common;
using Liaison.Server.Audit;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Departments;
using Liaison.Server.Enterprises;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Auth;

/// <summary>Officer and admin accounts; shared by the API and the admin pages. There is no self-registration.</summary>
public sealed class UserService(
    UserManager<LiaisonUser> users, LiaisonDbContext db, HandoverNotice notice, AccountWelcome welcome, TimeProvider clock)
{
    /// <summary>
    /// Every account, by email without regard to case (the accounts page and <c>GET /api/users</c>); lower-cased as in
    /// <see cref="Accounts.ListActiveAsync"/>.
    /// </summary>
    public async Task<List<UserDto>> ListAsync(CancellationToken ct)
    {
        var all = await users.Users.OrderBy(u => u.Email!.ToLower()).ThenBy(u => u.Email).ThenBy(u => u.Id).ToListAsync(ct);
        var result = new List<UserDto>(all.Count);
        foreach (var u in all)
        {
            result.Add(await DescribeAsync(u));
        }

        return result;
    }

    public async Task<UserDto> DescribeAsync(LiaisonUser u)
    {
        var roles = (await users.GetRolesAsync(u)).Order().ToList();
        return new(u.Id, u.Email ?? "", u.DisplayName, u.Culture, roles, Accounts.IsActive(u), u.MustChangePassword) { Basis = BasisOf(u, roles) };
    }

    /// <summary>
    /// The account's version as a read shows it (<see cref="UserDto.Basis"/>): what its form edits (email, name, roles,
    /// language, whether it is active). A change naming another one is refused (<see cref="Stale"/>).
    /// </summary>
    private static string BasisOf(LiaisonUser u, IEnumerable<string> roles) =>
        EditBasis.Of(u.Email ?? "", u.DisplayName, string.Join(",", roles.Order()), u.Culture, Accounts.IsActive(u));

    public static readonly Text Stale = new(
        "账号在您打开后已被他人修改，您的修改未保存：请重新打开后再改",
        "the account was changed by someone else after you opened it; your changes were not saved: open it again and redo them");

    /// <summary>The accounts the work of <paramref name="id"/> may be handed over to: every other active account.</summary>
    public async Task<List<OfficerRef>> SuccessorsOfAsync(string id, CancellationToken ct) =>
        (await Accounts.ListActiveAsync(db, ct)).Where(o => o.Id != id).ToList();

    /// <summary>What the account holds that a handover would move (<see cref="Handover"/>).</summary>
    public Task<Handover.Work> WorkOfAsync(string id, CancellationToken ct) => Handover.WorkOfAsync(db, id, clock.GetUtcNow(), ct);

    public async Task<UserDto?> FindAsync(string id) => await users.FindByIdAsync(id) is { } u ? await DescribeAsync(u) : null;

    /// <summary>
    /// Creates an account with the password the admin chose. That password is temporary: its holder must change it at the
    /// first sign-in (<see cref="RequiredPasswordChange"/>), and is told by mail (<see cref="AccountWelcome"/>, in the same
    /// commit) that the account exists, where to sign in and that the admin gives them the password, never the password.
    /// </summary>
    public async Task<ServiceResult<UserDto>> CreateAsync(CreateUserRequest request, Actor actor)
    {
        var v = new Validation();
        var (email, displayName, role, culture) = ReadAccount(v, request.Email, request.DisplayName, request.Role, request.Culture);
        var user = new LiaisonUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, Culture = culture, MustChangePassword = true,
        };
        v.Required("password", request.Password, 200, secret: true);
        if (request.Password is { Length: <= 200 } password && !string.IsNullOrWhiteSpace(password))
        {
            // Every rule of the password with the other fields' errors, so the form shows them all at once.
            await PasswordPolicy.CheckAsync(users, user, password, v, "password");
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        // The account, its role and its line in the change log commit together; account changes one at a time, so two
        // admins creating one account at once get one account and a 409, not a unique-key error.
        await using var tx = await db.Database.BeginTransactionAsync();
        await Accounts.LockChangesAsync(db, shared: false, default);
        if (await users.FindByEmailAsync(email) is not null)
        {
            return new ServiceError.Conflict(new Text($"账号 {email} 已存在", $"an account for '{email}' already exists"));
        }

        if (!Check(await users.CreateAsync(user, request.Password!), v, "password"))
        {
            return new ServiceError.Invalid(v);
        }

        await users.AddToRoleAsync(user, role);
        AuditLog.Add(db, clock, actor, AuditActions.AccountCreated, email, new AuditChanges { RecordEmpty = true }
            .Field("displayName", null, displayName).Field("role", null, role).Field("culture", null, culture));
        welcome.Queue(user, role == Roles.Admin, await NameOfAsync(actor));
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return await DescribeAsync(user);
    }

    /// <summary>
    /// Changes an account: its email (the sign-in name), name, role, language, password (an admin sets a new one) and
    /// whether it is active, and hands its work over to another active account (<see cref="UpdateUserRequest.HandOverTo"/>):
    /// its open cases (and closed ones whose enterprise rating still awaits a decision), its key enterprises as chief
    /// service officer and its places in service squads. All or nothing, in one transaction. A deactivated account
    /// cannot sign in and its sessions end at once; it keeps its history (timelines, visits) and may be reactivated.
    /// Refused: deactivating or demoting the last active admin, deactivating oneself, and deactivating an account
    /// that still holds work without naming who takes it over.
    /// </summary>
    /// <param name="actor">The admin: their email goes on the cases' timelines and in the change log.</param>
    public async Task<ServiceResult<UserUpdated>> UpdateAsync(string id, UpdateUserRequest request, Actor actor, CancellationToken ct)
    {
        var v = new Validation();
        var (email, displayName, role, culture) = ReadAccount(v, request.Email, request.DisplayName, request.Role, request.Culture);
        var password = Validation.Optional(request.Password);
        v.MaxLength("password", password, 200, secret: true);
        EditBasis.Check(v, request.Basis);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Account changes one at a time: the last-admin check must see every other change that commits before it.
        await Accounts.LockChangesAsync(db, shared: false, ct);
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return new ServiceError.NotFound(new Text("账号不存在", "no such account"));
        }

        // Saved from a form (or a read) of the account as it was before someone else's save, which it would undo.
        if (EditBasis.IsStale(request.Basis, BasisOf(user, await users.GetRolesAsync(user))))
        {
            return new ServiceError.Conflict(Stale);
        }

        if (!string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase) && await users.FindByEmailAsync(email) is { } other && other.Id != user.Id)
        {
            return new ServiceError.Conflict(new Text($"账号 {email} 已存在", $"an account for '{email}' already exists"));
        }

        var active = request.Active ?? Accounts.IsActive(user);
        var wasAdmin = await users.IsInRoleAsync(user, Roles.Admin);
        if (wasAdmin && Accounts.IsActive(user) && (!active || role != Roles.Admin) && await ActiveAdminsAsync(ct) <= 1)
        {
            return new ServiceError.Conflict(new Text("至少要保留一名在用的管理员", "at least one active admin must remain"));
        }

        if (!active && user.Id == actor.Id)
        {
            return new ServiceError.Conflict(new Text("不能停用自己的账号", "you cannot deactivate your own account"));
        }

        LiaisonUser? successor = null;
        if (Validation.Optional(request.HandOverTo) is { } to)
        {
            successor = await users.FindByIdAsync(to) ?? await users.FindByEmailAsync(to);
            if (successor is null || !Accounts.IsActive(successor) || successor.Id == user.Id)
            {
                v.Add("handOverTo", "请选择另一个在用的账号", "must be another active account (its id or email)");
                return new ServiceError.Invalid(v);
            }
        }

        var work = await Handover.WorkOfAsync(db, user.Id, clock.GetUtcNow(), ct);
        if (!active && successor is null && !work.IsEmpty)
        {
            var held = work.Describe();
            v.Add("handOverTo", held.Zh + "，停用前请指定移交给谁", held.En + "; name who takes them over before deactivating");
            return new ServiceError.Invalid(v);
        }

        // What a session carries or was allowed by: changing any of it ends the account's sessions.
        var signInChanged = !string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase) || password is not null
            || wasAdmin != (role == Roles.Admin) || !active;
        var subject = user.Email ?? user.Id;
        var changes = new AuditChanges()
            .Field("email", user.Email, email)
            .Field("displayName", user.DisplayName, displayName)
            .Field("role", (await users.GetRolesAsync(user)).FirstOrDefault(), role)
            .Field("culture", user.Culture, culture)
            .Field("active", Accounts.IsActive(user), active)
            .Changed("password", password is not null);
        user.Email = email;
        user.UserName = email;
        user.DisplayName = displayName;
        user.Culture = culture;
        if (password is not null)
        {
            // The same rules as a new account's password; checked before anything is written.
            await PasswordPolicy.CheckAsync(users, user, password, v, "password");

            if (!v.IsValid)
            {
                return new ServiceError.Invalid(v);
            }

            user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
            // Someone else's password, set by an admin, is temporary like a new account's: its holder changes it at
            // the next sign-in. An admin's own stays theirs.
            if (user.Id != actor.Id)
            {
                user.MustChangePassword = true;
            }
        }

        if (!Check(await users.UpdateAsync(user), v))
        {
            return new ServiceError.Invalid(v);
        }

        // One role, as when the account was created (an admin may do everything an officer may).
        var roles = await users.GetRolesAsync(user);
        if (roles.Any(r => r != role)) await users.RemoveFromRolesAsync(user, roles.Where(r => r != role));
        if (!roles.Contains(role)) await users.AddToRoleAsync(user, role);

        if (active != Accounts.IsActive(user))
        {
            // Identity sets a lockout end only while lockout is enabled: enable it first, and clear the end before disabling it.
            var changed = active
                ? Check(await users.SetLockoutEndDateAsync(user, null), v, "active") && Check(await users.SetLockoutEnabledAsync(user, false), v, "active")
                : Check(await users.SetLockoutEnabledAsync(user, true), v, "active") && Check(await users.SetLockoutEndDateAsync(user, Accounts.DeactivatedUntil), v, "active");
            if (!changed)
            {
                return new ServiceError.Invalid(v);
            }
        }

        Handover.Work? handedOver = null;
        if (successor is not null)
        {
            var moved = await Handover.MoveAsync(db, user, successor, actor.Name, clock.GetUtcNow(), ct);
            handedOver = new Handover.Work(moved.Cases.Count, moved.ChiefOf.Count, moved.SquadOf.Count);
            // The successor hears of it at once, in the same commit: one mail listing what is now theirs.
            await notice.QueueAsync(moved, user, successor, await NameOfAsync(actor), ct);
            if (!moved.IsEmpty)
            {
                // A handover that found nothing left to move (the same request again) is no change to log.
                changes.Field("handOverTo", null, successor.Email)
                    .Field("casesMoved", null, moved.Cases.Count)
                    .Field("chiefOfMoved", null, moved.ChiefOf.Count)
                    .Field("squadOfMoved", null, moved.SquadOf.Count);
            }
        }

        AuditLog.Add(db, clock, actor, AuditActions.AccountChanged, subject, changes);
        await db.SaveChangesAsync(ct);

        if (signInChanged)
        {
            // Every session of the account ends: a new email, password or role must be signed in with, a deactivated account not at all.
            await users.UpdateSecurityStampAsync(user);
        }

        await tx.CommitAsync(ct);
        return new UserUpdated(await DescribeAsync(user), handedOver);
    }

    /// <summary>How a mail names the admin who acted: their display name, else what the change log calls them.</summary>
    private async Task<string> NameOfAsync(Actor actor) =>
        (actor.Id is null ? null : (await users.FindByIdAsync(actor.Id))?.DisplayName) ?? actor.Name;

    private async Task<int> ActiveAdminsAsync(CancellationToken ct)
    {
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        return admins.Count(Accounts.IsActive);
    }

    private static bool Check(IdentityResult result, Validation v, string field = "email")
    {
        foreach (var e in result.Errors)
        {
            var text = PasswordPolicy.Describe(e);
            v.Add(field, text.Zh, text.En);
        }

        return result.Succeeded;
    }

    /// <summary>The fields an account is created and edited with, checked alike: email, name, role (default Officer), language (default zh-CN).</summary>
    private static (string Email, string DisplayName, string Role, string Culture) ReadAccount(
        Validation v, string? emailInput, string? displayNameInput, string? roleInput, string? cultureInput)
    {
        var email = v.RequiredLine("email", emailInput, 254);
        if (email.Length > 0 && !EmailAddress.IsValid(email))
        {
            v.Add("email", "邮箱地址格式不正确", "is not a valid email address");
        }

        var displayName = v.RequiredLine("displayName", displayNameInput, 100);
        // "officer" means Officer: the role's name is matched regardless of case.
        var role = string.IsNullOrWhiteSpace(roleInput)
            ? Roles.Officer
            : Roles.All.FirstOrDefault(r => string.Equals(r, roleInput.Trim(), StringComparison.OrdinalIgnoreCase)) ?? roleInput.Trim();
        if (!Roles.All.Contains(role))
        {
            v.Add("role", "只能是园区工作人员（Officer）或管理员（Admin）", "must be Officer or Admin");
        }

        var culture = string.IsNullOrWhiteSpace(cultureInput) ? Cultures.Chinese : cultureInput.Trim();
        if (!Cultures.All.Contains(culture))
        {
            v.Add("culture", DepartmentService.CultureChoices);
        }

        return (email, displayName, role, culture);
    }
}

/// <param name="Culture"><c>zh-CN</c> (default) or <c>en</c>: the language of the account's pages and emails.</param>
public sealed record CreateUserRequest(string? Email, string? DisplayName, string? Password, string? Role, string? Culture = null);

/// <summary>An admin's change of an account. Email, name, role and language are the account's new values (as when it is
/// created); <paramref name="Active"/> null keeps it as it is; <paramref name="Password"/> sets a new password when given
/// (someone else's is temporary: they must change it at their next sign-in);
/// <paramref name="HandOverTo"/> (an active account's id or email) takes over the account's work; <paramref name="Basis"/>
/// (optional) is the account's <see cref="UserDto.Basis"/> as read: when someone has changed it since, nothing is saved (409).</summary>
public sealed record UpdateUserRequest(
    string? Email, string? DisplayName, string? Role, string? Culture = null, bool? Active = null, string? Password = null, string? HandOverTo = null,
    string? Basis = null);

/// <summary>An account as changed, and what a handover moved to its successor (none asked: null; the same one again: nothing).</summary>
public sealed record UserUpdated(UserDto User, Handover.Work? HandedOver);

/// <param name="Active">False once an admin deactivated it (停用): it cannot sign in.</param>
/// <param name="MustChangePassword">
/// An admin set its password (created it, or set a new one): until its holder changes it, they can do nothing else.
/// </param>
public sealed record UserDto(
    string Id, string Email, string DisplayName, string Culture, IReadOnlyList<string> Roles, bool Active = true, bool MustChangePassword = false)
{
    /// <summary>The account's version: sent back with a change (<see cref="UpdateUserRequest.Basis"/>), a change since refuses it.</summary>
    public string Basis { get; init; } = "";
}

/// <summary>
/// The signed-in account as <see cref="UserDto"/> describes it, and the zone the pages show times in
/// (<c>Liaison:TimeZone</c>, by its IANA name), so a script such as the designer shows them the same way.
/// </summary>
public sealed record MeDto(
    string Id, string Email, string DisplayName, string Culture, IReadOnlyList<string> Roles, bool Active, string TimeZone, bool MustChangePassword = false)
{
    public MeDto(UserDto user, string timeZone)
        : this(user.Id, user.Email, user.DisplayName, user.Culture, user.Roles, user.Active, timeZone, user.MustChangePassword)
    {
    }
}
