using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Departments;
using Liaison.Cases.Enterprises;
using Liaison.Cases.Notifications;
using Liaison.Cases.Sla;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Liaison.Server.Hosting;
using Liaison.Server.Links;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Cases;

/// <summary>One timeline entry as a person reads it: who by name, what happened in words, and the note someone wrote.</summary>
/// <param name="Detail">
/// What the system adds in words (the department it went to, the new deadline, the mail's recipient). In English it goes
/// on after the event in lower case ("Reassigned (from A to B)"); where it stands alone, in a cell, the page capitalises it.
/// </param>
/// <param name="Note">What a person wrote, shown as written.</param>
/// <param name="Quiet">Routine entries (emails) shown muted.</param>
/// <param name="Attachments">
/// The attachments the lead's 办结 or a co-handler's 提交 came with (links or text, one per line), on the officer's page only.
/// </param>
public sealed record TimelineRow(DateTimeOffset At, Text Who, Text What, Text? Detail, string? Note, bool Quiet, string? Attachments = null);

/// <summary>Who cancelled a case (撤销), when, and why.</summary>
public sealed record CaseCancellation(DateTimeOffset At, Text By, string? Reason);

/// <summary>
/// Turns a case's timeline into words for the pages: names instead of email addresses, labels instead of codes such as
/// <c>dispatch-leader-copy</c>, and the stored details (departments, deadlines, levels) instead of machine notes.
/// </summary>
public sealed class CaseTimelineView(CalendarService calendars, ActorNames actors, TimeProvider clock, RoutingLimits limits, LiaisonDbContext db)
{
    /// <summary>
    /// For a case its department returned: the resolve deadline insisting now would give it, by the shipped workflow's
    /// rule (<see cref="SlaDeadlines.Insisted"/>), for the officer to see before deciding; null for any other case.
    /// </summary>
    public async Task<InsistDeadline?> InsistPreviewAsync(CaseDto c, CancellationToken ct)
    {
        if (c.Status != CaseStatus.Returned || c.DueAt is not { } due
            || c.Timeline.LastOrDefault(e => e.Kind == CaseActions.Return && e.PartId is null) is not { } returned)
        {
            return null;
        }

        var calendar = await calendars.GetAsync(ct);
        // The deadline's basis matters only to keep it (overdue at the return): its due time stands in for it here.
        return SlaDeadlines.Insisted(calendar, clock.GetUtcNow(),
            new ReturnedRound(c.Department, returned.At, new Deadline(due, c.Provisional, due, 1, calendar.Version), c.OriginalDueAt));
    }

    /// <summary>
    /// For a cancelled case: who cancelled it, when, and the reason they gave (撤销原因, as the department's and the
    /// enterprise's mail and the enterprise's page give it); null for any other case.
    /// </summary>
    public async Task<CaseCancellation?> CancellationAsync(CaseDto c, CancellationToken ct)
    {
        if (c.Status != CaseStatus.Cancelled
            || c.Timeline.LastOrDefault(e => e.Kind == CaseEventKinds.Cancelled && e.PartId is null) is not { } cancelled)
        {
            return null;
        }

        return new CaseCancellation(cancelled.At, await actors.NameAsync(cancelled.Actor, c.Number, ct), cancelled.Note);
    }

    /// <summary>
    /// For a resolved case: the resolve deadline reopening it now would give, by the Reopen step's rule
    /// (<see cref="Liaison.Cases.Routing.Activities.Reopen.IfReopened"/>: the limit from now, the category's or the one the
    /// Reopen step of the case's own routing version sets, or the deadline it has when that is later), and
    /// whether it is that one kept, and the submit deadline of a co-handler asked again (dispatched now, as Dispatch counts
    /// a part's); null for any other case.
    /// </summary>
    public async Task<(DateTimeOffset Due, bool Kept, DateTimeOffset PartDue)?> ReopenPreviewAsync(CaseDto c, CaseCategory? category, CancellationToken ct)
    {
        if (c.Status != CaseStatus.Resolved || category is null)
        {
            return null;
        }

        var calendar = await calendars.GetAsync(ct);
        var now = clock.GetUtcNow();
        // With the limits the steps of the case's own routing version set (it is reopened by that version's Reopen).
        var reopen = await limits.ForReopenAsync(db, category, c.WorkflowInstanceId, ct);
        var due = Liaison.Cases.Routing.Activities.Reopen.IfReopened(calendar, now, reopen.Lead, c.Priority, c.DueAt).Due;
        return (due, due == c.DueAt, SlaDeadlines.ForCoHandler(calendar, now, reopen.Parts, c.Priority, due, reopen.PartsOwnLimit).DueAt.Due);
    }

