using Liaison.Server.Jobs;

namespace Liaison.Server.Workflows;

/// <summary>
/// Fires workflow timers from <c>workflow_bookmarks.resume_at</c>, on job processes: no Hangfire job per timer. It sweeps
/// what is due, then sleeps until the next timer (or the poll interval); a commit in this process that creates an
/// earlier timer wakes it (<see cref="WorkflowTimerScheduler"/>). The minute sweep (Hangfire recurring job) stays as a
/// safety net.
/// </summary>
public sealed class WorkflowTimerPump(IServiceScopeFactory scopes, TimeProvider clock, ILogger<WorkflowTimerPump> log) : WakeablePump(clock, log)
{
    protected override async Task<DateTimeOffset?> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredService<WorkflowTimerJob>();
        await job.SweepAsync(ct);
        return await job.NextDueAsync(ct);
    }
}
