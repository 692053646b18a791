using System.Threading.RateLimiting;
using Liaison.Cases.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Auth;

/// <summary>
/// Backs off password guessing without a lock a stranger could trigger. Each account and each client address counts
/// its wrong passwords. Past <see cref="SignInOptions.FreeFailuresPerAccount"/> (per account) or
/// <see cref="SignInOptions.FreeFailuresPerClient"/> (per client), a client must wait before its next try, twice as long
/// after each further failure (up to <see cref="SignInOptions.MaxDelay"/>). A client that has signed into the account
/// before is not made to wait for the account's count: the real user, at their usual desk, is not shut out by someone
/// else's guesses; its own address's count still applies, so guesses from that address (a colleague behind the same
/// office NAT) back off like any.
/// An attempt is counted as a wrong password before its password is checked, in the same locked step that decides it
/// may go ahead: a burst of guesses sent at once checks no more passwords than the allowance, however many server
/// processes share it. A right password takes its count back and clears the account's. The counts and the known
/// clients are rows in PostgreSQL, so every server process sees the same ones (several nodes do not multiply the
/// allowance) and a restart forgets nothing; only the per-window attempt limit (<see cref="SignInAttemptLimiter"/>,
/// ASP.NET Core's rate limiter) is per process.
/// </summary>
public sealed class SignInThrottle(LiaisonDbContext db, SignInAttemptLimiter limiter, IOptions<SignInOptions> options, TimeProvider clock)
{
    internal const string AccountScope = "account";
    internal const string ClientScope = "client";
    private const int KnownClientsPerAccount = 20;
    private const int ExpiredRowsPerCleanup = 100;
    private readonly SignInOptions _options = options.Value;

    /// <summary>
    /// Null to go ahead with checking the password, otherwise how long the client must wait (and nothing is counted).
    /// Clients that signed into the account before always go ahead; others wait out the back-off, then count one
    /// attempt in the window. An attempt that goes ahead is already counted as a wrong password for the account and the
    /// client: a right one is told with <see cref="SucceededAsync"/>, a right one whose request was refused for another
    /// reason with <see cref="ReleaseAsync"/>; a wrong one needs nothing more.
    /// </summary>
    public async Task<TimeSpan?> AttemptAsync(string account, string client, CancellationToken ct = default)
    {
        var known = await IsKnownAsync(account, client, ct);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Both counts, created if new, locked until this attempt is counted: concurrent attempts on the account (on any
        // server process) take their turns here, each seeing the ones before it. Rows are locked in the order they are
        // listed (the account's first), so two attempts never wait on each other.
        var counts = await db.Set<SignInFailureCount>().FromSqlInterpolated($"""
            INSERT INTO sign_in_failures (scope, key, failures, last_failure_at)
            VALUES ({AccountScope}, {account}, 0, {now}), ({ClientScope}, {client}, 0, {now})
            ON CONFLICT (scope, key) DO UPDATE SET failures = sign_in_failures.failures
            RETURNING *
            """).AsNoTracking().ToListAsync(ct);
        // A known client is spared the account's count (others' guesses) and the window, never its own count: guesses
        // from the real user's address (a shared office NAT, a proxy not named in TrustedProxies) back off like any.
        var wait = counts.Where(f => !known || f.Scope == ClientScope)
            .Select(f => Remaining(f, f.Scope == AccountScope ? _options.FreeFailuresPerAccount : _options.FreeFailuresPerClient, now))
            .DefaultIfEmpty(TimeSpan.Zero).Max();
        if ((wait > TimeSpan.Zero ? wait : known ? null : limiter.Attempt(account)) is { } refused)
        {
            await tx.RollbackAsync(ct);
            return refused;
        }

        var forget = _options.ForgetFailuresAfter;
        var expired = now - forget;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE sign_in_failures SET
              failures = CASE WHEN {now} - last_failure_at > {forget} THEN 1 ELSE failures + 1 END,
              last_failure_at = {now}
            WHERE (scope = {AccountScope} AND key = {account}) OR (scope = {ClientScope} AND key = {client});
            DELETE FROM sign_in_failures WHERE ctid IN
              (SELECT ctid FROM sign_in_failures WHERE last_failure_at < {expired} LIMIT {ExpiredRowsPerCleanup} FOR UPDATE SKIP LOCKED);
            """, ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>Whether <paramref name="client"/> has signed into <paramref name="account"/> before (one of its last 20 addresses).</summary>
    public Task<bool> IsKnownAsync(string account, string client, CancellationToken ct = default) =>
        db.Set<SignInKnownClient>().AnyAsync(k => k.Account == account && k.Client == client, ct);

    /// <summary>
    /// The attempt's password was right: the account's count is cleared, the client's attempt taken back, and the client
    /// remembered among the account's last 20.
    /// </summary>
    public async Task SucceededAsync(string account, string client, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            DELETE FROM sign_in_failures WHERE scope = {AccountScope} AND key = {account};
            UPDATE sign_in_failures SET failures = failures - 1 WHERE scope = {ClientScope} AND key = {client} AND failures > 0;
            INSERT INTO sign_in_known_clients (account, client, last_sign_in_at) VALUES ({account}, {client}, {now})
            ON CONFLICT (account, client) DO UPDATE SET last_sign_in_at = EXCLUDED.last_sign_in_at;
            DELETE FROM sign_in_known_clients WHERE account = {account} AND client NOT IN
              (SELECT client FROM sign_in_known_clients WHERE account = {account} ORDER BY last_sign_in_at DESC, client LIMIT {KnownClientsPerAccount});
            """, ct);
    }

