using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Tests.Workflows;
using Liaison.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Tests.Resilience;

/// <summary>
/// Three server processes (one running jobs) on one PostgreSQL whose max_connections is 40, under a burst of
/// concurrent reads and writes on each. The pools are sized by the formula of docs/scaling.md:
/// 3 × (pool 6 + Hangfire extras 5) + 2 Hangfire workers on the job process = 35 ≤ 40 − 5 kept in reserve (the test's
/// own connection, psql): nobody is turned away with "too many clients". With Npgsql's default pool of 100 they were.
/// </summary>
public sealed class ConnectionBudgetTests
{
    private const int MaxConnections = 40;
    private const int PoolSize = 6;
    private const int Workers = 2;
    private const int HangfireExtras = 5;

    [Fact]
    public async Task Three_processes_under_a_burst_fit_a_small_max_connections_and_every_request_succeeds()
    {
        await using var pg = await ThrowawayPostgres.StartAsync(durable: false, externalVariable: "LIAISON_BUDGET_TEST_DB_UNUSED", maxConnections: MaxConnections);
        // No pool size in the connection string: the server's configuration decides it.
        var b = new NpgsqlConnectionStringBuilder(await pg.CreateDatabaseAsync("budget"));
        b.Remove("Maximum Pool Size");
        var cs = b.ConnectionString;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Liaison"] = cs,
            ["Liaison:Database:MaxPoolSize"] = PoolSize.ToString(),
            ["Liaison:Database:HangfireExtraConnections"] = HangfireExtras.ToString(),
            ["Liaison:Jobs:WorkerCount"] = Workers.ToString(),
        };
        await using var jobs = await LiaisonApp.StartAsync(nameof(ConnectionBudgetTests), runJobServer: true, configure: s =>
        {
            foreach (var (k, v) in settings)
            {
                s[k] = v;
            }
        });
        var admin = await jobs.AsAdminAsync();
        await using var second = RestartedServer.Start(cs, jobs.Clock.GetUtcNow(), settings);
        await using var third = RestartedServer.Start(cs, jobs.Clock.GetUtcNow(), settings);
        var clients = new[] { admin, Authorized(second.CreateClient(), admin), Authorized(third.CreateClient(), admin) };

        // 3 processes × 40 requests at once, half reads, half writes (a test mail each: a row, a commit, the pump's work).
        var burst = clients.SelectMany((client, p) => Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? client.GetAsync("/api/admin/outbox?status=pending")
            : client.PostAsJsonAsync("/api/admin/outbox/test", new { to = $"p{p}-{i}@anyue.example" })));
        var answers = await Task.WhenAll(burst);
        var held = await ConnectionsHeldAsync(pg, b.Database!);

        var statuses = answers.GroupBy(a => a.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(answers.All(a => a.IsSuccessStatusCode), "answers: " + string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}")));
        Assert.Equal(60, await jobs.WithDbAsync(db => db.Outbox.CountAsync(m => m.Kind == "test")));
        Assert.True(held <= 3 * (PoolSize + HangfireExtras) + Workers, $"{held} connections held");
        Assert.DoesNotContain(jobs.Logs.Entries, e => e.Text.Contains("too many clients", StringComparison.OrdinalIgnoreCase) || e.Text.Contains("53300"));
    }

    private static HttpClient Authorized(HttpClient client, HttpClient signedIn)
    {
        // Tokens are protected with the key ring in the database: one process's token is good on every other.
        client.DefaultRequestHeaders.Authorization = signedIn.DefaultRequestHeaders.Authorization;
        return client;
    }

    private static async Task<long> ConnectionsHeldAsync(ThrowawayPostgres pg, string database)
    {
        await using var conn = new NpgsqlConnection(pg.AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @db", conn);
        cmd.Parameters.AddWithValue("db", database);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
