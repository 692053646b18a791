using Liaison.Cases.Common;

namespace Liaison.Server.Common;

/// <summary>The words of a refusal within a cool-down (an officer's urge, a leader's reminder, a progress link resent).</summary>
public static class CoolDown
{
    /// <summary>
    /// When what went at <paramref name="last"/> may go again after <paramref name="window"/>, said to the minute and
    /// rounded up (trying again at the minute shown is never too soon), and the window in words ("10 分钟" / "10 minutes").
    /// </summary>
    public static (DateTimeOffset Next, Text Every) After(DateTimeOffset last, TimeSpan window)
    {
        var next = last + window;
        var shown = new DateTimeOffset(next.Ticks - next.Ticks % TimeSpan.TicksPerMinute, next.Offset);
        var minutes = (long)Math.Ceiling(window.TotalMinutes);
        return (shown < next ? shown.AddMinutes(1) : shown, new Text($"{minutes} 分钟", English.Count(minutes, "minute", "minutes")));
    }
}
