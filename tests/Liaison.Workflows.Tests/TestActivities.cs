using System.Text.Json.Nodes;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Tests.Fixtures;

[Activity("Test.SplitBoth", Category = "Test", DisplayNameEn = "Split both")]
[Outcomes("Left", "Right")]
public sealed class SplitBoth : Activity
{
    public override void Execute(ActivityContext context) => context.Complete("Left", "Right");
}

/// <summary>Shaped like the domain's wait-for-liaison: one outcome per action and one per deadline.</summary>
[Activity("Liaison.TestHumanTask", Category = "Liaison", DisplayNameZh = "等待联络人", DisplayNameEn = "Wait for liaison",
    DescriptionZh = "等待联络人办理。", DescriptionEn = "Waits for the liaison to act.")]
[Outcomes("Accepted", "Returned", "ResolveDue")]
public sealed class TestHumanTask : Activity
{
    [Input(DisplayNameZh = "处理人", DisplayNameEn = "Handler", Required = true)]
    public string? Handler { get; set; }

    [Input(DisplayNameZh = "期限", DisplayNameEn = "Due in",
        DescriptionZh = "距离期限还有多久。",
        DescriptionEn = "How long until the deadline.", DefaultValue = "1.00:00:00")]
    public TimeSpan DueIn { get; set; }

    public override void Execute(ActivityContext context)
    {
        var caseNumber = context.RunContext?.Get<string>("caseNumber");
        context.AddEffect(new CaseNotice(context.ActivityId, caseNumber ?? "?", $"dispatched to {Handler}"));
        context.CreateBookmark("Liaison.Action", key: caseNumber, payload: new JsonObject { ["handler"] = Handler });
        context.CreateBookmark("Liaison.Deadline", key: caseNumber, resumeAt: context.Now + DueIn);
    }

    public override void Resume(ActivityContext context, Bookmark bookmark, object? payload)
    {
        if (bookmark.Kind == "Liaison.Deadline")
            context.Complete("ResolveDue");
        else
            base.Resume(context, bookmark, payload);
    }
}

/// <summary>Escalates at its deadline but keeps waiting for the liaison (deadlines inside the human task).</summary>
[Activity("Liaison.TestEscalatingTask", Category = "Liaison", DisplayNameEn = "Wait with escalation")]
[Outcomes("Accepted", "Overdue")]
public sealed class TestEscalatingTask : Activity
{
    public override void Execute(ActivityContext context)
    {
        context.CreateBookmark("Liaison.Action");
        context.CreateBookmark("Liaison.Deadline", resumeAt: context.Now.AddDays(1));
    }

    public override void Resume(ActivityContext context, Bookmark bookmark, object? payload)
    {
        if (bookmark.Kind == "Liaison.Deadline") context.Fire("Overdue");
        else context.Complete("Accepted");
    }
}

public sealed record CaseNotice(string ActivityId, string CaseNumber, string Text) : IWorkflowEffect;