    /// <param name="departments">Every department (its name, handler and leader name the people and places).</param>
    /// <param name="caseNumber">The case of the entries: a liaison who has left its department is named by their links to it.</param>
    /// <param name="joint">
    /// A joint case's lead department today and its co-handling parts' departments by part id: each department's entries
    /// say whose they are, the lead's and the co-handlers' alike. Null for a case without co-handlers.
    /// </param>
    /// <param name="newestFirst">The entries are listed newest first (a link page), not oldest first.</param>
    /// <param name="attachments">
    /// A resolution's and a part's submission's attachments go with their rows: on the officer's page, which shows them
    /// under 办理结果 and each part too. A link page's timeline goes without (the lead reads its co-handlers' in their parts).
    /// </param>
    public async Task<IReadOnlyList<TimelineRow>> DescribeAsync(
        IReadOnlyList<TimelineEntryDto> entries, IReadOnlyList<Department> departments, string caseNumber, CancellationToken ct,
        JointDepartments? joint = null, bool newestFirst = false, bool attachments = false)
    {
        var names = await NamesAsync(entries, departments, caseNumber, ct);
        // A joint case's entries say whose they are; so do a reassigned case's, whose new department would otherwise
        // read the one before's 签收 as its own.
        var shared = joint is { Parts.Count: > 0 };
        var moved = !shared && entries.Any(e => e.Kind == CaseEventKinds.Reassigned && e.PartId is null);
        var at = joint is not null && (shared || moved) ? DepartmentsAtTheTime(entries, joint, newestFirst) : null;
        var partEnds = PartEndMails(entries);
        var rows = entries.Select((e, i) => Describe(e, names, partEnds.TryGetValue(i, out var mailLabel) ? mailLabel : null))
            .Select((row, i) => attachments ? row with { Attachments = AttachmentsOf(entries[i]) } : row).Select((row, i) => at is null ? row : Whose(entries[i], row, names, at[i], shared)).ToList();
        var order = WithdrawalsAfterTheirCause(entries, newestFirst);
        return FoldStatuses(order.Select(i => entries[i]).ToList(), order.Select(i => rows[i]).ToList(), newestFirst);
    }

    /// <summary>
    /// The entries' order with each extension request's withdrawal (延期申请撤回) moved to just after what withdrew it: the
    /// 办结, 提交, 退回 or 改派 that made the request lapse is recorded after the withdrawal, in the same moment, yet caused
    /// it, so it reads first. A withdrawal whose cause is not among the entries stays where it is.
    /// </summary>
    private static List<int> WithdrawalsAfterTheirCause(IReadOnlyList<TimelineEntryDto> entries, bool newestFirst)
    {
        var chronological = Enumerable.Range(0, entries.Count).ToList();
        if (newestFirst)
        {
            chronological.Reverse();
        }

        var causeOf = new Dictionary<int, int>(); // a withdrawal's index, its cause's
        for (var n = 0; n < chronological.Count; n++)
        {
            var withdrawal = entries[chronological[n]];
            if (withdrawal.Kind != CaseEventKinds.ExtensionWithdrawn)
            {
                continue;
            }

            var by = WithdrawnBy(withdrawal);
            string[] causes = by == CaseActions.Reassign ? [CaseEventKinds.Reassigned, CaseEventKinds.Insisted] : [by];
            var cause = chronological.Skip(n + 1).Where(i => entries[i].PartId == withdrawal.PartId && causes.Contains(entries[i].Kind)).Take(1).ToList();
            if (cause is [var c] && entries[c].At - withdrawal.At <= EffectWindow)
            {
                causeOf[chronological[n]] = c;
            }
        }

        var order = new List<int>(entries.Count);
        foreach (var i in chronological.Where(i => !causeOf.ContainsKey(i)))
        {
            order.Add(i);
            order.AddRange(causeOf.Where(w => w.Value == i).Select(w => w.Key));
        }

        if (newestFirst)
        {
            order.Reverse();
        }

        return order;
    }

