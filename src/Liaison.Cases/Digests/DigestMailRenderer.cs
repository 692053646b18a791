using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
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
    /// <summary>
    /// Case lines shown per section of a digest; the rest are counted in <c>Omitted</c> and left to the case list. A
    /// mail of thousands of lines helps nobody and would outgrow the template's step limit.
    /// </summary>
    public const int MaxLinesPerSection = 100;

    // Three sections of 100 lines, each with its changes, fit well within these; an admin's loop does not.
    private static readonly MailTemplateFamily Templates =
        new("Liaison.Cases.Digests.Templates.", DigestKind.All, maxSteps: 1_000_000, maxOutputLength: 2_000_000);

    /// <summary>A section's full count: its declared total, or its lines when the caller passed them all.</summary>
    private static int Total(IReadOnlyCollection<DigestCaseLine> lines, int? total) => Math.Max(lines.Count, total ?? 0);

    /// <summary>Cases counted in the sections but not shown (beyond the first <see cref="MaxLinesPerSection"/> of each).</summary>
    private static int Omitted(params (IReadOnlyCollection<DigestCaseLine> Lines, int? Total)[] sections) =>
        sections.Sum(s => Total(s.Lines, s.Total) - Math.Min(s.Lines.Count, MaxLinesPerSection));
    private static readonly string[] EnglishDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] EnglishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private readonly ITemplateOverrides? _overrides;
    private readonly TimeZoneInfo _timeZone;

    // Override sources by text, so an edited template is parsed once and a changed one is picked up at once.
    private readonly ConcurrentDictionary<string, (IFluidTemplate? Template, string? Error)> _overrideCache = new(StringComparer.Ordinal);

    /// <param name="overrides">Admin-edited templates (the same store as the case mails'); null uses the shipped ones only.</param>
    /// <param name="timeZone">Where dates are shown; defaults to Asia/Shanghai.</param>
    public DigestMailRenderer(ITemplateOverrides? overrides = null, TimeZoneInfo? timeZone = null)
    {
        _overrides = overrides;
        _timeZone = timeZone ?? WorkingCalendar.ResolveTimeZone(WorkingCalendar.DefaultTimeZoneId);
    }

    public RenderedMail Render(HandlerDigestMail mail, string? culture) =>
        Render(DigestKind.Handler, culture, Values(mail, IsEnglish(culture)), mail.Overdue.Concat(mail.DueSoon).Concat(mail.Other));

    public RenderedMail Render(OfficerDigestMail mail, string? culture) =>
        Render(DigestKind.Officer, culture, Values(mail, IsEnglish(culture)),
            mail.NeedsDecision.Concat(mail.Overdue).Concat(mail.Changed).Concat(mail.Served));

    public RenderedMail Render(LeagueTableMail mail, string? culture)
    {
        if (mail.CsvLink is { } csv && !IsHttpUrl(csv)) throw new ArgumentException($"The CSV link must be an absolute http(s) URL, got '{csv}'.", nameof(mail));
        return Render(DigestKind.LeagueTable, culture, Values(mail, IsEnglish(culture)), []);
    }

    public RenderedMail Render(WorkHandoverMail mail, string? culture) =>
        Render(DigestKind.WorkHandover, culture, Values(mail, IsEnglish(culture)), mail.Cases);

    public RenderedMail Render(AccountCreatedMail mail, string? culture)
    {
        // The link goes into href: only a real web address may get there.
        if (!IsHttpUrl(mail.SignInLink)) throw new ArgumentException($"The sign-in link must be an absolute http(s) URL, got '{mail.SignInLink}'.", nameof(mail));
        return Render(DigestKind.AccountCreated, culture, Values(mail, IsEnglish(culture)), []);
    }

    private Dictionary<string, object?> Values(AccountCreatedMail mail, bool en) => new()
        {
            ["Recipient"] = Obj(("Name", mail.RecipientName), ("Email", mail.Email)),
            ["Admin"] = mail.Admin,
            ["Role"] = mail.Admin ? (en ? "administrator" : "管理员") : (en ? "officer" : "园区工作人员"),
            ["By"] = mail.ByName,
            ["At"] = FormatLocal(mail.At, en),
            ["SignInLink"] = mail.SignInLink,
        };

    private Dictionary<string, object?> Values(WorkHandoverMail mail, bool en) => new()
        {
            ["Recipient"] = Obj(("Name", mail.RecipientName)),
            ["From"] = mail.FromName,
            ["By"] = mail.ByName,
            ["At"] = FormatLocal(mail.At, en),
            ["Cases"] = Lines(mail.Cases, en),
            ["CaseCount"] = Total(mail.Cases, mail.CasesTotal),
            ["ChiefOf"] = Enterprises(mail.ChiefOf),
            ["SquadOf"] = Enterprises(mail.SquadOf),
            ["Omitted"] = Omitted((mail.Cases, mail.CasesTotal)),
        };

    private Dictionary<string, object?> Values(HandlerDigestMail mail, bool en) => new()
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
        };

    private Dictionary<string, object?> Values(OfficerDigestMail mail, bool en) => new()
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
            ["WorkbenchLink"] = mail.WorkbenchLink,
            ["Omitted"] = Omitted((mail.NeedsDecision, mail.NeedsDecisionTotal), (mail.Overdue, mail.OverdueTotal), (mail.Changed, mail.ChangedTotal), (mail.Served, null)),
        };

    private static Dictionary<string, object?> Values(LeagueTableMail mail, bool en)
    {
        var t = mail.Table;
        return new()
        {
            ["Recipient"] = Obj(("Name", mail.RecipientName)),
            ["From"] = FormatDate(t.From, en),
            ["To"] = FormatDate(t.To, en),
            ["Rows"] = t.Rows.Select(r => Row(r, en)).ToArray(),
            ["Totals"] = Row(t.Totals, en),
            ["RedCount"] = t.Rows.Count(r => r.Mark == LeagueMark.Red),
            ["YellowCount"] = t.Rows.Count(r => r.Mark == LeagueMark.Yellow),
            ["Rules"] = Obj(("RedBelow", Percent(t.Rules.RedBelow)), ("YellowBelow", Percent(t.Rules.YellowBelow))),
            ["CsvLink"] = mail.CsvLink,
            ["KeyService"] = mail.KeyEnterpriseService is { } k ? KeyService(k, en) : null,
        };
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
        OfficerDigests.DecidePartReturn => ("协办部门退回了协办任务，请改派或撤回该协办", "a co-handler returned its part: reassign or drop the part"),
        OfficerDigests.DecidePartExtension => ("协办部门申请延期，请审批", "a co-handler asks for more time for its part: approve or deny"),
        OfficerDigests.DecideUnsatisfied => ("企业评价不满意，请决定重办或说明后结案", "the enterprise is not satisfied: reopen or close with a note"),
        _ => ("", ""),
    };

    public static string FormatDate(DateOnly date, bool english) => english
        ? $"{EnglishDays[(int)date.DayOfWeek]} {date.Day} {EnglishMonths[date.Month - 1]} {date.Year}"
        : $"{date.Year}年{date.Month}月{date.Day}日（周{"日一二三四五六"[(int)date.DayOfWeek]}）";

    private static bool IsEnglish(string? culture) => CaseMailRenderer.ResolveCulture(culture) == CaseMailRenderer.English;

    private string? FormatLocal(DateTimeOffset? at, bool en) => CaseMailValues.FormatLocal(at, _timeZone, en);

    private RenderedMail Render(string kind, string? culture, Dictionary<string, object?> values, IEnumerable<DigestCaseLine> lines)
    {
        foreach (var line in lines)
        {
            // Links go into href: only a real web address may get there.
            if (line.Link is { } link && !IsHttpUrl(link)) throw new ArgumentException($"A digest link must be an absolute http(s) URL, got '{link}'.", nameof(lines));
        }

        var lang = CaseMailRenderer.ResolveCulture(culture);
        // Converted once; each part's render gets a context of its own with the same values.
        var fluid = values.ToDictionary(v => v.Key, v => ToFluid(v.Key, v.Value, onUnknown: null));
        TemplateContext NewContext()
        {
            var context = new TemplateContext(Templates.RenderOptions) { TimeZone = _timeZone };
            foreach (var (name, value) in fluid) context.SetValue(name, value);
            return context;
        }

        var warnings = new List<string>();
        string Part(MailPart part, TextEncoder encoder) => Templates.Render(_overrides, _overrideCache, kind, lang, part, NewContext, encoder, warnings);
        var subject = Whitespace().Replace(Part(MailPart.Subject, NullEncoder.Default), " ").Trim();
        var text = Part(MailPart.Text, NullEncoder.Default);
        var html = Part(MailPart.Html, MailTemplateFamily.Html);
        return new RenderedMail(subject, text, html) { Warnings = warnings };
    }

    /// <summary>The shipped template text of a digest, e.g. as the starting point of an admin's edit.</summary>
    /// <exception cref="ArgumentException">Unknown kind.</exception>
    public static string ShippedSource(string kind, string? culture, MailPart part)
    {
        if (!Templates.IsKnown(kind)) throw new ArgumentException($"Unknown digest kind '{kind}'.", nameof(kind));
        return Templates.ShippedSource(kind, CaseMailRenderer.ResolveCulture(culture), part);
    }

    /// <summary>
    /// Every problem with an admin's edit of a <paramref name="kind"/> digest's template as "中文 / English"; empty when
    /// it is fine. Renders it against a full sample digest and an empty one of that kind, in Chinese, so unknown
    /// variables (also a loop item's, e.g. <c>Overdue.Titel</c>), unknown filters and runaway loops are found.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown kind.</exception>
    public IReadOnlyList<string> Validate(string kind, string source)
    {
        var samples = ValidationSamples(kind).Select(values => (Action<TemplateContext, Action<string>>)((context, unknown) => Fill(context, values, unknown)));
        return Templates.Validate(source, samples, KnownNames(kind));
    }

    /// <summary>
    /// Every variable name a <paramref name="kind"/> digest's templates may use, e.g. <c>Recipient.Name</c>, and the
    /// members of a list's items (<c>Overdue.Title</c>, read in <c>{% for c in Overdue %}{{ c.Title }}</c>).
    /// </summary>
    public IReadOnlyList<string> KnownNames(string kind) =>
        ValidationSamples(kind)[0].SelectMany(v => Names(v.Key, v.Value)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>A digest of <paramref name="kind"/> with every section filled with made-up cases, as of <paramref name="now"/>, for a preview.</summary>
    public RenderedMail RenderSample(string kind, string? culture, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _timeZone);
        return kind switch
        {
            DigestKind.Handler => Render(DigestSamples.Handler(local), culture),
            DigestKind.Officer => Render(DigestSamples.Officer(local), culture),
            DigestKind.LeagueTable => Render(DigestSamples.LeagueTable(local), culture),
            DigestKind.WorkHandover => Render(DigestSamples.WorkHandover(local), culture),
            DigestKind.AccountCreated => Render(DigestSamples.AccountCreated(local), culture),
            _ => throw new ArgumentException($"Unknown digest kind '{kind}'.", nameof(kind)),
        };
    }

    // A full sample (every section and optional value set) and an empty one, so both sides of the usual {% if %} and
    // {% for %} are rendered and a misspelt name in either is found.
    private List<Dictionary<string, object?>> ValidationSamples(string kind)
    {
        var now = DigestSamples.ValidationNow;
        return kind switch
        {
            DigestKind.Handler => [Values(DigestSamples.Handler(now), en: false), Values(DigestSamples.EmptyHandler(now), en: false)],
            DigestKind.Officer => [Values(DigestSamples.Officer(now), en: false), Values(DigestSamples.EmptyOfficer(now), en: false)],
            DigestKind.LeagueTable => [Values(DigestSamples.LeagueTable(now), en: false), Values(DigestSamples.EmptyLeagueTable(now), en: false)],
            DigestKind.WorkHandover => [Values(DigestSamples.WorkHandover(now), en: false), Values(DigestSamples.EmptyWorkHandover(now), en: false)],
            DigestKind.AccountCreated => [Values(DigestSamples.AccountCreated(now), en: false), Values(DigestSamples.AccountCreated(now) with { Admin = true }, en: false)],
            _ => throw new ArgumentException($"Unknown digest kind '{kind}'.", nameof(kind)),
        };
    }

    private static void Fill(TemplateContext context, Dictionary<string, object?> values, Action<string>? onUnknown)
    {
        foreach (var (name, value) in values) context.SetValue(name, ToFluid(name, value, onUnknown));
    }

    // A list's items report their unknown members under the list's name (Overdue.Titel), as the case mails' do.
    private static FluidValue ToFluid(string path, object? value, Action<string>? onUnknown) => value switch
    {
        null => NilValue.Instance,
        string s => StringValue.Create(s),
        bool b => BooleanValue.Create(b),
        int i => NumberValue.Create(i),
        Node node => new DictionaryValue(new ReportingMembers(path,
            node.Members.ToDictionary(m => m.Name, m => ToFluid($"{path}.{m.Name}", m.Value, onUnknown), StringComparer.OrdinalIgnoreCase), onUnknown)),
        Node[] items => new ArrayValue(items.Select(item => ToFluid(path, item, onUnknown)).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unsupported digest value."),
    };

    private static IEnumerable<string> Names(string path, object? value) => value switch
    {
        Node node => node.Members.SelectMany(m => Names($"{path}.{m.Name}", m.Value)).Prepend(path),
        Node[] items => items.SelectMany(item => Names(path, item)).Prepend(path),
        _ => [path],
    };

    /// <summary>A Liquid object's members, turned into Fluid values when the mail is rendered.</summary>
    private sealed record Node((string Name, object? Value)[] Members);

    private Node[] Lines(IReadOnlyList<DigestCaseLine> lines, bool en) => lines.Take(MaxLinesPerSection).Select(l => Obj(
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
        ("Changes", l.Changes.Select(e => Obj(
            ("At", FormatLocal(e.At, en)),
            ("What", CaseEventKinds.Label(e.Kind).In(en ? Cultures.English : Cultures.Chinese)),
            ("Note", Short(e.Note)))).ToArray()))).ToArray();

    private static Node[] VisitsDue(IReadOnlyList<VisitDueLine> lines, bool en) => lines.Take(MaxLinesPerSection).Select(l =>
    {
        if (!IsHttpUrl(l.Link)) throw new ArgumentException($"A digest link must be an absolute http(s) URL, got '{l.Link}'.", nameof(lines));
        return Obj(
            ("Enterprise", l.Enterprise),
            ("LastVisited", l.LastVisitedOn is { } d ? FormatDate(d, en) : null),
            ("OverdueDays", l.OverdueDays),
            ("Link", l.Link));
    }).ToArray();

    private static Node[] Enterprises(IReadOnlyList<EnterpriseLine> lines) => lines.Take(MaxLinesPerSection).Select(l =>
    {
        if (!IsHttpUrl(l.Link)) throw new ArgumentException($"A digest link must be an absolute http(s) URL, got '{l.Link}'.", nameof(lines));
        return Obj(("Name", l.Name), ("Link", l.Link));
    }).ToArray();

    private static Node KeyService(KeyEnterpriseServiceCounts k, bool en) => Obj(
        ("Visits", k.Visits),
        ("Overdue", k.OverdueForVisit),
        ("AsOf", FormatDate(k.OverdueAsOf, en)),
        ("AsOfNow", k.AsOfNow),
        ("ProblemsFound", k.ProblemsFound),
        ("Raised", k.ProblemsRaised),
        ("Solved", k.Solved),
        ("SolvedRate", Percent(k.SolvedRate)));

    private static Node Row(LeagueRow r, bool en) => Obj(
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
        ("Insists", r.Insists),
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

    private static Node Obj(params (string Name, object? Value)[] members) => new(members);

    private static bool IsHttpUrl(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
