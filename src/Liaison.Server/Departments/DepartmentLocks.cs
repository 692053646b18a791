using Liaison.Cases.Departments;
using Liaison.Cases.Routing;
using Liaison.Server.Cases;
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
    private const int LockClass = AdvisoryLocks.Department;

    /// <summary>
    /// For a dispatch in the current transaction: the department's liaisons as they are now, read under its shared lock
    /// (held until the transaction ends), in one round trip. Null when there is no transaction to hold the lock, or no
    /// department has the code: the caller keeps what it read.
    /// </summary>
    public static async Task<DepartmentContact?> ReadForDispatchAsync(LiaisonDbContext db, string code, CancellationToken ct) =>
        await ReadAsync(db, [code], "WHERE code = $1", code, ct) is [var d] ? CaseRoutingFactory.ContactOf(d) : null;

    /// <summary>
    /// Every department, read in the current transaction under the shared locks of <paramref name="dispatchTo"/> (the
    /// departments a case open is about to dispatch to), in one round trip: the read the open makes anyway, so its
    /// dispatches cost nothing more. Null when there is no transaction to hold the locks.
    /// </summary>
    public static Task<List<Department>?> ReadAllForDispatchAsync(LiaisonDbContext db, IReadOnlyCollection<string> dispatchTo, CancellationToken ct) =>
        ReadAsync(db, dispatchTo, "ORDER BY id", null, ct);

    private static async Task<List<Department>?> ReadAsync(LiaisonDbContext db, IReadOnlyCollection<string> locked, string where, string? code, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction?.GetDbTransaction() is not NpgsqlTransaction tx || tx.Connection is not { } connection)
        {
            return null;
        }

        // Two statements in one batch: the read's snapshot is taken after the locks are granted (each statement has its
        // own under READ COMMITTED), so a save that held one is seen.
        var read = new NpgsqlBatchCommand($"""
            SELECT id, code, name, active, is_sample, created_at, updated_at,
                   handler_name, handler_email, handler_culture, leader_name, leader_email, leader_culture
            FROM departments {where}
            """);
        if (code is not null) read.Parameters.Add(new() { Value = code });
        await using var batch = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT count(pg_advisory_xact_lock_shared($1, hashtext(c))) FROM unnest($2::text[]) AS c")
                {
                    Parameters = { new() { Value = LockClass }, new() { Value = locked.Distinct(StringComparer.Ordinal).ToArray() } },
                },
                read,
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        var rows = new List<Department>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Department
            {
                Id = reader.GetInt64(0),
                Code = reader.GetString(1),
                Name = reader.GetString(2),
                Active = reader.GetBoolean(3),
                IsSample = reader.GetBoolean(4),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(6),
                Handler = new DepartmentLiaison { Name = reader.GetString(7), Email = reader.GetString(8), Culture = reader.GetString(9) },
                Leader = new DepartmentLiaison { Name = reader.GetString(10), Email = reader.GetString(11), Culture = reader.GetString(12) },
            });
        }

        return rows;
    }

    /// <summary>For the admin's save, first in its transaction: waits for the dispatches to the department in flight, and holds new ones until it commits.</summary>
    public static Task LockForChangeAsync(LiaisonDbContext db, string code, CancellationToken ct) =>
        AdvisoryLocks.TakeAsync(db, LockClass, code, ct);
}
