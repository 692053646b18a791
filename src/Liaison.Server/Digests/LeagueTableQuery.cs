using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Digests;

/// <summary>
/// The league table's counts added up by PostgreSQL from the scored timeline entries (<see cref="LeagueTable.Score"/>):
/// the whole days already rolled up read from <see cref="LeagueDay"/> rows (<see cref="LeagueRollup"/>), the rest from one
/// scan of the entries since (covering index <c>ix_case_events_scored</c>), counting the lead's entries and the
/// co-handlers' parts' (those naming a part) apart, plus the overdue cases and parts. Its cost grows with the period's
/// days and its latest entries, never with every case. Same numbers as replaying the timelines with
/// <see cref="LeagueTable.Accumulator"/> (tested, with and without a roll-up).
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

        // Whole local days already rolled up (LeagueRollup) are read from league_days; the entries after them are
        // scanned. A period always starts at a local midnight, so the rolled days are a prefix of it.
        var zone = calendar.TimeZone.Id;
        var fromDay = calendar.LocalDate(start);
        var endDay = calendar.LocalDate(end);
        var rolledBefore = await LeagueRollup.RolledBeforeAsync(db, ct);
        var rolledEndDay = rolledBefore is { } rolled && start == DigestSchedule.At(calendar, fromDay, TimeOnly.MinValue).ToUniversalTime()
            && end == DigestSchedule.At(calendar, endDay, TimeOnly.MinValue).ToUniversalTime()
            ? new[] { rolled, endDay }.Min() : fromDay;
        var live = rolledEndDay > fromDay ? DigestSchedule.At(calendar, rolledEndDay, TimeOnly.MinValue).ToUniversalTime() : start;
        if (live > now)
        {
            // The clock is behind the roll-up (only a test's clock goes back): count from the entries alone.
            (rolledEndDay, live) = (fromDay, start);
        }

        // Day numbers (working days up to and including each local day) from the earliest counted round's start to the
        // period's end.
        var earliest = await db.Database.SqlQuery<DateOnly?>($"""
            SELECT least(
                (SELECT min((round_started_at AT TIME ZONE {zone})::date) FROM case_events
                 WHERE department_code IS NOT NULL AND kind = 'resolve' AND at >= {live} AND at < {end} AND at <= {now}),
                (SELECT min(round_day) FROM league_days WHERE kind = 'resolve' AND day >= {fromDay} AND day < {rolledEndDay})) AS "Value"
            """).SingleAsync(ct);
        var first = earliest is { } e && e < fromDay ? e : fromDay;
        var last = calendar.LocalDate(end);
        var numbers = new List<int>();
        var number = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (day > first && calendar.IsWorkingDay(day)) number++;
            numbers.Add(number);
        }

        var dayNumbers = numbers.ToArray();
        // The lead's entries have no part, a co-handler's name theirs: one pass counts both. "last": no later entry of
        // the same kind, case, department and role falls in the period (a rolled-up entry knows that later one's day).
        var rows = await db.Database.SqlQuery<ScoredCounts>($"""
            WITH scored AS (
                SELECT department_code, part_id IS NOT NULL AS part, kind, on_time,
                    CASE WHEN kind = 'resolve' AND part_id IS NULL THEN (at AT TIME ZONE {zone})::date END AS day,
                    CASE WHEN kind = 'resolve' AND part_id IS NULL THEN (round_started_at AT TIME ZONE {zone})::date END AS round_day,
                    (next_same_at IS NULL OR next_same_at >= {end} OR next_same_at > {now}) AS last,
                    1 AS n
                FROM case_events
                WHERE department_code IS NOT NULL AND at >= {live} AND at < {end} AND at <= {now}
                UNION ALL
                SELECT department_code, part, kind, on_time, day, round_day, (next_day IS NULL OR next_day >= {endDay}) AS last, count AS n
                FROM league_days
                WHERE day >= {fromDay} AND day < {rolledEndDay} AND count > 0
            )
            SELECT department_code AS department,
                CASE WHEN kind = 'resolve' AND NOT part AND last
                    THEN {dayNumbers}[day - {first} + 1] - {dayNumbers}[round_day - {first} + 1]
                END AS days,
                coalesce(sum(n) FILTER (WHERE kind = 'dispatched' AND NOT part AND last), 0)::int AS received,
                coalesce(sum(n) FILTER (WHERE kind IN ('accept', 'accept-overdue') AND NOT part AND on_time IS NOT NULL), 0)::int AS accepted,
                coalesce(sum(n) FILTER (WHERE kind = 'accept' AND NOT part AND on_time), 0)::int AS accepted_on_time,
                coalesce(sum(n) FILTER (WHERE kind = 'resolve' AND NOT part AND last), 0)::int AS resolved,
                coalesce(sum(n) FILTER (WHERE kind = 'resolve' AND NOT part AND on_time AND last), 0)::int AS resolved_on_time,
                coalesce(sum(n) FILTER (WHERE kind = 'return' AND NOT part), 0)::int AS returns,
                coalesce(sum(n) FILTER (WHERE kind = 'extension' AND NOT part), 0)::int AS extensions,
                coalesce(sum(n) FILTER (WHERE kind = ANY({CaseEventKinds.Reopenings}) AND NOT part), 0)::int AS reopenings,
                coalesce(sum(n) FILTER (WHERE kind = 'insisted' AND NOT part), 0)::int AS insists,
                coalesce(sum(n) FILTER (WHERE kind = 'dispatched' AND part AND last), 0)::int AS co_received,
                coalesce(sum(n) FILTER (WHERE kind IN ('accept', 'accept-overdue') AND part AND on_time IS NOT NULL), 0)::int AS co_accepted,
                coalesce(sum(n) FILTER (WHERE kind = 'accept' AND part AND on_time), 0)::int AS co_accepted_on_time,
                coalesce(sum(n) FILTER (WHERE kind = 'submit' AND part), 0)::int AS co_submitted,
                coalesce(sum(n) FILTER (WHERE kind = 'submit' AND part AND on_time), 0)::int AS co_submitted_on_time,
                coalesce(sum(n) FILTER (WHERE kind = 'part-overridden' AND part AND NOT coalesce(on_time, false)), 0)::int AS co_overridden,
                coalesce(sum(n) FILTER (WHERE kind = 'return' AND part), 0)::int AS co_returns,
                coalesce(sum(n) FILTER (WHERE kind = 'extension' AND part), 0)::int AS co_extensions
            FROM scored
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
                Insists = n.Insists + r.Insists,
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
            Insists = all.Sum(n => n.Insists),
        };
        return (byDepartment, total);
    }

    private sealed record ScoredCounts(
        string Department, int? Days, int Received, int Accepted, int AcceptedOnTime, int Resolved, int ResolvedOnTime,
        int Returns, int Extensions, int Reopenings, int Insists, int CoReceived, int CoAccepted, int CoAcceptedOnTime, int CoSubmitted,
        int CoSubmittedOnTime, int CoOverridden, int CoReturns, int CoExtensions);

    private sealed record OverdueCount(string Department, int OverdueNow);
}
