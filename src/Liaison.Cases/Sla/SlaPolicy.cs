using Liaison.Cases.Cases;
using Liaison.Cases.Common;

namespace Liaison.Cases.Sla;

/// <summary>
/// The time limits of one case category, in working days. Admins edit them; <see cref="Validate"/> gives the
/// reasons a proposed policy is refused, and the constructor refuses the same ones.
/// </summary>
public sealed record SlaPolicy
{
    /// <summary>One working year; a longer limit is a typo (extensions are granted separately).</summary>
    public const int MaxWorkingDays = 250;

    public SlaPolicy(int acceptWithinWorkingDays, int resolveWithinWorkingDays, int? progressReportEveryWorkingDays = null)
    {
        var errors = Validate(acceptWithinWorkingDays, resolveWithinWorkingDays, progressReportEveryWorkingDays);
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));
        AcceptWithinWorkingDays = acceptWithinWorkingDays;
        ResolveWithinWorkingDays = resolveWithinWorkingDays;
        ProgressReportEveryWorkingDays = progressReportEveryWorkingDays;
    }

    /// <summary>签收时限: the handler must accept within this many working days of dispatch.</summary>
    public int AcceptWithinWorkingDays { get; }

    /// <summary>办结时限 at normal priority, counted from dispatch.</summary>
    public int ResolveWithinWorkingDays { get; }

    /// <summary>For long-running categories: a progress note (进展) is due this often; null when none is required.</summary>
    public int? ProgressReportEveryWorkingDays { get; }

    public bool IsLongRunning => ProgressReportEveryWorkingDays is not null;

    /// <summary>The co-handlers' lead time a category has unless an admin sets another.</summary>
    public const int DefaultCoHandlerLeadWorkingDays = 1;

    /// <summary>A co-handler (协办) must submit its part this many working days before the lead's resolve deadline.</summary>
    public int CoHandlerLeadWorkingDays { get; init; } = DefaultCoHandlerLeadWorkingDays;

    /// <summary>
    /// These limits with a workflow's own in place of any it sets (the Dispatch activity's inputs; null keeps this
    /// policy's). Urgent still halves the resolve limit, whichever it is.
    /// </summary>
    public SlaPolicy With(int? acceptWithinWorkingDays, int? resolveWithinWorkingDays) =>
        acceptWithinWorkingDays is null && resolveWithinWorkingDays is null ? this
            : new(acceptWithinWorkingDays ?? AcceptWithinWorkingDays, resolveWithinWorkingDays ?? ResolveWithinWorkingDays, ProgressReportEveryWorkingDays)
            {
                CoHandlerLeadWorkingDays = CoHandlerLeadWorkingDays,
            };

    /// <summary>A co-handler's submit limit from dispatch: the lead's limit less the lead time, never before its acceptance limit.</summary>
    public int CoHandlerResolveLimit(CasePriority priority) => Math.Max(AcceptWithinWorkingDays, ResolveLimit(priority) - CoHandlerLeadWorkingDays);

    /// <summary>The resolve limit for a priority: urgent halves it, rounded up (5 → 3).</summary>
    public int ResolveLimit(CasePriority priority) => priority switch
    {
        CasePriority.Normal => ResolveWithinWorkingDays,
        CasePriority.Urgent => (ResolveWithinWorkingDays + 1) / 2,
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, "Unknown priority."),
    };

    /// <summary>Every reason the limits are unacceptable, in Chinese and English; empty when they are fine.</summary>
    public static IReadOnlyList<string> Validate(int acceptWithinWorkingDays, int resolveWithinWorkingDays, int? progressReportEveryWorkingDays) =>
        Problems(acceptWithinWorkingDays, resolveWithinWorkingDays, progressReportEveryWorkingDays).Select(p => $"{p.Message.Zh} / {p.Message.En}").ToList();

    /// <summary>The same reasons, each with the field (camelCase) it is about, for a form or an API answer to show next to it.</summary>
    public static IReadOnlyList<(string Field, Text Message)> Problems(int acceptWithinWorkingDays, int resolveWithinWorkingDays, int? progressReportEveryWorkingDays)
    {
        var errors = new List<(string, Text)>();
        CheckRange(acceptWithinWorkingDays, "acceptWithinWorkingDays", "签收时限", errors);
        CheckRange(resolveWithinWorkingDays, "resolveWithinWorkingDays", "办结时限", errors);
        // Compared only when both are in range: a limit already refused needs no second message about it.
        var bothInRange = errors.Count == 0;
        if (progressReportEveryWorkingDays is { } every) CheckRange(every, "progressReportEveryWorkingDays", "进展报告间隔", errors);
        if (bothInRange && acceptWithinWorkingDays > resolveWithinWorkingDays)
        {
            errors.Add(("acceptWithinWorkingDays", new Text("签收时限不能长于办结时限", "acceptWithinWorkingDays cannot exceed resolveWithinWorkingDays")));
        }

        return errors;
    }

    private static void CheckRange(int value, string name, string zh, List<(string, Text)> errors)
    {
        if (value is < 1 or > MaxWorkingDays)
        {
            errors.Add((name, new Text($"{zh}应为1–{MaxWorkingDays}个工作日，实际为{value}", $"{name} must be 1–{MaxWorkingDays} working days, got {value}")));
        }
    }
}
