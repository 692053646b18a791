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
public sealed class DeadlineRecalculation(TimeProvider clock, WorkflowHost workflows, WorkflowDefinitionStore definitions, CaseRoutingFactory routing)
{
    public async Task<int> RecomputeProvisionalAsync(LiaisonDbContext db, WorkingCalendar calendar, int year, CancellationToken ct)
    {
        var cases = await db.Cases.Where(c => c.Provisional && !CaseStatuses.Ended.Contains(c.Status)).ToListAsync(ct);
        var changed = 0;
        foreach (var c in cases)
        {
            var accept = Recompute(calendar, c.AcceptByBasis);
            var due = Recompute(calendar, c.DueAtBasis);
            if (accept is null && due is null)
            {
                continue;
            }

            var before = (c.AcceptBy, c.DueAt);
            if (accept is not null)
            {
                c.AcceptBy = accept.Due;
                c.AcceptByBasis = Basis(accept);
            }

            if (due is not null)
            {
                c.DueAt = due.Due;
                c.DueAtBasis = Basis(due);
            }

            c.Provisional = (accept?.Provisional ?? false) || (due?.Provisional ?? false);
            await RearmTimersAsync(db, c, ct);
            CaseTimeline.Add(db, c, clock.GetUtcNow(), CaseEventKinds.DeadlineRecomputed, CaseTimeline.System,
                $"{year} 年节假日安排已加载，期限重新计算 / The {year} holiday schedule was loaded; deadlines recomputed",
                new { before = new { acceptBy = before.AcceptBy, dueAt = before.DueAt }, after = new { acceptBy = c.AcceptBy, dueAt = c.DueAt }, calendar = calendar.Version });
            changed++;
        }

        return changed;
    }

    /// <summary>
    /// A case waiting for its handler re-enters the wait so its deadline timers follow the new dates — when its workflow
    /// version has the <c>DeadlinesChanged</c> loop (older versions keep their timers).
    /// </summary>
    private async Task RearmTimersAsync(LiaisonDbContext db, Case c, CancellationToken ct)
    {
        if (c.WorkflowInstanceId is not { } instanceId || c.PendingExtensionDays is not null
            || !CaseStatuses.IsWithHandler(c.Status))
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
        var context = await routing.CreateAsync(db, c, ct);
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
