using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Fluid;

namespace Liaison.Workflows.Expressions;

/// <summary>
/// Renders Liquid (Fluid) templates that see <c>Variables</c>, <c>Input</c> and host additions (e.g. <c>Case</c>).
/// Parsed templates are cached process-wide per source text.
/// </summary>
internal sealed class LiquidRuntime
{
    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new();
    private static readonly ConcurrentDictionary<string, (IFluidTemplate? Template, string? Error)> Cache = new(StringComparer.Ordinal);

    private readonly IExpressionScope _scope;
    private readonly TemplateContext _context;

    public LiquidRuntime(IExpressionScope scope)
    {
        _scope = scope;
        _context = new TemplateContext(Options);
        foreach (var (name, value) in scope.Globals.LiquidValues)
            _context.SetValue(name, Plain(value));
        _context.SetValue("Input", Snapshot(scope.AllInputs()));
    }

    public static IFluidTemplate Prepare(string source)
    {
        var entry = Cache.GetOrAdd(source, static s =>
            Parser.TryParse(s, out var template, out var error) ? (template, null) : (null, $"Liquid syntax error: {error}"));
        return entry.Template ?? throw new ExpressionException(entry.Error!);
    }

    public string Render(string source)
    {
        var template = Prepare(source);
        // Variables change between renders within a run, so take a fresh snapshot each time.
        _context.SetValue("Variables", Snapshot(_scope.AllVariables()));
        try
        {
            return template.Render(_context);
        }
        catch (Exception ex)
        {
            throw new ExpressionException($"Liquid error: {ex.Message}", ex);
        }
    }

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
