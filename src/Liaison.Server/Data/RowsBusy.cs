namespace Liaison.Server.Data;

/// <summary>
/// Rows that a save must lock are held by another transaction right now (<c>FOR UPDATE SKIP LOCKED</c> returned fewer
/// than asked): the save rolls back, gives way and tries again, instead of waiting on them. Thrown by our code rather
/// than PostgreSQL's <c>NOWAIT</c> error, so that contention the save handles itself is not logged as a failed query.
/// </summary>
public sealed class RowsBusyException() : Exception("rows another transaction holds; give way and try again")
{
    /// <summary>Whether <paramref name="ex"/> says the rows were busy: ours, or PostgreSQL's lock_not_available (55P03).</summary>
    public static bool Is(Exception ex) =>
        ex is RowsBusyException || ex.GetBaseException() is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.LockNotAvailable };
}
