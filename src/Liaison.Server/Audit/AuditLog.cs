using System.Text.Json;
using Liaison.Server.Data;
using Liaison.Workflows.Definitions;

namespace Liaison.Server.Audit;

/// <summary>
/// Adds entries to the change log (<see cref="AuditEntry"/>), appended (never tracked) to the caller's unit of work: the
/// next SaveChanges writes it in the same transaction as the change, so it commits with the change or not at all.
/// </summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Records <paramref name="action"/> on <paramref name="subject"/>. An update that changed nothing
    /// (<paramref name="changes"/> given and empty) records nothing: saving an unchanged form is not a change.
    /// </summary>
    public static void Add(LiaisonDbContext db, TimeProvider clock, Actor actor, string action, string subject, AuditChanges? changes = null)
    {
        if (changes is { IsEmpty: true } && !changes.RecordEmpty)
        {
            return;
        }

        db.Append(new AuditEntry
        {
            At = clock.GetUtcNow(),
            ActorId = actor.Id,
            Actor = Truncate(actor.Name, 256),
            Action = action,
            Subject = Truncate(subject, 300),
            Changes = JsonSerializer.Serialize(changes?.List ?? [], Json),
        });
    }

    public static IReadOnlyList<AuditChange> ReadChanges(string json) => JsonSerializer.Deserialize<List<AuditChange>>(json, Json) ?? [];

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>The fields a change touched, each once, in the order they were compared.</summary>
public sealed class AuditChanges
{
    private const int MaxValue = 500;

    internal List<AuditChange> List { get; } = [];

    public bool IsEmpty => List.Count == 0;

    /// <summary>
    /// Records the entry even with no field listed: for actions that are changes in themselves (publishing a version,
    /// resetting a template, ending sessions).
    /// </summary>
    public bool RecordEmpty { get; init; }

    /// <summary>Adds <paramref name="field"/> when its text before and after differ.</summary>
    public AuditChanges Field(string field, object? from, object? to)
    {
        var (a, b) = (Show(from), Show(to));
        if (a != b)
        {
            List.Add(new AuditChange(field, a, b));
        }

        return this;
    }

    /// <summary>
    /// Adds what changed between two versions of a workflow (<see cref="WorkflowDiff"/>): the first
    /// <see cref="MaxWorkflowChanges"/>, then how many more (<c>more</c>); <c>layout</c> when only the designer's layout
    /// moved. Nothing when <paramref name="before"/> is null (a first version).
    /// </summary>
    public AuditChanges Workflow(WorkflowDefinition? before, WorkflowDefinition after)
    {
        if (before is null)
        {
            return this;
        }

        var changes = WorkflowDiff.Compare(before, after);
        foreach (var c in changes.Take(MaxWorkflowChanges))
        {
            Field(c.Field, c.Before, c.After);
        }

        Field(MoreField, null, changes.Count > MaxWorkflowChanges ? changes.Count - MaxWorkflowChanges : null);
        return changes.Count > 0 ? this
            : Changed(LayoutField, WorkflowDefinitionJson.Serialize(before, indented: false) != WorkflowDefinitionJson.Serialize(after, indented: false));
    }

    public const int MaxWorkflowChanges = 40;
    public const string MoreField = "more";
    public const string LayoutField = "layout";

    /// <summary>Adds <paramref name="field"/>, when it changed, without its values (a password, a template's source).</summary>
    public AuditChanges Changed(string field, bool changed)
    {
        if (changed)
        {
            List.Add(new AuditChange(field, null, null));
        }

        return this;
    }

    private static string? Show(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() is { Length: > MaxValue } s ? s[..MaxValue] + "…" : value.ToString(),
    };
}
