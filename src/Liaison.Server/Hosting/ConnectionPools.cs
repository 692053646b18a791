using Npgsql;

namespace Liaison.Server.Hosting;

/// <summary>
/// Each process holds at most <c>MaxPoolSize</c> connections for the application and, when it runs jobs,
/// <c>WorkerCount + HangfireExtraConnections</c> for Hangfire, in a pool of its own (its own application name, so
/// <c>pg_stat_activity</c> tells them apart). Several processes must fit PostgreSQL's <c>max_connections</c>:
/// processes × (pool + Hangfire workers + extras) ≤ max_connections − reserve (docs/scaling.md). A request that finds
/// the pool full waits up to the connection string's <c>Timeout</c>, then answers 503 with Retry-After.
/// </summary>
public static class ConnectionPools
{
    public static string ForApplication(string connectionString, LiaisonOptions.DatabaseOptions database)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Names(connectionString, "Maximum Pool Size", "Max Pool Size", "MaxPoolSize"))
        {
            b.MaxPoolSize = database.MaxPoolSize;
        }

        if (!Names(connectionString, "Application Name", "ApplicationName"))
        {
            b.ApplicationName = "liaison";
        }

        // A connection going back to the pool is not reset. Npgsql's reset, with prepared statements kept, is seven
        // statements (RESET ALL, UNLISTEN *, CLOSE ALL, DISCARD TEMP …) that PostgreSQL runs before the next command,
        // each its own transaction: at a million cases they were half of all commits in a sweep, one set for each relay
        // claim that found its mail taken (bench/RESULTS.md (g)). The application keeps no session state to reset: no
        // SET outside a transaction, no LISTEN, no temporary tables, advisory locks only for the transaction
        // (SourceRulesTests.The_application_keeps_no_session_state_on_pooled_connections). A transaction left open is
        // still rolled back when its connection returns to the pool.
        if (!Names(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            b.NoResetOnClose = true;
        }

        return b.ConnectionString;
    }

    public static string ForHangfire(string applicationConnectionString, LiaisonOptions.DatabaseOptions database, LiaisonOptions.JobsOptions jobs)
    {
        var b = new NpgsqlConnectionStringBuilder(applicationConnectionString)
        {
            MaxPoolSize = HangfireConnections(database, jobs),
            ApplicationName = "liaison-hangfire",
            // Hangfire's storage is not ours to vouch for: its connections are reset as Npgsql does by default.
            NoResetOnClose = false,
        };
        return b.ConnectionString;
    }

    /// <summary>Hangfire's share of one process: one connection per worker plus its own machinery; none on a web-only process
    /// beyond what enqueueing and the dashboard borrow (the same small pool).</summary>
    public static int HangfireConnections(LiaisonOptions.DatabaseOptions database, LiaisonOptions.JobsOptions jobs) =>
        (jobs.RunServer ? jobs.WorkerCount : 0) + database.HangfireExtraConnections;

    private static bool Names(string connectionString, params string[] keys) =>
        keys.Any(k => connectionString.Contains(k, StringComparison.OrdinalIgnoreCase));
}
