using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;

namespace Liaison.Server.Visits;

/// <summary>Where a key enterprise stands against its visit cadence, in words: the enterprise's page, the register, the workbench.</summary>
public static class VisitCadenceText
{
    public static Text Of(VisitCadenceStatus c) => c switch
    {
        { LastVisitedOn: null } => new("从未走访，应尽快走访", "Never visited: a visit is due"),
        { Due: true, OverdueDays: 0 } => new("今天应走访", "A visit is due today"),
        { Due: true, OverdueDays: int d } => new($"走访已逾期 {d} 天", $"The visit is {English.Count(d, "day", "days")} overdue"),
        { NextDueOn: { } next } => new($"下次走访：{next:yyyy-MM-dd} 前", $"Next visit by {next:yyyy-MM-dd}"),
        _ => new("", ""),
    };

    /// <summary>The same, with the last visit's date when there was one: a list's line.</summary>
    public static Text WithLast(VisitCadenceStatus c) => c.LastVisitedOn is { } last
        ? new($"{Of(c).Zh}（上次 {last:yyyy-MM-dd}）", $"{Of(c).En} (last visit {last:yyyy-MM-dd})")
        : Of(c);
}
