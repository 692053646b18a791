using Liaison.Cases.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Calendar;

/// <summary>
/// Stores an admin's year schedule and recomputes the provisional deadlines of open cases for that year, in one
/// transaction. Shared by <c>PUT /api/calendar/years/{year}</c> and the admin calendar page.
/// </summary>
public static class CalendarYearStore
{
    /// <summary>Every year the calendar knows, shipped or stored by an admin.</summary>
    public static async Task<List<YearDto>> ListAsync(CalendarService calendars, LiaisonDbContext db, CancellationToken ct)
    {
        var calendar = await calendars.GetAsync(ct);
        var stored = await db.Set<CalendarYearRecord>().AsNoTracking().Select(r => r.Year).ToListAsync(ct);
        return calendar.Schedules
            .Select(s => new YearDto(s.Year, s.Version, s.Source, stored.Contains(s.Year) ? "admin" : "shipped", s.Holidays.Count, s.Workdays.Count))
            .OrderBy(y => y.Year)
            .ToList();
    }

    /// <summary>Adds or replaces <paramref name="schedule"/>'s year; returns how many cases were recomputed.</summary>
    public static async Task<int> SaveAsync(
        YearSchedule schedule, string? updatedBy, LiaisonDbContext db, CalendarService calendars,
        DeadlineRecalculation recalculation, TimeProvider clock, CancellationToken ct)
    {
        var year = schedule.Year;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var record = await db.Set<CalendarYearRecord>().FirstOrDefaultAsync(r => r.Year == year, ct);
        if (record is null)
        {
            record = new CalendarYearRecord { Year = year, Json = "", Version = "" };
            db.Add(record);
        }

        record.Json = schedule.ToJson();
        record.Version = schedule.Version;
        record.UpdatedAt = clock.GetUtcNow();
        record.UpdatedBy = updatedBy;
        await db.SaveChangesAsync(ct);

        var calendar = (await calendars.GetAsync(ct)).WithSchedule(schedule);
        var recomputed = await recalculation.RecomputeProvisionalAsync(db, calendar, year, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        calendars.Invalidate();
        return recomputed;
    }
}
