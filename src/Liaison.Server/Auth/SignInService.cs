using System.Security.Claims;
using Liaison.Cases.Common;
using Liaison.Server.Audit;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Auth;

/// <summary>
/// Password sign-in for the API (bearer token) and the form (cookie), the same rules for both: throttled per client and
/// per account (<see cref="SignInThrottle"/>), no Identity lockout on failures, the same work and the same answer for an
/// unknown account, a wrong password and a locked account (the hasher runs on a dummy hash when there is no account).
/// </summary>
public sealed class SignInService(
    SignInManager<LiaisonUser> signIn, UserManager<LiaisonUser> users, IPasswordHasher<LiaisonUser> hasher, SignInThrottle throttle,
    IHttpContextAccessor http, LiaisonDbContext db, TimeProvider clock)
{
    /// <summary>The longest email an account may have (RFC 5321's path limit).</summary>
    public const int MaxEmailLength = 254;

    private static readonly LiaisonUser Nobody = new() { Id = "nobody", UserName = "nobody" };
    private static readonly string DummyHash = new PasswordHasher<LiaisonUser>().HashPassword(Nobody, Guid.NewGuid().ToString());

    public async Task<SignInOutcome> SignInAsync(string email, string password, string scheme)
    {
        var account = email.Trim().ToUpperInvariant();
        // No account's email is longer (the API refuses it); the throttle's key is cut to fit its column.
        account = account.Length > MaxEmailLength ? account[..MaxEmailLength] : account;
        var client = ClientOf(http.HttpContext);
        // From here the attempt counts as a wrong password (SignInThrottle.AttemptAsync) until it proves right.
        if (await throttle.AttemptAsync(account, client) is { } wait)
        {
            return new SignInOutcome.Wait(wait);
        }

        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            // The same hashing work as a real check: the time taken does not tell whether the account exists.
            hasher.VerifyHashedPassword(Nobody, DummyHash, password);
            return new SignInOutcome.Failed();
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            return new SignInOutcome.Failed();
        }

        // Deactivated is locked out for good (Accounts.DeactivatedUntil); nothing else locks an account out.
        if (!await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
        {
            // A deactivated account's own password: its holder is told why, instead of doubting the password. Only who
            // knows the password learns that the account exists. It stays counted as a wrong password.
            return new SignInOutcome.Deactivated();
        }

        await throttle.SucceededAsync(account, client);
        signIn.AuthenticationScheme = scheme;
        await signIn.SignInAsync(user, isPersistent: false);
        return new SignInOutcome.Succeeded(user.MustChangePassword);
    }

    /// <summary>
    /// A signed-in person changes their own password, giving the current one: throttled like a sign-in (a stolen session
    /// must not be a way to guess it), checked by the same rules as any password. Identity's change renews the
    /// account's security stamp, so every session of the account ends; with <paramref name="cookieScheme"/> this browser
    /// is signed in again at once. The password is then the person's own: an admin-set one's requirement to change it
    /// (<see cref="LiaisonUser.MustChangePassword"/>) ends in the same commit. Every problem is told at once: a field
    /// left out, each rule the new password breaks, the form's own checks and a wrong current password.
    /// </summary>
    /// <param name="formChecks">A form's checks of fields the API does not have (the page's new password typed twice).</param>
    public async Task<PasswordChange> ChangePasswordAsync(
        ClaimsPrincipal principal, string? current, string? next, string? cookieScheme, Action<Validation>? formChecks = null)
    {
        var v = new Validation();
        v.Required("currentPassword", current, 200, secret: true);
        v.Required("newPassword", next, 200, secret: true);
        if (v.IsValid && current == next)
        {
            // Said of what was typed: whether the current password is right is checked (and throttled) below.
            v.Add("newPassword", "不能与填写的当前密码相同，请换一个新密码", "must differ from the current password you gave; choose a new one");
        }

        var user = await users.GetUserAsync(principal) ?? throw new InvalidOperationException("Authenticated user not found");
        if (!v.Errors.ContainsKey("newPassword"))
        {
            // Identity checks the rules only once the current password is right; checked first, they are told with the rest.
            await PasswordPolicy.CheckAsync(users, user, next!, v, "newPassword");
        }

        formChecks?.Invoke(v);

        var account = (user.Email ?? user.Id).ToUpperInvariant();
        var client = ClientOf(http.HttpContext);
        var currentGiven = !v.Errors.ContainsKey("currentPassword");
        if (currentGiven && await throttle.AttemptAsync(account, client) is { } wait)
        {
            return new PasswordChange.Wait(wait);
        }

        if (!v.IsValid)
        {
            // Nothing changes, but a wrong current password is told too (and stays counted as a guess, as below); a
            // right one is taken back from the throttle's counts.
            if (currentGiven)
            {
                if (await users.CheckPasswordAsync(user, current!))
                {
                    await throttle.ReleaseAsync(account, client);
                }
                else
                {
                    WrongCurrentPassword();
                }
            }

            return new PasswordChange.Invalid(v);
        }

        IdentityResult changed;
        // The change and its line in the change log commit together; a refused change writes neither.
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            changed = await users.ChangePasswordAsync(user, current!, next!);
            if (changed.Succeeded)
            {
                user.MustChangePassword = false;
                AuditLog.Add(db, clock, Actor.Of(principal), AuditActions.AccountPasswordChanged, user.Email ?? user.Id);
                await db.SaveChangesAsync();
                await tx.CommitAsync();
            }
        }

        if (!changed.Succeeded && !changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
        {
            // The current password was right (Identity checks it first): the attempt is not a guess.
            await throttle.ReleaseAsync(account, client);
        }

        if (changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
        {
            // Another session changed the account in between (its password, most likely, at the same moment).
            return new PasswordChange.Conflict(PasswordChange.ChangedElsewhere);
        }

        if (!changed.Succeeded)
        {
            foreach (var e in changed.Errors)
            {
                if (e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))
                {
                    WrongCurrentPassword();
                }
                else
                {
                    v.Add("newPassword", PasswordPolicy.Describe(e));
                }
            }

            return new PasswordChange.Invalid(v);
        }

        await throttle.SucceededAsync(account, client);
        if (cookieScheme is not null)
        {
            signIn.AuthenticationScheme = cookieScheme;
            await signIn.SignInAsync(user, isPersistent: false);
        }

        return new PasswordChange.Changed();

        // Already counted as a guess by the throttle's attempt.
        void WrongCurrentPassword() => v.Add("currentPassword", "当前密码不正确", "the current password is wrong");
    }

    /// <summary>The client's address (the forwarded one only from a trusted proxy, see <see cref="SignInOptions.TrustedProxies"/>).</summary>
    public static string ClientOf(HttpContext? http) => http?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

public abstract record SignInOutcome
{
    /// <param name="MustChangePassword">An admin set the password: the person must change it before anything else (<see cref="RequiredPasswordChange"/>).</param>
    public sealed record Succeeded(bool MustChangePassword = false) : SignInOutcome;

    public sealed record Failed : SignInOutcome;

    /// <summary>The right password for an account an admin deactivated.</summary>
    public sealed record Deactivated : SignInOutcome;

    public sealed record Wait(TimeSpan RetryAfter) : SignInOutcome;
}

public abstract record PasswordChange
{
    public sealed record Changed : PasswordChange;

    public sealed record Invalid(Validation Fields) : PasswordChange;

    public sealed record Wait(TimeSpan RetryAfter) : PasswordChange;

    /// <summary>The account changed between reading it and saving the new password: nothing was changed.</summary>
    public sealed record Conflict(Text Message) : PasswordChange;

    public static readonly Text ChangedElsewhere = new(
        "账号刚在别处修改过（可能是密码），本次修改未执行。如密码已改，请用新密码重新登录",
        "The account was changed elsewhere just now (its password, perhaps); this change was not made. If the password was changed, sign in with the new one");
}
