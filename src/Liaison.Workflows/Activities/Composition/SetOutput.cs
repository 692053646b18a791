using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.SetOutput", Category = "Composition", DisplayNameZh = "设置输出", DisplayNameEn = "Set Output",
    Description = "Sets one of the workflow's outputs (what a parent receives when this workflow runs as its child).")]
public sealed class SetOutput : Activity
{
    [Input(DisplayNameZh = "输出名", DisplayNameEn = "Output name", Description = "The output to set, as declared in the definition's outputs.", Required = true)]
    public string? OutputName { get; set; }

    [Input(DisplayNameZh = "值", DisplayNameEn = "Value", Description = "The value to give it.", TypeName = "Object")]
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
