using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Digests;
using Liaison.Cases.Enterprises;
using Liaison.Cases.Notifications;
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
    /// (<see cref="CaseTimeline.DeadlineMoved(string?)"/>) as the case page does. An escalation names its rung, a mail
    /// not delivered its kind, and the enterprise's rating its score, as the case page (CaseTimelineView) does, not the
    /// codes their notes carry. What a person wrote stays as written.
    /// </summary>
    /// <param name="zone">The zone's time zone: a date is written as the mail writes its others.</param>
    /// <param name="departments">Department names by code: a co-handler's escalation names its department.</param>
    public static CaseEvent InWordsOf(CaseEvent e, string? culture, TimeZoneInfo zone, IReadOnlyDictionary<string, string>? departments = null)
    {
        if (e.Kind == CaseEventKinds.EnterpriseRated)
        {
            return Rating(e) is { } rated ? With(e, rated.In(culture)) : e;
        }

        var machine = CaseTimeline.IsMachine(e.Actor) || e.Kind is CaseEventKinds.DeadlineChanged or CaseEventKinds.Status;
        if (!machine || e.Note is null)
        {
            return e;
        }

        var words = e.Kind switch
        {
            CaseEventKinds.DeadlineChanged => DeadlineChange(e, culture, zone),
            CaseEventKinds.Escalated => Escalation(e, departments),
            CaseEventKinds.MailFailed => MailFailed(e),
            _ => null,
        };
        return With(e, (words ?? Text.FromBilingual(e.Note)).In(culture));
    }

    private static CaseEvent With(CaseEvent e, string note) =>
        new() { Id = e.Id, CaseId = e.CaseId, At = e.At, Kind = e.Kind, Actor = e.Actor, Note = note, Data = e.Data, PartId = e.PartId };

    private static string? Str(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The rung reached (<see cref="CaseEventKinds.EscalationLevel"/>), a co-handler's with its department.</summary>
    private static Text? Escalation(CaseEvent e, IReadOnlyDictionary<string, string>? departments)
    {
        using var json = JsonDocument.Parse(e.Data ?? "null");
        if (Str(json.RootElement, "level") is not { } level)
        {
            return null;
        }

        var rung = CaseEventKinds.EscalationLevel(level);
        if (e.PartId is null || Str(json.RootElement, "department") is not { } code)
        {
            return rung;
        }

        var name = departments?.GetValueOrDefault(code) ?? code;
        return new Text($"{name}（协办）：{rung.Zh}", $"{name} (co-handler): {rung.En}");
    }

    /// <summary>The mail's kind in words and whom it was for: "【派单】 → 张三", not "dispatch → 张三".</summary>
    private static Text? MailFailed(CaseEvent e)
    {
        using var json = JsonDocument.Parse(e.Data ?? "null");
        if (Str(json.RootElement, "kind") is not { } kind)
        {
            return null;
        }

        var label = CaseMailKind.Label(kind);
        var to = Str(json.RootElement, "toName") ?? "";
        return new Text($"{label.Zh} → {to}", $"{label.En} → {to}");
    }

    /// <summary>The score (满意 / 基本满意 / 不满意) and, after it, the enterprise's comment as written.</summary>
    private static Text? Rating(CaseEvent e)
    {
        using var json = JsonDocument.Parse(e.Data ?? "null");
        if (!Ratings.TryParse(Str(json.RootElement, "score"), out RatingScore score))
        {
            return null;
        }

        var label = Ratings.Label(score);
        var comment = string.IsNullOrWhiteSpace(e.Note) ? null : e.Note.Trim();
        return comment is null ? label : new Text($"{label.Zh}；{comment}", $"{label.En}; {comment}");
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
