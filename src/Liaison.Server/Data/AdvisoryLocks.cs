using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Data;

/// <summary>
/// PostgreSQL's transaction-level advisory locks, keyed by a class (one per kind of thing locked, four ASCII letters)
/// and a text's hash: held until the transaction ends, so requests about one thing take turns across processes.
/// </summary>
public static class AdvisoryLocks
{
    /// <summary>'LIAS': a department's dispatches against an admin's change of it.</summary>
    public const int Department = 0x4C494153;

    /// <summary>'LREQ': the requests that carry one request id.</summary>
    public const int RequestId = 0x4C524551;

    /// <summary>'LTPL': the saves and resets of one mail template.</summary>
    public const int Template = 0x4C54504C;

    /// <summary>'LCAT': the saves of the case categories, each checking its names against the others'.</summary>
    public const int Categories = 0x4C434154;

    /// <summary>'LCAL': the saves of the calendar's years, each checking its version against the other years'.</summary>
    public const int Calendar = 0x4C43414C;

    /// <summary>'LWFD': the saves, publishes and discards of one workflow definition's versions.</summary>
    public const int WorkflowDefinition = 0x4C574644;

    /// <summary>Waits for, then holds until the transaction ends, the lock of <paramref name="key"/> in <paramref name="lockClass"/>.</summary>
    public static Task TakeAsync(LiaisonDbContext db, int lockClass, string key, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockClass}, hashtext({key}))", ct);
}
