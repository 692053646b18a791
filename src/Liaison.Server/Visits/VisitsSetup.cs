namespace Liaison.Server.Visits;

public static class VisitsSetup
{
    public static IServiceCollection AddVisits(this IServiceCollection services) => services.AddScoped<VisitService>();

    /// <summary>The visits API and pages (走访).</summary>
    public static IEndpointRouteBuilder MapVisits(this IEndpointRouteBuilder app) => app.MapVisitsApi().MapVisitPages();
}
