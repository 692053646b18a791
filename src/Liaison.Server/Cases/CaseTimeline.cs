using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Digests;
using Liaison.Server.Data;
using Liaison.Server.Digests;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>Every transition, decision, email and escalation lands here, in the caller's transaction.</summary>
public static class CaseTimeline
{
    /// <summary>
    /// A deadline-changed entry's date moved: its data's <c>previousDueAt</c> (CaseEffectHandler) differs from its new
    /// <c>dueAt.due</c>. Entries written before the previous date was kept count as moved.
    /// </summary>
    public static bool DeadlineMoved(string? data)
    {
        if (data is null)
        {
            return true;
        }

        using var json = JsonDocument.Parse(data);
        return DeadlineMoved(json.RootElement);
    }

    /// <summary>
    /// The <c>reason</c> of a lead's deadline moved with a co-handler's extension (CaseService: the officer approved the
    /// part's extension and moved the lead's deadline as far as it needed, 同时延长主办部门办结期限).
    /// </summary>
    public const string WithPartReason = "with-part";

    /// <summary>
    /// A deadline change in words, as the case page and the officer's digest both tell it: an approved extension's new
    /// date (a co-handler's part's is a submit deadline), the lead's moved with a part's (<see cref="WithPartReason"/>),
    /// or a reopening's, new or unchanged (<see cref="DeadlineMoved(JsonElement)"/>).
    /// The English starts in lower case, to go on after a label; <see cref="Text.Capitalized"/> when it stands alone.
    /// </summary>
    /// <param name="reason">The entry's <c>reason</c>: <c>extension</c>, <see cref="WithPartReason"/>, or a reopening's.</param>
    /// <param name="due">The date as the reader's page or mail writes its dates, with 暂定 when provisional.</param>
    /// <param name="dueEn">The same in English.</param>
    public static Text DeadlineChangeWords(string? reason, bool part, bool moved, string due, string dueEn) =>
        reason switch
        {
            "extension" when part => new Text($"延期已批准，新的提交期限 {due}", $"extension approved; new submit deadline {dueEn}"),
            "extension" => new Text($"延期已批准，新的办结期限 {due}", $"extension approved; new resolve deadline {dueEn}"),
            WithPartReason => new Text($"随协办延期延长，新的办结期限 {due}", $"extended with a co-handler's extension; new resolve deadline {dueEn}"),
            _ when moved => new Text($"重办，新的办结期限 {due}", $"reopened; new resolve deadline {dueEn}"),
            _ => new Text($"重办，办结期限不变（{due}）", $"reopened; resolve deadline unchanged ({dueEn})"),
        };

    /// <inheritdoc cref="DeadlineMoved(string?)"/>
    public static bool DeadlineMoved(JsonElement data) =>
        !(data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("previousDueAt", out var previous) && previous.ValueKind == JsonValueKind.String
            && data.TryGetProperty("dueAt", out var dueAt) && dueAt.ValueKind == JsonValueKind.Object
            && dueAt.TryGetProperty("due", out var due) && due.ValueKind == JsonValueKind.String
            && previous.TryGetDateTimeOffset(out var before) && due.TryGetDateTimeOffset(out var after) && before == after);

    public const string System = "system";

    /// <summary>An entry written by the workflow or the system, not by a person: its note is the machine's "中文 / English".</summary>
    public static bool IsMachine(string? actor) => actor is "workflow" or System;

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
        // Insert-only (AppendOnlyRows): written at the next SaveChanges, never tracked; earlier entries change by SQL.
        db.Append(e);
        db.Reads.Noted(e);
        return e;
    }

    /// <summary>
    /// Marks <paramref name="c"/> as opened in <paramref name="db"/>'s scope, before its first entry: its entries are kept
    /// in memory too (<see cref="NewTimeline"/>), so the open's answer does not read back the rows it wrote.
    /// </summary>
    public static void Begin(LiaisonDbContext db, Case c) => db.Reads.BeginTimeline(c.Id);

    /// <summary>The timeline of a case opened in this scope (<see cref="Begin"/>), oldest first; null for any other case.</summary>
    public static IReadOnlyList<CaseEvent>? NewTimeline(LiaisonDbContext db, Case c) =>
        db.Reads.TimelineOf(c.Id) is { } events ? events.OrderBy(e => e.At).ToList() : null;

    /// <summary>
    /// Marks the earlier dispatches or resolutions of the same case, department and role (lead, or co-handling part)
    /// as followed by <paramref name="e"/> (<see cref="CaseEvent.NextSameAt"/>), in the caller's transaction. Call it
    /// after adding a scored dispatch or resolution that may have a predecessor.
    /// </summary>
    /// <remarks>
    /// The role matters because the lead may be reassigned to a department that co-handles the same case: the
    /// league table counts that case received once in its lead columns and once in its co-handling ones.
    /// </remarks>
    public static async Task SupersedeEarlierAsync(LiaisonDbContext db, CaseEvent e, string zone, CancellationToken ct)
    {
        if (e.DepartmentCode is not { } department) return;
        var at = e.At.ToUniversalTime();
        var lead = e.PartId is null;
        var superseded = await db.Database.SqlQuery<SupersededEntry>($"""
            UPDATE case_events SET next_same_at = {at}
            WHERE case_id = {e.CaseId} AND kind = {e.Kind} AND department_code = {department} AND next_same_at IS NULL
                AND (part_id IS NULL) = {lead}
            RETURNING at, department_code, part_id IS NOT NULL AS part, kind, on_time, round_started_at
            """).ToListAsync(ct);
        if (superseded.Count > 0)
        {
            // The league table's daily roll-up may count them already, as not superseded.
            await LeagueRollup.MoveSupersededAsync(db, superseded, e.At, zone, ct);
        }
    }
}
