using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;

namespace Liaison.Cases.Notifications;

/// <summary>A rendered case email, ready for the outbox.</summary>
/// <param name="Subject">One line, no line breaks.</param>
/// <param name="TextBody">The plain-text alternative, nothing escaped.</param>
/// <param name="HtmlBody">The HTML alternative, every value HTML-escaped.</param>
public sealed record RenderedMail(string Subject, string TextBody, string HtmlBody)
{
    /// <summary>
    /// Admin overrides that could not be used (they no longer parse or failed to render), each replaced by the
    /// shipped template so the mail still goes out. The host should show these to admins.
    /// </summary>
    public IReadOnlyList<MailTemplateFallback> Warnings { get; init; } = [];
}

/// <summary>
/// One part of a mail whose edited template could not be used, so the shipped one was rendered instead. Carries the
/// template's key and the reason in both languages, so each reader can be told in their own words: an operator's log
/// line (<see cref="ToString"/>) names the key, an admin's preview names the part and the language.
/// </summary>
/// <param name="Why">Why the edit could not be used: a syntax error with its place, or the render failure.</param>
public sealed record MailTemplateFallback(string Kind, string Culture, MailPart Part, Common.Text Why)
{
    public override string ToString() =>
        $"{Kind}/{Culture}/{Part}: 管理员修改的模板无法使用，已改用默认模板 / the edited template could not be used, the shipped one was sent instead: {Why.En}";
}

