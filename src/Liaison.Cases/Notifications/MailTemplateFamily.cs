using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.RegularExpressions;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;
using Fluid.Values;
using Liaison.Cases.Common;
using Liaison.Workflows.Expressions;

namespace Liaison.Cases.Notifications;

/// <summary>
/// One family of mail templates (the case mails, the digests): the shipped Liquid sources embedded under one resource
/// prefix as <c>{kind}.{culture}.{part}.liquid</c>, parsed once; an admin's edit looked up before them, rendered within
/// the family's step and output limits and replaced by the shipped template (with a warning) when it cannot be used;
/// and the checks an edit must pass before it is stored. Thread-safe.
/// </summary>
internal sealed partial class MailTemplateFamily
{
    public static readonly FluidParser Parser = new();

    // Escapes what HTML needs (< > & " ' …) but leaves Chinese readable in the source of the mail.
    public static readonly TextEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly string _prefix;
    private readonly IReadOnlyList<string> _kinds;
    private readonly Lazy<FrozenDictionary<string, IFluidTemplate>> _shipped;

    /// <param name="resourcePrefix">The embedded resources' prefix in this assembly, ending with a dot.</param>
    /// <param name="kinds">The kinds the family has; each has every culture and part.</param>
    /// <param name="maxSteps">Liquid statements one render may run (an admin's loop must not stall the mail jobs).</param>
    /// <param name="maxOutputLength">Characters one part may produce (nor fill the heap, or a preview, from a few steps).</param>
    public MailTemplateFamily(string resourcePrefix, IReadOnlyList<string> kinds, int maxSteps, int maxOutputLength)
    {
        _prefix = resourcePrefix;
        _kinds = kinds;
        MaxSteps = maxSteps;
        MaxOutputLength = maxOutputLength;
        RenderOptions = LiquidBounds.Guard(new TemplateOptions { MaxSteps = maxSteps });
        _shipped = new(LoadShipped);
    }

    public int MaxSteps { get; }

    public int MaxOutputLength { get; }

    /// <summary>The options a mail is rendered with (the step limit).</summary>
    public TemplateOptions RenderOptions { get; }

    public bool IsKnown(string? kind) => kind is not null && _kinds.Contains(kind, StringComparer.Ordinal);

    /// <summary>The shipped template text of a known kind.</summary>
    public string ShippedSource(string kind, string culture, MailPart part) => ReadResource(ResourceName(kind, culture, part));

    /// <summary>The variables the shipped template of a known kind reads over its parts, first read first.</summary>
    public IReadOnlyList<string> ShippedReads(string kind, string culture) =>
        Enum.GetValues<MailPart>().SelectMany(part => MailTemplateVariables.ReadBy(ShippedSource(kind, culture, part)))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>
    /// Renders one part: the admin's edit from <paramref name="overrides"/> when there is one and it works, otherwise the
    /// shipped template. An edit that does not parse or fails to render adds a <see cref="MailTemplateFallback"/> to <paramref name="warnings"/>.
    /// </summary>
    /// <param name="parsed">The caller's cache of parsed edits by source text, so an edit is parsed once.</param>
    /// <param name="newContext">
    /// A fresh context with the mail's values. Each render gets its own, because Fluid counts the steps of every render
    /// on one context: an edit stopped at the step limit would otherwise leave none for the shipped template after it.
    /// </param>
    public string Render(
        ITemplateOverrides? overrides, ConcurrentDictionary<string, (IFluidTemplate? Template, (string Zh, string En)? Error)> parsed,
        string kind, string culture, MailPart part, Func<TemplateContext> newContext, TextEncoder encoder, List<MailTemplateFallback> warnings)
    {
        if (overrides?.Find(kind, culture, part) is { } source)
        {
            var (template, error) = parsed.GetOrAdd(source, static s =>
                Parser.TryParse(s, out var t, out var e) ? (LiquidBounds.Apply(t), null) : (null, SyntaxError(e)));
            if (template is not null)
            {
                try
                {
                    return RenderBounded(template, newContext(), encoder);
                }
                catch (Exception ex)
                {
                    error = Describe(ex);
                }
            }

            warnings.Add(new MailTemplateFallback(kind, culture, part, new Text(error!.Value.Zh, error.Value.En)));
        }

        return _shipped.Value[ResourceName(kind, culture, part)].Render(newContext(), encoder);
    }

