using System.Security.Claims;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Common;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

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
        api.MapGet("/export.csv", ExportCsv);
        api.MapPost("/import", ImportCsv);
        return api;
    }

    /// <summary>
    /// The register, key enterprises first then by name. <c>q</c> matches a name containing the text or a whole credit
    /// code; <c>key</c> and <c>chain</c> (<c>natural-gas</c>, 天然气, …) filter; <c>visitDue=true</c>: the key enterprises
    /// due a visit today; <c>chief=me</c>: the enterprises the signed-in officer is chief service officer of (as the
    /// register page's filter; any other value is 400).
    /// </summary>
    public static async Task<Results<Ok<EnterprisePage>, ValidationProblem>> List(
        EnterpriseService enterprises, string? q, bool? key, string? chain, int? page, int? pageSize, ClaimsPrincipal user, UserManager<LiaisonUser> users,
        CancellationToken ct, bool? visitDue = null, string? chief = null)
    {
        var v = new Validation();
        var mine = string.Equals(chief?.Trim(), "me", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(chief) && !mine)
        {
            v.Add("chief", "首席服务员筛选只能是 me（我）", "must be me");
        }

        IndustryChain? industryChain = null;
        if (!string.IsNullOrWhiteSpace(chain))
        {
            if (IndustryChains.TryParse(chain, out var c))
            {
                industryChain = c;
            }
            else
            {
                v.Add("chain", $"只能是：{IndustryChains.Allowed.Zh}", $"must be one of: {IndustryChains.Allowed.En}");
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

        var filter = new EnterpriseFilter(q, key, industryChain, Page: page ?? 1, PageSize: pageSize ?? 50, VisitDue: visitDue,
            ChiefServiceOfficerId: mine ? users.GetUserId(user) ?? "" : null);
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
        EnterpriseInput input, EnterpriseService enterprises, ClaimsPrincipal user, CancellationToken ct) =>
        await enterprises.CreateAsync(input, Actor.Of(user), ct) switch
        {
            { Value: { } e } => TypedResults.Created($"/api/enterprises/{e.Id}", await enterprises.DescribeAsync(e, ct)),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            var failed => new ConflictProblem(failed.Error!.Message),
        };

    /// <summary>
    /// Replaces an entry as a whole (contacts and squad included). With <c>basis</c> as read (<c>GET</c>'s <c>basis</c>),
    /// a change made on an entry someone has saved since is 409 and changes nothing.
    /// </summary>
    public static async Task<Results<Ok<EnterpriseDto>, ValidationProblem, NotFoundProblem, ConflictProblem>> Update(
        long id, EnterpriseInput input, EnterpriseService enterprises, ClaimsPrincipal user, CancellationToken ct) =>
        await enterprises.UpdateAsync(id, input, Actor.Of(user), ct) switch
        {
            { Value: { } e } => TypedResults.Ok(await enterprises.DescribeAsync(e, ct)),
            { Error: ServiceError.Invalid invalid } => Problems.Invalid(invalid.Fields),
            { Error: ServiceError.NotFound notFound } => new NotFoundProblem(notFound.Message),
            var failed => new ConflictProblem(failed.Error!.Message),
        };

    /// <summary>
    /// The whole register as CSV (UTF-8 with a byte-order mark, for Excel), in the format <c>POST /api/enterprises/import</c>
    /// reads back unchanged. It carries contacts' phones and emails: officers and admins only, never cached.
    /// </summary>
    public static async Task<FileContentHttpResult> ExportCsv(
        EnterpriseService enterprises, CalendarService calendars, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        var today = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), calendars.TimeZone);
        response.Headers.CacheControl = "no-store";
        return TypedResults.File(await enterprises.ExportCsvAsync(ct), "text/csv; charset=utf-8", $"enterprises-{today:yyyy-MM-dd}.csv");
    }

    /// <summary>
    /// Imports a CSV file (UTF-8 or GB18030, headers in Chinese or English), all or nothing: sent as the body
    /// (<c>text/csv</c>) or as the <c>file</c> field of a <c>multipart/form-data</c> upload. A file with any bad line is
    /// refused whole with 400, <c>errors</c> listing every bad line (<c>line 7</c>: reasons). A line with a registered
    /// credit code updates that entry. At most 2 MB (413) and 5,000 enterprises.
    /// </summary>
    public static async Task<Results<Ok<ImportSummary>, ValidationProblem, BadRequestProblem, ConflictProblem, ContentTooLargeProblem>> ImportCsv(
        HttpRequest request, IAntiforgery antiforgery, EnterpriseService enterprises, ClaimsPrincipal user, CancellationToken ct)
    {
        byte[]? bytes;
        if (request.HasFormContentType)
        {
            // A page of another site can post a multipart form: a caller signed in by cookie shows the antiforgery token too.
            if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                && !await antiforgery.IsRequestValidAsync(request.HttpContext))
            {
                return Problems.BadRequest("缺少或无效的防伪令牌", "the antiforgery token is missing or invalid");
            }

            var form = await request.ReadFormAsync(ct);
            if ((form.Files.GetFile("file") ?? form.Files.FirstOrDefault()) is not { } file)
            {
                return Problems.BadRequest("请在 file 字段上传 CSV 文件", "upload the CSV file in the 'file' field");
            }

            bytes = await ReadUploadAsync(file.OpenReadStream(), ct);
        }
        else if (request.ContentType is { } type && CsvContentTypes.Any(t => type.StartsWith(t, StringComparison.OrdinalIgnoreCase)))
        {
            bytes = await ReadUploadAsync(request.Body, ct);
        }
        else
        {
            return Problems.BadRequest("请以 text/csv 请求体或 multipart/form-data 的 file 字段发送 CSV 文件",
                "send the CSV file as a text/csv body or as the 'file' field of multipart/form-data");
        }

        if (bytes is null)
        {
            return new ContentTooLargeProblem(EnterpriseService.TooLarge);
        }

        return await enterprises.ImportCsvAsync(bytes, Actor.Of(user), ct) switch
        {
            { Value: { } summary } => TypedResults.Ok(summary),
            { Error: ServiceError.Invalid invalid } => TypedResults.ValidationProblem(invalid.Fields.ToDictionary(), title: "Bad Request",
                detail: new Text($"导入被拒绝，未写入任何内容：{invalid.Fields.Errors.Count} 处有误，见 errors",
                    $"the import was refused and nothing was written: {English.Count(invalid.Fields.Errors.Count, "bad line", "bad lines")}, see errors").ToString()),
            var failed => new ConflictProblem(failed.Error!.Message),
        };
    }

    /// <summary>Content types a CSV body may come with (Excel and browsers name it differently).</summary>
    private static readonly string[] CsvContentTypes = ["text/csv", "application/csv", "application/vnd.ms-excel", "application/octet-stream"];

    /// <summary>The upload's bytes, or null when it is larger than <see cref="EnterpriseCsv.MaxBytes"/> (reading stops there).</summary>
    public static async Task<byte[]?> ReadUploadAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > EnterpriseCsv.MaxBytes)
            {
                return null;
            }
        }

        return buffer.ToArray();
    }
}
