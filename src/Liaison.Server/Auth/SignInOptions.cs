namespace Liaison.Server.Auth;

/// <summary>
/// The <c>Liaison:SignIn</c> configuration section: sign-in throttling, rate limits and the trusted proxy
/// (docs/hardening.md, "Sign-in and sessions").
/// </summary>
public sealed class SignInOptions
{
    public const string Section = "Liaison:SignIn";

    /// <summary>Wrong passwords for one account before clients that never signed into it must wait.</summary>
    public int FreeFailuresPerAccount { get; set; } = 5;

    /// <summary>Wrong passwords from one client (any accounts) before it must wait for accounts it never signed into.</summary>
    public int FreeFailuresPerClient { get; set; } = 20;

    /// <summary>The first wait after the free failures; it doubles with each further failure.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures are forgotten after this long without another one.</summary>
    public TimeSpan ForgetFailuresAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The rate limiters' window.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sign-in attempts (API and form) per client address per window.</summary>
    public int ClientAttemptsPerWindow { get; set; } = 30;

    /// <summary>Sign-in attempts per account name (existing or not) per window, from clients that never signed into it.</summary>
    public int AccountAttemptsPerWindow { get; set; } = 10;

    /// <summary>POSTs to personal links (<c>/l/…</c>, <c>/e/…</c>) per client address per window.</summary>
    public int LinkPostsPerWindow { get; set; } = 60;

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. Empty (the
    /// default): forwarded headers are ignored, the client is the TCP peer and the scheme is the connection's.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}
