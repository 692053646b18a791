using Liaison.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Liaison.Cases.Routing;
using Liaison.Server.Audit;
using Liaison.Server.Data;
using Liaison.Server.Mail;
using Liaison.Server.Workflows;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Liaison.Bench.Durable;

/// <summary>
/// Issue 3 item 10 (c): the durable cycle on PostgreSQL, fsync on. One cycle = <see cref="WorkflowHost.StartAsync"/>
/// (Start → WriteLine → Event("go") waits: instance, bookmark and journal commit in one transaction) plus
/// <see cref="WorkflowHost.ResumeAsync(LiaisonDbContext,string,object?,CancellationToken)"/> by that event's bookmark
/// (→ WriteLine → End: the finish commits in one transaction), each in its own DI scope and DbContext as two
/// requests would be. Alongside, on the same cluster in the same run: raw single-row INSERT commits/s (Npgsql,
/// autocommit), the fair ceiling. A Stopwatch harness rather than BenchmarkDotNet: the cluster, the schema and
/// the growing tables are state BenchmarkDotNet's separate process and iteration model would fight, and we want
/// per-cycle percentiles.
/// </summary>
/// <remarks>Run: <c>bench/run.sh durable</c> or <c>dotnet run -c Release --project bench/Liaison.Bench -- --durable [--cycles N] [--warmup N] [--workers N]</c>.</remarks>
public static class DurableCycleBench
{
    private const string DefinitionId = "bench-durable-cycle";

