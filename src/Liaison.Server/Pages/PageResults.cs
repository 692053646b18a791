using Liaison.Server.Common;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Liaison.Server.Pages;

/// <summary>Server-rendered pages: a Razor component with its model, rendered once (no interactive runtime).</summary>
public static class PageResults
{
    /// <summary><typeparamref name="TPage"/> rendered with its <c>Model</c> parameter, answered with <paramref name="status"/>.</summary>
    public static RazorComponentResult<TPage> Page<TPage>(object? model = null, int status = StatusCodes.Status200OK)
        where TPage : IComponent =>
        new(model is null ? new Dictionary<string, object?>() : new Dictionary<string, object?> { ["Model"] = model })
        {
            StatusCode = status,
            ContentType = "text/html; charset=utf-8",
        };

    /// <summary>A page that only says something: not found, forbidden, nothing to do.</summary>
    public static RazorComponentResult<MessagePage> Message(MessageModel model, int status) => Page<MessagePage>(model, status);

    /// <summary>The status a page answers with when a service refused.</summary>
    public static int StatusOf(ServiceError error) => error switch
    {
        ServiceError.NotFound => StatusCodes.Status404NotFound,
        ServiceError.Invalid => StatusCodes.Status400BadRequest,
        ServiceError.Gone => StatusCodes.Status410Gone,
        ServiceError.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status409Conflict,
    };
}
