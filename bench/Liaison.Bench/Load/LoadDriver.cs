using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Testing;
using Npgsql;

namespace Liaison.Bench.Load;

/// <summary>
/// Issue 9's load driver: a throwaway PostgreSQL (fsync on), the real server as its own process (`dotnet run`, jobs on,
/// as <c>./liaison run</c> starts it), pgbench's single-row insert on the same cluster with the same clients, then case
/// opens through <c>POST /api/cases</c> from N concurrent clients for a fixed time. It reports opens/s, p50/p99, the
/// ratio to pgbench, PostgreSQL commits per open (pg_stat_database, idle traffic subtracted), and checks that every 201
/// has its case, its waiting workflow and its dispatch mail, with no duplicates.
/// </summary>
/// <remarks>Run: <c>bench/run.sh load [--clients 8] [--seconds 20] [--servers 1] [--job-servers K] [--mixed] [--web-only] [--trace | --trace-profile gc-verbose] [--warmup 20] [--rate R]</c>.</remarks>
public static class LoadDriver
{
    internal static readonly string[] Departments = ["fgj", "gdgs", "zrzyj", "zjj", "sthjj"];

    /// <summary>The body of <c>POST /api/cases</c>: a valid case for the <paramref name="n"/>th of the sample departments in turn.</summary>
    internal static object NewCase(string title, int n) => new
    {
        title,
        description = "负载测试：企业新厂房需要专线接入。",
        category = "factor-guarantee",
        priority = "normal",
        departmentCode = Departments[n % Departments.Length],
        enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = "91350100M000100Y43", contact = "王经理 13800000000" },
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var clients = Durable.DurableCycleBench.IntArg(args, "--clients", 8);
        var seconds = Durable.DurableCycleBench.IntArg(args, "--seconds", 20);
        // --web-only: no job side in the server (no Hangfire server, no pumps): what the request path alone costs.
        var webOnly = args.Contains("--web-only");
        // --trace: a thread-time sample (about 100 Hz) of the server during the measured run (dotnet-trace, bench/results/load-cpu.nettrace);
        // --trace-profile P: another dotnet-trace profile instead (gc-verbose: allocation samples with their types and stacks).
        var traceAt = Array.IndexOf(args, "--trace-profile");
        var traceProfile = traceAt >= 0 && traceAt + 1 < args.Length ? args[traceAt + 1] : args.Contains("--trace") ? "dotnet-sampled-thread-time" : null;
        // --warmup S: seconds of opens before measuring (default 20: tiered JIT keeps recompiling hot methods for about that long).
        var warmup = Durable.DurableCycleBench.IntArg(args, "--warmup", 20);
        // --servers K: K server processes on the one database, the clients spread over them (scale-out).
        var serverCount = Math.Max(1, Durable.DurableCycleBench.IntArg(args, "--servers", 1));
        // --job-servers J: only the first J of them run the job side (timers, mail, Hangfire), the rest are web-only:
        // docs/scaling.md's layout of web processes beside one or two job processes. Default: every process (none with --web-only).
        var jobServers = webOnly ? 0 : Math.Clamp(Durable.DurableCycleBench.IntArg(args, "--job-servers", serverCount), 1, serverCount);
        // --mixed: after the opens, the same clients run a working day's mix (MixedProfile) for the same time.
        var mixed = args.Contains("--mixed");
        // --rate R: after the closed-loop run, opens at a fixed R per second (open loop) for the same time: p99 at a given load.
        var rate = Durable.DurableCycleBench.IntArg(args, "--rate", 0);
        // --fresh-wal 1: no checkpoint before the open loop, so it writes WAL into segment files created as it goes (a new
        // cluster's first minutes) instead of recycled ones (a cluster that has run through a checkpoint).
        var freshWal = Durable.DurableCycleBench.IntArg(args, "--fresh-wal", 0) > 0;
        var report = new BenchReport();
        var Line = report.Line;

        var (loadBefore, started) = (report.LoadBefore, report.Started);
        await using var pg = await ThrowawayPostgres.StartAsync(durable: true, externalVariable: "LIAISON_BENCH_DB", maxConnections: 200);
        var cs = await pg.CreateDatabaseAsync("liaison_load", maxPoolSize: 50);
        var pgbench = await PgbenchAsync(cs, clients, seconds);

