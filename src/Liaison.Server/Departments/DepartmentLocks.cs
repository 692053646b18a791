using Liaison.Cases.Routing;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Liaison.Server.Departments;

/// <summary>
/// Orders an admin's change of a department's liaisons (<see cref="DepartmentService.UpdateAsync"/>, which hands the
/// department's open work over, <see cref="LiaisonChange"/>) against the cases and co-handling parts being dispatched
/// to it at that moment. Without it a case opened in the instant of the save could keep the old handler: it read the
/// department before the save committed, and the save's handover did not see the case, not yet committed.
/// </summary>
/// <remarks>
/// A transaction-scoped advisory lock per department, in PostgreSQL's memory (no row written, nothing logged): each
/// dispatch takes it shared and reads the department's liaisons after it, the save takes it exclusively before
/// anything else. A dispatch in flight holds the save until it commits, and the save's handover then sees its case; a
/// dispatch that comes during the save waits for it and reads the new liaisons. Dispatches do not wait for each other.
/// </remarks>
public static class DepartmentLocks
{
    /// <summary>The advisory locks' first key ('LIAS'); the second is the department code's hash.</summary>
    private const int LockClass = 0x4C494153;

    /// <summary>
    /// For a dispatch in the current transaction: the department's liaisons as they are now, read under the shared lock
    /// (held until the transaction ends), in one round trip. Null when there is no transaction to hold the lock, or no
    /// department has the code: the caller keeps what it read.
    /// </summary>
    public static async Task<DepartmentContact?> ReadForDispatchAsync(LiaisonDbContext db, string code, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction?.GetDbTransaction() is not NpgsqlTransaction tx || tx.Connection is not { } connection)
        {
            return null;
        }

        // Two statements in one batch: the read's snapshot is taken after the lock is granted (each statement has its own
        // under READ COMMITTED), so a save that held it is seen.
        await using var batch = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock_shared($1, hashtext($2))") { Parameters = { new() { Value = LockClass }, new() { Value = code } } },
                new NpgsqlBatchCommand("""
                    SELECT name, handler_name, handler_email, handler_culture, leader_name, leader_email, leader_culture
                    FROM departments WHERE code = $1
                    """) { Parameters = { new() { Value = code } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new DepartmentContact(code, reader.GetString(0),
            new Person(reader.GetString(1), reader.GetString(2), reader.GetString(3)),
            new Person(reader.GetString(4), reader.GetString(5), reader.GetString(6)));
    }

    /// <summary>For the admin's save, first in its transaction: waits for the dispatches to the department in flight, and holds new ones until it commits.</summary>
    public static Task LockForChangeAsync(LiaisonDbContext db, string code, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockClass}, hashtext({code}))", ct);
}
