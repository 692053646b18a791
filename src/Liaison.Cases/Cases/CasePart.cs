using Liaison.Cases.Common;

namespace Liaison.Cases.Cases;

/// <summary>
/// A co-handling department's part of a joint case (协办): its own handler, round, deadlines, links and workflow
/// (a child of the case's routing workflow). The lead department (主办) stays on the case itself.
/// </summary>
public sealed class CasePart : IAssignment
{
    /// <summary>At most this many co-handlers on one case (the zone has 29 departments, one of them leads).</summary>
    public const int MaxPerCase = 28;

    public const int MaxTaskLength = 500;

    public const int MaxAttachmentsLength = 4000;

    public long Id { get; set; }

    public long CaseId { get; set; }

    public required string DepartmentCode { get; set; }

    /// <summary>What the officer asks of this department (e.g. 请核实用地红线); optional.</summary>
    public string? Task { get; set; }

    public PartStatus Status { get; set; }

    /// <summary>Increments on every dispatch of the part; its links are bound to one round.</summary>
    public int AssignmentRound { get; set; }

    public string HandlerName { get; set; } = "";

    public string HandlerEmail { get; set; } = "";

    public string HandlerCulture { get; set; } = "zh-CN";

    public string? LeaderName { get; set; }

    public string? LeaderEmail { get; set; }

    public string LeaderCulture { get; set; } = "zh-CN";

    public DateTimeOffset? AcceptBy { get; set; }

    /// <summary>The part's submit deadline (the lead's resolve deadline minus the category's lead time).</summary>
    public DateTimeOffset? DueAt { get; set; }

    public DateTimeOffset? OriginalDueAt { get; set; }

    public DateTimeOffset? RoundStartedAt { get; set; }

    public DateTimeOffset? RoundAcceptBy { get; set; }

    public bool RoundAcceptMissed { get; set; }

    public bool Provisional { get; set; }

    public string? AcceptByBasis { get; set; }

    public string? DueAtBasis { get; set; }

    public DateTimeOffset? NextProgressReportAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>协办意见: the co-handler's contribution.</summary>
    public string? SubmissionNote { get; set; }

    /// <summary>Attachments as links or text, one per line.</summary>
    public string? SubmissionAttachments { get; set; }

    /// <summary>Why the part ended without a submission (the lead resolved over it, or the officer dropped it, with this reason).</summary>
    public string? EndedReason { get; set; }

    /// <summary>Working days the co-handler asked for in an extension request awaiting the officer (申请延期); null: none pending.</summary>
    public int? PendingExtensionDays { get; set; }

    public string? PendingExtensionReason { get; set; }

    /// <summary>How many extension requests the co-handler made (as the case's <see cref="Case.ExtensionCount"/> for the lead).</summary>
    public int ExtensionCount { get; set; }

    /// <summary>The part's child workflow instance.</summary>
    public Guid? WorkflowInstanceId { get; set; }

    /// <summary>Message-ID of the part's first email: the department's mails on this case thread under it.</summary>
    public string? ThreadRootMessageId { get; set; }

    /// <summary>The department currently holding the part (scoring reads it like the case's round department).</summary>
    public string? RoundDepartmentCode => AssignmentRound > 0 ? DepartmentCode : null;

    /// <summary>The statuses in which a part still waits for its department (to accept, work or submit it).</summary>
    public static readonly PartStatus[] OpenStatuses = [PartStatus.Dispatched, PartStatus.Accepted, PartStatus.InProgress];

    /// <summary>The part still waits for its department (to accept, work or submit it).</summary>
    public bool IsOpen => OpenStatuses.Contains(Status);

    /// <summary>
    /// Late (超期): still open past its acceptance deadline without being accepted, or past its submit deadline.
    /// </summary>
    public bool IsLate(DateTimeOffset now) =>
        IsOpen && ((Status == PartStatus.Dispatched && AcceptBy < now) || DueAt < now);

    /// <summary>
    /// When the part turns silent if it stays as it is: past its acceptance deadline still unaccepted, or past its submit
    /// deadline still not in (the moments <see cref="IsLate"/> is counted from). Null when it has no deadline to pass.
    /// </summary>
    public DateTimeOffset? LateFrom => Status == PartStatus.Dispatched && AcceptBy is { } acceptBy && !(DueAt < acceptBy) ? acceptBy : DueAt;

    /// <summary>
    /// The lead may resolve the case over this part (先行办结, DESIGN: "over a silent co-handler"): the part is late
    /// (<see cref="IsLate"/>), its department handed it back (returned, waiting for the officer), or it was never
    /// dispatched (no department heard of it). A part accepted and within its time is not silent: resolving over it would
    /// record a reason against a department that has done nothing wrong; the officer may still drop it (撤回协办).
    /// </summary>
    public bool MayBeResolvedOver(DateTimeOffset now) =>
        Status == PartStatus.Returned || (IsOpen && (AssignmentRound == 0 || LateFrom is null || IsLate(now)));

    /// <summary>The part's status as the lead sees it at <paramref name="now"/>: 超期 in front when it is late.</summary>
    public Text LabelAt(DateTimeOffset now) => Label(Status, IsLate(now));

