using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Sla;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing;

/// <summary>The case goes to a department's handler (a new assignment round: new links, old ones stop working).</summary>
public sealed record CaseDispatched(
    string ActivityId,
    DepartmentContact Department,
    int Round,
    Deadline AcceptBy,
    Deadline DueAt,
    Deadline? NextProgressReport) : IWorkflowEffect
{
    /// <summary>The officer insisted (坚持原派) and the returned round's resolve clock runs on (<see cref="DueAt"/> is its deadline); null for a round on a fresh clock.</summary>
    public InsistDeadline? Insisted { get; init; }
}

public sealed record CaseStatusSet(string ActivityId, CaseStatus Status) : IWorkflowEffect;

/// <summary>Mail of <paramref name="Template"/> to each of the audiences (handler, leader, officer, zone).</summary>
public sealed record CaseNotification(string ActivityId, string Template, IReadOnlyList<string> Audience) : IWorkflowEffect;

/// <summary>
/// A deadline timer of the human task fired. The host records (case, deadline kind, deadline) under a unique key; a
/// re-entered task does not arm a recorded one again, so each rung of the ladder fires once per case and deadline.
/// </summary>
public sealed record DeadlineReached(string ActivityId, string Kind, DateTimeOffset Deadline) : IWorkflowEffect;

/// <summary>One rung of the escalation ladder (督办): a notice to the audiences, recorded on the timeline.</summary>
public sealed record CaseEscalated(string ActivityId, string Level, string Template, IReadOnlyList<string> Audience) : IWorkflowEffect;

/// <summary>A new resolve deadline (extension approved, or reopened). The original due date stays for scoring.</summary>
public sealed record CaseDeadlineChanged(string ActivityId, Deadline DueAt, string Reason) : IWorkflowEffect;

public static class Audiences
{
    public const string Handler = "handler";
    public const string Leader = "leader";
    public const string Officer = "officer";
    public const string Zone = "zone";

    public static readonly string[] All = [Handler, Leader, Officer, Zone];

    /// <summary>Who an audience is, for the designer.</summary>
    public static Text Label(string audience) => audience switch
    {
        Handler => new("经办人", "the department's handler"),
        Leader => new("分管领导", "the department's leader"),
        Officer => new("园区工作人员", "the park officer"),
        Zone => new("园区领导小组", "the zone leadership"),
        _ => new(audience, audience),
    };

    /// <summary>Reads "handler, leader" into a list; unknown names are reported.</summary>
    public static IReadOnlyList<string> Parse(string? value, out string? error)
    {
        error = null;
        var list = Names(value);
        var unknown = list.Where(a => !All.Contains(a)).ToList();
        if (unknown.Count > 0)
        {
            error = $"Unknown audience '{string.Join(", ", unknown)}'; use handler, leader, officer or zone.";
        }

        return list;
    }

    /// <summary>The names in <paramref name="value"/> that are no audience.</summary>
    public static IReadOnlyList<string> Unknown(string? value) => Names(value).Where(a => !All.Contains(a)).ToList();

    private static List<string> Names(string? value) =>
        (value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => a.ToLowerInvariant()).Distinct().ToList();
}
