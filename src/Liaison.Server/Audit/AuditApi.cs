using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Liaison.Server.Audit;

/// <summary>The change log for admins (操作日志): who changed the zone's setup, and what it was before.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/admin/audit", List).WithTags("Audit").RequirePolicy(Policies.Admin);
        app.MapGet(AuditExport.Path, AuditExport.ExportCsv).WithTags("Audit").RequirePolicy(Policies.Admin);
        return app;
    }

    /// <summary>Entries newest first, 50 a page.</summary>
    /// <param name="area">department, category, calendar, template, workflow, account, enterprise or mail.</param>
    /// <param name="actor">Part of the email of who made the change (<c>system</c> for the server's own imports).</param>
    /// <param name="subject">Part of what changed: a department's code, a year, <c>dispatch/zh-CN</c>, an email, ….</param>
    /// <param name="from">First local day, <c>yyyy-MM-dd</c>.</param>
    /// <param name="to">Last local day, <c>yyyy-MM-dd</c>, inclusive.</param>
    /// <param name="page">From 1.</param>
    public static async Task<Results<Ok<AuditPage>, ValidationProblem>> List(
        string? area, string? actor, string? subject, string? from, string? to, string? page,
        LiaisonDbContext db, CalendarService calendars, CancellationToken ct) =>
        await AuditQuery.ListAsync(db, new AuditFilter(area, actor, subject, from, to, page), calendars.TimeZone, ct) switch
        {
            { Value: { } list } => TypedResults.Ok(list),
            var failed => Problems.Invalid(((ServiceError.Invalid)failed.Error!).Fields),
        };
}