    /// <summary>
    /// The action that withdrew an extension request. Entries from before returns and reassignments withdrew a request
    /// carry none: those were all finishes, the lead's 办结 or a co-handler's 提交.
    /// </summary>
    private static string WithdrawnBy(TimelineEntryDto e)
    {
        var data = e.Data is { ValueKind: JsonValueKind.Object } d ? d : (JsonElement?)null;
        return Str(data, "because") ?? (Str(data, "department") is null ? CaseActions.Resolve : CaseActions.Submit);
    }

    /// <summary>
    /// What each mail telling a co-handler its part ended is, in words: one kind of mail (<see cref="CaseMailKind.Cancelled"/>)
    /// says the zone withdrew the part (撤回协办), the lead resolved without it, or the case was cancelled, as its subject does;
    /// the part's entry before it (its drop or override) and a cancellation of the case in the same moment tell which.
    /// Keyed by the mail's index; a mail whose cause is not among the entries is a part ended, without saying how.
    /// </summary>
    private static Dictionary<int, Text> PartEndMails(IReadOnlyList<TimelineEntryDto> entries)
    {
        var labels = new Dictionary<int, Text>();
        for (var i = 0; i < entries.Count; i++)
        {
            var mail = entries[i];
            if (mail.Kind != CaseEventKinds.Email || mail.PartId is not { } part
                || Str(mail.Data is { ValueKind: JsonValueKind.Object } d ? d : null, "kind") != CaseMailKind.Cancelled)
            {
                continue;
            }

            var cause = entries.Where(e => e.PartId == part && e.Kind is CaseEventKinds.PartDropped or CaseEventKinds.PartOverridden && e.At <= mail.At)
                .MaxBy(e => e.At);
            // Cancelling a case drops its unfinished parts in the same moment (one transaction's time).
            var caseCancelled = cause is not null && entries.Any(e => e.PartId is null && e.Kind == CaseEventKinds.Cancelled && e.At == cause.At);
            labels[i] = cause?.Kind switch
            {
                CaseEventKinds.PartOverridden => new("主办已先行办结（协办部门）", "Lead resolved without the part (co-handler)"),
                CaseEventKinds.PartDropped when caseCancelled => CaseMailKind.Label(CaseMailKind.Cancelled),
                CaseEventKinds.PartDropped => new("协办已撤回（协办部门）", "Co-handling part dropped (co-handler)"),
                _ => new("协办已结束（协办部门）", "Co-handling part ended (co-handler)"),
            };
        }

        return labels;
    }

