using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Expressions;

/// <summary>
/// Lets the host publish more to scripts and templates per run, e.g. <c>getCase()</c> for JavaScript and
/// <c>Case</c> for Liquid. Called lazily, at most once per run, when the first script or template needs globals.
/// </summary>
public interface IExpressionGlobalsContributor
{
    void Contribute(IExpressionGlobals globals, RunContext? context);
}

public interface IExpressionGlobals
{
    /// <summary>
    /// A JavaScript global function. Arguments arrive as plain values (string, double, bool, null, JsonNode for
    /// objects/arrays); the result is copied into the script as JSON, so no .NET object is ever exposed.
    /// </summary>
    void AddFunction(string name, Func<IReadOnlyList<object?>, object?> function);

    /// <summary>A Liquid model member (e.g. <c>Case</c>), copied as JSON-shaped data, member names case-insensitive.</summary>
    void AddLiquidValue(string name, object? value);
}

/// <summary>Convenience contributor from a delegate.</summary>
public sealed class DelegateExpressionGlobalsContributor(Action<IExpressionGlobals, RunContext?> contribute) : IExpressionGlobalsContributor
{
    public void Contribute(IExpressionGlobals globals, RunContext? context) => contribute(globals, context);
}

internal sealed class ExpressionGlobals : IExpressionGlobals
{
    public Dictionary<string, Func<IReadOnlyList<object?>, object?>> Functions { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, object?> LiquidValues { get; } = new(StringComparer.Ordinal);

    public void AddFunction(string name, Func<IReadOnlyList<object?>, object?> function)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Functions[name] = function;
    }

    public void AddLiquidValue(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        LiquidValues[name] = value;
    }
}

/// <summary>An expression failed (script error, sandbox limit, template error); the message says which.</summary>
public sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner);
