using System.Globalization;

namespace Liaison.Cases.Cases;

/// <summary>
/// What an officer's decision is based on: the case (or a co-handler's part) as the officer saw it, said in a short
/// string that every transition changes and nothing else does. A (re)dispatch moves the round; accepting, returning,
/// resolving, reopening, confirming and cancelling move the state (and a reopen its count); an extension request moves
/// the count of requests, and its decision or withdrawal ends the pending request. A progress note does not (in
/// progress reads as accepted), nor an urge, a reminder, a note or a deadline recomputed. A decision sent with a basis
/// the case no longer has was made on a page someone else's decision has made stale, and is refused.
/// </summary>
/// <remarks>
/// Made of the row's own columns, so nothing has to remember to bump it: e.g. <c>2-accepted-0-1-pending</c> (round 2,
/// accepted or in progress, never reopened, one extension request, waiting for the officer). Clients send it back as
/// they read it.
/// </remarks>
public static class DecisionBasis
{
    public static string Of(Case c) => string.Create(CultureInfo.InvariantCulture,
        $"{c.AssignmentRound}-{Stage(c.Status)}-{c.ReopenCount}-{c.ExtensionCount}{Pending(c.PendingExtensionDays)}");

    public static string Of(CasePart p) => string.Create(CultureInfo.InvariantCulture,
        $"part-{p.AssignmentRound}-{(p.Status == PartStatus.InProgress ? CasePart.Name(PartStatus.Accepted) : CasePart.Name(p.Status))}-{p.ExtensionCount}{Pending(p.PendingExtensionDays)}");

    /// <summary>
    /// The timeline entries of a transition someone made (the person's own entry, not the workflow's dispatch or
    /// status entries that follow it): what a refused decision names as the latest change.
    /// </summary>
    public static readonly string[] TransitionKinds =
    [
        CaseActions.Accept, CaseActions.Return, CaseActions.Extension, CaseActions.Resolve, CaseActions.Submit,
        CaseEventKinds.Reassigned, CaseEventKinds.Insisted, CaseEventKinds.Confirmed, CaseEventKinds.Reopened, CaseEventKinds.Cancelled,
        CaseEventKinds.ExtensionApproved, CaseEventKinds.ExtensionDenied, CaseEventKinds.ExtensionWithdrawn,
        CaseEventKinds.PartOverridden, CaseEventKinds.PartDropped, CaseEventKinds.PartAdded,
    ];

    /// <summary>
    /// Whether <paramref name="basis"/> is spelled as <see cref="Of(Case)"/> (or, for a part, <see cref="Of(CasePart)"/>)
    /// spells one: anything else is the client's mistake (400), not a case that changed since (409).
    /// </summary>
    public static bool IsWellFormed(string basis, bool part) => (part ? PartShape : CaseShape).IsMatch(basis);

    private static readonly System.Text.RegularExpressions.Regex CaseShape =
        new(@"^[0-9]{1,9}-[a-z]+(-[a-z]+)*-[0-9]{1,9}-[0-9]{1,9}(-pending)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static readonly System.Text.RegularExpressions.Regex PartShape =
        new(@"^part-[0-9]{1,9}-[a-z]+(-[a-z]+)*-[0-9]{1,9}(-pending)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static string Stage(CaseStatus status) => CaseStatuses.Name(status == CaseStatus.InProgress ? CaseStatus.Accepted : status);

    private static string Pending(int? days) => days is null ? "" : "-pending";
}
