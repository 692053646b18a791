using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Notifications;
using Liaison.Server.Auth;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Links;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.EnterpriseView;

/// <summary>
/// The enterprise's page behind its personal link (<c>/e/{token}</c>), phone first, in Chinese unless the reader
/// switches: the case's progress without internal notes and, once the officer confirmed, the rating form. GET only
/// shows (mail scanners pre-fetch links); the rating is a POST from the page (as the liaisons' links: no antiforgery
/// token, another site's post refused, <see cref="CrossSitePosts"/>), and the rating row's lock makes it count once.
/// </summary>
public static class EnterpriseLinkPages
{
    public static IEndpointRouteBuilder MapEnterpriseLinkPages(this IEndpointRouteBuilder app)
    {
        // As the liaisons' links: the token is the key, so no Referer, no cache, no search engine.
        var links = app.MapPersonalLinkGroup("/e");
        links.MapGet("/{token}", Show);
        links.MapPost("/{token}", Rate).RequireRateLimiting(SessionSecurity.LinkPostPolicy).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> Show(string token, HttpContext http, RatingService ratings, LiaisonDbContext db, Ui ui, TimeProvider clock, CancellationToken ct)
    {
        var (c, refusal) = await OpenAsync(token, ratings, db, ct);
        if (c is null)
        {
            return refusal!;
        }

        // Said by the rating that redirected here, once (Flash): the address cannot make the page claim a rating was sent.
        Text? flash = Flash.Take<RatingSent>(http) is not null ? new Text("评价已提交，感谢您的反馈！", "Your rating was sent: thank you!") : null;
        return await PageAsync(c, flash, null, StatusCodes.Status200OK, ratings, db, ui, clock, ct);
    }

    private static async Task<IResult> Rate(
        string token, HttpContext http, [FromForm] string? score, [FromForm] string? comment, [FromForm] Guid? requestId, RatingService ratings, LiaisonDbContext db,
        Ui ui, TimeProvider clock, CancellationToken ct)
    {
        var (c, refusal) = await OpenAsync(token, ratings, db, ct);
        if (c is null)
        {
            return refusal!;
        }

        if (requestId is null || requestId == Guid.Empty)
        {
            // As the liaisons' link pages: the page's form always carries one (its replay guard), so a post without it
            // is no post of the page (a script's, a form cut short), refused beside the form with nothing recorded.
            var v = new Validation();
            v.Add(Validation.WholeRequest, "请求不完整，请刷新页面后重试", "Request incomplete; reload the page and try again");
            return await PageAsync(c, null, new ServiceError.Invalid(v), StatusCodes.Status400BadRequest, ratings, db, ui, clock, ct, new SentRating(score, comment));
        }

        var result = await ratings.RateAsync(c.Id, score, comment, ct, requestId);
        switch (result.Error)
        {
            case null:
                // Post/Redirect/Get: a reload shows the page, it does not post again; the page thanks them, once.
                return Flash.Redirect(http, $"/e/{token}", new RatingSent());
            case ServiceError.Invalid:
                // The form again as it was filled in: the score chosen and the comment typed are not lost.
                return await PageAsync(c, null, result.Error, StatusCodes.Status400BadRequest, ratings, db, ui, clock, ct, new SentRating(score, comment));
            default:
                // Rated already, the window closed, or nothing to rate yet: the plain page, nothing changed.
                ui.AddressRecipient(Cultures.Chinese);
                return PageResults.Message(new MessageModel(result.Error.Message,
                    new Text("此链接可继续查看办理进度。", "This link still shows the case's progress."), $"/e/{token}", new Text("查看办理进度", "See the progress"))
                    { Navigation = false }, PageResults.StatusOf(result.Error));
        }
    }

    private static async Task<IResult> PageAsync(
        Case c, Text? flash, ServiceError? error, int status, RatingService ratings, LiaisonDbContext db, Ui ui, TimeProvider clock, CancellationToken ct,
        SentRating? sent = null)
    {
        ui.AddressRecipient(Cultures.Chinese);
        var parts = await db.Set<CasePart>().AsNoTracking().Where(p => p.CaseId == c.Id && p.Status != PartStatus.Dropped).OrderBy(p => p.Id)
            .Select(p => p.DepartmentCode).ToListAsync(ct);
        var codes = parts.Append(c.DepartmentCode).ToList();
        var names = await db.Departments.AsNoTracking().Where(d => codes.Contains(d.Code)).ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        var resolution = c.Status is CaseStatus.Resolved or CaseStatus.Closed ? await EnterpriseNotices.ResolutionAsync(db, c.Id, ct) : null;
        var steps = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id && e.PartId == null && Milestones.Contains(e.Kind))
            .OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => new { e.At, e.Kind, e.Data }).ToListAsync(ct);
        // A deadline "change" that left the date where it was (a reopen whose deadline came out the same) is none to the enterprise.
        steps.RemoveAll(e => e.Kind == CaseEventKinds.DeadlineChanged && !Cases.CaseTimeline.DeadlineMoved(e.Data));
        var rating = c.Status == CaseStatus.Closed ? await ratings.RatingAsync(c.Id, ct) : null;
        var firstDispatch = steps.FindIndex(e => e.Kind == CaseEventKinds.Dispatched);
        return PageResults.Page<EnterpriseLinkPage>(new EnterpriseLinkPageModel(
            c, names.GetValueOrDefault(c.DepartmentCode) ?? c.DepartmentCode, parts.Select(p => names.GetValueOrDefault(p) ?? p).ToList(),
            resolution, rating, clock.GetUtcNow(), flash, error)
        {
            Contacts = await EnterpriseNotices.ContactsAsync(db, c, ct),
            Sent = sent,
            // The reason the officer wrote for the department and the enterprise, as the 【事项撤销】 mail gives it.
            CancelReason = c.Status == CaseStatus.Cancelled
                ? await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id && e.PartId == null && e.Kind == CaseEventKinds.Cancelled)
                    .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.Note).FirstOrDefaultAsync(ct)
                : null,
            // A later dispatch (the case moved to another department, or was sent back to the same one) says so.
            Steps = steps.Select((e, i) => new EnterpriseStep(e.At, e.Kind == CaseEventKinds.Dispatched && i != firstDispatch
                ? new Text("重新交办承办部门", "Passed to a department again")
                : MilestoneText(e.Kind))).ToList(),
            // What the zone did about an unsatisfied rating: the follow-up case it opened is the enterprise's to follow.
            FollowUpNumber = rating?.FollowUpCaseId is { } followUp
                ? await db.Cases.AsNoTracking().Where(x => x.Id == followUp).Select(x => x.Number).FirstOrDefaultAsync(ct)
                : null,
        }, status);
    }

    /// <summary>
    /// The lead's events an enterprise is told of, as dates and what happened: no notes, no names, no returns or
    /// escalations (those are the zone's own business).
    /// </summary>
    private static readonly string[] Milestones =
    [
        CaseEventKinds.Dispatched, CaseActions.Accept, CaseActions.Progress, CaseEventKinds.DeadlineChanged, CaseActions.Resolve,
        CaseEventKinds.Reopened, CaseEventKinds.Confirmed, CaseEventKinds.Cancelled,
    ];

    private static Text MilestoneText(string kind) => kind switch
    {
        CaseEventKinds.Dispatched => new("交办承办部门", "Passed to the department"),
        CaseActions.Accept => new("承办部门签收", "Accepted by the department"),
        CaseActions.Progress => new("承办部门报告办理进展", "The department reported progress"),
        CaseEventKinds.DeadlineChanged => new("办结期限调整", "The resolve deadline was changed"),
        CaseActions.Resolve => new("承办部门办结", "Resolved by the department"),
        CaseEventKinds.Reopened => new("园区要求重新办理", "The zone asked for it to be handled again"),
        CaseEventKinds.Confirmed => new("园区确认办结", "Confirmed by the zone"),
        _ => new("撤销", "Cancelled"),
    };

    /// <summary>The case behind a working link; else the page that says why not (unknown: 404, ended: 410).</summary>
    private static async Task<(Case? Case, IResult? Refusal)> OpenAsync(string token, RatingService ratings, LiaisonDbContext db, CancellationToken ct)
    {
        if (await ratings.FindAsync(token, ct) is not var (link, c))
        {
            return (null, Invalid());
        }

        if (await ratings.ReplacedAsync(link, c, ct))
        {
            return (null, Replaced());
        }

        return await ratings.EndedAsync(c, ct) ? (null, Ended(c, await EnterpriseNotices.ContactsAsync(db, c, ct))) : (c, null);
    }

    /// <summary>
    /// A link of a notice contact the enterprise has since replaced (<see cref="RatingService.ReplacedAsync"/>): 410, as a
    /// liaison's link after the department named a new liaison. The new contact was mailed links of its own.
    /// </summary>
    private static IResult Replaced() => PageResults.Message(
        new MessageModel(new Text("此链接已停用", "This link no longer works"),
            new Text("企业接收通知的联系人已更换，办理进度已改为告知新的联系人。如需了解情况，请联系园区工作人员。",
                "The enterprise named another contact for case notices, who now receives the case's progress. To ask about it, contact the park officer."))
        { Navigation = false },
        StatusCodes.Status410Gone);

    /// <summary>
    /// A link whose case ended a while ago (<see cref="RatingService.EndedAsync"/>): 410, saying whether it was cancelled or
    /// closed, and whom at the zone to ask with their email (the case's officer, a key enterprise's chief service officer),
    /// as a liaison's ended link names its officer (<see cref="LinkEndings.Contact"/>). Nothing else of the case.
    /// </summary>
    private static IResult Ended(Case c, IReadOnlyList<ZoneContact> contacts) => PageResults.Message(
        new MessageModel(new Text("此链接已结束", "This link has ended"),
            c.Status == CaseStatus.Cancelled
                ? new Text("该事项已撤销，此链接已停止使用。", "The case was cancelled, and this link no longer works.")
                : new Text("该事项已办结，评价期也已结束。", "The case was closed and its rating period is over."),
            Hint: Contact(contacts))
        { Navigation = false },
        StatusCodes.Status410Gone);

    /// <summary>Whom at the zone to ask, named with their emails; the zone's officers in general when no one is known.</summary>
    private static Text Contact(IReadOnlyList<ZoneContact> contacts)
    {
        if (contacts.Count == 0)
        {
            return new Text("如需了解情况，请联系园区工作人员。", "To ask about it, contact the zone's officer.");
        }

        var zh = contacts.Select(p => $"{(p.Chief ? "首席服务员" : "园区工作人员")} {p.Name}{(p.Email.Length > 0 ? $"（{p.Email}）" : "")}");
        var en = contacts.Select(p => $"{(p.Chief ? "the chief service officer" : "the park officer")} {p.Name}{(p.Email.Length > 0 ? $" ({p.Email})" : "")}");
        return new Text($"如需了解情况，请联系{string.Join("或", zh)}。", $"To ask about it, contact {string.Join(" or ", en)}.");
    }

    /// <summary>The same plain page as the liaisons' links for unknown and malformed tokens: it reveals nothing.</summary>
    private static IResult Invalid() => PageResults.Message(
        new MessageModel(new Text("链接无效或已过期", "This link is invalid or has expired"),
            new Text("如需了解办理情况，请联系园区工作人员。", "To ask about your case, contact the zone's officer."))
        { Navigation = false },
        StatusCodes.Status404NotFound);
}

