using Liaison.Cases.Routing.Activities;
using Liaison.Workflows.Activities;

namespace Liaison.Cases.Routing;

public static class CaseRoutingActivities
{
    /// <summary>Adds the <c>Liaison.*</c> activities to the engine's registry (and so to the designer's palette).</summary>
    public static ActivityRegistry AddCaseActivities(this ActivityRegistry registry) => registry
        .Register<Dispatch>()
        .Register<WaitForLiaison>()
        .Register<WaitForOfficer>()
        .Register<SetCaseStatus>()
        .Register<Notify>()
        .Register<Escalate>()
        .Register<ExtendDeadline>()
        .Register<Reopen>();
}
