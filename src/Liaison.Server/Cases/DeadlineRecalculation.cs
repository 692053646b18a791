using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Routing.Activities;
using Liaison.Server.Data;
using Liaison.Server.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>
/// When an admin adds a year's schedule, open cases whose deadlines were computed provisionally (weekends only) get
/// them recomputed from their stored basis, with a timeline entry each.
/// </summary>
/// <param name="chunkSize">How many cases are recomputed, saved and forgotten at a time (tests use a small one).</param>
public sealed class DeadlineRecalculation(
    TimeProvider clock, WorkflowHost workflows, WorkflowDefinitionStore definitions, CaseRoutingFactory routing, int chunkSize = 200)
{
    /// <summary>
    /// Recomputes the open cases' and their open co-handling parts' provisional deadlines, in the caller's transaction;
    /// returns how many cases changed. The cases go a chunk at a time, each chunk saved and then forgotten by the change
    /// tracker: with every case tracked, each of the per-case saves scanned all the cases before it, and at a million
    /// generated cases (tens of thousands provisional) the request did not end within 5 minutes (bench/RESULTS.md (g)).
    /// </summary>
    public async Task<int> RecomputeProvisionalAsync(LiaisonDbContext db, WorkingCalendar calendar, int year, CancellationToken ct)
    {
        var openParts = db.Set<CasePart>().Where(p => p.Provisional && CasePart.OpenStatuses.Contains(p.Status));
        var ids = await db.Cases.Where(c => !CaseStatuses.Ended.Contains(c.Status) && (c.Provisional || openParts.Any(p => p.CaseId == c.Id)))
            .OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        var changed = 0;
        foreach (var chunk in ids.Chunk(Math.Max(1, chunkSize)))
        {
            var cases = await db.Cases.Where(c => chunk.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(ct);
            var partsByCase = (await openParts.Where(p => chunk.Contains(p.CaseId)).OrderBy(p => p.Id).ToListAsync(ct)).ToLookup(p => p.CaseId);
            foreach (var c in cases)
            {
                var any = c.Provisional && await RecomputeAsync(db, calendar, year, c, null, ct);
                foreach (var part in partsByCase[c.Id])
                {
                    any |= await RecomputeAsync(db, calendar, year, c, part, ct);
                }

                if (any)
                {
                    changed++;
                }
            }

            await db.SaveChangesAsync(ct);
            db.DiscardChanges();
        }

        return changed;
    }

    /// <summary>The lead's (<paramref name="part"/> null) or a co-handler's deadlines from their stored basis, with a timeline entry; false when neither was provisional or neither changed.</summary>
    private async Task<bool> RecomputeAsync(LiaisonDbContext db, WorkingCalendar calendar, int year, Case c, CasePart? part, CancellationToken ct)
    {
        IAssignment holder = (IAssignment?)part ?? c;
        var accept = Recompute(calendar, holder.AcceptByBasis);
        var due = Recompute(calendar, holder.DueAtBasis);
        // Still provisional on the same dates (the schedule changed a year the deadline does not depend on, or changed
        // nothing): no entry on the timeline and no timers to move.
        static bool Unchanged(Deadline? d, DateTimeOffset? current) => d is null || (d.Provisional && d.Due == current);
        if (Unchanged(accept, holder.AcceptBy) && Unchanged(due, holder.DueAt))
        {
            return false;
        }

        var before = (holder.AcceptBy, holder.DueAt);
        if (accept is not null)
        {
            holder.AcceptBy = accept.Due;
            holder.AcceptByBasis = Basis(accept);
        }

        if (due is not null)
        {
            holder.DueAt = due.Due;
            holder.DueAtBasis = Basis(due);
        }

        holder.Provisional = (accept?.Provisional ?? false) || (due?.Provisional ?? false);
        await RearmTimersAsync(db, calendar, c, part, ct);
        CaseTimeline.Add(db, c, clock.GetUtcNow(), CaseEventKinds.DeadlineRecomputed, CaseTimeline.System,
            $"{year} 年节假日安排已加载，期限重新计算 / The {year} holiday schedule was loaded; deadlines recomputed",
            new { before = new { acceptBy = before.AcceptBy, dueAt = before.DueAt }, after = new { acceptBy = holder.AcceptBy, dueAt = holder.DueAt }, calendar = calendar.Version },
            part);
        return true;
    }

    /// <summary>
    /// A case (or co-handler's part) waiting for its handler re-enters the wait so its deadline timers follow the new
    /// dates — when its workflow version has the <c>DeadlinesChanged</c> loop (older versions keep their timers).
    /// </summary>
    private async Task RearmTimersAsync(LiaisonDbContext db, WorkingCalendar calendar, Case c, CasePart? part, CancellationToken ct)
    {
        var waiting = part is null ? c.PendingExtensionDays is null && CaseStatuses.IsWithHandler(c.Status) : part.PendingExtensionDays is null && part.IsOpen;
        if ((part is null ? c.WorkflowInstanceId : part.WorkflowInstanceId) is not { } instanceId || !waiting)
        {
            return;
        }

        var instance = await db.Set<WorkflowInstanceRecord>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        var record = instance is null ? null : await definitions.FindAsync(db, instance.DefinitionId, instance.DefinitionVersion, ct);
        if (record is null || !definitions.ToRunnable(record).Root.Connections.Any(k => k.SourcePort == WaitForLiaison.DeadlinesChanged))
        {
            return;
        }

        await db.SaveChangesAsync(ct);
        // The run sees the calendar with the new year: the zone's cached one does not have it until this commits.
        var context = part is null ? await routing.CreateAsync(db, c, ct, calendar: calendar) : await routing.CreateAsync(db, c, part, ct, calendar);
        await workflows.ResumeAsync(db, instanceId, WaitForLiaison.BookmarkKind, WaitForLiaison.ActionKey,
            new Dictionary<string, object?> { ["outcome"] = WaitForLiaison.DeadlinesChanged }, context, ct);
    }

    public static string Basis(Deadline d) => JsonSerializer.Serialize(d, JsonSerializerOptions.Web);

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

    private static Deadline? Recompute(WorkingCalendar calendar, string? basis)
    {
        if (ReadBasis(basis) is not { Provisional: true } old)
        {
            return null;
        }

        return calendar.AddWorkingDays(old.Start, old.WorkingDays);
    }
}
