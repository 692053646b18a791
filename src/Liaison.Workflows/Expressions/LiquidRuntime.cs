using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.Encodings.Web;
using Fluid;

namespace Liaison.Workflows.Expressions;

/// <summary>
/// Renders Liquid (Fluid) templates that see <c>Variables</c>, <c>Input</c> and host additions (e.g. <c>Case</c>).
/// Parsed templates are cached process-wide per source text.
/// </summary>
internal sealed class LiquidRuntime
{
    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, (IFluidTemplate? Template, string? Error)> Cache = new(StringComparer.Ordinal);

    private readonly IExpressionScope _scope;
    private readonly TemplateOptions _options;
    private readonly List<(string Name, object? Value)> _values = [];

    public LiquidRuntime(IExpressionScope scope)
    {
        _scope = scope;
        // Fluid counts steps per context and never resets them: each render gets a new context, so the limit is per render.
        // "now" is the run's clock, told in the host's zone (Fluid's date filter prints the offset it is given).
        _options = LiquidBounds.Guard(new TemplateOptions
        {
            MaxSteps = scope.Limits.LiquidMaxSteps,
            Now = () => TimeZoneInfo.ConvertTime(scope.Clock.GetUtcNow(), scope.TimeZone),
            TimeZone = scope.TimeZone,
        });
        foreach (var (name, value) in scope.Globals.LiquidValues)
            _values.Add((name, Plain(value)));
        _values.Add(("Input", Snapshot(scope.AllInputs())));
    }

    public static IFluidTemplate Prepare(string source)
    {
        var entry = Cache.GetOrAdd(source, static s =>
            Parser.TryParse(s, out var template, out var error) ? (LiquidBounds.Apply(template), null) : (null, LiquidSyntaxError.Parse(error).English));
        return entry.Template ?? throw new ExpressionException(entry.Error!);
    }

    /// <summary>Inserted values are HTML-encoded for an HTML input; characters outside markup (Chinese) stay as they are.</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public string Render(string source, bool html = false)
    {
        var template = Prepare(source);
        var limits = _scope.Limits;
        var context = new TemplateContext(_options);
        foreach (var (name, value) in _values) context.SetValue(name, value);
        // Variables change between renders within a run, so take a fresh snapshot each time.
        context.SetValue("Variables", Snapshot(_scope.AllVariables()));
        using var output = new BoundedTextWriter(limits.LiquidMaxOutputLength, "LiquidMaxOutputLength");
        try
        {
            return output.Render(template, context, html ? Html : NullEncoder.Default);
        }
        catch (ScriptLimitException ex)
        {
            throw new ExpressionException(ex.Message, ex);
        }
        catch (InvalidOperationException ex) when (IsStepLimit(ex))
        {
            throw new ExpressionException($"Liquid template exceeded the limit of {limits.LiquidMaxSteps} steps (LiquidMaxSteps).", ex);
        }
        catch (Exception ex)
        {
            throw new ExpressionException($"Liquid error: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Fluid's step check throws the "maximum level of recursion" message (not its statements one); workflow templates
    /// have no file provider, so include/render cannot recurse and that message can only mean the step limit here.
    /// </summary>
    internal static bool IsStepLimit(InvalidOperationException ex) =>
        ex.Message.Contains("maximum number of statements", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("maximum level of recursion", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<string, object?> Snapshot(IEnumerable<KeyValuePair<string, object?>> values)
    {
        var d = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in values) d[k] = Plain(v);
        return d;
    }

    private static object? Plain(object? value) => value switch
    {
        null or string or bool or int or long or double or decimal => value,
        JsonNode n => ValueConverter.ToPlain(n),
        _ => ValueConverter.ToPlain(ValueConverter.ToJsonNode(value)),
    };
}
