using System.Globalization;
using System.Text;
using Liaison.Server.Calendar;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Liaison.Server.Audit;

/// <summary>
/// The change log as a CSV file (for an inspection, or a spreadsheet): the page's filters, every matching entry newest
/// first. At most <see cref="MaxEntries"/>: a filter matching more is refused (400) rather than cut short.
/// </summary>
public static class AuditExport
{
    public const string Path = "/api/admin/audit.csv";
    public const int MaxEntries = 10_000;

    private static readonly string[] Header = ["时间 Time", "操作人 By", "操作 Change", "对象 What", "变更内容 Before → after"];

    /// <summary>Every entry the filter matches (its <c>page</c> is ignored), UTF-8 with a BOM for Excel.</summary>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, BadRequestProblem>> ExportCsv(
        string? area, string? actor, string? subject, string? from, string? to,
        LiaisonDbContext db, CalendarService calendars, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        var zone = calendars.TimeZone;
        var read = await AuditQuery.ListAsync(db, new AuditFilter(area, actor, subject, from, to, null), zone, ct, pageSize: MaxEntries);
        if (read.Error is ServiceError.Invalid invalid)
        {
            return Problems.Invalid(invalid.Fields);
        }

        var list = read.Value!;
        if (list.Total > MaxEntries)
        {
            return Problems.BadRequest(
                $"符合条件的记录超过 {MaxEntries:N0} 条，请缩小日期范围后再导出", $"more than {MaxEntries:N0} entries match: narrow the dates to export them");
        }

        var sb = new StringBuilder();
        Csv.AppendLine(sb, Header);
        foreach (var e in list.Items)
        {
            Csv.AppendLine(sb,
            [
                TimeZoneInfo.ConvertTime(e.At, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.Actor, e.Label.Zh, e.Subject,
                string.Join("；", e.Changes.Select(Describe)),
            ]);
        }

        response.Headers.CacheControl = "no-store";
        var today = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone);
        return TypedResults.File(Csv.Utf8WithBom(sb), "text/csv; charset=utf-8", $"change-log-{today:yyyy-MM-dd}.csv");
    }

    // Values in words as the page shows them (医药食品, 是, 管理员), in Chinese as the export's labels are.
    private static string Describe(AuditChange c) => AuditActions.FieldLabel(c.Field).Zh + "：" + (c.From, c.To) switch
    {
        (null, null) => "已更改",
        (null, { } value) => Value(c.Field, value),
        var (before, after) => $"{Value(c.Field, before)} → {(after is null ? "（空）" : Value(c.Field, after))}",
    };

    private static string Value(string field, string value) => AuditActions.ValueLabel(field, value)?.Zh ?? value;
}