    /// <summary>How long after an entry a status change of its thread still reads as that entry's effect.</summary>
    private static readonly TimeSpan EffectWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A status change is shown on the entry that caused it (签收 … 状态：已签收) instead of as a row of its own: the
    /// nearest earlier entry of the same thread (the lead's, or one co-handling part's), mails and withdrawn extension
    /// requests aside, if it is not a status change itself and came at most <see cref="EffectWindow"/> before. Otherwise
    /// it keeps its row. A status the thread had already (older timelines have 办理中 again at each progress note) is no change:
    /// it is not shown at all. A dispatch, a cancellation and a part's override or drop change the status without a
    /// status entry: their own rows say the status they leave (派单 … 状态：已派单，待签收), unless the thread had it already.
    /// </summary>
    private static List<TimelineRow> FoldStatuses(IReadOnlyList<TimelineEntryDto> entries, List<TimelineRow> rows, bool newestFirst)
    {
        var order = Enumerable.Range(0, entries.Count).ToList();
        if (newestFirst)
        {
            order.Reverse();
        }

        var folded = new bool[entries.Count];
        var last = new Dictionary<long, int>(); // the thread's latest entry that may take a status, the lead under key 0
        var was = new Dictionary<long, string>(); // the thread's status as the entries so far left it
        foreach (var i in order)
        {
            var e = entries[i];
            var key = e.PartId ?? 0;
            if (e.Kind is CaseEventKinds.Email or CaseEventKinds.ExtensionWithdrawn)
            {
                continue;
            }

            var left = StatusLeftBy(e);
            if (e.Kind != CaseEventKinds.Status)
            {
                last[key] = i;
                if (e.Kind == CaseEventKinds.Reassigned)
                {
                    // The new department's dispatch and 签收 are its own: they say the status again.
                    was.Remove(key);
                }

                if (left is { } own)
                {
                    // It changed the status itself: no later entry's status is its effect.
                    last.Remove(key);
                    if (!was.TryGetValue(key, out var had) || had != own.Code)
                    {
                        rows[i] = WithStatus(rows[i], own.Label);
                    }

                    was[key] = own.Code;
                }

                continue;
            }

            if (left is not { } status)
            {
                // A status these words do not know: its row stays, and the thread's status is not known after it.
                was.Remove(key);
                last.Remove(key);
                continue;
            }

            if (was.TryGetValue(key, out var before) && before == status.Code)
            {
                last.Remove(key);
                folded[i] = true;
                continue;
            }

            was[key] = status.Code;
            if (last.Remove(key, out var cause) && e.At - entries[cause].At <= EffectWindow)
            {
                rows[cause] = WithStatus(rows[cause], status.Label);
                folded[i] = true;
            }
        }

        return rows.Where((_, i) => !folded[i]).ToList();
    }

    /// <summary>A row that says the status its entry left: after its own detail (where English goes on in lower case), or as it.</summary>
    private static TimelineRow WithStatus(TimelineRow row, Text status) => row with
    {
        Detail = row.Detail is { } detail
            ? new Text($"{detail.Zh}；状态：{status.Zh}", $"{detail.En}; status: {status.En}")
            : new Text($"状态：{status.Zh}", $"status: {status.En}"),
    };

    /// <summary>
    /// The status an entry leaves its thread in (the case's, or a co-handling part's), as a code to compare and in words:
    /// a status entry's, or the one a dispatch (已派单), a cancellation (已撤销) or a part's override or drop gives without
    /// a status entry of its own. Null for an entry that leaves the status as it was, or a status these words do not know.
    /// </summary>
    private static (string Code, Text Label)? StatusLeftBy(TimelineEntryDto e)
    {
        var data = e.Data is { ValueKind: JsonValueKind.Object } d ? d : (JsonElement?)null;
        if (e.PartId is not null)
        {
            PartStatus? part = e.Kind switch
            {
                CaseEventKinds.Status => EnumNames.TryParse<PartStatus>(Str(data, "status"), out var s) ? s : null,
                CaseEventKinds.Dispatched => PartStatus.Dispatched,
                CaseEventKinds.PartOverridden => PartStatus.Overridden,
                CaseEventKinds.PartDropped => PartStatus.Dropped,
                _ => null,
            };
            return part is { } p ? (CasePart.Name(p), CasePart.Label(p)) : null;
        }

        CaseStatus? status = e.Kind switch
        {
            CaseEventKinds.Status => CaseStatuses.TryParse(Str(data, "status"), out var s) ? s : null,
            CaseEventKinds.Dispatched => CaseStatus.Dispatched,
            CaseEventKinds.Cancelled => CaseStatus.Cancelled,
            _ => null,
        };
        return status is { } c ? (CaseStatuses.Name(c), CaseStatuses.Label(c)) : null;
    }

    /// <summary>A joint case's departments today: the lead's, and each co-handling part's by part id.</summary>
    public sealed record JointDepartments(string Lead, IReadOnlyDictionary<long, string> Parts);

