using System.Diagnostics;
using System.Globalization;
using System.Text;
using Liaison.Server.Audit;
using Liaison.Server.Data;
using Liaison.Server.Workflows;
using Liaison.Testing;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Liaison.Bench.Durable;

/// <summary>
/// Issue 8: child workflows on PostgreSQL (fsync on). Sequential starts of (a) the flat 10-activity flow alone and (b) a
/// parent that starts 10 children of it at once, joins them and finishes: 11 instances in one transaction. Then one
/// parent with 1,000 children, started in one run. A Stopwatch harness like <see cref="DurableCycleBench"/>.
/// </summary>
/// <remarks>Run: <c>bench/run.sh children</c> or <c>dotnet run -c Release --project bench/Liaison.Bench -- --children [--parents N] [--wide N]</c>.</remarks>
public static class DurableChildrenBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var parents = DurableCycleBench.IntArg(args, "--parents", 200);
        var wide = DurableCycleBench.IntArg(args, "--wide", 1000);
        var report = new BenchReport();
        var Line = report.Line;

        var (loadBefore, started) = (report.LoadBefore, report.Started);
        await using var pg = await ThrowawayPostgres.StartAsync(durable: true, externalVariable: "LIAISON_BENCH_DB");
        var cs = await pg.CreateDatabaseAsync("liaison_children");
        await using var services = DurableCycleBench.BuildServices(cs);
        await PublishAsync(services, CompositionFlow.ChildJson().ToJsonString(), CompositionFlow.ParentJson(10).ToJsonString(),
            CompositionFlow.ParentJson(wide).ToJsonString());

        Line($"# Child workflow benchmark — {started:yyyy-MM-dd HH:mm} UTC");
        Line();
        Line($"PostgreSQL: {pg.Description}");
        Line($"Settings: {await pg.SettingsAsync()}");
        Line($"Load average (1/5/15 min) before: {loadBefore}");
        Line();

        await StartsAsync(services, CompositionFlow.ChildId, 100);
        await StartsAsync(services, CompositionFlow.ParentId(10), 20);
        var flat = await StartsAsync(services, CompositionFlow.ChildId, parents);
        var tree = await StartsAsync(services, CompositionFlow.ParentId(10), parents);
        var once = await StartsAsync(services, CompositionFlow.ParentId(wide), 1);

        Line("| Measurement | Starts | Elapsed | Throughput | p50 | p99 | Instances/s |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        Line(flat.Row("10-activity flow alone (1 instance, finishes at once)", 1));
        Line(tree.Row("Parent + 10 children of it (11 instances, one transaction)", 11));
        Line(once.Row($"Parent + {wide} children (one start)", wide + 1));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"A parent with 10 children takes {tree.Millis.Average() / flat.Millis.Average():F1}× the time of one flat instance " +
            $"({tree.Millis.Average() / flat.Millis.Average() / 11:P0} of that per instance)."));
        Line($"Check: {await VerifyAsync(cs, wide)}");
        Line($"Load average (1/5/15 min) after: {BenchReport.LoadAverage()}");
        await report.SaveAsync();

        return 0;
    }

    private static async Task PublishAsync(IServiceProvider services, params string[] definitions)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        await db.Database.MigrateAsync();
        var store = scope.ServiceProvider.GetRequiredService<WorkflowDefinitionStore>();
        foreach (var json in definitions)
        {
            var draft = await store.SaveDraftAsync(db, WorkflowDefinitionJson.Parse(json), Actor.Server, default);
            var published = await store.PublishAsync(db, draft.DefinitionId, Actor.Server, default);
            if (published.Errors.Count > 0)
            {
                throw new InvalidOperationException($"{draft.DefinitionId} did not publish: " + string.Join("; ", published.Errors));
            }
        }
    }

    private static async Task<Measurement> StartsAsync(IServiceProvider services, string definitionId, int count)
    {
        var times = new double[count];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            var instance = await scope.ServiceProvider.GetRequiredService<WorkflowHost>()
                .StartAsync(db, definitionId, new Dictionary<string, object?>(), null, null, default);
            if (instance.Status != WorkflowStatus.Finished)
            {
                throw new InvalidOperationException($"{definitionId} ended {instance.Status}, expected Finished");
            }

            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }

        total.Stop();
        return new Measurement(times, total.Elapsed);
    }

    /// <summary>Every instance finished, nothing waits, and the wide parent really had its children.</summary>
    private static async Task<string> VerifyAsync(string cs, int wide)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        async Task<long> Scalar(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        var notFinished = await Scalar("SELECT count(*) FROM workflow_instances WHERE status <> 'Finished'");
        var bookmarks = await Scalar("SELECT count(*) FROM workflow_bookmarks");
        var wideChildren = await Scalar(
            $"SELECT count(*) FROM workflow_instances c JOIN workflow_instances p ON c.parent_instance_id = p.id WHERE p.definition_id = 'bench-parent-{wide}'");
        var ok = notFinished == 0 && bookmarks == 0 && wideChildren == wide;
        return $"{(ok ? "OK" : "MISMATCH")} — {notFinished} instances not finished, {bookmarks} bookmarks left, the wide parent has {wideChildren} children (expected {wide})";
    }

    private sealed record Measurement(double[] Millis, TimeSpan Elapsed)
    {
        public string Row(string name, int instancesPerStart)
        {
            var sorted = Millis.Order().ToArray();
            double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            var perSecond = Millis.Length / Elapsed.TotalSeconds;
            return string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Millis.Length} | {Elapsed.TotalSeconds:F2} s | **{perSecond:F1} starts/s** | {P(0.50):F2} ms | {P(0.99):F2} ms | {perSecond * instancesPerStart:F0} |");
        }
    }
}
