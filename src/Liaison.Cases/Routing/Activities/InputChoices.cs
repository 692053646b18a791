using Liaison.Cases.Cases;
using Liaison.Cases.Notifications;
using Liaison.Workflows.Activities;

namespace Liaison.Cases.Routing.Activities;

/// <summary>The case statuses <see cref="SetCaseStatus"/> knows, by the names a workflow writes them with.</summary>
public sealed class CaseStatusChoices : IInputChoices
{
    public IReadOnlyList<string> Values { get; } = Enum.GetValues<CaseStatus>().Select(CaseStatuses.Name).ToList();

    public bool Several => false;

    public IReadOnlyList<string> Unknown(string literal) => CaseStatuses.TryParse(literal, out _) ? [] : [literal];
}

/// <summary>The case mail kinds a workflow may send (<see cref="CaseMailKind.SentByWorkflows"/>).</summary>
public sealed class MailKindChoices : IInputChoices
{
    public IReadOnlyList<string> Values => CaseMailKind.SentByWorkflows;

    public bool Several => false;

    public IReadOnlyList<string> Unknown(string literal) => CaseMailKind.WorkflowMaySend(literal.Trim()) ? [] : [literal];
}

/// <summary>Who a case mail may go to, one or several (<see cref="Audiences"/>).</summary>
public sealed class AudienceChoices : IInputChoices
{
    public IReadOnlyList<string> Values => Audiences.All;

    public bool Several => true;

    public IReadOnlyList<string> Unknown(string literal) => Audiences.Unknown(literal);
}

/// <summary>What <see cref="WaitForOfficer"/> may wait for the officer to decide.</summary>
public sealed class OfficerDecisionChoices : IInputChoices
{
    public IReadOnlyList<string> Values => WaitForOfficer.Decisions;

    public bool Several => false;

    public IReadOnlyList<string> Unknown(string literal) => WaitForOfficer.Decisions.Contains(literal, StringComparer.Ordinal) ? [] : [literal];
}
