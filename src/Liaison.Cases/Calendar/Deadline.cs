using System.Text.Json.Serialization;

namespace Liaison.Cases.Calendar;

/// <summary>
/// A point in time computed from working days, with everything needed to explain it:
/// "<see cref="WorkingDays"/> working days after <see cref="Start"/>, by <see cref="CalendarVersion"/>".
/// </summary>
/// <param name="Due">Close of business of the last working day, in the calendar's time zone (+08:00 for Asia/Shanghai).</param>
/// <param name="Provisional">
/// True when some day counted lies in a year with no schedule loaded, so only weekends were skipped there.
/// Such deadlines are recomputed once the year's schedule is added.
/// </param>
/// <param name="Start">When the clock started, in the calendar's time zone.</param>
/// <param name="WorkingDays">How many working days were counted (always at least 1).</param>
/// <param name="CalendarVersion">
/// The schedules of the years counted through, joined with '+' in year order, e.g. <c>cn-2026-v1</c>,
/// <c>cn-2025-v1+cn-2026-v1</c>, or <c>cn-2026-v1+provisional-2027</c> for a year with no schedule.
/// Only the years actually walked appear, so adding a later year does not make an earlier deadline look stale.
/// </param>
public sealed record Deadline(DateTimeOffset Due, bool Provisional, DateTimeOffset Start, int WorkingDays, string CalendarVersion)
{
    /// <summary>
    /// The deadline this one counts on from (an approved extension counts its days after the resolve deadline it moves),
    /// so a schedule loaded later recounts both: <see cref="Start"/> is that deadline as it stood. Null when the clock
    /// started at an event (a dispatch, a reopening).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Deadline? Extends { get; init; }
}
