using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Digests;

/// <summary>
/// The league table's counts added up by PostgreSQL from the scored timeline entries (<see cref="LeagueTable.Score"/>,
/// covering index <c>ix_case_events_scored</c>): one scan of the period's scored entries, no sorts, counting the lead's
/// entries and the co-handlers' parts' (those naming a part) apart, plus the overdue cases and parts. Its cost grows with the period's entries, never with every case. Same numbers as replaying the
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
    private static readonly string[] Ended = CaseStatuses.Ended.Select(s => s.ToString()).ToArray();
    private static readonly string[] OpenParts = CasePart.OpenStatuses.Select(s => s.ToString()).ToArray();

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
        // The lead's entries have no part (part_id IS NULL), a co-handler's name theirs: one scan counts both.
        var rows = await db.Database.SqlQuery<ScoredCounts>($"""
            SELECT department_code AS department,
                CASE WHEN kind = 'resolve' AND part_id IS NULL AND (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now})
                    THEN {dayNumbers}[(at AT TIME ZONE {zone})::date - {first} + 1]
                        - {dayNumbers}[(round_started_at AT TIME ZONE {zone})::date - {first} + 1]
                END AS days,
                count(*) FILTER (WHERE kind = 'dispatched' AND part_id IS NULL AND (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now}))::int AS received,
                count(*) FILTER (WHERE kind = 'accept' AND part_id IS NULL)::int AS accepted,
                count(*) FILTER (WHERE kind = 'accept' AND part_id IS NULL AND on_time)::int AS accepted_on_time,
                count(*) FILTER (WHERE kind = 'resolve' AND part_id IS NULL AND (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now}))::int AS resolved,
                count(*) FILTER (WHERE kind = 'resolve' AND part_id IS NULL AND on_time AND (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now}))::int AS resolved_on_time,
                count(*) FILTER (WHERE kind = 'return' AND part_id IS NULL)::int AS returns,
                count(*) FILTER (WHERE kind = 'extension' AND part_id IS NULL)::int AS extensions,
                count(*) FILTER (WHERE kind = 'reopened' AND part_id IS NULL)::int AS reopenings,
                count(*) FILTER (WHERE kind = 'dispatched' AND part_id IS NOT NULL AND (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now}))::int AS co_received,
                count(*) FILTER (WHERE kind = 'accept' AND part_id IS NOT NULL)::int AS co_accepted,
                count(*) FILTER (WHERE kind = 'accept' AND part_id IS NOT NULL AND on_time)::int AS co_accepted_on_time,
                count(*) FILTER (WHERE kind = 'submit' AND part_id IS NOT NULL)::int AS co_submitted,
                count(*) FILTER (WHERE kind = 'submit' AND part_id IS NOT NULL AND on_time)::int AS co_submitted_on_time,
                count(*) FILTER (WHERE kind = 'part-overridden' AND part_id IS NOT NULL)::int AS co_overridden,
                count(*) FILTER (WHERE kind = 'return' AND part_id IS NOT NULL)::int AS co_returns,
                count(*) FILTER (WHERE kind = 'extension' AND part_id IS NOT NULL)::int AS co_extensions
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

        // Open parts past their submit deadline, on cases that have not ended (index ix_case_parts_status_due_at).
        var overdueParts = await db.Database.SqlQuery<OverdueCount>($"""
            SELECT p.department_code AS department, count(*)::int AS overdue_now
            FROM case_parts p
            JOIN cases c ON c.id = p.case_id
            WHERE p.status = ANY({OpenParts}) AND p.due_at < {now} AND NOT c.status = ANY({Ended})
            GROUP BY p.department_code
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
                CoHandling = n.CoHandling + new CoHandlingCounts(r.CoReceived, r.CoAccepted, r.CoAcceptedOnTime, r.CoSubmitted,
                    r.CoSubmittedOnTime, r.CoOverridden, 0, r.CoReturns, r.CoExtensions),
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

        foreach (var (code, count) in overdueParts)
        {
            var n = byDepartment.GetValueOrDefault(code) ?? LeagueCounts.Zero;
            byDepartment[code] = n with { CoHandling = n.CoHandling with { OverdueNow = count } };
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
            LeagueTable.MedianOfHistogram(allDays))
        {
            CoHandling = all.Aggregate(CoHandlingCounts.Zero, (sum, n) => sum + n.CoHandling),
        };
        return (byDepartment, total);
    }

    private sealed record ScoredCounts(
        string Department, int? Days, int Received, int Accepted, int AcceptedOnTime, int Resolved, int ResolvedOnTime,
        int Returns, int Extensions, int Reopenings, int CoReceived, int CoAccepted, int CoAcceptedOnTime, int CoSubmitted,
        int CoSubmittedOnTime, int CoOverridden, int CoReturns, int CoExtensions);

    private sealed record OverdueCount(string Department, int OverdueNow);
}
