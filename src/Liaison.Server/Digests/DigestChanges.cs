using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Digests;
using Liaison.Server.Cases;

namespace Liaison.Server.Digests;

/// <summary>
/// A timeline entry as the officer's digest tells it (its <c>Changes</c>): in the officer's language, and a deadline
/// change as the case page words it.
/// </summary>
public static class DigestChanges
{
    /// <summary>
    /// <paramref name="e"/> with its note for a reader of <paramref name="culture"/>: the machine's bilingual note
    /// ("派单至 … / Dispatched to …") in that language only, a deadline change from its data, saying whether the date moved
    /// (<see cref="CaseTimeline.DeadlineMoved(string?)"/>) as the case page does. What a person wrote stays as written.
    /// </summary>
    /// <param name="zone">The zone's time zone: a date is written as the mail writes its others.</param>
    public static CaseEvent InWordsOf(CaseEvent e, string? culture, TimeZoneInfo zone)
    {
        var machine = CaseTimeline.IsMachine(e.Actor) || e.Kind is CaseEventKinds.DeadlineChanged or CaseEventKinds.Status;
        if (!machine || e.Note is null)
        {
            return e;
        }

        var words = e.Kind == CaseEventKinds.DeadlineChanged && DeadlineChange(e, culture, zone) is { } changed ? changed : Text.FromBilingual(e.Note);
        return new CaseEvent { Id = e.Id, CaseId = e.CaseId, At = e.At, Kind = e.Kind, Actor = e.Actor, Note = words.In(culture), Data = e.Data, PartId = e.PartId };
    }

    /// <summary>The case page's words for a deadline change (CaseTimelineView), from its data; null when the data says too little.</summary>
    private static Text? DeadlineChange(CaseEvent e, string? culture, TimeZoneInfo zone)
    {
        if (e.Data is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(e.Data);
        var data = json.RootElement;
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("dueAt", out var dueAt) || dueAt.ValueKind != JsonValueKind.Object
            || !dueAt.TryGetProperty("due", out var dueText) || !dueText.TryGetDateTimeOffset(out var dueTime))
        {
            return null;
        }

        var provisional = dueAt.TryGetProperty("provisional", out var p) && p.ValueKind == JsonValueKind.True;
        // Only the reader's language is read: the other is written alike, in the same format.
        var date = DigestMailRenderer.FormatLocal(dueTime, zone, culture);
        var due = date + (provisional ? "（暂定）" : "");
        var dueEn = date + (provisional ? " (provisional)" : "");
        var reason = data.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        return reason switch
        {
            "extension" or CaseTimeline.WithPartReason => CaseTimeline.DeadlineChangeWords(reason, e.PartId is not null, true, due, dueEn).Capitalized(),
            "reopen" when e.PartId is null => CaseTimeline.DeadlineChangeWords(reason, false, CaseTimeline.DeadlineMoved(data), due, dueEn).Capitalized(),
            _ => null,
        };
    }
}
