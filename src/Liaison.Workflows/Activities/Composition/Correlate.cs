using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.Correlate", Category = "Primitives", DisplayNameZh = "设置关联号", DisplayNameEn = "Correlate",
    DescriptionZh = "设置流程实例的关联号。", DescriptionEn = "Sets the workflow instance's correlation id.")]
public sealed class Correlate : Activity
{
    [Input(DisplayNameZh = "关联号", DisplayNameEn = "Correlation id",
        DescriptionZh = "新的关联号。",
        DescriptionEn = "The new correlation id.", Required = true)]
    public string? CorrelationId { get; set; }

    public override void Execute(ActivityContext context)
    {
        if (string.IsNullOrWhiteSpace(CorrelationId))
        {
            context.Fault("A correlation id is required.");
            return;
        }
        context.SetCorrelationId(CorrelationId);
        context.Complete();
    }
}