/// <summary>
/// What the enterprise's page shows: nothing internal (no notes, no handlers, no contacts of its own); the only people
/// named are those at the zone it may ask (<see cref="Contacts"/>).
/// </summary>
/// <param name="CoDepartments">A joint case's co-handling departments (协办), names only.</param>
/// <param name="Resolution">The lead's resolution note, once resolved.</param>
/// <param name="Rating">The rating window of a closed case, if it has one.</param>
public sealed record EnterpriseLinkPageModel(
    Case Case, string DepartmentName, IReadOnlyList<string> CoDepartments, string? Resolution, CaseRating? Rating, DateTimeOffset Now,
    Text? Flash, ServiceError? Error)
{
    /// <summary>Where the case stands, in words for the enterprise rather than the zone's workflow terms.</summary>
    public Text Progress => Case.Status switch
    {
        CaseStatus.Dispatched => new("已交办，等待承办部门签收", "Passed to the department, waiting for it to accept"),
        CaseStatus.Accepted => new("承办部门已签收，正在办理", "Accepted by the department and being handled"),
        CaseStatus.InProgress => new("正在办理", "Being handled"),
        CaseStatus.Returned => new("园区正在重新安排承办部门", "The zone is finding the right department"),
        CaseStatus.Resolved => new("承办部门已办结，等待园区确认", "Resolved by the department, waiting for the zone to confirm"),
        CaseStatus.Closed => new("已办结（园区已确认）", "Resolved and confirmed by the zone"),
        _ => new("已撤销", "Cancelled"),
    };

    /// <summary>
    /// The department returned the case (退回) and the zone is choosing whom to send it to: the department that returned it
    /// and its deadlines no longer hold, so the page names neither (the next dispatch sets both).
    /// </summary>
    public bool Reassigning => Case.Status == CaseStatus.Returned;

    public bool CanRate => Rating is { RatedAt: null } r && r.ClosesAt > Now;

    /// <summary>What has happened so far, oldest first: dates and steps, nothing internal.</summary>
    public IReadOnlyList<EnterpriseStep> Steps { get; init; } = [];

    /// <summary>The follow-up case the zone opened on an unsatisfied rating (重办), if it did.</summary>
    public string? FollowUpNumber { get; init; }

    /// <summary>A rating the page refused, as it was sent: the form shows it again.</summary>
    public SentRating? Sent { get; init; }

    /// <summary>A cancelled case's reason (撤销原因), which its 【事项撤销】 mail gives too.</summary>
    public string? CancelReason { get; init; }

    /// <summary>Whom at the zone to ask (园区联系人): the case's officer and a key enterprise's chief service officer.</summary>
    public IReadOnlyList<ZoneContact> Contacts { get; init; } = [];
}

/// <summary>The notice a rating leaves for the enterprise's page (<see cref="Flash"/>).</summary>
public sealed record RatingSent;

/// <summary>The score and comment of a refused rating, as sent.</summary>
public sealed record SentRating(string? Score, string? Comment);

/// <summary>One step of the case as the enterprise sees it.</summary>
public sealed record EnterpriseStep(DateTimeOffset At, Text What);
