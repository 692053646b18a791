using System.Collections.Frozen;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Fluid;
using Fluid.Values;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Notifications;

namespace Liaison.Cases.Digests;

/// <summary>
/// Renders the digest emails (Liquid, via Fluid) from the shipped templates, like <see cref="CaseMailRenderer"/>:
/// HTML-escaped HTML part, one-line subject, dates in the zone's time zone. Pure and thread-safe. Variables: README.md.
/// </summary>
public sealed partial class DigestMailRenderer
{
    private const string ResourcePrefix = "Liaison.Cases.Digests.Templates.";
    private static readonly FluidParser Parser = new();
    private static readonly TextEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private static readonly TemplateOptions RenderOptions = new() { MaxSteps = 1_000_000 };

    /// <summary>
    /// Case lines shown per section of a digest; the rest are counted in <c>Omitted</c> and left to the case list. A
    /// mail of thousands of lines helps nobody and would outgrow the template's step limit.
    /// </summary>
    public const int MaxLinesPerSection = 100;

    /// <summary>A section's full count: its declared total, or its lines when the caller passed them all.</summary>
    private static int Total(IReadOnlyCollection<DigestCaseLine> lines, int? total) => Math.Max(lines.Count, total ?? 0);

    /// <summary>Cases counted in the sections but not shown (beyond the first <see cref="MaxLinesPerSection"/> of each).</summary>
    private static int Omitted(params (IReadOnlyCollection<DigestCaseLine> Lines, int? Total)[] sections) =>
        sections.Sum(s => Total(s.Lines, s.Total) - Math.Min(s.Lines.Count, MaxLinesPerSection));
    private static readonly Lazy<FrozenDictionary<string, IFluidTemplate>> Shipped = new(LoadShipped);
    private static readonly string[] EnglishDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] EnglishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private readonly TimeZoneInfo _timeZone;

    public DigestMailRenderer(TimeZoneInfo? timeZone = null) =>
        _timeZone = timeZone ?? WorkingCalendar.ResolveTimeZone(WorkingCalendar.DefaultTimeZoneId);

    public RenderedMail Render(HandlerDigestMail mail, string? culture)
    {
        var en = IsEnglish(culture);
        return Render(DigestKind.Handler, en, new()
        {
            ["Recipient"] = Obj(("Name", mail.RecipientName)),
            ["Date"] = FormatDate(mail.Date, en),
            ["Count"] = Total(mail.Overdue, mail.OverdueTotal) + Total(mail.DueSoon, mail.DueSoonTotal) + Total(mail.Other, mail.OtherTotal),
            ["Overdue"] = Lines(mail.Overdue, en),
            ["DueSoon"] = Lines(mail.DueSoon, en),
            ["Other"] = Lines(mail.Other, en),
            ["OverdueCount"] = Total(mail.Overdue, mail.OverdueTotal),
            ["DueSoonCount"] = Total(mail.DueSoon, mail.DueSoonTotal),
            ["OtherCount"] = Total(mail.Other, mail.OtherTotal),
            ["Omitted"] = Omitted((mail.Overdue, mail.OverdueTotal), (mail.DueSoon, mail.DueSoonTotal), (mail.Other, mail.OtherTotal)),
        }, mail.Overdue.Concat(mail.DueSoon).Concat(mail.Other));
    }

    public RenderedMail Render(OfficerDigestMail mail, string? culture)
    {
        var en = IsEnglish(culture);
        return Render(DigestKind.Officer, en, new()
        {
            ["Recipient"] = Obj(("Name", mail.RecipientName)),
            ["Date"] = FormatDate(mail.Date, en),
            ["Since"] = FormatLocal(mail.Since, en),
            ["Count"] = Total(mail.NeedsDecision, mail.NeedsDecisionTotal) + Total(mail.Overdue, mail.OverdueTotal) + Total(mail.Changed, mail.ChangedTotal)
                + mail.Served.Count,
            ["NeedsDecision"] = Lines(mail.NeedsDecision, en),
            ["Overdue"] = Lines(mail.Overdue, en),
            ["Changed"] = Lines(mail.Changed, en),
            ["Served"] = Lines(mail.Served, en),
            ["NeedsDecisionCount"] = Total(mail.NeedsDecision, mail.NeedsDecisionTotal),
            ["OverdueCount"] = Total(mail.Overdue, mail.OverdueTotal),
            ["ChangedCount"] = Total(mail.Changed, mail.ChangedTotal),
            ["ServedCount"] = mail.Served.Count,
            ["VisitsDue"] = VisitsDue(mail.VisitsDue, en),
            ["Omitted"] = Omitted((mail.NeedsDecision, mail.NeedsDecisionTotal), (mail.Overdue, mail.OverdueTotal), (mail.Changed, mail.ChangedTotal), (mail.Served, null)),
        }, mail.NeedsDecision.Concat(mail.Overdue).Concat(mail.Changed).Concat(mail.Served));
    }

    public RenderedMail Render(LeagueTableMail mail, string? culture)
    {
        var en = IsEnglish(culture);
        var t = mail.Table;
        if (mail.CsvLink is { } csv && !IsHttpUrl(csv)) throw new ArgumentException($"The CSV link must be an absolute http(s) URL, got '{csv}'.", nameof(mail));
        return Render(DigestKind.LeagueTable, en, new()
        {
            ["Recipient"] = Obj(("Name", mail.RecipientName)),
            ["From"] = FormatDate(t.From, en),
            ["To"] = FormatDate(t.To, en),
            ["Rows"] = new ArrayValue(t.Rows.Select(r => Row(r, en)).ToArray()),
            ["Totals"] = Row(t.Totals, en),
            ["RedCount"] = t.Rows.Count(r => r.Mark == LeagueMark.Red),
            ["YellowCount"] = t.Rows.Count(r => r.Mark == LeagueMark.Yellow),
            ["Rules"] = Obj(("RedBelow", Percent(t.Rules.RedBelow)), ("YellowBelow", Percent(t.Rules.YellowBelow))),
            ["CsvLink"] = mail.CsvLink,
            ["KeyService"] = mail.KeyEnterpriseService is { } k ? KeyService(k, en) : null,
        }, []);
    }

    public static string Percent(double? rate) => rate is { } r ? Math.Round(r * 100, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture) + "%" : "—";

    public static string Days(double? days) => days is { } d ? d.ToString("0.#", CultureInfo.InvariantCulture) : "—";

    public static (string Zh, string En) MarkLabel(LeagueMark mark) => mark switch
    {
        LeagueMark.Red => ("红榜", "Red"),
        LeagueMark.Yellow => ("黄榜", "Yellow"),
        _ => ("—", "—"),
    };

    public static (string Zh, string En) DecisionLabel(string? decision) => decision switch
    {
        OfficerDigests.DecideReturn => ("已退回，请改派或坚持原部门", "returned: reassign it or insist"),
        OfficerDigests.DecideResolution => ("已办结，请确认销号或重办", "resolved: confirm or reopen"),
        OfficerDigests.DecideExtension => ("申请延期，请审批", "extension requested: approve or deny"),
        OfficerDigests.DecidePartReturn => ("协办单位退回了协办任务，请改派或撤回该协办", "a co-handler returned its part: reassign or drop the part"),
        OfficerDigests.DecidePartExtension => ("协办单位申请延期，请审批", "a co-handler asks for more time for its part: approve or deny"),
        OfficerDigests.DecideUnsatisfied => ("企业评价不满意，请决定重办或说明后结案", "the enterprise is not satisfied: reopen or close with a note"),
        _ => ("", ""),
    };

    public static string FormatDate(DateOnly date, bool english) => english
        ? $"{EnglishDays[(int)date.DayOfWeek]} {date.Day} {EnglishMonths[date.Month - 1]} {date.Year}"
        : $"{date.Year}年{date.Month}月{date.Day}日（周{"日一二三四五六"[(int)date.DayOfWeek]}）";

    private static bool IsEnglish(string? culture) => CaseMailRenderer.ResolveCulture(culture) == CaseMailRenderer.English;

    private string? FormatLocal(DateTimeOffset? at, bool en) => CaseMailValues.FormatLocal(at, _timeZone, en);

    private RenderedMail Render(string kind, bool en, Dictionary<string, object?> values, IEnumerable<DigestCaseLine> lines)
    {
        foreach (var line in lines)
        {
            // Links go into href: only a real web address may get there.
            if (line.Link is { } link && !IsHttpUrl(link)) throw new ArgumentException($"A digest link must be an absolute http(s) URL, got '{link}'.", nameof(lines));
        }

        var context = new TemplateContext(RenderOptions);
        foreach (var (name, value) in values) context.SetValue(name, Value(value));
        var culture = en ? CaseMailRenderer.English : CaseMailRenderer.Chinese;
        string Part(string part, TextEncoder encoder) => Shipped.Value[$"{ResourcePrefix}{kind}.{culture}.{part}.liquid"].Render(context, encoder);
        return new RenderedMail(Whitespace().Replace(Part("subject", NullEncoder.Default), " ").Trim(), Part("text", NullEncoder.Default), Part("html", Html));
    }

    private ArrayValue Lines(IReadOnlyList<DigestCaseLine> lines, bool en) => new(lines.Take(MaxLinesPerSection).Select(l => (FluidValue)Obj(
        ("Number", l.Number),
        ("Title", l.Title),
        ("Enterprise", l.Enterprise),
        ("Department", l.Department),
        ("Status", (l.PartStatus is { } part ? CasePart.Label(part) : CaseStatuses.Label(l.Status)).In(en ? Cultures.English : Cultures.Chinese)),
        ("CoHandling", l.PartStatus is not null),
        ("Task", l.Task),
        ("LeadDepartment", l.LeadDepartment),
        ("CoHandlers", l.CoHandlers.Count == 0 ? null : string.Join(en ? ", " : "、",
            l.CoHandlers.Select(h => en ? $"{h.Department} ({CasePart.Label(h.Status).En})" : $"{h.Department}（{CasePart.Label(h.Status).Zh}）"))),
        ("Urgent", l.Priority == CasePriority.Urgent),
        ("Priority", l.Priority == CasePriority.Urgent ? (en ? "Urgent" : "紧急") : (en ? "Normal" : "一般")),
        ("AcceptBy", FormatLocal(l.AcceptBy, en)),
        ("Due", FormatLocal(l.DueAt, en)),
        ("Provisional", l.Provisional),
        ("OverdueDays", l.OverdueWorkingDays),
        ("AcceptOverdue", l.AcceptOverdue),
        ("DaysLeft", l.WorkingDaysLeft),
        ("Link", l.Link),
        ("Decision", l.Decision is null ? null : en ? DecisionLabel(l.Decision).En : DecisionLabel(l.Decision).Zh),
        ("EnterpriseComment", Short(l.EnterpriseComment)),
        ("Changes", new ArrayValue(l.Changes.Select(e => (FluidValue)Obj(
            ("At", FormatLocal(e.At, en)),
            ("What", CaseEventKinds.Label(e.Kind).In(en ? Cultures.English : Cultures.Chinese)),
            ("Note", Short(e.Note)))).ToArray())))).ToArray());

    private static ArrayValue VisitsDue(IReadOnlyList<VisitDueLine> lines, bool en) => new(lines.Take(MaxLinesPerSection).Select(l =>
    {
        if (!IsHttpUrl(l.Link)) throw new ArgumentException($"A digest link must be an absolute http(s) URL, got '{l.Link}'.", nameof(lines));
        return (FluidValue)Obj(
            ("Enterprise", l.Enterprise),
            ("LastVisited", l.LastVisitedOn is { } d ? FormatDate(d, en) : null),
            ("OverdueDays", l.OverdueDays),
            ("Link", l.Link));
    }).ToArray());

    private static DictionaryValue KeyService(KeyEnterpriseServiceCounts k, bool en) => Obj(
        ("Visits", k.Visits),
        ("Overdue", k.OverdueForVisit),
        ("AsOf", FormatDate(k.OverdueAsOf, en)),
        ("AsOfNow", k.AsOfNow),
        ("ProblemsFound", k.ProblemsFound),
        ("Raised", k.ProblemsRaised),
        ("Solved", k.Solved),
        ("SolvedRate", Percent(k.SolvedRate)));

    private static DictionaryValue Row(LeagueRow r, bool en) => Obj(
        ("Department", r.DepartmentName),
        ("Mark", r.Mark.ToString().ToLowerInvariant()),
        ("MarkLabel", en ? MarkLabel(r.Mark).En : MarkLabel(r.Mark).Zh),
        ("Red", r.Mark == LeagueMark.Red),
        ("Yellow", r.Mark == LeagueMark.Yellow),
        ("Received", r.Received),
        ("Accepted", r.Accepted),
        ("AcceptedOnTime", r.AcceptedOnTime),
        ("AcceptRate", Percent(r.AcceptOnTimeRate)),
        ("Resolved", r.Resolved),
        ("ResolvedOnTime", r.ResolvedOnTime),
        ("ResolveRate", Percent(r.ResolveOnTimeRate)),
        ("OverdueNow", r.OverdueNow),
        ("Returns", r.Returns),
        ("Extensions", r.Extensions),
        ("Reopenings", r.Reopenings),
        ("MedianDays", Days(r.MedianWorkingDaysToResolve)),
        ("Co", Obj(
            ("Any", r.CoHandling != CoHandlingCounts.Zero),
            ("Received", r.CoHandling.Received),
            ("Accepted", r.CoHandling.Accepted),
            ("AcceptedOnTime", r.CoHandling.AcceptedOnTime),
            ("AcceptRate", Percent(r.CoHandling.AcceptOnTimeRate)),
            ("Submitted", r.CoHandling.Submitted),
            ("SubmittedOnTime", r.CoHandling.SubmittedOnTime),
            ("Overridden", r.CoHandling.Overridden),
            ("SubmitRate", Percent(r.CoHandling.SubmitOnTimeRate)),
            ("OverdueNow", r.CoHandling.OverdueNow),
            ("Returns", r.CoHandling.Returns),
            ("Extensions", r.CoHandling.Extensions))),
        ("Rating", Obj(
            ("Any", r.Satisfaction != SatisfactionCounts.Zero),
            ("Satisfied", r.Satisfaction.Satisfied),
            ("FairlySatisfied", r.Satisfaction.FairlySatisfied),
            ("Unsatisfied", r.Satisfaction.Unsatisfied),
            ("Rated", r.Satisfaction.Rated),
            ("Rate", Percent(r.Satisfaction.Rate)),
            ("Expired", r.Satisfaction.Expired))));

    private static string? Short(string? note)
    {
        if (string.IsNullOrWhiteSpace(note)) return null;
        var text = Whitespace().Replace(note, " ").Trim();
        var info = new StringInfo(text);
        return info.LengthInTextElements <= 120 ? text : info.SubstringByTextElements(0, 120) + "…";
    }

    private static DictionaryValue Obj(params (string Name, object? Value)[] members) =>
        new(new Members(members.ToDictionary(m => m.Name, m => Value(m.Value), StringComparer.OrdinalIgnoreCase)));

    // Null must become nil: in Liquid an empty string is truthy, and templates test values with {% if %}.
    private static FluidValue Value(object? value) => value switch
    {
        null => NilValue.Instance,
        FluidValue v => v,
        string s => StringValue.Create(s),
        bool b => BooleanValue.Create(b),
        int i => NumberValue.Create(i),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unsupported digest value."),
    };

    private static bool IsHttpUrl(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static FrozenDictionary<string, IFluidTemplate> LoadShipped()
    {
        var assembly = typeof(DigestMailRenderer).Assembly;
        var templates = new Dictionary<string, IFluidTemplate>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var source = reader.ReadToEnd();
            templates[name] = Parser.TryParse(source, out var template, out var error)
                ? template
                : throw new InvalidOperationException($"Shipped digest template {name} does not parse: {error}");
        }

        return templates.ToFrozenDictionary(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private sealed class Members(Dictionary<string, FluidValue> values) : IFluidIndexable
    {
        public int Count => values.Count;

        public IEnumerable<string> Keys => values.Keys;

        public bool TryGetValue(string name, out FluidValue value)
        {
            if (values.TryGetValue(name, out value!)) return true;
            value = NilValue.Instance;
            return false;
        }
    }
}
