using Liaison.Workflows.Expressions;

namespace Liaison.Workflows.Runtime;

public sealed class WorkflowRunnerOptions
{
    /// <summary>A run that executes more activities than this without every branch waiting faults (loops are allowed).</summary>
    public int MaxActivitiesPerRun { get; set; } = 10_000;

    public ScriptLimits Scripts { get; set; } = new();

    /// <summary>Caps on a whole designer test run (every resume and child of it together).</summary>
    public TestRunLimits TestRun { get; set; } = new();

    /// <summary>
    /// The time zone of scripts' dates (<c>new Date()</c>'s local parts) and of Liquid's <c>date</c> filter; their "now"
    /// is the runner's clock. The host sets its zone (Liaison:TimeZone); UTC otherwise.
    /// </summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Utc;

    /// <summary>Host additions to every run's JavaScript and Liquid globals.</summary>
    public List<IExpressionGlobalsContributor> ExpressionContributors { get; } = [];
}

/// <summary>Sandbox limits applied to every JavaScript evaluation and Liquid render (configuration: Liaison:Workflows:Scripts).</summary>
public sealed class ScriptLimits
{
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Checked by Jint between statements: one huge allocation is bounded by the size limits below instead.</summary>
    public long MemoryLimitBytes { get; set; } = 8 * 1024 * 1024;
    public int MaxRecursion { get; set; } = 64;
    public int MaxStatements { get; set; } = 100_000;

    /// <summary>One regular-expression match (Jint's own default is 10 s, past the script timeout).</summary>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest string repeat, padStart, padEnd and join may build, in UTF-16 characters (1,000,000 = 2 MB).</summary>
    public int MaxStringLength { get; set; } = 1_000_000;

    /// <summary>Most elements an array may have (Jint's Constraints.MaxArraySize).</summary>
    public uint MaxArraySize { get; set; } = 100_000;

    /// <summary>Fluid steps (statements, loop iterations) of one Liquid render.</summary>
    public int LiquidMaxSteps { get; set; } = 100_000;

    /// <summary>Characters one Liquid render may write.</summary>
    public int LiquidMaxOutputLength { get; set; } = 1_000_000;
}

/// <summary>Caps on one test-run request as a whole: resumeAll may resume many times, each under MaxActivitiesPerRun.</summary>
public sealed class TestRunLimits
{
    /// <summary>Activity executions over the whole test run, children and resumes included.</summary>
    public int MaxActivities { get; set; } = 50_000;

    /// <summary>Elapsed time over the whole test run; checked between activities (one script may add its own Timeout).</summary>
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(5);
}
