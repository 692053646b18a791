using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Links;

/// <summary>
/// Why a personal link of a liaison ended, in words for who holds it: the handler had the case (or the part) to do, the
/// leader only followed it (督办), and a co-handler had its department's part (协办). One home for the words of the ended
/// link's page and of an action refused on it.
/// </summary>
public static class LinkEndings
{
    /// <summary>What became of the case (or part) for the holder of <paramref name="link"/>; the possible reasons when it cannot be told.</summary>
    /// <param name="after">Where the case (or part) went after the link's round (<see cref="AfterAsync"/>).</param>
    /// <param name="local">A moment as the zone's local time (when a part was submitted).</param>
    public static Text Words(LiaisonLink link, Case? c, CasePart? part, RoundAfter after, Func<DateTimeOffset, string> local)
    {
        var why = Reason(link, c, part, after, local);
        if (why is { Submitted: true } submitted && link.Role == LinkRole.Handler)
        {
            // Not "ended": the co-handler did its part, and the case goes on with the lead (its status says 已提交).
            var words = submitted.Words.Capitalized();
            return new Text($"{words.Zh}。无需再操作。", $"{words.En}. There is nothing to do.");
        }

        if (why is { HandedOver: true } handed)
        {
            // Not "ended": the department's work on it goes on, with its new person.
            return new Text($"{handed.Words.Zh}。无需再操作。", $"{handed.Words.En}. There is nothing to do.");
        }

        var (zh, en) = (link.Role, link.PartId) switch
        {
            (LinkRole.Leader, _) => ("此链接用于督促本单位办理该事项，现已无需督办", "This link was for following your department's work on the case, which no longer needs it"),
            (_, not null) => ("贵单位在该事项中的协办已结束", "Your department's co-handling part of this case has ended"),
            _ => ("该事项已不再由您办理", "This case is no longer with you"),
        };
        return why is { Words: var w }
            ? new Text($"{zh}：{w.Zh}。无需再操作。", $"{en}: {w.En}. There is nothing to do.")
            : new Text($"{zh}：已改派其他部门、已撤销、已办结、协办已撤回，或已转交本单位新的联络人。无需再操作。",
                $"{en}: it was reassigned to another department, cancelled or closed, the co-handling part was withdrawn, or it went to your department's new liaison. There is nothing to do.");
    }

    /// <summary>
    /// Why a co-handler (or its leader) has nothing to do while its returned part (退回) waits for the officer, who
    /// reassigns it to another department or drops it: the part is not over, as the lead's return is not
    /// (<see cref="CaseActions.NothingToDo(Case)"/>).
    /// </summary>
    public static readonly Text PartReturned = new(
        "协办已退回园区，等待园区工作人员改派其他部门或撤回协办。",
        "Your part was returned to the zone; the officer will reassign it to another department or drop it.");

    /// <summary>Whom to ask: the case's park officer, named with their email when known.</summary>
    public static Text Contact(PersonRef? officer) => officer is { } o
        ? new Text($"如有疑问，请联系园区工作人员 {o.Name}{(o.Email.Length > 0 ? $"（{o.Email}）" : "")}。",
            $"If in doubt, contact the park officer {o.Name}{(o.Email.Length > 0 ? $" ({o.Email})" : "")}.")
        : new Text("如有疑问，请联系园区工作人员。", "If in doubt, contact the zone's park officer.");

    /// <summary>
    /// Where the link's case (or part) went after the link's round, as its dispatches say (each names its round's
    /// department): <see cref="RoundAfter.MovedTo"/> names the department of the next round when it is another one (改派,
    /// as the 【已改派】 mail says 改派至); <see cref="RoundAfter.Known"/> is false when the link's round has no dispatch to
    /// tell its department by.
    /// </summary>
    public static async Task<RoundAfter> AfterAsync(LiaisonDbContext db, LiaisonLink link, CancellationToken ct)
    {
        var dispatches = await db.CaseEvents.AsNoTracking()
            .Where(e => e.CaseId == link.CaseId && e.PartId == link.PartId && e.Kind == CaseEventKinds.Dispatched)
            .Select(e => e.Data).ToListAsync(ct);
        var rounds = dispatches.Select(RoundOf).OfType<(int Round, string Department)>().ToList();
        var own = rounds.Where(r => r.Round == link.Round).Select(r => r.Department).FirstOrDefault();
        if (own is null)
        {
            return RoundAfter.Unknown;
        }

        var next = rounds.Where(r => r.Round > link.Round).OrderBy(r => r.Round).Select(r => r.Department).FirstOrDefault();
        if (next is null || next == own)
        {
            return RoundAfter.Stayed;
        }

        var name = await db.Departments.AsNoTracking().Where(d => d.Code == next).Select(d => d.Name).FirstOrDefaultAsync(ct);
        return new RoundAfter(name ?? next, Known: true);
    }

