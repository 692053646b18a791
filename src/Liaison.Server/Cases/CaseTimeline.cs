using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>Every transition, decision, email and escalation lands here, in the caller's transaction.</summary>
public static class CaseTimeline
{
    public const string System = "system";

    /// <summary>
    /// Adds an entry for <paramref name="c"/>, scored for the league table against the case's current round, or, for a
    /// co-handler's <paramref name="part"/> of a joint case, against the part's round (the entry names the part).
    /// </summary>
    public static CaseEvent Add(LiaisonDbContext db, Case c, DateTimeOffset at, string kind, string actor, string? note = null, object? data = null,
        CasePart? part = null)
    {
        var e = new CaseEvent
        {
            CaseId = c.Id,
            At = at,
            Kind = kind,
            Actor = actor,
            Note = note,
            Data = data is null ? null : JsonSerializer.Serialize(data, JsonSerializerOptions.Web),
        };
        e.PartId = part?.Id;
        LeagueTable.Score(e, (IAssignment?)part ?? c);
        db.CaseEvents.Add(e);
        return e;
    }

    /// <summary>
    /// Marks the earlier dispatches or resolutions of the same case, department and role (lead, or co-handling part)
    /// as followed by <paramref name="e"/> (<see cref="CaseEvent.NextSameAt"/>), in the caller's transaction. Call it
    /// after adding a scored dispatch or resolution that may have a predecessor.
    /// </summary>
    /// <remarks>
    /// The role matters because the lead may be reassigned to a department that co-handles the same case: the
    /// league table counts that case received once in its lead columns and once in its co-handling ones.
    /// </remarks>
    public static Task SupersedeEarlierAsync(LiaisonDbContext db, CaseEvent e, CancellationToken ct)
    {
        if (e.DepartmentCode is not { } department) return Task.CompletedTask;
        var same = db.CaseEvents.Where(x => x.CaseId == e.CaseId && x.Kind == e.Kind && x.DepartmentCode == department && x.NextSameAt == null);
        same = e.PartId is null ? same.Where(x => x.PartId == null) : same.Where(x => x.PartId != null);
        return same.ExecuteUpdateAsync(u => u.SetProperty(x => x.NextSameAt, e.At), ct);
    }
}
