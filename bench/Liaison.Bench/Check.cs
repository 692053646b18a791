using System.Diagnostics;

namespace Liaison.Bench;

/// <summary><c>--check</c>: one run of each variant on both engines, plus a rough timing, without BenchmarkDotNet.</summary>
internal static class Check
{
    public static void Run()
    {
        var runner = BenchFlow.CreateRunner();
        foreach (var (name, def) in new[] { ("JavaScript", BenchFlow.WithJavaScriptCondition()), ("Literal", BenchFlow.WithLiteralCondition()) })
        {
            var r = runner.Start(def);
            BenchFlow.Verify(r);
            Console.WriteLine($"Liaison/{name}: {r.Status}, {r.Journal.Count} executions: {string.Join(" ", r.Journal.Select(j => j.ActivityId))}; lines: {string.Join("; ", r.WriteLines)}");
            for (var i = 0; i < 20_000; i++) runner.Start(def);
            var sw = Stopwatch.StartNew();
            const int n = 50_000;
            for (var i = 0; i < n; i++) runner.Start(def);
            Console.WriteLine($"  ~{sw.Elapsed.TotalMicroseconds / n:0.00} µs per run");
        }

        using var host = new WorkflowCoreHost(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));
        var data = host.RunOnce().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        Console.WriteLine($"WorkflowCore: lines: {string.Join("; ", data.Lines)}; stored instances: {host.StoredInstances}");
        for (var i = 0; i < 500; i++) host.RunOnce().GetAwaiter().GetResult();
        host.PurgeCompleted();
        var sw2 = Stopwatch.StartNew();
        const int m = 1000;
        for (var i = 0; i < m; i++) host.RunOnce().GetAwaiter().GetResult();
        Console.WriteLine($"  ~{sw2.Elapsed.TotalMicroseconds / m:0.0} µs per run; stored instances before purge: {host.StoredInstances}, purged {host.PurgeCompleted()}");
    }
}
