namespace Liaison.Cases.Enterprises;

/// <summary>
/// A visit (走访) to an enterprise by officers of its service squad (or any officer): when, who went, what they found,
/// and the problems found, each of which may become a case.
/// </summary>
public sealed class EnterpriseVisit
{
    public long Id { get; set; }

    public long EnterpriseId { get; set; }

    /// <summary>The local (zone) day of the visit; never in the future when logged.</summary>
    public DateOnly VisitedOn { get; set; }

    /// <summary>What was found (走访情况), as written.</summary>
    public required string Findings { get; set; }

    /// <summary>The officer account that logged it (always among <see cref="Officers"/>).</summary>
    public required string LoggedById { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The id the logging form (or API call) sent with it, unique: the same form sent twice (a double tap, a resend after
    /// a lost answer) logs one visit.
    /// </summary>
    public Guid? RequestId { get; set; }

    /// <summary>Who went.</summary>
    public List<VisitOfficer> Officers { get; set; } = [];

    public List<VisitProblem> Problems { get; set; } = [];

    public const int MaxProblems = 20;

    public const int MaxOfficers = 20;

    public const int MaxFindingsLength = 4000;
}

/// <summary>An officer who went on a visit.</summary>
public sealed class VisitOfficer
{
    public long VisitId { get; set; }

    public required string OfficerId { get; set; }
}

/// <summary>
/// A problem found on a visit (走访发现的问题). It raises at most one case (<see cref="CaseId"/>); the department and
/// category it should go to may be named when it is logged, or chosen when the case is opened.
/// </summary>
public sealed class VisitProblem
{
    public long Id { get; set; }

    public long VisitId { get; set; }

    /// <summary>Keeps the order the problems were entered in.</summary>
    public int Position { get; set; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public string? DepartmentCode { get; set; }

    public string? Category { get; set; }

    /// <summary>The case it raised, set in that case's opening transaction; null until then.</summary>
    public long? CaseId { get; set; }

    /// <summary>Both a department and a category are named: one click opens and dispatches its case.</summary>
    public bool ReadyToDispatch => DepartmentCode is not null && Category is not null;
}

/// <summary>Where a key enterprise stands against its visit cadence on a given local day.</summary>
/// <param name="NextDueOn">The day the next visit is due (last visit + cadence); null when never visited (due now).</param>
/// <param name="OverdueDays">Days past <paramref name="NextDueOn"/> when due (0: due today); null when not due or never visited.</param>
public sealed record VisitCadenceStatus(DateOnly? LastVisitedOn, DateOnly? NextDueOn, bool Due, int? OverdueDays)
{
    /// <summary>
    /// A key enterprise's visit is due when it has never been visited or its last visit + cadence is on or before
    /// <paramref name="today"/>. Other enterprises have no cadence and are never due.
    /// </summary>
    public static VisitCadenceStatus Of(bool isKey, DateOnly? lastVisitedOn, int everyDays, DateOnly today)
    {
        var next = lastVisitedOn?.AddDays(everyDays);
        if (!isKey)
        {
            return new VisitCadenceStatus(lastVisitedOn, null, false, null);
        }

        var due = next is not { } n || n <= today;
        return new VisitCadenceStatus(lastVisitedOn, next, due, due && next is { } d ? today.DayNumber - d.DayNumber : null);
    }
}