    /// <summary>A status with 超期 in front when the part is late (see <see cref="IsLate"/>).</summary>
    public static Text Label(PartStatus status, bool late)
    {
        var label = Label(status);
        return late ? new($"超期（{label.Zh}）", $"late ({label.En})") : label;
    }

    /// <summary>
    /// The part still stands between the lead and resolving the case: with its department, or returned (退回) and
    /// waiting for the officer to reassign or drop it.
    /// </summary>
    public bool IsUnfinished => IsOpen || Status == PartStatus.Returned;

    /// <summary>The statuses of <see cref="IsUnfinished"/>, for queries.</summary>
    public static readonly PartStatus[] Unfinished = [PartStatus.Dispatched, PartStatus.Accepted, PartStatus.InProgress, PartStatus.Returned];

    /// <summary>
    /// The statuses of a part whose department may be asked again when the case is handled again (重办): its part was
    /// in when the lead resolved (submitted, or resolved over). A dropped part was ended on purpose; a returned one was
    /// handed back by its department (one resolved over after its return is left out too: CaseService.AskableAgain). The officer's reopening and the follow-up case of an unsatisfied rating both go by it.
    /// </summary>
    public static readonly PartStatus[] AskableAgain = [PartStatus.Submitted, PartStatus.Overridden];

    /// <summary>The part as the case workflow's activities see it: a case status (submitted reads as resolved).</summary>
    public CaseStatus AsCaseStatus => Status switch
    {
        PartStatus.Dispatched => CaseStatus.Dispatched,
        PartStatus.Accepted => CaseStatus.Accepted,
        PartStatus.InProgress => CaseStatus.InProgress,
        PartStatus.Returned => CaseStatus.Returned,
        PartStatus.Submitted => CaseStatus.Resolved,
        _ => CaseStatus.Closed,
    };

    /// <summary>The part status a case activity's status means for a part; null when it has no meaning there.</summary>
    public static PartStatus? FromCaseStatus(CaseStatus status) => status switch
    {
        CaseStatus.Dispatched => PartStatus.Dispatched,
        CaseStatus.Accepted => PartStatus.Accepted,
        CaseStatus.InProgress => PartStatus.InProgress,
        CaseStatus.Returned => PartStatus.Returned,
        CaseStatus.Resolved => PartStatus.Submitted,
        _ => null,
    };

    /// <summary>The status's API name: dispatched, accepted, in-progress, returned, submitted, overridden, dropped.</summary>
    public static string Name(PartStatus status) => status == PartStatus.InProgress ? "in-progress" : status.ToString().ToLowerInvariant();

    public static Text Label(PartStatus status) => status switch
    {
        PartStatus.Dispatched => new("待签收", "awaiting acceptance"),
        PartStatus.Accepted => new("已签收", "accepted"),
        PartStatus.InProgress => new("办理中", "in progress"),
        PartStatus.Returned => new("已退回", "returned"),
        PartStatus.Submitted => new("已提交", "submitted"),
        PartStatus.Overridden => new("主办已办结（未提交）", "not submitted; the lead resolved the case"),
        _ => new("已撤回", "dropped"),
    };
}

public enum PartStatus
{
    Dispatched,
    Accepted,
    InProgress,
    Returned,
    Submitted,
    /// <summary>The lead resolved the case without this part, with a reason recorded against it.</summary>
    Overridden,
    /// <summary>The officer dropped the part (撤回协办), or cancelled the case while the part was unfinished.</summary>
    Dropped,
}

/// <summary>
/// One department's assignment on a case: the lead's (on the case itself) or a co-handler's (a <see cref="CasePart"/>).
/// Dispatch, mail, links and scoring work on either the same way.
/// </summary>
public interface IAssignment
{
    string HandlerName { get; set; }

    string HandlerEmail { get; set; }

    string HandlerCulture { get; set; }

    string? LeaderName { get; set; }

    string? LeaderEmail { get; set; }

    string LeaderCulture { get; set; }

    /// <summary>Increments on every (re)dispatch; links are bound to one round.</summary>
    int AssignmentRound { get; set; }

    /// <summary>The department holding the current round as dispatched (scoring).</summary>
    string? RoundDepartmentCode { get; }

    DateTimeOffset? AcceptBy { get; set; }

    DateTimeOffset? DueAt { get; set; }

    DateTimeOffset? OriginalDueAt { get; set; }

    DateTimeOffset? RoundStartedAt { get; set; }

    DateTimeOffset? RoundAcceptBy { get; set; }

    /// <summary>The round's acceptance deadline passed before it was accepted: scored once (<see cref="CaseEventKinds.AcceptOverdue"/>).</summary>
    bool RoundAcceptMissed { get; set; }

    DateTimeOffset? NextProgressReportAt { get; set; }

    bool Provisional { get; set; }

    string? AcceptByBasis { get; set; }

    string? DueAtBasis { get; set; }

    /// <summary>Message-ID of this assignment's first mail; its later mails thread under it.</summary>
    string? ThreadRootMessageId { get; set; }
}
