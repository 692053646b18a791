using Liaison.Cases.Calendar;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Calendar;

/// <summary>
/// The one working-day calendar: shipped schedules overridden by the ones admins stored. Rebuilt from the database
/// at most once a minute (so instances sharing a database converge) and at once after a local change.
/// </summary>
public sealed class CalendarService
{
    private readonly RefreshingValue<WorkingCalendar> _calendar;

    public CalendarService(IServiceScopeFactory scopes, IOptions<LiaisonOptions> options, TimeProvider clock)
    {
        TimeZone = WorkingCalendar.ResolveTimeZone(options.Value.TimeZone);
        var closeOfBusiness = options.Value.CloseOfBusiness;
        _calendar = new RefreshingValue<WorkingCalendar>(clock, TimeSpan.FromMinutes(1), async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            var stored = await db.Set<CalendarYearRecord>().AsNoTracking().ToListAsync(ct);
            return WorkingCalendar.Create(stored.Select(r => YearSchedule.Parse(r.Json)), TimeZone, closeOfBusiness);
        });
    }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>A moment as the zone's local time to the minute, <c>yyyy-MM-dd HH:mm</c>: how pages and messages show times.</summary>
    public string Minute(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, TimeZone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The zone's IANA name (Asia/Shanghai), as browsers know it, also when it was configured by its Windows id.</summary>
    public string TimeZoneName =>
        !TimeZone.HasIanaId && TimeZoneInfo.TryConvertWindowsIdToIanaId(TimeZone.Id, out var iana) ? iana : TimeZone.Id;

    public Task<WorkingCalendar> GetAsync(CancellationToken ct = default) => _calendar.GetAsync(ct);

    /// <summary>Forget the cached calendar (after an admin stored a year).</summary>
    public void Invalidate() => _calendar.Invalidate();

    /// <summary>Reads a local ISO date-time (no offset = this zone's local time) or one with an offset.</summary>
    public bool TryParseLocal(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var withOffset)
            && (text.EndsWith('Z') || text.Contains('+') || text.LastIndexOf('-') > 9))
        {
            if (withOffset.Year is < YearSchedule.MinYear or > YearSchedule.MaxYear)
            {
                return false;
            }

            instant = withOffset;
            return true;
        }

        if (!DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var local))
        {
            return false;
        }

        // Far from DateTimeOffset's ends: 0001-01-01 in UTC+8 is before year 1 in UTC, and threw (a 500).
        if (local.Year is < YearSchedule.MinYear or > YearSchedule.MaxYear)
        {
            return false;
        }

        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        instant = new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
        return true;
    }

    /// <summary>
    /// A date-time with an offset whose '+' an address turned into a space: <c>from=2026-12-08T10:00+02:00</c> unescaped
    /// reads "2026-12-08T10:00 02:00", which <see cref="TryParseLocal"/> cannot read but would with the '+' back.
    /// </summary>
    public static bool OffsetLostItsPlus(string? text)
    {
        var at = text?.LastIndexOf(' ') ?? -1;
        return at > 0 && at < text!.Length - 1
            && DateTimeOffset.TryParse($"{text[..at]}+{text[(at + 1)..]}", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var parsed)
            && parsed.Year is >= YearSchedule.MinYear and <= YearSchedule.MaxYear;
    }
}
