namespace Liaison.Server.Jobs;

/// <summary>
/// A background loop on job processes (<c>Liaison:Jobs:RunServer</c>) that does its work as soon as something is due:
/// it runs, learns when the next piece of work falls due, and sleeps until then (at most <see cref="PollInterval"/>,
/// which is how soon work committed by another process is seen), unless <see cref="Nudge"/> wakes it first (work
/// committed in this process). It replaces a Hangfire job per timer or per mail: the work itself stays safe to run
/// twice and on several processes at once, because the database decides (claims, row locks, state checks).
/// </summary>
public abstract class WakeablePump(TimeProvider clock, ILogger log) : BackgroundService
{
    private readonly SemaphoreSlim _nudge = new(0, 1);

    // When the loop plans to run next (UTC ticks); a nudge for later work need not wake it. MaxValue while it runs or
    // plans: then every nudge counts, since the run may already have read past the new work.
    private long _plannedTicks = DateTimeOffset.MaxValue.UtcTicks;

    /// <summary>How long the pump sleeps at most when nothing it knows of is due.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Something was committed that may be due sooner than the pump planned: run now.</summary>
    public void Nudge()
    {
        try
        {
            _nudge.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already nudged; one wake-up does all that is due.
        }
    }

    /// <summary>Work committed here falls due at <paramref name="dueAt"/>: wake the loop only if it planned to sleep past it.</summary>
    public void NudgeFor(DateTimeOffset dueAt)
    {
        if (dueAt.UtcTicks < Interlocked.Read(ref _plannedTicks))
        {
            Nudge();
        }
    }

    /// <summary>Does what is due; returns when the next known work falls due (null: nothing known).</summary>
    protected abstract Task<DateTimeOffset?> RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = PollInterval;
            try
            {
                if (await RunOnceAsync(stoppingToken) is { } next)
                {
                    var untilDue = next - clock.GetUtcNow();
                    wait = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < wait ? untilDue : wait;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database or SMTP is away for a moment: try again after the poll interval.
                log.LogError(ex, "{Pump} failed; retrying in {Seconds} s", GetType().Name, PollInterval.TotalSeconds);
            }

            Interlocked.Exchange(ref _plannedTicks, (clock.GetUtcNow() + wait).UtcTicks);
            try
            {
                using var nap = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var slept = Task.Delay(wait, clock, nap.Token);
                var woken = _nudge.WaitAsync(nap.Token);
                await Task.WhenAny(slept, woken);
                await nap.CancelAsync();
                // Observe the loser's cancellation.
                await Task.WhenAll(slept, woken).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                Interlocked.Exchange(ref _plannedTicks, DateTimeOffset.MaxValue.UtcTicks);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
