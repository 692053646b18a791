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

        return b.ConnectionString;
    }

    public static string ForHangfire(string applicationConnectionString, LiaisonOptions.DatabaseOptions database, LiaisonOptions.JobsOptions jobs)
    {
        var b = new NpgsqlConnectionStringBuilder(applicationConnectionString)
        {
            MaxPoolSize = HangfireConnections(database, jobs),
            ApplicationName = "liaison-hangfire",
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
