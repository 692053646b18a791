using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Tests;

/// <summary>
/// Elsa's own test workflows (flowchart, sequence, child workflows, workflows as activities), rewritten in Elsa's
/// format as fixtures under Fixtures/elsa, each with what Elsa's test asserts (expectations.json).
/// </summary>
public class ElsaFixtureTests
{
    private static readonly JsonArray Expectations = JsonNode.Parse(Harness.Fixture("elsa/expectations.json"))!.AsArray();

    public static TheoryData<string> Scenarios => [.. Expectations.Select(e => e!["name"]!.GetValue<string>())];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Runs_as_Elsa_asserts(string scenario)
    {
        var e = Expectations.Single(x => x!["name"]!.GetValue<string>() == scenario)!.AsObject();
        var workflow = Load(e["workflow"]!.GetValue<string>());
        var children = (e["children"] as JsonArray ?? []).Select(c => Load(c!.GetValue<string>())).ToArray();
        var input = (e["input"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => (object?)kv.Value?.DeepClone());

        var result = TestRun.Run(Harness.Runner(), workflow, input, resumeAll: e["resumeAll"]?.GetValue<bool>() ?? true,
            resolveChild: Harness.Children([workflow, .. children]));

        // Where Liaison knowingly differs from Elsa, the fixture says what we do instead and why (docs/workflow-format.md lists it).
        var expected = e["liaisonDiffers"] as JsonObject ?? e;
        var expectedLines = expected["expectedLines"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.True(expectedLines.SequenceEqual(result.WriteLines),
            $"Lines: expected [{string.Join(" | ", expectedLines)}], got [{string.Join(" | ", result.WriteLines)}]; incidents: {string.Join("; ", result.Incidents.Select(i => $"{i.ActivityId}: {i.Message}"))}");
        Assert.Equal(e["expectedStatus"]!.GetValue<string>(), result.Status.ToString());
        if (e["expectedOutputs"] is JsonObject outputs)
            foreach (var (name, value) in outputs)
                Assert.Equal(value?.ToJsonString(), result.Output.GetValueOrDefault(name)?.ToJsonString());
    }

    private static WorkflowDefinition Load(string file) => WorkflowDefinitionJson.Parse(Harness.Fixture("elsa/" + file));
}
