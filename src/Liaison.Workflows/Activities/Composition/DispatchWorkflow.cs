using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.DispatchWorkflow", Category = "Composition", DisplayNameZh = "派发子流程", DisplayNameEn = "Dispatch Workflow",
    Description = "Starts a child instance of a published workflow and goes on at once, or waits for it when asked.")]
[Outcomes(Done, Faulted, Cancelled)]
public sealed class DispatchWorkflow : ChildWorkflowActivity
{
    [Input(DisplayNameZh = "流程定义", DisplayNameEn = "Workflow definition", Description = "The definition id of the workflow to start (its latest published version).", Required = true)]
    public string? WorkflowDefinitionId { get; set; }

    [Input(DisplayNameZh = "关联号", DisplayNameEn = "Correlation id", Description = "The child's correlation id; empty keeps none.")]
    public string? CorrelationId { get; set; }

    [Input(DisplayNameZh = "输入", DisplayNameEn = "Input", Description = "An object whose properties become the child's inputs.", TypeName = "Object")]
    public object? Input { get; set; }

    [Input(DisplayNameZh = "等待完成", DisplayNameEn = "Wait for completion", Description = "Wait for the child to end before continuing.", DefaultValue = false)]
    public bool WaitForCompletion { get; set; }

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
        context.SetOutput("Result", result.ToJson()["output"]);
        context.Complete();
    }
}
