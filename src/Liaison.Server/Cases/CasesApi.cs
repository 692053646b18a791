using System.Security.Claims;
using Liaison.Cases.Cases;
using Liaison.Cases.Sla;
using Liaison.Server.Auth;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Liaison.Server.Workflows;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

public static class CasesApi
{
    public const int PageSize = 50;

    /// <summary>The officer's decisions, each at <c>POST /api/cases/{number}/{action}</c>.</summary>
    internal static readonly string[] OfficerDecisions =
        [CaseActions.Reassign, CaseActions.Confirm, CaseActions.Reopen, CaseActions.Cancel, CaseActions.ExtensionDecision];

    public static RouteGroupBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/cases").WithTags("Cases").RequireAuthorization(Policies.Officer);
        api.MapPost("/", Open);
        api.MapGet("/", List);
        api.MapGet("/{number}", Get);
        api.MapGet("/{number}/workflow", Workflow);
        foreach (var action in OfficerDecisions)
        {
            api.MapPost($"/{{number}}/{action}", (string number, CaseService.OfficerDecision body, ClaimsPrincipal user, CaseService cases,
                LiaisonDbContext db, TimeProvider clock, CancellationToken ct) => Decide(number, action, body, user, cases, db, clock, ct));
        }

        app.MapGet("api/categories", Categories).WithTags("Cases").RequireAuthorization(Policies.Officer);
        return api;
    }

    public static async Task<Results<Created<CaseDto>, ValidationProblem>> Open(
        CaseService.OpenCase body, ClaimsPrincipal user, UserManager<LiaisonUser> users, CaseService cases, LiaisonDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (c, errors) = await cases.OpenAsync(users.GetUserId(user)!, body, ct);
        if (c is null)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        return TypedResults.Created($"/api/cases/{c.Number}", await CaseDto.LoadAsync(db, c.Number, clock.GetUtcNow(), ct));
    }

    public static async Task<Results<Ok<CasePage>, ProblemHttpResult>> List(
        LiaisonDbContext db, TimeProvider clock, string? status, string? departmentCode, bool? overdue, string? q, int? page, CancellationToken ct)
    {
        var query = db.Cases.AsNoTracking();
        if (!string.IsNullOrEmpty(status))
        {
            if (!CaseStatuses.TryParse(status, out var s))
            {
                return Problems.BadRequest("status 无效", "status must be dispatched, accepted, in-progress, returned, resolved, closed or cancelled");
            }

            query = query.Where(c => c.Status == s);
        }

        if (!string.IsNullOrEmpty(departmentCode))
        {
            query = query.Where(c => c.DepartmentCode == departmentCode);
        }

        var now = clock.GetUtcNow();
        if (overdue is { } o)
        {
            var open = new[] { CaseStatus.Dispatched, CaseStatus.Accepted, CaseStatus.InProgress, CaseStatus.Returned };
            query = o
                ? query.Where(c => open.Contains(c.Status) && c.DueAt < now)
                : query.Where(c => !(open.Contains(c.Status) && c.DueAt < now));
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = $"%{q.Trim()}%";
            query = query.Where(c => EF.Functions.ILike(c.Title, term) || EF.Functions.ILike(c.Number, term) || EF.Functions.ILike(c.Enterprise.Name, term));
        }

        if (page is < 1)
        {
            return Problems.BadRequest("page 从 1 开始", "page starts at 1");
        }

        var p = page ?? 1;
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(c => c.Id).Skip((p - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return TypedResults.Ok(new CasePage(p, PageSize, total, rows.Select(c => CaseSummaryDto.From(c, now)).ToList()));
    }

    public static async Task<Results<Ok<CaseDto>, ProblemHttpResult>> Get(string number, LiaisonDbContext db, TimeProvider clock, CancellationToken ct) =>
        await CaseDto.LoadAsync(db, number, clock.GetUtcNow(), ct) is { } dto ? TypedResults.Ok(dto) : NotFound(number);

    public static async Task<Results<Ok<WorkflowInstanceDto>, ProblemHttpResult>> Workflow(string number, LiaisonDbContext db, CancellationToken ct)
    {
        var id = await db.Cases.Where(c => c.Number == number).Select(c => c.WorkflowInstanceId).FirstOrDefaultAsync(ct);
        return id is { } instanceId ? await WorkflowInstancesApi.Get(instanceId, db, ct) : NotFound(number);
    }

    public static Ok<IEnumerable<CategoryDto>> Categories() =>
        TypedResults.Ok(CaseCategories.Defaults.Select(c => new CategoryDto(c.Code, c.NameZh, c.Name, c.Sla.AcceptWithinWorkingDays, c.Sla.ResolveWithinWorkingDays, c.Sla.ProgressReportEveryWorkingDays)));

    private static async Task<Results<Ok<CaseDto>, ProblemHttpResult>> Decide(
        string number, string action, CaseService.OfficerDecision body, ClaimsPrincipal user, CaseService cases, LiaisonDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var result = await cases.DecideAsync(number, action, user.Identity?.Name ?? "officer", body, ct);
        if (result.Error is { } error)
        {
            return Problems.Problem(error.Status, error.Message);
        }

        return TypedResults.Ok((await CaseDto.LoadAsync(db, number, clock.GetUtcNow(), ct))!);
    }

    private static ProblemHttpResult NotFound(string number) => Problems.NotFound($"没有编号为 {number} 的事项", $"no case numbered '{number}'");
}

public sealed record CategoryDto(string Code, string NameZh, string Name, int AcceptWithinWorkingDays, int ResolveWithinWorkingDays, int? ProgressReportEveryWorkingDays);

public sealed record CasePage(int Page, int PageSize, int Total, List<CaseSummaryDto> Items);

public sealed record PersonRef(string Name, string Email);

public sealed record CaseSummaryDto(
    string Number, string Title, CaseStatus Status, string Category, CasePriority Priority, string Department, PersonRef Handler,
    DateTimeOffset? AcceptBy, DateTimeOffset? DueAt, bool Provisional, bool Overdue, string Enterprise, DateTimeOffset CreatedAt)
{
    public static CaseSummaryDto From(Case c, DateTimeOffset now) => new(
        c.Number, c.Title, c.Status, c.Category, c.Priority, c.DepartmentCode, new PersonRef(c.HandlerName, c.HandlerEmail),
        c.AcceptBy, c.DueAt, c.Provisional, CaseDto.IsOverdue(c, now), c.Enterprise.Name, c.CreatedAt);
}

public sealed record TimelineEntryDto(DateTimeOffset At, string Kind, string Actor, string? Note, System.Text.Json.JsonElement? Data);

public sealed record EnterpriseDto(string Name, string CreditCode, string? Contact, bool IsKey, string? ChiefServiceOfficer);

public sealed record ExtensionRequestDto(int Days, string? Reason);

public sealed record CaseDto(
    string Number, string Title, string Description, CaseStatus Status, string Category, CasePriority Priority,
    string Department, string? DepartmentName, PersonRef Handler, PersonRef? Leader, int AssignmentRound,
    DateTimeOffset? AcceptBy, DateTimeOffset? DueAt, DateTimeOffset? OriginalDueAt, bool Provisional, bool Overdue,
    EnterpriseDto Enterprise, ExtensionRequestDto? PendingExtension, int Returns, int Extensions, int Reopenings,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<string> AllowedActions, IReadOnlyList<TimelineEntryDto> Timeline)
{
    public static bool IsOverdue(Case c, DateTimeOffset now) =>
        c.Status is CaseStatus.Dispatched or CaseStatus.Accepted or CaseStatus.InProgress or CaseStatus.Returned && c.DueAt < now;

    public static async Task<CaseDto?> LoadAsync(LiaisonDbContext db, string number, DateTimeOffset now, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.Number == number, ct);
        if (c is null)
        {
            return null;
        }

        var events = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var department = await db.Departments.AsNoTracking().Where(d => d.Code == c.DepartmentCode).Select(d => d.Name).FirstOrDefaultAsync(ct);
        return new CaseDto(
            c.Number, c.Title, c.Description, c.Status, c.Category, c.Priority, c.DepartmentCode, department,
            new PersonRef(c.HandlerName, c.HandlerEmail), c.LeaderEmail is null ? null : new PersonRef(c.LeaderName ?? "", c.LeaderEmail),
            c.AssignmentRound, c.AcceptBy, c.DueAt, c.OriginalDueAt, c.Provisional, IsOverdue(c, now),
            new EnterpriseDto(c.Enterprise.Name, c.Enterprise.CreditCode, c.Enterprise.Contact, c.Enterprise.IsKey, c.Enterprise.ChiefServiceOfficer),
            c.PendingExtensionDays is { } days ? new ExtensionRequestDto(days, c.PendingExtensionReason) : null,
            c.ReturnCount, c.ExtensionCount, c.ReopenCount, c.CreatedAt, c.UpdatedAt,
            CasesApi.OfficerDecisions.Where(a => CaseActions.WhyNot(c, a) is null).ToList(),
            events.Select(e => new TimelineEntryDto(e.At, e.Kind, e.Actor, e.Note,
                e.Data is null ? null : System.Text.Json.JsonDocument.Parse(e.Data).RootElement.Clone())).ToList());
    }
}
