using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.WriteLine", Category = "Primitives", DisplayNameZh = "输出一行", DisplayNameEn = "Write Line",
    Description = "Writes a line of text to the run's output (shown by the designer's test run).")]
public sealed class WriteLine : Activity
{
    [Input(DisplayNameZh = "文本", DisplayNameEn = "Text", Description = "The text to write.")]
    public string? Text { get; set; }

    public override void Execute(ActivityContext context)
    {
        context.WriteLine(Text);
        context.Complete();
    }
}
