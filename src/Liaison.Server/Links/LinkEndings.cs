using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Server.Cases;

namespace Liaison.Server.Links;

/// <summary>
/// Why a personal link of a liaison ended, in words for who holds it: the handler had the case (or the part) to do, the
/// leader only followed it (督办), and a co-handler had its department's part (协办). One home for the words of the ended
/// link's page and of an action refused on it.
/// </summary>
public static class LinkEndings
{
    /// <summary>What became of the case (or part) for the holder of <paramref name="link"/>; the possible reasons when it cannot be told.</summary>
    public static Text Words(LiaisonLink link, Case? c, CasePart? part)
    {
        var why = Reason(link, c, part);
        var (zh, en) = (link.Role, link.PartId) switch
        {
            (LinkRole.Leader, _) => ("此链接用于督促本单位办理该事项，现已无需督办", "This link was for following your department's work on the case, which no longer needs it"),
            (_, not null) => ("贵单位在该事项中的协办已结束", "Your department's co-handling part of this case has ended"),
            _ => ("该事项已不再由您办理", "This case is no longer with you"),
        };
        return why is { } w
            ? new Text($"{zh}：{w.Zh}。无需再操作。", $"{en}: {w.En}. There is nothing to do.")
            : new Text($"{zh}：已改派其他部门、已撤销、已办结、协办已撤回，或已转交本单位新的联络人。无需再操作。",
                $"{en}: it was reassigned to another department, cancelled or closed, the co-handling part was withdrawn, or it went to your department's new liaison. There is nothing to do.");
    }

    /// <summary>Whom to ask: the case's park officer, named with their email when known.</summary>
    public static Text Contact(PersonRef? officer) => officer is { } o
        ? new Text($"如有疑问，请联系园区工作人员 {o.Name}{(o.Email.Length > 0 ? $"（{o.Email}）" : "")}。",
            $"If in doubt, contact the park officer {o.Name}{(o.Email.Length > 0 ? $" ({o.Email})" : "")}.")
        : new Text("如有疑问，请联系园区工作人员。", "If in doubt, contact the zone's park officer.");

    /// <summary>The reason the link ended, when the case (and part) say it; null when they do not.</summary>
    private static Text? Reason(LiaisonLink link, Case? c, CasePart? part)
    {
        if (c is null)
        {
            return null;
        }

        if (c.Status == CaseStatus.Cancelled)
        {
            return new("园区已撤销该事项", "the zone cancelled the case");
        }

        if (link.PartId is not null)
        {
            return part?.Status switch
            {
                PartStatus.Dropped => new("园区已撤回贵单位的协办（撤回协办）", "the zone withdrew your department's part (co-handling withdrawn)"),
                PartStatus.Overridden => new("主办部门已先行办结该事项", "the lead department resolved the case without your part"),
                null => null,
                _ when !link.IsFor(part.HandlerEmail, part.LeaderEmail) => new("已转交本单位新的联络人", "it went to your department's new liaison"),
                _ when c.Status == CaseStatus.Closed => new("该事项已办结", "the case was closed"),
                _ => null,
            };
        }

        if (c.Status == CaseStatus.Closed)
        {
            return new("该事项已办结", "the case was closed");
        }

        if (link.Round < c.AssignmentRound)
        {
            // A later round for someone else: the officer reassigned it (改派), usually to another department.
            return new("已改派", "it was reassigned");
        }

        return !link.IsFor(c.HandlerEmail, c.LeaderEmail) ? new("已转交本单位新的联络人", "it went to your department's new liaison") : null;
    }
}
