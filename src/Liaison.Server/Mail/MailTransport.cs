using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Liaison.Server.Mail;

/// <summary>Where outbox mail leaves the system: a real SMTP server, or the dev mailbox.</summary>
public interface IMailTransport
{
    /// <summary>Name stored on each delivered row (<c>smtp</c> or <c>dev-mailbox</c>).</summary>
    string Name { get; }

    /// <summary>Opens one session (one SMTP connection) for a batch. Not thread-safe, like <see cref="SmtpClient"/>.</summary>
    Task<IMailSession> OpenAsync(CancellationToken ct);

    /// <summary>False when mail is kept in the outbox, not sent (<see cref="HeldMailTransport"/>).</summary>
    bool Sends => true;

    /// <summary>
    /// True when the outbox row is where the mail is read (<see cref="DevMailboxTransport"/>): its personal links stay
    /// in it. Mail delivered elsewhere has them masked once sent (<see cref="OutboxRelay"/>).
    /// </summary>
    bool KeepsLinks => false;
}

public interface IMailSession : IAsyncDisposable
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

public sealed class SmtpMailTransport(IOptions<SmtpOptions> options) : IMailTransport
{
    public string Name => "smtp";

    public async Task<IMailSession> OpenAsync(CancellationToken ct)
    {
        var o = options.Value;
        var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        try
        {
            var security = o.Security switch
            {
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(o.Host!, o.Port, security, ct);
            if (!o.Pipelining)
            {
                client.Capabilities &= ~SmtpCapabilities.Pipelining;
            }

            if (!string.IsNullOrEmpty(o.User))
            {
                await client.AuthenticateAsync(o.User, o.Password ?? "", ct);
            }

            return new Session(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private sealed class Session(SmtpClient client) : IMailSession
    {
        public Task SendAsync(MimeMessage message, CancellationToken ct) => client.SendAsync(message, ct);

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true);
                }
            }
            catch (Exception ex) when (ex is IOException or ServiceNotConnectedException or SmtpProtocolException)
            {
                // The mail is already accepted or recorded; a failed QUIT changes nothing.
            }
            finally
            {
                client.Dispose();
            }
        }
    }
}

/// <summary>
/// Development default when no SMTP host is configured: nothing leaves the machine; the outbox row itself is the
/// mailbox, shown at <c>/dev/mailbox</c> in the Development environment.
/// </summary>
public sealed class DevMailboxTransport : IMailTransport
{
    /// <summary>Stored on the rows it delivers: the admin's outbox says they are in the dev mailbox, not sent.</summary>
    public const string TransportName = "dev-mailbox";

    public string Name => TransportName;

    public bool KeepsLinks => true;

    public Task<IMailSession> OpenAsync(CancellationToken ct) => Task.FromResult<IMailSession>(new Session());

    private sealed class Session : IMailSession
    {
        public Task SendAsync(MimeMessage message, CancellationToken ct) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>
/// Outside Development with no SMTP host configured: nothing is sent and nothing is marked sent. The mail waits in
/// the outbox (pending), the admin pages say why, and it goes out once an SMTP host is configured and the server restarted.
/// </summary>
public sealed class HeldMailTransport : IMailTransport
{
    public string Name => "held";

    public bool Sends => false;

    public Task<IMailSession> OpenAsync(CancellationToken ct) =>
        throw new InvalidOperationException("No SMTP host is configured (Smtp:Host): mail is held in the outbox.");
}
