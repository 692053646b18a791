using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Cases.Enterprises;
using Liaison.Server.Data;
using Liaison.Server.Visits;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Digests;

/// <summary>
/// The part of an officer's daily digest that comes from the key enterprises they serve (重点企业服务): as chief service
/// officer (首席服务员) or squad member (服务专班), the open cases of those enterprises; as chief, also those whose visit
/// (走访) is due. An officer with no case of their own still gets a digest when this part has something to say.
/// </summary>
public sealed record KeyEnterpriseDigest(IReadOnlyList<DigestCaseLine> Served, IReadOnlyList<VisitDueLine> VisitsDue)
{
    public bool IsEmpty => Served.Count == 0 && VisitsDue.Count == 0;

    /// <summary>Every officer serving a key enterprise, as chief or squad member.</summary>
    public static IQueryable<string> Officers(LiaisonDbContext db) =>
        db.Set<RegisteredEnterprise>().Where(e => e.IsKey && e.ChiefServiceOfficerId != null).Select(e => e.ChiefServiceOfficerId!)
            .Union(db.Set<ServiceSquadMember>().Where(m => db.Set<RegisteredEnterprise>().Any(e => e.Id == m.EnterpriseId && e.IsKey)).Select(m => m.OfficerId));

    /// <param name="listed">Cases the officer's own sections already list: not repeated here.</param>
    /// <param name="date">The digest's local day: a visit due on or before it is listed.</param>
    public static async Task<KeyEnterpriseDigest> ForAsync(
        LiaisonDbContext db, string officerId, IReadOnlyCollection<long> listed, DateOnly date, DateTimeOffset now, WorkingCalendar calendar,
        string baseUrl, IReadOnlyDictionary<string, string> departments, CancellationToken ct)
    {
        var served = db.Set<RegisteredEnterprise>().Where(e => e.IsKey &&
            (e.ChiefServiceOfficerId == officerId || e.ServiceSquad.Any(m => m.OfficerId == officerId)));
        var cases = await db.Cases.AsNoTracking()
            .Where(c => c.EnterpriseId != null && served.Any(e => e.Id == c.EnterpriseId) && CaseStatuses.Open.Contains(c.Status) && !listed.Contains(c.Id))
            .OrderBy(c => c.DueAt).ThenBy(c => c.Number)
            .ToListAsync(ct);
        var lines = cases
            .Select(c => (Case: c, Overdue: CaseStatuses.IsOverdue(c, now)))
            .OrderByDescending(x => x.Overdue)
            .Select(x => DigestCaseLine.From(x.Case, departments.GetValueOrDefault(x.Case.DepartmentCode), $"{baseUrl}/cases/{x.Case.Number}") with
            {
                OverdueWorkingDays = x.Overdue ? calendar.WorkingDaysBetween(x.Case.DueAt!.Value, now) : null,
            })
            .ToList();

        var due = await VisitDue.Where(db.Set<RegisteredEnterprise>().AsNoTracking().Where(e => e.ChiefServiceOfficerId == officerId), db, true, date)
            .OrderBy(e => e.Name)
            .Select(e => new
            {
                e.Id,
                e.Name,
                e.IsKey,
                e.VisitEveryDays,
                Last = db.Set<EnterpriseVisit>().Where(v => v.EnterpriseId == e.Id && v.VisitedOn <= date).Max(v => (DateOnly?)v.VisitedOn),
            })
            .ToListAsync(ct);
        var visits = due.Select(e => new VisitDueLine(
                e.Name, e.Last, VisitCadenceStatus.Of(e.IsKey, e.Last, e.VisitEveryDays, date).OverdueDays, $"{baseUrl}{VisitPages.VisitsUrl(e.Id)}"))
            .ToList();
        return new KeyEnterpriseDigest(lines, visits);
    }
}