/// <summary>
/// Renders the case emails (Liquid, via Fluid) from the shipped templates or an admin's overrides.
/// Thread-safe; every template source is parsed once and cached. Pure: no I/O beyond the embedded templates.
/// </summary>
public sealed partial class CaseMailRenderer
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    /// <summary>The cultures templates exist for; <see cref="Chinese"/> is the default and the fallback.</summary>
    public static IReadOnlyList<string> Cultures { get; } = [Chinese, English];

    // An admin's loop must not be able to stall the mail jobs, nor fill the heap (or a preview response) with output
    // that a few steps can produce (doubling a string).
    private static readonly MailTemplateFamily Templates =
        new("Liaison.Cases.Notifications.Templates.", CaseMailKind.All, maxSteps: 100_000, maxOutputLength: 1_000_000);

    private readonly ITemplateOverrides? _overrides;
    private readonly TimeZoneInfo _timeZone;

    // Override sources by text, so an edited template is parsed once and a changed one is picked up at once.
    private readonly ConcurrentDictionary<string, (IFluidTemplate? Template, (string Zh, string En)? Error)> _overrideCache = new(StringComparer.Ordinal);

    /// <param name="overrides">Admin-edited templates; null uses the shipped ones only.</param>
    /// <param name="timeZone">Where dates are shown; defaults to Asia/Shanghai.</param>
    public CaseMailRenderer(ITemplateOverrides? overrides = null, TimeZoneInfo? timeZone = null)
    {
        _overrides = overrides;
        _timeZone = timeZone ?? WorkingCalendar.ResolveTimeZone(WorkingCalendar.DefaultTimeZoneId);
    }

    /// <summary>Renders one email of <paramref name="kind"/> (see <see cref="CaseMailKind"/>).</summary>
    /// <param name="culture">A recipient's language, e.g. <c>zh-CN</c>, <c>en</c>, <c>en-GB</c>; anything else falls back to zh-CN.</param>
    /// <exception cref="ArgumentException">Unknown kind, or a link that is not an absolute http(s) URL.</exception>
    public RenderedMail Render(string kind, string? culture, CaseMailModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!CaseMailKind.IsKnown(kind))
        {
            throw new ArgumentException($"Unknown mail kind '{kind}'. Known: {string.Join(", ", CaseMailKind.All)}.", nameof(kind));
        }

        if (model.LinkUrl is { } link && !IsHttpUrl(link))
        {
            // The template prints the link into href; only a real web address may get there.
            throw new ArgumentException($"The mail link must be an absolute http(s) URL, got '{link}'.", nameof(model));
        }

        var lang = ResolveCulture(culture);
        TemplateContext NewContext()
        {
            var context = new TemplateContext(Templates.RenderOptions) { TimeZone = _timeZone };
            CaseMailValues.Fill(context, model, lang, _timeZone);
            return context;
        }

        var warnings = new List<MailTemplateFallback>();

        var subject = RenderPart(kind, lang, MailPart.Subject, NewContext, NullEncoder.Default, warnings);
        var text = RenderPart(kind, lang, MailPart.Text, NewContext, NullEncoder.Default, warnings);
        var html = RenderPart(kind, lang, MailPart.Html, NewContext, MailTemplateFamily.Html, warnings);
        return new RenderedMail(MarkUrgent(kind, lang, model, OneLine(subject)), text, html) { Warnings = warnings };
    }

    /// <summary>
    /// 【紧急】 (zh) or [Urgent] (en) before the subject of an urgent case's mail, so a liaison scanning an inbox sees it.
    /// Added here, not in the templates, so an admin's edited subject gets it too; not when that subject already says
    /// it (its words, the title's aside), nor in the enterprise's mails, which never show the case's priority.
    /// </summary>
    private static string MarkUrgent(string kind, string culture, CaseMailModel model, string subject)
    {
        if (model.Priority != CasePriority.Urgent || CaseMailKind.ToEnterprise.Contains(kind, StringComparer.Ordinal))
        {
            return subject;
        }

        var own = string.IsNullOrEmpty(model.Title) ? subject : subject.Replace(OneLine(model.Title), "", StringComparison.Ordinal);
        if (own.Contains("紧急", StringComparison.Ordinal) || own.Contains("Urgent", StringComparison.OrdinalIgnoreCase))
        {
            return subject;
        }

        return culture == English ? "[Urgent] " + subject : "【紧急】" + subject;
    }

    /// <summary>
    /// Every problem with an admin's edited template as "中文 / English", ready to show; empty when it is fine.
    /// Checks that it parses (with line and column), and renders it against sample cases to catch unknown
    /// variables (e.g. <c>Case.Titel</c>), unknown filters and runaway loops.
    /// </summary>
    public IReadOnlyList<string> Validate(string source) =>
        Templates.Validate(source, ValidationSamples.Select(sample => (Action<TemplateContext, Action<string>>)((context, unknown) =>
            CaseMailValues.Fill(context, sample, Chinese, _timeZone, unknown))), CaseMailValues.KnownNames);

    /// <summary>
    /// Every variable name the case mails' templates may use, e.g. <c>Case.Title</c>, <c>Link</c>, and the members of a
    /// list's items (<c>CoHandlers.Status</c>, read in <c>{% for h in CoHandlers %}{{ h.Status }}</c>).
    /// </summary>
    public static IReadOnlyList<string> KnownNames => CaseMailValues.KnownNames;

    /// <summary>Every variable of <see cref="KnownNames"/> with what it means, for the admins' edit page.</summary>
    public static IReadOnlyList<MailVariable> Variables { get; } =
        CaseMailValues.KnownNames.Select(name => new MailVariable(name, CaseMailValues.Describe(name))).ToList();

    /// <summary>The variables the shipped template of <paramref name="kind"/> reads, over its three parts (<see cref="MailTemplateVariables.ReadBy"/>).</summary>
    /// <exception cref="ArgumentException">Unknown kind.</exception>
    public static IReadOnlyList<string> ShippedReads(string kind, string? culture)
    {
        if (!CaseMailKind.IsKnown(kind)) throw new ArgumentException($"Unknown mail kind '{kind}'.", nameof(kind));
        return Templates.ShippedReads(kind, ResolveCulture(culture));
    }

    /// <summary>The shipped template text, e.g. as the starting point of an admin's edit.</summary>
    /// <exception cref="ArgumentException">Unknown kind.</exception>
    public static string ShippedSource(string kind, string? culture, MailPart part)
    {
        if (!CaseMailKind.IsKnown(kind)) throw new ArgumentException($"Unknown mail kind '{kind}'.", nameof(kind));
        return Templates.ShippedSource(kind, ResolveCulture(culture), part);
    }

    /// <summary><c>en</c> for any English culture (<c>en</c>, <c>en-US</c>, …), otherwise <c>zh-CN</c>.</summary>
    public static string ResolveCulture(string? culture) =>
        culture is not null && (culture.Equals(English, StringComparison.OrdinalIgnoreCase) || culture.StartsWith("en-", StringComparison.OrdinalIgnoreCase))
            ? English
            : Chinese;

    private string RenderPart(string kind, string culture, MailPart part, Func<TemplateContext> newContext, TextEncoder encoder, List<MailTemplateFallback> warnings) =>
        Templates.Render(_overrides, _overrideCache, kind, culture, part, newContext, encoder, warnings);

    // One sample with every value set and one with every optional value empty, so both sides of the usual
    // {% if %} are rendered and a misspelt name in either is found.
    private static readonly CaseMailModel[] ValidationSamples =
    [
        new()
        {
            CaseNumber = "AYKF-2026-000123", Title = "项目用地报批", Description = "企业反映项目用地报批进度缓慢。",
            CategoryNameZh = "项目快速落地", CategoryNameEn = "Fast project landing", Priority = CasePriority.Urgent,
            EnterpriseName = "安岳示例科技有限公司", DepartmentName = "自然资源和规划局", RecipientName = "张三", OfficerName = "李四",
            LinkUrl = "https://liaison.example/l/sample", AcceptBy = DateTimeOffset.UnixEpoch, DueAt = DateTimeOffset.UnixEpoch,
            OriginalDueAt = DateTimeOffset.UnixEpoch, Provisional = true, OverdueWorkingDays = 3, ReasonCode = "not-our-duty",
            ReasonLabel = "不属于本单位职责", Note = "说明", ExtensionDays = 5, ExtensionApproved = true, WithdrawnExtensionDays = 2,
            ExtensionDueIfApproved = DateTimeOffset.UnixEpoch, ExtensionDueIfApprovedProvisional = true,
            ExtensionMostDays = 2, ExtensionLatestDue = DateTimeOffset.UnixEpoch, ExtensionLeadDue = DateTimeOffset.UnixEpoch,
            LateDepartments = [new("自然资源和规划局", true, DateTimeOffset.UnixEpoch, 3), new("供电公司", false, DateTimeOffset.UnixEpoch, 4)],
            CoHandlers = [new("住房和城乡建设局", PartStatus.Submitted, false, Note: "施工许可可并联办理"), new("供电公司", PartStatus.Dispatched, true)],
            ZoneContacts = [new("李四", "lisi@anyue.example", false), new("王五", "wangwu@anyue.example", true)],
            PartDepartmentName = "住房和城乡建设局", PartAttachments = "https://files.example/permit.pdf",
            KeyEvent = CaseMailKind.Overdue, ReturnedByDepartmentName = "发展和改革局", ReturnNote = "应由供电公司办理",
        },
        new() { CaseNumber = "AYKF-2026-000124", Title = "示例", RecipientName = "张三", ExtensionApproved = false },
    ];

    private static bool IsHttpUrl(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    // A subject is a header: a title with line breaks must not break it.
    private static string OneLine(string subject) => Whitespace().Replace(subject, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
