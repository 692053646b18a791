using Liaison.Server.Jobs;

namespace Liaison.Server.Mail;

/// <summary>
/// Sends outbox mail as soon as it is committed, on job processes: a commit in this process that wrote mail wakes it
/// (<see cref="OutboxKickInterceptor"/>), mail written by another process is seen within the poll interval, and a
/// retry waits until its <c>next_attempt_at</c>. No Hangfire job per mail; the minute relay job stays as a safety net,
/// and relays only while this pump does not (<see cref="RelayUnlessBusyAsync"/>).
/// </summary>
public sealed class OutboxPump(IServiceScopeFactory scopes, TimeProvider clock, ILogger<OutboxPump> log) : WakeablePump(clock, log)
{
    // One relay at a time in this process. Two relays walk the same due mails in the same order, so each kept finding
    // the mail it tried next taken by the other: at a million cases, four claims in five came back empty, a
    // transaction each (bench/RESULTS.md (g)). Relays of other processes still share the work through the row locks.
    private readonly SemaphoreSlim _relaying = new(1, 1);

    protected override async Task<DateTimeOffset?> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var relay = scope.ServiceProvider.GetRequiredService<OutboxRelay>();
        await _relaying.WaitAsync(ct);
        return (await RelayHoldingAsync(relay, ct)).NextDueAt;
    }

    /// <summary>
    /// Relays what is due unless this process is relaying already (its pump, or an earlier run of the minute job that
    /// is still sending); returns the run's report, or null when it left the work to the run under way.
    /// </summary>
    public async Task<RelayReport?> RelayUnlessBusyAsync(OutboxRelay relay, CancellationToken ct) =>
        await _relaying.WaitAsync(0, ct) ? await RelayHoldingAsync(relay, ct) : null;

    /// <summary>One relay run by the holder of the gate, which it releases.</summary>
    private async Task<RelayReport> RelayHoldingAsync(OutboxRelay relay, CancellationToken ct)
    {
        try
        {
            return await relay.RelayDueAsync(ct);
        }
        finally
        {
            _relaying.Release();
        }
    }
}
