using Npgsql;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>
/// A lock a test holds on its own connection (a row's, a table's), so that racing requests meet on it in a known order:
/// the test waits until each is blocked (PostgreSQL queues them in that order), then releases it.
/// </summary>
public sealed class HeldLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private NpgsqlTransaction? _tx;

    private HeldLock(NpgsqlConnection connection, NpgsqlTransaction tx) => (_connection, _tx) = (connection, tx);

    public static async Task<HeldLock> TakeAsync(LiaisonApp app, string sql)
    {
        var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        var tx = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync();
        return new HeldLock(connection, tx);
    }

    /// <summary>Until <paramref name="count"/> other sessions wait for this lock (or <paramref name="orDone"/> finished without waiting).</summary>
    public async Task UntilWaitingAsync(int count, Task? orDone = null)
    {
        // pg_stat_activity is read once per transaction and kept until it ends (this one holds the lock): the snapshot
        // is cleared before each count, or the count never moves.
        await using var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", _connection);
        // Only the sessions this lock holds up, directly or queued behind one that waits for it (a second waiter on a
        // row waits for the first waiter's tuple lock): another session waiting for some other lock (a background
        // job's) must not count, or the lock is let go before the racing requests are all queued.
        await using var command = new NpgsqlCommand(
            """
            WITH RECURSIVE held_up(pid) AS (
                SELECT a.pid FROM pg_stat_activity a WHERE a.datname = current_database() AND pg_backend_pid() = ANY(pg_blocking_pids(a.pid))
                UNION
                SELECT a.pid FROM pg_stat_activity a JOIN held_up h ON h.pid = ANY(pg_blocking_pids(a.pid)) WHERE a.datname = current_database())
            SELECT count(*) FROM held_up
            """, _connection);
        for (var i = 0; await WaitingAsync() < count && orDone?.IsCompleted != true; i++)
        {
            Assert.True(i < 3000, $"timed out waiting until {count} sessions wait for a lock; sessions: {await SessionsAsync()}");
            await Task.Delay(20);
        }

        async Task<long> WaitingAsync()
        {
            await clear.ExecuteNonQueryAsync();
            return (long)(await command.ExecuteScalarAsync())!;
        }
    }

    private async Task<string> SessionsAsync()
    {
        await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", _connection))
        {
            await clear.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(
            "SELECT string_agg(state || '/' || coalesce(wait_event_type, '-') || '/' || coalesce(wait_event, '-') || ': ' || left(query, 120), E'\\n') FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            _connection);
        return (await command.ExecuteScalarAsync())?.ToString() ?? "none";
    }

    public async Task ReleaseAsync()
    {
        await _tx!.RollbackAsync();
        _tx = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_tx is not null)
        {
            await _tx.RollbackAsync();
        }

        await _connection.DisposeAsync();
    }
}
