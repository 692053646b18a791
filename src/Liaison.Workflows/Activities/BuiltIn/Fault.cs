using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.Fault", Category = "Primitives", DisplayNameZh = "故障", DisplayNameEn = "Fault",
    DescriptionZh = "以一条消息使流程进入故障状态。", DescriptionEn = "Faults the workflow with a message.")]
[Outcomes]
public sealed class Fault : Activity
{
    [Input(DisplayNameZh = "消息", DisplayNameEn = "Message", DescriptionZh = "流程故障的原因。", DescriptionEn = "Why the workflow faults.")]
    public string? Message { get; set; }

    [Input(DisplayNameZh = "代码", DisplayNameEn = "Code", DescriptionZh = "可选的错误代码。", DescriptionEn = "An optional error code.")]
    public string? Code { get; set; }

    public override void Execute(ActivityContext context) =>
        context.Fault(string.IsNullOrEmpty(Code) ? Message ?? "Fault" : $"[{Code}] {Message}");
}
