using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;

namespace Liaison.Cases.Routing.Activities;

[Activity("Liaison.DispatchParts", Category = CaseActivity.Category, DisplayNameZh = "协办派单", DisplayNameEn = "Dispatch co-handlers",
    DescriptionZh = "联办事项：为每个协办部门启动一个子流程，各有自己的办理链接、时限和督办。没有协办部门的事项直接继续。",
    DescriptionEn = "Joint case (联办): starts one child workflow per co-handling department, each with its own links, deadlines and escalation. A case without co-handlers goes straight on.")]
public sealed class DispatchParts : CaseActivity
{
    public const string DefaultWorkflow = "case-part-routing";

    [Input(DisplayNameZh = "协办流程", DisplayNameEn = "Co-handler workflow",
        DescriptionZh = "为每个协办部门运行的已发布流程。",
        DescriptionEn = "The published workflow run for each co-handling department.", DefaultValue = DefaultWorkflow)]
    public string? Workflow { get; set; } = DefaultWorkflow;

    protected override void Execute(ActivityContext context, CaseRouting routing)
    {
        if (Start(context, routing.Case, Workflow))
        {
            context.Complete();
        }
    }

    /// <summary>
    /// Starts <paramref name="workflow"/> (empty: <see cref="DefaultWorkflow"/>) for each of the run's parts
    /// (<see cref="CaseSnapshot.Parts"/>): at the open, and for the co-handlers a reopening (重办) asks again. False
    /// when one could not be started (the activity faulted).
    /// </summary>
    public static bool Start(ActivityContext context, CaseSnapshot c, string? workflow)
    {
        var definition = string.IsNullOrWhiteSpace(workflow) ? DefaultWorkflow : workflow.Trim();
        foreach (var part in c.Parts)
        {
            // Not waited for: the lead goes on at once; the officer's and the lead's actions reach each part directly.
            if (context.StartChild(definition, null, null, new Dictionary<string, object?> { ["partId"] = part.Id },
                    PartCorrelation.Of(c.Id, part.Id), wait: false) is null)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A part's child workflow is correlated with <c>case:{caseId}/part:{partId}</c>; the case's own with <c>case:{caseId}</c>.</summary>
public static class PartCorrelation
{
    public const string CasePrefix = "case:";

    public static string Of(long caseId, long partId) => $"{CasePrefix}{caseId}/part:{partId}";

    /// <summary>Reads a case workflow's correlation id; false when it is not one.</summary>
    public static bool TryParse(string? correlation, out long caseId, out long? partId)
    {
        (caseId, partId) = (0, null);
        if (correlation is null || !correlation.StartsWith(CasePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = correlation.AsSpan(CasePrefix.Length);
        var slash = rest.IndexOf("/part:", StringComparison.Ordinal);
        if (slash < 0)
        {
            return long.TryParse(rest, out caseId);
        }

        if (!long.TryParse(rest[..slash], out caseId) || !long.TryParse(rest[(slash + "/part:".Length)..], out var part))
        {
            return false;
        }

        partId = part;
        return true;
    }
}
