using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Digests;

/// <summary>
/// The league table's counts added up by PostgreSQL from the scored timeline entries (<see cref="LeagueTable.Score"/>,
/// index <c>ix_case_events_scored</c>): four short queries whose cost grows with the period's entries, never with
/// every case. Same numbers as replaying the timelines with <see cref="LeagueTable.Accumulator"/> (tested).
/// </summary>
public static class LeagueTableQuery
{
    // Result columns are snake_case: the model's naming convention maps them onto the records below.
    private static readonly string[] WithHandler = CaseStatuses.WithHandler.Select(s => s.ToString()).ToArray();

    /// <summary>Counts per department and in total for the instants <paramref name="start"/> (inclusive) to <paramref name="end"/>, as of <paramref name="now"/>.</summary>
    public static async Task<(Dictionary<string, LeagueCounts> Departments, LeagueCounts Total)> CountAsync(
        LiaisonDbContext db, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now, WorkingCalendar calendar, CancellationToken ct)
    {
        // Raw parameters bypass the model's UTC conversion; Npgsql writes timestamptz from UTC values only.
        (start, end, now) = (start.ToUniversalTime(), end.ToUniversalTime(), now.ToUniversalTime());
        var entries = await db.Database.SqlQuery<EntryCounts>($"""
            SELECT department_code AS department,
                count(DISTINCT case_id) FILTER (WHERE kind = 'dispatched')::int AS received,
                count(*) FILTER (WHERE kind = 'accept')::int AS accepted,
                count(*) FILTER (WHERE kind = 'accept' AND on_time)::int AS accepted_on_time,
                count(*) FILTER (WHERE kind = 'return')::int AS returns,
                count(*) FILTER (WHERE kind = 'extension')::int AS extensions,
                count(*) FILTER (WHERE kind = 'reopened')::int AS reopenings
            FROM case_events
            WHERE department_code IS NOT NULL AND at >= {start} AND at < {end} AND at <= {now}
            GROUP BY department_code
            """).ToListAsync(ct);

        var overdue = await db.Database.SqlQuery<OverdueCount>($"""
            SELECT department_code AS department, count(*)::int AS overdue_now
            FROM cases
            WHERE status = ANY({WithHandler}) AND due_at < {now}
            GROUP BY department_code
            """).ToDictionaryAsync(o => o.Department, o => o.OverdueNow, ct);

        // Working days from a round's dispatch to its resolution, by the zone's calendar: a day number for each local
        // day from the earliest counted round's start to the period's end (working days up to and including it).
        var earliest = await db.Database.SqlQuery<DateTimeOffset?>($"""
            SELECT min(round_started_at) AS "Value"
            FROM case_events
            WHERE department_code IS NOT NULL AND kind = 'resolve' AND at >= {start} AND at < {end} AND at <= {now}
            """).SingleAsync(ct);
        var first = calendar.LocalDate(earliest is { } e && e < start ? e : start);
        var last = calendar.LocalDate(end);
        var days = new List<DateOnly>();
        var numbers = new List<int>();
        var number = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (day > first && calendar.IsWorkingDay(day)) number++;
            days.Add(day);
            numbers.Add(number);
        }

        var zone = calendar.TimeZone.Id;
        var resolves = await db.Database.SqlQuery<ResolveCounts>($"""
            WITH day_numbers AS (SELECT * FROM unnest({days.ToArray()}, {numbers.ToArray()}) AS d(day, number)),
            last_resolve AS (
                SELECT DISTINCT ON (case_id, department_code) department_code, on_time, round_started_at, at
                FROM case_events
                WHERE department_code IS NOT NULL AND kind = 'resolve' AND at >= {start} AND at < {end} AND at <= {now}
                ORDER BY case_id, department_code, at DESC, id DESC)
            SELECT r.department_code AS department, count(*)::int AS resolved,
                count(*) FILTER (WHERE r.on_time)::int AS resolved_on_time,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved.number - started.number) AS median
            FROM last_resolve r
            JOIN day_numbers started ON started.day = (r.round_started_at AT TIME ZONE {zone})::date
            JOIN day_numbers resolved ON resolved.day = (r.at AT TIME ZONE {zone})::date
            GROUP BY GROUPING SETS ((r.department_code), ())
            """).ToListAsync(ct);

        var byDepartment = new Dictionary<string, LeagueCounts>(StringComparer.Ordinal);
        LeagueCounts For(string code) => byDepartment.GetValueOrDefault(code) ?? LeagueCounts.Zero;
        foreach (var n in entries)
        {
            byDepartment[n.Department] = For(n.Department) with
            {
                Received = n.Received, Accepted = n.Accepted, AcceptedOnTime = n.AcceptedOnTime,
                Returns = n.Returns, Extensions = n.Extensions, Reopenings = n.Reopenings,
            };
        }

        foreach (var r in resolves.Where(r => r.Department is not null))
        {
            byDepartment[r.Department!] = For(r.Department!) with { Resolved = r.Resolved, ResolvedOnTime = r.ResolvedOnTime, MedianWorkingDaysToResolve = r.Median };
        }

        foreach (var (code, count) in overdue)
        {
            byDepartment[code] = For(code) with { OverdueNow = count };
        }

        var all = byDepartment.Values.ToList();
        var total = new LeagueCounts(
            all.Sum(n => n.Received), all.Sum(n => n.Accepted), all.Sum(n => n.AcceptedOnTime),
            all.Sum(n => n.Resolved), all.Sum(n => n.ResolvedOnTime), all.Sum(n => n.OverdueNow),
            all.Sum(n => n.Returns), all.Sum(n => n.Extensions), all.Sum(n => n.Reopenings),
            resolves.SingleOrDefault(r => r.Department is null)?.Median);
        return (byDepartment, total);
    }

    private sealed record EntryCounts(string Department, int Received, int Accepted, int AcceptedOnTime, int Returns, int Extensions, int Reopenings);

    private sealed record OverdueCount(string Department, int OverdueNow);

    private sealed record ResolveCounts(string? Department, int Resolved, int ResolvedOnTime, double? Median);
}
