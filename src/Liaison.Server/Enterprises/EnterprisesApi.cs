using Liaison.Cases.Enterprises;
using Liaison.Server.Auth;
using Liaison.Server.Common;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Liaison.Server.Enterprises;

/// <summary>The enterprise register (企业名录): officers and admins read and edit it.</summary>
public static class EnterprisesApi
{
    public static RouteGroupBuilder MapEnterprisesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/enterprises").WithTags("Enterprises").RequirePolicy(Policies.Officer);
        api.MapGet("/", List);
        api.MapGet("/{id:long}", Get);
        api.MapPost("/", Create);
        api.MapPut("/{id:long}", Update);
        return api;
    }

    /// <summary>
    /// The register, key enterprises first then by name. <c>q</c> matches a name containing the text or a whole credit
    /// code; <c>key</c> and <c>chain</c> (<c>natural-gas</c>, 天然气, …) filter; <c>visitDue=true</c>: the key enterprises
    /// due a visit today.
    /// </summary>
    public static async Task<Results<Ok<EnterprisePage>, ValidationProblem>> List(
        EnterpriseService enterprises, string? q, bool? key, string? chain, int? page, int? pageSize, CancellationToken ct, bool? visitDue = null)
    {
        var v = new Validation();
        IndustryChain? industryChain = null;
        if (!string.IsNullOrWhiteSpace(chain))
        {
            if (IndustryChains.TryParse(chain, out var c))
            {
                industryChain = c;
            }
            else
            {
                v.Add("chain", $"只能是 {IndustryChains.Allowed}", $"must be one of {IndustryChains.Allowed}");
            }
        }

        if (page is < 1 or > 100_000)
        {
            v.Add("page", "页码应为 1–100000", "must be between 1 and 100000");
        }

        if (pageSize is < 1 or > EnterpriseService.MaxPageSize)
        {
            v.Add("pageSize", $"每页条数应为 1–{EnterpriseService.MaxPageSize}", $"must be between 1 and {EnterpriseService.MaxPageSize}");
        }

        v.MaxLength("q", q, 200);
        if (!v.IsValid)
        {
            return Problems.Invalid(v);
        }

        var filter = new EnterpriseFilter(q, key, industryChain, Page: page ?? 1, PageSize: pageSize ?? 50, VisitDue: visitDue);
        return TypedResults.Ok(await enterprises.ListAsync(filter, ct));
    }

    public static async Task<Results<Ok<EnterpriseDto>, NotFoundProblem>> Get(long id, EnterpriseService enterprises, CancellationToken ct) =>
        await enterprises.GetAsync(id, ct) switch
        {
            { Value: { } e } => TypedResults.Ok(await enterprises.DescribeAsync(e, ct)),
            var failed => new NotFoundProblem(failed.Error!.Message),
        };

    /// <summary>Registers an enterprise; a credit code already registered answers 409 naming the entry that has it.</summary>
    public static async Task<Results<Created<EnterpriseDto>, ValidationProblem, ConflictProblem>> Create(
        EnterpriseInput input, EnterpriseService enterprises, CancellationToken ct) =>
        await enterprises.CreateAsync(input, ct) switch
        {
            { Value: { } e } => TypedResults.Created($"/api/enterprises/{e.Id}", await enterprises.DescribeAsync(e, ct)),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            var failed => new ConflictProblem(failed.Error!.Message),
        };

    /// <summary>Replaces an entry as a whole (contacts and squad included).</summary>
    public static async Task<Results<Ok<EnterpriseDto>, ValidationProblem, NotFoundProblem, ConflictProblem>> Update(
        long id, EnterpriseInput input, EnterpriseService enterprises, CancellationToken ct) =>
        await enterprises.UpdateAsync(id, input, ct) switch
        {
            { Value: { } e } => TypedResults.Ok(await enterprises.DescribeAsync(e, ct)),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            { Error: ServiceError.NotFound notFound } => new NotFoundProblem(notFound.Message),
            var failed => new ConflictProblem(failed.Error!.Message),
        };
}
