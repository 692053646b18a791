using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Routing.Activities;
using Liaison.Server.Admin;
using Liaison.Server.Data;
using Liaison.Server.Pages;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Workflows;

/// <summary>
/// The admins' page for one workflow instance at <c>/admin/workflow-instances/{id}</c>: what runs and where it stands,
/// its parent and children (each a link to its own page), its bookmarks, journal and incidents. It reads what
/// <c>GET /api/workflow-instances/{id}</c> answers, from the same loader.
/// </summary>
public static partial class WorkflowInstancePages
{
    public static IEndpointRouteBuilder MapWorkflowInstancePages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapAdminPageGroup("admin/workflow-instances");
        pages.MapGet("/", List);
        pages.MapGet("/{id}", Show);
        return app;
    }

    public static string InstanceUrl(Guid id) => $"/admin/workflow-instances/{id}";

    public const string ListUrl = "/admin/workflow-instances";

    /// <summary>How many of the latest incidents the list shows.</summary>
    public const int IncidentsShown = 50;

    /// <summary>
    /// The list: the latest incidents of every workflow (newest first, by the incidents' key), and with <paramref name="q"/>
    /// an instance's page (its id) or a case's instances (its number: the lead's and each co-handler's, which share the
    /// case's correlation id). Nothing found is a 404 with the form and the incidents.
    /// </summary>
    private static async Task<IResult> List(string? q, LiaisonDbContext db, CancellationToken ct)
    {
        var query = q?.Trim();
        var incidents = await (
            from x in db.Set<WorkflowIncidentRecord>().AsNoTracking().OrderByDescending(x => x.Id).Take(IncidentsShown)
            join i in db.Set<WorkflowInstanceRecord>() on x.InstanceId equals i.Id
            orderby x.Id descending
            select new { x.Id, x.InstanceId, x.At, x.ActivityId, x.Message, i.DefinitionId, i.DefinitionVersion, i.Status, i.CorrelationId }).ToListAsync(ct);
        static long? CaseOf(string? correlation) => PartCorrelation.TryParse(correlation, out var id, out _) ? id : null;
        var caseIds = incidents.Select(x => CaseOf(x.CorrelationId)).OfType<long>().Distinct().ToList();
        var numbers = caseIds.Count == 0 ? [] : await db.Cases.AsNoTracking().Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Number, ct);
        var rows = incidents.Select(x => new IncidentRow(x.InstanceId, x.At, x.ActivityId, x.Message, x.DefinitionId, x.DefinitionVersion, x.Status.ToString(),
            CaseOf(x.CorrelationId) is { } id ? numbers.GetValueOrDefault(id) : null, x.Id)).ToList();
        var model = new WorkflowInstanceListModel(query, null, null, rows);
        if (string.IsNullOrEmpty(query))
        {
            return PageResults.Page<WorkflowInstanceListPage>(model);
        }

        // An incident's number, as a refused action quoted it (流程故障 #N): its instance's page, at the incident.
        if (IncidentNumber().Match(query) is { Success: true } number && long.TryParse(number.Groups[1].Value, out var incidentId))
        {
            return await db.Set<WorkflowIncidentRecord>().AsNoTracking().Where(x => x.Id == incidentId).Select(x => (Guid?)x.InstanceId).FirstOrDefaultAsync(ct) is { } of
                ? Results.Redirect(InstanceUrl(of) + $"#incident-{incidentId}")
                : PageResults.Page<WorkflowInstanceListPage>(
                    model with { NotFound = new($"没有编号为 #{incidentId} 的流程故障", $"There is no workflow incident #{incidentId}") }, StatusCodes.Status404NotFound);
        }

        if (Guid.TryParse(query, out var instanceId))
        {
            return await db.Set<WorkflowInstanceRecord>().AnyAsync(i => i.Id == instanceId, ct)
                ? Results.Redirect(InstanceUrl(instanceId))
                : PageResults.Page<WorkflowInstanceListPage>(
                    model with { NotFound = new($"没有编号为 {instanceId} 的流程实例", $"There is no workflow instance '{instanceId}'") }, StatusCodes.Status404NotFound);
        }

        var caseId = query.Length <= 100 ? await db.Cases.AsNoTracking().Where(c => c.Number == query).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct) : null;
        var found = caseId is { } cid
            ? await Cases.CaseQueries.InstancesOfCase(db, cid).AsNoTracking()
                .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
                .Select(i => new InstanceRow(i.Id, i.DefinitionId, i.DefinitionVersion, i.Status.ToString(), i.CreatedAt, i.UpdatedAt)).ToListAsync(ct)
            : [];
        return found.Count > 0
            ? PageResults.Page<WorkflowInstanceListPage>(model with { Found = found })
            : PageResults.Page<WorkflowInstanceListPage>(
                model with
                {
                    NotFound = caseId is null
                        ? new($"没有编号为 {query} 的事项或流程实例", $"No case or workflow instance is numbered '{query}'")
                        : new($"事项 {query} 没有流程实例", $"Case {query} has no workflow instance"),
                },
                StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Show(string id, LiaisonDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var instanceId))
        {
            return PageResults.Message(
                new MessageModel(new Text("编号无效", "Invalid id"),
                    new Text($"“{id}”不是流程实例编号（应为 GUID，如 3f2b…-…）", $"'{id}' is not a workflow instance id (a GUID such as 3f2b…-…)"),
                    "/admin", BackToAdmin),
                StatusCodes.Status400BadRequest);
        }

        if (await WorkflowInstancesApi.LoadAsync(db, instanceId, ct) is { } instance)
        {
            // A case's workflow (the lead's or a co-handler's) links to its case.
            var caseNumber = PartCorrelation.TryParse(instance.CorrelationId, out var caseId, out _)
                ? await db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => c.Number).FirstOrDefaultAsync(ct)
                : null;
            return PageResults.Page<WorkflowInstancePage>(new WorkflowInstancePageModel(instance, caseNumber));
        }

        return PageResults.Message(
                new MessageModel(MessageModel.NotFoundTitle, new Text($"没有编号为 {instanceId} 的流程实例", $"There is no workflow instance '{instanceId}'"),
                    "/admin", BackToAdmin),
                StatusCodes.Status404NotFound);
    }

    private static readonly Text BackToAdmin = new("返回管理", "Back to admin");

    [System.Text.RegularExpressions.GeneratedRegex(@"^#?(\d{1,18})$")]
    private static partial System.Text.RegularExpressions.Regex IncidentNumber();

    /// <summary>An instance's status in the reader's words.</summary>
    public static Text StatusLabel(string status) => status switch
    {
        "Running" => new("运行中", "Running"),
        "Suspended" => new("等待中", "Suspended (waiting)"),
        "Finished" => new("已结束", "Finished"),
        "Faulted" => new("出错终止", "Faulted"),
        "Cancelled" => new("已取消", "Cancelled"),
        _ => new(status, status),
    };
}

/// <param name="Query">What the admin looked for, as typed.</param>
/// <param name="Found">The instances of the case looked for; null when no case was looked for or found.</param>
/// <param name="NotFound">Why nothing was found.</param>
public sealed record WorkflowInstanceListModel(string? Query, IReadOnlyList<InstanceRow>? Found, Text? NotFound, IReadOnlyList<IncidentRow> Incidents);

public sealed record InstanceRow(Guid Id, string DefinitionId, int DefinitionVersion, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <param name="CaseNumber">The case the instance routes (the lead's or a co-handler's), when it routes one.</param>
public sealed record IncidentRow(
    Guid InstanceId, DateTimeOffset At, string? ActivityId, string Message, string DefinitionId, int DefinitionVersion, string Status, string? CaseNumber,
    long Number);

/// <param name="CaseNumber">The case whose workflow this is (the lead's or a co-handler's: its correlation id names it), if any.</param>
public sealed record WorkflowInstancePageModel(WorkflowInstanceDto Instance, string? CaseNumber);
