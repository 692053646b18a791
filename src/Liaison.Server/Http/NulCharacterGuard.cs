using System.Text.Json;
using Liaison.Cases.Common;
using Liaison.Server.Common;

namespace Liaison.Server.Http;

/// <summary>
/// PostgreSQL cannot store U+0000 in text or jsonb, so a request carrying one would fail deep in a save or a query as a
/// 500. One rule at the door instead: a query value, a JSON body or a form field holding U+0000 is a 400 naming where
/// it is, before antiforgery and any handler run. (A path with U+0000 never gets here: Kestrel refuses it.) In JSON the character can only arrive
/// as the escape <c>\u0000</c>, so the body is scanned for that escape, and read only when it is there.
/// </summary>
public sealed class NulCharacterGuard(RequestDelegate next)
{
    private static readonly byte[] Escape = "\\u0000"u8.ToArray();

    public async Task InvokeAsync(HttpContext http, IProblemDetailsService problems)
    {
        var where = http.Request.Query.FirstOrDefault(q => q.Key.Contains('\0') || q.Value.Any(v => v?.Contains('\0') == true)).Key;
        if (where is null && IsJson(http.Request))
        {
            where = await FindInJsonBodyAsync(http.Request);
        }

        if (where is null && http.Request.HasFormContentType)
        {
            where = await FindInFormAsync(http.Request);
        }

        if (where is null)
        {
            await next(http);
            return;
        }

        await RefuseAsync(http, problems, where);
    }

