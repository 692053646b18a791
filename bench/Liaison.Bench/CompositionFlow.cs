using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Bench;

/// <summary>
/// The composition benchmark: a parent whose FlowFork starts N children at once (Elsa.ExecuteWorkflow each), joins
/// them (WaitAll) and writes one line. The child is the 10-activity benchmark flow made usable as an activity, with
/// an Elsa.SetOutput after its End's predecessor, so each child does the same work as the flat benchmark.
/// </summary>
public static class CompositionFlow
{
    public const string ChildId = "bench-child";

    public static string ParentId(int children) => $"bench-parent-{children}";

    /// <summary>The 10-activity flow, usable as an activity, outputting "Result".</summary>
    public static JsonObject ChildJson()
    {
        var child = JsonNode.Parse(BenchFlow.Json())!.AsObject();
        child["id"] = ChildId + "-v1";
        child["definitionId"] = ChildId;
        child["name"] = ChildId;
        child["options"] = new JsonObject { ["usableAsActivity"] = true };
        return child;
    }

    public static JsonObject ParentJson(int children)
    {
        var branches = new JsonArray();
        var activities = new JsonArray
        {
            new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start" },
        };
        var connections = new JsonArray { Connect("start", "Done", "fork") };
        for (var i = 0; i < children; i++)
        {
            branches.Add($"B{i}");
            activities.Add(new JsonObject
            {
                ["id"] = $"run{i}", ["type"] = "Elsa.ExecuteWorkflow",
                ["workflowDefinitionId"] = Literal(ChildId, "String"),
            });
            connections.Add(Connect("fork", $"B{i}", $"run{i}"));
            connections.Add(Connect($"run{i}", "Done", "join"));
        }

        activities.Add(new JsonObject { ["id"] = "fork", ["type"] = "Elsa.FlowFork", ["branches"] = Literal(branches.ToJsonString(), "String[]", "Object") });
        activities.Add(new JsonObject { ["id"] = "join", ["type"] = "Elsa.FlowJoin", ["mode"] = Literal("WaitAll", "String") });
        activities.Add(new JsonObject { ["id"] = "done", ["type"] = "Elsa.WriteLine", ["text"] = Literal("all children done", "String") });
        connections.Add(Connect("join", "Done", "done"));
        return new JsonObject
        {
            ["id"] = ParentId(children) + "-v1", ["definitionId"] = ParentId(children), ["name"] = ParentId(children), ["version"] = 1,
            ["root"] = new JsonObject { ["type"] = "Elsa.Flowchart", ["id"] = "root", ["activities"] = activities, ["connections"] = connections },
        };
    }

    public static WorkflowDefinition Child() => WorkflowDefinitionJson.Parse(ChildJson());

    public static WorkflowDefinition Parent(int children) => WorkflowDefinitionJson.Parse(ParentJson(children));

    /// <summary>Runs the parent and its children in memory (as test-run does) and checks the outcome.</summary>
    public static WorkflowTree RunInMemory(WorkflowRunner runner, WorkflowDefinition parent, WorkflowDefinition child, int children)
    {
        var tree = new WorkflowTree(runner, _ => child);
        var root = tree.Start(parent);
        if (root.State.Status != WorkflowStatus.Finished || tree.WriteLines.Count != children * 3 + 1)
            throw new InvalidOperationException($"Parent ended {root.State.Status} with {tree.WriteLines.Count} lines; {string.Join("; ", tree.Incidents.Select(i => i.Message))}");
        return tree;
    }

    private static JsonObject Literal(string value, string typeName, string expressionType = "Literal") =>
        new() { ["typeName"] = typeName, ["expression"] = new JsonObject { ["type"] = expressionType, ["value"] = value } };

    private static JsonObject Connect(string from, string port, string to) => new()
    {
        ["source"] = new JsonObject { ["activity"] = from, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
    };
}
