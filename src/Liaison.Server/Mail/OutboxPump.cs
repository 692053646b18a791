using Liaison.Server.Jobs;

namespace Liaison.Server.Mail;

/// <summary>
/// Sends outbox mail as soon as it is committed, on job processes: a commit in this process that wrote mail wakes it
/// (<see cref="OutboxKickInterceptor"/>), mail written by another process is seen within the poll interval, and a
/// retry waits until its <c>next_attempt_at</c>. No Hangfire job per mail; the minute relay job stays as a safety net.
/// </summary>
public sealed class OutboxPump(IServiceScopeFactory scopes, TimeProvider clock, ILogger<OutboxPump> log) : WakeablePump(clock, log)
{
    protected override async Task<DateTimeOffset?> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<OutboxRelay>().RelayDueAsync(ct)).NextDueAt;
    }
}
