using Liaison.Server.Auth;
using Liaison.Server.Http;

namespace Liaison.Server.Jobs;

/// <summary>
/// The dashboard's page polls <c>POST /hangfire/stats</c> with a form of metric names. Hangfire answers every method
/// there and reads the form regardless, so a <c>GET</c> (a person opening the address, a crawler) threw on the missing
/// form and became a 500. A <c>GET</c> is the caller's mistake: 405, with <c>Allow: POST</c>.
/// </summary>
public static class DashboardStats
{
    public static IEndpointConventionBuilder MapJobDashboardStatsGet(this IEndpointRouteBuilder app) =>
        app.MapGet("/hangfire/stats", (HttpContext http) =>
            {
                http.Response.Headers.Allow = "POST";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status405MethodNotAllowed,
                    title: "Method Not Allowed",
                    detail: "统计数据只接受 POST（仪表板页面会自动请求） / The statistics accept POST only (the dashboard page asks for them)");
            })
            .RequireAuthorization(Policies.Admin)
            .ExcludeFromDescription();
}
