using System.Globalization;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Audit;

/// <summary>
/// A reader's filter of the change log, as the page's form and the API's query string give it: an area
/// (<see cref="AuditActions.Areas"/>), who (part of an email), what (part of a subject), local dates from and to
/// (inclusive, <c>yyyy-MM-dd</c>) and a page.
/// </summary>
public sealed record AuditFilter(string? Area, string? Actor, string? Subject, string? From, string? To, string? Page)
{
    public static readonly AuditFilter None = new(null, null, null, null, null, null);

    /// <summary>This filter's page <paramref name="page"/> on the admin page.</summary>
    public string PageUrl(int page)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) query.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
        }

        Add("area", Area);
        Add("actor", Actor);
        Add("subject", Subject);
        Add("from", From);
        Add("to", To);
        if (page > 1) query.Add($"page={page}");
        return "/admin/audit" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }

    /// <summary>This filter's CSV file (every page).</summary>
    public string ExportUrl() => AuditExport.Path + PageUrl(1)["/admin/audit".Length..];
}

/// <summary>Reads the change log newest first, a page at a time.</summary>
public static class AuditQuery
{
    public const int PageSize = 50;
    public const int MaxPage = 10_000;
    private const int MaxTextLength = 200;

    /// <param name="pageSize">Entries a page: <see cref="PageSize"/> for the page and the API, more for the CSV file.</param>
    public static async Task<ServiceResult<AuditPage>> ListAsync(
        LiaisonDbContext db, AuditFilter filter, TimeZoneInfo zone, CancellationToken ct, int pageSize = PageSize)
    {
        var v = new Validation();
        var query = db.Set<AuditEntry>().AsNoTracking();
        if (Validation.Optional(filter.Area) is { } area)
        {
            var actions = AuditActions.Of(area);
            if (actions.Count == 0)
            {
                // Named as the page's filter names them, with the code the address takes.
                v.Add("area", "类别无效，可选：" + string.Join("、", AuditActions.Areas.Select(a => $"{a.Label.Zh}（{a.Area}）")),
                    "must be one of: " + string.Join(", ", AuditActions.Areas.Select(a => $"{a.Label.En} ({a.Area})")));
            }

            query = query.Where(e => actions.Contains(e.Action));
        }

        if (Validation.Optional(filter.Actor) is { } actor)
        {
            v.MaxLength("actor", actor, MaxTextLength);
            query = query.Where(e => EF.Functions.ILike(e.Actor, LikePattern.Containing(actor), LikePattern.Escape));
        }

        if (Validation.Optional(filter.Subject) is { } subject)
        {
            v.MaxLength("subject", subject, MaxTextLength);
            query = query.Where(e => EF.Functions.ILike(e.Subject, LikePattern.Containing(subject), LikePattern.Escape));
        }

        var from = Date(v, "from", filter.From, zone);
        var to = Date(v, "to", filter.To, zone);
        if (from is { } f)
        {
            query = query.Where(e => e.At >= f);
        }

        if (to is { } t)
        {
            // Inclusive: everything before the next day's midnight.
            var end = t.AddDays(1);
            query = query.Where(e => e.At < end);
        }

        if (from > to)
        {
            v.Add("to", "结束日期不能早于开始日期", "must not be before from");
        }

        var page = 1;
        if (Validation.Optional(filter.Page) is { } p && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page is < 1 or > MaxPage))
        {
            v.Add("page", $"页码须在 1 到 {MaxPage} 之间", $"page must be a whole number from 1 to {MaxPage}");
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new AuditPage(page, pageSize, total, rows.Select(AuditEntryDto.From).ToList());
    }

    /// <summary>The start of a local date in <paramref name="zone"/>, or null when not given (or wrong, noted in <paramref name="v"/>).</summary>
    private static DateTimeOffset? Date(Validation v, string field, string? text, TimeZoneInfo zone)
    {
        if (Validation.Optional(text) is not { } given)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(given, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            v.Add(field, "日期格式应为 yyyy-MM-dd", "must be a date as yyyy-MM-dd");
            return null;
        }

        if (date.Year is < Liaison.Cases.Calendar.YearSchedule.MinYear or > Liaison.Cases.Calendar.YearSchedule.MaxYear)
        {
            // The years the product knows (the calendar's, the league table's).
            v.Add(field, $"日期应在 {Liaison.Cases.Calendar.YearSchedule.MinYear} 年至 {Liaison.Cases.Calendar.YearSchedule.MaxYear} 年之间",
                $"must be a date from {Liaison.Cases.Calendar.YearSchedule.MinYear} to {Liaison.Cases.Calendar.YearSchedule.MaxYear}");
            return null;
        }

        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}

/// <summary>A page of the change log, newest first.</summary>
public sealed record AuditPage(int Page, int PageSize, int Total, List<AuditEntryDto> Items)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>One entry as the API shows it; <c>label</c> is the action's name in both languages.</summary>
public sealed record AuditEntryDto(long Id, DateTimeOffset At, string Actor, string Action, AuditLabel Label, string Subject, IReadOnlyList<AuditChange> Changes)
{
    public static AuditEntryDto From(AuditEntry e)
    {
        var label = AuditActions.Label(e.Action);
        return new(e.Id, e.At, e.Actor, e.Action, new AuditLabel(label.Zh, label.En), e.Subject, AuditLog.ReadChanges(e.Changes));
    }
}

public sealed record AuditLabel(string Zh, string En);
