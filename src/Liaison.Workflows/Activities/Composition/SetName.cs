using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.SetName", Category = "Primitives", DisplayNameZh = "设置实例名", DisplayNameEn = "Set Name",
    DescriptionZh = "为流程实例命名。", DescriptionEn = "Names the workflow instance.")]
public sealed class SetName : Activity
{
    [Input(DisplayNameZh = "名称", DisplayNameEn = "Name", DescriptionZh = "实例名称。", DescriptionEn = "The instance's name.")]
    public string? Value { get; set; }

    public override void Execute(ActivityContext context)
    {
        context.SetWorkflowName(string.IsNullOrWhiteSpace(Value) ? null : Value);
        context.Complete();
    }
}
