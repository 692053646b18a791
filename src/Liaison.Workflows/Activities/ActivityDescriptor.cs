using System.Text.Json.Serialization;

namespace Liaison.Workflows.Activities;

/// <summary>What the designer's palette shows for one activity type; derived from the class once.</summary>
public sealed record ActivityDescriptor(
    string Type,
    string Category,
    LocalizedText DisplayName,
    string Description,
    IReadOnlyList<InputDescriptor> Inputs,
    IReadOnlyList<string> Outcomes)
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
                Text(i, "description"), null))
            .ToList();
        var name = string.IsNullOrWhiteSpace(d.Name) ? d.DefinitionId : d.Name;
        return new ActivityDescriptor(d.DefinitionId, "Workflows", new LocalizedText(name, name), d.Description ?? "", inputs,
            // Done too: a child that ends without Elsa.Complete continues its node along Done.
            [.. d.DeclaredOutcomes.Append(Activity.Done).Distinct(StringComparer.Ordinal), Composition.ChildWorkflowActivity.Faulted, Composition.ChildWorkflowActivity.Cancelled])
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
    string Description,
    object? DefaultValue);

/// <summary>Chinese and English text, serialised as <c>{"zh-CN": …, "en": …}</c>.</summary>
public sealed record LocalizedText(
    [property: JsonPropertyName("zh-CN")] string ZhCn,
    [property: JsonPropertyName("en")] string En);
