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

    /// <summary>
    /// The key enterprises overdue for a visit on the local day that ends at <paramref name="endOfDay"/> (逾期未走访, the
    /// league table's count): due on the day, as <see cref="Where"/> has it, and one cadence late. A visited one is late
    /// from the day its last visit's cadence runs out; one never visited from one cadence after it was registered (the
    /// register keeps no key-since time), and one registered after the day not at all.
    /// </summary>
    public static IQueryable<RegisteredEnterprise> Overdue(IQueryable<RegisteredEnterprise> query, LiaisonDbContext db, DateOnly on, DateTimeOffset endOfDay)
    {
        var visits = db.Set<EnterpriseVisit>();
        return Where(query, db, true, on).Where(e => e.CreatedAt < endOfDay
            && (visits.Any(v => v.EnterpriseId == e.Id && v.VisitedOn <= on) || e.CreatedAt.AddDays(e.VisitEveryDays) < endOfDay));
    }
}
