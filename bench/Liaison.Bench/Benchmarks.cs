using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Bench;

/// <summary>
/// (a) Liaison's in-memory engine: the 10-activity flow from start to finish with <see cref="WorkflowRunner.Start"/>.
/// Definition parsed and compiled once in GlobalSetup; each invocation is one full run (new instance state,
/// journal, write lines, result) exactly as the host would get it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn, MinColumn]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 5, iterationCount: 20, id: "Liaison")]
public class LiaisonEngine
{
    private WorkflowRunner _runner = null!;
    private WorkflowDefinition _js = null!;
    private WorkflowDefinition _literal = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runner = BenchFlow.CreateRunner();
        _js = BenchFlow.WithJavaScriptCondition();
        _literal = BenchFlow.WithLiteralCondition();
        _runner.Compile(_js);
        _runner.Compile(_literal);
        BenchFlow.Verify(_runner.Start(_js));
        BenchFlow.Verify(_runner.Start(_literal));
    }

    [Benchmark]
    public RunResult Liaison_JavaScriptDecision() => _runner.Start(_js);

    [Benchmark]
    public RunResult Liaison_LiteralDecision() => _runner.Start(_literal);
}

/// <summary>
/// (d) Composition in memory: a parent that starts 10 children at once (each the 10-activity flow), joins them and
/// finishes — 11 instances, 105 activity executions — run the way test-run runs a tree (<see cref="WorkflowTree"/>).
/// </summary>
[MemoryDiagnoser]
[MedianColumn, MinColumn]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 5, iterationCount: 20, id: "Composition")]
public class LiaisonComposition
{
    private WorkflowRunner _runner = null!;
    private WorkflowDefinition _parent = null!;
    private WorkflowDefinition _child = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runner = BenchFlow.CreateRunner();
        _parent = CompositionFlow.Parent(10);
        _child = CompositionFlow.Child();
        CompositionFlow.RunInMemory(_runner, _parent, _child, 10);
    }

    [Benchmark]
    public WorkflowTree Liaison_ParentWith10Children() => CompositionFlow.RunInMemory(_runner, _parent, _child, 10);
}

/// <summary>
/// (b) The same flow on WorkflowCore 3.22.0, in-memory persistence (its default), host started once in GlobalSetup.
/// Each invocation starts an instance and awaits a TaskCompletionSource that the last step completes.
/// </summary>
[MemoryDiagnoser]
[MedianColumn, MinColumn]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 15, invocationCount: 500, id: "WorkflowCore")]
public class WorkflowCoreEngine
{
    private WorkflowCoreHost _host = null!;

    /// <summary>WorkflowCore's poll interval in ms: 1 (as low as its timer goes) and its default 10 000.</summary>
    [Params(1, 10_000)]
    public int PollIntervalMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _host = new WorkflowCoreHost(TimeSpan.FromMilliseconds(PollIntervalMs), idleTime: TimeSpan.FromMilliseconds(1));
        var data = _host.RunOnce().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        if (string.Join("; ", data.Lines) != "notify A; notify B; approved")
            throw new InvalidOperationException("WorkflowCore ran the flow wrong: " + string.Join("; ", data.Lines));
    }

    [IterationCleanup]
    public void Purge() => _host.PurgeCompleted();

    [GlobalCleanup]
    public void Cleanup() => _host.Dispose();

    [Benchmark]
    public Task<FlowData> WorkflowCore_3_22_InMemory() => _host.RunOnce();
}
