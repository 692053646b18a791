using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.WriteLine", Category = "Primitives", DisplayNameZh = "输出一行", DisplayNameEn = "Write Line",
    DescriptionZh = "向运行输出写一行文本（设计器试运行时显示）。", DescriptionEn = "Writes a line of text to the run's output (shown by the designer's test run).")]
public sealed class WriteLine : Activity
{
    [Input(DisplayNameZh = "文本", DisplayNameEn = "Text", DescriptionZh = "要输出的文本。", DescriptionEn = "The text to write.")]
    public string? Text { get; set; }

    public override void Execute(ActivityContext context)
    {
        context.WriteLine(Text);
        context.Complete();
    }
}
