using Liaison.Cases.Routing.Activities;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing;

public static class CaseRoutingActivities
{
    /// <summary>Adds the <c>Liaison.*</c> activities to the engine's registry (and so to the designer's palette).</summary>
    public static ActivityRegistry AddCaseActivities(this ActivityRegistry registry) => registry
        .Register<Dispatch>()
        .Register<DispatchParts>()
        .Register<WaitForLiaison>()
        .Register<WaitForOfficer>()
        .Register<SetCaseStatus>()
        .Register<Notify>()
        .Register<Escalate>()
        .Register<ExtendDeadline>()
        .Register<Reopen>();

    /// <summary>
    /// The bookmark waits for a person: the handler's action or the officer's decision (not one of their deadline
    /// timers). A test run leaves those waiting rather than inventing what the person would do.
    /// </summary>
    public static bool WaitsForAPerson(Bookmark bookmark) =>
        bookmark.Kind is WaitForLiaison.BookmarkKind or WaitForOfficer.BookmarkKind;
}
