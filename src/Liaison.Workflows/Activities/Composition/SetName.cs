using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.SetName", Category = "Primitives", DisplayNameZh = "设置实例名", DisplayNameEn = "Set Name",
    Description = "Names the workflow instance.")]
public sealed class SetName : Activity
{
    [Input(DisplayNameZh = "名称", DisplayNameEn = "Name", Description = "The instance's name.")]
    public string? Value { get; set; }

    public override void Execute(ActivityContext context)
    {
        context.SetWorkflowName(string.IsNullOrWhiteSpace(Value) ? null : Value);
        context.Complete();
    }
}
