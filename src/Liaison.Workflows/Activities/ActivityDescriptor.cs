using System.Text.Json.Serialization;

namespace Liaison.Workflows.Activities;

/// <summary>What the designer's palette shows for one activity type; derived from the class once.</summary>
public sealed record ActivityDescriptor(
    string Type,
    string Category,
    LocalizedText DisplayName,
    string Description,
    IReadOnlyList<InputDescriptor> Inputs,
    IReadOnlyList<string> Outcomes);

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
