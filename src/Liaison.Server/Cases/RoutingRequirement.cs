using System.Reflection;
using Liaison.Cases.Routing.Activities;
using Liaison.Server.Workflows;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Liaison.Workflows.Validation;

namespace Liaison.Server.Cases;

/// <summary>
/// A case's routing (and a co-handler's part routing) must send the case to a department: published without a
/// dispatch, every case opened after it would wait with no handler, no deadline and no mail.
/// </summary>
public sealed class RoutingRequirement : IWorkflowRequirement
{
    /// <summary>The Dispatch activity's type name in the JSON (Liaison.Dispatch).</summary>
    public static readonly string DispatchType = typeof(Dispatch).GetCustomAttribute<ActivityAttribute>()!.Type;

    public IEnumerable<ValidationError> Check(WorkflowDefinition definition)
    {
        if (definition.DefinitionId is not (CaseService.RoutingDefinitionId or DispatchParts.DefaultWorkflow))
        {
            yield break;
        }

        if (First(definition, DispatchType) is null)
        {
            yield return new(null, "routing-without-dispatch",
                $"流程 {definition.DefinitionId} 用于办理事项，必须包含“派单”（{DispatchType}）活动：没有它，新事项不会派给任何部门。",
                $"Workflow '{definition.DefinitionId}' routes cases and must contain a Dispatch ({DispatchType}) activity: without it, new cases go to no department.");
        }
    }

    /// <summary>The first activity of a type, in the flowchart or inside a structured one's body (a loop's, a container's).</summary>
    internal static ActivityNode? First(WorkflowDefinition definition, string type) =>
        definition.Root.Activities.SelectMany(a => WorkflowBodies.Descendants(a).Prepend(a)).FirstOrDefault(a => a.Type == type);
}
