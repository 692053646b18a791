namespace Liaison.Workflows.Runtime;

/// <summary>
/// Something the host must do after committing the run (send mail, write a timeline entry, …). Activities never
/// do I/O themselves; the domain adds its own effect types.
/// </summary>
public interface IWorkflowEffect
{
    /// <summary>Activity that produced the effect.</summary>
    string ActivityId { get; }
}

/// <summary>An email for the outbox (from <c>Elsa.SendEmail</c>).</summary>
public sealed record OutboxEmail(
    string ActivityId,
    string? From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    string? Subject,
    string? Body) : IWorkflowEffect;
