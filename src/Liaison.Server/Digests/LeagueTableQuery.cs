using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Digests;

/// <summary>
/// The league table's counts added up by PostgreSQL from the scored timeline entries (<see cref="LeagueTable.Score"/>,
/// covering index <c>ix_case_events_scored</c>): one scan of the period's scored entries, no sorts, plus the
/// overdue cases. Its cost grows with the period's entries, never with every case. Same numbers as replaying the
/// timelines with <see cref="LeagueTable.Accumulator"/> (tested).
/// </summary>
/// <remarks>
/// "Distinct cases received" and "the last resolution per case and department" are filters: an entry counts unless a
/// later one of the same kind, case and department falls in the period too (<see cref="CaseEvent.NextSameAt"/>).
/// The working days from a round's dispatch to its resolution come from a day-number array built from the zone's
/// calendar, indexed by the local day; the median is taken from their histogram.
/// </remarks>
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

        // Day numbers (working days up to and including each local day) from the earliest counted round's start to the
        // period's end.
        var earliest = await db.Database.SqlQuery<DateTimeOffset?>($"""
            SELECT min(round_started_at) AS "Value"
            FROM case_events
            WHERE department_code IS NOT NULL AND kind = 'resolve' AND at >= {start} AND at < {end} AND at <= {now}
            """).SingleAsync(ct);
        var first = calendar.LocalDate(earliest is { } e && e < start ? e : start);
        var last = calendar.LocalDate(end);
        var numbers = new List<int>();
        var number = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (day > first && calendar.IsWorkingDay(day)) number++;
            numbers.Add(number);
        }

        var zone = calendar.TimeZone.Id;
        var dayNumbers = numbers.ToArray();
        var rows = await db.Database.SqlQuery<ScoredCounts>($"""
            SELECT department_code AS department,
                CASE WHEN kind = 'resolve' AND (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now})
                    THEN {dayNumbers}[(at AT TIME ZONE {zone})::date - {first} + 1]
                        - {dayNumbers}[(round_started_at AT TIME ZONE {zone})::date - {first} + 1]
                END AS days,
                count(*) FILTER (WHERE kind = 'dispatched' AND (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now}))::int AS received,
                count(*) FILTER (WHERE kind = 'accept')::int AS accepted,
                count(*) FILTER (WHERE kind = 'accept' AND on_time)::int AS accepted_on_time,
                count(*) FILTER (WHERE kind = 'resolve' AND (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now}))::int AS resolved,
                count(*) FILTER (WHERE kind = 'resolve' AND on_time AND (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now}))::int AS resolved_on_time,
                count(*) FILTER (WHERE kind = 'return')::int AS returns,
                count(*) FILTER (WHERE kind = 'extension')::int AS extensions,
                count(*) FILTER (WHERE kind = 'reopened')::int AS reopenings
            FROM case_events
            WHERE department_code IS NOT NULL AND at >= {start} AND at < {end} AND at <= {now}
            GROUP BY 1, 2
            """).ToListAsync(ct);

        var overdue = await db.Database.SqlQuery<OverdueCount>($"""
            SELECT department_code AS department, count(*)::int AS overdue_now
            FROM cases
            WHERE status = ANY({WithHandler}) AND due_at < {now}
            GROUP BY department_code
            """).ToDictionaryAsync(o => o.Department, o => o.OverdueNow, ct);

        var byDepartment = new Dictionary<string, LeagueCounts>(StringComparer.Ordinal);
        var days = new Dictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        var allDays = new SortedDictionary<int, int>();
        foreach (var r in rows)
        {
            var n = byDepartment.GetValueOrDefault(r.Department) ?? LeagueCounts.Zero;
            byDepartment[r.Department] = n with
            {
                Received = n.Received + r.Received, Accepted = n.Accepted + r.Accepted, AcceptedOnTime = n.AcceptedOnTime + r.AcceptedOnTime,
                Resolved = n.Resolved + r.Resolved, ResolvedOnTime = n.ResolvedOnTime + r.ResolvedOnTime,
                Returns = n.Returns + r.Returns, Extensions = n.Extensions + r.Extensions, Reopenings = n.Reopenings + r.Reopenings,
            };
            if (r.Days is { } d)
            {
                var histogram = days.TryGetValue(r.Department, out var h) ? h : days[r.Department] = new SortedDictionary<int, int>();
                histogram[d] = histogram.GetValueOrDefault(d) + r.Resolved;
                allDays[d] = allDays.GetValueOrDefault(d) + r.Resolved;
            }
        }

        foreach (var (code, count) in overdue)
        {
            byDepartment[code] = (byDepartment.GetValueOrDefault(code) ?? LeagueCounts.Zero) with { OverdueNow = count };
        }

        foreach (var (code, histogram) in days)
        {
            byDepartment[code] = byDepartment[code] with { MedianWorkingDaysToResolve = LeagueTable.MedianOfHistogram(histogram) };
        }

        var all = byDepartment.Values.ToList();
        var total = new LeagueCounts(
            all.Sum(n => n.Received), all.Sum(n => n.Accepted), all.Sum(n => n.AcceptedOnTime),
            all.Sum(n => n.Resolved), all.Sum(n => n.ResolvedOnTime), all.Sum(n => n.OverdueNow),
            all.Sum(n => n.Returns), all.Sum(n => n.Extensions), all.Sum(n => n.Reopenings),
            LeagueTable.MedianOfHistogram(allDays));
        return (byDepartment, total);
    }

    private sealed record ScoredCounts(
        string Department, int? Days, int Received, int Accepted, int AcceptedOnTime, int Resolved, int ResolvedOnTime,
        int Returns, int Extensions, int Reopenings);

    private sealed record OverdueCount(string Department, int OverdueNow);
}
