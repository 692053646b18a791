using Liaison.Server.Data;
using Liaison.Server.Jobs;

namespace Liaison.Server.Cases;

/// <summary>
/// Recomputes the open cases' deadlines after an admin stored a year's schedule, on job processes: a save in this process
/// wakes it, a save in another process (a web-only one) is seen within the poll interval, and a recomputation cut
/// short by a restart resumes after its last committed chunk (<see cref="DeadlineRecalculation.RunChunkAsync"/>).
/// </summary>
public sealed class DeadlineRecomputePump : WakeablePump
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<DeadlineRecomputePump> _log;

    public DeadlineRecomputePump(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DeadlineRecomputePump> log)
        : base(clock, log)
    {
        (_scopes, _log) = (scopes, log);
        // Saves are rare and wake the pump in their own process; a web-only process's save waits this long at most.
        PollInterval = TimeSpan.FromSeconds(10);
    }

    protected override async Task<DateTimeOffset?> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var chunks = await services.GetRequiredService<DeadlineRecalculation>().RunPendingAsync(services.GetRequiredService<LiaisonDbContext>(), ct);
        if (chunks > 0)
        {
            _log.LogInformation("Recomputed deadlines in {Chunks} chunk(s)", chunks);
        }

        return null;
    }
}
