using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Cases;

/// <summary>
/// Case numbers (<c>AYKF-2026-000123</c>) from one PostgreSQL sequence per prefix and year. A sequence hands out the
/// next value without a lock held to the end of the transaction, so concurrent opens no longer queue behind one
/// counter row (they did: the row lock serialized every open from its number to its commit). Numbers stay unique and
/// increasing; an open that rolls back after taking its number (a workflow that cannot dispatch, a crash) leaves a
/// gap, which the counter row avoided at the price of that queue.
/// </summary>
/// <remarks>
/// A year's sequence is created on its first use, starting after the last number the former counter table
/// (<c>case_number_counters</c>) gave for that prefix and year, so numbering continues across the upgrade.
/// </remarks>
public sealed class CaseNumbers
{
    // Sequences known to exist, per database: creating one is a separate short transaction, once per process and year.
    private readonly ConcurrentDictionary<string, bool> _ensured = new(StringComparer.Ordinal);

    /// <summary>
    /// The next number, taken in the caller's transaction on <paramref name="db"/>, and the id the new case will have (from
    /// the <c>cases.id</c> identity's sequence) in the same round trip: a case whose id is known before its insert is
    /// inserted once, with what its workflow's first run set, instead of inserted and then updated (an update of a new
    /// row writes every one of the table's ten indexes again).
    /// </summary>
    public async Task<(string Number, long CaseId)> NextAsync(LiaisonDbContext db, string prefix, int year, CancellationToken ct)
    {
        var sequence = SequenceName(prefix, year);
        var key = db.Database.GetConnectionString() + "|" + sequence;
        if (!_ensured.ContainsKey(key))
        {
            await EnsureAsync(db.Database.GetConnectionString()!, sequence, prefix, year, ct);
            _ensured[key] = true;
        }

        try
        {
            var next = (await db.Database.SqlQuery<NumberAndId>(
                $"SELECT nextval({sequence}::regclass) AS number, nextval(pg_get_serial_sequence('cases', 'id')::regclass) AS case_id").ToListAsync(ct)).Single();
            return ($"{prefix}-{year}-{next.Number:D6}", next.CaseId);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            _ensured.TryRemove(key, out _); // dropped behind our back (a restored database): create it on the next open
            throw;
        }
    }

    /// <summary>A valid, unquoted identifier: the year, the prefix's letters and digits, and a hash that keeps prefixes apart.</summary>
    public static string SequenceName(string prefix, int year)
    {
        var letters = new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(16).ToArray());
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix)))[..8];
        return $"case_number_{year}_{letters}_{hash}";
    }

    private static async Task EnsureAsync(string connectionString, string sequence, string prefix, int year, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One creator at a time across processes, so the start is read and used before anyone else creates it.
        await using var start = new NpgsqlCommand("""
            SELECT coalesce((SELECT last FROM case_number_counters WHERE prefix = $1 AND year = $2), 0) + 1
            FROM (SELECT pg_advisory_xact_lock(hashtext('case-number-sequences'))) AS locked
            """, conn, tx);
        start.Parameters.Add(new NpgsqlParameter { Value = prefix });
        start.Parameters.Add(new NpgsqlParameter { Value = year });
        var first = Convert.ToInt64(await start.ExecuteScalarAsync(ct));
        // The name is built from letters, digits and '_' only (SequenceName); DDL takes no parameters.
        await using var create = new NpgsqlCommand($"CREATE SEQUENCE IF NOT EXISTS {sequence} START WITH {first}", conn, tx);
        await create.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    private sealed record NumberAndId(long Number, long CaseId);
}
