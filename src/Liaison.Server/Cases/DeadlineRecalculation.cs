using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Notifications;
using Liaison.Cases.Routing;
using Liaison.Cases.Routing.Activities;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Liaison.Server.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>
/// When an admin adds or replaces a year's schedule, open cases whose deadlines it may move get them recomputed from
/// their stored basis; each one whose date or provisional mark changed gets a timeline entry and its timers moved, and the
/// enterprise is mailed when its case's resolve deadline (the lead's) moved (<see cref="EnterpriseChange.Schedule"/>), and
/// the holder whose own date moved (the case's handler, a co-handler's) is told which (<see cref="CaseMailKind.DeadlineMoved"/>).
/// Adding a year settles the provisional deadlines of every open case. Replacing one (a corrected notice, a typing
/// error fixed) also moves the deadlines computed with the old one that fall in that year or later, while their clock
/// runs: a case resolved and waiting for the officer's confirmation keeps the deadline it was resolved against, so
/// whether it was on time does not change after the fact. The save only queues the work
/// (<see cref="CalendarYearRecord.RequestRecompute"/>); <see cref="DeadlineRecomputePump"/> does it on job processes,
/// a chunk of cases per transaction, so a province's tens of thousands of provisional cases neither hold the admin's
/// request for minutes nor lock every case until the last one is done.
/// </summary>
/// <param name="chunkSize">
/// How many cases are recomputed in one transaction (tests use a small one). Every save in a chunk (two per case: the
/// case, then its workflow's re-entered wait) detects changes over all the chunk's tracked rows: 200 a chunk took 10.4 ms
/// of server CPU a case, 25 took 5.5 (bench/RESULTS.md (g), "The schedule change in the background").
/// </param>
public sealed class DeadlineRecalculation(
    TimeProvider clock, CalendarService calendars, WorkflowHost workflows, WorkflowDefinitionStore definitions,
    CaseRoutingFactory routing, EnterpriseView.EnterpriseNotices enterprise, CaseMailer mailer, int chunkSize = 25)
{
    private readonly int _chunkSize = Math.Max(1, chunkSize);

    /// <summary>
    /// Recomputes the next chunk of the oldest unfinished recomputation in its own transaction: the year's row is
    /// locked (another process working on it is skipped, not waited for), the chunk's cases are locked in id order as
    /// a case action locks them, and the cursor moves past them in the same commit, so a run cut short resumes after
    /// the last committed chunk and no case is recomputed twice. A save of the year during a run waits for the chunk,
    /// then starts the run over with its dates.
    /// </summary>
    public async Task<RecomputeStep> RunChunkAsync(LiaisonDbContext db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var record = (await db.Set<CalendarYearRecord>().FromSql($"""
            SELECT * FROM calendar_years
            WHERE recompute_requested_at IS NOT NULL AND recompute_finished_at IS NULL
            ORDER BY recompute_requested_at, year
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct)).SingleOrDefault();
        if (record is null)
        {
            return RecomputeStep.Idle;
        }

        // The stored row, not this process's cached calendar: the save may have come from another process a moment ago.
        var calendar = (await calendars.GetAsync(ct)).WithSchedule(YearSchedule.Parse(record.Json));
        var candidates = Candidates(db, calendar.AtLocalTime(new DateOnly(record.Year, 1, 1), TimeOnly.MinValue));
        record.RecomputeCandidates ??= await candidates.CountAsync(ct);
        var cursor = record.RecomputeCursor;
        var ids = await candidates.Where(id => id > cursor).OrderBy(id => id).Take(_chunkSize).ToListAsync(ct);
        if (ids.Count > 0)
        {
            record.RecomputedCases += await RecomputeCasesAsync(db, calendar, record.Year, ids, ct);
            record.RecomputeCursor = ids[^1];
            record.RecomputeChecked += ids.Count;
        }

        // A case opened from now on has the new schedule: a short chunk was the last.
        var finished = ids.Count < _chunkSize;
        if (finished)
        {
            record.RecomputeFinishedAt = clock.GetUtcNow();
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.DiscardChanges();
        return finished ? RecomputeStep.Finished : RecomputeStep.Advanced;
    }

    /// <summary>Runs chunks until no recomputation is left that another process is not working on; returns how many chunks ran.</summary>
    public async Task<int> RunPendingAsync(LiaisonDbContext db, CancellationToken ct)
    {
        var chunks = 0;
        while (await RunChunkAsync(db, ct) != RecomputeStep.Idle)
        {
            chunks++;
        }

        return chunks;
    }

    /// <summary>
    /// The ids of open cases whose deadline, or an open co-handling part's, the schedule of the year starting at
    /// <paramref name="yearStart"/> may move: a provisional one, or one due at or after that instant (a deadline due
    /// before the year began was counted over days before it) while its clock runs. Some of them will not move; they
    /// are left as they are.
    /// </summary>
    private static IQueryable<long> Candidates(LiaisonDbContext db, DateTimeOffset yearStart)
    {
        var openParts = db.Set<CasePart>().Where(p => (p.Provisional || p.DueAt >= yearStart) && CasePart.OpenStatuses.Contains(p.Status));
        return db.Cases.Where(c => (c.Provisional && !CaseStatuses.Ended.Contains(c.Status))
                || (c.DueAt >= yearStart && CaseStatuses.ClockRunning.Contains(c.Status))
                || (!CaseStatuses.Ended.Contains(c.Status) && openParts.Any(p => p.CaseId == c.Id)))
            .Select(c => c.Id);
    }

    /// <summary>Recomputes the cases <paramref name="ids"/> (locked first) and their open parts; returns how many changed.</summary>
    private async Task<int> RecomputeCasesAsync(LiaisonDbContext db, WorkingCalendar calendar, int year, List<long> ids, CancellationToken ct)
    {
        var keys = ids.ToArray();
        var cases = await db.Cases.FromSql($"SELECT *, xmin FROM cases WHERE id = ANY({keys}) ORDER BY id FOR UPDATE").ToListAsync(ct);
        var partsByCase = (await db.Set<CasePart>().Where(p => CasePart.OpenStatuses.Contains(p.Status) && keys.Contains(p.CaseId))
            .OrderBy(p => p.Id).ToListAsync(ct)).ToLookup(p => p.CaseId);
        var changed = 0;
        // Ended between the query and the lock: nothing to move.
        foreach (var c in cases.Where(c => !CaseStatuses.Ended.Contains(c.Status)))
        {
            var any = await RecomputeAsync(db, calendar, year, c, null, ct);
            foreach (var part in partsByCase[c.Id])
            {
                any |= await RecomputeAsync(db, calendar, year, c, part, ct);
            }

            if (any)
            {
                changed++;
            }
        }

        return changed;
    }

    /// <summary>The lead's (<paramref name="part"/> null) or a co-handler's deadlines from their stored basis, with a timeline entry; false when neither moved.</summary>
    private async Task<bool> RecomputeAsync(LiaisonDbContext db, WorkingCalendar calendar, int year, Case c, CasePart? part, CancellationToken ct)
    {
        IAssignment holder = (IAssignment?)part ?? c;
        // Parts are read open only; a resolved (or returned-and-ended) case's settled deadlines stay, provisional ones aside.
        var clockRunning = part is not null || CaseStatuses.ClockRunning.Contains(c.Status);
        // Null when the same date comes out with the same provisional mark (the schedule changed a year the deadline
        // does not depend on, or changed nothing): no entry on the timeline and no timers to move.
        var (accept, acceptWas) = Moved(calendar, holder.AcceptByBasis, holder.AcceptBy, clockRunning);
        var (due, dueWas) = Moved(calendar, holder.DueAtBasis, holder.DueAt, clockRunning);
        if (accept is null && due is null)
        {
            return false;
        }

        var before = (holder.AcceptBy, holder.DueAt);
        if (accept is not null)
        {
            // The round's acceptance deadline, which the league table scores a later accept against, is this one.
            if (holder.RoundAcceptBy == holder.AcceptBy)
            {
                holder.RoundAcceptBy = accept.Due;
            }

            holder.AcceptBy = accept.Due;
            holder.AcceptByBasis = Basis(accept);
        }

        if (due is not null)
        {
            // The original deadline a resolution is scored against moves with it, or with the deadline an extension
            // counted from (a provisional date was a guess, not a promise); one already scored keeps its mark.
            if (Counterpart(ReadBasis(holder.DueAtBasis), due, holder.OriginalDueAt) is { } original)
            {
                holder.OriginalDueAt = original;
            }

            holder.DueAt = due.Due;
            holder.DueAtBasis = Basis(due);
        }

        holder.Provisional = (accept?.Provisional ?? acceptWas) || (due?.Provisional ?? dueWas);
        await RearmTimersAsync(db, calendar, c, part, ct);
        CaseTimeline.Add(db, c, clock.GetUtcNow(), CaseEventKinds.DeadlineRecomputed, CaseTimeline.System,
            $"{year} 年节假日安排已加载，期限重新计算 / The {year} holiday schedule was loaded; deadlines recomputed",
            new { before = new { acceptBy = before.AcceptBy, dueAt = before.DueAt }, after = new { acceptBy = holder.AcceptBy, dueAt = holder.DueAt }, calendar = calendar.Version },
            part);
        if (part is null && holder.DueAt != before.DueAt && CaseStatuses.ClockRunning.Contains(c.Status))
        {
            // The enterprise follows its case's resolve deadline, in this chunk's commit: a date that only lost its
            // provisional mark is no news to it, nor a co-handler's, nor the date of a case already resolved (waiting
            // for the officer). Run again, the date comes out the same: no mail.
            await enterprise.ChangedAsync(db, c, EnterpriseChange.Schedule, before.DueAt, ct);
        }

        await TellHolderAsync(db, c, part, year, before, ct);
        return true;
    }

    /// <summary>
    /// The holder works to its own dates: its handler is told, in this chunk's commit, of each that moved while its clock
    /// runs with it — the resolve (submit) deadline, and the acceptance deadline while not accepted — by the same rules as
    /// the enterprise: not a date that only lost its provisional mark, not a case resolved and waiting for the officer
    /// (nor one returned to the zone: no handler holds it), and run again nothing moves, so nothing is mailed. As the
    /// extension's decision, the handler only; its leader is not copied.
    /// </summary>
    private async Task TellHolderAsync(LiaisonDbContext db, Case c, CasePart? part, int year, (DateTimeOffset? AcceptBy, DateTimeOffset? DueAt) before, CancellationToken ct)
    {
        IAssignment holder = (IAssignment?)part ?? c;
        var awaitingAcceptance = part is null ? c.Status == CaseStatus.Dispatched : part.Status == PartStatus.Dispatched;
        var withHandler = part is null ? CaseStatuses.IsWithHandler(c.Status) : part.IsOpen;
        var acceptMoved = awaitingAcceptance && holder.AcceptBy != before.AcceptBy;
        var dueMoved = holder.DueAt != before.DueAt;
        if (!withHandler || (!acceptMoved && !dueMoved))
        {
            return;
        }

        await mailer.SendAsync(db, c, CaseMailKind.DeadlineMoved, [Audiences.Handler], new CaseMailer.Extras
        {
            ScheduleYear = year,
            AcceptByBefore = acceptMoved ? before.AcceptBy : null,
            DueAtBefore = dueMoved ? before.DueAt : null,
        }, ct, part);
    }

    /// <summary>
    /// A case (or co-handler's part) waiting for its handler re-enters the wait so its deadline timers follow the new
    /// dates, and so does the officer's wait for a pending extension request, which runs the same ladder — when the
    /// workflow version connects that wait's <c>DeadlinesChanged</c> port (older versions keep their timers). Also used
    /// when the officer moves the lead's deadline with a part's extension (CaseService). False when nothing re-entered.
    /// </summary>
    public async Task<bool> RearmTimersAsync(LiaisonDbContext db, WorkingCalendar calendar, Case c, CasePart? part, CancellationToken ct)
    {
        if (await RearmableWaitAsync(db, c, part, ct) is not { } wait)
        {
            return false;
        }

        await db.SaveChangesAsync(ct);
        // The run sees the calendar with the new year: the zone's cached one does not have it until this commits.
        var context = part is null ? await routing.CreateAsync(db, c, ct, calendar: calendar) : await routing.CreateAsync(db, c, part, ct, calendar);
        await workflows.ResumeAsync(db, wait.InstanceId, wait.BookmarkKind, wait.Key,
            new Dictionary<string, object?> { ["outcome"] = WaitForLiaison.DeadlinesChanged }, context, ct);
        return true;
    }

    /// <summary>Whether <see cref="RearmTimersAsync"/> would move the holder's timers: it waits, on a version that connects the port.</summary>
    public async Task<bool> CanRearmAsync(LiaisonDbContext db, Case c, CasePart? part, CancellationToken ct) =>
        await RearmableWaitAsync(db, c, part, ct) is not null;

    /// <summary>The holder's wait whose timers follow its dates, or null: not waiting for its handler, or an older version.</summary>
    private async Task<(Guid InstanceId, string BookmarkKind, string Key)?> RearmableWaitAsync(LiaisonDbContext db, Case c, CasePart? part, CancellationToken ct)
    {
        var open = part is null ? CaseStatuses.IsWithHandler(c.Status) : part.IsOpen;
        var extensionPending = (part is null ? c.PendingExtensionDays : part.PendingExtensionDays) is not null;
        if ((part is null ? c.WorkflowInstanceId : part.WorkflowInstanceId) is not { } instanceId || !open)
        {
            return null;
        }

        var (waitType, bookmarkKind, key) = extensionPending
            ? ("Liaison.WaitForOfficer", WaitForOfficer.BookmarkKind, WaitForOfficer.ExtensionDecision)
            : ("Liaison.WaitForLiaison", WaitForLiaison.BookmarkKind, WaitForLiaison.ActionKey);
        var instance = await db.Set<WorkflowInstanceRecord>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        var record = instance is null ? null : await definitions.FindAsync(db, instance.DefinitionId, instance.DefinitionVersion, ct);
        var root = record is null ? null : definitions.ToRunnable(record).Root;
        return root is not null && root.Connections.Any(k => k.SourcePort == WaitForLiaison.DeadlinesChanged
                && root.Activities.Any(a => a.Id == k.SourceActivity && a.Type == waitType))
            ? (instanceId, bookmarkKind, key)
            : null;
    }

    public static string Basis(Deadline d) => JsonSerializer.Serialize(d, JsonSerializerOptions.Web);

    /// <summary>
    /// Whether the one deadline stored with <paramref name="basis"/> is provisional; <paramref name="either"/> (the
    /// holder's flag, set when either deadline is) when there is no basis. The accept-by date in a loaded year is
    /// certain even when the resolve date in the next is not.
    /// </summary>
    public static bool IsProvisional(string? basis, bool either) => ReadBasis(basis)?.Provisional ?? either;

    /// <summary>The deadline stored by <see cref="Basis"/>; null when there is none or it cannot be read.</summary>
    public static Deadline? ReadBasis(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Deadline>(json, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The deadline <paramref name="basis"/> gives with <paramref name="calendar"/>, or null when it is the one in force
    /// (<paramref name="current"/>, same provisional mark), there is no basis, or it is settled (not provisional) and its
    /// clock no longer runs; and whether the one in force is provisional.
    /// </summary>
    private static (Deadline? Moved, bool WasProvisional) Moved(WorkingCalendar calendar, string? basis, DateTimeOffset? current, bool clockRunning)
    {
        if (ReadBasis(basis) is not { } old || (!old.Provisional && !clockRunning))
        {
            return (null, false);
        }

        var now = Recount(calendar, old);
        return (now.Due == current && now.Provisional == old.Provisional ? null : now, old.Provisional);
    }

    /// <summary>
    /// <paramref name="old"/> counted again with <paramref name="calendar"/>: an extension from the deadline it extends,
    /// itself counted again first (it was provisional too, or it moved with the new schedule).
    /// </summary>
    private static Deadline Recount(WorkingCalendar calendar, Deadline old)
    {
        var earlier = old.Extends is { } extended ? Recount(calendar, extended) : null;
        var now = calendar.AddWorkingDays(earlier?.Due ?? old.Start, old.WorkingDays);
        // The schedule moves the day, not the hour: a deadline set before an admin changed Liaison:CloseOfBusiness
        // keeps the time of day it was given.
        var hour = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(old.Due, calendar.TimeZone).DateTime);
        return now with
        {
            Due = calendar.AtLocalTime(calendar.LocalDate(now.Due), hour),
            Provisional = now.Provisional || earlier?.Provisional == true,
            Extends = earlier,
        };
    }

    /// <summary>
    /// The basis of an approved extension: <paramref name="extension"/>, counted after the deadline stored as
    /// <paramref name="extendedBasis"/>, remembers that deadline, so a schedule loaded later moves both.
    /// </summary>
    public static Deadline Extending(Deadline extension, string? extendedBasis) =>
        ReadBasis(extendedBasis) is { } extended && extended.Due == extension.Start ? extension with { Extends = extended } : extension;

    /// <summary>
    /// The deadline in <paramref name="now"/>'s chain that stands where <paramref name="original"/> stood in
    /// <paramref name="old"/>'s (the deadline itself or one it extends); null when none of them was it.
    /// </summary>
    private static DateTimeOffset? Counterpart(Deadline? old, Deadline? now, DateTimeOffset? original) =>
        old is null || now is null ? null : old.Due == original ? now.Due : Counterpart(old.Extends, now.Extends, original);
}

/// <summary>What one <see cref="DeadlineRecalculation.RunChunkAsync"/> did.</summary>
public enum RecomputeStep
{
    /// <summary>No recomputation was waiting (or each was held by another process).</summary>
    Idle,

    /// <summary>A chunk was recomputed and more cases may follow.</summary>
    Advanced,

    /// <summary>The last chunk was recomputed and the recomputation marked finished.</summary>
    Finished,
}
