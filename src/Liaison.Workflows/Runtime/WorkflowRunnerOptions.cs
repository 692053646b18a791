using Liaison.Workflows.Expressions;

namespace Liaison.Workflows.Runtime;

public sealed class WorkflowRunnerOptions
{
    /// <summary>A run that executes more activities than this without every branch waiting faults (loops are allowed).</summary>
    public int MaxActivitiesPerRun { get; set; } = 10_000;

    public ScriptLimits Scripts { get; set; } = new();

    /// <summary>Host additions to every run's JavaScript and Liquid globals.</summary>
    public List<IExpressionGlobalsContributor> ExpressionContributors { get; } = [];
}

/// <summary>Sandbox limits applied to every JavaScript evaluation.</summary>
public sealed class ScriptLimits
{
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
    public long MemoryLimitBytes { get; set; } = 8 * 1024 * 1024;
    public int MaxRecursion { get; set; } = 64;
    public int MaxStatements { get; set; } = 100_000;
}
