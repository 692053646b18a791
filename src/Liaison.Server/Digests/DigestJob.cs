using Hangfire;
using Liaison.Server.Calendar;
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

    public Task RunDailyAsync(CancellationToken ct) => digests.SendDailyAsync(ct);

    public Task RunWeeklyAsync(CancellationToken ct) => digests.SendLeagueTableAsync(ct);

    /// <summary>Registers (or updates) both recurring jobs; idempotent.</summary>
    public static void Register(IRecurringJobManager recurring, IServiceProvider services)
    {
        var at = services.GetRequiredService<IOptions<DigestOptions>>().Value.SendAt;
        var options = new RecurringJobOptions { TimeZone = services.GetRequiredService<CalendarService>().TimeZone };
        var cron = $"{at.Minute} {at.Hour} * * *";
        recurring.AddOrUpdate<DigestJob>(DailyId, j => j.RunDailyAsync(CancellationToken.None), cron, options);
        // Daily too: the league table goes out on the week's first working day, which is not always Monday.
        recurring.AddOrUpdate<DigestJob>(WeeklyId, j => j.RunWeeklyAsync(CancellationToken.None), cron, options);
    }
}
