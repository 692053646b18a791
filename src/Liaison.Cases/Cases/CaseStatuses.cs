using System.Linq.Expressions;
using Liaison.Cases.Common;

namespace Liaison.Cases.Cases;

/// <summary>
/// What each state means (DESIGN §2): its API name, its words, and the groups the product asks about: open, with the
/// handler, running late. The groups are arrays and expressions so EF Core translates them into SQL.
/// </summary>
public static class CaseStatuses
{
    private static readonly Dictionary<string, CaseStatus> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["dispatched"] = CaseStatus.Dispatched,
        ["accepted"] = CaseStatus.Accepted,
        ["in-progress"] = CaseStatus.InProgress,
        ["returned"] = CaseStatus.Returned,
        ["resolved"] = CaseStatus.Resolved,
        ["closed"] = CaseStatus.Closed,
        ["cancelled"] = CaseStatus.Cancelled,
    };

    /// <summary>Every state, in lifecycle order.</summary>
    public static IReadOnlyList<CaseStatus> All { get; } = Enum.GetValues<CaseStatus>();

    /// <summary>The case has ended: confirmed and closed (销号) or cancelled (撤销).</summary>
    public static readonly CaseStatus[] Ended = [CaseStatus.Closed, CaseStatus.Cancelled];

    /// <summary>Not ended yet; someone still has to act.</summary>
    public static readonly CaseStatus[] Open = [CaseStatus.Dispatched, CaseStatus.Accepted, CaseStatus.InProgress, CaseStatus.Returned, CaseStatus.Resolved];

    /// <summary>The department's handler holds the case: to accept it, or to work it.</summary>
    public static readonly CaseStatus[] WithHandler = [CaseStatus.Dispatched, CaseStatus.Accepted, CaseStatus.InProgress];

    /// <summary>The resolve clock runs (with the handler, or returned and waiting for the officer): the case can be overdue.</summary>
    public static readonly CaseStatus[] ClockRunning = [CaseStatus.Dispatched, CaseStatus.Accepted, CaseStatus.InProgress, CaseStatus.Returned];

    public static bool TryParse(string? name, out CaseStatus status) => ByName.TryGetValue(name?.Trim() ?? "", out status);

    public static string Name(CaseStatus status) => ByName.First(p => p.Value == status).Key;

    public static bool IsOpen(CaseStatus status) => Open.Contains(status);

    public static bool IsWithHandler(CaseStatus status) => WithHandler.Contains(status);

    /// <summary>Past its resolve deadline while the clock runs, as a query EF Core translates.</summary>
    public static Expression<Func<Case, bool>> OverdueAt(DateTimeOffset now) =>
        c => ClockRunning.Contains(c.Status) && c.DueAt < now;

    /// <summary>Not overdue at <paramref name="now"/>: the exact complement of <see cref="OverdueAt"/>.</summary>
    public static Expression<Func<Case, bool>> NotOverdueAt(DateTimeOffset now) =>
        c => !(ClockRunning.Contains(c.Status) && c.DueAt < now);

    /// <summary>The same rule as <see cref="OverdueAt"/>, for a case in memory.</summary>
    public static bool IsOverdue(Case c, DateTimeOffset now) => ClockRunning.Contains(c.Status) && c.DueAt < now;

    public static Text Label(CaseStatus status) => status switch
    {
        CaseStatus.Dispatched => new("已派单，待签收", "dispatched, waiting to be accepted"),
        CaseStatus.Accepted => new("已签收", "accepted"),
        CaseStatus.InProgress => new("办理中", "in progress"),
        CaseStatus.Returned => new("已退回", "returned"),
        CaseStatus.Resolved => new("已办结，待确认", "resolved, waiting for confirmation"),
        CaseStatus.Closed => new("已销号", "closed"),
        CaseStatus.Cancelled => new("已撤销", "cancelled"),
        _ => new(status.ToString(), status.ToString()),
    };

    public static Text Label(CasePriority priority) => priority == CasePriority.Urgent ? new("紧急", "urgent") : new("普通", "normal");
}