    /// <summary>
    /// The attempt's password was right but its request was refused for another reason (a new password that breaks the
    /// rules): the attempt is taken back from both counts, nothing else changes.
    /// </summary>
    /// <remarks>
    /// The account's row first, then the client's, as <see cref="AttemptAsync"/> locks them: one statement for both took
    /// them in whatever order it found them, so a release and an attempt at once (password changes from several sessions)
    /// could each hold one and wait for the other: a deadlock, which PostgreSQL ended by failing one of them.
    /// </remarks>
    public async Task ReleaseAsync(string account, string client, CancellationToken ct = default) =>
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE sign_in_failures SET failures = failures - 1 WHERE scope = {AccountScope} AND key = {account} AND failures > 0;
            UPDATE sign_in_failures SET failures = failures - 1 WHERE scope = {ClientScope} AND key = {client} AND failures > 0;
            """, ct);

    /// <summary>
    /// A refused attempt in words: its password was not checked (a right one too, so its holder does not doubt it), and
    /// when to try again, in seconds, or in minutes from two minutes on.
    /// </summary>
    public static Text TooManyAttempts(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var minutes = (seconds + 59) / 60;
        var (zh, en) = seconds < 120
            ? ($"{seconds} 秒", English.Count(seconds, "second", "seconds"))
            : ($"{minutes} 分钟", English.Count(minutes, "minute", "minutes"));
        return new Text($"尝试过于频繁，本次未核对密码，请 {zh}后再试。", $"Too many attempts: the password was not checked. Try again in {en}.");
    }

    private TimeSpan Remaining(SignInFailureCount f, int free, DateTimeOffset now)
    {
        if (f.Failures < free || now - f.LastFailureAt > _options.ForgetFailuresAfter)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(f.Failures - free, 20);
        var delay = TimeSpan.FromTicks(Math.Min(_options.FirstDelay.Ticks * (1L << doublings), _options.MaxDelay.Ticks));
        return f.LastFailureAt + delay - now;
    }
}

/// <summary>Attempts per account name in a window, existing or not (ASP.NET Core's rate limiter, partitioned by the name; per process).</summary>
public sealed class SignInAttemptLimiter(IOptions<SignInOptions> options)
{
    private readonly PartitionedRateLimiter<string> _attempts = PartitionedRateLimiter.Create<string, string>(account =>
        RateLimitPartition.GetFixedWindowLimiter(account, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.AccountAttemptsPerWindow,
            Window = options.Value.Window,
            QueueLimit = 0,
        }));

    /// <summary>Null when the account has an attempt left in this window, otherwise how long until the next.</summary>
    public TimeSpan? Attempt(string account)
    {
        using var lease = _attempts.AttemptAcquire(account);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) && retry > TimeSpan.Zero ? retry : options.Value.Window;
    }
}

/// <summary>Wrong passwords counted for one account name or one client address (<see cref="SignInThrottle"/>).</summary>
public sealed class SignInFailureCount
{
    public required string Scope { get; set; }

    public required string Key { get; set; }

    public int Failures { get; set; }

    public DateTimeOffset LastFailureAt { get; set; }
}

/// <summary>A client address that signed into an account (the account's last 20 are kept).</summary>
public sealed class SignInKnownClient
{
    public required string Account { get; set; }

    public required string Client { get; set; }

    public DateTimeOffset LastSignInAt { get; set; }
}

internal sealed class SignInFailureCountConfiguration : IEntityTypeConfiguration<SignInFailureCount>
{
    public void Configure(EntityTypeBuilder<SignInFailureCount> e)
    {
        e.ToTable("sign_in_failures");
        e.HasKey(f => new { f.Scope, f.Key });
        e.Property(f => f.Scope).HasMaxLength(16);
        e.Property(f => f.Key).HasMaxLength(320);
        e.HasIndex(f => f.LastFailureAt);
    }
}

internal sealed class SignInKnownClientConfiguration : IEntityTypeConfiguration<SignInKnownClient>
{
    public void Configure(EntityTypeBuilder<SignInKnownClient> e)
    {
        e.ToTable("sign_in_known_clients");
        e.HasKey(k => new { k.Account, k.Client });
        e.Property(k => k.Account).HasMaxLength(320);
        e.Property(k => k.Client).HasMaxLength(64);
    }
}
