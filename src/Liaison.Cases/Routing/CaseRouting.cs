using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Sla;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing;

/// <summary>
/// What the case activities see during one workflow run: a snapshot of the case (updated as activities act, so later
/// activities in the same run see the new department or status), the calendar, the departments and the categories.
/// Activities never touch the database; they change the snapshot and emit effects the host applies in the run's
/// transaction.
/// </summary>
public sealed class CaseRouting
{
    public required CaseSnapshot Case { get; init; }

    public required WorkingCalendar Calendar { get; init; }

    /// <summary>Active departments by code.</summary>
    public required IReadOnlyDictionary<string, DepartmentContact> Departments { get; init; }

    public required IReadOnlyList<CaseCategory> Categories { get; init; }

    public CaseCategory Category =>
        Categories.FirstOrDefault(c => c.Code == Case.Category) ?? CaseCategories.FindDefault(CaseCategories.Other)!;

    /// <summary>The routing of the current run, or null (the caller faults) when the workflow runs without a case.</summary>
    public static CaseRouting? From(ActivityContext context) => context.RunContext?.Get<CaseRouting>();
}

public sealed record DepartmentContact(string Code, string Name, Person Handler, Person Leader);

public sealed record Person(string Name, string Email, string Culture = "zh-CN");

/// <summary>
/// The case as the workflow sees it. Also what scripts get from <c>getCase()</c> and templates from <c>Case</c>,
/// serialised in camelCase.
/// </summary>
public sealed class CaseSnapshot
{
    public long Id { get; set; }

    public required string Number { get; set; }

    public required string Title { get; set; }

    public required string Category { get; set; }

    public CasePriority Priority { get; set; }

    public CaseStatus Status { get; set; }

    /// <summary>Where the case should go (the next dispatch sends it here).</summary>
    public required string DepartmentCode { get; set; }

    /// <summary>The department currently holding the case (null before the first dispatch).</summary>
    public string? AssignedDepartmentCode { get; set; }

    public Person? Handler { get; set; }

    public Person? Leader { get; set; }

    public int AssignmentRound { get; set; }

    public DateTimeOffset? AcceptBy { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    public DateTimeOffset? NextProgressReportAt { get; set; }

    public bool IsKeyEnterprise { get; set; }

    public string? EnterpriseName { get; set; }

    /// <summary>Working days the handler asked for in a pending extension request.</summary>
    public int? PendingExtensionDays { get; set; }

    /// <summary>Escalations already sent, as <see cref="EscalationKey"/>s, so a re-entered wait does not arm them again.</summary>
    public HashSet<string> FiredEscalations { get; set; } = [];

    public static string EscalationKey(string level, DateTimeOffset deadline) => $"{level}@{deadline.UtcTicks}";

    /// <summary>
    /// Set when this snapshot is a co-handler's part of a joint case (the run is the part's child workflow): the
    /// department, handler, round, deadlines and status above are then the part's.
    /// </summary>
    public long? PartId { get; set; }

    /// <summary>For a co-handler's part: the lead's resolve deadline as it stands (its part is due before it).</summary>
    public DateTimeOffset? LeadDueAt { get; set; }

    /// <summary>The officer's task note for the co-handler (parts only).</summary>
    public string? Task { get; set; }

    /// <summary>
    /// The co-handling parts this run of the lead's workflow dispatches: all of a joint case's when it is opened, those
    /// the officer asks again when reopening it (重办); empty otherwise, and for a single-department case.
    /// </summary>
    public List<CasePartRef> Parts { get; set; } = [];

    /// <summary>The round the handler returned, while the case waits for the officer's decision (status returned); null otherwise.</summary>
    public ReturnedRound? Returned { get; set; }
}

/// <summary>A co-handler's part as the case's workflow sees it.</summary>
public sealed record CasePartRef(long Id, string DepartmentCode, string? Task);
