using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Liaison.Server.Http;

/// <summary>
/// A browser sends each line break of a form's text as CRLF, but counts it as one character against the field's
/// <c>maxlength</c>: a note of 1,800 characters and 600 line breaks passes the page's limit of 2,000 and would arrive as
/// 2,400. Every form's values are read with their CRLFs as LF before anything binds or measures them, so the server's
/// limits count what the browser counted, and what is stored is the same text whichever way it came.
/// </summary>
public sealed class FormLineBreaks(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Request.HasFormContentType)
        {
            IFormCollection? form = null;
            try
            {
                form = await http.Request.ReadFormAsync(http.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                // A form that cannot be read: its endpoint's binding says so as it did before.
            }

            if (form is not null && form.Any(f => f.Value.Any(v => v?.Contains("\r\n", StringComparison.Ordinal) == true)))
            {
                var values = form.ToDictionary(f => f.Key, f => new StringValues(f.Value.Select(v => v?.Replace("\r\n", "\n", StringComparison.Ordinal)).ToArray()),
                    StringComparer.OrdinalIgnoreCase);
                http.Features.Set<IFormFeature>(new FormFeature(new FormCollection(values, form.Files)));
            }
        }

        await next(http);
    }
}
