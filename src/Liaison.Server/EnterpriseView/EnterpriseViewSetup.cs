using Liaison.Server.Workflows;

namespace Liaison.Server.EnterpriseView;

public static class EnterpriseViewSetup
{
    /// <summary>The enterprise's own view of its cases and its rating. Call after <c>AddCases</c>: its effect handler runs after the case's own.</summary>
    public static IServiceCollection AddEnterpriseView(this IServiceCollection services)
    {
        services.AddScoped<EnterpriseNotices>();
        services.AddScoped<IWorkflowEffectHandler>(sp => sp.GetRequiredService<EnterpriseNotices>());
        services.AddScoped<RatingService>();
        return services;
    }

    public static IEndpointRouteBuilder MapEnterpriseView(this IEndpointRouteBuilder app)
    {
        app.MapEnterpriseLinkPages();
        app.MapRatings();
        return app;
    }
}
