using Liaison.Cases.Common;

namespace Liaison.Server.Common;

/// <summary>The words of a refusal within a cool-down (an officer's urge, a leader's reminder, a progress link resent).</summary>
public static class CoolDown
{
    /// <summary>
    /// When what went at <paramref name="last"/> may go again after <paramref name="window"/>, and the window in words
    /// ("10 分钟" / "10 minutes"). The window counts from the minute <paramref name="last"/> is shown at (a refusal says
    /// 23:16, not 23:16:40), so that the time said is the window after it (23:26, not 23:27 by rounding up) and is when
    /// it really may go again: the caller refuses until then, no longer. Said to the minute, rounded up should the window
    /// have seconds.
    /// </summary>
    public static (DateTimeOffset Next, Text Every) After(DateTimeOffset last, TimeSpan window)
    {
        var next = Minute(last) + window;
        var shown = Minute(next);
        var minutes = (long)Math.Ceiling(window.TotalMinutes);
        return (shown < next ? shown.AddMinutes(1) : shown, new Text($"{minutes} 分钟", English.Count(minutes, "minute", "minutes")));
    }

    /// <summary>Whether what went at <paramref name="last"/> may go again at <paramref name="now"/> (<see cref="After"/>).</summary>
    public static bool Over(DateTimeOffset last, TimeSpan window, DateTimeOffset now) => After(last, window).Next <= now;

    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.Ticks - at.Ticks % TimeSpan.TicksPerMinute, at.Offset);
}
