using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

/// <summary>A container placed inside another: it runs its own activities as a body and carries a Break upwards.</summary>
public abstract class ContainerActivity : BodyActivity
{
    public override void Execute(ActivityContext context) => context.StartBody("self", null, new Dictionary<string, object?>());

    protected override void OnBodyFinished(ActivityContext context, bool broke)
    {
        if (broke) context.CompleteWorkflow(Break.Outcome);
        else context.Complete();
    }
}

[Activity("Elsa.Sequence", Category = "Flow", DisplayNameZh = "顺序", DisplayNameEn = "Sequence",
    DescriptionZh = "依次运行其中的活动（作为流程根节点，或嵌套在流程图、循环中）。",
    DescriptionEn = "Runs its activities one after another (as the root, or nested in a flowchart or a loop).")]
public sealed class Sequence : ContainerActivity;

[Activity("Elsa.Flowchart", Category = "Flow", DisplayNameZh = "流程图", DisplayNameEn = "Flowchart",
    DescriptionZh = "嵌套在另一个容器（顺序、循环等）中的流程图。", DescriptionEn = "A flowchart nested in another container.")]
public sealed class NestedFlowchart : ContainerActivity;
