using System.Text.Json.Serialization;

namespace Liaison.Workflows.Activities;

/// <summary>
/// What the designer's palette shows for one activity type; derived from the class once. <see cref="OutcomeLabels"/>
/// names outcomes for people (the ports keep their identifiers): the static ones and those a configuration may give,
/// such as a switch's Default.
/// </summary>
public sealed record ActivityDescriptor(
    string Type,
    string Category,
    LocalizedText DisplayName,
    LocalizedText Description,
    IReadOnlyList<InputDescriptor> Inputs,
    IReadOnlyList<string> Outcomes,
    IReadOnlyDictionary<string, LocalizedText> OutcomeLabels)
{
    /// <summary>For a workflow used as an activity: the definition a new node runs (written as its <c>workflowDefinitionId</c>).</summary>
    public string? WorkflowDefinitionId { get; init; }

    /// <summary>For a workflow used as an activity: the published version a new node is pinned to.</summary>
    public string? WorkflowDefinitionVersionId { get; init; }

    public int? Version { get; init; }

    /// <summary>A published workflow marked usable as an activity, as the palette shows it under "Workflows".</summary>
    public static ActivityDescriptor ForWorkflow(Definitions.WorkflowDefinition d)
    {
        static string Text(System.Text.Json.Nodes.JsonObject o, string name) =>
            Expressions.ValueConverter.ToText(o[name]) ?? "";
        var inputs = d.DeclaredInputs
            .Where(i => Text(i, "name").Length > 0)
            .Select(i => new InputDescriptor(Text(i, "name"), Text(i, "type") is { Length: > 0 } t ? t : "Object", false,
                new LocalizedText(Text(i, "displayName") is { Length: > 0 } n ? n : Text(i, "name"), Text(i, "displayName") is { Length: > 0 } m ? m : Text(i, "name")),
                new LocalizedText(Text(i, "description"), Text(i, "description")), null))
            .ToList();
        var name = string.IsNullOrWhiteSpace(d.Name) ? d.DefinitionId : d.Name;
        // The workflow's own outcomes are named by its author; Done, Faulted and Cancelled as every child activity names them.
        return new ActivityDescriptor(d.DefinitionId, "Workflows", new LocalizedText(name, name), new LocalizedText(d.Description ?? "", d.Description ?? ""), inputs,
            // Done too: a child that ends without Elsa.Complete continues its node along Done.
            [.. d.DeclaredOutcomes.Append(Activity.Done).Distinct(StringComparer.Ordinal), Composition.ChildWorkflowActivity.Faulted, Composition.ChildWorkflowActivity.Cancelled],
            OutcomeLabel.Of(typeof(Composition.WorkflowDefinitionActivity)))
        {
            WorkflowDefinitionId = d.DefinitionId,
            WorkflowDefinitionVersionId = d.Id,
            Version = d.Version,
        };
    }
}

public sealed record InputDescriptor(
    string Name,
    string TypeName,
    bool Required,
    LocalizedText DisplayName,
    LocalizedText Description,
    object? DefaultValue)
{
    /// <summary>The values a literal may take (<see cref="InputAttribute.Choices"/>); null when any value goes.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>A literal may name several of <see cref="Choices"/>, separated by commas.</summary>
    public bool SeveralChoices { get; init; }

    /// <summary>
    /// What each of <see cref="Choices"/> means, by value (<see cref="IInputChoices.Label"/>), for the designer to show
    /// beside it; a value without one speaks for itself. Null when none has a label.
    /// </summary>
    public IReadOnlyDictionary<string, LocalizedText>? ChoiceLabels { get; init; }
}

/// <summary>Chinese and English text, serialised as <c>{"zh-CN": …, "en": …}</c>.</summary>
public sealed record LocalizedText(
    [property: JsonPropertyName("zh-CN")] string ZhCn,
    [property: JsonPropertyName("en")] string En);

/// <summary>Reads the <see cref="OutcomeLabelAttribute"/>s of an activity class and the classes it derives from.</summary>
public static class OutcomeLabel
{
    /// <summary>Each labelled outcome constant of <paramref name="activityType"/> (own or inherited, such as Done), by its value.</summary>
    public static IReadOnlyDictionary<string, LocalizedText> Of(Type activityType)
    {
        var labels = new Dictionary<string, LocalizedText>(StringComparer.Ordinal);
        // Walk from the class up, so a class may relabel an outcome it inherits.
        for (var t = activityType; t != null && t != typeof(object); t = t.BaseType)
        {
            foreach (var f in t.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly))
            {
                if (f.IsLiteral && f.FieldType == typeof(string) && f.GetCustomAttributes(typeof(OutcomeLabelAttribute), false) is [OutcomeLabelAttribute a, ..])
                    labels.TryAdd((string)f.GetRawConstantValue()!, new LocalizedText(a.Zh, a.En));
            }
        }
        return labels;
    }
}
