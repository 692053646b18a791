using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

/// <summary>
/// ExecuteWorkflow and DispatchWorkflow: start a child instance of a published workflow, then wait for it (its
/// outputs become <c>Result</c>) or go on at once (<c>Result</c> is its instance id). They differ only in whether
/// they wait by default.
/// </summary>
public abstract class StartWorkflowActivity : ChildWorkflowActivity
{
    [Input(DisplayNameZh = "流程定义", DisplayNameEn = "Workflow definition",
        DescriptionZh = "要运行的流程的定义编号（运行其已发布的版本）。",
        DescriptionEn = "The definition id of the workflow to run (its published version).", Required = true)]
    public string? WorkflowDefinitionId { get; set; }

    [Input(DisplayNameZh = "关联号", DisplayNameEn = "Correlation id",
        DescriptionZh = "子流程的关联号；留空则沿用上级流程的关联号。",
        DescriptionEn = "The child's correlation id; empty: the parent's.")]
    public string? CorrelationId { get; set; }

    [Input(DisplayNameZh = "输入", DisplayNameEn = "Input",
        DescriptionZh = "一个对象，其各属性作为子流程的输入。",
        DescriptionEn = "An object whose properties become the child's inputs.", TypeName = "Object")]
    public object? Input { get; set; }

    public abstract bool WaitForCompletion { get; set; }

    public override void Execute(ActivityContext context)
    {
        if (string.IsNullOrWhiteSpace(WorkflowDefinitionId))
        {
            context.Fault("A workflow definition id is required.");
            return;
        }
        var child = context.StartChild(WorkflowDefinitionId, null, null, InputsOf(Input), CorrelationId, WaitForCompletion);
        if (child != null && !WaitForCompletion)
        {
            context.SetOutput("Result", child);
            context.Complete();
        }
    }

    /// <summary>Elsa's result once the child has finished: the child's output dictionary.</summary>
    protected override void OnChildFinished(ActivityContext context, ChildWorkflowResult result)
    {
        context.SetOutput("Result", result.OutputObject());
        context.Complete();
    }
}
