using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Categories;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Links;

/// <summary>
/// The liaison's page behind a personal link, mobile first, in the recipient's language. GET only shows (mail scanners
/// pre-fetch links); actions are POSTs from its forms, each with a one-time request id. The token in the address is the
/// key, and no antiforgery cookie is asked for: a phone whose mail app opened the page in one browser and posts from
/// another still acts (docs/hardening.md). A post another site's page sent is refused (<see cref="CrossSitePosts"/>).
/// </summary>
public static class LinkPages
{
    public static IEndpointRouteBuilder MapLinkPages(this IEndpointRouteBuilder app)
    {
        var links = app.MapPersonalLinkGroup("/l");
        links.MapGet("/{token}", Show);
        links.MapPost("/{token}", Act).RequireRateLimiting(SessionSecurity.LinkPostPolicy).DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// A group of personal-link pages (the liaisons' <c>/l</c>, the enterprises' <c>/e</c>): anonymous, and the token is
    /// the key, so it stays out of Referer headers, caches and search engines. Their forms are not checked for an
    /// antiforgery token (their posts <c>DisableAntiforgery</c>): a forged post from another site would need the URL's
    /// token, which is all it takes to act anyway; and a phone whose mail app lost its cookies (a restored tab, a browser
    /// inside the mail app) would have its liaison's action refused with nothing they could do about it. "no-cache, no-store" is also what the
    /// antiforgery token demands, so it keeps the header as it is (and logs nothing about it). A post that another
    /// site's page sent, though, is refused whatever it carries (<see cref="CrossSitePosts"/>): a page elsewhere that
    /// got hold of a link does not act with it in its holder's browser.
    /// </summary>
    public static RouteGroupBuilder MapPersonalLinkGroup(this IEndpointRouteBuilder app, string prefix)
    {
        var links = app.MapGroup(prefix).AllowAnonymous().ExcludeFromDescription().RefuseCrossSitePosts();
        links.AddEndpointFilter(async (ctx, next) =>
        {
            var headers = ctx.HttpContext.Response.Headers;
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-cache, no-store";
            headers.Pragma = "no-cache";
            headers["X-Robots-Tag"] = "noindex, nofollow";
            return await next(ctx);
        });
        return links;
    }

    /// <summary>Every action some personal link takes (a handler's, a leader's, a co-handler's); any other is no link's.</summary>
    private static readonly HashSet<string> LinkActions = [.. CaseActions.HandlerActions, .. CaseActions.LeaderActions, .. CaseActions.CoHandlerActions];

    /// <summary>How many of the latest timeline entries the liaison sees.</summary>
    private const int TimelineLength = 12;

    private static readonly string[] HiddenFromLiaisons = [CaseEventKinds.Email, CaseEventKinds.MailFailed, CaseEventKinds.OfficerNote, CaseEventKinds.OfficerChanged, CaseEventKinds.EnterpriseLinkResent];

    /// <summary>
    /// A department's own business on a joint case: its leader's reminders, the zone urging it, its staff changes. Shown
    /// on the links of that department's thread (the lead's, or one part's), not to the other departments.
    /// </summary>
    private static readonly string[] OwnThreadOnly = [CaseEventKinds.LeaderReminder, CaseEventKinds.Urged, CaseEventKinds.LiaisonChanged];

    private static async Task<IResult> Show(
        string token, HttpContext http, LiaisonDbContext db, CaseTimelineView timeline, CategoryService categories, CalendarService calendars, Ui ui, TimeProvider clock,
        CancellationToken ct)
    {
        var (link, c) = await FindAsync(token, db, clock, ct);
        if (c is null)
        {
            return await NotFoundOrEndedAsync(link, db, ui, ct);
        }

        // Said by the action that redirected here, once (Flash): the address cannot make the page claim an action was done.
        var done = Flash.Take<LinkActionDone>(http) is { } taken && CaseActions.Known(taken.Action) ? taken.Action : null;
        return await PageAsync(link!, c, done, null, StatusCodes.Status200OK, db, timeline, categories, calendars, ui, clock, ct);
    }

    private static async Task<IResult> Act(
        string token, HttpContext http, LiaisonDbContext db, CaseService cases, CaseTimelineView timeline, CategoryService categories, CalendarService calendars, Ui ui,
        TimeProvider clock,
        [FromForm] string? action, [FromForm] Guid? requestId, [FromForm] string? note, [FromForm] string? reasonCode, [FromForm] string? days,
        [FromForm] string? attachments, [FromForm] string? overrideReason, CancellationToken ct)
    {
        if (!LinkTokens.LooksValid(token))
        {
            return Invalid(StatusCodes.Status404NotFound);
        }

        ServiceError? refused = null;
        if (string.IsNullOrEmpty(action) || requestId is null || requestId == Guid.Empty)
        {
            var v = new Validation();
            // Not about a field the page shows: said as the request's, with no field name in front.
            v.Add(Validation.WholeRequest, "请求不完整，请刷新页面后重试", "Request incomplete; reload the page and try again");
            refused = new ServiceError.Invalid(v);
        }

        else if (http.Request.Form["action"].Count > 1 || !LinkActions.Contains(action))
        {
            // Not a form of the page (an address edited, a script's mistake): a malformed request, not one this link's
            // holder may not make (that is 403, for a known action of another role's).
            var v = new Validation();
            v.Add(Validation.WholeRequest, "请求有误：操作无效（每次只能提交页面上的一项操作），没有任何改动",
                "Bad request: not an action of this page (send one of its actions at a time); nothing changed");
            refused = new ServiceError.Invalid(v);
        }

        int? dayCount = null;
        if (refused is null && !string.IsNullOrWhiteSpace(days))
        {
            // Not a whole number (or far too large): out of the 1–60 range, so the service says so beside the form's
            // other errors, rather than this one hiding them.
            dayCount = int.TryParse(days, out var n) ? n : 0;
        }

        if (refused is null)
        {
            var result = await cases.ActThroughLinkAsync(token, action!, requestId!.Value, new CaseService.LinkActionInput(note, reasonCode, dayCount, attachments, overrideReason), ct);
            if (result.Error is null)
            {
                // Post/Redirect/Get: a reload shows the page, it does not post again; the page says what was done, once.
                return Flash.Redirect(http, $"/l/{token}", new LinkActionDone(action!));
            }

            refused = CasePages.InFormWords(result.Error);
        }

        var status = PageResults.StatusOf(refused);
        var (link, c) = await FindAsync(token, db, clock, ct);
        if (c is null)
        {
            return await NotFoundOrEndedAsync(link, db, ui, ct);
        }

        // What they typed comes back in its form, next to the reason it was refused: a phone's note is not retyped.
        var submitted = action is null ? null : new LinkFormInput(action, note, reasonCode, days, attachments, overrideReason);
        return await PageAsync(link!, c, null, refused, status, db, timeline, categories, calendars, ui, clock, ct, submitted);
    }

    /// <summary>
    /// What comes next after an action whose notice says only that it was done (签收, 进展), in one short line: the
    /// handler's next step, worded for the lead (办结) or a co-handler (提交协办意见); null when the notice says enough.
    /// </summary>
    private static Text? NextAfter(string action, bool part) => (action, part) switch
    {
        (CaseActions.Accept, false) => new("下一步：办理该事项，其间可报告进展，办完后在办结期限前提交办结。",
            "Next: work on the case, report progress as you go, and resolve it by the resolve deadline."),
        (CaseActions.Accept, true) => new("下一步：办理协办任务，其间可报告进展，办完后在提交期限前提交协办意见。",
            "Next: work on your part, report progress as you go, and submit it by the submit deadline."),
        (CaseActions.Progress, false) => new("进展已记入办理记录，园区工作人员可见；办完后请提交办结。",
            "It is on the timeline for the zone's officer to read; resolve the case once it is done."),
        (CaseActions.Progress, true) => new("进展已记入办理记录，园区工作人员可见；办完后请提交协办意见。",
            "It is on the timeline for the zone's officer to read; submit your part once it is done."),
        _ => null,
    };

    /// <param name="done">The action just done through this link (its notice, once), or null.</param>
    private static async Task<IResult> PageAsync(
        LiaisonLink link, Case c, string? done, ServiceError? error, int status, LiaisonDbContext db, CaseTimelineView timeline, CategoryService categories,
        CalendarService calendars, Ui ui, TimeProvider clock, CancellationToken ct, LinkFormInput? submitted = null)
    {
        ui.AddressRecipient(link.RecipientCulture);
        Text? flash = done is null ? null : CaseActions.Done(done);
        var flashNext = done is null ? null : NextAfter(done, link.PartId is not null);
        var category = await categories.FindAsync(c.Category, ct);
        var departments = await db.Departments.AsNoTracking().ToListAsync(ct);
        var department = departments.FirstOrDefault(d => d.Code == c.DepartmentCode)?.Name;
        // Mail bookkeeping, the officers' own notes and which officer follows the case (with the reason it changed
        // hands) are not the liaison's to read; nor, for a co-handler, the other co-handlers' parts (the lead sees them
        // all); nor another department's own business (OwnThreadOnly).
        var ownPart = link.PartId;
        var events = await db.CaseEvents.AsNoTracking()
            .Where(e => e.CaseId == c.Id && !HiddenFromLiaisons.Contains(e.Kind) && (ownPart == null || e.PartId == null || e.PartId == ownPart)
                && (!OwnThreadOnly.Contains(e.Kind) || e.PartId == ownPart))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(2 * TimelineLength + 1).ToListAsync(ct);
        // One more than is described: whether earlier entries are left out.
        var earlierEvents = events.Count > 2 * TimelineLength;
        if (earlierEvents)
        {
            events.RemoveAt(events.Count - 1);
        }

        var parts = await db.Set<CasePart>().AsNoTracking().Where(p => p.CaseId == c.Id).OrderBy(p => p.Id).ToListAsync(ct);
        // The enterprise's words on its rating are for the zone and the lead it rated, the department handling the case:
        // its current handler's and leader's links. A co-handler, or someone the case has left (another department's
        // earlier round, a replaced liaison), sees the score.
        var readsRatingWords = ownPart is null && link.IsOf(c);
        var rows = await timeline.DescribeAsync(
            events.Select(TimelineEntryDto.From).Select(e => !readsRatingWords && e.Kind == CaseEventKinds.EnterpriseRated ? e with { Note = null } : e).ToList(),
            departments, c.Number, ct, new CaseTimelineView.JointDepartments(c.DepartmentCode, parts.ToDictionary(p => p.Id, p => p.DepartmentCode)),
            newestFirst: true);
        // A status change is told on the entry that caused it, which takes two entries into one row: twice the rows are
        // read, so that the page still shows its number of rows, and none is a status whose cause was cut off (it is
        // the oldest read, and at least as many rows come before it). The latest rows are then listed oldest first, as
        // the officer's case page and the enterprise's page list theirs: read down like a conversation, the newest last.
        var earlierLeftOut = earlierEvents || rows.Count > TimelineLength;
        rows = rows.Take(TimelineLength).Reverse().ToList();
        // The enterprise's contact (name and phone) is for signed-in officers only (DESIGN: enterprises); the liaison
        // reaches the enterprise through the officer who follows the case (全程代办). A deactivated account is nobody to
        // ask any more (an ended case keeps the officer it had), as on the enterprise's page (EnterpriseNotices.ContactsAsync).
        var officer = await OfficerAsync(db, c, ct);
        if (link.PartId is { } partId && parts.FirstOrDefault(p => p.Id == partId) is { } part)
        {
            // A co-handler's link: the part is what it sees and acts on. A part it returned is not over: it waits for the
            // officer to reassign or drop it, as the lead's return waits (the link ends then).
            var returned = link.WorksOn(part) && part.Status == PartStatus.Returned;
            var partEnded = !link.WorksOn(part) || (!part.IsOpen && !returned);
            var partActions = link.Role == LinkRole.Leader ? CaseActions.LeaderActions : CaseActions.CoHandlerActions;
            var partAllowed = partEnded ? [] : partActions.Where(a => CaseActions.WhyNot(part, a) is null).ToList();
            // E.g. its extension request waits for the officer.
            var partWhy = returned ? LinkEndings.PartReturned
                : partEnded || partAllowed.Count > 0 || link.Role == LinkRole.Leader ? null : CaseActions.WhyNot(part, CaseActions.Progress);
            return PageResults.Page<LinkPage>(new LinkPageModel(c, departments.FirstOrDefault(d => d.Code == part.DepartmentCode)?.Name, partEnded, partAllowed,
                partWhy, rows, flash, error)
            {
                Part = part, LeadDepartmentName = department, Officer = officer, Submitted = submitted, Category = category, Now = clock.GetUtcNow(),
                EndedWords = partEnded ? LinkEndings.Words(link, c, part, await LinkEndings.AfterAsync(db, link, ct), at => ui.When(at)) : null,
                DueIfApproved = await DueIfApprovedAsync(part.PendingExtensionDays, part.DueAt, calendars, ct),
                ExtensionCap = await ExtensionCapAsync(part, c, category, calendars, ct),
                EarlierLeftOut = earlierLeftOut,
                FlashNext = flashNext,
            }, status);
        }

        var ended = !link.WorksOn(c);
        // What the lead resolved with (办结), as a co-handler's page shows what it submitted: the note and its attachments.
        var resolution = c.Status is CaseStatus.Resolved or CaseStatus.Closed
            ? await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id && e.PartId == null && e.Kind == CaseActions.Resolve)
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).FirstOrDefaultAsync(ct)
            : null;
        var actions = link.Role == LinkRole.Leader ? CaseActions.LeaderActions : CaseActions.HandlerActions;
        var allowed = ended ? [] : actions.Where(a => CaseActions.WhyNot(c, a) is null).ToList();
        Text? why = ended || allowed.Count > 0 ? null : CaseActions.NothingToDo(c);
        return PageResults.Page<LinkPage>(new LinkPageModel(c, department, ended, allowed, why, rows, flash, error)
        {
            OpenParts = parts.Where(p => p.IsUnfinished).Select(p => (departments.FirstOrDefault(d => d.Code == p.DepartmentCode)?.Name ?? p.DepartmentCode, p)).ToList(),
            // The lead (its handler and its leader) sees every co-handler's part: status, deadlines, submission.
            CoHandlers = parts.Select(p => new CoHandlerPart(p, departments.FirstOrDefault(d => d.Code == p.DepartmentCode)?.Name ?? p.DepartmentCode)).ToList(),
            Now = clock.GetUtcNow(),
            EndedWords = ended ? LinkEndings.Words(link, c, null, await LinkEndings.AfterAsync(db, link, ct), at => ui.When(at)) : null,
            DueIfApproved = await DueIfApprovedAsync(c.PendingExtensionDays, c.DueAt, calendars, ct),
            Resolution = resolution is null ? null : new LeadResolution(resolution.At, resolution.Note, TimelineEntryDto.From(resolution).Data is { ValueKind: JsonValueKind.Object } data
                && data.TryGetProperty("attachments", out var attached) && attached.ValueKind == JsonValueKind.String && attached.GetString() is { Length: > 0 } given ? given : null),
            Officer = officer,
            Submitted = submitted,
            Category = category,
            EarlierLeftOut = earlierLeftOut,
            FlashNext = flashNext,
        }, status);
    }

    /// <summary>
    /// A co-handler's part: the latest its submit deadline may move to (the lead's resolve deadline less the lead time)
    /// and the working days that leaves; the officer approves more only by extending the lead's deadline with it. Null
    /// when the part or the lead has no deadline.
    /// </summary>
    private static async Task<PartExtensionCap?> ExtensionCapAsync(CasePart part, Case c, CaseCategory? category, CalendarService calendars, CancellationToken ct)
    {
        if (part.DueAt is not { } partDue || c.DueAt is not { } leadDue || category is null)
        {
            return null;
        }

        // The same rule as the approval's cap and the officer's page (SlaDeadlines.PartExtensionLimit).
        var calendar = await calendars.GetAsync(ct);
        return new(SlaDeadlines.LatestPartDue(calendar, leadDue, category.Sla), SlaDeadlines.PartExtensionLimit(calendar, partDue, leadDue, category.Sla) ?? 0);
    }

    /// <summary>
    /// The deadline an extension request still waiting for the officer would give, counted as the approval counts it (from
    /// the current deadline, by the working calendar), as the officer's mail about the request says it; null without one.
    /// </summary>
    private static async Task<Deadline?> DueIfApprovedAsync(int? pendingDays, DateTimeOffset? due, CalendarService calendars, CancellationToken ct) =>
        pendingDays is { } days && due is { } current ? ExtendDeadline.IfApproved(await calendars.GetAsync(ct), current, days) : null;

    /// <summary>
    /// The link and its case when the link works now; the link alone when it once worked and has ended (or its case is
    /// gone); neither for a token no link has.
    /// </summary>
    private static async Task<(LiaisonLink? Link, Case? Case)> FindAsync(string token, LiaisonDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (!LinkTokens.LooksValid(token))
        {
            return (null, null);
        }

        var hash = LinkTokens.Hash(token);
        var link = await db.Set<LiaisonLink>().AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (link is null || link.ExpiresAt <= clock.GetUtcNow())
        {
            return (link, null);
        }

        return (link, await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == link.CaseId, ct));
    }

    /// <summary>
    /// A link that once worked and has ended (the case reassigned, cancelled, handed to the department's new liaison,
    /// co-handling withdrawn, or closed and past its grace period) says so, 410, in words for who holds it (a handler, a
    /// leader, a co-handler) and why it ended, with the case's park officer to ask: the link was theirs, and that much
    /// is theirs to know. An unknown token gets the plain 404, which reveals nothing.
    /// </summary>
    private static async Task<IResult> NotFoundOrEndedAsync(LiaisonLink? link, LiaisonDbContext db, Ui ui, CancellationToken ct)
    {
        if (link is null)
        {
            return Invalid(StatusCodes.Status404NotFound);
        }

        // Told in the language its mails were in, as the page itself was.
        ui.AddressRecipient(link.RecipientCulture);

        // Sent to the same person again in a newer round (the officer insisted after their return, or reopened the case):
        // the case is with them, under the newer mail's link. Told only to whoever holds this one, which was theirs.
        var current = link.PartId is { } partId
            ? await db.Set<CasePart>().AsNoTracking().Where(p => p.Id == partId && CasePart.OpenStatuses.Contains(p.Status))
                .Select(p => new { p.HandlerEmail, p.LeaderEmail, p.AssignmentRound }).FirstOrDefaultAsync(ct)
            : await db.Cases.AsNoTracking().Where(c => c.Id == link.CaseId && !CaseStatuses.Ended.Contains(c.Status))
                .Select(c => new { c.HandlerEmail, c.LeaderEmail, c.AssignmentRound }).FirstOrDefaultAsync(ct);
        var stillTheirs = current is not null && current.AssignmentRound > link.Round && link.IsFor(current.HandlerEmail, current.LeaderEmail);
        if (stillTheirs)
        {
            return Replaced();
        }

        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.Id == link.CaseId, ct);
        var part = link.PartId is { } id ? await db.Set<CasePart>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) : null;
        var officer = c is null ? null : await OfficerAsync(db, c, ct);
        return Ended(LinkEndings.Words(link, c, part, await LinkEndings.AfterAsync(db, link, ct), at => ui.When(at)), officer);
    }

    /// <summary>The officer who follows the case, while their account is active (a deactivated one is nobody to ask).</summary>
    private static Task<PersonRef?> OfficerAsync(LiaisonDbContext db, Case c, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.Id == c.OfficerId).Where(Accounts.Active)
            .Select(u => new PersonRef(u.DisplayName, u.Email ?? "")).FirstOrDefaultAsync(ct);

    private static IResult Replaced() => PageResults.Message(
        new MessageModel(new Text("此链接已更新", "This link was replaced"),
            new Text("该事项已重新派给您，请使用最新一封邮件中的链接办理。", "The case was sent to you again: use the link in the latest mail about it."))
        { Navigation = false },
        StatusCodes.Status410Gone);

    /// <summary>The same plain page for unknown links: it reveals nothing about any case.</summary>
    private static IResult Invalid(int status) => PageResults.Message(
        new MessageModel(new Text("链接无效或已过期", "This link is invalid or has expired"),
            new Text("如需办理，请联系园区工作人员。", "If you need to act on a case, contact the zone's officer."))
        { Navigation = false },
        status);

    private static IResult Ended(Text why, PersonRef? officer) => PageResults.Message(
        new MessageModel(new Text("此链接已结束", "This link has ended"), why, Hint: LinkEndings.Contact(officer)) { Navigation = false, NamesInMessage = true },
        StatusCodes.Status410Gone);
}

