using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Auth;

/// <summary>
/// Password sign-in for the API (bearer token) and the form (cookie), the same rules for both: throttled per client and
/// per account (<see cref="SignInThrottle"/>), no Identity lockout on failures, the same work and the same answer for an
/// unknown account, a wrong password and a locked account (the hasher runs on a dummy hash when there is no account).
/// </summary>
public sealed class SignInService(
    SignInManager<LiaisonUser> signIn, UserManager<LiaisonUser> users, IPasswordHasher<LiaisonUser> hasher, SignInThrottle throttle,
    IHttpContextAccessor http)
{
    private static readonly LiaisonUser Nobody = new() { Id = "nobody", UserName = "nobody" };
    private static readonly string DummyHash = new PasswordHasher<LiaisonUser>().HashPassword(Nobody, Guid.NewGuid().ToString());

    public async Task<SignInOutcome> SignInAsync(string email, string password, string scheme)
    {
        var account = email.Trim().ToUpperInvariant();
        var client = ClientOf(http.HttpContext);
        if (await throttle.CheckAsync(account, client) is { } wait)
        {
            return new SignInOutcome.Wait(wait);
        }

        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
        {
            // The same hashing work as a real check: the time taken does not tell whether the account exists.
            hasher.VerifyHashedPassword(Nobody, user?.PasswordHash ?? DummyHash, password);
            await throttle.FailedAsync(account, client);
            return new SignInOutcome.Failed();
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            await throttle.FailedAsync(account, client);
            return new SignInOutcome.Failed();
        }

        await throttle.SucceededAsync(account, client);
        signIn.AuthenticationScheme = scheme;
        await signIn.SignInAsync(user, isPersistent: false);
        return new SignInOutcome.Succeeded();
    }

    /// <summary>The client's address (the forwarded one only from a trusted proxy, see <see cref="SignInOptions.TrustedProxies"/>).</summary>
    public static string ClientOf(HttpContext? http) => http?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

public abstract record SignInOutcome
{
    public sealed record Succeeded : SignInOutcome;

    public sealed record Failed : SignInOutcome;

    public sealed record Wait(TimeSpan RetryAfter) : SignInOutcome;
}
