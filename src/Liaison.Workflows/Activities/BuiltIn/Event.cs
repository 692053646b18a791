using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Activities.BuiltIn;

[Activity("Elsa.Event", Category = "Primitives", DisplayNameZh = "等待事件", DisplayNameEn = "Event",
    DescriptionZh = "等待，直到指定名称的事件发布到本实例。", DescriptionEn = "Waits until the named event is published to this instance.")]
public sealed class Event : Activity
{
    public const string BookmarkKind = "Elsa.Event";

    [Input(DisplayNameZh = "事件名", DisplayNameEn = "Event name",
        DescriptionZh = "要等待的事件名称。",
        DescriptionEn = "The name of the event to wait for.", Required = true)]
    public string? EventName { get; set; }

    public override void Execute(ActivityContext context)
    {
        if (string.IsNullOrWhiteSpace(EventName))
        {
            context.Fault("An event name is required.");
            return;
        }
        context.CreateBookmark(BookmarkKind, EventName);
    }

    public override void Resume(ActivityContext context, Bookmark bookmark, object? payload) => context.Complete();
}
