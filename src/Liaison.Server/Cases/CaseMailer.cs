using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Departments;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Categories;
using Liaison.Server.Data;
using Liaison.Server.Enterprises;
using Liaison.Server.Hosting;
using Liaison.Server.Links;
using Liaison.Server.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Cases;

/// <summary>
/// Renders a case email for each audience (handler, leader, officer, zone leadership) and queues it in the outbox,
/// threaded under the case's first mail, with a fresh personal link for handler and leader. Everything is added to
/// the caller's DbContext, so it commits with the change that caused it.
/// </summary>
public sealed class CaseMailer(
    CaseMailRenderer renderer,
    Outbox outbox,
    IOptions<LiaisonOptions> options,
    CalendarService calendars,
    CategoryService categories,
    ActorNames actorNames,
    TimeProvider clock)
{
    /// <summary>
    /// Mails that end the recipient's round (改派, 撤销, 协办撤回): a link in them would already be dead. Each goes to everyone
    /// whose link the ending kills: asked of the handler, it goes to the leader too while the leader holds a live link
    /// to the round (<see cref="RoundHoldersAsync"/>).
    /// </summary>
    private static readonly HashSet<string> NoLinkKinds = [CaseMailKind.ReassignedAway, CaseMailKind.Cancelled];

    /// <summary>The reminders and escalations that say whether the department's extension request waits for the officer.</summary>
    private static readonly HashSet<string> LadderKinds = [CaseMailKind.DueReminder, CaseMailKind.Overdue, CaseMailKind.EscalationZone];

    /// <summary>
    /// Mails that end nothing but change whom the round works with (【主办部门变更】): asked of the handler, they go to the
    /// leader too while the leader follows the round with a live link, as <see cref="NoLinkKinds"/> do; with a link.
    /// </summary>
    private static readonly HashSet<string> LeaderFollowsKinds = [CaseMailKind.LeadChanged];

    // Names read once per scope (one request or job run): a dispatch mails the handler and the leader's copy, and both
    // show the same department and officer.
    private Dictionary<string, string>? _departmentNames;
    private readonly Dictionary<string, (string? Name, string? Email)> _officers = new(StringComparer.Ordinal);

    /// <summary>The names of the others who acted, by actor, read once per scope (<see cref="ActorNameAsync"/>).</summary>
    private readonly Dictionary<string, Text> _actors = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, List<CasePart>> _parts = [];

    /// <summary>A resolution with its attachments after it, as the mail's 办结情况 shows it, in each language.</summary>
    internal static Text WithAttachments(string? note, string attachments) =>
        new($"{note}\n\n附件：\n{attachments}".TrimStart(), $"{note}\n\nAttachments:\n{attachments}".TrimStart());

    /// <param name="AboutPart">Joint case: the co-handler's part a mail to the lead is about (协办意见已提交).</param>
    /// <param name="Insisted">A dispatch to the department that returned the case, the officer insisting (坚持原派).</param>
    /// <param name="InsistClock">That dispatch's resolve clock ran on from the returned round (null: a fresh one).</param>
    /// <param name="ReturnedBy">A dispatch after a return and reassignment (改派): the code of the department that returned it.</param>
    /// <param name="ReturnNote">That department's return note (退回说明).</param>
    /// <param name="CultureNote">A note the system words (a handover's "张三 → 李四：…"): each recipient reads it in their language, in place of <paramref name="Note"/>.</param>
    /// <param name="Actor">Whose action the mail tells of (an officer's account email or id, as the timeline names them); null: the system's.</param>
    public sealed record Extras(string? Note = null, string? ReasonCode = null, int? ExtensionDays = null, bool? ExtensionApproved = null, int? OverdueWorkingDays = null,
        CasePart? AboutPart = null, bool Insisted = false, InsistDeadline? InsistClock = null, bool PartResolvedOver = false,
        bool PartCaseCancelled = false, string? ReturnedBy = null, string? ReturnNote = null, string? Actor = null, Text? CultureNote = null)
    {
        /// <summary>A reassignment of the lead (改派): the code of the department that had the case before.</summary>
        public string? ReassignedFrom { get; init; }

        /// <summary>A co-handler's dispatch on a reopening (重办): its part is asked again; <see cref="PartSubmittedBefore"/>: it had submitted.</summary>
        public bool PartAskedAgain { get; init; }

        public bool PartSubmittedBefore { get; init; }

        /// <summary>The lead's 【重办】: the parts the reopening asks again, by id.</summary>
        public IReadOnlySet<long>? AskedAgain { get; init; }

        /// <summary>【期限调整】: the year whose holiday schedule moved the dates, and each date before it moved (null: it did not).</summary>
        public int? ScheduleYear { get; init; }

        public DateTimeOffset? AcceptByBefore { get; init; }

        public DateTimeOffset? DueAtBefore { get; init; }

        /// <summary>An approved extension: the working days granted (those asked, <see cref="ExtensionDays"/>, or fewer).</summary>
        public int? ExtensionGranted { get; init; }

        /// <summary>
        /// The handler's resolution (办结) came with attachments: its 【待确认办结】 names them after the resolution (办结情况),
        /// as 【协办意见已提交】 names a part's, and so does a key enterprise's copy.
        /// </summary>
        public string? Attachments { get; init; }

        /// <summary>
        /// The handler's resolution withdrew its pending extension request: the days it asked for. The 【待确认办结】 says so,
        /// so the officer does not look for a request to decide.
        /// </summary>
        public int? WithdrawnExtensionDays { get; init; }

        /// <summary>
        /// The 【已改派】 to the department that returned a part: the task its part had (null inside: none), not the one
        /// the officer gave the new department with the reassignment. Null: the part's own.
        /// </summary>
        public PartTask? TaskBefore { get; init; }
    }

    /// <summary>A part's task note (协办任务) as it was; <see cref="Task"/> null: it had none.</summary>
    public sealed record PartTask(string? Task);

    /// <param name="part">
    /// A co-handler's part of a joint case: its handler and leader get the mail, with links to the part, its deadlines,
    /// in the part's own thread. Null: the case's (lead's) people.
    /// </param>
    public async Task SendAsync(LiaisonDbContext db, Case c, string kind, IEnumerable<string> audiences, Extras? extras = null, CancellationToken ct = default,
        CasePart? part = null)
    {
        // What every recipient's mail shares is read once; name, link and language differ per recipient.
        IAssignment holder = (IAssignment?)part ?? c;
        Text? actor = extras?.Actor is { } actorId ? await ActorNameAsync(db, c, actorId, ct) : null;
        var shared = await SharedModelAsync(db, c, part, extras, actor, ct);
        if (kind == CaseMailKind.EscalationZone)
        {
            shared = shared with { LateDepartments = await LateDepartmentsAsync(db, c, ct) };
        }

        if (LadderKinds.Contains(kind) && (part is null ? c.PendingExtensionDays : part.PendingExtensionDays) is { } pending)
        {
            // The request waiting for the officer, and when it was made: its timeline entry (the department's latest).
            var partId = part?.Id;
            var askedAt = await db.Set<CaseEvent>().AsNoTracking()
                .Where(e => e.CaseId == c.Id && e.PartId == partId && e.Kind == CaseActions.Extension)
                .OrderByDescending(e => e.At).Select(e => (DateTimeOffset?)e.At).FirstOrDefaultAsync(ct);
            shared = shared with { PendingExtensionDays = pending, PendingExtensionAskedAt = askedAt };
        }

        if (kind == CaseMailKind.Resolved && part is null && extras?.WithdrawnExtensionDays is { } withdrawn)
        {
            shared = shared with { WithdrawnExtensionDays = withdrawn };
        }

        // In place of the note, in each recipient's language.
        var note = extras?.CultureNote
            ?? (kind == CaseMailKind.Resolved && part is null && extras?.Attachments is { } attachments ? WithAttachments(shared.Note, attachments) : null);

        var mailed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var officer = await OfficerAsync(db, c, ct);
        if (NoLinkKinds.Contains(kind) || LeaderFollowsKinds.Contains(kind))
        {
            audiences = await RoundHoldersAsync(db, c, part, audiences, ct);
        }

        foreach (var audience in audiences.Distinct())
        {
            foreach (var (name, email, culture, role) in await RecipientsAsync(db, c, holder, audience, ct))
            {
                mailed.Add(email);
                var link = role switch
                {
                    _ when NoLinkKinds.Contains(kind) => null,
                    LinkRole.Handler or LinkRole.Leader => MintLink(db, c, name, email, culture, role.Value, part),
                    // The enterprise's unsatisfied rating is decided in the case page's rating panel.
                    _ when audience == Audiences.Officer => $"{BaseUrl}/cases/{c.Number}{(kind == CaseMailKind.RatedUnsatisfied ? "#rating" : "")}",
                    _ => null,
                };
                // A liaison's (or the zone's) reply goes to the officer who follows the case, not to the system's address.
                (string Name, string Address)? replyTo = audience != Audiences.Officer && officer.Email is { } officerEmail
                    && !EmailAddress.Same(officerEmail, email) ? (officer.Name ?? officerEmail, officerEmail) : null;
                var own = note is { } words ? shared with { Note = words.In(culture) } : shared;
                own = actor is { } named ? own with { ActorName = named.In(culture) } : own;
                Queue(db, c, holder, kind, name, email, culture, link, role == LinkRole.Leader ? own with { RecipientIsCopy = true } : own, part, replyTo);
            }
        }

        if (part is null && ServiceTeams.CopiedKinds.Contains(kind))
        {
            await CopyServiceTeamAsync(db, c, kind, shared, note, mailed, ct);
        }
    }

    /// <summary>
    /// A mail that ends the round, asked of the handler: the leader too when they hold a live link to the round (the
    /// dispatch's copy, a reminder's or an escalation's), read before the caller ends the links; their link ends with it.
    /// </summary>
    private static async Task<IEnumerable<string>> RoundHoldersAsync(LiaisonDbContext db, Case c, CasePart? part, IEnumerable<string> audiences, CancellationToken ct)
    {
        var asked = audiences.ToList();
        IAssignment holder = (IAssignment?)part ?? c;
        if (!asked.Contains(Audiences.Handler) || asked.Contains(Audiences.Leader) || holder.LeaderEmail is not { } leader)
        {
            return asked;
        }

        var partId = part?.Id;
        var holds = await db.Set<LiaisonLink>().AnyAsync(l => l.CaseId == c.Id && l.PartId == partId && l.Role == LinkRole.Leader
            && l.EndedAt == null && l.RecipientEmail.ToLower() == leader.ToLower(), ct);
        return holds ? [.. asked, Audiences.Leader] : asked;
    }

    /// <summary>
    /// Tells a key enterprise's service team of <paramref name="keyEvent"/> (one of <see cref="ServiceTeams.RatingDecisions"/>),
    /// an event no mail of the case's own goes out for, with the officer's <paramref name="note"/>.
    /// </summary>
    public async Task TellServiceTeamAsync(LiaisonDbContext db, Case c, string keyEvent, string? note, CancellationToken ct)
    {
        if (c.EnterpriseId is null)
        {
            // No register entry, no team: the mail's model is not worth reading.
            return;
        }

        var shared = await SharedModelAsync(db, c, null, new Extras(note), null, ct);
        await CopyServiceTeamAsync(db, c, keyEvent, shared, null, [], ct);
    }

    /// <summary>
    /// A key enterprise's chief service officer and service squad are told of its case's key events (派单, 超期, 办结, 重办, 撤销, 企业不满意),
    /// except whoever the event's own mail already reached, and the officer who follows the case (who opened or moved
    /// it, and reads it on their own list and digest): a chief service officer who opens a case from a visit is not
    /// mailed about their own dispatch.
    /// </summary>
    /// <param name="note">The note in each language, in place of the shared one (a resolution with its attachments), or null.</param>
    private async Task CopyServiceTeamAsync(LiaisonDbContext db, Case c, string kind, CaseMailModel shared, Text? note, HashSet<string> mailed, CancellationToken ct)
    {
        if (c.EnterpriseId is not { } enterpriseId)
        {
            return;
        }

        var copy = shared with { KeyEvent = kind, Note = ServiceTeams.NotedKinds.Contains(kind) ? shared.Note : null };
        foreach (var member in await ServiceTeams.OfKeyEnterpriseAsync(db, enterpriseId, ct))
        {
            if (member.Id != c.OfficerId && mailed.Add(member.Email))
            {
                var own = note is { } words && copy.Note is not null ? copy with { Note = words.In(member.Culture) } : copy;
                Queue(db, c, c, CaseMailKind.KeyEnterpriseUpdate, member.Name, member.Email, member.Culture, $"{BaseUrl}/cases/{c.Number}", own, null);
            }
        }
    }

    /// <summary>
    /// A new personal link for the current round (of the case, or of the co-handler's <paramref name="part"/>); the token
    /// exists only in the returned URL. A link in a mail about a case that has ended (the 【销号】 mail, sent after its
    /// round's links were ended) is born ended: it shows the case for the grace period, as those links do, then no more.
    /// </summary>
    public string MintLink(LiaisonDbContext db, Case c, string name, string email, string culture, LinkRole role, CasePart? part = null)
    {
        var token = LinkTokens.NewToken();
        var now = clock.GetUtcNow();
        var ended = CaseStatuses.Ended.Contains(c.Status);
        // As the round's other links: a closed case shows for the grace period, a cancelled one not at all.
        var grace = c.Status == CaseStatus.Closed ? options.Value.LinkGracePeriod : TimeSpan.Zero;
        db.Append(new LiaisonLink
        {
            EndedAt = ended ? now : null,
            ExpiresAt = ended ? now + grace : null,
            CaseId = c.Id,
            PartId = part?.Id,
            TokenHash = LinkTokens.Hash(token),
            RecipientEmail = email,
            RecipientName = name,
            RecipientCulture = culture,
            Role = role,
            Round = ((IAssignment?)part ?? c).AssignmentRound,
            CreatedAt = now,
        });
        return $"{BaseUrl}/l/{token}";
    }

    private string BaseUrl => options.Value.PublicBaseUrl.TrimEnd('/');

    private async Task<CaseMailModel> SharedModelAsync(LiaisonDbContext db, Case c, CasePart? part, Extras? extras, Text? actor, CancellationToken ct)
    {
        var category = await categories.FindAsync(c.Category, ct);
        IAssignment holder = (IAssignment?)part ?? c;
        var department = await DepartmentNameAsync(db, part?.DepartmentCode ?? c.DepartmentCode, ct);

        var officer = (await OfficerAsync(db, c, ct)).Name;
        var calendar = await calendars.GetAsync(ct);
        var now = clock.GetUtcNow();
        // A request still waiting for the officer: the date it would give, as the approval will count it.
        var ifApproved = extras is { ExtensionDays: { } days, ExtensionApproved: null } && holder.DueAt is { } current
            ? ExtendDeadline.IfApproved(calendar, current, days)
            : null;
        // A co-handler's request: the most the officer can grant, as the approval caps it (CaseService).
        var most = ifApproved is not null && part?.DueAt is { } partDue && category is not null
            ? SlaDeadlines.PartExtensionLimit(calendar, partDue, c.DueAt, category.Sla)
            : null;
        return new CaseMailModel
        {
            CaseNumber = c.Number,
            Title = c.Title,
            Description = c.Description,
            CategoryNameZh = category?.NameZh,
            CategoryNameEn = category?.Name,
            ProgressReportEveryWorkingDays = category?.Sla.ProgressReportEveryWorkingDays,
            Priority = c.Priority,
            EnterpriseName = c.Enterprise.Name,
            DepartmentName = department,
            LeadDepartmentName = part is null ? null : await DepartmentNameAsync(db, c.DepartmentCode, ct),
            LeadHandlerName = part is null ? null : c.HandlerName,
            CoHandlerTask = extras?.TaskBefore is { } before ? before.Task : part?.Task ?? extras?.AboutPart?.Task,
            PartResolvedOver = extras?.PartResolvedOver ?? false,
            PartCaseCancelled = extras?.PartCaseCancelled ?? false,
            RecipientName = "",
            OfficerName = officer,
            ActorName = actor?.Zh,
            AcceptBy = holder.AcceptBy,
            DueAt = holder.DueAt,
            OriginalDueAt = holder.OriginalDueAt,
            Provisional = holder.Provisional,
            AcceptByProvisional = DeadlineRecalculation.IsProvisional(holder.AcceptByBasis, holder.Provisional),
            AwaitingAcceptance = part is null ? c.Status == CaseStatus.Dispatched : part.Status == PartStatus.Dispatched,
            OverdueWorkingDays = extras?.OverdueWorkingDays
                ?? (holder.DueAt is { } due && due < now ? calendar.WorkingDaysBetween(due, now) : null),
            ReasonCode = extras?.ReasonCode,
            Note = extras?.Note,
            Insisted = extras?.Insisted ?? false,
            InsistWorkingDaysLeft = extras?.InsistClock?.WorkingDaysLeft,
            InsistOverdue = extras?.InsistClock is { WorkingDaysLeft: null },
            ReturnedByDepartmentName = extras?.ReturnedBy is { } returnedBy ? await DepartmentNameAsync(db, returnedBy, ct) ?? returnedBy : null,
            ReturnNote = extras?.ReturnedBy is null ? null : extras.ReturnNote,
            ReassignedFromDepartmentName = extras?.ReassignedFrom is { } from ? await DepartmentNameAsync(db, from, ct) ?? from : null,
            PartAskedAgain = extras?.PartAskedAgain ?? false,
            PartSubmittedBefore = extras?.PartSubmittedBefore ?? false,
            ScheduleYear = extras?.ScheduleYear,
            AcceptByBefore = extras?.AcceptByBefore,
            DueAtBefore = extras?.DueAtBefore,
            ExtensionDays = extras?.ExtensionDays,
            ExtensionDueIfApproved = ifApproved?.Due,
            ExtensionDueIfApprovedProvisional = ifApproved?.Provisional == true,
            ExtensionMostDays = most,
            ExtensionLatestDue = most is not null ? SlaDeadlines.LatestPartDue(calendar, c.DueAt!.Value, category!.Sla) : null,
            ExtensionLeadDue = most is not null ? c.DueAt : null,
            ExtensionApproved = extras?.ExtensionApproved,
            ExtensionGrantedDays = extras?.ExtensionApproved == true ? extras.ExtensionGranted : null,
            CoHandlers = part is null ? await CoHandlersAsync(db, c, now, ct, extras?.AskedAgain) : [],
            PartDepartmentName = extras?.AboutPart is { } about ? await DepartmentNameAsync(db, about.DepartmentCode, ct) : null,
            PartAttachments = extras?.AboutPart?.SubmissionAttachments,
            PartDueAt = extras?.AboutPart?.DueAt,
            PartDueProvisional = extras?.AboutPart?.Provisional ?? false,
        };
    }

    /// <summary>
    /// A joint case's departments late now (the lead past its resolve deadline while it holds the case, then each open
    /// part past its submit deadline), for the zone leadership; null for a case without co-handlers.
    /// </summary>
    private async Task<IReadOnlyList<LateDepartment>?> LateDepartmentsAsync(LiaisonDbContext db, Case c, CancellationToken ct)
    {
        var parts = await PartsAsync(db, c, ct);
        if (parts.Count == 0) return null;
        var calendar = await calendars.GetAsync(ct);
        var now = clock.GetUtcNow();
        var late = new List<LateDepartment>();
        if (CaseStatuses.IsWithHandler(c.Status) && c.DueAt is { } leadDue && leadDue < now)
        {
            late.Add(new(await DepartmentNameAsync(db, c.DepartmentCode, ct) ?? c.DepartmentCode, true, leadDue, calendar.WorkingDaysBetween(leadDue, now)));
        }

        foreach (var p in parts.Where(p => p.IsOpen && p.DueAt < now))
        {
            late.Add(new(await DepartmentNameAsync(db, p.DepartmentCode, ct) ?? p.DepartmentCode, false, p.DueAt!.Value, calendar.WorkingDaysBetween(p.DueAt.Value, now)));
        }

        return late.Count == 0 ? null : late;
    }

    /// <summary>A joint case's co-handlers as the lead's mails list them.</summary>
    /// <param name="askedAgain">The lead's 【重办】: the parts the reopening asks again, marked so.</param>
    internal async Task<IReadOnlyList<CoHandlerStanding>> CoHandlersAsync(LiaisonDbContext db, Case c, DateTimeOffset now, CancellationToken ct,
        IReadOnlySet<long>? askedAgain = null)
    {
        var parts = await PartsAsync(db, c, ct);
        var lines = new List<CoHandlerStanding>(parts.Count);
        foreach (var p in parts)
        {
            // How it ended: its opinion, or the reason it ended without one (the lead's resolve over it, the officer's drop).
            var note = p.Status switch
            {
                PartStatus.Submitted => p.SubmissionNote,
                PartStatus.Overridden or PartStatus.Dropped => p.EndedReason,
                _ => null,
            };
            lines.Add(new CoHandlerStanding(await DepartmentNameAsync(db, p.DepartmentCode, ct) ?? p.DepartmentCode, p.Status, p.IsLate(now),
                askedAgain?.Contains(p.Id) == true, note));
        }

        return lines;
    }

    /// <summary>A case's parts, all of them, tracked, read by the caller in this scope's DbContext (a timer chunk's read-ahead).</summary>
    internal void KnowParts(long caseId, List<CasePart> parts) => _parts[caseId] = parts;

    /// <summary>
    /// The case's parts, read once per scope (a dispatch and its leader copy, an escalation's lists). Tracked, not
    /// AsNoTracking: a part changed in this transaction (just submitted, dropped) is the same object, seen as it is now.
    /// Read again once the DbContext no longer tracks them (a timer sweep's chunk may clear it between timers).
    /// </summary>
    private async Task<List<CasePart>> PartsAsync(LiaisonDbContext db, Case c, CancellationToken ct)
    {
        if (!_parts.TryGetValue(c.Id, out var parts) || parts.Any(p => db.StateOf(p) == EntityState.Detached))
        {
            _parts[c.Id] = parts = await db.Set<CasePart>().Where(p => p.CaseId == c.Id).OrderBy(p => p.Id).ToListAsync(ct);
        }

        return parts;
    }

    /// <summary>Every department, read by the caller in this scope: their names for the mails.</summary>
    internal void KnowDepartments(IEnumerable<Department> all) =>
        _departmentNames ??= all.ToDictionary(d => d.Code, d => d.Name, StringComparer.Ordinal);

    /// <summary>An officer's display name and email, read by the caller in this scope.</summary>
    internal void KnowOfficer(string officerId, string? displayName, string? email) => _officers[officerId] = (displayName, email);

    /// <summary>The case's officer, read once per scope: named in the mails, and where a liaison's reply goes.</summary>
    private async Task<(string? Name, string? Email)> OfficerAsync(LiaisonDbContext db, Case c, CancellationToken ct)
    {
        if (!_officers.TryGetValue(c.OfficerId, out var officer))
        {
            var read = await db.Users.AsNoTracking().Where(u => u.Id == c.OfficerId).Select(u => new { u.DisplayName, u.Email }).FirstOrDefaultAsync(ct);
            _officers[c.OfficerId] = officer = (read?.DisplayName, read?.Email);
        }

        return officer;
    }

    /// <summary>
    /// Whoever acted, named as the timeline names them (<see cref="ActorNames"/>, their one home): the case's officer
    /// without a read (known to this scope already), anyone else read once per scope, however many mails the action sends.
    /// </summary>
    private async Task<Text> ActorNameAsync(LiaisonDbContext db, Case c, string actor, CancellationToken ct)
    {
        var officer = await OfficerAsync(db, c, ct);
        if (actor == c.OfficerId || (officer.Email is { } email && EmailAddress.Same(email, actor)))
        {
            var name = ActorNames.Account(officer.Name, officer.Email, c.OfficerId);
            return new Text(name, name);
        }

        if (!_actors.TryGetValue(actor, out var named))
        {
            _actors[actor] = named = await actorNames.NameAsync(actor, c.Number, ct);
        }

        return named;
    }

    private async Task<string?> DepartmentNameAsync(LiaisonDbContext db, string code, CancellationToken ct)
    {
        // Every department's name at the first need (a few dozen rows, one round trip): a sweep's chunk mails many departments.
        _departmentNames ??= await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.Name, StringComparer.Ordinal, ct);
        return _departmentNames.GetValueOrDefault(code);
    }

    private void Queue(LiaisonDbContext db, Case c, IAssignment holder, string kind, string name, string email, string culture, string? link, CaseMailModel shared,
        CasePart? part, (string Name, string Address)? replyTo = null)
    {
        var model = shared with
        {
            RecipientName = name,
            LinkUrl = link,
            // The dispatch after a return says it mid-sentence ("…, which returned it (not within …)"); the others as a label.
            ReasonLabel = shared.ReasonCode is { } code && CaseActions.ReturnReasons.TryGetValue(code, out var label)
                ? kind == CaseMailKind.Dispatch && Cultures.IsEnglish(culture) ? English.GoOn(label.En) : label.In(culture) : null,
        };
        var mail = renderer.Render(kind, culture, model);
        // Every mail of the case, a co-handler's too, threads under the case's first one (a co-handler's mails share
        // that root, so they group in its mailbox as well).
        var row = outbox.Add(db, new OutgoingMail(email, name, mail.Subject, mail.TextBody, mail.HtmlBody, kind, c.Id, c.ThreadRootMessageId, replyTo));
        c.ThreadRootMessageId ??= row.MessageId;
        CaseTimeline.Add(db, c, clock.GetUtcNow(), CaseEventKinds.Email, CaseTimeline.System, $"{kind} → {name} <{email}>",
            new { kind, to = email, toName = name, messageId = row.MessageId }, part);
    }

    private async Task<IReadOnlyList<(string Name, string Email, string Culture, LinkRole? Role)>> RecipientsAsync(
        LiaisonDbContext db, Case c, IAssignment holder, string audience, CancellationToken ct)
    {
        switch (audience)
        {
            case Audiences.Handler:
                return [(holder.HandlerName, holder.HandlerEmail, holder.HandlerCulture, LinkRole.Handler)];
            case Audiences.Leader:
                return holder.LeaderEmail is null ? [] : [(holder.LeaderName ?? "", holder.LeaderEmail, holder.LeaderCulture, LinkRole.Leader)];
            case Audiences.Officer:
                var officer = await db.Users.AsNoTracking().Where(u => u.Id == c.OfficerId).Select(u => new { u.DisplayName, u.Email, u.Culture }).FirstOrDefaultAsync(ct);
                return officer?.Email is null ? [] : [(officer.DisplayName, officer.Email, officer.Culture, null)];
            case Audiences.Zone:
                return options.Value.ZoneLeadershipOrSample().Select(z => (z.Name, z.Email, z.Culture, (LinkRole?)null)).ToList();
            default:
                return [];
        }
    }
}
