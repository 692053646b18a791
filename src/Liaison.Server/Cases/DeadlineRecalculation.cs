using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>
/// When an admin adds a year's schedule, open cases whose deadlines were computed provisionally (weekends only) get
/// them recomputed from their stored basis, with a timeline entry each.
/// </summary>
public sealed class DeadlineRecalculation(TimeProvider clock)
{
    public async Task<int> RecomputeProvisionalAsync(LiaisonDbContext db, WorkingCalendar calendar, int year, CancellationToken ct)
    {
        var open = new[] { CaseStatus.Closed, CaseStatus.Cancelled };
        var cases = await db.Cases.Where(c => c.Provisional && !open.Contains(c.Status)).ToListAsync(ct);
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
            CaseTimeline.Add(db, c.Id, clock.GetUtcNow(), "deadline-recomputed", CaseTimeline.System,
                $"{year} 年节假日安排已加载，期限重新计算 / The {year} holiday schedule was loaded; deadlines recomputed",
                new { before = new { acceptBy = before.AcceptBy, dueAt = before.DueAt }, after = new { acceptBy = c.AcceptBy, dueAt = c.DueAt }, calendar = calendar.Version });
            changed++;
        }

        return changed;
    }

    public static string Basis(Deadline d) => JsonSerializer.Serialize(d, JsonSerializerOptions.Web);

    private static Deadline? Recompute(WorkingCalendar calendar, string? basis)
    {
        if (basis is null || JsonSerializer.Deserialize<Deadline>(basis, JsonSerializerOptions.Web) is not { Provisional: true } old)
        {
            return null;
        }

        return calendar.AddWorkingDays(old.Start, old.WorkingDays);
    }
}
