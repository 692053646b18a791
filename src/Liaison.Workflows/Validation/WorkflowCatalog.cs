using System.Text.Json.Nodes;
using Liaison.Workflows.Activities.Composition;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Expressions;

namespace Liaison.Workflows.Validation;

/// <summary>
/// The published workflows another workflow may run as children, by definition id: what the validator checks child
/// references against (they exist, are usable as activities, do not lead back to their parent) and what publishing
/// pins a parent's workflow activities to.
/// </summary>
public sealed class WorkflowCatalog
{
    private readonly Dictionary<string, WorkflowDefinition> _published = new(StringComparer.Ordinal);

    public WorkflowCatalog(IEnumerable<WorkflowDefinition> published)
    {
        foreach (var d in published) _published[d.DefinitionId] = d;
    }

    public WorkflowDefinition? Find(string definitionId) => _published.GetValueOrDefault(definitionId);

    public IEnumerable<WorkflowDefinition> UsableAsActivities => _published.Values.Where(d => d.UsableAsActivity).OrderBy(d => d.Name, StringComparer.Ordinal);

    /// <summary>
    /// The children a definition names: workflow activities (<c>workflowDefinitionId</c>), and ExecuteWorkflow /
    /// DispatchWorkflow whose definition id is a literal. Ids computed by a script cannot be known before they run.
    /// </summary>
    public static IEnumerable<(ActivityNode Node, string DefinitionId, bool AsActivity)> ChildReferences(WorkflowDefinition definition)
    {
        foreach (var node in definition.Root.Activities.SelectMany(n => (IEnumerable<ActivityNode>)[n, .. Runtime.WorkflowBodies.Descendants(n)]))
        {
            if (WorkflowDefinitionActivity.DefinitionIdOf(node) is { } id)
            {
                yield return (node, id, true);
                continue;
            }
            if (node.Type is not ("Elsa.ExecuteWorkflow" or "Elsa.DispatchWorkflow")) continue;
            if (node.Inputs.TryGetValue("workflowDefinitionId", out var input) && input.Expression is { Type: ExpressionTypes.Literal, Value: JsonValue v }
                && ValueConverter.ToText(v) is { Length: > 0 } literal)
                yield return (node, literal, false);
        }
    }

    /// <summary>Pins each workflow activity that does not ask for the latest version to the child's published version. True when a node changed.</summary>
    public bool PinChildren(WorkflowDefinition definition)
    {
        var changed = false;
        // Only the flowchart's own nodes are pinned; one inside a loop body runs the child's published version.
        var own = definition.Root.Activities.ToHashSet();
        foreach (var (node, id, asActivity) in ChildReferences(definition))
        {
            if (!own.Contains(node) || !asActivity || WorkflowDefinitionActivity.UsesLatest(node) || Find(id) is not { } child) continue;
            if (WorkflowDefinitionActivity.VersionIdOf(node) == child.Id && WorkflowDefinitionActivity.VersionOf(node) == child.Version) continue;
            node.Extra["workflowDefinitionVersionId"] = child.Id;
            node.Extra["version"] = child.Version;
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// The chain of definition ids by which <paramref name="definition"/> reaches itself through its children (e.g.
    /// a → b → a), or null when it does not. The definition being checked stands in for its own published version.
    /// </summary>
    public IReadOnlyList<string>? CycleThrough(WorkflowDefinition definition)
    {
        var path = new List<string> { definition.DefinitionId };
        var done = new HashSet<string>(StringComparer.Ordinal);
        return Visit(definition) ? path : null;

        bool Visit(WorkflowDefinition d)
        {
            foreach (var id in ChildReferences(d).Select(r => r.DefinitionId).Distinct(StringComparer.Ordinal))
            {
                path.Add(id);
                if (id == definition.DefinitionId) return true;
                if (!path.Take(path.Count - 1).Contains(id, StringComparer.Ordinal) && done.Add(id) && Find(id) is { } child && Visit(child)) return true;
                path.RemoveAt(path.Count - 1);
            }
            return false;
        }
    }
}
