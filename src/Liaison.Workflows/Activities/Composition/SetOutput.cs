using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.SetOutput", Category = "Composition", DisplayNameZh = "设置输出", DisplayNameEn = "Set Output",
    DescriptionZh = "设置本流程的一个输出（本流程作为子流程运行时，上级流程收到的内容）。",
    DescriptionEn = "Sets one of the workflow's outputs (what a parent receives when this workflow runs as its child).")]
public sealed class SetOutput : Activity
{
    [Input(DisplayNameZh = "输出名", DisplayNameEn = "Output name",
        DescriptionZh = "要设置的输出，须是流程定义中声明的输出之一。",
        DescriptionEn = "The output to set, as declared in the definition's outputs.", Required = true)]
    public string? OutputName { get; set; }

    [Input(DisplayNameZh = "值", DisplayNameEn = "Value", DescriptionZh = "要设置的值。", DescriptionEn = "The value to give it.", TypeName = "Object")]
    public object? OutputValue { get; set; }

    public override void Execute(ActivityContext context)
    {
        if (string.IsNullOrWhiteSpace(OutputName))
        {
            context.Fault("An output name is required.");
            return;
        }
        context.SetWorkflowOutput(OutputName, OutputValue);
        context.Complete();
    }
}
