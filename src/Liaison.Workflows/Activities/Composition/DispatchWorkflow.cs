namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.DispatchWorkflow", Category = "Composition", DisplayNameZh = "派发子流程", DisplayNameEn = "Dispatch Workflow",
    DescriptionZh = "启动一个已发布流程的子实例后立即继续；如设置了等待，则等子流程结束再继续。",
    DescriptionEn = "Starts a child instance of a published workflow and goes on at once, or waits for it when asked.")]
[Outcomes(Done, Faulted, Cancelled)]
public sealed class DispatchWorkflow : StartWorkflowActivity
{
    [Input(DisplayNameZh = "等待完成", DisplayNameEn = "Wait for completion",
        DescriptionZh = "等子流程结束后再继续。",
        DescriptionEn = "Wait for the child to end before continuing.", DefaultValue = false)]
    public override bool WaitForCompletion { get; set; }
}
