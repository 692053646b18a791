namespace Liaison.Server.Mail;

/// <summary>The <c>Smtp</c> configuration section. With no <see cref="Host"/>, mail goes to the dev mailbox.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.None;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>Sender, e.g. <c>安岳经开区点对点联络 &lt;liaison@anyue.example&gt;</c>.</summary>
    public string From { get; set; } = "安岳经开区点对点联络 <liaison@anyue.example>";

    /// <summary>Messages per SMTP connection before the relay reconnects (each message is committed on its own).</summary>
    public int BatchSize { get; set; } = 50;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Use SMTP PIPELINING when the server offers it (fewer round trips to a distant server). Turn it off for a server
    /// that handles it badly: the SmtpServer library used by the tests and benchmarks stalls about 40 ms per message.
    /// </summary>
    public bool Pipelining { get; set; } = true;

    public bool UsesDevMailbox => string.IsNullOrWhiteSpace(Host);
}

public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
}
