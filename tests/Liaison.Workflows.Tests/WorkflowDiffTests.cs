using Liaison.Workflows.Definitions;

namespace Liaison.Workflows.Tests;

public class WorkflowDiffTests
{
    private const string Before = """
        { "id": "w-v1", "definitionId": "w", "name": "Routing", "version": 1,
          "variables": [ { "id": "v1", "name": "Count", "typeName": "Int32", "value": "0" } ],
          "root": { "id": "fc", "type": "Elsa.Flowchart",
            "activities": [
              { "id": "start", "type": "Elsa.Start", "metadata": { "designer": { "position": { "x": 0, "y": 0 } } } },
              { "id": "log", "type": "Elsa.WriteLine", "name": "Say hello",
                "text": { "typeName": "String", "expression": { "type": "Literal", "value": "hello" } } },
              { "id": "wait", "type": "Elsa.Delay",
                "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "JavaScript", "value": "'00:00:05'" } } },
              { "id": "end", "type": "Elsa.End" } ],
            "connections": [
              { "source": { "activity": "start", "port": "Done" }, "target": { "activity": "log", "port": "In" } },
              { "source": { "activity": "log", "port": "Done" }, "target": { "activity": "wait", "port": "In" } },
              { "source": { "activity": "wait", "port": "Done" }, "target": { "activity": "end", "port": "In" } } ] } }
        """;

    private static WorkflowDefinition Parse(string json) => WorkflowDefinitionJson.Parse(json);

    [Fact]
    public void The_same_workflow_moved_about_in_the_designer_has_no_changes()
    {
        var moved = Before.Replace("\"x\": 0, \"y\": 0", "\"x\": 240, \"y\": 80");

        Assert.Empty(WorkflowDiff.Compare(Parse(Before), Parse(moved)));
    }

    [Fact]
    public void Names_inputs_activities_ports_and_variables_that_changed_are_listed()
    {
        var after = Before
            .Replace("\"name\": \"Routing\"", "\"name\": \"Routing 2\"")
            .Replace("\"value\": \"0\"", "\"value\": \"3\"")
            .Replace("\"name\": \"Say hello\"", "\"name\": \"Greet\"")
            .Replace("\"value\": \"hello\"", "\"value\": \"你好\"")
            .Replace("\"value\": \"'00:00:05'\"", "\"value\": \"'00:00:10'\"")
            .Replace("{ \"id\": \"end\", \"type\": \"Elsa.End\" } ],",
                "{ \"id\": \"end\", \"type\": \"Elsa.End\" }, { \"id\": \"bye\", \"type\": \"Elsa.WriteLine\", \"name\": \"Say bye\" } ],")
            .Replace("\"target\": { \"activity\": \"end\", \"port\": \"In\" } } ] } }",
                "\"target\": { \"activity\": \"bye\", \"port\": \"In\" } }, { \"source\": { \"activity\": \"bye\", \"port\": \"Done\" }, \"target\": { \"activity\": \"end\", \"port\": \"In\" } } ] } }");

        var changes = WorkflowDiff.Compare(Parse(Before), Parse(after));

        Assert.Equal(
            [
                new("name", "Routing", "Routing 2"),
                new("variable:Count", "Int32 = 0", "Int32 = 3"),
                new("activity:log.name", "Say hello", "Greet"),
                new("activity:log.text", "hello", "你好"),
                new("activity:wait.timeSpan", "JavaScript: '00:00:05'", "JavaScript: '00:00:10'"),
                new("activity:bye", null, "Say bye (Elsa.WriteLine)"),
                new("connection:bye:Done", null, "end"),
                new("connection:wait:Done", "end", "bye"),
            ],
            changes);
    }

    [Fact]
    public void A_removed_activity_and_its_ports_are_listed_as_they_were()
    {
        var after = Parse(Before);
        after.Root.Activities.RemoveAll(a => a.Id == "wait");
        after.Root.Connections.RemoveAll(c => c.SourceActivity == "wait");
        after.Root.Connections.Single(c => c.SourceActivity == "log").TargetActivity = "end";
        after.Root.Activities.Single(a => a.Id == "log").Inputs.Remove("text");

        var changes = WorkflowDiff.Compare(Parse(Before), after);

        Assert.Equal(
            [
                new("activity:log.text", "hello", null),
                new("activity:wait", "Elsa.Delay", null),
                new("connection:log:Done", "wait", "end"),
                new("connection:wait:Done", "end", null),
            ],
            changes);
    }
}
