using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Liaison.Server.Data;

public static class TrackedRows
{
    /// <summary>
    /// The row with this key: the one the DbContext tracks, if any, as it is tracked (a tracking query would hand back
    /// that same object), else read from the database. Unlike <c>DbSet.Local</c>, the lookup runs no change detection,
    /// which costs a scan of every tracked entity (a timer sweep's chunk tracks dozens).
    /// </summary>
    /// <exception cref="InvalidOperationException">No such row.</exception>
    public static async Task<T> GetAsync<T>(this DbSet<T> set, long id, CancellationToken ct) where T : class =>
        await set.FindAsync([id], ct) ?? throw new InvalidOperationException($"No {typeof(T).Name} with id {id}.");

    /// <summary>Whether the DbContext tracks the row with this key, found without change detection.</summary>
    public static bool IsTracked<T>(this DbSet<T> set, long id) where T : class =>
        set.GetService<ICurrentDbContext>().Context.ChangeTracker.WithoutDetection(() => set.Local.FindEntry(id) is not null);

    /// <summary>
    /// Whether and how the DbContext tracks this object, without the change detection <c>DbContext.Entry</c> runs on it
    /// first: detection may turn Unchanged into Modified, never into or out of Detached, and SaveChanges detects anyway.
    /// A timer chunk asks this of every case, part and instance it runs (7 % of the server's CPU in a warm sweep).
    /// </summary>
    public static EntityState StateOf(this DbContext db, object entity) =>
        db.ChangeTracker.WithoutDetection(() => db.Entry(entity).State);

    /// <summary>
    /// Looks at what the tracker holds (<c>Entries</c>, <c>Local</c>) without first running change detection, which
    /// those run otherwise: for a question that entity states set by Add or Attach already answer.
    /// </summary>
    public static T WithoutDetection<T>(this ChangeTracker tracker, Func<T> look)
    {
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return look();
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }
}
