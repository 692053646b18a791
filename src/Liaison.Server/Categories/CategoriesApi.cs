using System.Security.Claims;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Liaison.Server.Categories;

/// <summary>The case categories and their limits: officers read them, admins change them.</summary>
public static class CategoriesApi
{
    public static RouteGroupBuilder MapCategoriesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/categories").WithTags("Cases").RequirePolicy(Policies.Officer);
        api.MapGet("/", List);
        api.MapPut("/{code}", Update).RequirePolicy(Policies.Admin);
        return api;
    }

    public static async Task<Ok<List<CategoryDto>>> List(CategoryService categories, CancellationToken ct) =>
        TypedResults.Ok((await categories.ListAsync(ct)).Select(CategoryDto.From).ToList());

    /// <summary>New names and limits for a category; dispatches from now on use them, deadlines already set stay.</summary>
    public static async Task<Results<Ok<CategoryDto>, ValidationProblem, NotFoundProblem, ConflictProblem>> Update(
        string code, CategoryInput input, ClaimsPrincipal user, LiaisonDbContext db, CategoryService categories, CancellationToken ct) =>
        await categories.UpdateAsync(db, code, input, Actor.Of(user), ct) switch
        {
            { Value: { } c } => TypedResults.Ok(CategoryDto.From(c)),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            { Error: ServiceError.NotFound notFound } => new NotFoundProblem(notFound.Message),
            var failed => new ConflictProblem(failed.Error!.Message),
        };
}
