using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Server.Data;

namespace Liaison.Server.Cases;

/// <summary>Every transition, decision, email and escalation lands here, in the caller's transaction.</summary>
public static class CaseTimeline
{
    public const string System = "system";

    /// <summary>Adds an entry for <paramref name="c"/>, scored for the league table against the case's current round.</summary>
    public static CaseEvent Add(LiaisonDbContext db, Case c, DateTimeOffset at, string kind, string actor, string? note = null, object? data = null)
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
        LeagueTable.Score(e, c);
        db.CaseEvents.Add(e);
        return e;
    }
}
