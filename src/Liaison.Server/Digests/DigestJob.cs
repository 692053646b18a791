using Hangfire;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Digests;

/// <summary>
/// Hangfire entry points. Both fire every day at the send time in the zone's time zone; the service decides whether
/// today is a digest day and sends only for today, so a run missed during downtime is never sent late and a
/// repeated run sends nothing twice.
/// </summary>
public sealed class DigestJob(DigestService digests)
{
    public const string DailyId = "digests-daily";
    public const string WeeklyId = "league-table-weekly";

    /// <summary>The run's summary is the job's result, shown in the jobs dashboard (e.g. why a run triggered on a Sunday sent nothing).</summary>
    public async Task<string> RunDailyAsync(CancellationToken ct) => (await digests.SendDailyAsync(ct)).Summary;

    public async Task<string> RunWeeklyAsync(CancellationToken ct) => (await digests.SendLeagueTableAsync(ct)).Summary;

    /// <summary>Registers (or updates) both recurring jobs; idempotent.</summary>
    public static void Register(IRecurringJobManager recurring, IServiceProvider services)
    {
        var at = services.GetRequiredService<IOptions<DigestOptions>>().Value.SendAt;
        var options = new RecurringJobOptions { TimeZone = services.GetRequiredService<CalendarService>().TimeZone };
        var cron = $"{at.Minute} {at.Hour} * * *";
        recurring.AddOrUpdate<DigestJob>(DailyId, j => j.RunDailyAsync(CancellationToken.None), cron, options);
        // Daily too: the league table goes out on the week's first working day, which is not always Monday.
        recurring.AddOrUpdate<DigestJob>(WeeklyId, j => j.RunWeeklyAsync(CancellationToken.None), cron, options);
        // Hourly: the day just ended is rolled up soon after midnight, and a missed run is caught up by the next.
        recurring.AddOrUpdate<LeagueRollupJob>(LeagueRollupJob.RecurringId, j => j.RunAsync(CancellationToken.None), "10 * * * *", options);
    }
}

/// <summary>Rolls the league table's scored entries up per day (<see cref="LeagueRollup"/>), hourly; safe twice and on several nodes.</summary>
public sealed class LeagueRollupJob(LiaisonDbContext db, CalendarService calendars, TimeProvider clock)
{
    public const string RecurringId = "league-rollup";

    public async Task RunAsync(CancellationToken ct) => await LeagueRollup.RollAsync(db, await calendars.GetAsync(ct), clock.GetUtcNow(), ct);
}
