using System.Security.Claims;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Common;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Liaison.Server.Departments;

public static class DepartmentsApi
{
    public static RouteGroupBuilder MapDepartmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/departments").WithTags("Departments").RequirePolicy(Policies.Officer);
        api.MapGet("/", List);
        api.MapGet("/{code}", Get);
        api.MapPost("/", Create).RequirePolicy(Policies.Admin);
        api.MapPut("/{code}", Update).RequirePolicy(Policies.Admin);
        return api;
    }

    public static async Task<Ok<List<DepartmentDto>>> List(DepartmentService departments, bool? active, CancellationToken ct) =>
        TypedResults.Ok((await departments.ListAsync(active, ct)).Select(DepartmentDto.From).ToList());

    public static async Task<Results<Ok<DepartmentDto>, NotFoundProblem>> Get(string code, DepartmentService departments, CancellationToken ct) =>
        await departments.GetAsync(code, ct) switch
        {
            { Value: { } d } => TypedResults.Ok(DepartmentDto.From(d)),
            var failed => new NotFoundProblem(failed.Error!.Message),
        };

    public static async Task<Results<Created<DepartmentDto>, ValidationProblem, ConflictProblem>> Create(
        DepartmentInput input, DepartmentService departments, ClaimsPrincipal user, CancellationToken ct) =>
        await departments.CreateAsync(input, Actor.Of(user), ct) switch
        {
            { Value: { } d } => TypedResults.Created($"/api/departments/{d.Code}", DepartmentDto.From(d)),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            var failed => new ConflictProblem(failed.Error!.Message),
        };

    public static async Task<Results<Ok<DepartmentDto>, ValidationProblem, NotFoundProblem, ConflictProblem>> Update(
        string code, DepartmentInput input, DepartmentService departments, ClaimsPrincipal user, CancellationToken ct) =>
        await departments.UpdateAsync(code, input, Actor.Of(user), ct) switch
        {
            { Value: { } saved } => TypedResults.Ok(DepartmentDto.From(saved.Department)),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            // Its cases stayed locked while it tried (LiaisonChange gives way): nothing was saved.
            { Error: ServiceError.Conflict busy } => new ConflictProblem(busy.Message),
            var failed => new NotFoundProblem(failed.Error!.Message),
        };
}
