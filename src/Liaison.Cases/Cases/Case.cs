namespace Liaison.Cases.Cases;

/// <summary>An enterprise's problem routed to one department's handler, to be handled within a time limit (限时办结).</summary>
public sealed class Case : IAssignment
{
    public long Id { get; set; }

    /// <summary>Human-facing number, e.g. <c>AYKF-2026-000123</c>.</summary>
    public required string Number { get; set; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public required string Category { get; set; }

    public CasePriority Priority { get; set; }

    /// <summary>The enterprise as the case was opened for it: name, credit code and contact as they were then.</summary>
    public required Enterprise Enterprise { get; set; }

    /// <summary>The enterprise's entry in the register (<see cref="Enterprises.RegisteredEnterprise"/>); null for cases opened before it existed.</summary>
    public long? EnterpriseId { get; set; }

    public CaseStatus Status { get; set; }

    /// <summary>The department the case is (or will next be) sent to.</summary>
    public required string DepartmentCode { get; set; }

    public required string HandlerName { get; set; }

    public required string HandlerEmail { get; set; }

    public string HandlerCulture { get; set; } = "zh-CN";

    public string? LeaderName { get; set; }

    public string? LeaderEmail { get; set; }

    public string LeaderCulture { get; set; } = "zh-CN";

    /// <summary>Increments on every (re)assignment; links are bound to one round.</summary>
    public int AssignmentRound { get; set; }

    public DateTimeOffset? AcceptBy { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The resolve deadline before any extension, kept for scoring.</summary>
    public DateTimeOffset? OriginalDueAt { get; set; }

    /// <summary>The current round's department as dispatched (scoring; <see cref="DepartmentCode"/> may already name the next one).</summary>
    public string? RoundDepartmentCode { get; set; }

    /// <summary>When the current round was dispatched.</summary>
    public DateTimeOffset? RoundStartedAt { get; set; }

    /// <summary>The current round's acceptance deadline as dispatched (a later recomputation does not move it; scoring).</summary>
    public DateTimeOffset? RoundAcceptBy { get; set; }

    /// <summary>The current round's acceptance deadline passed before it was accepted (scored once; see <see cref="CaseEventKinds.AcceptOverdue"/>).</summary>
    public bool RoundAcceptMissed { get; set; }

    /// <summary>True when a deadline fell in a year whose holiday schedule was not loaded.</summary>
    public bool Provisional { get; set; }

    /// <summary>How <see cref="AcceptBy"/> was computed (start, working days, calendar version), as JSON.</summary>
    public string? AcceptByBasis { get; set; }

    /// <summary>How <see cref="DueAt"/> was computed, as JSON.</summary>
    public string? DueAtBasis { get; set; }

    /// <summary>
    /// The progress report a long-running case (legacy issues, bankruptcies) is next due, as acceptance, the last
    /// progress note or a reopening set it; the workflow's timer asks again every period from there while the handler
    /// stays silent (it does not write this back).
    /// </summary>
    public DateTimeOffset? NextProgressReportAt { get; set; }

    /// <summary>Working days and reason of an extension request awaiting the officer (申请延期).</summary>
    public int? PendingExtensionDays { get; set; }

    public string? PendingExtensionReason { get; set; }

    public string? ReturnReasonCode { get; set; }

    public int ReturnCount { get; set; }

    public int ExtensionCount { get; set; }

    public int ReopenCount { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The workflow instance routing this case.</summary>
    public Guid? WorkflowInstanceId { get; set; }

    /// <summary>Message-ID of the case's first email; every later email threads under it.</summary>
    public string? ThreadRootMessageId { get; set; }

    /// <summary>The officer who opened the case and follows it (全程代办).</summary>
    public required string OfficerId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token.</summary>
    public uint RowVersion { get; set; }

    public List<CaseEvent> Timeline { get; set; } = [];
}

public sealed class Enterprise
{
    public required string Name { get; set; }

    /// <summary>统一社会信用代码, 18 characters, GB 32100-2015.</summary>
    public required string CreditCode { get; set; }

    public string? Contact { get; set; }

    /// <summary>One of the zone's key enterprises (重点企业).</summary>
    public bool IsKey { get; set; }

    /// <summary>The chief service officer (首席服务员) looking after a key enterprise.</summary>
    public string? ChiefServiceOfficer { get; set; }
}

public enum CasePriority
{
    Normal,
    Urgent,
}

public enum CaseStatus
{
    Dispatched,
    Accepted,
    InProgress,
    Returned,
    Resolved,
    Closed,
    Cancelled,
}

/// <summary>One entry of a case's timeline: who did what, when, with an optional note.</summary>
public sealed class CaseEvent
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Machine name of the event, e.g. <c>dispatched</c>, <c>accepted</c>, <c>email-sent</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>Who: an officer's email, a liaison's email, or <c>system</c>/<c>workflow</c>.</summary>
    public required string Actor { get; set; }

    public string? Note { get; set; }

    /// <summary>Extra structured detail as JSON (deadline computation, reason code, …).</summary>
    public string? Data { get; set; }

    /// <summary>League-table scoring (LeagueTable.Score): the department whose round this entry belongs to; null when not scored.</summary>
    public string? DepartmentCode { get; set; }

    /// <summary>Scoring: when that round was dispatched.</summary>
    public DateTimeOffset? RoundStartedAt { get; set; }

    /// <summary>The co-handler's part (joint case) this entry belongs to; null for the lead's and the case's entries.</summary>
    public long? PartId { get; set; }

    /// <summary>Scoring: an acceptance or resolution within that round's deadline as dispatched; null for other entries.</summary>
    public bool? OnTime { get; set; }

    /// <summary>
    /// Scoring, for a dispatch or a resolution: when the next one of the same kind was written for the same case and
    /// department (null while this is the latest), so "the last one in a period" is a filter, not a sort.
    /// </summary>
    public DateTimeOffset? NextSameAt { get; set; }
}
