namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.ExecuteWorkflow", Category = "Composition", DisplayNameZh = "执行子流程", DisplayNameEn = "Execute Workflow",
    Description = "Starts a child instance of a published workflow and waits for it; its outputs come back as Result.")]
[Outcomes(Done, Faulted, Cancelled)]
public sealed class ExecuteWorkflow : StartWorkflowActivity
{
    [Input(DisplayNameZh = "等待完成", DisplayNameEn = "Wait for completion", Description = "Wait for the child to end before continuing.", DefaultValue = true)]
    public override bool WaitForCompletion { get; set; } = true;
}
