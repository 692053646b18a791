namespace Liaison.Server.Mail;

/// <summary>
/// Hangfire's minute relay: the safety net behind this process's <see cref="OutboxPump"/>. It relays only when no relay
/// runs in this process already; the one under way sends what is due.
/// </summary>
public sealed class OutboxRelayJob(OutboxRelay relay, OutboxPump pump)
{
    public const string RecurringId = "outbox-relay";

    public Task RunAsync(CancellationToken ct) => pump.RelayUnlessBusyAsync(relay, ct);
}
