using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Liaison.Server.Http;

/// <summary>What every API route of a kind shares, said once so the OpenAPI document tells the truth about it.</summary>
public static class ApiConventions
{
    /// <summary>
    /// Requires <paramref name="policy"/> and documents what a caller without it gets: 401 when not signed in, 403 when
    /// signed in without the role (both problem details, written by the status-code pages).
    /// </summary>
    public static TBuilder RequirePolicy<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), [ProblemResult.ContentTypeName]),
            new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), [ProblemResult.ContentTypeName]));

    /// <summary>
    /// A route whose JSON body of <typeparamref name="TBody"/> may be left out. Sent as the JSON literal <c>null</c>, it
    /// is refused (400) as the routes whose body is required refuse it, not taken for "no body": a client that meant
    /// to send an object and sent null has made a mistake, and one that means nothing sends no body.
    /// </summary>
    public static RouteHandlerBuilder WithOptionalBody<TBody>(this RouteHandlerBuilder builder) where TBody : class =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            // Without a body (no Content-Length, or 0) the framework reads none; with one that is empty it refuses the
            // JSON itself. A body it read and found no TBody in was "null".
            if (!context.Arguments.OfType<TBody>().Any()
                && context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
            {
                return Problems.BadRequest("请求体是 null：应为 JSON 对象，不需要时可不发请求体", "The request body is null: send a JSON object, or no body at all");
            }

            return await next(context);
        });
}
