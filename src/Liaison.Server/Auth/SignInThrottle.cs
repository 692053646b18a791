using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Auth;

/// <summary>
/// Backs off password guessing without a lock a stranger could trigger. Each account and each client address counts
/// its wrong passwords. Past <see cref="SignInOptions.FreeFailuresPerAccount"/> (per account) or
/// <see cref="SignInOptions.FreeFailuresPerClient"/> (per client), a client must wait before its next try, twice as long
/// after each further failure (up to <see cref="SignInOptions.MaxDelay"/>). A client that has signed into the account
/// before is never made to wait for it: the real user, at their usual desk, is never shut out by someone else's guesses.
/// A success clears the account's count. State lives in this process (each node counts for itself).
/// </summary>
public sealed class SignInThrottle(IOptions<SignInOptions> options, TimeProvider clock)
{
    private const int MaxEntries = 100_000;
    private const int KnownClientsPerAccount = 20;
    private readonly SignInOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Failures> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Failures> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KnownClients> _known = new(StringComparer.Ordinal);

    // Attempts per account name, existing or not (ASP.NET Core's rate limiter, partitioned by the name).
    private readonly PartitionedRateLimiter<string> _attempts = PartitionedRateLimiter.Create<string, string>(account =>
        RateLimitPartition.GetFixedWindowLimiter(account, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.AccountAttemptsPerWindow,
            Window = options.Value.Window,
            QueueLimit = 0,
        }));

    /// <summary>
    /// Counts one attempt on the account name from a client that never signed into it; null to go ahead, otherwise
    /// how long to wait. Clients that signed into it before are not counted, so guesses from elsewhere never stop them.
    /// </summary>
    public TimeSpan? Attempt(string account, string client)
    {
        if (IsKnown(account, client))
        {
            return null;
        }

        using var lease = _attempts.AttemptAcquire(account);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) && retry > TimeSpan.Zero ? retry : options.Value.Window;
    }

    /// <summary>Whether <paramref name="client"/> has signed into <paramref name="account"/> before (in this process).</summary>
    public bool IsKnown(string account, string client) => _known.TryGetValue(account, out var k) && k.Contains(client);

    /// <summary>How long the client must still wait before trying this account, or null to go ahead.</summary>
    public TimeSpan? WaitFor(string account, string client)
    {
        if (IsKnown(account, client))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var wait = Max(Remaining(_accounts, account, _options.FreeFailuresPerAccount, now), Remaining(_clients, client, _options.FreeFailuresPerClient, now));
        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string account, string client)
    {
        var now = clock.GetUtcNow();
        Count(_accounts, account, now);
        Count(_clients, client, now);
    }

    public void Succeeded(string account, string client)
    {
        _accounts.TryRemove(account, out _);
        Prune(_known);
        _known.GetOrAdd(account, _ => new KnownClients()).Add(client);
    }

    private TimeSpan Remaining(ConcurrentDictionary<string, Failures> map, string key, int free, DateTimeOffset now)
    {
        if (!map.TryGetValue(key, out var f))
        {
            return TimeSpan.Zero;
        }

        var (count, last) = f.Read();
        if (count < free || now - last > _options.ForgetFailuresAfter)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(count - free, 20);
        var delay = TimeSpan.FromTicks(Math.Min(_options.FirstDelay.Ticks * (1L << doublings), _options.MaxDelay.Ticks));
        return last + delay - now;
    }

    private void Count(ConcurrentDictionary<string, Failures> map, string key, DateTimeOffset now)
    {
        Prune(map);
        map.GetOrAdd(key, _ => new Failures()).Add(now, _options.ForgetFailuresAfter);
    }

    private static void Prune<T>(ConcurrentDictionary<string, T> map)
        where T : notnull
    {
        // A flood of made-up names must not grow memory without bound: past the cap, start over (forgetting is safe).
        if (map.Count > MaxEntries)
        {
            map.Clear();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Failures
    {
        private int _count;
        private DateTimeOffset _last;

        public (int Count, DateTimeOffset Last) Read()
        {
            lock (this)
            {
                return (_count, _last);
            }
        }

        public void Add(DateTimeOffset now, TimeSpan forgetAfter)
        {
            lock (this)
            {
                _count = now - _last > forgetAfter ? 1 : _count + 1;
                _last = now;
            }
        }
    }

    private sealed class KnownClients
    {
        private readonly List<string> _clients = [];

        public bool Contains(string client)
        {
            lock (_clients)
            {
                return _clients.Contains(client);
            }
        }

        public void Add(string client)
        {
            lock (_clients)
            {
                _clients.Remove(client);
                _clients.Add(client);
                if (_clients.Count > KnownClientsPerAccount)
                {
                    _clients.RemoveAt(0);
                }
            }
        }
    }
}
