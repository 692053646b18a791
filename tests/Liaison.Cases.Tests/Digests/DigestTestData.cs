using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;

namespace Liaison.Cases.Tests.Digests;

internal static class DigestTestData
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static readonly WorkingCalendar Zone = WorkingCalendar.Create();

    public static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, China);

    private static long _ids;

    public static Case NewCase(string department, CaseStatus status, DateTimeOffset? dueAt, DateTimeOffset? acceptBy = null, string handler = "h@anyue.example", string? number = null)
    {
        var id = Interlocked.Increment(ref _ids);
        return new Case
        {
            Id = id,
            Number = number ?? $"AYKF-2026-{id:D6}",
            Title = "事项 " + id,
            Description = "",
            Category = "factor-guarantee",
            Enterprise = new Enterprise { Name = "企业", CreditCode = "91350100M000100Y43" },
            Status = status,
            DepartmentCode = department,
            HandlerName = "经办人",
            HandlerEmail = handler,
            OfficerId = "officer",
            AcceptBy = acceptBy,
            DueAt = dueAt,
        };
    }

    public static Case Dispatched(this Case c, DateTimeOffset at, string department, DateTimeOffset acceptBy, DateTimeOffset dueAt) =>
        c.Event(at, "dispatched", JsonSerializer.Serialize(new { department, round = 1, acceptBy = new { due = acceptBy }, dueAt = new { due = dueAt } }, JsonSerializerOptions.Web));

    public static Case Event(this Case c, DateTimeOffset at, string kind, string? data = null, string? note = null)
    {
        c.Timeline.Add(new CaseEvent { Id = c.Timeline.Count + 1, CaseId = c.Id, At = at, Kind = kind, Actor = "someone", Data = data, Note = note });
        return c;
    }
}
