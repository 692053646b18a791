using Liaison.Cases.Cases;
using Liaison.Cases.Notifications;
using Liaison.Workflows.Activities;

namespace Liaison.Cases.Routing.Activities;

/// <summary>The case statuses <see cref="SetCaseStatus"/> knows, by the names a workflow writes them with.</summary>
public sealed class CaseStatusChoices : IInputChoices
{
    public IReadOnlyList<string> Values { get; } = Enum.GetValues<CaseStatus>().Select(CaseStatuses.Name).ToList();

    public bool Several => false;
}

/// <summary>The case mail kinds a workflow may send (<see cref="CaseMailKind.All"/>).</summary>
public sealed class MailKindChoices : IInputChoices
{
    public IReadOnlyList<string> Values => CaseMailKind.All;

    public bool Several => false;
}

/// <summary>Who a case mail may go to, one or several (<see cref="Audiences"/>).</summary>
public sealed class AudienceChoices : IInputChoices
{
    public IReadOnlyList<string> Values => Audiences.All;

    public bool Several => true;
}

/// <summary>What <see cref="WaitForOfficer"/> may wait for the officer to decide.</summary>
public sealed class OfficerDecisionChoices : IInputChoices
{
    public IReadOnlyList<string> Values => WaitForOfficer.Decisions;

    public bool Several => false;
}
