using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Notifications;
using Liaison.Workflows.Activities;

namespace Liaison.Cases.Routing.Activities;

/// <summary>The case statuses <see cref="SetCaseStatus"/> knows, by the names a workflow writes them with.</summary>
public sealed class CaseStatusChoices : IInputChoices
{
    public IReadOnlyList<string> Values { get; } = Enum.GetValues<CaseStatus>().Select(CaseStatuses.Name).ToList();

    public bool Several => false;

    public IReadOnlyList<string> Unknown(string literal) => CaseStatuses.TryParse(literal, out _) ? [] : [literal];

    public LocalizedText? Label(string value) => CaseStatuses.TryParse(value, out var status) ? CaseStatuses.Label(status).Localized() : null;
}

/// <summary>The case mail kinds a workflow may send (<see cref="CaseMailKind.SentByWorkflows"/>).</summary>
public sealed class MailKindChoices : IInputChoices
{
    public IReadOnlyList<string> Values => CaseMailKind.SentByWorkflows;

    public bool Several => false;

    public IReadOnlyList<string> Unknown(string literal) => CaseMailKind.WorkflowMaySend(literal.Trim()) ? [] : [literal];

    public LocalizedText? Label(string value) => CaseMailKind.Label(value).Localized();
}

/// <summary>Who a case mail may go to, one or several (<see cref="Audiences"/>).</summary>
public sealed class AudienceChoices : IInputChoices
{
    public IReadOnlyList<string> Values => Audiences.All;

    public bool Several => true;

    public IReadOnlyList<string> Unknown(string literal) => Audiences.Unknown(literal);

    public LocalizedText? Label(string value) => Audiences.Label(value).Localized();
}

/// <summary>What <see cref="WaitForOfficer"/> may wait for the officer to decide.</summary>
public sealed class OfficerDecisionChoices : IInputChoices
{
    public IReadOnlyList<string> Values => WaitForOfficer.Decisions;

    public bool Several => false;

    public IReadOnlyList<string> Unknown(string literal) => WaitForOfficer.Decisions.Contains(literal, StringComparer.Ordinal) ? [] : [literal];

    public LocalizedText? Label(string value) => WaitForOfficer.DecisionLabel(value).Localized();
}

file static class TextExtensions
{
    /// <summary>The domain's phrase as the designer's descriptors carry it.</summary>
    public static LocalizedText Localized(this Text text) => new(text.Zh, text.En);
}