/// <param name="Ended">The case is no longer with this recipient (reassigned, cancelled, closed): nothing to do.</param>
/// <param name="Allowed">The actions this link may take now, in the order offered.</param>
/// <param name="WhyNothing">Why nothing can be done now, when the case is still theirs.</param>
public sealed record LinkPageModel(
    Case Case, string? DepartmentName, bool Ended, IReadOnlyList<string> Allowed, Text? WhyNothing,
    IReadOnlyList<TimelineRow> Timeline, Text? Flash, ServiceError? Error)
{
    /// <summary>A co-handler's link (joint case): its part, shown instead of the lead's status and deadlines.</summary>
    public CasePart? Part { get; init; }

    /// <summary>A co-handler's link: the lead department's name.</summary>
    public string? LeadDepartmentName { get; init; }

    /// <summary>The case's category (its name, and whether it asks for progress reports); null when unknown.</summary>
    public CaseCategory? Category { get; init; }

    /// <summary>
    /// The lead's link: co-handling departments that have not submitted yet, returned parts included, by name with their
    /// part (resolving then needs a reason, and each must be silent: <see cref="CasePart.MayBeResolvedOver"/>).
    /// </summary>
    public IReadOnlyList<(string Name, CasePart Part)> OpenParts { get; init; } = [];

    /// <summary>The lead's link of a joint case: every co-handling department's part, in the order the officer listed them.</summary>
    public IReadOnlyList<CoHandlerPart> CoHandlers { get; init; } = [];

    /// <summary>When the page was made: a part is late (超期) as of now.</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>The officer who follows the case: the liaison's contact for it, in place of the enterprise's own.</summary>
    public PersonRef? Officer { get; init; }

    /// <summary>An extension request waiting for the officer: the deadline it would give if approved.</summary>
    public Deadline? DueIfApproved { get; init; }

    /// <summary>A co-handler's link: how far an extension may move the part's submit deadline before the lead's must move too.</summary>
    public PartExtensionCap? ExtensionCap { get; init; }

    /// <summary>The lead's link of a resolved (or closed) case: what the handler resolved it with (办结).</summary>
    public LeadResolution? Resolution { get; init; }

    /// <summary>When <see cref="Ended"/>: why, in words for who holds the link (<see cref="LinkEndings"/>).</summary>
    public Text? EndedWords { get; init; }

    /// <summary>A refused form's values: its card shows them again, with the error.</summary>
    public LinkFormInput? Submitted { get; init; }

    /// <summary>The timeline shows the latest entries only: earlier ones are left out, and the page says so above them.</summary>
    public bool EarlierLeftOut { get; init; }

    /// <summary>With <see cref="Flash"/>: what comes next, in one short line; null when the notice says enough.</summary>
    public Text? FlashNext { get; init; }
}

/// <summary>The notice an action leaves for the link's page (<see cref="Flash"/>): which action was done.</summary>
public sealed record LinkActionDone(string Action);

/// <summary>The latest a part may be due (the lead's resolve deadline less the lead time) and the working days an extension may add before it.</summary>
public sealed record PartExtensionCap(DateTimeOffset Latest, int Most);

/// <summary>The lead's resolution (办结): when, its note (办理结果) and its attachments (links or text, one per line), if any.</summary>
public sealed record LeadResolution(DateTimeOffset At, string? Note, string? Attachments);

/// <summary>What a liaison sent with an action's form.</summary>
public sealed record LinkFormInput(string Action, string? Note, string? ReasonCode, string? Days, string? Attachments, string? OverrideReason);

/// <summary>A co-handler's part as the lead's page shows it, with its department's name.</summary>
public sealed record CoHandlerPart(CasePart Part, string DepartmentName);
