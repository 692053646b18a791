using Liaison.Cases.Digests;
using Liaison.Cases.Notifications;
using Liaison.Server.Calendar;

namespace Liaison.Server.Digests;

public static class DigestsSetup
{
    /// <summary>Daily digests, the weekly league table (红黄榜) and its report API.</summary>
    public static IServiceCollection AddDigests(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<DigestOptions>(config.GetSection(DigestOptions.Section));
        services.AddSingleton(sp => new DigestMailRenderer(sp.GetRequiredService<ITemplateOverrides>(), sp.GetRequiredService<CalendarService>().TimeZone));
        services.AddScoped<DigestService>();
        services.AddSingleton<LeagueTableCsvLinks>();
        services.AddScoped<DigestJob>();
        services.AddScoped<LeagueRollupJob>();
        return services;
    }
}