    public static async Task<int> RunAsync(string[] args)
    {
        var cycles = IntArg(args, "--cycles", 2000);
        var warmup = IntArg(args, "--warmup", 1000);
        var workers = IntArg(args, "--workers", 4);
        var inserts = IntArg(args, "--inserts", 5000);
        var report = new BenchReport();
        var Line = report.Line;

        var (loadBefore, started) = (report.LoadBefore, report.Started);
        await using var pg = await ThrowawayPostgres.StartAsync(durable: true, externalVariable: "LIAISON_BENCH_DB");
        var cs = await pg.CreateDatabaseAsync("liaison_bench");
        await using var services = BuildServices(cs);
        await PrepareAsync(services);

        Line($"# Durable cycle benchmark — {started:yyyy-MM-dd HH:mm} UTC");
        Line();
        Line($"PostgreSQL: {pg.Description}");
        Line($"Settings: {await pg.SettingsAsync()}");
        Line($"Cycles: {cycles} per measurement after {warmup} warm-up cycles; concurrent: {workers} workers; raw inserts: {inserts} per measurement.");
        Line($"Load average (1/5/15 min) before: {loadBefore}");
        Line();

        var trace = "";
        var rawBefore = await RawInsertsAsync(cs, inserts, 1);
        await CyclesAsync(services, warmup, 1);
        var (jitMethods, jitTime) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
        var seq = await CyclesAsync(services, cycles, 1);
        var jit = string.Create(CultureInfo.InvariantCulture,
            $"JIT during the sequential measurement: {System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods} methods compiled, " +
            $"{(System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds:F0} ms compiling (tier-1 recompiles included).");
        var par = workers > 1 ? await CyclesAsync(services, cycles, workers) : null;
        var rawAfter = await RawInsertsAsync(cs, inserts, 1);
        var rawPar = workers > 1 ? await RawInsertsAsync(cs, inserts, workers) : null;
        // A separate, traced sequential pass: where a cycle's time goes (round trips, commits, the rest in .NET).
        var counter = new RoundTripCounter();
        var traceCycles = Math.Min(cycles, 500);
        await using (var traced = BuildServices(cs, counter))
        {
            await CyclesAsync(traced, 50, 1);
            counter.Reset();
            var t = await CyclesAsync(traced, traceCycles, 1);
            var perCycle = t.Elapsed.TotalMilliseconds / traceCycles;
            var commands = counter.CommandTime.TotalMilliseconds / traceCycles;
            var commits = counter.CommitTime.TotalMilliseconds / traceCycles;
            trace = string.Create(CultureInfo.InvariantCulture,
                $"Traced pass ({traceCycles} sequential cycles, EF interceptor on): {perCycle:F2} ms per cycle = " +
                $"{counter.Commands / (double)traceCycles:F1} commands ({commands:F2} ms waiting) + {counter.Commits / (double)traceCycles:F1} commits " +
                $"({commits:F2} ms waiting) + {perCycle - commands - commits:F2} ms in .NET (EF, engine, JSON, DI).");
        }

        var check = await VerifyAsync(cs, warmup + cycles * (par is null ? 1 : 2) + 50 + traceCycles);
        var loadAfter = BenchReport.LoadAverage();

        Line("| Measurement | Workers | Count | Elapsed | Throughput | Mean | p50 | p95 | p99 | Max |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Line(rawBefore.Row("Raw single-row INSERT commit (before)", "commits/s"));
        Line(seq.Row("Durable cycle (start + resume)", "cycles/s"));
        Line(seq.Starts!.Row("  of which StartAsync (to first wait)", "starts/s"));
        Line(seq.Resumes!.Row("  of which ResumeAsync (to end)", "resumes/s"));
        if (par is not null)
        {
            Line(par.Row("Durable cycle (start + resume)", "cycles/s"));
        }

        Line(rawAfter.Row("Raw single-row INSERT commit (after)", "commits/s"));
        if (rawPar is not null)
        {
            Line(rawPar.Row("Raw single-row INSERT commit", "commits/s"));
        }

        Line();
        var raw = (rawBefore.PerSecond + rawAfter.PerSecond) / 2;
        Line($"Ceiling from this run's raw commits (mean of before/after, {raw:F0}/s) for a 2-commit cycle: {raw / 2:F0} cycles/s; " +
             $"sequential cycles reach {seq.PerSecond / (raw / 2):P0} of it.");
        Line($"DESIGN §9 ceiling (7,900 commits/s → 3,950 cycles/s): sequential {seq.PerSecond / 3950:P1}" +
             (par is null ? "" : $", {workers} workers {par.PerSecond / 3950:P1}") + ".");
        if (rawPar is not null && par is not null)
        {
            Line($"{workers}-worker ceiling from this run's {workers}-worker raw commits ({rawPar.PerSecond:F0}/s): {rawPar.PerSecond / 2:F0} cycles/s; " +
                 $"{workers}-worker cycles reach {par.PerSecond / (rawPar.PerSecond / 2):P0} of it.");
        }

        Line(jit);
        Line(trace);
        Line($"Check: {check}");
        Line($"Load average (1/5/15 min) after: {loadAfter}");
        await report.SaveAsync();

        return 0;
    }

    /// <summary>The server's registrations for what WorkflowHost needs (Hosting/LiaisonHost.cs), minus HTTP, Identity and Hangfire's server.</summary>
    internal static ServiceProvider BuildServices(string connectionString, RoundTripCounter? counter = null)
    {
        var services = new ServiceCollection();
        // EF's "fail" for the missing migrations-history table on a fresh database, and a query warning from the
        // definition store, are expected noise; real failures still throw.
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole()
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None)
            .AddFilter("Microsoft.EntityFrameworkCore.Query", LogLevel.Error));
        services.AddSingleton(TimeProvider.System);
        // Timers and the outbox kick go through Hangfire; this flow has neither, and nothing here runs jobs.
        services.AddSingleton<IBackgroundJobClient, NoJobs>();
        // As the server's job processes would, minus running them: nothing here needs the pumps to run.
        services.AddSingleton<OutboxPump>();
        services.AddSingleton<WorkflowTimerPump>();
        services.AddScoped<OutboxKickInterceptor>();
        services.AddDbContext<LiaisonDbContext>((sp, o) => o
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(sp.GetRequiredService<OutboxKickInterceptor>()));
        services.AddSingleton<Outbox>();
        // As the server: the engine with the case activities registered. The server's IRunContextFactory is
        // CaseRoutingFactory, which for an instance without a "case:" correlation returns an empty RunContext
        // without touching the database — the same as the default EmptyRunContextFactory used here.
        services.AddWorkflowRuntime(registry => registry.AddCaseActivities());
        if (counter is not null)
        {
            services.ConfigureDbContext<LiaisonDbContext>(o => o.AddInterceptors(counter));
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static async Task PrepareAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        await db.Database.MigrateAsync();
        var store = scope.ServiceProvider.GetRequiredService<WorkflowDefinitionStore>();
        var json = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Flows", "durable-cycle.json"));
        var draft = await store.SaveDraftAsync(db, WorkflowDefinitionJson.Parse(json), Actor.Server, default);
        var published = await store.PublishAsync(db, draft.DefinitionId, Actor.Server, default);
        if (published.Errors.Count > 0 || published.Record is null)
        {
            throw new InvalidOperationException("The benchmark flow did not publish: " + string.Join("; ", published.Errors));
        }
    }

