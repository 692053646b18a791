using Liaison.Server.Admin;
using Liaison.Server.Calendar;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Pages;

namespace Liaison.Server.Audit;

/// <summary>The admin's change log page (<c>/admin/audit</c>): the same reading as the API, with a filter form.</summary>
public static class AuditPages
{
    public static IEndpointRouteBuilder MapAuditPages(this IEndpointRouteBuilder app)
    {
        app.MapAdminPageGroup("admin/audit").MapGet("/", Index);
        return app;
    }

    private static async Task<IResult> Index(
        string? area, string? actor, string? subject, string? from, string? to, string? page,
        LiaisonDbContext db, CalendarService calendars, CancellationToken ct)
    {
        var filter = new AuditFilter(area, actor, subject, from, to, page);
        var result = await AuditQuery.ListAsync(db, filter, calendars.TimeZone, ct);
        return PageResults.Page<AuditLogPage>(new AuditLogModel(filter, result.Value, result.Error), result.Error is { } e ? PageResults.StatusOf(e) : 200);
    }
}

/// <summary>The filter as given, and the page it found or why it could not (a wrong date, an unknown area).</summary>
public sealed record AuditLogModel(AuditFilter Filter, AuditPage? List, ServiceError? Error);