    /// <summary>
    /// For the antiforgery check of a signed-in officer's form, which runs before this guard and cannot read a form
    /// holding U+0000 at all: answers the refusal naming the field and returns true, or false when no field holds one.
    /// </summary>
    public static async Task<bool> RefusedFormAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType || await FindInFormAsync(http.Request) is not { } where)
        {
            return false;
        }

        await RefuseAsync(http, http.RequestServices.GetRequiredService<IProblemDetailsService>(), where);
        return true;
    }

    private static async Task RefuseAsync(HttpContext http, IProblemDetailsService problems, string where)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        var field = where.Replace("\0", "\\u0000");
        if (HttpMethods.IsGet(http.Request.Method) && PageErrors.IsPage(http))
        {
            // A page's address typed or pasted with it: the page's answer.
            await PageErrors.WriteAsync(http, StatusCodes.Status400BadRequest,
                new($"地址中的 {field} 含有无法处理的字符 U+0000", $"{field} in the address contains the character U+0000, which cannot be handled"));
            return;
        }

        if (ExpiredForm.IsPageForm(http))
        {
            // A page's form (a liaison's note, an officer's form): a page saying which field, in words where the pages
            // have them, with the way back to it.
            var name = Validation.LabelOf(field) ?? new Text(field, field);
            await ExpiredForm.WriteRefusedAsync(http, new Text("内容无法保存", "This cannot be saved"),
                new Text($"表单中“{name.Zh}”的内容含有无法保存的字符 U+0000，没有任何改动。请返回页面，删去该字符后重新提交。",
                    $"The form's {name.En} contains the character U+0000, which cannot be stored; nothing changed. Go back to the page, remove it and send the form again."));
            return;
        }

        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = Problems.Title(StatusCodes.Status400BadRequest),
                Detail = $"{field} 含有无法保存的字符 U+0000 / {field} contains the character U+0000, which cannot be stored",
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = ["不能含有 U+0000 / must not contain U+0000"] } },
            },
        });
    }

    /// <summary>
    /// The first form field (of a page's form, a link's form) whose name or value holds U+0000, or null. The form is read
    /// once and kept by the request, as antiforgery and the endpoint would read it; uploaded files are not text fields
    /// and are left to their importer. ASP.NET's form reader itself refuses U+0000 in a URL-encoded form ("invalid
    /// characters") without naming the field, which antiforgery then reported as a bad token: the field is found in the
    /// raw body instead. Any other form that cannot be read is left to the endpoint, which answers it as before.
    /// </summary>
    private static async Task<string?> FindInFormAsync(HttpRequest request)
    {
        var urlEncoded = request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
        if (urlEncoded)
        {
            request.EnableBuffering();
        }

        try
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return form.FirstOrDefault(f => f.Key.Contains('\0') || f.Value.Any(v => v?.Contains('\0') == true)).Key;
        }
        catch (InvalidDataException) when (urlEncoded)
        {
            request.Body.Position = 0;
            var raw = await new StreamReader(request.Body).ReadToEndAsync(request.HttpContext.RequestAborted);
            request.Body.Position = 0;
            var field = raw.Split('&').FirstOrDefault(pair => pair.Contains("%00", StringComparison.OrdinalIgnoreCase));
            return field is null ? null : Uri.UnescapeDataString(field.Split('=')[0].Replace('+', ' '));
        }
        catch (InvalidDataException)
        {
            return null;
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // A multipart body cut short or garbled: the caller's mistake, answered as the endpoint's own reader would.
            // (Kestrel's own refusals, a body over its size limit's 413, are BadHttpRequestExceptions and keep their status.)
            throw new BadHttpRequestException("The form could not be read", StatusCodes.Status400BadRequest, ex);
        }
    }

    /// <summary>
    /// A JSON body, or one that endpoints reading the raw body (a workflow draft, a calendar year) would parse as JSON
    /// whatever it is labelled: plain text or no content type at all, when there is a body.
    /// </summary>
    private static bool IsJson(HttpRequest request) => request.ContentType switch
    {
        { } type when type.Contains("json", StringComparison.OrdinalIgnoreCase) => request.ContentLength is not 0,
        null or "" => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0,
        { } type => type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) && request.ContentLength is not 0,
    };

    /// <summary>The path of the first JSON string holding U+0000 (<c>enterprise.name</c>, <c>officers[0]</c>), or null.</summary>
    private static async Task<string?> FindInJsonBodyAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        var bytes = copy.GetBuffer().AsMemory(0, (int)copy.Length);
        return HasNulEscape(bytes.Span) ? PathOfNul(bytes) ?? "body" : null;
    }

    /// <summary>True when the bytes hold <c>\u0000</c> whose backslash is not itself escaped.</summary>
    private static bool HasNulEscape(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf(Escape);
        while (at >= 0)
        {
            var backslashes = 1;
            while (at - backslashes >= 0 && json[at - backslashes] == '\\')
            {
                backslashes++;
            }

            if (backslashes % 2 == 1)
            {
                return true;
            }

            json = json[(at + Escape.Length)..];
            at = json.IndexOf(Escape);
        }

        return false;
    }

    private static string? PathOfNul(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = 256 });
        var path = new Stack<(string Name, int Index, bool IsArray)>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (name.Contains('\0'))
                        {
                            return Describe(path, name);
                        }

                        path.Push((name, -1, false));
                        continue;
                    case JsonTokenType.StartArray:
                        path.Push(("", 0, true));
                        continue;
                    case JsonTokenType.StartObject:
                        path.Push(("", -1, false));
                        continue;
                    case JsonTokenType.EndArray or JsonTokenType.EndObject:
                        path.Pop();
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped && reader.GetString()!.Contains('\0'):
                        return Describe(path, null);
                }

                // A value is complete: leave its property, or move to the array's next item.
                if (path.TryPeek(out var top) && top.Index < 0 && top.Name.Length > 0)
                {
                    path.Pop();
                }
                else if (path.TryPop(out var array))
                {
                    path.Push(array.IsArray ? array with { Index = array.Index + 1 } : array);
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON after all (or a lone surrogate): the endpoint's own reader says what is wrong.
        }

        return null;
    }

    private static string Describe(Stack<(string Name, int Index, bool IsArray)> path, string? last)
    {
        var text = "";
        foreach (var (name, index, isArray) in path.Reverse())
        {
            text += isArray ? $"[{index}]" : name.Length > 0 ? (text.Length > 0 ? "." : "") + name : "";
        }

        return last is null ? (text.Length > 0 ? text : "body") : text + (text.Length > 0 ? "." : "") + last;
    }
}
