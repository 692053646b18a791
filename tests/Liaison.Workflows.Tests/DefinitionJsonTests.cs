using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;

namespace Liaison.Workflows.Tests;

public class DefinitionJsonTests
{
    [Fact]
    public void Reads_nested_connections_and_elsa_extras()
    {
        var def = WorkflowDefinitionJson.Parse(Harness.Fixture("fork-decision-join-waitall.json"));

        Assert.Equal(("fdj-v3", "fork-decision-join", 3, true, true), (def.Id, def.DefinitionId, def.Version, def.IsLatest, def.IsPublished));
        Assert.Equal("a skipped branch blocks WaitAll", def.Description);
        Assert.Equal(9, def.Root.Activities.Count);
        Assert.Equal(10, def.Root.Connections.Count);
        var first = def.Root.Connections[0];
        Assert.Equal(("a", "Done", "c", "In"), (first.SourceActivity, first.SourcePort, first.TargetActivity, first.TargetPort));
        var decide = def.Root.Activities.Single(a => a.Id == "decide");
        Assert.Equal("JavaScript", decide.Inputs["condition"].Expression!.Type);
        Assert.Equal("return false;", decide.Inputs["condition"].Expression!.Value!.GetValue<string>());
        Assert.Equal("0", def.Variables.Single().Value);
    }

    [Fact]
    public void A_definition_the_reader_cannot_take_apart_is_refused_in_words_without_the_frameworks_message()
    {
        // The same property twice: valid JSON text, but no object to read.
        var json = Harness.Fixture("fork-decision-join-waitall.json").TrimStart().TrimStart('{').Insert(0, "{ \"description\": \"a\", \"description\": \"b\", ");

        var error = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionJson.Parse(json));