    private static async Task<Measurement> CyclesAsync(IServiceProvider services, int count, int workers)
    {
        var cycle = new double[count];
        var start = new double[count];
        var resume = new double[count];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var t0 = Stopwatch.GetTimestamp();
                string bookmarkId;
                await using (var scope = services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
                    var instance = await scope.ServiceProvider.GetRequiredService<WorkflowHost>()
                        .StartAsync(db, DefinitionId, new Dictionary<string, object?>(), null, null, default);
                    if (instance.Status != WorkflowStatus.Suspended)
                    {
                        throw new InvalidOperationException($"Started instance is {instance.Status}, expected Suspended");
                    }

                    bookmarkId = WorkflowInstanceState.FromJson(instance.State).Bookmarks.Single().Id;
                }

                var t1 = Stopwatch.GetTimestamp();
                await using (var scope = services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
                    var resumed = await scope.ServiceProvider.GetRequiredService<WorkflowHost>().ResumeAsync(db, bookmarkId, "go", default);
                    if (!resumed.Resumed || resumed.Instance!.Status != WorkflowStatus.Finished)
                    {
                        throw new InvalidOperationException($"Resume: {resumed.Outcome}, {resumed.Instance?.Status}");
                    }
                }

                var t2 = Stopwatch.GetTimestamp();
                start[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
                resume[i] = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
                cycle[i] = Stopwatch.GetElapsedTime(t0, t2).TotalMilliseconds;
            }
        }))).ConfigureAwait(false);
        total.Stop();
        return new Measurement(workers, cycle, total.Elapsed)
        {
            Starts = new Measurement(workers, start, TimeSpan.FromMilliseconds(start.Sum() / workers)),
            Resumes = new Measurement(workers, resume, TimeSpan.FromMilliseconds(resume.Sum() / workers)),
        };
    }

    /// <summary>The fair ceiling: one INSERT of one small row per transaction (autocommit), each waiting for its WAL flush.</summary>
    private static async Task<Measurement> RawInsertsAsync(string cs, int count, int workers)
    {
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand(
                "CREATE TABLE IF NOT EXISTS bench_raw_commit (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT now())", conn);
            await create.ExecuteNonQueryAsync();
        }

        var times = new double[count];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("INSERT INTO bench_raw_commit (payload) VALUES ($1)", conn);
            var p = new NpgsqlParameter { Value = "" };
            cmd.Parameters.Add(p);
            await cmd.PrepareAsync();
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                p.Value = "row " + i.ToString(CultureInfo.InvariantCulture);
                var t0 = Stopwatch.GetTimestamp();
                await cmd.ExecuteNonQueryAsync();
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        }))).ConfigureAwait(false);
        total.Stop();
        return new Measurement(workers, times, total.Elapsed);
    }

    /// <summary>Every cycle really ran: all instances finished, no bookmark left, six journal rows each.</summary>
    private static async Task<string> VerifyAsync(string cs, int expected)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        async Task<long> Scalar(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        var finished = await Scalar("SELECT count(*) FROM workflow_instances WHERE status = 'Finished'");
        var all = await Scalar("SELECT count(*) FROM workflow_instances");
        var bookmarks = await Scalar("SELECT count(*) FROM workflow_bookmarks");
        var journal = await Scalar("SELECT count(*) FROM workflow_journal");
        var incidents = await Scalar("SELECT count(*) FROM workflow_incidents");
        var ok = finished == expected && all == expected && bookmarks == 0 && journal == expected * 6L && incidents == 0;
        return $"{(ok ? "OK" : "MISMATCH")} — {all} instances (expected {expected}), {finished} finished, {bookmarks} bookmarks left, " +
               $"{journal} journal rows ({(all == 0 ? 0 : journal / (double)all):F1} per instance), {incidents} incidents";
    }


    internal static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Measurement(int Workers, double[] Millis, TimeSpan Elapsed)
    {
        public Measurement? Starts { get; init; }

        public Measurement? Resumes { get; init; }

        public double PerSecond => Millis.Length / Elapsed.TotalSeconds;

        public string Row(string name, string unit)
        {
            var sorted = Millis.Order().ToArray();
            double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            return string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Workers} | {Millis.Length} | {Elapsed.TotalSeconds:F2} s | **{PerSecond:F0} {unit}** | {Millis.Average():F2} ms | " +
                $"{P(0.50):F2} ms | {P(0.95):F2} ms | {P(0.99):F2} ms | {sorted[^1]:F2} ms |");
        }
    }

    /// <summary>Hangfire client that schedules nothing (no Hangfire server or storage in the benchmark).</summary>
    private sealed class NoJobs : IBackgroundJobClient
    {
        private long _next;

        public string Create(Job job, IState state) => Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }
}