    /// <summary>
    /// Every problem with an admin's edited template as "中文 / English", ready to show; empty when it is fine. Checks
    /// that it parses (with line and column), and renders it against each sample to catch unknown variables (e.g.
    /// <c>Case.Titel</c>), unknown filters and runaway loops.
    /// </summary>
    /// <param name="samples">Each fills a context with one sample's values, reporting unknown members to the action given.</param>
    /// <param name="knownNames">Every variable name, to suggest the nearest one for a misspelt name.</param>
    public IReadOnlyList<string> Validate(string source, IEnumerable<Action<TemplateContext, Action<string>>> samples, IReadOnlyList<string> knownNames)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return ["模板为空 / The template is empty"];
        }

        if (!Parser.TryParse(source, out var template, out var error))
        {
            var (zh, en) = SyntaxError(error);
            return [$"{zh} / {en}"];
        }

        template = LiquidBounds.Apply(template);

        var problems = new List<string>();
        foreach (var fill in samples)
        {
            var unknown = new List<string>();
            var options = LiquidBounds.Guard(new TemplateOptions
            {
                MaxSteps = MaxSteps,
                StrictFilters = true,
                Undefined = name =>
                {
                    unknown.Add(name);
                    return ValueTask.FromResult<FluidValue>(NilValue.Instance);
                },
            });
            var context = new TemplateContext(options);
            fill(context, unknown.Add);
            try
            {
                RenderBounded(template, context, Html);
            }
            catch (Exception ex)
            {
                var (zh, en) = Describe(ex);
                problems.Add($"模板渲染出错：{zh} / The template failed to render: {en}");
            }

            problems.AddRange(unknown.Select(name => UnknownVariable(name, knownNames)));
        }

        return problems.Distinct().ToList();
    }

    /// <summary>
    /// Fluid's parse error as one message per language, with its line and column. Fluid's own is English, followed by
    /// "Source:" and the source line, which can hold " / " and so split a bilingual message in the wrong place.
    /// </summary>
    internal static (string Zh, string En) SyntaxError(string error)
    {
        var parsed = LiquidSyntaxError.Parse(error);
        var zh = InChinese(parsed.What).Replace(" / ", "/", StringComparison.Ordinal);
        return (parsed.Line is { } line ? $"模板语法错误（第 {line} 行第 {parsed.Column} 列）：{zh}" : $"模板语法错误：{zh}", parsed.English);
    }

    /// <summary>Fluid's usual parse errors in Chinese; another is named as Fluid says it.</summary>
    private static string InChinese(string what)
    {
        if (FluidExpected().Match(what) is { Success: true } expected)
        {
            return expected.Groups["end"].Success ? $"标签缺少结尾 {expected.Groups["token"].Value}" : $"缺少 {expected.Groups["token"].Value}";
        }

        if (FluidUnknownTag().Match(what) is { Success: true } unknown)
        {
            return $"未知的标签 {unknown.Groups["tag"].Value}";
        }

        if (FluidInvalidTag().Match(what) is { Success: true } invalid)
        {
            return $"{invalid.Groups["tag"].Value} 标签的写法有误";
        }

        return what switch
        {
            "A value was expected" => "此处缺少一个值",
            "An identifier was expected after the '|' sign" => "“|”之后缺少过滤器名",
            _ when what.StartsWith("An identifier was expected", StringComparison.Ordinal) => "此处缺少一个名称",
            _ => $"无法解析（{what}）",
        };
    }

    [GeneratedRegex(@"^(?<end>End of tag )?'(?<token>[^']+)' was expected")]
    private static partial Regex FluidExpected();

    [GeneratedRegex(@"^Unknown tag '(?<tag>.+)'$")]
    private static partial Regex FluidUnknownTag();

    [GeneratedRegex(@"^Invalid '(?<tag>.+)' tag$")]
    private static partial Regex FluidInvalidTag();

    /// <summary>Renders an admin's template within <see cref="MaxSteps"/> and <see cref="MaxOutputLength"/>.</summary>
    private string RenderBounded(IFluidTemplate template, TemplateContext context, TextEncoder encoder)
    {
        using var output = new BoundedTextWriter(MaxOutputLength, "MaxOutputLength");
        return output.Render(template, context, encoder);
    }

    /// <summary>
    /// A render failure in Chinese and English; the limits are named. Fluid reports its step limit with the message of
    /// its recursion limit ("cyclic include"), and mail templates have no includes, so that message means the step limit.
    /// </summary>
    private (string Zh, string En) Describe(Exception ex) => ex switch
    {
        ScriptLimitException => ($"输出超过 {MaxOutputLength} 个字符的上限（MaxOutputLength）",
            $"the output exceeded the limit of {MaxOutputLength} characters (MaxOutputLength)"),
        InvalidOperationException when ex.Message.Contains("maximum level of recursion", StringComparison.OrdinalIgnoreCase)
            || ex.Message.Contains("maximum number of statements", StringComparison.OrdinalIgnoreCase) =>
            ($"超过 {MaxSteps} 步的执行上限（MaxSteps），可能是循环过大", $"the template exceeded the limit of {MaxSteps} steps (MaxSteps), a loop too large"),
        LiquidValueLimitException { Kind: LiquidValueLimitException.What.Range } v =>
            ($"范围（{v.Size:0} 个数）超过 {v.Limit} 个的上限", v.Message),
        LiquidValueLimitException { Kind: LiquidValueLimitException.What.Text } v =>
            ($"过滤器得到的文本（{v.Size:0} 个字符）超过 {v.Limit} 个字符的上限", v.Message),
        LiquidValueLimitException v => ($"过滤器得到的列表（{v.Size:0} 项）超过 {v.Limit} 项的上限", v.Message),
        _ => (ex.Message, ex.Message),
    };

    private static string UnknownVariable(string name, IReadOnlyList<string> knownNames)
    {
        var closest = knownNames
            .Select(k => (Name: k, Distance: EditDistance(k.ToLowerInvariant(), name.ToLowerInvariant())))
            .DefaultIfEmpty((Name: "", Distance: int.MaxValue))
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

    private FrozenDictionary<string, IFluidTemplate> LoadShipped()
    {
        var templates = new Dictionary<string, IFluidTemplate>(StringComparer.Ordinal);
        foreach (var kind in _kinds)
        foreach (var culture in CaseMailRenderer.Cultures)
        foreach (var part in Enum.GetValues<MailPart>())
        {
            var name = ResourceName(kind, culture, part);
            templates[name] = Parser.TryParse(ReadResource(name), out var template, out var error)
                ? template
                : throw new InvalidOperationException($"Shipped mail template {name} does not parse: {error}");
        }

        return templates.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private string ResourceName(string kind, string culture, MailPart part) =>
        $"{_prefix}{kind}.{culture}.{part.ToString().ToLowerInvariant()}.liquid";

    private static string ReadResource(string name)
    {
        using var stream = typeof(MailTemplateFamily).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Mail template resource {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>
/// A Liquid object with a fixed set of members; asking for any other is reported as <c>{name}.{member}</c>, so
/// validation can name a misspelt variable.
/// </summary>
internal sealed class ReportingMembers(string name, Dictionary<string, FluidValue> values, Action<string>? onUnknown) : IFluidIndexable
{
    public int Count => values.Count;

    public IEnumerable<string> Keys => values.Keys;

    public bool TryGetValue(string member, out FluidValue value)
    {
        if (values.TryGetValue(member, out value!)) return true;
        onUnknown?.Invoke($"{name}.{member}");
        value = NilValue.Instance;
        return false;
    }
}