        // One after another: the first migrates the database and seeds it, the others find it ready.
        await using var group = new ServerGroup();
        for (var i = 0; i < serverCount; i++)
        {
            await group.StartAsync(cs, FreePorts.Next(), jobs: i < jobServers);
        }

        var (server, https) = (group.Servers[0], group.Clients);
        // Bearer tokens are protected by keys kept in the database: one token works on every process.
        var officerToken = await SetUpOfficerAsync(https[0]);

        // Warm up (JIT, pools, caches), then measure idle commits (Hangfire's polling, the pumps) for the report's arithmetic,
        // once the relay has sent the warm-up's mail (a commit per mail: counted as idle, it was 300–650 a second).
        await OpenManyAsync(https, officerToken, Math.Max(clients, 4), TimeSpan.FromSeconds(warmup));
        if (!webOnly)
        {
            await OutboxDrainedAsync(cs, TimeSpan.FromMinutes(3));
        }

        var idle = await IdleCommitsPerSecondAsync(cs, TimeSpan.FromSeconds(5));
        var commitsBefore = await CommitsAsync(cs);
        var mailUpdatesBefore = await MailUpdatesAsync(cs);
        var syncsBefore = await WalSyncsAsync(cs);
        var statements = await StatementStats.ResetAsync(cs);
        var tracing = traceProfile is not null ? TraceAsync(server.Id, traceProfile, TimeSpan.FromSeconds(Math.Max(5, seconds - 5))) : Task.CompletedTask;
        var serverPids = group.Servers.Select(s => s.Id).ToList();
        var (serverCpu, postgresCpu) = (CpuSeconds(serverPids), PostgresCpuSeconds(pg.PostmasterPid));
        var run = await OpenManyAsync(https, officerToken, clients, TimeSpan.FromSeconds(seconds));
        (serverCpu, postgresCpu) = (CpuSeconds(serverPids) - serverCpu, PostgresCpuSeconds(pg.PostmasterPid) - postgresCpu);
        await tracing;
        var commitsAfter = await CommitsAsync(cs);
        var relayCommits = await MailUpdatesAsync(cs) - mailUpdatesBefore;
        var syncsAfter = await WalSyncsAsync(cs);
        var statementReport = statements ? await StatementStats.ReportAsync(cs, Math.Max(1, run.Numbers.Count), "open") : null;
        Run? paced = null;
        BackgroundWork? pacedBackground = null;
        (long Pending, TimeSpan Waited)? drained = null;
        if (rate > 0)
        {
            // The closed-loop run queues mail faster than the relay sends it: start from an empty outbox, so the open loop
            // measures opens at R/s beside their own mail, not beside the closed loop's backlog.
            drained = webOnly ? null : await OutboxDrainedAsync(cs, TimeSpan.FromMinutes(3));
            if (!freshWal)
            {
                await CheckpointAsync(cs);
            }

            var background = await BackgroundWorkAsync(cs);
            paced = await OpenAtRateAsync(https, officerToken, rate, TimeSpan.FromSeconds(seconds));
            pacedBackground = (await BackgroundWorkAsync(cs)).Since(background);
        }

        var check = await CheckAsync(cs, [.. run.Numbers, .. paced?.Numbers ?? []]);
        var mix = mixed && !webOnly ? await MixedProfile.RunAsync(https[0].BaseAddress!, cs, officerToken, clients, TimeSpan.FromSeconds(seconds)) : null;
        var mixCheck = mix is null ? null : await MixedProfile.CheckAsync(cs, mix);
        var mail = webOnly ? "not sent (web-only: no process sends mail)" : await MailSentOnceAsync(cs);
        var loadAfter = BenchReport.LoadAverage();

