using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Bench;

/// <summary>
/// The benchmark flow: 10 activities — Start → SetVariable(amount = 150) → FlowDecision(amount &gt; 100)
/// True → SetVariable(approved) → fan-out (two connections from Done) → WriteLine A / WriteLine B → FlowJoin WaitAll
/// → WriteLine → End; False → WriteLine "rejected" → End (skipped on this input).
/// </summary>
public static class BenchFlow
{
    public const string JavaScriptCondition = "getAmount() > 100";

    public static string Json()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Flows", "decision-fanout-join.json");
        return File.ReadAllText(path);
    }

    /// <summary>The flow with the decision as a JavaScript expression (Jint).</summary>
    public static WorkflowDefinition WithJavaScriptCondition() => WorkflowDefinitionJson.Parse(Json());

    /// <summary>The same flow with the decision as a Literal <c>true</c> (no script engine at all).</summary>
    public static WorkflowDefinition WithLiteralCondition()
    {
        var json = Json().Replace(
            "\"expression\": { \"type\": \"JavaScript\", \"value\": \"" + JavaScriptCondition + "\" }",
            "\"expression\": { \"type\": \"Literal\", \"value\": true }");
        if (json.Contains("JavaScript")) throw new InvalidOperationException("The Literal variant still holds a script.");
        return WorkflowDefinitionJson.Parse(json);
    }

    /// <summary>Throws unless the run went start → finish along the True branch.</summary>
    public static void Verify(RunResult r)
    {
        if (r.Status != WorkflowStatus.Finished)
            throw new InvalidOperationException($"Expected Finished, got {r.Status}: {string.Join("; ", r.Incidents.Select(i => i.Message))}");
        var lines = string.Join("; ", r.WriteLines);
        if (lines != "notify A; notify B; approved")
            throw new InvalidOperationException($"Unexpected output: {lines}");
        if (r.Journal.Count != 9)
            throw new InvalidOperationException($"Expected 9 activity executions (reject skipped), got {r.Journal.Count}.");
    }

    public static WorkflowRunner CreateRunner() => new(ActivityRegistry.CreateDefault());
}
