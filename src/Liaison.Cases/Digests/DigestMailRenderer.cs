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
    private readonly ConcurrentDictionary<string, (IFluidTemplate? Template, (string Zh, string En)? Error)> _overrideCache = new(StringComparer.Ordinal);

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

    public RenderedMail Render(LiaisonReplacedMail mail, string? culture) =>
        Render(DigestKind.LiaisonReplaced, culture, Values(mail, IsEnglish(culture)), mail.Cases);

    private Dictionary<string, object?> Values(LiaisonReplacedMail mail, bool en) => new()
        {
            ["Recipient"] = Obj(("Name", mail.RecipientName)),
            ["Department"] = mail.Department,
            ["At"] = FormatLocal(mail.At, en),
            ["WasHandler"] = mail.WasHandler,
            ["WasLeader"] = mail.WasLeader,
            ["Handler"] = mail.HandlerName,
            ["Leader"] = mail.LeaderName,
            ["Cases"] = Lines(mail.Cases, en),
            ["CaseCount"] = Total(mail.Cases, mail.CasesTotal),
            ["Omitted"] = Omitted((mail.Cases, mail.CasesTotal)),
        };

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
            ["Overdue"] = Lines(mail.Overdue, en, mail.Date),
            ["DueSoon"] = Lines(mail.DueSoon, en, mail.Date),
            ["Other"] = Lines(mail.Other, en, mail.Date),
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
            // The officer's own cases apart from the served enterprises' ones: a chief or squad member may have none.
            ["OwnCount"] = Total(mail.NeedsDecision, mail.NeedsDecisionTotal) + Total(mail.Overdue, mail.OverdueTotal) + Total(mail.Changed, mail.ChangedTotal),
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

    /// <summary>The deadline's time ("18:00") when it falls on <paramref name="today"/> and has not passed; null otherwise.</summary>
    private string? DueTodayAt(DigestCaseLine l, DateOnly? today)
    {
        if (today is null || l.DueAt is not { } due || l.OverdueWorkingDays is not null) return null;
        var local = TimeZoneInfo.ConvertTime(due, _timeZone);
        return DateOnly.FromDateTime(local.DateTime) == today ? local.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>A time as the digests write it, for a reader of <paramref name="culture"/>: "2026年3月9日（周一）18:00", "Mon 9 Mar 2026 18:00".</summary>
    public static string FormatLocal(DateTimeOffset at, TimeZoneInfo timeZone, string? culture) =>
        CaseMailValues.FormatLocal(at, timeZone, Cultures.IsEnglish(culture))!;

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

        var warnings = new List<MailTemplateFallback>();
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

    /// <summary>Every variable of <see cref="KnownNames"/> with what it means, for the admins' edit page.</summary>
    public IReadOnlyList<MailVariable> Variables(string kind) => KnownNames(kind).Select(name => new MailVariable(name, Describe(kind, name))).ToList();

    /// <summary>The variables the shipped template of <paramref name="kind"/> reads, over its three parts (<see cref="MailTemplateVariables.ReadBy"/>).</summary>
    /// <exception cref="ArgumentException">Unknown kind.</exception>
    public static IReadOnlyList<string> ShippedReads(string kind, string? culture)
    {
        if (!Templates.IsKnown(kind)) throw new ArgumentException($"Unknown digest kind '{kind}'.", nameof(kind));
        return Templates.ShippedReads(kind, CaseMailRenderer.ResolveCulture(culture));
    }

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
            DigestKind.LiaisonReplaced => Render(DigestSamples.LiaisonReplaced(local), culture),
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
            DigestKind.LiaisonReplaced =>
            [
                Values(DigestSamples.LiaisonReplaced(now), en: false),
                Values(DigestSamples.LiaisonReplaced(now) with { WasHandler = false, WasLeader = true, Cases = [], CasesTotal = null }, en: false),
            ],
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

    /// <param name="today">The handler's digest: its day, so a deadline falling on it reads "today 18:00", not "0 working days left".</param>
    private Node[] Lines(IReadOnlyList<DigestCaseLine> lines, bool en, DateOnly? today = null) => lines.Take(MaxLinesPerSection).Select(l => Obj(
        ("Number", l.Number),
        ("Title", l.Title),
        ("Enterprise", l.Enterprise),
        ("Department", l.Department),
        ("Status", (l.PartStatus is { } part ? CasePart.Label(part) : CaseStatuses.Label(l.Status)).Capitalized().In(en ? Cultures.English : Cultures.Chinese)),
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
        ("DueTodayAt", DueTodayAt(l, today)),
        ("Unaccepted", l.AcceptWorkingDaysLeft is not null),
        ("AcceptDaysLeft", l.AcceptWorkingDaysLeft),
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

    /// <summary>
    /// What a name of <paramref name="kind"/> means (README.md, in plain words): its own entry, else its list's or object's
    /// member (<c>Overdue.Title</c> is a case line's <c>Title</c>, read in a loop); null for a name not described.
    /// </summary>
    internal static Text? Describe(string kind, string name)
    {
        if (Named.TryGetValue($"{kind}:{name}", out var text) || Named.TryGetValue(name, out text)) return text;
        var dot = name.IndexOf('.');
        return dot > 0 && Items.TryGetValue(name[..dot], out var items) && items.Members.TryGetValue(name[(dot + 1)..], out var member)
            ? items.Describe(member)
            : null;
    }

    // The names Values() defines, described; "kind:Name" where a kind means something else by it. A test keeps every
    // name described and every entry in use.
    internal static IReadOnlyDictionary<string, Text> Named { get; } = new Dictionary<string, Text>(StringComparer.OrdinalIgnoreCase)
    {
        ["Recipient"] = new("收件人（成员是以它开头的各变量）", "The recipient (its members are the variables starting with its name)"),
        ["Recipient.Name"] = new("收件人姓名，用于邮件开头的称呼", "Whom the mail greets"),
        ["Recipient.Email"] = new("收件人登录用的邮箱", "The email the recipient signs in with"),
        ["Date"] = new("提醒的日期", "The digest's date"),
        ["Since"] = new("上次提醒的时间：列出此后有变化的事项", "The previous digest's time: cases changed since then are listed"),
        ["Count"] = new("本邮件的事项总数（含未列出的）", "Cases in this mail, those not listed included"),
        ["Overdue"] = MailTemplateVariables.List(new("已超期的事项", "Overdue cases")),
        ["DueSoon"] = MailTemplateVariables.List(new("即将到期的事项", "Cases due soon")),
        ["Other"] = MailTemplateVariables.List(new("其他在办事项", "The other open cases")),
        ["NeedsDecision"] = MailTemplateVariables.List(new("待您决定的事项（退回、办结待确认、申请延期、企业不满意等）",
            "Cases awaiting your decision (returned, resolved, extension requested, enterprise not satisfied…)")),
        ["Changed"] = MailTemplateVariables.List(new("上次提醒以来有变化的事项", "Cases changed since the previous digest")),
        ["Served"] = MailTemplateVariables.List(new("您服务的重点企业的在办事项", "Open cases of the key enterprises you serve")),
        ["OverdueCount"] = new("已超期的事项数（含未列出的）", "Overdue cases, those not listed included"),
        ["DueSoonCount"] = new("即将到期的事项数（含未列出的）", "Cases due soon, those not listed included"),
        ["OtherCount"] = new("其他在办事项数（含未列出的）", "Other open cases, those not listed included"),
        ["OwnCount"] = new("您跟进的事项数（待您决定、已超期、有变化；不含您服务的重点企业的事项）", "Your own cases (awaiting your decision, overdue, changed), not the served key enterprises' ones"),
        ["NeedsDecisionCount"] = new("待您决定的事项数（含未列出的）", "Cases awaiting your decision, those not listed included"),
        ["ChangedCount"] = new("有变化的事项数（含未列出的）", "Changed cases, those not listed included"),
        ["ServedCount"] = new("您服务的重点企业的在办事项数", "Open cases of the key enterprises you serve"),
        ["VisitsDue"] = MailTemplateVariables.List(new("首席服务员：今天应走访的重点企业", "Chief service officer: key enterprises due a visit today")),
        ["WorkbenchLink"] = new("您的工作台页面链接；为空时不显示", "Your workbench page; empty leaves the link out"),
        ["Omitted"] = new("每节最多列出 100 件，其余未列出的事项数", "Cases not listed beyond the 100 shown per section"),
        ["From"] = new("统计期的第一天", "The period's first day"),
        ["To"] = new("统计期的最后一天", "The period's last day"),
        ["Rows"] = MailTemplateVariables.List(new("各部门一行：红榜在前，然后黄榜，然后其他", "One row per department: red first, then yellow, then the rest")),
        ["Totals"] = new("全部部门的合计（与每行的各项相同）", "All departments together (the same items as each row)"),
        ["league-table:Totals.Department"] = new("合计行的名称（“合计”）", "The totals row's name (\"Total\")"),
        ["RedCount"] = new("红榜部门数", "Departments on the red list"),
        ["YellowCount"] = new("黄榜部门数", "Departments on the yellow list"),
        ["Rules"] = new("红黄榜的标准（成员是以它开头的各变量）", "The marking rules (hold the items below)"),
        ["Rules.RedBelow"] = new("按时率低于此值列为红榜，如 60%", "Red below this on-time rate, e.g. 60%"),
        ["Rules.YellowBelow"] = new("按时率低于此值列为黄榜，如 90%", "Yellow below this on-time rate, e.g. 90%"),
        ["CsvLink"] = new("下载完整表格（CSV）的链接", "The link to download the full table (CSV)"),
        ["KeyService"] = new("重点企业服务情况（成员是以它开头的各变量）；没有时为空", "Key-enterprise service (its members are the variables starting with its name); empty when there is none"),
        ["KeyService.Visits"] = new("统计期内的走访次数", "Visits in the period"),
        ["KeyService.Overdue"] = new("逾期未走访的重点企业数", "Key enterprises overdue for a visit"),
        ["KeyService.AsOf"] = new("逾期未走访的统计日期", "The day the overdue visits are counted on"),
        ["KeyService.AsOfNow"] = new("统计期尚未结束、按今天统计时为真", "True when the period has not ended and they are counted as of today"),
        ["KeyService.ProblemsFound"] = new("走访发现的问题数", "Problems found on visits"),
        ["KeyService.Raised"] = new("由走访问题转办的事项数", "Cases opened from visit problems"),
        ["KeyService.Solved"] = new("其中已解决的事项数", "Of those, the cases solved"),
        ["KeyService.SolvedRate"] = new("解决率", "The solved rate"),
        ["work-handover:From"] = new("原来负责这些工作的人", "Whose work was handed over"),
        ["work-handover:By"] = new("办理移交的管理员", "The admin who handed it over"),
        ["work-handover:At"] = new("移交的时间", "When it was handed over"),
        ["Cases"] = MailTemplateVariables.List(new("移交给您的事项，超期的在前", "The cases handed to you, overdue first")),
        ["CaseCount"] = new("移交给您的事项数（含未列出的）", "Cases handed to you, those not listed included"),
        ["ChiefOf"] = MailTemplateVariables.List(new("您接任首席服务员的重点企业", "Key enterprises you now serve as chief service officer")),
        ["SquadOf"] = MailTemplateVariables.List(new("您加入服务专班的重点企业", "Key enterprises whose service squad you joined")),
        ["Admin"] = new("管理员账号时为真", "True for an administrator's account"),
        ["Role"] = new("账号的角色（文字）", "The account's role in words"),
        ["account-created:By"] = new("创建账号的管理员", "The admin who created the account"),
        ["account-created:At"] = new("创建账号的时间", "When the account was created"),
        ["SignInLink"] = new("登录页面的链接", "The sign-in page"),
        ["Department"] = new("部门名称", "The department's name"),
        ["liaison-replaced:At"] = new("管理员更换联络人的时间", "When the admin named the new liaison"),
        ["WasHandler"] = new("您被更换的是经办人时为真", "True when you were replaced as the handler"),
        ["WasLeader"] = new("您被更换的是分管领导时为真", "True when you were replaced as the leader"),
        ["Handler"] = new("部门现在的经办人（今后办理这些事项的人）", "The department's handler now (who handles the cases from now on)"),
        ["Leader"] = new("部门现在的分管领导", "The department's leader now"),
        ["liaison-replaced:Cases"] = MailTemplateVariables.List(new("随之转交、您的链接已失效的在办事项和协办任务", "The open cases and co-handling parts that moved on, whose links of yours have ended")),
        ["liaison-replaced:CaseCount"] = new("转交的事项数（含未列出的）", "Cases moved on, those not listed included"),
    };

    // A list's or object's members, described once per kind of item: a case line, a league-table row, a visit due, an enterprise.
    private static readonly Dictionary<string, Text> CaseLineMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Number"] = new("事项编号", "The case number"),
        ["Title"] = new("事项标题", "The case's title"),
        ["Enterprise"] = new("企业名称", "The enterprise's name"),
        ["Department"] = new("责任部门", "The responsible department"),
        ["Status"] = new("办理状态（用邮件的语言）", "The status, in the mail's language"),
        ["CoHandling"] = new("是协办任务（而非主办）时为真", "True for a co-handling part (not the lead)"),
        ["Task"] = new("协办任务的内容", "The co-handling part's task"),
        ["LeadDepartment"] = new("协办任务的主办部门", "The co-handling part's lead department"),
        ["CoHandlers"] = new("各协办部门及其状态（一段文字）", "The co-handling departments and their status, as one text"),
        ["Urgent"] = new("紧急事项时为真", "True for an urgent case"),
        ["Priority"] = new("紧急程度的文字", "The priority in words"),
        ["AcceptBy"] = new("签收期限", "The acceptance deadline"),
        ["Due"] = new("办结期限（协办任务为提交期限）", "The resolve deadline (a part's submit deadline)"),
        ["Provisional"] = new("期限为暂定时为真", "True when the deadlines are provisional"),
        ["OverdueDays"] = new("超期的工作日数", "Working days overdue"),
        ["AcceptOverdue"] = new("超过签收期限仍未签收时为真", "True when still not accepted past the acceptance deadline"),
        ["DaysLeft"] = new("距期限剩余的工作日数（0 表示今天到期，见 DueTodayAt）", "Working days left (0: due today, see DueTodayAt)"),
        ["DueTodayAt"] = new("每日待办：期限在今天时为到期的时刻，如“18:00”；其他为空", "Handler digest: the deadline's time when it falls today, e.g. \"18:00\"; empty otherwise"),
        ["Unaccepted"] = new("尚未签收、签收期限未过时为真", "True when not accepted yet and the acceptance deadline has not passed"),
        ["AcceptDaysLeft"] = new("尚未签收时距签收期限剩余的工作日数（0 表示今天到期）", "Not accepted yet: working days left to the acceptance deadline (0: due today)"),
        ["Link"] = new("事项的链接（经办人的个人链接，或园区工作人员的事项页面）", "The case's link (a handler's personal link, or the officer's case page)"),
        ["Decision"] = new("需要您作出的决定", "The decision you owe"),
        ["EnterpriseComment"] = new("企业评价不满意时写的意见", "The enterprise's comment with its unsatisfied rating"),
        ["Changes"] = new("最近的变化（最多 5 条，在内层 for 循环中读取）", "Its latest changes (up to 5, read in an inner for loop)"),
        ["Changes.At"] = new("变化的时间", "When the change happened"),
        ["Changes.What"] = new("变化的内容", "What changed"),
        ["Changes.Note"] = new("变化附带的说明", "The change's note"),
    };

    private static readonly Dictionary<string, Text> LeagueRowMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Department"] = new("部门名称", "The department"),
        ["Mark"] = new("标记代码：red、yellow 或 green", "The mark as a code: red, yellow or green"),
        ["MarkLabel"] = new("标记的文字：红榜、黄榜或“—”", "The mark in words"),
        ["Red"] = new("红榜时为真", "True on the red list"),
        ["Yellow"] = new("黄榜时为真", "True on the yellow list"),
        ["Received"] = new("收到的事项数", "Cases received"),
        ["Accepted"] = new("签收数", "Acceptances"),
        ["AcceptedOnTime"] = new("按时签收数", "Acceptances on time"),
        ["AcceptRate"] = new("按时签收率", "The on-time acceptance rate"),
        ["Resolved"] = new("办结数", "Cases resolved"),
        ["ResolvedOnTime"] = new("按时办结数", "Cases resolved on time"),
        ["ResolveRate"] = new("按时办结率", "The on-time resolve rate"),
        ["OverdueNow"] = new("当前超期的事项数", "Cases overdue now"),
        ["Returns"] = new("退回次数", "Returns"),
        ["Insists"] = new("坚持原派次数", "Insisted dispatches"),
        ["Extensions"] = new("申请延期次数", "Extension requests"),
        ["Reopenings"] = new("重办次数", "Reopenings"),
        ["MedianDays"] = new("办结用时的中位数（工作日）", "The median working days to resolve"),
        ["Co"] = new("协办情况（成员是以它开头的各变量）", "Co-handling (its members are the variables starting with its name)"),
        ["Co.Any"] = new("有协办工作时为真", "True when there is any co-handling"),
        ["Co.Received"] = new("协办收到数", "Parts received"),
        ["Co.Accepted"] = new("协办签收数", "Parts accepted"),
        ["Co.AcceptedOnTime"] = new("协办按时签收数", "Parts accepted on time"),
        ["Co.AcceptRate"] = new("协办按时签收率", "The parts' on-time acceptance rate"),
        ["Co.Submitted"] = new("协办提交数", "Parts submitted"),
        ["Co.SubmittedOnTime"] = new("协办按时提交数", "Parts submitted on time"),
        ["Co.Overridden"] = new("逾期未提交（主办先行办结）数：期限届满仍未提交、由主办先行办结的协办", "Parts not submitted by their deadline (the lead resolved without them after it passed)"),
        ["Co.SubmitRate"] = new("协办按时提交率", "The parts' on-time submit rate"),
        ["Co.OverdueNow"] = new("协办当前超期数", "Parts overdue now"),
        ["Co.Returns"] = new("协办退回次数", "Parts returned"),
        ["Co.Extensions"] = new("协办申请延期次数", "Parts' extension requests"),
        ["Rating"] = new("企业满意度（成员是以它开头的各变量）", "Enterprise satisfaction (its members are the variables starting with its name)"),
        ["Rating.Any"] = new("有企业评价或期满未评时为真", "True when there is any rating or expired window"),
        ["Rating.Satisfied"] = new("满意数", "Satisfied"),
        ["Rating.FairlySatisfied"] = new("基本满意数", "Fairly satisfied"),
        ["Rating.Unsatisfied"] = new("不满意数", "Unsatisfied"),
        ["Rating.Rated"] = new("已评价数", "Rated"),
        ["Rating.Rate"] = new("满意率", "The satisfaction rate"),
        ["Rating.Expired"] = new("评价期满未评价数", "Rating windows closed without a rating"),
    };

    private static readonly Dictionary<string, Text> VisitDueMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Enterprise"] = new("企业名称", "The enterprise's name"),
        ["LastVisited"] = new("上次走访的日期；从未走访为空", "The last visit's date; empty when never visited"),
        ["OverdueDays"] = new("走访逾期的天数（0 为今天到期）", "Days overdue for the visit (0: due today)"),
        ["Link"] = new("该企业走访页面的链接", "The enterprise's visits page"),
    };

    private static readonly Dictionary<string, Text> EnterpriseMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Name"] = new("企业名称", "The enterprise's name"),
        ["Link"] = new("该企业页面的链接", "The enterprise's page"),
    };

    internal static IReadOnlyDictionary<string, (IReadOnlyDictionary<string, Text> Members, Func<Text, Text> Describe)> Items { get; } =
        new Dictionary<string, (IReadOnlyDictionary<string, Text>, Func<Text, Text>)>(StringComparer.OrdinalIgnoreCase)
        {
            ["Overdue"] = (CaseLineMembers, MailTemplateVariables.InLoop),
            ["DueSoon"] = (CaseLineMembers, MailTemplateVariables.InLoop),
            ["Other"] = (CaseLineMembers, MailTemplateVariables.InLoop),
            ["NeedsDecision"] = (CaseLineMembers, MailTemplateVariables.InLoop),
            ["Changed"] = (CaseLineMembers, MailTemplateVariables.InLoop),
            ["Served"] = (CaseLineMembers, MailTemplateVariables.InLoop),
            ["Cases"] = (CaseLineMembers, MailTemplateVariables.InLoop),
            ["Rows"] = (LeagueRowMembers, MailTemplateVariables.InLoop),
            ["Totals"] = (LeagueRowMembers, m => new($"全部部门合计：{m.Zh}", $"All departments together: {m.En}")),
            ["VisitsDue"] = (VisitDueMembers, MailTemplateVariables.InLoop),
            ["ChiefOf"] = (EnterpriseMembers, MailTemplateVariables.InLoop),
            ["SquadOf"] = (EnterpriseMembers, MailTemplateVariables.InLoop),
        };

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
