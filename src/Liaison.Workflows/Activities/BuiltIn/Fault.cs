using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.Fault", Category = "Primitives", DisplayNameZh = "故障", DisplayNameEn = "Fault",
    Description = "Faults the workflow with a message.")]
[Outcomes]
public sealed class Fault : Activity
{
    [Input(DisplayNameZh = "消息", DisplayNameEn = "Message", Description = "Why the workflow faults.")]
    public string? Message { get; set; }

    [Input(DisplayNameZh = "代码", DisplayNameEn = "Code", Description = "An optional error code.")]
    public string? Code { get; set; }

    public override void Execute(ActivityContext context) =>
        context.Fault(string.IsNullOrEmpty(Code) ? Message ?? "Fault" : $"[{Code}] {Message}");
}