    /// <summary>
    /// On a joint case, the department each entry belongs to when it happened: the one the entry names, else its
    /// thread's (the lead's, or one part's) at that moment. Walked from today back in time: each thread is with today's
    /// department until, going back, a reassignment is passed, before which it was with the department moved from. So a
    /// reassigned part's return stays the returning department's, also when the page shows only the latest entries.
    /// </summary>
    private static string?[] DepartmentsAtTheTime(IReadOnlyList<TimelineEntryDto> entries, JointDepartments today, bool newestFirst)
    {
        var order = Enumerable.Range(0, entries.Count).ToList();
        if (!newestFirst)
        {
            order.Reverse();
        }

        var current = new Dictionary<long, string?>(); // the lead under key 0 (part ids start at 1)
        var result = new string?[entries.Count];
        foreach (var i in order)
        {
            var e = entries[i];
            var key = e.PartId ?? 0;
            if (!current.TryGetValue(key, out var department))
            {
                department = e.PartId is { } id ? today.Parts.GetValueOrDefault(id) : today.Lead;
            }

            var data = e.Data is { ValueKind: JsonValueKind.Object } d ? d : (JsonElement?)null;
            result[i] = Str(data, "department") ?? department;
            current[key] = e.Kind == CaseEventKinds.Reassigned && Str(data, "from") is { } from ? from : department;
        }

        return result;
    }

    /// <summary>What a department of a joint case did or was told; the lead's own entries say so too.</summary>
    private static readonly HashSet<string> DepartmentsOwn =
    [
        CaseActions.Accept, CaseActions.Progress, CaseActions.Return, CaseActions.Extension, CaseActions.Resolve, CaseActions.Submit,
        CaseEventKinds.Status, CaseEventKinds.Escalated, CaseEventKinds.AcceptOverdue, CaseEventKinds.Urged, CaseEventKinds.LeaderReminder,
        CaseEventKinds.ExtensionApproved, CaseEventKinds.ExtensionDenied, CaseEventKinds.ExtensionWithdrawn, CaseEventKinds.DeadlineChanged,
    ];

    /// <summary>The whole case's states, which the officer's decisions give it: not the lead's own.</summary>
    private static readonly HashSet<CaseStatus> CaseWide = [CaseStatus.Closed, CaseStatus.Cancelled];

    /// <summary>
    /// On a joint case an entry says whose it is: a co-handler's (its accept, return, submission…) so the lead's people
    /// do not read it as their own, and the lead's so a co-handler does not read it as its own. A dispatch, a
    /// reassignment and a part's status name their departments already; a close or a cancellation is the whole case's.
    /// On a reassigned case that has no co-handlers (<paramref name="roles"/> false), the department alone, without
    /// 主办.
    /// </summary>
    private static TimelineRow Whose(TimelineEntryDto e, TimelineRow row, Names names, string? code, bool roles)
    {
        var data = e.Data is { ValueKind: JsonValueKind.Object } d ? d : (JsonElement?)null;
        var partStatus = e.Kind is CaseEventKinds.Status && e.PartId is not null && Str(data, "department") is not null;
        var caseWide = e.Kind is CaseEventKinds.Status && e.PartId is null && CaseStatuses.TryParse(Str(data, "status"), out var status) && CaseWide.Contains(status);
        if (code is null || e.Kind is CaseEventKinds.Dispatched or CaseEventKinds.Reassigned || partStatus || caseWide
            || (e.PartId is null && !DepartmentsOwn.Contains(e.Kind)))
        {
            return row;
        }

        var department = names.Department(code);
        var (zh, en) = e.PartId is null ? ("主办", "lead") : ("协办", "co-handler");
        var whose = roles ? new Text($"{department.Zh}（{zh}）", $"{department.En} ({en})") : department;
        return row with
        {
            // A list of facts, as a status after it goes on (…；状态：…): not 部门（协办）：原因：… with two colons.
            Detail = row.Detail is { } detail ? new Text($"{whose.Zh}；{detail.Zh}", $"{whose.En}; {English.GoOn(detail.En)}") : whose,
        };
    }

