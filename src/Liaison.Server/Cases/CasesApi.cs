using System.ComponentModel;
using System.Security.Claims;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Sla;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Categories;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Liaison.Server.Workflows;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

public static class CasesApi
{
    /// <summary>The OpenAPI description of a decision body's <c>basis</c>.</summary>
    internal const string BasisDescription =
        "Optional. The basis the decision is made on, as read with GET /api/cases/{number} (the case's `basis`; for a co-handling part's decision, "
        + "the part's `coDepartments[].basis`). When the case (part) changed since (another decision; the handler's accept, return, extension "
        + "request or resolve; not a progress note, an urge or a note), the decision is refused with 409 and nothing changes; the detail says "
        + "where it is now. Left out, the decision is made on the case as it is.";

    /// <summary>The OpenAPI description of an extension decision's <c>days</c>.</summary>
    internal const string ExtensionDaysDescription =
        "Optional, only with `approve: true`: the working days granted, from 1 to the days asked (部分同意: fewer than asked); the deadline "
        + "moves by these. Left out, all the days asked are granted. Out of range, or sent with `approve: false`, is 400 naming `days`, and nothing changes.";

    /// <summary>The OpenAPI description of a decision body's <c>requestId</c>.</summary>
    internal const string RequestIdDescription =
        "Optional idempotency key. The same request again with the same id answers as the first did and changes nothing; "
        + "the id sent with another request (another action or case, or the same action asking for something else: another department, another note) is refused with 409.";