    /// <summary>A dispatch entry's round and department; null when its data does not say them.</summary>
    private static (int Round, string Department)? RoundOf(string? data)
    {
        if (data is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(data);
        var root = json.RootElement;
        return root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("round", out var round) && round.ValueKind == JsonValueKind.Number
            && root.TryGetProperty("department", out var department) && department.ValueKind == JsonValueKind.String
                ? (round.GetInt32(), department.GetString()!)
                : null;
    }

    /// <summary>
    /// The reason the link ended, when the case (and part) say it; null when they do not. The earliest ending of this link
    /// is told: a part dropped (撤回协办) or submitted before the case was cancelled says so, not the cancellation.
    /// </summary>
    private static Ending? Reason(LiaisonLink link, Case? c, CasePart? part, RoundAfter after, Func<DateTimeOffset, string> local)
    {
        if (c is null)
        {
            return null;
        }

        // Moved to another department (改派): where it went, as the 【已改派】 mail says it, whatever became of it there.
        if (after.MovedTo is { } to)
        {
            return new(new($"已改派至{to}", $"it was reassigned to {to}"));
        }

        // The cancellation ended this link unless something ended it before (a reassignment, a new liaison, the part
        // dropped or resolved over: each ended its links then), or the part had been submitted (which leaves them open,
        // and is never after the cancellation: a cancelled case takes no submission).
        if (c.Status == CaseStatus.Cancelled && !(link.EndedAt < c.ClosedAt) && part?.SubmittedAt is null)
        {
            return new(new("园区已撤销该事项", "the zone cancelled the case"));
        }

        if (link.PartId is not null)
        {
            return part?.Status switch
            {
                null => null,
                _ when link.Round < part.AssignmentRound && !after.Known => new(new("已改派", "it was reassigned")),
                // The same department, someone else: the department named a new liaison.
                _ when !link.IsFor(part.HandlerEmail, part.LeaderEmail) => HandedOver(link, part, goesOn: part.IsOpen && CaseStatuses.IsOpen(c.Status)),
                PartStatus.Dropped => new(new("园区已撤回贵单位的协办（撤回协办）", "the zone withdrew your department's part (co-handling withdrawn)")),
                PartStatus.Overridden => new(new("主办部门已先行办结该事项", "the lead department resolved the case without your part")),
                PartStatus.Submitted when part.SubmittedAt is { } at => new(Submitted(c, local(at)), Submitted: true),
                _ when c.Status == CaseStatus.Closed => new(new("该事项已办结", "the case was closed")),
                PartStatus.Returned => new(new("协办已退回园区，等待园区工作人员改派其他部门或撤回协办", "your part was returned to the zone, for the officer to reassign or drop")),
                _ => null,
            };
        }

        if (c.Status == CaseStatus.Closed)
        {
            return new(new("该事项已办结", "the case was closed"));
        }

        if (link.Round < c.AssignmentRound && !after.Known)
        {
            // A later round whose departments the timeline does not tell: the officer reassigned it (改派), usually to
            // another department.
            return new(new("已改派", "it was reassigned"));
        }

        // The same department, someone else: the department named a new liaison.
        return !link.IsFor(c.HandlerEmail, c.LeaderEmail) ? HandedOver(link, c, goesOn: CaseStatuses.IsOpen(c.Status)) : null;
    }

    /// <summary>
    /// The link's holder was replaced (转交): the department named a new liaison (or leader), who carries its work on the
    /// case or part on; the link no longer works, but nothing ended. <paramref name="goesOn"/>: the case (or part) is still open.
    /// </summary>
    private static Ending HandedOver(LiaisonLink link, IAssignment holder, bool goesOn)
    {
        var leader = link.Role == LinkRole.Leader;
        var name = (leader ? holder.LeaderName : holder.HandlerName) is { Length: > 0 } n ? n : null;
        var (whoZh, whoEn) = leader ? ("新的分管领导", "new leader") : ("新的联络人", "new liaison");
        var (toZh, toEn) = name is null ? (whoZh, whoEn) : ($"{whoZh}{name}", $"{whoEn}, {name}");
        var (workZh, workEn) = (leader, link.PartId is not null) switch
        {
            (true, _) => ("对该事项的督办", "following this case for your department"),
            (false, true) => ("贵单位在该事项中的协办工作", "your department's co-handling part of this case"),
            _ => ("该事项", "this case"),
        };
        var (onZh, onEn) = (goesOn, link.PartId is not null) switch
        {
            (false, _) => ("", ""),
            (true, true) => ("，协办继续进行", "; the part goes on"),
            _ => ("，事项继续办理", "; the case goes on"),
        };
        return new(new($"此链接已失效：{workZh}已转交本单位{toZh}{onZh}", $"This link no longer works: {workEn} was handed to your department's {toEn}{onEn}"),
            HandedOver: true);
    }

    /// <summary>A submitted part (协办意见): when, and what became of the case, which the lead department goes on handling.</summary>
    private static Text Submitted(Case c, string at) => c.Status switch
    {
        CaseStatus.Closed => new($"贵单位的协办意见已于 {at} 提交，该事项已办结", $"your department's part was submitted at {at}, and the case was closed"),
        CaseStatus.Cancelled => new($"贵单位的协办意见已于 {at} 提交，该事项其后已由园区撤销", $"your department's part was submitted at {at}; the zone later cancelled the case"),
        _ => new($"贵单位的协办意见已于 {at} 提交，该事项由主办部门继续办理", $"your department's part was submitted at {at}; the lead department now handles the case"),
    };

    /// <summary>Why a link ended; <paramref name="Submitted"/> when it is the co-handler's part submitted (协办意见), which did not end it badly.</summary>
    /// <param name="HandedOver">The holder was replaced (转交): <paramref name="Words"/> are the whole sentence, the work goes on.</param>
    private sealed record Ending(Text Words, bool Submitted = false, bool HandedOver = false);
}

/// <summary>What became of a link's case (or part) after the link's round (<see cref="LinkEndings.AfterAsync"/>).</summary>
/// <param name="MovedTo">The department's name it was reassigned to (改派) from the link's department; null when it stayed there.</param>
/// <param name="Known">Whether the link's round's department is known, so that a later round of the same department is not taken for a reassignment.</param>
public sealed record RoundAfter(string? MovedTo, bool Known)
{
    public static readonly RoundAfter Stayed = new(null, true);

    public static readonly RoundAfter Unknown = new(null, false);
}
