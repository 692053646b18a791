using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Server.Cases;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Links;
using Liaison.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Liaison.Server.EnterpriseView;

/// <summary>
/// The enterprise's rating through its link and the officer's decision on an unsatisfied one. Each is one transaction
/// that locks the rating row (<c>FOR UPDATE</c>) and checks its state first, so a rating or a decision happens exactly
/// once, however many requests race.
/// </summary>
public sealed class RatingService(
    LiaisonDbContext db, CaseService cases, EnterpriseNotices notices, CaseMailer mailer, Calendar.CalendarService calendars, ActorNames actors,
    TimeProvider clock, IOptions<LiaisonOptions> options)
{
    /// <summary>
    /// Whether an enterprise link has ended, as a liaison's does when its round ends: the link grace period
    /// (<c>Liaison:LinkGracePeriod</c>) after the case was cancelled, or after it closed and its rating window (if it
    /// has one) ended. While the case runs, and during that time, the page shows progress and the rating.
    /// </summary>
    public async Task<bool> EndedAsync(Case c, CancellationToken ct)
    {
        if (c.Status is not (CaseStatus.Closed or CaseStatus.Cancelled) || c.ClosedAt is not { } end)
        {
            return false;
        }

        if (c.Status == CaseStatus.Closed
            && await db.Set<CaseRating>().AsNoTracking().Where(r => r.CaseId == c.Id).Select(r => (DateTimeOffset?)r.ClosesAt).FirstOrDefaultAsync(ct) is { } closes
            && closes > end)
        {
            end = closes;
        }

        return clock.GetUtcNow() >= end + options.Value.LinkGracePeriod;
    }

    /// <summary>
    /// Whether the link went to a notice contact the enterprise has replaced since (its
    /// <see cref="RegisteredEnterprise.NoticeContactVersion"/> moved past the link's): then it shows and rates nothing.
    /// </summary>
    public async Task<bool> ReplacedAsync(EnterpriseLink link, Case c, CancellationToken ct) =>
        c.EnterpriseId is { } id
        && await db.Set<RegisteredEnterprise>().AsNoTracking().Where(e => e.Id == id).Select(e => (int?)e.NoticeContactVersion).FirstOrDefaultAsync(ct) is { } version
        && version != link.ContactVersion;

    /// <summary>The case behind an enterprise link, or null for an unknown or malformed token.</summary>
    public async Task<(EnterpriseLink Link, Case Case)?> FindAsync(string? token, CancellationToken ct)
    {
        if (!LinkTokens.LooksValid(token))
        {
            return null;
        }

        var hash = LinkTokens.Hash(token!);
        var link = await db.Set<EnterpriseLink>().AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == hash, ct);
        return link is not null && await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == link.CaseId, ct) is { } c ? (link, c) : null;
    }

    public Task<CaseRating?> RatingAsync(long caseId, CancellationToken ct) =>
        db.Set<CaseRating>().AsNoTracking().FirstOrDefaultAsync(r => r.CaseId == caseId, ct);

    public static readonly Text AlreadyRated = new("已评价，感谢您的反馈", "Already rated: thank you for your feedback");

    public static readonly Text WindowClosed = new("评价期已结束", "The rating period has ended");

    /// <summary>The action a rating's request id is recorded under (<see cref="CaseActionRequest"/>).</summary>
    private const string RateAction = "enterprise-rate";

    /// <summary>
    /// Rates the case of <paramref name="caseId"/>: Conflict when it was rated already, Gone after the window or when the
    /// case has no rating window; the comment is limited to <see cref="Ratings.MaxCommentLength"/>.
    /// </summary>
    /// <param name="requestId">
    /// The form's one-time id: the same rating sent again with it (a double tap, a resend without script) answers as the
    /// first sending did; null from a page loaded before forms carried one.
    /// </param>
    public async Task<ServiceResult<CaseRating>> RateAsync(long caseId, string? score, string? comment, CancellationToken ct, Guid? requestId = null)
    {
        var v = new Validation();
        if (!Ratings.TryParse(score, out RatingScore parsed))
        {
            // In the words the form offers, not the codes it posts.
            var (good, fair, bad) = (Ratings.Label(RatingScore.Satisfied), Ratings.Label(RatingScore.FairlySatisfied), Ratings.Label(RatingScore.Unsatisfied));
            v.Add("score", $"请选择：{good.Zh}、{fair.Zh}或{bad.Zh}", $"choose {good.En}, {fair.En} or {bad.En}");
        }

        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        v.MaxLength("comment", text, Ratings.MaxCommentLength);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var rating = await LockAsync(caseId, ct);
        var now = clock.GetUtcNow();
        if (rating is null)
        {
            // A cancelled case never gets a rating window; any other is rated once the zone confirms it.
            return await db.Cases.AnyAsync(x => x.Id == caseId && x.Status == CaseStatus.Cancelled, ct)
                ? new ServiceError.NotAllowed(new("该事项已撤销，无需评价", "The case was cancelled: there is nothing to rate"))
                : new ServiceError.NotAllowed(new("园区确认办结后才能评价", "The case can be rated once the zone has confirmed it"));
        }

        var fingerprint = RequestFingerprint.Of(Ratings.Name(parsed), text);
        if (rating.RatedAt is not null && requestId is { } sentBefore
            && await db.Set<CaseActionRequest>().AsNoTracking().AnyAsync(
                r => r.RequestId == sentBefore && r.CaseId == caseId && r.Action == RateAction && r.Fingerprint == fingerprint, ct))
        {
            // This very rating, sent again: recorded by its first sending.
            return rating;
        }

        if (rating.RatedAt is null && rating.ClosesAt <= now)
        {
            return new ServiceError.Gone(WindowClosed);
        }

        if (rating.RatedAt is not null)
        {
            return new ServiceError.Conflict(AlreadyRated);
        }

        rating.Score = parsed;
        rating.Comment = text;
        rating.RatedAt = now;
        // An id already taken (only a crafted form reuses one) is not recorded again: the rating still counts once.
        if (requestId is { } id && !await db.Set<CaseActionRequest>().AnyAsync(r => r.RequestId == id, ct))
        {
            db.Add(new CaseActionRequest { RequestId = id, CaseId = caseId, Action = RateAction, At = now, Fingerprint = fingerprint });
        }

        var c = await db.Cases.FirstAsync(x => x.Id == caseId, ct);
        var label = Ratings.Label(parsed);
        CaseTimeline.Add(db, c, now, CaseEventKinds.EnterpriseRated, RatingEvents.Enterprise, text,
            new { score = Ratings.Name(parsed), label = label.Zh, department = rating.DepartmentCode });
        if (parsed == RatingScore.Unsatisfied)
        {
            // The officer who follows the case hears at once, not only from the next digest: in this commit, so the mail
            // goes exactly when the rating is recorded (the lock above refuses a second rating, and with it a second mail).
            await mailer.SendAsync(db, c, CaseMailKind.RatedUnsatisfied, [Audiences.Officer], new CaseMailer.Extras(text), ct);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return rating;
    }

    /// <param name="Decision"><c>reopen</c> (重办: a follow-up case) or <c>close</c> (说明后结案).</param>
    /// <param name="DepartmentCode">
    /// Reopen only: the follow-up case's lead department; absent, the original's, which must then still be active.
    /// </param>
    public sealed record DecisionInput(string? Decision, string? Note, string? DepartmentCode = null);

    /// <summary>
    /// The officer's decision on an unsatisfied rating, exactly once: reopen opens a follow-up case (same enterprise,
    /// lead department, category and priority; the enterprise's comment in its description) in the same transaction
    /// as the decision; close records the note. Either is written on the original case's timeline.
    /// </summary>
    /// <returns>The rating afterwards; for a reopen, <see cref="CaseRating.FollowUpCaseId"/> names the new case.</returns>
    public async Task<ServiceResult<CaseRating>> DecideAsync(string number, string officerId, string officerName, DecisionInput input, CancellationToken ct)
    {
        var original = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Number == number, ct);
        if (original is null)
        {
            return CaseQueries.NotFound(number);
        }

        var v = new Validation();
        if (!Ratings.TryParse(input.Decision, out RatingDecision decision))
        {
            v.Add("decision", "请选择：reopen（重办）或 close（说明后结案）", "must be reopen or close");
        }

        var note = Validation.Optional(input.Note);
        v.MaxLength("note", note, Ratings.MaxDecisionNoteLength);
        if (v.IsValid && decision == RatingDecision.Closed && note is null)
        {
            v.Add("note", "请填写结案说明", "give a note to close it");
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var current = await RatingAsync(original.Id, ct);
        if (current?.AwaitsDecision != true)
        {
            return await NothingToDecideAsync(current, ct);
        }

        // After the state check: the same reopen sent again after it went through is a conflict its caller recognises,
        // not a department to choose once more.
        var department = await FollowUpDepartmentAsync(original, decision, Validation.Optional(input.DepartmentCode), v, ct);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        if (decision == RatingDecision.Closed)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var (rating, refused) = await RecordAsync(original.Id, decision, note, officerName, null, ct);
            if (refused is not null)
            {
                return refused;
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return rating!;
        }

        // 重办 after the close: the original's workflow has ended, so the problem is handled again as a follow-up case
        // with a workflow, deadlines and links of its own. The decision is recorded inside the open's transaction.
        CaseRating? decided = null;
        var title = $"重办：{original.Title}";
        // A joint case is handled again jointly: the co-handlers whose parts were in at the close (submitted, or resolved
        // over) get their part again, with its task; dropped and returned parts, and departments no longer active, do not.
        var coDepartments = await cases.AskableAgain(original.Id, department!).AsNoTracking()
            .Select(p => new CaseService.CoDepartmentInput(p.DepartmentCode, p.Task)).ToListAsync(ct);
        var opened = await cases.OpenAsync(officerId, new CaseService.OpenCase(
            title.Length > 200 ? title[..200] : title,
            FollowUpDescription(original, current, note, await ReadsEnglishAsync(department!, ct)),
            original.Category,
            original.Priority.ToString(),
            department!,
            // Registered, the register names it (it may have been renamed since the original case).
            new CaseService.CaseEnterpriseInput(original.EnterpriseId is null ? original.Enterprise.Name : null, original.Enterprise.CreditCode, original.Enterprise.Contact, null, null),
            CoDepartments: coDepartments, EnterpriseId: original.EnterpriseId), ct, alongside: async (followUp, innerCt) =>
        {
            var (rating, refused) = await RecordAsync(original.Id, decision, note, officerName, followUp, innerCt);
            decided = rating;
            return refused;
        });
        if (opened.Error is { } error)
        {
            return error is ServiceError.Invalid invalid ? new ServiceError.Invalid(AsDecisionFields(invalid.Fields)) : error;
        }

        return decided!;
    }

    /// <summary>Whether a department's handler reads English (the language of its mails); the zone's language, Chinese, otherwise.</summary>
    private async Task<bool> ReadsEnglishAsync(string department, CancellationToken ct) =>
        (await db.Departments.AsNoTracking().Where(d => d.Code == department).Select(d => d.Handler.Culture).FirstOrDefaultAsync(ct))?
            .StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// The follow-up's lead department: the one chosen (active), else the original's while it is active. A department
    /// deactivated since the close must be replaced by a choice, said against the request's own <c>departmentCode</c>.
    /// Null (nothing to choose) for a close, which takes no department.
    /// </summary>
    private async Task<string?> FollowUpDepartmentAsync(Case original, RatingDecision decision, string? chosen, Validation v, CancellationToken ct)
    {
        if (decision != RatingDecision.Reopened)
        {
            if (chosen is not null)
            {
                v.Add("departmentCode", "只有重办需要选择承办部门", "a department is chosen only to reopen");
            }

            return null;
        }

        if (chosen is not null)
        {
            if (!await db.Departments.AsNoTracking().AnyAsync(d => d.Code == chosen && d.Active, ct))
            {
                v.Add("departmentCode", $"没有代码为 {chosen} 的在用部门，请选择在用的部门", $"no active department has the code '{chosen}': choose an active one");
            }

            return chosen;
        }

        var lead = await db.Departments.AsNoTracking().Where(d => d.Code == original.DepartmentCode).Select(d => new { d.Name, d.Active }).FirstOrDefaultAsync(ct);
        if (lead?.Active != true)
        {
            var name = lead?.Name ?? original.DepartmentCode;
            v.Add("departmentCode", $"原承办部门（{name}）已停用，请选择重办事项的承办部门", $"the original department ({name}) is no longer active: choose the follow-up case's department");
        }

        return original.DepartmentCode;
    }

    /// <summary>
    /// The open's refusal in the decision's own fields: <c>departmentCode</c> (a department deactivated meanwhile) stays; what
    /// the follow-up takes from the original (its title, category, enterprise) is no field of the request, so it is said
    /// under <c>decision</c>.
    /// </summary>
    private static Validation AsDecisionFields(Validation open)
    {
        var v = new Validation();
        foreach (var (field, messages) in open.Errors)
        {
            foreach (var m in messages)
            {
                if (field == "departmentCode")
                {
                    v.Add(field, m);
                }
                else if (TakenFromOriginal(field) is { } what)
                {
                    v.Add("decision", $"无法按原事项的{what.Zh}开立重办事项：{m.Zh}", $"the follow-up case cannot be opened with the original case's {what.En}: {m.En}");
                }
                else
                {
                    v.Add("decision", $"无法开立重办事项：{m.Zh}", $"the follow-up case cannot be opened: {m.En}");
                }
            }
        }

        return v;
    }

    /// <summary>
    /// What the follow-up takes from the original, in words inside a sentence (the open names it by its field code:
    /// <c>category</c>, <c>enterprise.creditCode</c>, <c>coDepartments[0].departmentCode</c>); null for another field.
    /// </summary>
    private static Text? TakenFromOriginal(string field) => field.Split('.', '[')[0] switch
    {
        "title" => new("标题", "title"),
        "description" => new("问题描述", "description"),
        "category" => new("类别", "category"),
        "priority" => new("紧急程度", "urgency"),
        "enterprise" or "enterpriseId" => new("企业", "enterprise"),
        "coDepartments" => new("协办部门", "co-handling departments"),
        _ => null,
    };

    /// <summary>
    /// The case's rating when <paramref name="officer"/> already decided it as <paramref name="decision"/> with
    /// <paramref name="note"/>: the same decision sent again (a reload, a double tap, a retry after a lost answer).
    /// A colleague's decision, or another note, is not: the note sent would otherwise be silently dropped.
    /// </summary>
    public async Task<CaseRating?> SameDecisionAsync(string number, string officer, string? decision, string? note, CancellationToken ct)
    {
        if (!Ratings.TryParse(decision, out RatingDecision wanted))
        {
            return null;
        }

        var sentNote = Validation.Optional(note);
        var rating = await db.Set<CaseRating>().AsNoTracking().Where(r => db.Cases.Any(c => c.Id == r.CaseId && c.Number == number)).FirstOrDefaultAsync(ct);
        return rating is not null && rating.Decision == wanted && rating.DecidedBy == officer && rating.DecisionNote == sentNote ? rating : null;
    }

    /// <summary>Locks the rating, checks it still awaits a decision and records it (and, for a reopen, links the follow-up both ways).</summary>
    private async Task<(CaseRating? Rating, ServiceError? Refused)> RecordAsync(
        long caseId, RatingDecision decision, string? note, string officer, Case? followUp, CancellationToken ct)
    {
        var rating = await LockAsync(caseId, ct);
        if (rating?.AwaitsDecision != true)
        {
            return (null, await NothingToDecideAsync(rating, ct));
        }

        var now = clock.GetUtcNow();
        rating.Decision = decision;
        rating.DecisionNote = note;
        rating.NoteForEnterprise = decision == RatingDecision.Closed;
        rating.DecidedAt = now;
        rating.DecidedBy = officer;
        rating.FollowUpCaseId = followUp?.Id;
        var c = await db.Cases.FirstAsync(x => x.Id == caseId, ct);
        if (followUp is null)
        {
            CaseTimeline.Add(db, c, now, CaseEventKinds.RatingClosed, officer, note);
            // The enterprise hears the answer by mail too: it may have rated days ago and not look at its link again.
            // A reopen needs no mail of its own here: the follow-up case's opening mails the enterprise its link.
            await notices.AnswerAsync(db, c, note!, withLink: !await EndedAsync(c, ct), ct);
        }
        else
        {
            CaseTimeline.Add(db, c, now, CaseEventKinds.RatingReopened, officer, note, new { followUp = followUp.Number });
            CaseTimeline.Add(db, followUp, now, CaseEventKinds.FollowUpOf, officer, note, new { original = c.Number });
        }

        // A key enterprise's service team, told of the 不满意, hears how it was decided.
        await mailer.TellServiceTeamAsync(db, c, followUp is null ? CaseEventKinds.RatingClosed : CaseEventKinds.RatingReopened, note, ct);

        return (rating, null);
    }

    /// <summary>
    /// The follow-up case's description, in one language: the follow-up department's (Chinese, the zone's, unless its
    /// liaisons read English). The original problem comes first, as it is what the department must solve and what the
    /// mails show of a description (its first 200 characters); then the
    /// enterprise's comment, the officer's note and the original case's number. What people wrote stays as written; a
    /// description too long for the field loses the end of the original problem (the original case keeps it whole).
    /// </summary>
    internal static string FollowUpDescription(Case original, CaseRating rating, string? note, bool english)
    {
        var tail = english
            ? $"\n\nEnterprise's comment: {rating.Comment ?? "(none)"}"
                + (note is null ? "" : $"\nZone's note: {note}")
                + $"\nOriginal case: {original.Number} (the enterprise was not satisfied with how it was handled; this case handles it again)"
            : $"\n\n企业意见：{rating.Comment ?? "（无）"}"
                + (note is null ? "" : $"\n园区意见：{note}")
                + $"\n原事项：{original.Number}（企业对其办理结果不满意，本事项为重办）";
        var problem = original.Description;
        var room = MaxDescriptionLength - tail.Length;
        if (problem.Length > room)
        {
            var cut = Math.Max(room - 1, 0);
            if (cut > 0 && char.IsHighSurrogate(problem[cut - 1]))
            {
                cut--;
            }

            problem = problem[..cut] + "…";
        }

        var text = problem + tail;
        return text.Length > MaxDescriptionLength ? text[..MaxDescriptionLength] : text;
    }

    /// <summary>The longest description a case takes (CaseService.OpenAsync).</summary>
    private const int MaxDescriptionLength = 4000;

    /// <summary>
    /// Why there is no rating to decide: none unsatisfied, or decided already, said with what was decided, by whom and
    /// when (and the follow-up case a reopen opened), so a colleague's decision is not taken for a fault.
    /// </summary>
    private async Task<ServiceError> NothingToDecideAsync(CaseRating? rating, CancellationToken ct)
    {
        if (rating is not { Decision: { } decision })
        {
            return new ServiceError.NotAllowed(new("企业没有不满意评价待决定", "There is no unsatisfied rating to decide"));
        }

        var at = rating.DecidedAt is { } t ? calendars.Minute(t) : null;
        var number = await db.Cases.AsNoTracking().Where(c => c.Id == rating.CaseId).Select(c => c.Number).FirstAsync(ct);
        var by = rating.DecidedBy is { } officer ? await actors.NameAsync(officer, number, ct) : new Text("园区工作人员", "an officer");
        var who = new Text($"{by.Zh} {(at is null ? "已" : $"已于 {at} ")}", $"by {by.En}{(at is null ? "" : $" at {at}")}");
        var followUp = rating.FollowUpCaseId is { } id ? await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => c.Number).FirstOrDefaultAsync(ct) : null;
        var what = decision == RatingDecision.Reopened
            ? new Text($"重办{(followUp is null ? "" : $"（重办事项 {followUp}）")}", $"reopened{(followUp is null ? "" : $" as follow-up case {followUp}")}")
            : new Text("说明后结案", "closed with a note");
        return new ServiceError.Conflict(new($"{who.Zh}对企业评价作出决定：{what.Zh}", $"The enterprise's rating was already decided {who.En}: {what.En}"));
    }

    private async Task<CaseRating?> LockAsync(long caseId, CancellationToken ct) =>
        (await db.Set<CaseRating>().FromSql($"SELECT * FROM case_ratings WHERE case_id = {caseId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
}

public static class RatingEvents
{
    /// <summary>The actor of the enterprise's own timeline entries: never its contact's name or address.</summary>
    public const string Enterprise = "enterprise";
}
