using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Fluid;
using Fluid.Values;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Workflows.Expressions;

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
    public IReadOnlyList<string> Warnings { get; init; } = [];
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

    private const string ResourcePrefix = "Liaison.Cases.Notifications.Templates.";

    // An admin's loop must not be able to stall the mail jobs.
    private const int MaxSteps = 100_000;

    // Nor fill the heap (or a preview response) with output that a few steps can produce (doubling a string).
    private const int MaxOutputLength = 1_000_000;

    private static readonly FluidParser Parser = new();

    // Escapes what HTML needs (< > & " ' …) but leaves Chinese readable in the source of the mail.
    private static readonly TextEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly Lazy<FrozenDictionary<string, IFluidTemplate>> Shipped = new(LoadShipped);

    private static readonly TemplateOptions RenderOptions = new() { MaxSteps = MaxSteps };

    private readonly ITemplateOverrides? _overrides;
    private readonly TimeZoneInfo _timeZone;

    // Override sources by text, so an edited template is parsed once and a changed one is picked up at once.
    private readonly ConcurrentDictionary<string, (IFluidTemplate? Template, string? Error)> _overrideCache = new(StringComparer.Ordinal);

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
        var context = new TemplateContext(RenderOptions);
        CaseMailValues.Fill(context, model, lang, _timeZone);
        var warnings = new List<string>();

        var subject = RenderPart(kind, lang, MailPart.Subject, context, NullEncoder.Default, warnings);
        var text = RenderPart(kind, lang, MailPart.Text, context, NullEncoder.Default, warnings);
        var html = RenderPart(kind, lang, MailPart.Html, context, Html, warnings);
        return new RenderedMail(OneLine(subject), text, html) { Warnings = warnings };
    }

    /// <summary>
    /// Every problem with an admin's edited template as "中文 / English", ready to show; empty when it is fine.
    /// Checks that it parses (with line and column), and renders it against sample cases to catch unknown
    /// variables (e.g. <c>Case.Titel</c>), unknown filters and runaway loops.
    /// </summary>
    public IReadOnlyList<string> Validate(string source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return ["模板为空 / The template is empty"];
        }

        if (!Parser.TryParse(source, out var template, out var error))
        {
            return [$"模板语法错误：{error.Trim()} / Liquid syntax error: {error.Trim()}"];
        }

        var problems = new List<string>();
        foreach (var sample in ValidationSamples)
        {
            var unknown = new List<string>();
            var options = new TemplateOptions
            {
                MaxSteps = MaxSteps,
                StrictFilters = true,
                Undefined = name =>
                {
                    unknown.Add(name);
                    return ValueTask.FromResult<FluidValue>(NilValue.Instance);
                },
            };
            var context = new TemplateContext(options);
            CaseMailValues.Fill(context, sample, Chinese, _timeZone, unknown.Add);
            try
            {
                RenderBounded(template, context, Html);
            }
            catch (Exception ex)
            {
                var (zh, en) = Describe(ex);
                problems.Add($"模板渲染出错：{zh} / The template failed to render: {en}");
            }

            problems.AddRange(unknown.Select(UnknownVariable));
        }

        return problems.Distinct().ToList();
    }

    /// <summary>The shipped template text, e.g. as the starting point of an admin's edit.</summary>
    /// <exception cref="ArgumentException">Unknown kind.</exception>
    public static string ShippedSource(string kind, string? culture, MailPart part)
    {
        if (!CaseMailKind.IsKnown(kind)) throw new ArgumentException($"Unknown mail kind '{kind}'.", nameof(kind));
        return ReadResource(ResourceName(kind, ResolveCulture(culture), part));
    }

    /// <summary><c>en</c> for any English culture (<c>en</c>, <c>en-US</c>, …), otherwise <c>zh-CN</c>.</summary>
    public static string ResolveCulture(string? culture) =>
        culture is not null && (culture.Equals(English, StringComparison.OrdinalIgnoreCase) || culture.StartsWith("en-", StringComparison.OrdinalIgnoreCase))
            ? English
            : Chinese;

    private string RenderPart(string kind, string culture, MailPart part, TemplateContext context, TextEncoder encoder, List<string> warnings)
    {
        if (_overrides?.Find(kind, culture, part) is { } source)
        {
            var (template, error) = _overrideCache.GetOrAdd(source, static s =>
                Parser.TryParse(s, out var t, out var e) ? (t, null) : (null, e.Trim()));
            if (template is not null)
            {
                try
                {
                    return RenderBounded(template, context, encoder);
                }
                catch (Exception ex)
                {
                    error = Describe(ex).En;
                }
            }

            warnings.Add($"{kind}/{culture}/{part}: 管理员修改的模板无法使用，已改用默认模板 / the edited template could not be used, the shipped one was sent instead: {error}");
        }

        return Shipped.Value[ResourceName(kind, culture, part)].Render(context, encoder);
    }

    /// <summary>Renders an admin's template within <see cref="MaxSteps"/> and <see cref="MaxOutputLength"/>.</summary>
    private static string RenderBounded(IFluidTemplate template, TemplateContext context, TextEncoder encoder)
    {
        using var output = new BoundedTextWriter(MaxOutputLength, "MaxOutputLength");
        return output.Render(template, context, encoder);
    }

    /// <summary>
    /// A render failure in Chinese and English; the limits are named. Fluid reports its step limit with the message of
    /// its recursion limit ("cyclic include"), and mail templates have no includes, so that message means the step limit.
    /// </summary>
    private static (string Zh, string En) Describe(Exception ex) => ex switch
    {
        ScriptLimitException => ($"输出超过 {MaxOutputLength} 个字符的上限（MaxOutputLength）",
            $"the output exceeded the limit of {MaxOutputLength} characters (MaxOutputLength)"),
        InvalidOperationException when ex.Message.Contains("maximum level of recursion", StringComparison.OrdinalIgnoreCase)
            || ex.Message.Contains("maximum number of statements", StringComparison.OrdinalIgnoreCase) =>
            ($"超过 {MaxSteps} 步的执行上限（MaxSteps），可能是循环过大", $"the template exceeded the limit of {MaxSteps} steps (MaxSteps), a loop too large"),
        _ => (ex.Message, ex.Message),
    };

    private static string UnknownVariable(string name)
    {
        var closest = CaseMailValues.KnownNames
            .Select(k => (Name: k, Distance: EditDistance(k.ToLowerInvariant(), name.ToLowerInvariant())))
            .MinBy(k => k.Distance);
        return closest.Distance <= 2
            ? $"未知变量：{name}（是否应为 {closest.Name}） / Unknown variable: {name} (did you mean {closest.Name}?)"
            : $"未知变量：{name} / Unknown variable: {name}";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

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
            ReasonLabel = "不属于本单位职责", Note = "说明", ExtensionDays = 5, ExtensionApproved = true,
            LateDepartments = [new("自然资源和规划局", true, DateTimeOffset.UnixEpoch, 3), new("供电公司", false, DateTimeOffset.UnixEpoch, 4)],
            CoHandlers = [new("住房和城乡建设局", PartStatus.Submitted, false), new("供电公司", PartStatus.Dispatched, true)],
            PartDepartmentName = "住房和城乡建设局", PartAttachments = "https://files.example/permit.pdf",
            KeyEvent = CaseMailKind.Overdue,
        },
        new() { CaseNumber = "AYKF-2026-000124", Title = "示例", RecipientName = "张三", ExtensionApproved = false },
    ];

    private static FrozenDictionary<string, IFluidTemplate> LoadShipped()
    {
        var templates = new Dictionary<string, IFluidTemplate>(StringComparer.Ordinal);
        foreach (var kind in CaseMailKind.All)
        foreach (var culture in Cultures)
        foreach (var part in Enum.GetValues<MailPart>())
        {
            var name = ResourceName(kind, culture, part);
            var source = ReadResource(name);
            if (!Parser.TryParse(source, out var template, out var error))
            {
                throw new InvalidOperationException($"Shipped mail template {name} does not parse: {error}");
            }

            templates[name] = template;
        }

        return templates.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ResourceName(string kind, string culture, MailPart part) =>
        $"{ResourcePrefix}{kind}.{culture}.{part.ToString().ToLowerInvariant()}.liquid";

    private static string ReadResource(string name)
    {
        using var stream = typeof(CaseMailRenderer).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Mail template resource {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static bool IsHttpUrl(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    // A subject is a header: a title with line breaks must not break it.
    private static string OneLine(string subject) => Whitespace().Replace(subject, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