    /// <param name="mailLabel">A mail's words when its kind alone does not say what it told (<see cref="PartEndMails"/>).</param>
    private TimelineRow Describe(TimelineEntryDto e, Names names, Text? mailLabel = null)
    {
        var data = e.Data is { ValueKind: JsonValueKind.Object } d ? d : (JsonElement?)null;
        var who = names.Person(e.Actor);
        var what = CaseEventKinds.Label(e.Kind);
        var human = !CaseTimeline.IsMachine(e.Actor);
        Text? detail = null;
        switch (e.Kind)
        {
            case CaseEventKinds.Dispatched:
                var department = names.Department(Str(data, "department"));
                var round = Int(data, "round");
                // Whose round it counts: the case's (the lead's) or the co-handling part's, not the department's; a
                // department the case was reassigned to gets round 2 on its first dispatch.
                var ofPart = data is { } dispatchData && dispatchData.TryGetProperty("coHandling", out var coHandling) && coHandling.ValueKind == JsonValueKind.True;
                var roundText = ofPart
                    ? new Text($"{department.Zh}，协办第 {round} 轮", $"to {department.En}, round {round} of the part")
                    : new Text($"{department.Zh}，事项第 {round} 轮", $"to {department.En}, round {round} of the case");
                detail = roundText;
                if (data is { } dispatched && dispatched.TryGetProperty("insisted", out var insisted) && insisted.ValueKind == JsonValueKind.Object)
                {
                    // 坚持原派 on the returned round's clock (SlaDeadlines.Insisted).
                    var clock = InsistDeadline.Explain(Int(insisted, "workingDaysLeft"));
                    detail = new Text($"{roundText.Zh}；{clock.Zh}", $"{roundText.En}; {clock.En}");
                }

                break;
            case CaseEventKinds.Status when Str(data, "department") is { } partOf && EnumNames.TryParse<PartStatus>(Str(data, "status"), out var partStatus):
                // A co-handler's part: its own status words, and whose part it is.
                var part = CasePart.Label(partStatus);
                var co = names.Department(partOf);
                detail = new Text($"{co.Zh}（协办）：{part.Zh}", $"{co.En} (co-handler): {part.En}");
                break;
            case CaseEventKinds.Status when CaseStatuses.TryParse(Str(data, "status"), out var status):
                detail = CaseStatuses.Label(status);
                break;
            case CaseEventKinds.Escalated when Str(data, "level") is { } level:
                detail = CaseEventKinds.EscalationLevel(level);
                break;
            case CaseEventKinds.DeadlineChanged:
                var provisional = ProvisionalDue(data, "dueAt");
                var due = When(Due(data, "dueAt")) + (provisional ? "（暂定）" : "");
                var dueEn = When(Due(data, "dueAt")) + (provisional ? " (provisional)" : "");
                // A co-handler's part is submitted, not resolved: its deadline is a submit deadline. A reopening whose clock
                // gave the date the case had says so (entries before the previous date was kept say "new").
                detail = CaseTimeline.DeadlineChangeWords(Str(data, "reason"), e.PartId is not null,
                    data is not { } deadlineData || CaseTimeline.DeadlineMoved(deadlineData), due, dueEn);
                break;
            case CaseEventKinds.DeadlineRecomputed:
                // A date that moved shows where it was: "2027-01-18 → 2027-01-21".
                var after = data is { } x && x.TryGetProperty("after", out var a) ? a : (JsonElement?)null;
                var was = data is { } y && y.TryGetProperty("before", out var b) ? b : (JsonElement?)null;
                var accept = Moved(Instant(was, "acceptBy"), Instant(after, "acceptBy"));
                var resolve = Moved(Instant(was, "dueAt"), Instant(after, "dueAt"));
                detail = e.PartId is null
                    ? new Text($"节假日安排已加载，签收期限 {accept}，办结期限 {resolve}", $"holiday schedule loaded: accept by {accept}, resolve by {resolve}")
                    : new Text($"节假日安排已加载，签收期限 {accept}，提交期限 {resolve}", $"holiday schedule loaded: accept by {accept}, submit by {resolve}");
                break;
            case CaseEventKinds.Reassigned or CaseEventKinds.Insisted:
                var from = names.Department(Str(data, "from"));
                var to = names.Department(Str(data, "to"));
                // A co-handling part moved is not the case moved: it says so.
                detail = e.Kind == CaseEventKinds.Insisted
                    ? new Text($"仍由 {to.Zh} 办理", $"stays with {to.En}")
                    : e.PartId is null
                        ? new Text($"由 {from.Zh} 改派至 {to.Zh}", $"from {from.En} to {to.En}")
                        : new Text($"协办由 {from.Zh} 改派至 {to.Zh}", $"co-handling part from {from.En} to {to.En}");
                break;
            case CaseActions.Return when Str(data, "reasonCode") is { } code && CaseActions.ReturnReasons.TryGetValue(code, out var reason):
                detail = new Text($"原因：{reason.Zh}", $"reason: {English.GoOn(reason.En)}");
                break;
            case CaseEventKinds.ExtensionApproved when Int(data, "days") is { } granted && Int(data, "asked") is { } askedFor && askedFor != granted:
                // Fewer days granted than asked (部分同意): both, in words that need no brackets inside the row's own.
                detail = new Text($"申请 {askedFor} 个工作日，批准 {granted} 个", $"{granted} of {askedFor} working days");
                break;
            case CaseActions.Extension or CaseEventKinds.ExtensionApproved or CaseEventKinds.ExtensionDenied when Int(data, "days") is { } days:
                detail = new Text($"{days} 个工作日", English.Count(days, "working day", "working days"));
                break;
            case CaseEventKinds.ExtensionWithdrawn:
                var asked = Int(data, "days");
                var why = CaseActions.Withdrawal(WithdrawnBy(e));
                detail = asked is { } n
                    ? new Text($"{n} 个工作日；{why.Zh}", $"{English.Count(n, "working day", "working days")}; {why.En}")
                    : why;
                break;
            case CaseEventKinds.Urged when data is { } u && u.TryGetProperty("copyLeader", out var copied) && copied.ValueKind == JsonValueKind.True:
                detail = new Text("已抄送分管领导", "the leader copied");
                break;
            case CaseEventKinds.EnterpriseRated when Ratings.TryParse(Str(data, "score"), out RatingScore score):
                detail = new Text(Ratings.Label(score).Zh, English.GoOn(Ratings.Label(score).En));
                break;
            case CaseEventKinds.LiaisonChanged when data is { } changed:
                (string? From, string? To)? Change(string role) => changed.TryGetProperty(role, out var c) && c.ValueKind == JsonValueKind.Object
                    ? (Str(c, "from"), Str(c, "to"))
                    : null;
                detail = Departments.LiaisonChange.Describe(Change("handler"), Change("leader"));
                break;
            case CaseEventKinds.Reopened when data is { } reopened && reopened.TryGetProperty("coDepartments", out var again) && again.ValueKind == JsonValueKind.Array:
                // The co-handlers the officer asked again (重新协办), each dispatched a new round of its part.
                var parts = again.EnumerateArray().Select(x => names.Department(x.GetString())).ToList();
                detail = new Text($"重新协办：{string.Join("、", parts.Select(p => p.Zh))}", $"co-handlers asked again: {string.Join(", ", parts.Select(p => p.En))}");
                break;
            case CaseEventKinds.FromVisit:
                detail = new Text($"走访记录 {Int(data, "visitId")}（{Str(data, "visitedOn")}）", $"visit {Int(data, "visitId")} ({Str(data, "visitedOn")})");
                break;
            case CaseEventKinds.Email:
                var kind = Str(data, "kind");
                var recipient = Str(data, "toName") is { Length: > 0 } toName ? new Text(toName, toName) : names.Person(Str(data, "to") ?? "");
                var label = mailLabel ?? (kind is null ? new Text("", "") : CaseMailKind.Label(kind));
                detail = new Text($"{label.Zh} → {recipient.Zh}", $"{label.En} → {recipient.En}");
                break;
        }

        // A status change's note is the machine's bilingual "状态：… / Status: …", a deadline change's "延期已批准… / Extension
        // approved…" (its actor the officer who decided) and a liaison change's Chinese "经办人 … → …" (its actor the admin):
        // the detail already says it in the reader's language.
        var note = human && e.Kind is not (CaseEventKinds.Status or CaseEventKinds.DeadlineChanged or CaseEventKinds.LiaisonChanged) ? e.Note : null;
        // A handover that keeps its reason in its data (Handover.Give) is said in the reader's language, with its punctuation;
        // an older one shows its note as written.
        if (e.Kind == CaseEventKinds.OfficerChanged && data is { } handover && handover.TryGetProperty("reason", out var handoverReason))
        {
            var (from, to) = (names.Person(Str(data, "from") ?? "?"), names.Person(Str(data, "to") ?? "?"));
            var why = handoverReason.ValueKind == JsonValueKind.String ? handoverReason.GetString() : null;
            detail = new Text(Auth.Handover.Words(from.Zh, to.Zh, why).Zh, Auth.Handover.Words(from.En, to.En, why).En);
            note = null;
        }

        return new TimelineRow(e.At, who, what, detail, note, e.Kind == CaseEventKinds.Email);
    }

