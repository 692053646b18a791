using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Cases.Notifications;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Liaison.Server.Hosting;
using Liaison.Server.Links;
using Liaison.Server.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Liaison.Server.Digests;

/// <summary>What one run did: the date it sent for (null when today is no digest day or it is too early), new and repeated digests.</summary>
/// <param name="NotDue">Why nothing was sent, when it was not a digest day or time (Date is null then).</param>
public sealed record DigestRunReport(DateOnly? Date, int Sent, int AlreadySent, string? NotDue = null)
{
    /// <summary>What the run did, in a line: the job's result in the jobs dashboard, for an admin who triggered it.</summary>
    public string Summary => Date is { } date
        ? $"{date:yyyy-MM-dd}：已发送 {Sent} 封，{AlreadySent} 封此前已发送 / {date:yyyy-MM-dd}: {Sent} sent, {AlreadySent} already sent"
        : NotDue ?? "未发送 / nothing sent";
}

/// <summary>
/// Builds the daily handler and officer digests and the weekly league table and queues them in the outbox. Each
/// recipient's digest is one transaction: its links, its outbox row and its <see cref="DigestSend"/> key commit
/// together, and a second run (retry, another instance) hits the key and sends nothing.
/// </summary>
public sealed class DigestService(
    LiaisonDbContext db,
    CaseMailer mailer,
    Outbox outbox,
    DigestMailRenderer renderer,
    CalendarService calendars,
    IOptions<LiaisonOptions> options,
    IOptions<DigestOptions> digestOptions,
    TimeProvider clock,
    LeagueTableCsvLinks csvLinks,
    ILogger<DigestService> log)
{
    // The same sample fallback as CaseMailer's escalations, so an unconfigured zone still sees its league table in the dev mailbox.

    private DigestOptions Settings => digestOptions.Value;

    private string BaseUrl => options.Value.PublicBaseUrl.TrimEnd('/');

    /// <summary>The daily handler and officer digests, if today (zone time) is a working day and the send time has passed.</summary>
    public async Task<DigestRunReport> SendDailyAsync(CancellationToken ct = default)
    {
        var calendar = await calendars.GetAsync(ct);
        var now = clock.GetUtcNow();
        if (DigestSchedule.DailyDue(calendar, now, Settings.SendAt) is not { } date)
        {
            return NotDue(calendar, now, "每日摘要仅在工作日", "daily digests go out on working days");
        }

        var handlers = await SendHandlerDigestsAsync(date, now, calendar, ct);
        var officers = await SendOfficerDigestsAsync(date, now, calendar, ct);
        log.LogInformation("Daily digests for {Date}: {Sent} sent, {Repeated} already sent", date, handlers.Sent + officers.Sent, handlers.AlreadySent + officers.AlreadySent);
        return new DigestRunReport(date, handlers.Sent + officers.Sent, handlers.AlreadySent + officers.AlreadySent);
    }

    /// <summary>Nothing due now, and why: the day, or the hour (zone time), is not the digests'.</summary>
    private DigestRunReport NotDue(WorkingCalendar calendar, DateTimeOffset now, string whenZh, string whenEn)
    {
        var local = TimeZoneInfo.ConvertTime(now, calendar.TimeZone);
        var at = Settings.SendAt.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var reason = $"现在（{local:yyyy-MM-dd HH:mm}）不发送：{whenZh} {at} 后、下班前发送 / Nothing sent now ({local:yyyy-MM-dd HH:mm}): {whenEn}, from {at} until close of business";
        log.LogInformation("Digests not due: {Reason}", reason);
        return new DigestRunReport(null, 0, 0, reason);
    }

    /// <summary>The weekly league table for the previous week, on the week's first working day after the send time.</summary>
    public async Task<DigestRunReport> SendLeagueTableAsync(CancellationToken ct = default)
    {
        var calendar = await calendars.GetAsync(ct);
        var now = clock.GetUtcNow();
        if (DigestSchedule.WeeklyDue(calendar, now, Settings.SendAt) is not { } date)
        {
            return NotDue(calendar, now, "红黄榜仅在每周第一个工作日", "the league table goes out on the week's first working day");
        }

        var (from, to) = DigestSchedule.ReportedPeriod(calendar, date);
        var table = await ComputeLeagueTableAsync(from, to, ct);
        var keyService = await KeyEnterpriseServiceQuery.CountAsync(db, calendar, from, to, now, ct);
        // A signed link: the zone leadership has no account, so the officers' API would answer them 401.
        var csv = csvLinks.Url(BaseUrl, from, to);
        int sent = 0, repeated = 0;
        foreach (var (name, email, culture) in await LeagueTableRecipientsAsync(ct))
        {
            var done = await SendOnceAsync(DigestKind.LeagueTable, email, date, now, () =>
            {
                var mail = renderer.Render(new LeagueTableMail(name, table, csv) { KeyEnterpriseService = keyService }, culture);
                return Task.FromResult((Queue(email, name, mail, DigestKind.LeagueTable), table.Rows.Count));
            }, ct);
            if (done) sent++; else repeated++;
        }

        return new DigestRunReport(date, sent, repeated);
    }

    /// <summary>The league table of the local days <paramref name="from"/> to <paramref name="to"/> (inclusive), as of now.</summary>
    public async Task<LeagueTableResult> ComputeLeagueTableAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var calendar = await calendars.GetAsync(ct);
        var now = clock.GetUtcNow();
        var start = DigestSchedule.At(calendar, from, TimeOnly.MinValue);
        var end = DigestSchedule.At(calendar, to.AddDays(1), TimeOnly.MinValue);
        var departments = await db.Departments.AsNoTracking().OrderBy(d => d.Id).Select(d => new { d.Code, d.Name, d.Active }).ToListAsync(ct);
        var (counts, total) = await LeagueTableQuery.CountAsync(db, start, end, now, calendar, ct);
        // Every active department, and a deactivated one only when it has something in the period.
        var shown = departments.Where(d => d.Active || counts.ContainsKey(d.Code)).Select(d => (d.Code, d.Name));
        var table = LeagueTable.Build(shown, counts, total, from, to, now, new LeagueRules(Settings.RedBelow, Settings.YellowBelow));
        return await SatisfactionQuery.AddToAsync(db, table, start, end, now, ct);
    }

    private async Task<DigestRunReport> SendHandlerDigestsAsync(DateOnly date, DateTimeOffset now, WorkingCalendar calendar, CancellationToken ct)
    {
        var names = await DepartmentNamesAsync(ct);
        int sent = 0, repeated = 0;
        // One handler's open cases and co-handling parts at a time: memory holds the largest handler's list, not every
        // open case of the zone.
        var handlers = await db.Cases.AsNoTracking().Where(c => CaseStatuses.WithHandler.Contains(c.Status))
            .Select(c => c.HandlerEmail.ToLower())
            .Union(OpenParts().Select(x => x.Part.HandlerEmail.ToLower()))
            .ToListAsync(ct);
        foreach (var handler in handlers.Order(StringComparer.Ordinal))
        {
            var open = await db.Cases.AsNoTracking()
                .Where(c => CaseStatuses.WithHandler.Contains(c.Status) && c.HandlerEmail.ToLower() == handler)
                .ToListAsync(ct);
            var parts = (await OpenParts().Where(x => x.Part.HandlerEmail.ToLower() == handler).ToListAsync(ct))
                .Select(x => (x.Case, x.Part)).ToList();
            var (s, r) = await SendHandlerDigestsAsync(open, parts, date, now, calendar, names, ct);
            (sent, repeated) = (sent + s, repeated + r);
        }

        return new DigestRunReport(date, sent, repeated);
    }

    /// <summary>Enterprises' unsatisfied ratings (不满意) no officer has decided yet, with their cases' officers.</summary>
    private IQueryable<UnsatisfiedRating> Unsatisfied() =>
        from r in db.Set<EnterpriseView.CaseRating>().AsNoTracking()
        join c in db.Cases.AsNoTracking() on r.CaseId equals c.Id
        where r.Score == Liaison.Cases.Enterprises.RatingScore.Unsatisfied && r.Decision == null
        select new UnsatisfiedRating { CaseId = r.CaseId, OfficerId = c.OfficerId, Comment = r.Comment };

    private sealed class UnsatisfiedRating
    {
        public required long CaseId { get; init; }

        public required string OfficerId { get; init; }

        public string? Comment { get; init; }
    }

    /// <summary>Co-handling parts still waiting for their department, on cases that have not ended, with their cases.</summary>
    private IQueryable<OpenPart> OpenParts() =>
        from p in db.Set<CasePart>().AsNoTracking()
        join c in db.Cases.AsNoTracking() on p.CaseId equals c.Id
        where CasePart.OpenStatuses.Contains(p.Status) && !CaseStatuses.Ended.Contains(c.Status)
        select new OpenPart { Case = c, Part = p };

    // Member-initialised (not a constructor) so EF can still filter on its members.
    private sealed class OpenPart
    {
        public required Case Case { get; init; }

        public required CasePart Part { get; init; }
    }

    private async Task<(int Sent, int Repeated)> SendHandlerDigestsAsync(
        List<Case> open, List<(Case, CasePart)> parts, DateOnly date, DateTimeOffset now, WorkingCalendar calendar, Dictionary<string, string> names,
        CancellationToken ct)
    {
        int sent = 0, repeated = 0;
        foreach (var digest in HandlerDigests.Build(open, now, calendar, Settings.DueSoonWorkingDays, parts))
        {
            var done = await SendOnceAsync(DigestKind.Handler, digest.Email, date, now, () =>
            {
                // A fresh personal link per case or part: bound to this recipient and its current round.
                DigestCaseLine Line(HandlerDigestItem i)
                {
                    var line = i.Part is { } part
                        ? DigestCaseLine.From(i.Case, part, names.GetValueOrDefault(part.DepartmentCode), names.GetValueOrDefault(i.Case.DepartmentCode),
                            mailer.MintLink(db, i.Case, part.HandlerName, part.HandlerEmail, part.HandlerCulture, LinkRole.Handler, part))
                        : DigestCaseLine.From(i.Case, names.GetValueOrDefault(i.Case.DepartmentCode),
                            mailer.MintLink(db, i.Case, i.Case.HandlerName, i.Case.HandlerEmail, i.Case.HandlerCulture, LinkRole.Handler));
                    return line with
                    {
                        OverdueWorkingDays = i.OverdueWorkingDays,
                        AcceptOverdue = i.AcceptOverdue,
                        WorkingDaysLeft = i.WorkingDaysLeft,
                        AcceptWorkingDaysLeft = i.AcceptWorkingDaysLeft,
                    };
                }

                // Links only for the lines the mail shows: a link never sent is a row for nothing.
                List<DigestCaseLine> Shown(DigestUrgency u) => digest.In(u).Take(DigestMailRenderer.MaxLinesPerSection).Select(Line).ToList();
                var mail = renderer.Render(new HandlerDigestMail(digest.Name, date, Shown(DigestUrgency.Overdue), Shown(DigestUrgency.DueSoon), Shown(DigestUrgency.Other))
                {
                    OverdueTotal = digest.In(DigestUrgency.Overdue).Count(),
                    DueSoonTotal = digest.In(DigestUrgency.DueSoon).Count(),
                    OtherTotal = digest.In(DigestUrgency.Other).Count(),
                }, digest.Culture);
                return Task.FromResult((Queue(digest.Email, digest.Name, mail, DigestKind.Handler), digest.Items.Count));
            }, ct);
            if (done) sent++; else repeated++;
        }

        return (sent, repeated);
    }

    private async Task<DigestRunReport> SendOfficerDigestsAsync(DateOnly date, DateTimeOffset now, WorkingCalendar calendar, CancellationToken ct)
    {
        var officerIds = await db.Cases.AsNoTracking().Where(c => !CaseStatuses.Ended.Contains(c.Status) || c.UpdatedAt >= now.AddDays(-31))
            .Select(c => c.OfficerId).Union(Unsatisfied().Select(x => x.OfficerId)).Union(KeyEnterpriseDigest.Officers(db)).Distinct().ToListAsync(ct);
        // A deactivated account gets no digest (its work was handed over; what is left is history).
        var officers = await db.Users.AsNoTracking().Where(Accounts.Active).Where(u => officerIds.Contains(u.Id) && u.Email != null)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.Culture }).ToListAsync(ct);
        var names = await DepartmentNamesAsync(ct);
        var firstSince = DigestSchedule.At(calendar, DigestSchedule.PreviousWorkingDay(calendar, date), Settings.SendAt);
        int sent = 0, repeated = 0;
        foreach (var officer in officers.OrderBy(o => o.Email))
        {
            var key = DigestSend.Key(officer.Email!);
            // "Changed since the last digest": since the last one this officer got; the first looks back one working day.
            var last = await db.Set<DigestSend>().AsNoTracking()
                .Where(s => s.Kind == DigestKind.Officer && s.Recipient == key && s.LocalDate < date)
                .MaxAsync(s => (DateTimeOffset?)s.SentAt, ct);
            var since = last ?? firstSince;
            var (items, listed, totals, unsatisfied) = await OfficerItemsAsync(officer.Id, since, now, calendar, ct);
            var served = await KeyEnterpriseDigest.ForAsync(db, officer.Id, listed, date, now, calendar, BaseUrl, names, ct);
            if (listed.Count == 0 && served.IsEmpty)
            {
                continue;
            }

            // Joint cases: their co-handlers and the parts' status, in one query for the lines the mail shows.
            var shown = items.Select(i => i.Case.Id).ToList();
            var coHandlers = (await db.Set<CasePart>().AsNoTracking().Where(p => shown.Contains(p.CaseId)).OrderBy(p => p.Id)
                    .Select(p => new { p.CaseId, p.DepartmentCode, p.Status }).ToListAsync(ct))
                .ToLookup(p => p.CaseId, p => (names.GetValueOrDefault(p.DepartmentCode) ?? p.DepartmentCode, p.Status));

            var done = await SendOnceAsync(DigestKind.Officer, officer.Email!, date, now, () =>
            {
                DigestCaseLine Line(OfficerDigestItem i) => DigestCaseLine.From(i.Case, names.GetValueOrDefault(i.Case.DepartmentCode), $"{BaseUrl}/cases/{i.Case.Number}") with
                {
                    OverdueWorkingDays = i.OverdueWorkingDays,
                    Decision = i.Decision,
                    // In the officer's language, a deadline change worded as the case page words it.
                    Changes = i.Changes.TakeLast(5).Select(e => DigestChanges.InWordsOf(e, officer.Culture, calendar.TimeZone, names)).ToList(),
                    CoHandlers = coHandlers[i.Case.Id].ToList(),
                    EnterpriseComment = unsatisfied.GetValueOrDefault(i.Case.Id),
                };
                List<DigestCaseLine> In(OfficerDigestSection s) => items.Where(i => i.Section == s).Select(Line).ToList();
                var mail = renderer.Render(new OfficerDigestMail(officer.DisplayName, date, since,
                    In(OfficerDigestSection.NeedsDecision), In(OfficerDigestSection.Overdue), In(OfficerDigestSection.Changed))
                    {
                        Served = served.Served,
                        VisitsDue = served.VisitsDue,
                        WorkbenchLink = $"{BaseUrl}/workbench",
                        NeedsDecisionTotal = totals.GetValueOrDefault(OfficerDigestSection.NeedsDecision),
                        OverdueTotal = totals.GetValueOrDefault(OfficerDigestSection.Overdue),
                        ChangedTotal = totals.GetValueOrDefault(OfficerDigestSection.Changed),
                    }, officer.Culture);
                return Task.FromResult((Queue(officer.Email!, officer.DisplayName, mail, DigestKind.Officer), listed.Count + served.Served.Count + served.VisitsDue.Count));
            }, ct);
            if (done) sent++; else repeated++;
        }

        return new DigestRunReport(date, sent, repeated);
    }

    /// <summary>
    /// One officer's digest items, reading their cases <see cref="DigestOptions.OfficerCasesPerRead"/> at a time (by id):
    /// memory holds one batch and the lines the mail shows (the first <see cref="DigestMailRenderer.MaxLinesPerSection"/>
    /// of each section, in the digest's order), not every case of an officer with tens of thousands.
    /// </summary>
    /// <returns>The items shown, in order; the ids of every case listed (shown or not); each section's count (shown or
    /// not); the enterprises' 不满意 comments of the items shown.</returns>
    private async Task<(List<OfficerDigestItem> Shown, List<long> Listed, Dictionary<OfficerDigestSection, int> Totals, Dictionary<long, string?> Unsatisfied)> OfficerItemsAsync(
        string officerId, DateTimeOffset since, DateTimeOffset now, WorkingCalendar calendar, CancellationToken ct)
    {
        var shown = new List<OfficerDigestItem>();
        var listed = new List<long>();
        var totals = new Dictionary<OfficerDigestSection, int>();
        var unsatisfied = new Dictionary<long, string?>();
        var perRead = Math.Max(1, Settings.OfficerCasesPerRead);
        // The ids first, in one query PostgreSQL answers with one pass (a keyset page of the same filter made it probe
        // the timeline once per case of the officer: 5× slower at 1M cases), then the cases a batch at a time.
        var matching = await db.Cases.AsNoTracking()
            .Where(c => c.OfficerId == officerId && (!CaseStatuses.Ended.Contains(c.Status) || c.Timeline.Any(e => e.At >= since)
                || Unsatisfied().Any(x => x.CaseId == c.Id)))
            .OrderBy(c => c.Id)
            .Select(c => c.Id)
            .ToListAsync(ct);
        foreach (var batch in matching.Chunk(perRead))
        {
            var cases = await db.Cases.AsNoTracking()
                .Where(c => batch.Contains(c.Id))
                .OrderBy(c => c.Id)
                .Include(c => c.Timeline.Where(e => e.At >= since && e.Kind != CaseEventKinds.Email))
                .AsSplitQuery()
                .ToListAsync(ct);
            var ids = cases.Select(c => c.Id).ToList();
            var withReturnedParts = (await db.Set<CasePart>().AsNoTracking().Where(p => ids.Contains(p.CaseId) && p.Status == PartStatus.Returned)
                .Select(p => p.CaseId).Distinct().ToListAsync(ct)).ToHashSet();
            var withPartExtensions = (await db.Set<CasePart>().AsNoTracking()
                .Where(p => ids.Contains(p.CaseId) && p.PendingExtensionDays != null && CasePart.OpenStatuses.Contains(p.Status))
                .Select(p => p.CaseId).Distinct().ToListAsync(ct)).ToHashSet();
            foreach (var x in await Unsatisfied().Where(x => ids.Contains(x.CaseId)).Select(x => new { x.CaseId, x.Comment }).ToListAsync(ct))
            {
                unsatisfied[x.CaseId] = x.Comment;
            }

            var items = OfficerDigests.Build(cases, since, now, calendar, withReturnedParts, withPartExtensions, unsatisfied.Keys.ToHashSet());
            listed.AddRange(items.Select(i => i.Case.Id));
            foreach (var item in items)
            {
                totals[item.Section] = totals.GetValueOrDefault(item.Section) + 1;
            }

            // The digest's order, then the first lines of each section.
            shown = OfficerDigests.InDigestOrder(shown.Concat(items))
                .GroupBy(i => i.Section).SelectMany(g => g.Take(DigestMailRenderer.MaxLinesPerSection))
                .ToList();
            var kept = shown.Select(i => i.Case.Id).ToHashSet();
            unsatisfied = unsatisfied.Where(x => kept.Contains(x.Key)).ToDictionary();
        }

        return (shown, listed, totals, unsatisfied);
    }

    /// <summary>
    /// Queues one digest in its own transaction with its <see cref="DigestSend"/> key; false when that key already
    /// exists (sent by an earlier or a concurrent run), in which case nothing of this attempt is kept.
    /// </summary>
    private async Task<bool> SendOnceAsync(string kind, string email, DateOnly date, DateTimeOffset now, Func<Task<(OutboxMessage Row, int Items)>> queue, CancellationToken ct)
    {
        var key = DigestSend.Key(email);
        if (await db.Set<DigestSend>().AnyAsync(s => s.Kind == kind && s.Recipient == key && s.LocalDate == date, ct))
        {
            return false;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var (row, items) = await queue();
            db.Set<DigestSend>().Add(new DigestSend { Kind = kind, Recipient = key, LocalDate = date, SentAt = now, Items = items, OutboxMessageId = row.Id });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another instance sent this digest between our check and our insert; its transaction won.
            await tx.RollbackAsync(ct);
            return false;
        }
        finally
        {
            db.DiscardChanges();
        }
    }

    private OutboxMessage Queue(string email, string name, RenderedMail mail, string kind)
    {
        foreach (var warning in mail.Warnings)
        {
            // An admin's edit that fails on real data (more lines than the check's sample): the shipped part went out.
            log.LogWarning("Digest {Kind}: {Warning}", kind, warning);
        }

        return outbox.Add(db, new OutgoingMail(email, name, mail.Subject, mail.TextBody, mail.HtmlBody, kind));
    }

    private Task<Dictionary<string, string>> DepartmentNamesAsync(CancellationToken ct) =>
        db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.Name, ct);

    /// <summary>The zone leadership (with CaseMailer's sample fallback) and every admin, once per address.</summary>
    private async Task<List<(string Name, string Email, string Culture)>> LeagueTableRecipientsAsync(CancellationToken ct)
    {
        var leadership = options.Value.ZoneLeadershipOrSample().Select(z => (z.Name, z.Email, z.Culture));
        var admins = await (
            from u in db.Users.AsNoTracking()
            join ur in db.UserRoles on u.Id equals ur.UserId
            join r in db.Roles on ur.RoleId equals r.Id
            where r.Name == Roles.Admin && u.Email != null && u.LockoutEnd == null
            orderby u.Email
            select new { u.DisplayName, u.Email, u.Culture }).ToListAsync(ct);
        return leadership.Concat(admins.Select(a => (a.DisplayName, a.Email!, a.Culture)))
            .Where(r => !string.IsNullOrWhiteSpace(r.Item2))
            .DistinctBy(r => DigestSend.Key(r.Item2))
            .ToList();
    }
}
