using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Liaison.Testing;
using Npgsql;

namespace Liaison.Server.Tests.Resilience;

/// <summary>
/// Three real server processes (each its own Npgsql pools, each running jobs: Hangfire, the timer and outbox pumps) on
/// one PostgreSQL whose max_connections is 45, under a burst of case opens and case lists on each. The pools are sized
/// by the formula of docs/scaling.md: 3 × (pool 6 + Hangfire extras 5 + 2 workers) = 39 ≤ 45 − 6 kept in reserve (this
/// test's own connections, psql): nobody is turned away with "too many clients", every request succeeds, and each
/// case's dispatch mail is sent once although three outbox pumps compete for it. With Npgsql's default pool of 100
/// per process, opens were turned away (<see cref="MaxPoolSize"/> = 100 fails this test).
/// </summary>
public sealed class ConnectionBudgetTests
{
    private const int MaxConnections = 45;
    private const int MaxPoolSize = 6;
    private const int Workers = 2;
    private const int HangfireExtras = 5;
    private const int Budget = 3 * (MaxPoolSize + HangfireExtras + Workers);
    private const int RequestsPerProcess = 40;

    private static readonly string[] Departments = ["fgj", "gdgs", "zrzyj", "zjj", "sthjj"];

    [Fact]
    public async Task Three_server_processes_under_a_burst_fit_a_small_max_connections_and_every_request_succeeds_once()
    {
        await using var pg = await ThrowawayPostgres.StartAsync(durable: false, externalVariable: "LIAISON_BUDGET_TEST_DB_UNUSED", maxConnections: MaxConnections);
        await using var smtp = new SmtpListener();
        // No pool size in the connection string: each server's configuration decides it.
        var b = new NpgsqlConnectionStringBuilder(await pg.CreateDatabaseAsync("budget"));
        b.Remove("Maximum Pool Size");
        var settings = new Dictionary<string, string>
        {
            ["Liaison:Database:MaxPoolSize"] = MaxPoolSize.ToString(),
            ["Liaison:Database:HangfireExtraConnections"] = HangfireExtras.ToString(),
            ["Liaison:Jobs:WorkerCount"] = Workers.ToString(),
            // The whole burst goes through to the pools, which are what is tested here; load shedding would otherwise
            // keep all but 6 requests per process away from them (LoadSheddingTests).
            ["Liaison:Http:MaxConcurrentRequests"] = RequestsPerProcess.ToString(),
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(),
            ["Smtp:Security"] = "None",
            ["Smtp:Pipelining"] = "false",
        };

        // One after another: the first migrates and seeds the database, the others find it ready.
        var servers = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                servers.Add(await ServerProcess.StartAsync(b.ConnectionString, FreePorts.Next(), jobs: true, settings));
            }

            var clients = servers.Select(s => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{s.Port}"), Timeout = TimeSpan.FromMinutes(2) }).ToList();
            // Bearer tokens are protected with the key ring in the database: one process's token is good on every other.
            var officer = await ServerProcess.NewOfficerTokenAsync(clients[0], "budget.officer@anyue.example", "budget-officer-2026", "预算专员");
            foreach (var client in clients)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", officer);
            }

            // A few requests one at a time on each process first: a cold process spends seconds compiling its first opens,
            // and a burst then queues for the pool past its 15 s timeout (a 503 with Retry-After, as designed); what is
            // tested here is the connection budget.
            foreach (var (client, p) in clients.Select((c, p) => (c, p)))
            {
                for (var i = 0; i < 3; i++)
                {
                    (await client.PostAsJsonAsync("/api/cases", NewCase(p, 100 + i))).EnsureSuccessStatusCode();
                    (await client.GetAsync("/api/cases?page=1")).EnsureSuccessStatusCode();
                }
            }

            // 3 processes × 40 requests at once: half case opens (a case, its workflow, its timers and two mails in one
            // transaction, then the pumps' work), half case lists; meanwhile the connections in use are counted.
            using var counting = new CancellationTokenSource();
            var peak = PeakConnectionsAsync(pg, b.Database!, counting.Token);
            var answers = await Task.WhenAll(clients.SelectMany((client, p) => Enumerable.Range(0, RequestsPerProcess).Select(i => i % 2 == 0
                ? client.GetAsync("/api/cases?page=1")
                : client.PostAsJsonAsync("/api/cases", NewCase(p, i)))));
            await counting.CancelAsync();
            var held = await peak;

            var statuses = answers.GroupBy(a => (int)a.StatusCode).Select(g => $"{g.Key}×{g.Count()}");
            Assert.True(answers.All(a => a.IsSuccessStatusCode), "answers: " + string.Join(", ", statuses));
            var opened = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
            Assert.Equal(3 * RequestsPerProcess / 2, opened);
            Assert.Equal(opened + 9, await Scalar(b.ConnectionString, "SELECT count(*) FROM cases"));
            Assert.True(held <= Budget, $"{held} connections in use at the peak, more than the budget of {Budget}");

            // Every open's mail, through three competing outbox pumps, arrives once.
            var dispatches = await Scalar(b.ConnectionString, "SELECT count(*) FROM mail_outbox");
            await WaitUntilAsync(async () => await Scalar(b.ConnectionString, "SELECT count(*) FROM mail_outbox WHERE status <> 'Sent'") == 0);
            Assert.True(dispatches >= opened, $"{dispatches} mails queued for {opened} opens");
            var received = smtp.Received;
            Assert.Equal(dispatches, received.Count);
            Assert.Equal(received.Count, received.Select(m => m.MessageId).Distinct().Count());

            var refused = new[] { pg.LogText() }.Concat(servers.Select(s => s.LogText()))
                .SelectMany(text => text.Split('\n'))
                .Where(line => line.Contains("too many clients", StringComparison.OrdinalIgnoreCase) || line.Contains("53300", StringComparison.Ordinal))
                .ToList();
            Assert.True(refused.Count == 0, $"{refused.Count} refusals, e.g. {refused.FirstOrDefault()}");
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static object NewCase(int process, int i) => new
    {
        title = $"连接预算 {process}-{i}",
        description = "三个进程同时立案。",
        category = "factor-guarantee",
        priority = "normal",
        departmentCode = Departments[(process + i) % Departments.Length],
        requestId = Guid.NewGuid(),
        enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = "91350100M000100Y43", contact = "王经理 13800000000" },
    };

    /// <summary>The most backends seen on the database (this sampler's own excluded) until cancelled.</summary>
    private static async Task<long> PeakConnectionsAsync(ThrowawayPostgres pg, string database, CancellationToken until)
    {
        await using var conn = new NpgsqlConnection(pg.AdminConnectionString);
        await conn.OpenAsync(CancellationToken.None);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", conn);
        cmd.Parameters.AddWithValue("db", database);
        long peak = 0;
        while (!until.IsCancellationRequested)
        {
            peak = Math.Max(peak, (long)(await cmd.ExecuteScalarAsync(CancellationToken.None))!);
            try
            {
                await Task.Delay(20, until);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return peak;
    }

    private static async Task<long> Scalar(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until the condition holds (the pumps are real processes on the real clock); fails after two minutes.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail("The outbox was not drained within two minutes.");
    }
}
