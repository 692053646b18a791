using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Cases.Enterprises;
using Liaison.Server.Data;
using Liaison.Server.Visits;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Digests;

/// <summary>
/// The league table's key-enterprise service block (重点企业服务) for the local days <c>from</c>–<c>to</c>: a handful of
/// counts over the period's visits and the cases their problems raised (rules: Liaison.Cases/Digests/README.md).
/// </summary>
public static class KeyEnterpriseServiceQuery
{
    /// <summary>The block for the local days <paramref name="from"/>–<paramref name="to"/> (inclusive), as of <paramref name="now"/>.</summary>
    public static async Task<KeyEnterpriseServiceCounts> CountAsync(
        LiaisonDbContext db, WorkingCalendar calendar, DateOnly from, DateOnly to, DateTimeOffset now, CancellationToken ct)
    {
        var start = DigestSchedule.At(calendar, from, TimeOnly.MinValue);
        var end = DigestSchedule.At(calendar, to.AddDays(1), TimeOnly.MinValue);
        var visits = db.Set<EnterpriseVisit>().AsNoTracking().Where(v => v.VisitedOn >= from && v.VisitedOn <= to);
        var visitCount = await visits.CountAsync(ct);
        var found = await db.Set<VisitProblem>().CountAsync(p => visits.Any(v => v.Id == p.VisitId), ct);

        // A week still running is judged as of today; an ended one as of its last day.
        var today = calendar.LocalDate(now);
        var asOfNow = today <= to;
        var asOf = asOfNow ? today : to;
        var overdue = await VisitDue.Overdue(db.Set<RegisteredEnterprise>().AsNoTracking(), db, asOf, DigestSchedule.At(calendar, asOf.AddDays(1), TimeOnly.MinValue))
            .CountAsync(ct);

        var raised = await (
            from p in db.Set<VisitProblem>().AsNoTracking()
            join c in db.Cases.AsNoTracking() on p.CaseId equals c.Id
            where c.CreatedAt >= start && c.CreatedAt < end
            group c by 1 into g
            select new
            {
                Raised = g.Count(),
                Solved = g.Count(c => c.Status == CaseStatus.Resolved || c.Status == CaseStatus.Closed),
            }).SingleOrDefaultAsync(ct); // one group, or none without cases (First would ask for an order)
        return new KeyEnterpriseServiceCounts(visitCount, overdue, asOf, asOfNow, found, raised?.Raised ?? 0, raised?.Solved ?? 0);
    }
}
