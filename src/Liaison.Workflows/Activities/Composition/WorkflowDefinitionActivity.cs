using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Expressions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

/// <summary>
/// A published workflow placed in another as an activity (Elsa: <c>options.usableAsActivity</c>). The node's
/// <c>type</c> is the child's definition id and it carries <c>workflowDefinitionId</c> and, once the parent is
/// published, the pinned <c>workflowDefinitionVersionId</c> and <c>version</c>. Its inputs are the child's declared
/// inputs; when the child finishes, its outputs become this activity's outputs and it continues along the child's
/// <c>Elsa.Complete</c> outcomes, or <c>Done</c>.
/// </summary>
[Activity(TypeName, Category = "Workflows", DisplayNameZh = "子流程", DisplayNameEn = "Workflow as activity",
    DescriptionZh = "把一个已发布的流程作为一个步骤运行（活动面板按名称列出每个可用的流程）。",
    DescriptionEn = "Runs a published workflow as one step (the palette lists each usable workflow by name).")]
[Outcomes(Done, Faulted, Cancelled)]
public sealed class WorkflowDefinitionActivity : ChildWorkflowActivity, IDynamicInputs, IDynamicOutcomes
{
    /// <summary>The registry name this class answers to; nodes name the child's definition id instead.</summary>
    public const string TypeName = "Elsa.WorkflowDefinitionActivity";

    public IDictionary<string, object?> DynamicInputs { get; } = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);

    public override void Execute(ActivityContext context)
    {
        var node = context.Definition;
        var definitionId = DefinitionIdOf(node)!;
        var latest = UsesLatest(node);
        context.StartChild(definitionId, latest ? null : VersionIdOf(node), latest ? null : VersionOf(node),
            new Dictionary<string, object?>(DynamicInputs, StringComparer.OrdinalIgnoreCase), null, wait: true);
    }

    protected override void OnChildFinished(ActivityContext context, ChildWorkflowResult result)
    {
        foreach (var (name, value) in result.Output) context.SetOutput(name, value);
        if (result.Outcomes.Count > 0) context.Complete([.. result.Outcomes]);
        else context.Complete();
    }

    /// <summary>Whatever the child can complete with: not known from the node alone, so any port is accepted.</summary>
    public IReadOnlyList<string>? OutcomesOf(ActivityNode node) => null;

    public static string? DefinitionIdOf(ActivityNode node) => Text(node.GetProperty("workflowDefinitionId"));

    public static string? VersionIdOf(ActivityNode node) => Text(node.GetProperty("workflowDefinitionVersionId"));

    public static int? VersionOf(ActivityNode node) =>
        node.GetProperty("version") is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    /// <summary>
    /// The node asks for the child's latest published version at each run instead of the version pinned at publish:
    /// <c>"useLatest": true</c> or <c>"version": "latest"</c> (on the node or in its customProperties).
    /// </summary>
    public static bool UsesLatest(ActivityNode node)
    {
        static bool Flag(JsonNode? n) => n is JsonValue v && (v.TryGetValue<bool>(out var b) && b
            || v.TryGetValue<string>(out var s) && (string.Equals(s, "latest", StringComparison.OrdinalIgnoreCase) || string.Equals(s, "true", StringComparison.OrdinalIgnoreCase)));
        if (Flag(node.GetProperty("useLatest")) || Text(node.GetProperty("version")) is "latest") return true;
        return node.GetProperty("customProperties") is JsonObject cp
               && cp.FirstOrDefault(kv => string.Equals(kv.Key, "useLatest", StringComparison.OrdinalIgnoreCase)).Value is { } flag && Flag(flag);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && ValueConverter.ToText(v) is { Length: > 0 } s ? s : null;
}
