using System.Buffers;
using System.Globalization;
using Liaison.Cases.Common;

namespace Liaison.Server.Http;

/// <summary>
/// How large a request's body may be, by its address, and how long it may take to arrive: checked by
/// <see cref="RequestAdmission"/> as it reads the body, before sign-in or the route is known. Every form and JSON body
/// the product takes is far below <see cref="MaxBytes"/> but two: the enterprise register's CSV import, a file of up to
/// 2 MB, and a mail template's form may send <see cref="UploadBytes"/>.
/// </summary>
public sealed record RequestBodyLimits(long MaxBytes, long UploadBytes, TimeSpan Timeout)
{
    public static readonly RequestBodyLimits Default = new(1024 * 1024, 4 * 1024 * 1024, TimeSpan.FromSeconds(30));

    /// <summary>
    /// The addresses (and those under them) that take <see cref="UploadBytes"/>: the CSV import's file, and a mail
    /// template's form, its three parts each up to 100,000 characters, which a Chinese text URL-encodes to 9 bytes
    /// each (2.7 MB).
    /// </summary>
    public static readonly string[] UploadPaths = ["/api/enterprises/import", "/enterprises/import", "/admin/templates", "/api/mail-templates"];

    public long For(PathString path) =>
        UploadPaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)) ? Math.Max(UploadBytes, MaxBytes) : MaxBytes;

    /// <summary>Reads the body to its end, or until it is past <paramref name="limit"/>; returns how much it read.</summary>
    public static async Task<long> DrainAsync(Stream body, long limit, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while (total <= limit && (read = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A 413 naming the limit, or a 408; the connection is closed, as its body was not read to the end. A page's form
    /// gets a page with the way back to it, the API problem details.
    /// </summary>
    public async Task RefuseAsync(HttpContext http, int status, long limit)
    {
        var message = status == StatusCodes.Status408RequestTimeout
            ? new Text($"请求体在 {Timeout.TotalSeconds:0} 秒内未发送完，已中止，没有任何改动",
                $"The request body did not arrive within {Timeout.TotalSeconds:0} s and was dropped; nothing changed")
            : new Text($"请求体过大：此地址最多接受 {Size(limit)}，没有任何改动",
                $"The request body is too large: this address takes at most {Size(limit)}; nothing changed");
        http.Response.Headers.Connection = "close";
        if (ExpiredForm.IsPageForm(http))
        {
            await ExpiredForm.WriteRefusedAsync(http, new Text("表单没有提交", "The form was not sent"), message, status);
            return;
        }

        await Results.Problem(message.ToString(), statusCode: status, title: Problems.Title(status)).ExecuteAsync(http);
    }

    private static string Size(long bytes) => bytes % (1024 * 1024) == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB");
}
