namespace Liaison.Server.Mail;

/// <summary>Hangfire entry point: kicked after every commit that wrote mail, and swept every minute.</summary>
public sealed class OutboxRelayJob(OutboxRelay relay)
{
    public const string RecurringId = "outbox-relay";

    public Task RunAsync(CancellationToken ct) => relay.RelayDueAsync(ct);
}
