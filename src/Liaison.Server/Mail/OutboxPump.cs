using Liaison.Server.Data;
using Liaison.Server.Jobs;
using Microsoft.EntityFrameworkCore;

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
        await scope.ServiceProvider.GetRequiredService<OutboxRelay>().RelayDueAsync(ct);
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        return await db.Outbox.Where(m => m.Status == OutboxStatus.Pending).MinAsync(m => (DateTimeOffset?)m.NextAttemptAt, ct);
    }
}
