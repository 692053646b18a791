namespace Liaison.Cases.Notifications;

/// <summary>
/// The emails a case sends, one template set each. The recipient is in brackets;
/// the host picks who gets which, the template only words it.
/// </summary>
public static class CaseMailKind
{
    /// <summary>(handler) New case sent to you (派单), with the action link, accept-by and due dates.</summary>
    public const string Dispatch = "dispatch";

    /// <summary>(leader) For-your-information copy of a new case, with a read-only link.</summary>
    public const string DispatchLeaderCopy = "dispatch-leader-copy";

    /// <summary>(handler, cc leader) Not yet accepted (签收) at the acceptance deadline.</summary>
    public const string AcceptReminder = "accept-reminder";

    /// <summary>(handler) Yellow: one working day before the resolve deadline.</summary>
    public const string DueReminder = "due-reminder";

    /// <summary>(handler and leader) Red: the resolve deadline has passed.</summary>
    public const string Overdue = "overdue";

    /// <summary>(zone leadership and the officer) N working days overdue, escalated to the zone (督办).</summary>
    public const string EscalationZone = "escalation-zone";

    /// <summary>(handler) A long-running case needs its periodic progress note.</summary>
    public const string ProgressReportDue = "progress-report-due";

    /// <summary>(officer) The handler returned the case (退回) with a reason code and note.</summary>
    public const string Returned = "returned";

    /// <summary>(officer) The handler asks for more days (申请延期), with a reason.</summary>
    public const string ExtensionRequested = "extension-requested";

    /// <summary>(handler) The officer approved the extension (new due date) or denied it.</summary>
    public const string ExtensionDecided = "extension-decided";

    /// <summary>(officer) The handler says the case is done (办结); please confirm or reopen.</summary>
    public const string Resolved = "resolved";

    /// <summary>(handler) The officer reopened the case (重办) with a reason and a new due date.</summary>
    public const string Reopened = "reopened";

    /// <summary>(previous handler) The case was reassigned (改派) away from you; your old link no longer works.</summary>
    public const string ReassignedAway = "reassigned-away";

    /// <summary>(handler) The officer cancelled the case (撤销).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>(handler) Your department's leader asks you to act on the case.</summary>
    public const string LeaderReminder = "leader-reminder";

    /// <summary>(handler) The officer confirmed the resolution; the case is closed (销号).</summary>
    public const string Closed = "closed";

    public static IReadOnlyList<string> All { get; } =
    [
        Dispatch, DispatchLeaderCopy, AcceptReminder, DueReminder, Overdue, EscalationZone, ProgressReportDue,
        Returned, ExtensionRequested, ExtensionDecided, Resolved, Reopened, ReassignedAway, Cancelled,
        LeaderReminder, Closed,
    ];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);
}
