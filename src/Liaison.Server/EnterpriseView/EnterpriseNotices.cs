using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Liaison.Server.Hosting;
using Liaison.Server.Links;
using Liaison.Server.Mail;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.EnterpriseView;

/// <summary>
/// The enterprise hears from the system: when its case is first dispatched (opened) its notice contact gets a mail
/// with a personal link; when the officer confirms the case (closed) the rating window opens and the contact gets a
/// fresh link asking for a rating (办结，请评价). A workflow effect handler beside <see cref="CaseEffectHandler"/>, so
/// both mails and the rating row commit in the transaction of the open and of the confirmation.
/// </summary>
/// <remarks>
/// Registered after <see cref="CaseEffectHandler"/>: by the time it sees an effect, the case row already carries the
/// department and deadlines of the dispatch, or its closing.
/// </remarks>
public sealed class EnterpriseNotices(
    CaseMailRenderer renderer, CaseMailer mailer, Outbox outbox, CalendarService calendars, IOptions<LiaisonOptions> options, TimeProvider clock)
    : IWorkflowEffectHandler
{
    public bool CanHandle(IWorkflowEffect effect) =>
        effect is CaseDispatched { Round: 1 } or CaseStatusSet { Status: CaseStatus.Closed };

    public async Task HandleAsync(WorkflowEffectContext context, IWorkflowEffect effect, CancellationToken ct)
    {
        // A co-handler's part has its own round 1 and never closes the case.
        if (context.RunContext.Get<CaseRouting>() is not { Case.PartId: null } routing)
        {
            return;
        }

        var db = context.Db;
        var c = await db.Cases.GetAsync(routing.Case.Id, ct);
        if (c.EnterpriseId is not { } enterpriseId)
        {
            return;
        }

        // Read with its register entry in this scope when the case is being opened (ScopeReads); the contact and the count
        // of its changes in one statement, so a link is never minted under a newer count than the contact it goes to.
        var notice = db.Reads.EnterpriseOf(enterpriseId) is { } entry
            ? new Notice(entry.NoticeContact, entry.NoticeContactVersion)
            : await NoticeOfAsync(db, enterpriseId, ct);
        var now = clock.GetUtcNow();
        if (effect is CaseDispatched)
        {
            // Round 1 is the case's first dispatch, once per case: later rounds (reassign, insist) say nothing new to it.
            if (notice.Contact?.Email is { Length: > 0 })
            {
                await MailAsync(db, c, notice, CaseMailKind.EnterpriseOpened, EnterpriseLinkPurpose.Opened, null, now, ct);
            }

            return;
        }

        await OpenRatingAsync(db, c, notice, now, ct);
    }

    /// <summary>The enterprise's notice contact and <see cref="RegisteredEnterprise.NoticeContactVersion"/>, read together.</summary>
    private sealed record Notice(EnterpriseContact? Contact, int Version);

    /// <summary>Whether the register entry's notice contact has an email: it is mailed its links, and they can be sent again.</summary>
    public static async Task<bool> CanMailAsync(LiaisonDbContext db, long? enterpriseId, CancellationToken ct) =>
        enterpriseId is { } id && await NoticeOfAsync(db, id, ct) is { Contact.Email.Length: > 0 };

    private static async Task<Notice> NoticeOfAsync(LiaisonDbContext db, long enterpriseId, CancellationToken ct) =>
        await db.Set<RegisteredEnterprise>().AsNoTracking().Where(e => e.Id == enterpriseId)
            .Select(e => new Notice(e.Contacts.FirstOrDefault(x => x.ForNotices), e.NoticeContactVersion)).FirstOrDefaultAsync(ct)
        ?? new Notice(null, 0);

    private static async Task<bool> LockContactAsync(LiaisonDbContext db, long contactId, CancellationToken ct) =>
        (await db.Database.SqlQuery<int>($"SELECT 1 AS \"Value\" FROM enterprise_contacts WHERE id = {contactId} FOR KEY SHARE").ToListAsync(ct)).Count > 0;

    /// <summary>
    /// The officer answered the enterprise's unsatisfied rating and closed it (说明后结案): its notice contact gets the
    /// answer in the caller's transaction, with a fresh link when <paramref name="withLink"/> (the case's links still work).
    /// </summary>
    public async Task AnswerAsync(LiaisonDbContext db, Case c, string answer, bool withLink, CancellationToken ct)
    {
        if (c.EnterpriseId is not { } enterpriseId || await NoticeOfAsync(db, enterpriseId, ct) is not { Contact.Email.Length: > 0 } notice)
        {
            return;
        }

        await MailAsync(db, c, notice, CaseMailKind.EnterpriseAnswered, withLink ? EnterpriseLinkPurpose.Answered : null, answer, clock.GetUtcNow(), ct);
    }

    /// <summary>
    /// The officer cancelled the case (撤销): its notice contact is told, with the reason, in the caller's transaction. No
    /// link: there is nothing more to follow.
    /// </summary>
    public async Task CancelledAsync(LiaisonDbContext db, Case c, string reason, CancellationToken ct)
    {
        if (c.EnterpriseId is not { } enterpriseId || await NoticeOfAsync(db, enterpriseId, ct) is not { Contact.Email.Length: > 0 } notice)
        {
            return;
        }

        await MailAsync(db, c, notice, CaseMailKind.EnterpriseCancelled, null, reason, clock.GetUtcNow(), ct);
    }

    /// <summary>
    /// Its case went to another department (改派) or its resolve deadline moved (an approved extension, a reopening that
    /// moved it): the enterprise's notice contact is told the department and the deadline now, and the deadline before
    /// (<paramref name="previousDue"/>), in plain words and in the caller's transaction (the change's), with a fresh link
    /// to the progress page (the one reading it wants to look, and may not keep the opening notice). Nothing without a
    /// notice contact's email.
    /// </summary>
    /// <param name="change">What changed (<see cref="EnterpriseChange"/>).</param>
    public async Task ChangedAsync(LiaisonDbContext db, Case c, string change, DateTimeOffset? previousDue, CancellationToken ct)
    {
        if (c.EnterpriseId is not { } enterpriseId || await NoticeOfAsync(db, enterpriseId, ct) is not { Contact.Email.Length: > 0 } notice)
        {
            return;
        }

        await MailAsync(db, c, notice, CaseMailKind.EnterpriseChanged, EnterpriseLinkPurpose.Opened, null, clock.GetUtcNow(), ct, change: change, previousDue: previousDue);
    }

    /// <summary>
    /// 重发进度链接: the officer mails the enterprise's notice contact a fresh link to the case, in the caller's transaction,
    /// as the mail it would have had for the case as it stands: an open case's 受理告知, a closed one's 请评价 while its
    /// rating is still open. Earlier links keep working (same contact, same mailbox: ending them protects nothing and
    /// would break the mail the enterprise may find again). The contact's name, or the refusal: no notice contact with an
    /// email, or nothing left for the enterprise to follow.
    /// </summary>
    public async Task<(string? SentTo, Liaison.Server.Common.ServiceError? Refused)> ResendAsync(LiaisonDbContext db, Case c, CancellationToken ct)
    {
        if (c.EnterpriseId is not { } enterpriseId || await NoticeOfAsync(db, enterpriseId, ct) is not { Contact.Email.Length: > 0 } notice)
        {
            return (null, new Liaison.Server.Common.ServiceError.Conflict(new(
                "该事项的企业没有接收通知的联系人邮箱，无法发送进度链接：请先在企业名录中为该企业的一位联系人填写邮箱，并设为接收通知的联系人",
                "The case's enterprise has no notice contact with an email to send the link to: in the register, give one of its contacts an email and make them the notice contact first")));
        }

        var now = clock.GetUtcNow();
        if (await TooSoonAsync(db, c, now, ct) is { } tooSoon)
        {
            return (null, tooSoon);
        }

        if (CaseStatuses.IsOpen(c.Status))
        {
            await MailAsync(db, c, notice, CaseMailKind.EnterpriseOpened, EnterpriseLinkPurpose.Opened, null, now, ct, resent: true);
        }
        else if (c.Status == CaseStatus.Closed && await db.Set<CaseRating>().AnyAsync(r => r.CaseId == c.Id && r.Score == null && r.ClosesAt > now, ct))
        {
            await MailAsync(db, c, notice, CaseMailKind.EnterpriseRate, EnterpriseLinkPurpose.Rate, await ResolutionAsync(db, c.Id, ct), now, ct, resent: true);
        }
        else
        {
            return (null, new Liaison.Server.Common.ServiceError.Conflict(new(
                "事项已办结或撤销，且没有待企业评价的内容，无需重发进度链接",
                "The case has ended and has no rating waiting for the enterprise: there is no link to send again")));
        }

        return (notice.Contact!.Name, null);
    }

    /// <summary>
    /// A resend within <see cref="LiaisonOptions.NudgeCoolDown"/> of the case's last one (as the officer's urges): refused,
    /// saying when the last went, to whom, and when the next may; nothing is sent. Null when it may go. Read under the
    /// case's lock (the caller's), so of two clicks at once one mail goes.
    /// </summary>
    private async Task<Liaison.Server.Common.ServiceError?> TooSoonAsync(LiaisonDbContext db, Case c, DateTimeOffset now, CancellationToken ct)
    {
        var window = options.Value.NudgeCoolDown;
        if (window <= TimeSpan.Zero)
        {
            return null;
        }

        var last = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id && e.Kind == CaseEventKinds.EnterpriseLinkResent)
            .OrderByDescending(e => e.At).Select(e => new { e.At, e.Data }).FirstOrDefaultAsync(ct);
        if (last is null || Liaison.Server.Common.CoolDown.Over(last.At, window, now))
        {
            return null;
        }

        var (shown, every) = Liaison.Server.Common.CoolDown.After(last.At, window);
        var to = ToNameOf(last.Data);
        var (toZh, toEn) = to is null ? ("", "") : ($"（发送至 {to}）", $" (to {to})");
        return new Liaison.Server.Common.ServiceError.Conflict(new(
            $"进度链接已于 {calendars.Minute(last.At)} 重发过{toZh}，{every.Zh}内只重发一次，本次未发送：{calendars.Minute(shown)} 后可再次重发",
            $"The progress link was resent at {calendars.Minute(last.At)}{toEn}; one resend per {every.En}, so nothing was sent: the next may be sent from {calendars.Minute(shown)}"));
    }

    /// <summary>The contact a resend went to, as its timeline entry names it (never the address).</summary>
    private static string? ToNameOf(string? data)
    {
        if (data is null)
        {
            return null;
        }

        using var json = System.Text.Json.JsonDocument.Parse(data);
        return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && json.RootElement.TryGetProperty("toName", out var name)
            && name.ValueKind == System.Text.Json.JsonValueKind.String ? name.GetString() : null;
    }

    /// <summary>
    /// The enterprise's notice contact was replaced (<see cref="RegisteredEnterprise.NoticeContactVersion"/> moved on, which
    /// ended the former contact's links): the new one gets a link of its own to each case it would still be following, an
    /// open case (受理告知) and a closed one whose rating is still open (请评价), in the caller's transaction.
    /// </summary>
    public async Task HandOverAsync(LiaisonDbContext db, RegisteredEnterprise enterprise, CancellationToken ct)
    {
        if (enterprise.NoticeContact is not { Email.Length: > 0 } contact)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var notice = new Notice(contact, enterprise.NoticeContactVersion);
        var followed = await db.Cases.Where(c => c.EnterpriseId == enterprise.Id && (CaseStatuses.Open.Contains(c.Status)
                || (c.Status == CaseStatus.Closed && db.Set<CaseRating>().Any(r => r.CaseId == c.Id && r.Score == null && r.ClosesAt > now))))
            .OrderBy(c => c.Id).ToListAsync(ct);
        foreach (var c in followed)
        {
            if (CaseStatuses.IsOpen(c.Status))
            {
                await MailAsync(db, c, notice, CaseMailKind.EnterpriseOpened, EnterpriseLinkPurpose.Opened, null, now, ct);
            }
            else
            {
                await MailAsync(db, c, notice, CaseMailKind.EnterpriseRate, EnterpriseLinkPurpose.Rate, await ResolutionAsync(db, c.Id, ct), now, ct);
            }
        }
    }

    /// <summary>
    /// The confirmation opens the rating window, once per case (unique case_id): for a case whose enterprise can be
    /// asked, that is one with a notice contact's email now or a link mailed before.
    /// </summary>
    private async Task OpenRatingAsync(LiaisonDbContext db, Case c, Notice notice, DateTimeOffset now, CancellationToken ct)
    {
        var canMail = notice.Contact?.Email is { Length: > 0 };
        if (await db.Set<CaseRating>().AnyAsync(r => r.CaseId == c.Id, ct)
            || (!canMail && !await db.Set<EnterpriseLink>().AnyAsync(l => l.CaseId == c.Id, ct)))
        {
            return;
        }

        var calendar = await calendars.GetAsync(ct);
        var rating = new CaseRating { CaseId = c.Id, DepartmentCode = c.DepartmentCode, ConfirmedAt = now, ClosesAt = Ratings.ClosesAt(calendar, now) };
        db.Set<CaseRating>().Add(rating);
        if (canMail)
        {
            await MailAsync(db, c, notice, CaseMailKind.EnterpriseRate, EnterpriseLinkPurpose.Rate, await ResolutionAsync(db, c.Id, ct), now, ct);
        }
    }

    /// <summary>
    /// Whom at the zone the enterprise may ask about the case (园区联系人), on its page and in its mails: the officer who
    /// follows the case (全程代办, the one who acts on it) and, for a key enterprise, its chief service officer (首席服务员,
    /// who looks after the enterprise as a whole) when another person; the register says who that is now. Active accounts
    /// only. Never a
    /// department's liaison: the enterprise deals with the zone, the zone with the departments.
    /// </summary>
    public static async Task<IReadOnlyList<ZoneContact>> ContactsAsync(LiaisonDbContext db, Case c, CancellationToken ct)
    {
        var chiefId = c.EnterpriseId is { } id
            ? await db.Set<RegisteredEnterprise>().AsNoTracking().Where(e => e.Id == id && e.IsKey).Select(e => e.ChiefServiceOfficerId).FirstOrDefaultAsync(ct)
            : null;
        var ids = new[] { c.OfficerId, chiefId }.OfType<string>().Distinct().ToList();
        // A deactivated account is nobody to ask any more (an ended case keeps the officer it had).
        var people = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Where(Accounts.Active)
            .Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        return ids.Select(i => people.FirstOrDefault(p => p.Id == i) is { } p
                ? new ZoneContact(p.DisplayName is { Length: > 0 } name ? name : p.Email ?? "", p.Email ?? "", i == chiefId && i != c.OfficerId)
                : null)
            .OfType<ZoneContact>().ToList();
    }

    /// <summary>The lead's latest resolution note (办理结果), which the enterprise may read.</summary>
    public static Task<string?> ResolutionAsync(LiaisonDbContext db, long caseId, CancellationToken ct) =>
        db.CaseEvents.AsNoTracking().Where(e => e.CaseId == caseId && e.Kind == CaseActions.Resolve && e.PartId == null)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.Note).FirstOrDefaultAsync(ct);

    /// <param name="resent">The officer's 重发进度链接: the subject says it is sent again (【重发】), so two such mails are told apart.</param>
    /// <param name="change">An <see cref="CaseMailKind.EnterpriseChanged"/> mail's change (its <c>Event.Kind</c>).</param>
    /// <param name="previousDue">That mail's deadline before the change (<c>Case.OriginalDue</c>).</param>
    private async Task MailAsync(
        LiaisonDbContext db, Case c, Notice notice, string kind, EnterpriseLinkPurpose? purpose, string? note, DateTimeOffset now, CancellationToken ct,
        bool resent = false, string? change = null, DateTimeOffset? previousDue = null)
    {
        var contact = notice.Contact!;
        string? linkUrl = null;
        if (purpose is { } linkPurpose)
        {
            // The link names its contact: locked here, so an edit of the register that replaces the contacts (and
            // commits first) cannot leave the link pointing at a removed row. Gone already: the entry's notice contact now.
            for (var tries = 0; !await LockContactAsync(db, contact.Id, ct); tries++)
            {
                if (tries == 3 || c.EnterpriseId is not { } enterpriseId
                    || await NoticeOfAsync(db, enterpriseId, ct) is not { Contact.Email.Length: > 0 } current)
                {
                    return;
                }

                (notice, contact) = (current, current.Contact!);
            }

            var token = LinkTokens.NewToken();
            db.Set<EnterpriseLink>().Add(new EnterpriseLink
            {
                CaseId = c.Id, TokenHash = LinkTokens.Hash(token), ContactId = contact.Id, ContactVersion = notice.Version, Purpose = linkPurpose, CreatedAt = now,
            });
            linkUrl = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/e/{token}";
        }

        var department = await db.Departments.AsNoTracking().Where(d => d.Code == c.DepartmentCode).Select(d => d.Name).FirstOrDefaultAsync(ct);
        var mail = renderer.Render(kind, CaseMailRenderer.Chinese, new CaseMailModel
        {
            CaseNumber = c.Number,
            Title = c.Title,
            Description = c.Description,
            Priority = c.Priority,
            EnterpriseName = c.Enterprise.Name,
            DepartmentName = department,
            RecipientName = contact.Name,
            LinkUrl = linkUrl,
            // The acceptance deadline only while the department has not accepted (a notice to a new contact, a resend):
            // a passed one would read as missed.
            AcceptBy = c.Status == CaseStatus.Dispatched ? c.AcceptBy : null,
            DueAt = c.DueAt,
            // The date before the change, in a change notice only: the case's own original (scoring) date is internal.
            OriginalDueAt = kind == CaseMailKind.EnterpriseChanged ? previousDue : null,
            KeyEvent = change,
            Provisional = c.Provisional,
            AcceptByProvisional = Cases.DeadlineRecalculation.IsProvisional(c.AcceptByBasis, c.Provisional),
            Note = note,
            // A joint case's co-handling departments, which the enterprise's page names too (their standing is the zone's).
            CoHandlers = kind == CaseMailKind.EnterpriseOpened ? await mailer.CoHandlersAsync(db, c, now, ct) : [],
            ZoneContacts = await ContactsAsync(db, c, ct),
        });
        // In the case's thread, as every mail of the case.
        // Enterprises' mails are Chinese (rendered so above); the mark goes before whatever subject an admin's edit gives.
        var subject = resent ? "【重发】" + mail.Subject : mail.Subject;
        var row = outbox.Add(db, new OutgoingMail(contact.Email!, contact.Name, subject, mail.TextBody, mail.HtmlBody, kind, c.Id, c.ThreadRootMessageId));
        c.ThreadRootMessageId ??= row.MessageId;
        // The timeline names the contact, never the address: contacts' emails stay in the register (issue 11 §5).
        CaseTimeline.Add(db, c, now, CaseEventKinds.Email, CaseTimeline.System, $"{kind} → {contact.Name}",
            new { kind, toName = contact.Name, messageId = row.MessageId });
    }
}
