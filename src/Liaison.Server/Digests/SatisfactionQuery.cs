using Liaison.Cases.Digests;
using Liaison.Cases.Enterprises;
using Liaison.Server.Data;
using Liaison.Server.EnterpriseView;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Digests;

/// <summary>
/// 满意率 for the league table (rules in Liaison.Cases/Digests/README.md): each rating counts for the lead department
/// at confirmation (<see cref="CaseRating.DepartmentCode"/>), in the period of its rating's time; windows that closed
/// in the period without a rating are counted apart (Expired) and never in the rate.
/// </summary>
public static class SatisfactionQuery
{
    /// <summary>The table with each row's (and the total's) <see cref="LeagueRow.Satisfaction"/> filled in.</summary>
    public static async Task<LeagueTableResult> AddToAsync(
        LiaisonDbContext db, LeagueTableResult table, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now, CancellationToken ct)
    {
        var until = end < now ? end : now;
        var rated = await db.Set<CaseRating>().AsNoTracking()
            .Where(r => r.RatedAt >= start && r.RatedAt < until)
            .GroupBy(r => new { r.DepartmentCode, r.Score })
            .Select(g => new { g.Key.DepartmentCode, g.Key.Score, Count = g.Count() })
            .ToListAsync(ct);
        var expired = await db.Set<CaseRating>().AsNoTracking()
            .Where(r => r.RatedAt == null && r.ClosesAt >= start && r.ClosesAt < until)
            .GroupBy(r => r.DepartmentCode)
            .Select(g => new { DepartmentCode = g.Key, Count = g.Count() })
            .ToListAsync(ct);

        var counts = new Dictionary<string, SatisfactionCounts>(StringComparer.Ordinal);
        foreach (var r in rated)
        {
            var n = counts.GetValueOrDefault(r.DepartmentCode) ?? SatisfactionCounts.Zero;
            counts[r.DepartmentCode] = n + r.Score switch
            {
                RatingScore.Satisfied => new SatisfactionCounts(r.Count, 0, 0, 0),
                RatingScore.FairlySatisfied => new SatisfactionCounts(0, r.Count, 0, 0),
                _ => new SatisfactionCounts(0, 0, r.Count, 0),
            };
        }

        foreach (var e in expired)
        {
            counts[e.DepartmentCode] = (counts.GetValueOrDefault(e.DepartmentCode) ?? SatisfactionCounts.Zero) + new SatisfactionCounts(0, 0, 0, e.Count);
        }

        var total = counts.Values.Aggregate(SatisfactionCounts.Zero, (sum, n) => sum + n);
        return table with
        {
            Rows = table.Rows.Select(r => counts.TryGetValue(r.DepartmentCode, out var n) ? r with { Satisfaction = n } : r).ToList(),
            Totals = table.Totals with { Satisfaction = total },
        };
    }
}
