using Liaison.Cases.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Liaison.Server.Http;

public sealed class DatabaseHealthCheck(LiaisonDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
            return pending == 0
                ? HealthCheckResult.Healthy("PostgreSQL reachable, schema up to date")
                : HealthCheckResult.Unhealthy($"PostgreSQL reachable, {English.Count(pending, "migration", "migrations")} pending");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL unreachable: " + ex.Message);
        }
    }
}

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResponseWriter = async (http, report) =>
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsJsonAsync(new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(
                        e => e.Key,
                        e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
                });
            },
        }).AllowAnonymous();
        // Liveness only: the process answers; no dependency is checked.
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "Healthy" })).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
