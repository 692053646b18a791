using Liaison.Cases.Notifications;
using Liaison.Server.Calendar;
using Liaison.Server.Categories;
using Liaison.Server.Workflows;

namespace Liaison.Server.Cases;

public static class CasesSetup
{
    /// <summary>The case domain in the host: calendar, mail, workflow glue and the case service.</summary>
    public static IServiceCollection AddCases(this IServiceCollection services)
    {
        services.AddSingleton<CalendarService>();
        services.AddSingleton<CategoryService>();
        services.AddSingleton(sp => new CaseMailRenderer(sp.GetService<ITemplateOverrides>(), sp.GetRequiredService<CalendarService>().TimeZone));
        services.AddScoped<CaseMailer>();
        services.AddScoped<DeadlineRecalculation>();
        services.AddScoped<CaseRoutingFactory>();
        services.AddScoped<IRunContextFactory>(sp => sp.GetRequiredService<CaseRoutingFactory>());
        services.AddScoped<IWorkflowEffectHandler, CaseEffectHandler>();
        services.AddScoped<CaseService>();
        services.AddSingleton<IWorkflowRequirement, RoutingRequirement>();
        services.AddSingleton<RoutingLimits>();
        services.AddScoped<BulkReassignment>();
        services.AddSingleton<CaseNumbers>();
        services.AddScoped<CaseQueries>();
        services.AddScoped<CaseTimelineView>();
        services.AddScoped<ActorNames>();
        return services;
    }
}
