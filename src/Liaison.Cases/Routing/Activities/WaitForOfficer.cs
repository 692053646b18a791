using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

/// <summary>Waits for the park officer's decision on the case: an extension request, a return, or a resolution.</summary>
[Activity("Liaison.WaitForOfficer", Category = CaseActivity.Category, DisplayNameZh = "等待园区专员决定", DisplayNameEn = "Wait for the officer",
    Description = "Human task of the park officer: decide an extension (Approved/Denied; Withdrawn when the handler resolves meanwhile), a return (Reassigned/Insisted) or a resolution (Confirmed/Reopened).")]
[Outcomes(Approved, Denied, Withdrawn, Reassigned, Insisted, Confirmed, Reopened)]
public sealed class WaitForOfficer : CaseActivity
{
    public const string BookmarkKind = "Liaison.WaitForOfficer";

    public const string Approved = "Approved";
    public const string Denied = "Denied";
    /// <summary>No decision needed any more: the handler resolved the case while the extension request waited.</summary>
    public const string Withdrawn = "Withdrawn";
    public const string Reassigned = "Reassigned";
    public const string Insisted = "Insisted";
    public const string Confirmed = "Confirmed";
    public const string Reopened = "Reopened";

    public const string ExtensionDecision = "extension";
    public const string ReturnDecision = "return";
    public const string ResolutionDecision = "resolution";

    private static readonly Dictionary<string, string[]> OutcomesByDecision = new()
    {
        [ExtensionDecision] = [Approved, Denied, Withdrawn],
        [ReturnDecision] = [Reassigned, Insisted],
        [ResolutionDecision] = [Confirmed, Reopened],
    };

    [Input(DisplayNameZh = "决定类型", DisplayNameEn = "Decision",
        Description = "extension, return or resolution.", Required = true)]
    public string? Decision { get; set; }

    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        if (Decision is null || !OutcomesByDecision.ContainsKey(Decision))
        {
            context.Fault($"Decision must be extension, return or resolution, not '{Decision}'.");
            return;
        }

        context.CreateBookmark(BookmarkKind, Decision);
    }

    public override void Resume(ActivityContext context, Bookmark bookmark, object? payload)
    {
        var outcome = ActivityContext.OutcomeFromPayload(payload);
        if (outcome is null || !OutcomesByDecision[bookmark.Key!].Contains(outcome))
        {
            context.Fault($"'{outcome}' is not a decision on a {bookmark.Key}. / 无效的决定。");
            return;
        }

        context.Complete(outcome);
    }
}
