using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using WorkflowCore.Interface;
using WorkflowCore.Models;

namespace Liaison.Bench;

/// <summary>
/// The benchmark flow built with WorkflowCore: Start → SetAmount → Decide(amount &gt; 100)
/// true → Approve → Parallel(WriteA | WriteB).Join → Log → Finish; false → Reject → Finish.
/// Same shape and the same work per step as the Elsa flowchart (set a value, append a line).
/// </summary>
public sealed class FlowData
{
    public int Amount { get; set; }
    public bool Approved { get; set; }
    public List<string> Lines { get; } = new(4);

    /// <summary>Completed by the last step; the in-memory store keeps this object by reference.</summary>
    public TaskCompletionSource<FlowData>? Done { get; set; }

    public void WriteLine(string text)
    {
        lock (Lines) Lines.Add(text);
    }
}

public sealed class BenchWorkflow : IWorkflow<FlowData>
{
    public const string WorkflowId = "bench-decision-fanout-join";
    public string Id => WorkflowId;
    public int Version => 1;

    public void Build(IWorkflowBuilder<FlowData> builder)
    {
        var approved = builder.CreateBranch()
            .StartWith<Approve>()
            .Parallel()
                .Do(b => b.StartWith<NotifyA>())
                .Do(b => b.StartWith<NotifyB>())
            .Join()
            .Then<Log>()
            .Then<Finish>();
        var rejected = builder.CreateBranch()
            .StartWith<Reject>()
            .Then<Finish>();

        builder
            .StartWith<StartStep>()
            .Then<SetAmount>()
            .Decide(data => data.Amount > 100)
                .Branch(true, approved)
                .Branch(false, rejected);
    }
}

public sealed class StartStep : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context) => ExecutionResult.Next();
}

public sealed class SetAmount : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context)
    {
        ((FlowData)context.Workflow.Data).Amount = 150;
        return ExecutionResult.Next();
    }
}

public sealed class Approve : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context)
    {
        ((FlowData)context.Workflow.Data).Approved = true;
        return ExecutionResult.Next();
    }
}

public sealed class Reject : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context)
    {
        ((FlowData)context.Workflow.Data).WriteLine("rejected");
        return ExecutionResult.Next();
    }
}

public sealed class NotifyA : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context)
    {
        ((FlowData)context.Workflow.Data).WriteLine("notify A");
        return ExecutionResult.Next();
    }
}

public sealed class NotifyB : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context)
    {
        ((FlowData)context.Workflow.Data).WriteLine("notify B");
        return ExecutionResult.Next();
    }
}

public sealed class Log : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context)
    {
        ((FlowData)context.Workflow.Data).WriteLine("approved");
        return ExecutionResult.Next();
    }
}

public sealed class Finish : StepBody
{
    public override ExecutionResult Run(IStepExecutionContext context)
    {
        var data = (FlowData)context.Workflow.Data;
        data.Done?.TrySetResult(data);
        return ExecutionResult.Next();
    }
}

/// <summary>A started WorkflowCore host with in-memory persistence (its default) and the benchmark workflow registered.</summary>
public sealed class WorkflowCoreHost : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<WorkflowInstance>? _instances;

    public WorkflowCoreHost(TimeSpan pollInterval, TimeSpan idleTime)
    {
        var services = new ServiceCollection();
        services.AddLogging(); // no providers: nothing is written
        services.AddWorkflow(o =>
        {
            o.UsePollInterval(pollInterval);
            o.UseIdleTime(idleTime);
        });
        _services = services.BuildServiceProvider();
        Host = _services.GetRequiredService<IWorkflowHost>();
        Host.RegisterWorkflow<BenchWorkflow, FlowData>();
        Host.Start();
        _instances = FindInstanceList(_services);
    }

    public IWorkflowHost Host { get; }

    /// <summary>Starts one instance and completes when its last step ran.</summary>
    public async Task<FlowData> RunOnce()
    {
        var data = new FlowData { Done = new TaskCompletionSource<FlowData>(TaskCreationOptions.RunContinuationsAsynchronously) };
        await Host.StartWorkflow(BenchWorkflow.WorkflowId, 1, data);
        return await data.Done.Task;
    }

    /// <summary>
    /// WorkflowCore's MemoryPersistenceProvider keeps every instance in a List and looks instances up by a linear
    /// scan, so without this each iteration would run slower than the last. Called between iterations only.
    /// </summary>
    public int PurgeCompleted()
    {
        if (_instances == null) return 0;
        lock (_instances)
            return _instances.RemoveAll(i => i.Status == WorkflowStatus.Complete);
    }

    public int StoredInstances
    {
        get
        {
            if (_instances == null) return -1;
            lock (_instances) return _instances.Count;
        }
    }

    private static List<WorkflowInstance>? FindInstanceList(IServiceProvider sp)
    {
        // In-memory persistence is registered as a singleton ISingletonMemoryProvider behind IPersistenceProvider.
        var memoryType = typeof(IWorkflowHost).Assembly.GetTypes().FirstOrDefault(t => t.Name == "ISingletonMemoryProvider");
        var store = memoryType != null ? sp.GetService(memoryType) : sp.GetService<IPersistenceProvider>();
        if (store == null) return null;
        foreach (var f in store.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic))
            if (f.FieldType == typeof(List<WorkflowInstance>))
                return (List<WorkflowInstance>?)f.GetValue(store);
        return null;
    }

    public void Dispose()
    {
        Host.Stop();
        _services.Dispose();
    }
}
