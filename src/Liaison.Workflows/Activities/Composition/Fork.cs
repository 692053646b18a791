using System.Text.Json.Nodes;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.Composition;

[Activity("Elsa.Fork", Category = "Branching", DisplayNameZh = "并行", DisplayNameEn = "Parallel branches",
    DescriptionZh = "并行运行其中的各分支；全部完成（WaitAll）或第一个完成（WaitAny）后继续。",
    DescriptionEn = "Runs its embedded branches in parallel; continues when all (WaitAll) or the first (WaitAny) have finished.")]
public sealed class Fork : BodyActivity
{
    [Input(DisplayNameZh = "分支", DisplayNameEn = "Branches",
        DescriptionZh = "要并行运行的活动。",
        DescriptionEn = "The activities to run in parallel.", Raw = true, TypeName = "Activity[]")]
    public JsonNode? Branches { get; set; }

    /// <summary>Elsa writes it raw (<c>"joinMode": "WaitAny"</c>); a wrapped <c>{typeName, expression}</c> input works too.</summary>
    [Input(DisplayNameZh = "汇合方式", DisplayNameEn = "Join mode",
        DescriptionZh = "WaitAll（等待全部）或 WaitAny（任一完成即继续）。",
        DescriptionEn = "WaitAll or WaitAny.", Raw = true, TypeName = "String")]
    public JsonNode? JoinMode { get; set; }

    public override void Execute(ActivityContext context)
    {
        var count = Branches is JsonArray a ? a.Count : 0;
        for (var i = 0; i < count; i++) context.StartBody("branches", i, new Dictionary<string, object?>());
        if (count == 0) context.Complete();
    }

    protected override void OnBodyFinished(ActivityContext context, bool broke)
    {
        // A Break inside a branch ends the nearest loop: end this body too, carrying the break upwards.
        if (broke) context.CompleteWorkflow(Break.Outcome);
        else if (WaitsForAny(context) || context.Bookmarks.Count == 0) context.Complete();
    }

    private bool WaitsForAny(ActivityContext context)
    {
        var mode = JoinMode is JsonValue v && v.TryGetValue<string>(out var raw) ? raw : context.EvaluateInput("joinMode", typeof(string)) as string;
        return string.Equals(mode, "WaitAny", StringComparison.OrdinalIgnoreCase);
    }
}
