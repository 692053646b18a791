using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Liaison.Workflows.Expressions;

/// <summary>
/// Bounds on the values an admin's Liquid builds, on top of Fluid's step limit. The step limit counts statements, not
/// memory: <c>(1..100000000)</c> is one expression that Fluid fills as an array of every number before the first step,
/// and <c>{% assign s = s | append: s %}</c> doubles a string with each of a few dozen steps. A range, a filter's text
/// or a filter's list larger than these bounds stops the render with <see cref="LiquidValueLimitException"/>.
/// </summary>
public sealed class LiquidBounds : AstRewriter
{
    /// <summary>
    /// The most numbers in a range, and items in a list a filter returns, when the render has no step limit; with one,
    /// its steps. A whole loop over more could not finish anyway; one with a <c>limit:</c> could, and is refused too,
    /// since Fluid builds the whole range before the limit applies.
    /// </summary>
    public const int MaxItems = 100_000;

    /// <summary>The most characters in a text a filter returns.</summary>
    public const int MaxLength = 1_000_000;

    private static readonly LiquidBounds Rewriter = new();

    private LiquidBounds()
    {
    }

    /// <summary>The template with its ranges and filters checked as they run; the parsed template is left as it was.</summary>
    public static IFluidTemplate Apply(IFluidTemplate template) => Rewriter.VisitTemplate(template);

    protected override Expression VisitRangeExpression(RangeExpression rangeExpression) =>
        base.VisitRangeExpression(rangeExpression) is RangeExpression range ? new BoundedRange(range) : rangeExpression;

    protected override Expression VisitFilterExpression(FilterExpression filterExpression) =>
        new BoundedFilter(base.VisitFilterExpression(filterExpression));

    /// <summary>
    /// The options with Fluid's <c>replace</c> and <c>join</c> measured before they build: a text of 10,000 characters
    /// with each of them replaced by itself, or split into its characters joined by itself, is 100 million characters,
    /// allocated in full before the filter's result could be checked. The other filters build at most the sum of texts
    /// already within <see cref="MaxLength"/>.
    /// </summary>
    public static TemplateOptions Guard(TemplateOptions options)
    {
        if (options.Filters.TryGetValue("join", out var join))
        {
            options.Filters.AddFilter("join", (input, arguments, context) =>
            {
                if (input is ArrayValue array)
                {
                    var separator = arguments.At(0).ToStringValue().Length;
                    var length = Math.Max(0, array.Values.Count - 1) * (double)separator + array.Values.Sum(v => (double)v.ToStringValue().Length);
                    if (length > MaxLength)
                    {
                        throw new LiquidValueLimitException(LiquidValueLimitException.What.Text, length, MaxLength);
                    }
                }

                return join(input, arguments, context);
            });
        }

        if (options.Filters.TryGetValue("replace", out var replace))
        {
            options.Filters.AddFilter("replace", (input, arguments, context) =>
            {
                var text = input.ToStringValue();
                var pattern = arguments.At(0).ToStringValue();
                var replacement = arguments.At(1).ToStringValue();
                var length = text.Length + Occurrences(text, pattern) * ((double)replacement.Length - pattern.Length);
                if (length > MaxLength)
                {
                    throw new LiquidValueLimitException(LiquidValueLimitException.What.Text, length, MaxLength);
                }

                return replace(input, arguments, context);
            });
        }

        return options;
    }

    /// <summary>How often <paramref name="pattern"/> occurs, without overlaps; an empty one at every position.</summary>
    private static double Occurrences(string text, string pattern)
    {
        if (pattern.Length == 0)
        {
            return text.Length + 1.0;
        }

        var count = 0;
        for (var at = text.IndexOf(pattern, StringComparison.Ordinal); at >= 0; at = text.IndexOf(pattern, at + pattern.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static int ItemsAllowed(TemplateContext context) => context.MaxSteps > 0 ? context.MaxSteps : MaxItems;

    /// <summary>Counts a range's numbers before Fluid builds them.</summary>
    private sealed class BoundedRange(RangeExpression range) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            var from = (await range.From.EvaluateAsync(context)).ToNumberValue();
            var to = (await range.To.EvaluateAsync(context)).ToNumberValue();
            var count = Math.Abs((double)to - (double)from) + 1;
            if (count > ItemsAllowed(context))
            {
                throw new LiquidValueLimitException(LiquidValueLimitException.What.Range, count, ItemsAllowed(context));
            }

            return await range.EvaluateAsync(context);
        }
    }

    /// <summary>Measures what a filter returns.</summary>
    private sealed class BoundedFilter(Expression filter) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            var value = await filter.EvaluateAsync(context);
            switch (value)
            {
                case StringValue when value.ToStringValue().Length > MaxLength:
                    throw new LiquidValueLimitException(LiquidValueLimitException.What.Text, value.ToStringValue().Length, MaxLength);
                case ArrayValue array when array.Values.Count > ItemsAllowed(context):
                    throw new LiquidValueLimitException(LiquidValueLimitException.What.List, array.Values.Count, ItemsAllowed(context));
                default:
                    return value;
            }
        }
    }
}

/// <summary>A Liquid value over <see cref="LiquidBounds"/>: how large it was, and the bound.</summary>
public sealed class LiquidValueLimitException(LiquidValueLimitException.What kind, double size, int limit)
    : Exception(kind switch
    {
        What.Range => $"a range of {size:0} numbers is over the limit of {limit}",
        What.Text => $"a filter's text of {size:0} characters is over the limit of {limit}",
        _ => $"a filter's list of {size:0} items is over the limit of {limit}",
    })
{
    public enum What
    {
        Range,
        Text,
        List,
    }

    public What Kind { get; } = kind;

    public double Size { get; } = size;

    public int Limit { get; } = limit;
}