    public static RouteGroupBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/cases").WithTags("Cases").RequirePolicy(Policies.Officer);
        api.MapPost("/", Open);
        api.MapGet("/", List);
        api.MapGet("/deadline-preview", DeadlinePreview);
        api.MapGet("/export.csv", CaseExport.ExportCsv);
        api.MapGet("/{number}", Get);
        api.MapGet("/{number}/workflow", Workflow);
        api.MapPost("/reassign", ReassignMany);
        api.MapPost("/{number}/reassign", Reassign);
        api.MapPost("/{number}/extension-decision", DecideExtension);
        api.MapPost("/{number}/confirm", Confirm).WithOptionalBody<DecisionRequest>();
        api.MapPost("/{number}/reopen", Reopen);
        api.MapPost("/{number}/cancel", Cancel).WithOptionalBody<DecisionRequest>();
        api.MapPost("/{number}/urge", Urge).WithOptionalBody<UrgeRequest>();
        api.MapPost("/{number}/notes", AddNote);
        api.MapPost("/{number}/enterprise-link", ResendEnterpriseLink);
        api.MapPost("/{number}/officer", HandOver);
        api.MapPost("/{number}/parts", AddPart);
        api.MapPost("/{number}/parts/{partId:long}/reassign", ReassignPart);
        api.MapPost("/{number}/parts/{partId:long}/drop", DropPart);
        api.MapPost("/{number}/parts/{partId:long}/extension-decision", DecidePartExtension);
        api.MapPost("/{number}/parts/{partId:long}/urge", UrgePart).WithOptionalBody<UrgeRequest>();
        return api;
    }

    public static async Task<Results<Created<CaseDto>, ValidationProblem, ConflictProblem>> Open(
        CaseService.OpenCase body, ClaimsPrincipal user, UserManager<LiaisonUser> users, CaseService cases, CaseQueries queries, CancellationToken ct)
    {
        var opened = await cases.OpenAsync(users.GetUserId(user)!, body, ct);
        if (opened.Error is ServiceError.Invalid invalid)
        {
            return Problems.Invalid(invalid.Fields);
        }

        if (opened.Error is { } refused)
        {
            // A request id used before for another request.
            return new ConflictProblem(refused.Message);
        }

        var c = opened.Value!;
        return TypedResults.Created($"/api/cases/{c.Number}", await queries.DescribeOpenedAsync(c, ct) ?? await queries.GetAsync(c.Number, ct));
    }

    /// <param name="status"><c>open</c> (every case not yet closed or cancelled, 在办) or one status.</param>
    /// <param name="departmentCode">The cases this department leads or co-handles (see <paramref name="role"/>).</param>
    /// <param name="role">With departmentCode: any (default: leads or co-handles), lead (主办 only) or co (协办 only); lead or co without departmentCode is a 400 naming role.</param>
    /// <param name="enterpriseId">The cases of this enterprise register entry.</param>
    /// <param name="officer">The cases this officer is responsible for: <c>me</c>, or an account's email.</param>
    /// <param name="decision">true: only the cases waiting for an officer's decision (returned, resolved, an extension request,
    /// a co-handler's returned part or request, an unsatisfied rating); false: the others.</param>
    /// <param name="q">Text in the number, title or enterprise name, or the start of the enterprise's credit code (6 characters or more, or the whole code).</param>
    /// <param name="category">A category's code (project-landing, factor-guarantee, legacy-issue, bankruptcy, other, or one an admin added).</param>
    /// <param name="priority">normal or urgent.</param>
    /// <param name="openedFrom">Opened on or after this date (the zone's local day, yyyy-MM-dd).</param>
    /// <param name="openedTo">Opened on or before this date (the zone's local day, yyyy-MM-dd).</param>
    /// <param name="key">true: only the cases of key enterprises (重点企业); false: the others.</param>
    /// <param name="pageSize">Cases a page, 1 to 200 (default 50).</param>
    /// <param name="sort">newest (default: newest first), due (the cases whose resolve deadline runs first, soonest deadline
    /// first, so the most overdue lead; then resolved, closed and cancelled cases newest first) or updated (last changed first).
    /// Ties go by id, so paging is stable.</param>
    /// <param name="involved">With departmentCode, true: every case the department was ever dispatched, as lead or co-handler
    /// (role narrows it), also those it returned, had reassigned away or whose part it returned; not only those it holds now.</param>
    public static async Task<Results<Ok<CasePage>, ValidationProblem>> List(
        CaseQueries queries, string? status, string? departmentCode, string? role, bool? overdue, string? q, int? page, long? enterpriseId,
        string? officer, bool? decision, string? category, string? priority, string? openedFrom, string? openedTo, bool? key, int? pageSize,
        string? sort, bool? involved, ClaimsPrincipal user, UserManager<LiaisonUser> users, CancellationToken ct)
    {
        if (pageSize is < 1 or > CaseQueries.MaxPageSize)
        {
            var v = new Validation();
            v.Add("pageSize", $"每页件数须在 1 到 {CaseQueries.MaxPageSize} 之间", $"pageSize must be a whole number from 1 to {CaseQueries.MaxPageSize}");
            return Problems.Invalid(v);
        }

        return await queries.ListAsync(status, departmentCode, overdue, q, page, ct, role, enterpriseId, officer, users.GetUserId(user),
                pageSize ?? CaseQueries.PageSize, decision, new CaseListMore(category, priority, openedFrom, openedTo, key), sort, involved) switch
        {
            { Value: { } list } => TypedResults.Ok(list),
            var failed => Problems.Invalid(((ServiceError.Invalid)failed.Error!).Fields),
        };
    }

    /// <summary>
    /// The deadlines a case of this category and priority would get if it were dispatched now, as the routing workflow
    /// computes them by default (urgent halves the resolve limit): the new-case form shows them before sending.
    /// </summary>
    public static async Task<Results<Ok<DeadlinePreviewDto>, ValidationProblem>> DeadlinePreview(
        string? category, string? priority, CalendarService calendars, CategoryService categories, RoutingLimits limits, LiaisonDbContext db, TimeProvider clock,
        CancellationToken ct)
    {
        var v = new Validation();
        var found = await categories.FindAsync(category, ct);
        if (found is null)
        {
            // Missing is "required"; unknown lists the categories, by name and code, in both languages.
            v.Add("category", await categories.UnknownAsync(category, ct));
        }

        var p = CasePriority.Normal;
        if (!string.IsNullOrWhiteSpace(priority) && !EnumNames.TryParse(priority, out p))
        {
            v.Add("priority", $"只能是“普通”或“紧急”（normal/urgent），不是 {priority.Trim()}", $"must be normal or urgent, not '{priority.Trim()}'");
        }

        if (found is null || !v.IsValid)
        {
            return Problems.Invalid(v);
        }

        var c = await limits.ForNewCaseAsync(db, found, ct);
        var calendar = await calendars.GetAsync(ct);
        var now = clock.GetUtcNow();
        var deadlines = SlaDeadlines.AtDispatch(calendar, now, c, p);
        var (partLimits, ownLimit) = await limits.ForPartsAsync(db, found, ct);
        var co = SlaDeadlines.ForCoHandler(calendar, now, partLimits, p, deadlines.DueAt.Due, ownLimit);
        return TypedResults.Ok(new DeadlinePreviewDto(c.Code, p, DueDto.From(deadlines.AcceptBy), DueDto.From(deadlines.DueAt),
            deadlines.NextProgressReport is { } report ? DueDto.From(report) : null,
            new CoHandlerDeadlinesDto(DueDto.From(co.AcceptBy), DueDto.From(co.DueAt))));
    }

    public static async Task<Results<Ok<CaseDto>, NotFoundProblem>> Get(string number, CaseQueries queries, CancellationToken ct) =>
        await queries.GetAsync(number, ct) is { } dto ? TypedResults.Ok(dto) : new NotFoundProblem(CaseQueries.NotFound(number).Message);

    public static async Task<Results<Ok<WorkflowInstanceDto>, NotFoundProblem>> Workflow(string number, LiaisonDbContext db, CancellationToken ct)
    {
        var id = await db.Cases.Where(c => c.Number == number).Select(c => c.WorkflowInstanceId).FirstOrDefaultAsync(ct);
        return id is { } instanceId ? await WorkflowInstancesApi.Get(instanceId, db, ct) switch
        {
            { Result: Ok<WorkflowInstanceDto> ok } => ok,
            _ => new NotFoundProblem(CaseQueries.NotFound(number).Message),
        } : new NotFoundProblem(CaseQueries.NotFound(number).Message);
    }

    /// <summary>改派: send the case to another department (or, when it was returned, insist on the same one).</summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> Reassign(
        string number, ReassignRequest body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecideAsync(number, CaseActions.Reassign, new CaseService.OfficerDecision(body.Note, body.DepartmentCode, null, RequestId: body.RequestId, Basis: body.Basis),
            user, cases, queries, ct);

    /// <summary>
    /// 批量转交: move several cases (up to 200) to one department, with the reason (required), each exactly as its own
    /// <c>POST /api/cases/{number}/reassign</c> would, one case at a time: one refused (closed, cancelled, already with that
    /// department, unknown) does not hold back the others. 200 lists each case's outcome; 400 when the request itself is
    /// wrong (no case, more than 200, no reason, no active department), changing nothing. A returned case already with the
    /// department is refused, not insisted on (坚持原派 is decided on the case's own page).
    /// </summary>
    public static async Task<Results<Ok<BulkReassignDto>, ValidationProblem>> ReassignMany(
        BulkReassignRequest body, ClaimsPrincipal user, BulkReassignment bulk, CancellationToken ct) =>
        await bulk.ReassignAsync(body.Cases, body.DepartmentCode, body.Reason, body.RequestId, user.Identity?.Name ?? "officer", ct) switch
        {
            { Value: { } done } => TypedResults.Ok(BulkReassignDto.From(done)),
            var failed => Problems.Invalid(((ServiceError.Invalid)failed.Error!).Fields),
        };

    /// <summary>
    /// 延期审批: approve the handler's extension request (new resolve deadline: the days asked, or the fewer <c>days</c>
    /// granted, after the current one) or deny it.
    /// </summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> DecideExtension(
        string number, ExtensionDecisionRequest body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecideAsync(number, CaseActions.ExtensionDecision,
            new CaseService.OfficerDecision(body.Note, null, body.Approve, RequestId: body.RequestId, Basis: body.Basis, Days: body.Days),
            user, cases, queries, ct);

    /// <summary>确认销号: accept the handler's resolution; the case closes.</summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> Confirm(
        string number, DecisionRequest? body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecideAsync(number, CaseActions.Confirm, new CaseService.OfficerDecision(body?.Note, null, null, RequestId: body?.RequestId, Basis: body?.Basis),
            user, cases, queries, ct);

    /// <summary>
    /// 重办: send a resolved case back to the department, with the reason (required). On a joint case, <c>coDepartments</c>
    /// names the co-handlers asked again: each gets a new round of its part (its dispatch mail, links and deadlines).
    /// </summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> Reopen(
        string number, ReopenRequest body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecideAsync(number, CaseActions.Reopen,
            new CaseService.OfficerDecision(body.Note, null, null, RequestId: body.RequestId, Basis: body.Basis, CoDepartments: body.CoDepartments),
            user, cases, queries, ct);

    /// <summary>
    /// 催办: urge the handler to act on a case that is with them, with an optional note; <c>copyLeader</c> copies the
    /// department's leader. A mail with the handler's link, and a timeline entry; the case's state does not change.
    /// </summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> Urge(
        string number, UrgeRequest? body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecideAsync(number, CaseActions.Urge, new CaseService.OfficerDecision(body?.Note, null, null, body?.CopyLeader ?? false, body?.RequestId, body?.Basis),
            user, cases, queries, ct);

    /// <summary>备注: add an officer's note to the case's timeline (required, up to 2,000 characters); officers only see it.</summary>
    public static async Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> AddNote(
        string number, NoteWithRequestId body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        await AnswerAsync(await cases.AddNoteAsync(number, body.Note, body.RequestId, user.Identity?.Name ?? "officer", ct), number, queries, ct);

    /// <summary>
    /// 重发进度链接: mail the enterprise's notice contact a fresh link to the case (an open case's 受理告知, a closed one's
    /// 请评价 while its rating is open); earlier links keep working. Written on the timeline as the officer's. 409 when the
    /// enterprise has no notice contact with an email, or the case has nothing left for it to follow; the same
    /// <c>requestId</c> sent again sends nothing more.
    /// </summary>
    public static async Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> ResendEnterpriseLink(
        string number, RequestIdOnly? body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        await AnswerAsync(await cases.ResendEnterpriseLinkAsync(number, body?.RequestId, user.Identity?.Name ?? "officer", ct), number, queries, ct);

    /// <summary>撤销: end the case; every open link stops working.</summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> Cancel(
        string number, DecisionRequest? body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecideAsync(number, CaseActions.Cancel, new CaseService.OfficerDecision(body?.Note, null, null, RequestId: body?.RequestId, Basis: body?.Basis),
            user, cases, queries, ct);

    /// <summary>移交: hand the case to another park officer (<c>officer</c>: an active account's email or id), with an optional note.</summary>
    public static async Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> HandOver(
        string number, HandOverRequest body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        await AnswerAsync(await cases.HandOverAsync(number, body.Officer, body.Note, body.RequestId, user.Identity?.Name ?? "officer", ct), number, queries, ct);

    /// <summary>
    /// 增加协办部门: a department joins the case as a co-handler while the lead department works on it (派单, 签收, 办理中).
    /// Its part starts as those of a joint case's open do: its dispatch mail, links, deadlines counted from now (never after
    /// the lead's less its lead time) and escalation ladder; the lead resolves once its part is in too. Not the lead, not a
    /// department that had a part of the case; at most 28 parts.
    /// </summary>
    public static async Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> AddPart(
        string number, AddPartRequest body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        await AnswerAsync(await cases.AddPartAsync(number, user.Identity?.Name ?? "officer",
            new CaseService.AddPartInput(body.DepartmentCode, body.Task, body.Note, body.RequestId, body.Basis), ct), number, queries, ct);

    /// <summary>改派协办: send a co-handler's returned part to another department (not the lead's, not one with a part already), optionally with a new task note.</summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> ReassignPart(
        string number, long partId, ReassignPartRequest body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecidePartAsync(number, partId, CaseActions.Reassign,
            new CaseService.PartDecision(body.DepartmentCode, body.Task, null, body.Note, body.RequestId, Basis: body.Basis), user, cases, queries, ct);

    /// <summary>撤回协办: end a co-handler's part (returned or still open), with the reason (required); its links stop working.</summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> DropPart(
        string number, long partId, DropPartRequest body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecidePartAsync(number, partId, CaseActions.Drop, new CaseService.PartDecision(Reason: body.Reason, RequestId: body.RequestId, Basis: body.Basis),
            user, cases, queries, ct);

    /// <summary>
    /// 协办延期审批: approve a co-handler's extension request (its part's submit deadline moves by the working days asked,
    /// or the fewer <c>days</c> granted, never past the lead's deadline less the lead time: more is 400 naming <c>days</c>
    /// with the most, <c>pendingExtension.mostDays</c>, unless <c>extendLead</c> moves the lead's deadline with it) or
    /// refuse it (the deadline stays); the co-handler is told either way.
    /// </summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> DecidePartExtension(
        string number, long partId, PartExtensionDecisionRequest body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecidePartAsync(number, partId, CaseActions.ExtensionDecision,
            new CaseService.PartDecision(Note: body.Note, RequestId: body.RequestId, Approve: body.Approve, Basis: body.Basis, Days: body.Days,
                ExtendLead: body.ExtendLead ?? false), user, cases, queries, ct);

    /// <summary>催办协办: urge a co-handler whose part is still open (not submitted, returned or ended); <c>copyLeader</c> copies its leader.</summary>
    public static Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> UrgePart(
        string number, long partId, UrgeRequest? body, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        DecidePartAsync(number, partId, CaseActions.Urge,
            new CaseService.PartDecision(Note: body?.Note, RequestId: body?.RequestId, CopyLeader: body?.CopyLeader ?? false, Basis: body?.Basis), user, cases, queries, ct);

    private static async Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> DecidePartAsync(
        string number, long partId, string action, CaseService.PartDecision decision, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct) =>
        await AnswerAsync(await cases.DecidePartAsync(number, partId, action, user.Identity?.Name ?? "officer", decision, ct), number, queries, ct);

    private static async Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> DecideAsync(
        string number, string action, CaseService.OfficerDecision decision, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CancellationToken ct)
    {
        var result = await cases.DecideAsync(number, action, user.Identity?.Name ?? "officer", decision, ct);
        return await AnswerAsync(result, number, queries, ct);
    }

    private static async Task<Results<Ok<CaseDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> AnswerAsync(
        CaseService.ActionResult result, string number, CaseQueries queries, CancellationToken ct) => result.Error switch
        {
            null => TypedResults.Ok((await queries.GetAsync(number, ct))!),
            ServiceError.NotFound e => new NotFoundProblem(e.Message),
            ServiceError.Invalid e => Problems.Invalid(e.Fields),
            var e => new ConflictProblem(e.Message),
        };
}

public sealed record ReassignRequest(
    string? DepartmentCode,
    string? Note,
    [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId = null,
    [property: Description(CasesApi.BasisDescription)] string? Basis = null);

/// <param name="Cases">The cases' numbers (AYKF-2026-000123), 1 to 200; a number twice counts once.</param>
/// <param name="DepartmentCode">The active department that takes them over.</param>
/// <param name="Reason">Why they move (required, up to 2,000 characters): written on each case's timeline and in the mails, as a reassignment's note.</param>
public sealed record BulkReassignRequest(
    IReadOnlyList<string?>? Cases,
    string? DepartmentCode,
    string? Reason,
    [property: Description(
        "Optional idempotency key for the whole batch. The same batch sent again with the same id moves nothing twice: each case it moved "
        + "answers as moved (repeated: true); a case it could not move is tried again. A case sent with the same id asking for another "
        + "department or reason is refused with 409 in its line.")] Guid? RequestId = null);

/// <param name="Moved">How many cases are now with the department by this request (or its earlier sending).</param>
/// <param name="Refused">How many did not move; each line says why.</param>
public sealed record BulkReassignDto(string DepartmentCode, int Moved, int Refused, IReadOnlyList<BulkReassignCaseDto> Cases)
{
    public static BulkReassignDto From(BulkReassignResult r) => new(r.DepartmentCode, r.Moved, r.Refused,
        r.Cases.Select(c => new BulkReassignCaseDto(c.Number, c.Moved, c.Repeated, c.Status, c.Why?.ToString())).ToList());
}

/// <param name="Moved">Reassigned (by this request, or by its earlier sending when <paramref name="Repeated"/>).</param>
/// <param name="Status">When not moved: the status the case's own reassign would answer (400, 404, 409).</param>
/// <param name="Detail">When not moved: why, in "中文 / English".</param>
public sealed record BulkReassignCaseDto(string Number, bool Moved, bool Repeated, int? Status, string? Detail);

/// <param name="Officer">The park officer taking the case over: an active account's email or id.</param>
public sealed record HandOverRequest(string? Officer, string? Note, [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId = null);

public sealed record AddPartRequest(
    string? DepartmentCode,
    [property: Description("The co-handling department's task (协办任务), up to 500 characters; optional.")] string? Task = null,
    [property: Description("The officer's note on the timeline, up to 2,000 characters; optional.")] string? Note = null,
    [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId = null,
    [property: Description(CasesApi.BasisDescription)] string? Basis = null);

public sealed record ReassignPartRequest(
    string? DepartmentCode,
    string? Task,
    string? Note,
    [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId,
    [property: Description(CasesApi.BasisDescription)] string? Basis = null);

public sealed record DropPartRequest(
    string? Reason,
    [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId,
    [property: Description(CasesApi.BasisDescription)] string? Basis = null);

/// <summary>
/// An extension decision: approve (all the days asked, or fewer) or deny, with a note (意见), required to deny (the
/// department is told why).
/// </summary>
public sealed record ExtensionDecisionRequest(
    bool? Approve,
    string? Note,
    [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId = null,
    [property: Description(CasesApi.BasisDescription)] string? Basis = null,
    [property: Description(CasesApi.ExtensionDaysDescription)] int? Days = null);

/// <summary>
/// A co-handler's extension decision: approve (all the days asked, or fewer) or deny, with a note (意见), required to deny;
/// approving more than the lead's deadline allows may move the lead's deadline with it (<c>extendLead</c>).
/// </summary>
public sealed record PartExtensionDecisionRequest(
    bool? Approve,
    string? Note,
    [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId,
    [property: Description(CasesApi.BasisDescription)] string? Basis = null,
    [property: Description(CasesApi.ExtensionDaysDescription)] int? Days = null,
    [property: Description(
        "Approving more working days than pendingExtension.mostDays: true moves the lead's resolve deadline as far as needed "
        + "(pendingExtension.leadDaysNeeded for all asked) so the part is still due by it less the lead time; the lead's handler "
        + "and the enterprise are told. Left out or false, such an approval is refused (400 on days). Ignored when the days fit, or when denying.")]
    bool? ExtendLead = null);

public sealed record NoteWithRequestId(string? Note, [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId);

/// <summary>A decision with a note: confirm (意见, optional), cancel (撤销原因, required).</summary>
public sealed record DecisionRequest(
    string? Note,
    [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId,
    [property: Description(CasesApi.BasisDescription)] string? Basis = null);

/// <summary>A reopening (重办): the reason (required) and, on a joint case, the co-handlers asked again.</summary>
/// <param name="CoDepartments">
/// Department codes of co-handlers whose part was submitted, or resolved over by the lead (not one its department had
/// returned), whose department is active and does not lead the case now: each is dispatched a new round of its part.
/// Left out or empty, no co-handler is asked again. Any other is 400.
/// </param>
public sealed record ReopenRequest(
    string? Note,
    IReadOnlyList<string>? CoDepartments,
    [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId,
    [property: Description(CasesApi.BasisDescription)] string? Basis = null);

/// <param name="CopyLeader">Copy the department's leader (分管领导) too.</param>
public sealed record UrgeRequest(
    string? Note,
    bool? CopyLeader,
    [property: Description(CasesApi.RequestIdDescription)] Guid? RequestId,
    [property: Description(CasesApi.BasisDescription)] string? Basis = null);

/// <param name="CoHandler">What each co-handling department (协办) of a joint case would get: its accept and submit deadlines.</param>
public sealed record DeadlinePreviewDto(string Category, CasePriority Priority, DueDto AcceptBy, DueDto DueAt, DueDto? NextProgressReport, CoHandlerDeadlinesDto CoHandler);

/// <param name="DueAt">The part's submit deadline: the lead's resolve deadline less the category's lead time.</param>
public sealed record CoHandlerDeadlinesDto(DueDto AcceptBy, DueDto DueAt);

/// <param name="RequestId">Optional idempotency key: sent again, nothing more is done.</param>
public sealed record RequestIdOnly(Guid? RequestId);
