using Liaison.Cases.Enterprises;
using Liaison.Server.Data;

namespace Liaison.Server.Visits;

/// <summary>
/// Which register entries are due a visit on a local day, as a query: a key enterprise never visited, or whose last
/// visit + cadence (<see cref="RegisteredEnterprise.VisitEveryDays"/>) is on or before the day. The same rule as
/// <see cref="VisitCadenceStatus.Of"/>, for the register's filter, the chiefs' digests and the league table.
/// </summary>
public static class VisitDue
{
    /// <param name="due">True: the key enterprises due a visit; false: every other entry.</param>
    public static IQueryable<RegisteredEnterprise> Where(IQueryable<RegisteredEnterprise> query, LiaisonDbContext db, bool due, DateOnly on)
    {
        // A visit "covers" the day when its cadence has not run out by then; visits after the day do not count.
        var visits = db.Set<EnterpriseVisit>();
        return due
            ? query.Where(e => e.IsKey && !visits.Any(v => v.EnterpriseId == e.Id && v.VisitedOn <= on && v.VisitedOn.AddDays(e.VisitEveryDays) > on))
            : query.Where(e => !e.IsKey || visits.Any(v => v.EnterpriseId == e.Id && v.VisitedOn <= on && v.VisitedOn.AddDays(e.VisitEveryDays) > on));
    }
}
