using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;

namespace Liaison.Workflows.Expressions;

/// <summary>An input expression bound once at plan compile time.</summary>
internal abstract class CompiledExpression
{
    public virtual bool IsLiteral => false;
    public abstract object? Evaluate(IExpressionScope scope);

    /// <summary>Compiles an expression; literals are converted to <paramref name="targetType"/> here, once.</summary>
    public static CompiledExpression Compile(InputExpression expression, Type targetType, IReadOnlyCollection<string> variableNames)
    {
        var value = expression.Value;
        switch (expression.Type)
        {
            case ExpressionTypes.Literal:
            case "Object":
                return new LiteralExpression(ValueConverter.ConvertTo(value is JsonValue jv ? ValueConverter.Unwrap(jv) : value, targetType));
            case ExpressionTypes.Variable:
                var name = value switch
                {
                    JsonValue v => ValueConverter.ToText(v),
                    JsonObject o => ValueConverter.ToText(o["id"] ?? o["name"]),
                    _ => null,
                };
                if (string.IsNullOrWhiteSpace(name)) throw new FormatException("a Variable expression needs a variable name or id.");
                return new VariableExpression(name);
            case ExpressionTypes.JavaScript:
                return new JavaScriptExpression(TextOf(value));
            case ExpressionTypes.Liquid:
                return new LiquidExpression(TextOf(value));
            default:
                throw new FormatException($"expression type '{expression.Type}' is not supported (use Literal, Variable, JavaScript or Liquid).");
        }
    }

    private static string TextOf(JsonNode? value) => value is JsonValue v ? ValueConverter.ToText(v) ?? "" : value?.ToJsonString() ?? "";
}

internal sealed class LiteralExpression(object? value) : CompiledExpression
{
    public object? Value { get; } = value;
    public override bool IsLiteral => true;
    public override object? Evaluate(IExpressionScope scope) => Value;
}

internal sealed class VariableExpression(string name) : CompiledExpression
{
    public override object? Evaluate(IExpressionScope scope) => scope.GetVariable(name);
}

internal sealed class JavaScriptExpression(string source) : CompiledExpression
{
    public string Source { get; } = source;

    public override object? Evaluate(IExpressionScope scope)
    {
        return scope.GetJavaScript().Evaluate(Source);
    }
}

internal sealed class LiquidExpression(string source) : CompiledExpression
{
    public string Source { get; } = source;

    public override object? Evaluate(IExpressionScope scope)
    {
        return scope.GetLiquid().Render(Source);
    }
}
