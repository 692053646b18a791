using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Data;

namespace Liaison.Server.Cases;

/// <summary>Every transition, decision, email and escalation lands here, in the caller's transaction.</summary>
public static class CaseTimeline
{
    public const string System = "system";

    public static CaseEvent Add(LiaisonDbContext db, long caseId, DateTimeOffset at, string kind, string actor, string? note = null, object? data = null)
    {
        var e = new CaseEvent
        {
            CaseId = caseId,
            At = at,
            Kind = kind,
            Actor = actor,
            Note = note,
            Data = data is null ? null : JsonSerializer.Serialize(data, JsonSerializerOptions.Web),
        };
        db.CaseEvents.Add(e);
        return e;
    }
}
