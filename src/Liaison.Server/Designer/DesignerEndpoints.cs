using Liaison.Server.Auth;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.StaticFiles;

namespace Liaison.Server.Designer;

/// <summary>
/// The workflow designer (src/designer, a Vite + React Flow app) at <c>/designer</c>, for admins only. Its built files
/// live in <c>wwwroot/designer</c> (gitignored; <c>./liaison run</c> and <c>./liaison test</c> build them) and are served
/// by this endpoint alone, behind the Admin policy: no static-file middleware hands them out. Anonymous browsers are sent
/// to the sign-in page, officers get 403. Paths that are not files fall back to index.html; when nothing is built the
/// page says how to build it.
/// </summary>
public static class DesignerEndpoints
{
    /// <summary>Optional setting: another folder holding the built designer (default: the web root's <c>designer</c>).</summary>
    public const string PathSetting = "Designer:Path";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static IEndpointConventionBuilder MapDesigner(this IEndpointRouteBuilder app) =>
        app.MapGet("/designer/{**path}", Serve)
            .RequireAuthorization(Policies.Admin)
            .ExcludeFromDescription();

    private static IResult Serve(string? path, HttpContext http, IWebHostEnvironment env, IConfiguration config)
    {
        var root = Root(env, config);
        var index = Path.Combine(root, "index.html");
        if (!File.Exists(index))
        {
            return NotBuilt(root);
        }

        path ??= "";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        if (path.Length > 0)
        {
            var full = Path.GetFullPath(Path.Combine(root, path));
            var inside = full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (inside && File.Exists(full))
            {
                // Vite names the bundles by content hash: they never change under the same name.
                http.Response.Headers.CacheControl = path.StartsWith("assets/", StringComparison.Ordinal)
                    ? "private, max-age=31536000, immutable"
                    : "no-cache";
                var type = ContentTypes.TryGetContentType(full, out var t) ? t : "application/octet-stream";
                return Results.File(full, type, lastModified: File.GetLastWriteTimeUtc(full));
            }

            // A missing script or stylesheet is a 404, not the app's HTML under a .js name.
            if (!inside || path.StartsWith("assets/", StringComparison.Ordinal) || Path.HasExtension(path))
            {
                return Results.NotFound();
            }
        }

        // The app's own routes (and /designer itself) get the app, and its scripts the antiforgery token for their changes.
        // Issuing the token marks the page no-cache (a Cache-Control set here first would only be overridden,
        // with a warning in the log at every load).
        SessionSecurity.IssueScriptToken(http);
        return Results.File(index, "text/html; charset=utf-8");
    }

    private static string Root(IWebHostEnvironment env, IConfiguration config)
    {
        var root = config[PathSetting] is { Length: > 0 } configured
            ? configured
            : Path.Combine(env.WebRootPath is { Length: > 0 } web ? web : Path.Combine(env.ContentRootPath, "wwwroot"), "designer");
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    private static IResult NotBuilt(string root) => PageResults.Page<DesignerNotBuiltPage>(root, StatusCodes.Status503ServiceUnavailable);
}
