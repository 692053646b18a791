using Liaison.Testing;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run (fast settings: fsync off), stopped when the process ends.
/// With <c>LIAISON_TEST_DB</c> set (an admin connection string), that server is used instead. Each test class asks
/// for its own database.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<Task<ThrowawayPostgres>> Shared =
        new(() => ThrowawayPostgres.StartAsync(durable: false, externalVariable: "LIAISON_TEST_DB", maxConnections: 600));

    public static Task<ThrowawayPostgres> GetAsync() => Shared.Value;
}
