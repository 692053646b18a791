using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.RunJavaScript", Category = "Scripting", DisplayNameZh = "运行脚本", DisplayNameEn = "Run JavaScript",
    DescriptionZh = "在沙箱中运行脚本；脚本的值作为输出 Result，用 setOutcome(…) 选择结果。",
    DescriptionEn = "Runs a script in the sandbox; its value is the Result output, and setOutcome(…) picks the outcome.")]
public sealed class RunJavaScript : Activity, IDynamicOutcomes
{
    [Input(DisplayNameZh = "脚本", DisplayNameEn = "Script",
        DescriptionZh = "JavaScript 脚本；最后一个表达式的值或 return 的值即为结果（Result）。",
        DescriptionEn = "JavaScript; the value of its last expression or its return is the Result.", Script = true)]
    public string? Script { get; set; }

    [Input(DisplayNameZh = "可能的结果", DisplayNameEn = "Possible outcomes",
        DescriptionZh = "脚本可以用 setOutcome 选择的结果。",
        DescriptionEn = "Outcomes the script may choose with setOutcome.")]
    public string[] PossibleOutcomes { get; set; } = [];

    public override void Execute(ActivityContext context)
    {
        if (string.IsNullOrWhiteSpace(Script))
        {
            context.Complete();
            return;
        }
        var result = context.RunScript(Script, out var outcomes);
        context.SetOutput("Result", result);
        if (outcomes is { Count: > 0 }) context.Complete([.. outcomes]);
        else context.Complete();
    }

    public IReadOnlyList<string>? OutcomesOf(ActivityNode node) => [Done, .. node.ConstantStrings("possibleOutcomes") ?? []];
}