        Assert.StartsWith("流程定义格式有误：请检查是否有对象含两个同名属性（不区分大小写）", error.MessageZh);
        Assert.StartsWith("The workflow definition is malformed: check that no object has two properties of the same name", error.Message);
        Assert.DoesNotContain("same key", error.Message + error.MessageZh);
    }

    [Fact]
    public void Reads_legacy_flat_connections_and_obsolete_properties()
    {
        var def = WorkflowDefinitionJson.Parse(Harness.Fixture("implicit-loop.json"));

        Assert.Equal(6, def.Root.Connections.Count);
        var c = def.Root.Connections[1];
        Assert.Equal(("enough", "True", "done", "In"), (c.SourceActivity, c.SourcePort, c.TargetActivity, c.TargetPort));
        var bump = def.Root.Activities.Single(a => a.Id == "bump");
        Assert.Equal("v-attempts", bump.GetProperty("variable")!["id"]!.GetValue<string>());
        Assert.Equal("bump:input-1", bump.Inputs["value"].Extra["memoryReference"]!["id"]!.GetValue<string>());
        Assert.Equal("Elsa.Workflows.Core.Services.WorkflowStorageDriver, Elsa.Workflows.Core",
            def.Variables[0].Extra["storageDriverTypeName"]!.GetValue<string>());
    }

    [Fact]
    public void Reads_PascalCase_property_names()
    {
        const string json = """
            { "Id": "x1", "DefinitionId": "x", "Name": "Pascal", "Version": "2",
              "Variables": [ { "Id": "v", "Name": "Count", "TypeName": "Int32", "Value": 3 } ],
              "Root": { "Type": "Elsa.Flowchart", "Id": "fc",
                "Activities": [ { "Id": "w", "Type": "Elsa.WriteLine", "Text": { "TypeName": "String", "Expression": { "Type": "Literal", "Value": "hi" } } } ],
                "Connections": [ { "Source": { "Activity": "w", "Port": "Done" }, "Target": { "Activity": "w", "Port": "In" } } ] } }
            """;
        var def = WorkflowDefinitionJson.Parse(json);

        Assert.Equal(("x", 2, "3"), (def.DefinitionId, def.Version, def.Variables[0].Value));
        Assert.Equal("hi", def.Root.Activities[0].Inputs["text"].Expression!.Value!.GetValue<string>());
        Assert.Equal("w", def.Root.Connections[0].TargetActivity);
    }

    [Fact]
    public void Round_trip_keeps_what_we_do_not_interpret()
    {
        var original = JsonNode.Parse(Harness.Fixture("join-any.json"))!;
        var written = JsonNode.Parse(WorkflowDefinitionJson.Serialize(WorkflowDefinitionJson.Parse(original.ToJsonString())))!;

        Assert.Equal("3.0.0.0", written["toolVersion"]!.GetValue<string>());
        Assert.False(written["options"]!["autoUpdateConsumingWorkflows"]!.GetValue<bool>());
        Assert.Equal("FlowchartJsonConverter.cs:45", written["root"]!["customProperties"]!["source"]!.GetValue<string>());
        var joinLeft = written["root"]!["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "joinLeft")!;
        Assert.Equal(-180, joinLeft["metadata"]!["designer"]!["position"]!["x"]!.GetValue<int>());
        Assert.Equal(136.8, joinLeft["metadata"]!["designer"]!["size"]!["width"]!.GetValue<double>());
        Assert.Equal("joinLeft:input-0", joinLeft["mode"]!["memoryReference"]!["id"]!.GetValue<string>());
        Assert.Equal("WaitAny", joinLeft["mode"]!["expression"]!["value"]!.GetValue<string>());
        Assert.Equal("JoinLeft", joinLeft["name"]!.GetValue<string>());

        // Every original activity property survives, and the two documents describe the same activities.
        foreach (var a in original["root"]!["activities"]!.AsArray())
        {
            var w = written["root"]!["activities"]!.AsArray().Single(x => x!["id"]!.GetValue<string>() == a!["id"]!.GetValue<string>())!;
            foreach (var (key, value) in a!.AsObject())
                Assert.True(JsonNode.DeepEquals(value, w[key]), $"{a["id"]}.{key} changed");
        }
        Assert.True(JsonNode.DeepEquals(original["root"]!["connections"], written["root"]!["connections"]));
    }

    [Fact]
    public void Writes_legacy_connections_in_the_nested_form()
    {
        var json = WorkflowDefinitionJson.Serialize(WorkflowDefinitionJson.Parse(Harness.Fixture("implicit-loop.json")));
        var first = JsonNode.Parse(json)!["root"]!["connections"]![0]!;

        Assert.Equal("work", first["source"]!["activity"]!.GetValue<string>());
        Assert.Equal("Done", first["source"]!["port"]!.GetValue<string>());
        Assert.Equal("bump", first["target"]!["activity"]!.GetValue<string>());
        Assert.Null(first["sourcePort"]);
        Assert.Contains("\"definitionId\": \"loop\"", json);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("""{ "id": "x" }""", "'root'")]
    [InlineData("""{ "root": { "type": "Elsa.ParallelForEach", "activities": [] } }""", "$.root.type")]
    [InlineData("""{ "root": { "activities": [ { "id": "a1", "type": "Elsa.Start" }, { "id": "a2" } ] } }""", "$.root.activities[1]: activity 'a2' has no 'type'")]
    [InlineData("""{ "root": { "activities": [ { "type": "Elsa.Start" } ] } }""", "$.root.activities[0]: the activity has no 'id'")]
    [InlineData("""{ "root": { "activities": [ { "id": "a", "type": "Elsa.Start" }, { "id": "a", "type": "Elsa.End" } ] } }""", "duplicate activity id 'a'")]
    [InlineData("""{ "root": { "connections": [ { "source": { "activity": "a" } } ] } }""", "$.root.connections[0].target")]
    [InlineData("""{ "root": { "activities": [ { "id": "w", "type": "Elsa.WriteLine", "text": { "expression": "oops" } } ] } }""", "activity 'w'")]
    [InlineData("""{ "version": "two", "root": {} }""", "$.version")]
    public void Malformed_definitions_throw_with_a_clear_message(string json, string fragment)
    {
        var ex = Assert.Throws<WorkflowDefinitionException>(() => WorkflowDefinitionJson.Parse(json));
        Assert.Contains(fragment, ex.Message);
    }

    [Fact]
    public void Unknown_activity_type_fails_to_compile_naming_the_activity()
    {
        var def = new Flow().Add("mystery", "Acme.Teleport").Build();
        var ex = Assert.Throws<WorkflowDefinitionException>(() => Harness.Runner().Start(def));
        Assert.Equal("mystery", ex.ActivityId);
        Assert.Contains("Acme.Teleport", ex.Message);
    }
}