        var commitsPerOpen = (commitsAfter - commitsBefore - idle * run.Elapsed.TotalSeconds) / Math.Max(1, run.Numbers.Count);
        var ownCommitsPerOpen = commitsPerOpen - relayCommits / (double)Math.Max(1, run.Numbers.Count);
        Line($"# Load run — {started:yyyy-MM-dd HH:mm} UTC");
        Line();
        Line($"PostgreSQL: {pg.Description}");
        Line($"Settings: {await pg.SettingsAsync()}");
        var jobs = webOnly ? "off: web only" : jobServers == serverCount ? "on" : $"on in {jobServers} of them, the others web only";
        Line($"Server: `dotnet {ServerProcess.ServerDll}` in src/Liaison.Server (Development, jobs {jobs}), " +
             $"{serverCount} process{(serverCount == 1 ? "" : "es")} on the one database; log {server.LogFile}");
        Line($"Clients: {clients} concurrent for {seconds} s after {warmup} s of warm-up. Load average (1/5/15 min) before: {loadBefore}; after: {loadAfter}");
        Line();
        Line("| Measurement | Clients | Count | Throughput | p50 | p99 | Max |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        Line(string.Create(CultureInfo.InvariantCulture,
            $"| pgbench single-row INSERT (autocommit) | {clients} | {pgbench.Transactions} | **{pgbench.Tps:F0} tps** | {pgbench.LatencyMs:F2} ms (mean) | | |"));
        Line(run.Row("Case opens, POST /api/cases → 201", clients));
        if (paced is not null)
        {
            Line(paced.Row($"Case opens at a fixed {rate}/s (open loop; latency from the intended start)", 0).Replace("| 0 |", "| open loop |"));
        }

        Line();
        var opens = Math.Max(1, run.Numbers.Count);
        Line(string.Create(CultureInfo.InvariantCulture,
            $"CPU per open in the closed-loop run (user + system, /proc): server **{serverCpu * 1000 / opens:F1} ms**, PostgreSQL **{postgresCpu * 1000 / opens:F1} ms** " +
            $"({serverCpu:F1} s and {postgresCpu:F1} s over {run.Elapsed.TotalSeconds:F0} s on {Environment.ProcessorCount} cores; the clients take the rest)."));
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Case opens reach **{run.PerSecond / pgbench.Tps:P1}** of pgbench's tps. PostgreSQL commits per open: **{commitsPerOpen:F2}** " +
            $"({commitsAfter - commitsBefore} commits during the run, {idle:F1}/s of idle traffic subtracted). Of these, the relay committed each mail it sent " +
            $"({relayCommits} during the run): the opens' own, **{ownCommitsPerOpen:F2} per open**."));
        Line(string.Create(CultureInfo.InvariantCulture,
            $"WAL flushes (pg_stat_wal.wal_sync, what fsync costs; read-only transactions flush nothing and concurrent commits share one): " +
            $"**{(syncsAfter - syncsBefore) / (double)Math.Max(1, run.Numbers.Count):F2} per open** ({syncsAfter - syncsBefore} during the run, idle ones included)."));
        if (statementReport is not null)
        {
            Line();
            Line("The closed-loop run's statements (pg_stat_statements; the relay's included unless web-only):");
            Line(statementReport);
        }

        Line($"Server RSS, largest seen (VmRSS every 200 ms from start): {string.Join(", ", group.Servers.Select(s => $"{s.MaxRssKb / 1024} MB"))}.");
        if (drained is { } d)
        {
            Line(string.Create(CultureInfo.InvariantCulture,
                $"Before the open loop: {d.Pending} mails of the closed-loop run were still pending; the relay sent them in {d.Waited.TotalSeconds:F0} s, then the open loop began."));
        }

        Line($"Answers other than 201: {run.Failures}{(paced is null ? "" : $" (open loop: {paced.Failures})")}.");
        if (paced is { Failures: > 0 })
        {
            Line(paced.Refused());
        }

        if (paced is not null)
        {
            // Where the open loop's tail came from: when its slow opens were sent, and what PostgreSQL did meanwhile.
            Line(paced.SlowSeconds(SlowOpenMs));
            Line($"PostgreSQL during the open loop: {pacedBackground}. " + (freshWal
                ? "No checkpoint before it (--fresh-wal 1): the new cluster created each WAL segment file it wrote into."
                : "A CHECKPOINT before it let PostgreSQL recycle the WAL segment files that pgbench and the closed loop had filled, as a cluster that has run a while does."));
        }

        Line($"Check: {check}");
        Line($"Mail: {mail}");
        if (mix is not null)
        {
            Line();
            Line($"Mixed profile ({clients} clients, {seconds} s: 30 % opens, 30 % link accepts, 30 % case lists, 10 % reassignments):");
            Line();
            Line("| Step | Count | Rate | p50 | p99 |");
            Line("|---|---:|---:|---:|---:|");
            Line(mix.Rows());
            Line();
            Line($"Check: {mixCheck}");
        }
        await report.SaveAsync();

        // An open loop past the server's capacity is answered 503 for what it sheds: that is the design, not a failure.
        return check.StartsWith("OK", StringComparison.Ordinal) && run.Failures == 0 && (paced is null || paced.Failures == paced.Shed) && !mail.StartsWith("MISMATCH", StringComparison.Ordinal)
               && mixCheck?.StartsWith("MISMATCH", StringComparison.Ordinal) != true ? 0 : 1;
    }

    /// <summary>The server processes of a run and an HTTP client for each; stops them all.</summary>
    private sealed class ServerGroup : IAsyncDisposable
    {
        public List<ServerProcess> Servers { get; } = [];

        public List<HttpClient> Clients { get; } = [];

        public async Task StartAsync(string cs, int port, bool jobs)
        {
            Servers.Add(await ServerProcess.StartAsync(cs, port, jobs));
            Clients.Add(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });
        }

        public async ValueTask DisposeAsync()
        {
            Clients.ForEach(c => c.Dispose());
            foreach (var s in Servers)
            {
                await s.DisposeAsync();
            }
        }
    }

    /// <summary>Waits (up to a minute) for the job processes to send everything queued, then checks each mail was sent once.</summary>
    internal static async Task<string> MailSentOnceAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        async Task<long> Scalar(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }

        await OutboxDrainedAsync(cs, TimeSpan.FromMinutes(1));
        var all = await Scalar("SELECT count(*) FROM mail_outbox");
        var once = await Scalar("SELECT count(*) FROM mail_outbox WHERE status = 'Sent' AND attempts = 1");
        var again = await Scalar("SELECT count(*) FROM mail_outbox WHERE attempts > 1");
        return $"{(once == all ? "OK" : "MISMATCH")} — {all} mails queued, {once} sent exactly once, {again} attempted more than once";
    }

    /// <summary>Waits until no mail is pending (or <paramref name="max"/> has passed); returns how many were pending at first and how long it waited.</summary>
    internal static async Task<(long Pending, TimeSpan Waited)> OutboxDrainedAsync(string cs, TimeSpan max)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM mail_outbox WHERE status = 'Pending'", conn);
        var waited = Stopwatch.StartNew();
        var first = (long)(await cmd.ExecuteScalarAsync())!;
        var pending = first;
        while (pending > 0 && waited.Elapsed < max)
        {
            await Task.Delay(500);
            pending = (long)(await cmd.ExecuteScalarAsync())!;
        }

        return (first, waited.Elapsed);
    }

    internal static Task<string> SetUpOfficerAsync(HttpClient http) =>
        ServerProcess.NewOfficerTokenAsync(http, "load.officer@anyue.example", "load-officer-2026", "压测专员");

    private static async Task<Run> OpenManyAsync(IReadOnlyList<HttpClient> servers, string token, int clients, TimeSpan duration)
    {
        var latencies = new List<double>[clients];
        var numbers = new List<string>[clients];
        var failures = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            latencies[c] = [];
            numbers[c] = [];
            var http = servers[c % servers.Count];
            var i = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                var (ms, number, _) = await OpenOneAsync(http, token, $"压测事项 {c}-{i}", c + i, Stopwatch.GetTimestamp());
                if (number is null)
                {
                    Interlocked.Increment(ref failures);
                }
                else
                {
                    latencies[c].Add(ms);
                    numbers[c].Add(number);
                }

                i++;
            }
        })));
        total.Stop();
        return new Run([.. latencies.SelectMany(l => l)], [.. numbers.SelectMany(n => n)], failures, total.Elapsed);
    }

    /// <summary>
    /// Opens a case; the latency counts from <paramref name="since"/> (the intended start, for the open-loop run: a
    /// request that waits for a busy server is charged for the wait). Null number on any answer but 201.
    /// </summary>
    private static async Task<(double Ms, string? Number, bool Shed)> OpenOneAsync(HttpClient http, string token, string title, int n, long since)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases") { Content = JsonContent.Create(NewCase(title, n)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var ms = Stopwatch.GetElapsedTime(since).TotalMilliseconds;
        if (response.StatusCode == HttpStatusCode.Created)
        {
            return (ms, JsonNode.Parse(body)!["number"]!.GetValue<string>(), false);
        }

        Console.Error.WriteLine($"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
        // Shed by the server's admission (Http/RequestAdmission.cs), not a 503 from a pool that timed out.
        return (ms, null, response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("The server is busy", StringComparison.Ordinal));
    }

    /// <summary>
    /// Open loop: one open every 1/<paramref name="rate"/> s whatever the answers, as independent enterprises would, so
    /// latency includes any queueing (no coordinated omission).
    /// </summary>
    private static async Task<Run> OpenAtRateAsync(IReadOnlyList<HttpClient> servers, string token, double rate, TimeSpan duration)
    {
        var count = (int)(rate * duration.TotalSeconds);
        var startedAt = DateTimeOffset.UtcNow;
        var start = Stopwatch.GetTimestamp();
        var opens = new List<Task<(double Ms, string? Number, bool Shed)>>(count);
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i / rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            opens.Add(OpenOneAsync(servers[i % servers.Count], token, $"定速事项 {i}", i, due));
        }

        var results = await Task.WhenAll(opens);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var ok = results.Where(r => r.Number is not null).ToList();
        return new Run([.. ok.Select(r => r.Ms)], [.. ok.Select(r => r.Number!)], results.Length - ok.Count, elapsed)
        {
            Sent = [.. results.Select((r, i) => (startedAt.AddSeconds(i / rate), r.Ms))],
            RefusedMillis = [.. results.Where(r => r.Number is null).Select(r => r.Ms)],
            Shed = results.Count(r => r.Shed),
        };
    }

    /// <summary>CPU seconds (user + system) used so far by these processes and their children's threads (Linux /proc).</summary>
    internal static double CpuSeconds(IEnumerable<int> pids)
    {
        var ticks = 0L;
        foreach (var pid in pids)
        {
            try
            {
                var fields = StatFields(pid);
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Gone since it was listed (a PostgreSQL backend that ended): its time is lost, a small undercount.
            }
        }

        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /// <summary>
    /// PostgreSQL's CPU seconds so far: its live processes' own time, plus the time of those that have ended, which the
    /// kernel adds to the postmaster's children's time (cutime, cstime) when it reaps them. So a backend that ends between
    /// two readings moves its time from one term to the other instead of taking it away (summing only the live
    /// processes once gave a sweep a negative PostgreSQL CPU), and one that starts between them counts from zero.
    /// </summary>
    internal static double PostgresCpuSeconds(int? postmaster)
    {
        if (postmaster is not { } root) return 0;
        var reaped = 0L;
        try
        {
            var fields = StatFields(root);
            reaped = long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            // The postmaster is gone: its children's time went with it, as does theirs below.
        }

        return CpuSeconds(PostgresPids(root)) + reaped / 100.0;
    }

    /// <summary>The fields of /proc/PID/stat after the command name (field 3, the state, is index 0).</summary>
    private static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>The postmaster and every process it started (backends, WAL writer, checkpointer…).</summary>
    internal static List<int> PostgresPids(int? postmaster)
    {
        if (postmaster is not { } root) return [];
        var pids = new List<int> { root };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var parent = int.Parse(StatFields(pid)[1], CultureInfo.InvariantCulture);
                if (parent == root) pids.Add(pid);
            }
            catch (IOException)
            {
                // The process ended between the listing and the read: nothing to count.
            }
        }

        return pids;
    }

    /// <summary>Every 201 has exactly one case, a workflow instance waiting for the liaison, and its dispatch mail queued.</summary>
    private static async Task<string> CheckAsync(string cs, IReadOnlyList<string> numbers)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*),
                   count(DISTINCT c.number),
                   count(*) FILTER (WHERE w.status = 'Suspended'),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM mail_outbox m WHERE m.case_id = c.id))
            FROM cases c LEFT JOIN workflow_instances w ON w.id = c.workflow_instance_id
            WHERE c.number = ANY($1)
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = numbers.ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (found, distinct, waiting, mailed) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        var unique = numbers.Distinct().Count();
        var ok = found == numbers.Count && distinct == numbers.Count && unique == numbers.Count && waiting == numbers.Count && mailed == numbers.Count;
        return $"{(ok ? "OK" : "MISMATCH")} — {numbers.Count} answered 201 ({unique} distinct numbers); {found} cases found, " +
               $"{waiting} with a waiting workflow, {mailed} with dispatch mail queued";
    }

    internal static async Task<long> CommitsAsync(string cs) => (await TransactionsAsync(cs)).Commits;

    /// <summary>The database's committed and rolled-back transactions so far (<c>pg_stat_database</c>).</summary>
    internal static async Task<(long Commits, long Rollbacks)> TransactionsAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>A dotnet-trace of the process <paramref name="pid"/> for <paramref name="duration"/>, written to <paramref name="file"/>.</summary>
    internal static async Task TraceAsync(int pid, string profile, TimeSpan duration, string file = "bench/results/load-cpu.nettrace")
    {
        var psi = new ProcessStartInfo("dotnet", ["tool", "run", "dotnet-trace", "collect", "-p", pid.ToString(CultureInfo.InvariantCulture),
            "--profile", profile, "--duration", duration.ToString(@"hh\:mm\:ss"), "-o", file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Console.WriteLine($"dotnet-trace: exit {p.ExitCode} {(await errors).Trim()}");
        _ = await output;
    }

    /// <summary>Opens slower than this are listed by the second they were sent in (the p99 target at 100 opens/s is 50 ms).</summary>
    private const double SlowOpenMs = 50;

    /// <summary>
    /// PostgreSQL's own work that can hold commits up: checkpoints, autovacuum and autoanalyze runs, WAL written, and
    /// WAL segment files created (one not recycled from before a checkpoint is written as 16 MB of zeros and synced
    /// by the backend that needs it, inside its commit).
    /// </summary>
    private sealed record BackgroundWork(long Checkpoints, long BuffersWritten, long Autovacuums, long Autoanalyzes, decimal WalBytes, long WalFiles)
    {
        public BackgroundWork Since(BackgroundWork before) => new(Checkpoints - before.Checkpoints, BuffersWritten - before.BuffersWritten,
            Autovacuums - before.Autovacuums, Autoanalyzes - before.Autoanalyzes, WalBytes - before.WalBytes, WalFiles - before.WalFiles);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Checkpoints} checkpoint(s) ({BuffersWritten} buffers written by them), {Autovacuums} autovacuum and {Autoanalyzes} autoanalyze run(s), " +
            $"{WalBytes / 1048576m:F1} MB of WAL, {WalFiles} WAL segment file(s) more in pg_wal");
    }

    /// <summary>
    /// A checkpoint: WAL segment files older than it become free to recycle (renamed when a new one is needed) instead of
    /// new ones created and zero-filled. A new cluster has none until its first checkpoint, a running one always has.
    /// </summary>
    private static async Task CheckpointAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("CHECKPOINT", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<BackgroundWork> BackgroundWorkAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT checkpoints_timed + checkpoints_req, buffers_checkpoint,
                   (SELECT coalesce(sum(autovacuum_count), 0)::bigint FROM pg_stat_all_tables),
                   (SELECT coalesce(sum(autoanalyze_count), 0)::bigint FROM pg_stat_all_tables),
                   (SELECT wal_bytes FROM pg_stat_wal),
                   (SELECT count(*) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$')
            FROM pg_stat_bgwriter
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new BackgroundWork(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetDecimal(4), r.GetInt64(5));
    }

    private static Task<long> WalSyncsAsync(string cs) => StatisticAsync(cs, "SELECT wal_sync FROM pg_stat_wal");

    /// <summary>Rows of <c>mail_outbox</c> updated so far: the relay commits each one it sends (or defers) on its own.</summary>
    private static Task<long> MailUpdatesAsync(string cs) =>
        StatisticAsync(cs, "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'mail_outbox'");

    /// <summary>One counter from PostgreSQL's statistics views, read on a connection of its own.</summary>
    private static async Task<long> StatisticAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<double> IdleCommitsPerSecondAsync(string cs, TimeSpan span)
    {
        // Statistics reach pg_stat_database when backends report them (at most every second): let the warm-up settle.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = await CommitsAsync(cs);
        await Task.Delay(span);
        return (await CommitsAsync(cs) - before) / span.TotalSeconds;
    }

    /// <summary>pgbench on the same cluster: one single-row INSERT per transaction, the same number of clients.</summary>
    private static async Task<Pgbench> PgbenchAsync(string cs, int clients, int seconds)
    {
        var b = new NpgsqlConnectionStringBuilder(cs);
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS pgbench_single (id bigserial PRIMARY KEY, v int NOT NULL)", conn);
            await create.ExecuteNonQueryAsync();
        }

        var script = Path.Combine(Path.GetTempPath(), $"liaison-pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, "INSERT INTO pgbench_single (v) VALUES (1);\n");
        try
        {
            var n = clients.ToString(CultureInfo.InvariantCulture);
            var psi = new ProcessStartInfo(Path.Combine(ThrowawayPostgres.FindBinDirectory("LIAISON_BENCH_DB"), "pgbench"),
                ["-n", "-c", n, "-j", n, "-T", seconds.ToString(CultureInfo.InvariantCulture), "-f", script,
                 "-h", b.Host!, "-p", b.Port.ToString(CultureInfo.InvariantCulture), "-U", b.Username!, b.Database!])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            var output = await stdout + await stderr;
            string Value(string label) => output.Split('\n').FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal))
                ?? throw new InvalidOperationException("pgbench said: " + output);
            double Number(string label) => double.Parse(Value(label).Split('=')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return new Pgbench(Number("tps"), Number("latency average"), Value("number of transactions actually processed").Split(':')[1].Trim());
        }
        finally
        {
            File.Delete(script);
        }
    }


    private sealed record Pgbench(double Tps, double LatencyMs, string Transactions);

    private sealed record Run(double[] Millis, IReadOnlyList<string> Numbers, int Failures, TimeSpan Elapsed)
    {
        public double PerSecond => Numbers.Count / Elapsed.TotalSeconds;

        /// <summary>How long the opens answered anything but 201 took (the open loop's; a shed open should be answered at once).</summary>
        public double[] RefusedMillis { get; init; } = [];

        public string Row(string name, int clients)
        {
            var (p50, p99, max) = Percentiles(Millis);
            return string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {clients} | {Numbers.Count} | **{PerSecond:F1} opens/s** | {p50:F1} ms | {p99:F1} ms | {max:F1} ms |");
        }

        /// <summary>The open loop's opens: when each was due to be sent (UTC) and how long it took, in the order sent.</summary>
        public (DateTimeOffset At, double Ms)[] Sent { get; init; } = [];

        /// <summary>The seconds in which opens over <paramref name="overMs"/> were sent, with how many and the slowest.</summary>
        public string SlowSeconds(double overMs)
        {
            var slow = Sent.Where(s => s.Ms > overMs).GroupBy(s => s.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture))
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Count()} (max {g.Max(s => s.Ms):F0} ms)")).ToList();
            return string.Create(CultureInfo.InvariantCulture,
                $"Open loop's opens over {overMs:F0} ms, by the second (UTC) they were sent: {(slow.Count == 0 ? "none" : string.Join(", ", slow))}.");
        }

        /// <summary>Of those, the ones shed: a server past its capacity answers them 503 at once (Http/RequestAdmission.cs); they did nothing.</summary>
        public int Shed { get; init; }

        public string Refused()
        {
            var (p50, p99, max) = Percentiles(RefusedMillis);
            return string.Create(CultureInfo.InvariantCulture,
                $"The open loop's refused opens: **{Failures}**, {Shed} of them shed (503, busy), answered in p50 {p50:F1} ms, p99 {p99:F1} ms, max {max:F1} ms (stderr has each answer).");
        }

        private static (double P50, double P99, double Max) Percentiles(double[] millis)
        {
            var sorted = millis.Order().ToArray();
            double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            return (P(0.50), P(0.99), sorted.Length == 0 ? 0 : sorted[^1]);
        }
    }
}
