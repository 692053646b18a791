namespace Liaison.Workflows.Runtime;

/// <summary>
/// A cap shared by every execution of one request (a designer test run: its resumes and children together), put in
/// the <see cref="RunContext"/>. Checked before each activity; a breach faults the execution with an incident naming
/// the limit. Time is the real elapsed time of the request (a resource guard, not business time), so a single script
/// may overrun it by at most its own Timeout.
/// </summary>
public sealed class RunBudget
{
    private readonly TestRunLimits _limits;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly CancellationToken _cancelled;
    private int _activities;

    /// <param name="cancelled">The request's abort token: a client that went away stops the run at the next activity.</param>
    public RunBudget(TestRunLimits limits, TimeProvider? time = null, CancellationToken cancelled = default)
    {
        _limits = limits;
        _cancelled = cancelled;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
    }

    public int Activities => _activities;

    /// <summary>Counts one activity about to run; the breach message if the budget is spent, else null.</summary>
    public string? Charge()
    {
        if (_cancelled.IsCancellationRequested)
            return "Test run stopped: the request was cancelled (the client went away).";
        if (++_activities > _limits.MaxActivities)
            return $"Test run limit: more than {_limits.MaxActivities} activities executed in this request (Liaison:Workflows:TestRun:MaxActivities).";
        var elapsed = _time.GetElapsedTime(_started);
        if (elapsed > _limits.TimeLimit)
            return $"Test run limit: the request ran longer than {_limits.TimeLimit.TotalSeconds:0.###} s (Liaison:Workflows:TestRun:TimeLimit).";
        return null;
    }
}
