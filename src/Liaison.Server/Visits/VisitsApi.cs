using System.Security.Claims;
using Liaison.Server.Auth;
using Liaison.Server.Cases;
using Liaison.Server.Common;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Visits;

/// <summary>Visits to enterprises (走访) and the cases their problems raise; officers and admins.</summary>
public static class VisitsApi
{
    public static IEndpointRouteBuilder MapVisitsApi(this IEndpointRouteBuilder app)
    {
        var enterprises = app.MapGroup("api/enterprises/{id:long}/visits").WithTags("Visits").RequirePolicy(Policies.Officer);
        enterprises.MapGet("/", List);
        enterprises.MapPost("/", Log);
        var visits = app.MapGroup("api/visits").WithTags("Visits").RequirePolicy(Policies.Officer);
        visits.MapGet("/{visitId:long}", Get);
        visits.MapPost("/{visitId:long}/problems/{problemId:long}/case", RaiseCase).WithOptionalBody<RaiseCaseInput>();
        return app;
    }

    /// <summary>The enterprise's visits, newest first, and where it stands against its visit cadence (key enterprises).</summary>
    public static async Task<Results<Ok<EnterpriseVisitsDto>, NotFoundProblem>> List(long id, VisitService visits, CancellationToken ct) =>
        await visits.ListAsync(id, ct) switch
        {
            { Value: { } list } => TypedResults.Ok(list),
            var failed => new NotFoundProblem(failed.Error!.Message),
        };

    /// <summary>
    /// Logs a visit: <c>visitedOn</c> (yyyy-MM-dd, not in the future), <c>officers</c> who went (ids or emails; the one
    /// logging always counts), <c>findings</c>, and the <c>problems</c> found, each with a title, a description and optionally
    /// the <c>departmentCode</c> and <c>category</c> its case should go to. With a <c>requestId</c>, the same request sent
    /// again answers with the visit it logged (201 again), not a second visit.
    /// </summary>
    public static async Task<Results<Created<VisitDto>, ValidationProblem, NotFoundProblem, ConflictProblem>> Log(
        long id, VisitInput input, ClaimsPrincipal user, UserManager<LiaisonUser> users, VisitService visits, CancellationToken ct)
    {
        var logged = await visits.LogAsync(id, users.GetUserId(user)!, input, ct);
        return logged switch
        {
            { Value: { } visit } => TypedResults.Created($"/api/visits/{visit.Id}", (await visits.GetAsync(visit.Id, ct)).Value),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            { Error: ServiceError.Conflict conflict } => new ConflictProblem(conflict.Message),
            var failed => new NotFoundProblem(failed.Error!.Message),
        };
    }

    public static async Task<Results<Ok<VisitDto>, NotFoundProblem>> Get(long visitId, VisitService visits, CancellationToken ct) =>
        await visits.GetAsync(visitId, ct) switch
        {
            { Value: { } visit } => TypedResults.Ok(visit),
            var failed => new NotFoundProblem(failed.Error!.Message),
        };

    /// <summary>
    /// Turns a problem into a case, opened and dispatched at once for the visit's enterprise: 201 with the case. The
    /// body (optional) gives the <c>departmentCode</c>, <c>category</c> or <c>priority</c> the problem does not name;
    /// without a department or category: 400 naming it. A problem raises one case: asking again for the department it
    /// went to answers 200 with it; asking for another department is a 409 naming the case and its department, with
    /// <c>caseNumber</c>, <c>caseUrl</c> (this API) and <c>casePage</c> (the officers' page). With a <c>requestId</c>,
    /// the same request sent again answers as the first time (201 with the case it opened).
    /// </summary>
    public static async Task<Results<Created<CaseDto>, Ok<CaseDto>, ValidationProblem, NotFoundProblem, ConflictProblem>> RaiseCase(
        long visitId, long problemId, RaiseCaseInput? input, ClaimsPrincipal user, UserManager<LiaisonUser> users, VisitService visits,
        CaseQueries queries, CancellationToken ct)
    {
        var raised = await visits.RaiseCaseAsync(visitId, problemId, users.GetUserId(user)!, input ?? new RaiseCaseInput(), ct);
        if (raised.Value is not { } r)
        {
            return raised.Error switch
            {
                ServiceError.Invalid invalid => Problems.Invalid(invalid.Fields),
                ServiceError.NotFound notFound => new NotFoundProblem(notFound.Message),
                RaisedForAnother other => new ConflictProblem(other.Message, new Dictionary<string, object?>
                {
                    ["caseNumber"] = other.CaseNumber,
                    ["caseUrl"] = $"/api/cases/{other.CaseNumber}",
                    ["casePage"] = CasePages.CaseUrl(other.CaseNumber),
                }),
                var error => new ConflictProblem(error!.Message),
            };
        }

        var dto = (r.Repeated ? null : await queries.DescribeOpenedAsync(r.Case, ct)) ?? (await queries.GetAsync(r.Case.Number, ct))!;
        return r.Repeated ? TypedResults.Ok(dto) : TypedResults.Created($"/api/cases/{r.Case.Number}", dto);
    }
}