    /// <summary>The attachments stored with a lead's 办结 or a co-handler's 提交 (data.attachments), or null.</summary>
    private static string? AttachmentsOf(TimelineEntryDto e) =>
        e.Kind is CaseActions.Resolve or CaseActions.Submit && Str(e.Data is { ValueKind: JsonValueKind.Object } d ? d : null, "attachments") is { Length: > 0 } given
            ? given
            : null;

    private string Moved(DateTimeOffset? before, DateTimeOffset? after) =>
        before is { } b && after is { } now && b != now && When(b) != When(now) ? $"{When(b)} → {When(now)}" : When(after);

    private string When(DateTimeOffset? at) =>
        at is { } t ? calendars.Minute(t) : "—";

    /// <summary>Who the actors and recipients are (<see cref="ActorNames"/>), and the departments by code.</summary>
    private async Task<Names> NamesAsync(IReadOnlyList<TimelineEntryDto> entries, IReadOnlyList<Department> departments, string caseNumber, CancellationToken ct)
    {
        // A handover's previous officer too: they need not have acted on the case themselves.
        var ids = entries.Select(e => e.Actor).Concat(entries.Select(e => e.Data is { ValueKind: JsonValueKind.Object } d ? Str(d, "to") : null))
            .Concat(entries.Select(e => e.Kind == CaseEventKinds.OfficerChanged && e.Data is { ValueKind: JsonValueKind.Object } d ? Str(d, "from") : null))
            .OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new Names(await actors.PeopleAsync(ids, departments, caseNumber, ct), departments.ToDictionary(d => d.Code, d => d.Name));
    }

    private sealed record Names(Dictionary<string, Text> People, Dictionary<string, string> Departments)
    {
        public Text Person(string who) => ActorNames.Person(People, who);

        public Text Department(string? code) =>
            code is null ? new Text("—", "—") : Departments.TryGetValue(code, out var name) ? new Text(name, name) : new Text(code, code);
    }

    private static string? Str(JsonElement? data, string name) =>
        data is { } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement? data, string name) =>
        data is { } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    /// <summary>Whether the <c>Deadline</c> object stored under <paramref name="name"/> was computed without its year's holiday schedule.</summary>
    private static bool ProvisionalDue(JsonElement? data, string name) =>
        data is { } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
        && v.TryGetProperty("provisional", out var p) && p.ValueKind == JsonValueKind.True;

    /// <summary>A stored <c>Deadline</c> object's due time.</summary>
    private static DateTimeOffset? Due(JsonElement? data, string name) =>
        data is { } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? Instant(v, "due") : null;

    private static DateTimeOffset? Instant(JsonElement? data, string name) =>
        data is { } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t) ? t : null;
}
