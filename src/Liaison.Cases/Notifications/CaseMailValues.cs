using System.Globalization;
using Fluid;
using Fluid.Values;
using Liaison.Cases.Cases;

namespace Liaison.Cases.Notifications;

/// <summary>
/// Turns a <see cref="CaseMailModel"/> into the Liquid variables of README.md: dates formatted in the
/// zone's time zone, labels in the mail's language, description shortened.
/// </summary>
internal static class CaseMailValues
{
    /// <summary>Longest description excerpt, in characters as a reader counts them (text elements).</summary>
    public const int DescriptionExcerptLength = 200;

    // Spelled out rather than taken from CultureInfo so the wording never depends on the host's ICU data.
    private static readonly string[] EnglishDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] EnglishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static void Fill(TemplateContext context, CaseMailModel model, string culture, TimeZoneInfo timeZone, Action<string>? onUnknownMember = null)
    {
        foreach (var (name, value) in Build(model, culture, timeZone))
        {
            context.SetValue(name, value switch
            {
                (string, object?)[] members => Object(name, members, onUnknownMember),
                (string, object?)[][] rows => new ArrayValue(rows.Select(r => Object(name, r, onUnknownMember)).ToArray()),
                _ => Value(value),
            });
        }
    }

    private static FluidValue Object(string name, (string, object?)[] members, Action<string>? onUnknownMember) =>
        new DictionaryValue(new ReportingMembers(name, members.ToDictionary(m => m.Item1, m => Value(m.Item2), StringComparer.OrdinalIgnoreCase), onUnknownMember));

    /// <summary>
    /// Every variable name templates may use, e.g. <c>Case.Title</c>, <c>Link</c>, and the members of a list's items
    /// (<c>CoHandlers.Status</c>, read in <c>{% for h in CoHandlers %}{{ h.Status }}</c>). Like Fluid's own names, case does not matter.
    /// </summary>
    public static IReadOnlyList<string> KnownNames { get; } =
        Build(new CaseMailModel { CaseNumber = "", Title = "", RecipientName = "", LateDepartments = [new("", true, default, 0)],
            CoHandlers = [new("", PartStatus.Dispatched, false)] },
                CaseMailRenderer.Chinese, TimeZoneInfo.Utc)
            .SelectMany(v => v.Value switch
            {
                (string, object?)[] members => members.Select(m => $"{v.Name}.{m.Item1}").Prepend(v.Name),
                (string, object?)[][] rows => rows[0].Select(m => $"{v.Name}.{m.Item1}").Prepend(v.Name),
                _ => [v.Name],
            })
            .ToList();

    // The one place the Liquid names are defined; README.md documents them. A value is plain or an object's members.
    private static List<(string Name, object? Value)> Build(CaseMailModel model, string culture, TimeZoneInfo timeZone)
    {
        var en = culture == CaseMailRenderer.English;
        return
        [
            ("Case", new (string, object?)[]
            {
                ("Number", model.CaseNumber),
                ("Title", model.Title),
                ("Description", Excerpt(model.Description)),
                ("Category", en ? model.CategoryNameEn ?? model.CategoryNameZh : model.CategoryNameZh ?? model.CategoryNameEn),
                ("ProgressReportEvery", model.ProgressReportEveryWorkingDays),
                ("Priority", PriorityLabel(model.Priority, en)),
                ("Urgent", model.Priority == CasePriority.Urgent),
                ("Enterprise", model.EnterpriseName),
                ("Department", model.DepartmentName),
                ("LeadDepartment", model.LeadDepartmentName),
                ("Task", Blank(model.CoHandlerTask)),
                ("Officer", model.OfficerName),
                ("AcceptBy", FormatLocal(model.AcceptBy, timeZone, en)),
                ("Due", FormatLocal(model.DueAt, timeZone, en)),
                ("OriginalDue", FormatLocal(model.OriginalDueAt, timeZone, en)),
                ("Provisional", model.Provisional),
                ("AcceptByProvisional", model.AcceptByProvisional),
                ("OverdueDays", model.OverdueWorkingDays),
            }),
            // Joint case, the lead's mails: one item per co-handling department (联办).
            // Nil (not an empty list, which Liquid counts as true) for a case without co-handlers.
            ("CoHandlers", model.CoHandlers.Count == 0 ? null : model.CoHandlers.Select(h => new (string, object?)[]
            {
                ("Department", h.Department),
                ("Status", CasePart.Label(h.Status, h.Late).In(culture)),
                ("Late", h.Late),
                ("Submitted", h.Status == PartStatus.Submitted),
            }).ToArray()),
            ("Part", new (string, object?)[]
            {
                ("Department", model.PartDepartmentName),
                ("Attachments", Blank(model.PartAttachments)),
                ("ResolvedOver", model.PartResolvedOver),
                ("CaseCancelled", model.PartCaseCancelled),
            }),
            ("Recipient", new (string, object?)[] { ("Name", model.RecipientName) }),
            // Joint case, zone escalation: the late departments (lead first); nil otherwise.
            ("Late", model.LateDepartments?.Select(d => new (string, object?)[]
            {
                ("Department", d.Name),
                ("Lead", d.Lead),
                ("Role", d.Lead ? (en ? "lead" : "主办") : (en ? "co-handling" : "协办")),
                ("Due", FormatLocal(d.Due, timeZone, en)),
                ("OverdueDays", d.OverdueWorkingDays),
            }).ToArray()),
            // key-enterprise-update: which event of the case the chief service officer and squad are told about.
            ("Event", new (string, object?)[]
            {
                ("Kind", model.KeyEvent),
                ("Label", model.KeyEvent switch
                {
                    CaseMailKind.Dispatch => en ? "Dispatched" : "已派单",
                    CaseMailKind.Overdue => en ? "Overdue" : "已超期",
                    CaseMailKind.Resolved => en ? "Resolved, awaiting confirmation" : "已办结待确认",
                    _ => null,
                }),
            }),
            ("Link", model.LinkUrl),
            ("Reason", new (string, object?)[] { ("Code", model.ReasonCode), ("Label", model.ReasonLabel ?? model.ReasonCode) }),
            ("Note", Blank(model.Note)),
            ("Insisted", model.Insisted),
            ("Insist", new (string, object?)[] { ("WorkingDaysLeft", model.InsistWorkingDaysLeft), ("Overdue", model.InsistOverdue) }),
            ("Extension", new (string, object?)[]
            {
                ("Days", model.ExtensionDays),
                ("Approved", model.ExtensionApproved),
                ("Decision", model.ExtensionApproved switch
                {
                    true => en ? "Approved" : "同意",
                    false => en ? "Denied" : "不同意",
                    null => null,
                }),
            }),
        ];
    }

    /// <summary>"2026年3月3日（周二）18:00" or "Tue 3 Mar 2026 18:00", in <paramref name="timeZone"/>; null stays null.</summary>
    public static string? FormatLocal(DateTimeOffset? instant, TimeZoneInfo timeZone, bool english)
    {
        if (instant is not { } at) return null;
        var local = TimeZoneInfo.ConvertTime(at, timeZone);
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        return english
            ? $"{EnglishDays[(int)local.DayOfWeek]} {local.Day} {EnglishMonths[local.Month - 1]} {local.Year} {time}"
            : $"{local.Year}年{local.Month}月{local.Day}日（周{"日一二三四五六"[(int)local.DayOfWeek]}）{time}";
    }

    private static string PriorityLabel(CasePriority priority, bool english) => priority switch
    {
        CasePriority.Urgent => english ? "Urgent" : "紧急",
        _ => english ? "Normal" : "普通",
    };

    internal static string? Excerpt(string? description)
    {
        var text = Blank(description)?.Replace("\r\n", "\n").Trim();
        if (text is null) return null;
        var info = new StringInfo(text);
        return info.LengthInTextElements <= DescriptionExcerptLength
            ? text
            : info.SubstringByTextElements(0, DescriptionExcerptLength).TrimEnd() + "…";
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    // Null must become nil: in Liquid an empty string is truthy, and templates test values with {% if %}.
    private static FluidValue Value(object? value) => value switch
    {
        null => NilValue.Instance,
        string s => StringValue.Create(s),
        bool b => BooleanValue.Create(b),
        int i => NumberValue.Create(i),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unsupported mail value."),
    };
}
