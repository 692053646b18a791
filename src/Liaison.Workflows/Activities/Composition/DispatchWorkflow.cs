namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.DispatchWorkflow", Category = "Composition", DisplayNameZh = "派发子流程", DisplayNameEn = "Dispatch Workflow",
    Description = "Starts a child instance of a published workflow and goes on at once, or waits for it when asked.")]
[Outcomes(Done, Faulted, Cancelled)]
public sealed class DispatchWorkflow : StartWorkflowActivity
{
    [Input(DisplayNameZh = "等待完成", DisplayNameEn = "Wait for completion", Description = "Wait for the child to end before continuing.", DefaultValue = false)]
    public override bool WaitForCompletion { get; set; }
}
