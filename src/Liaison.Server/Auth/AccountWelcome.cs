using Liaison.Cases.Digests;
using Liaison.Server.Data;
using Liaison.Server.Hosting;
using Liaison.Server.Mail;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Auth;

/// <summary>
/// Tells the holder of a new account that it exists (<see cref="DigestKind.AccountCreated"/>): the sign-in address on
/// the configured public base URL (never the request's host), the email to sign in with, and that the admin gives them
/// the first password, to be changed at the first sign-in. Queued in the creating transaction, so the mail goes out
/// exactly when the account commits. The password is never in it.
/// </summary>
public sealed class AccountWelcome(
    LiaisonDbContext db, Outbox outbox, DigestMailRenderer renderer, IOptions<LiaisonOptions> options, TimeProvider clock, ILogger<AccountWelcome> log)
{
    public void Queue(LiaisonUser user, bool admin, string byName)
    {
        if (user.Email is not { Length: > 0 } email)
        {
            return;
        }

        var signIn = options.Value.PublicBaseUrl.TrimEnd('/') + "/account/login";
        var mail = renderer.Render(new AccountCreatedMail(user.DisplayName, email, admin, byName, clock.GetUtcNow(), signIn), user.Culture);
        foreach (var warning in mail.Warnings)
        {
            log.LogWarning("Mail {Kind}: {Warning}", DigestKind.AccountCreated, warning);
        }

        outbox.Add(db, new OutgoingMail(email, user.DisplayName, mail.Subject, mail.TextBody, mail.HtmlBody, DigestKind.AccountCreated));
    }
}
