using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Expressions;

/// <summary>What expressions can see of the running instance.</summary>
internal interface IExpressionScope
{
    object? GetVariable(string nameOrId);
    void SetVariable(string nameOrId, object? value);
    object? GetInput(string name);
    IEnumerable<KeyValuePair<string, object?>> AllVariables();
    IEnumerable<KeyValuePair<string, object?>> AllInputs();
    ExpressionGlobals Globals { get; }

    /// <summary>A script's <c>setOutcome</c>/<c>setOutcomes</c> (RunJavaScript).</summary>
    void SetOutcomes(IReadOnlyList<string> outcomes);

    /// <summary><c>getOutputFrom(activityIdOrName, outputName = "Result")</c>.</summary>
    object? GetOutputFrom(string activity, string? output);

    /// <summary><c>getLastResult()</c>: the most recent activity output named Result.</summary>
    object? GetLastResult();
    ScriptLimits Limits { get; }

    /// <summary>The run's clock: a script's <c>new Date()</c> and Liquid's <c>"now"</c>.</summary>
    TimeProvider Clock { get; }

    /// <summary>The zone local dates and times are shown in.</summary>
    TimeZoneInfo TimeZone { get; }

    /// <summary>The run's JavaScript engine, created on first use.</summary>
    JavaScriptRuntime GetJavaScript();

    /// <summary>The run's Liquid context, created on first use.</summary>
    LiquidRuntime GetLiquid();
}
