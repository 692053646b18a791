namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.ExecuteWorkflow", Category = "Composition", DisplayNameZh = "执行子流程", DisplayNameEn = "Execute Workflow",
    DescriptionZh = "启动一个已发布流程的子实例并等待其结束；子流程的输出作为 Result 返回。",
    DescriptionEn = "Starts a child instance of a published workflow and waits for it; its outputs come back as Result.")]
[Outcomes(Done, Faulted, Cancelled)]
public sealed class ExecuteWorkflow : StartWorkflowActivity
{
    [Input(DisplayNameZh = "等待完成", DisplayNameEn = "Wait for completion",
        DescriptionZh = "等子流程结束后再继续。",
        DescriptionEn = "Wait for the child to end before continuing.", DefaultValue = true)]
    public override bool WaitForCompletion { get; set; } = true;
}
