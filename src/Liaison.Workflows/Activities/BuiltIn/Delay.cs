using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.Delay", Category = "Scheduling", DisplayNameZh = "延时", DisplayNameEn = "Delay",
    DescriptionZh = "等待一段时间（由系统定时器计时）。", DescriptionEn = "Waits for a time span (a timer the host schedules).")]
public sealed class Delay : Activity
{
    public const string BookmarkKind = "Elsa.Delay";

    [Input(DisplayNameZh = "时长", DisplayNameEn = "Time span",
        DescriptionZh = "等待多长时间，如 00:00:05 或 PT5S。",
        DescriptionEn = "How long to wait, e.g. 00:00:05 or PT5S.", Required = true)]
    public TimeSpan TimeSpan { get; set; }

    public override void Execute(ActivityContext context) =>
        context.CreateBookmark(BookmarkKind, resumeAt: context.Now + TimeSpan);

    public override void Resume(ActivityContext context, Bookmark bookmark, object? payload) => context.Complete();
}
