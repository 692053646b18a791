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
}
