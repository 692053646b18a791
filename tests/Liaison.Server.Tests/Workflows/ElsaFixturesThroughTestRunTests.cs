using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Liaison.Server.Tests.Infrastructure;

namespace Liaison.Server.Tests.Workflows;

/// <summary>
/// Elsa's own test workflows (tests/Liaison.Workflows.Tests/Fixtures/elsa) through the designer's test-run endpoint,
/// children given in the request: the same lines, status and outputs Elsa's tests assert.
/// </summary>
public sealed class ElsaFixturesThroughTestRunTests(ElsaFixturesThroughTestRunTests.Fixture fixture) : IClassFixture<ElsaFixturesThroughTestRunTests.Fixture>
{
    public sealed class Fixture : AppFixture
    {
        protected override bool WithSmtp => false;
    }

    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "elsa");

    private static readonly JsonArray Expectations = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "expectations.json")))!.AsArray();

    public static TheoryData<string> Scenarios => [.. Expectations.Select(e => e!["name"]!.GetValue<string>())];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Test_run_answers_as_Elsa_asserts(string scenario)
    {
        var e = Expectations.Single(x => x!["name"]!.GetValue<string>() == scenario)!.AsObject();
        var admin = await fixture.App.AsAdminAsync();
        JsonNode Load(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, file)))!;

        var response = await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new
        {
            definition = Load(e["workflow"]!.GetValue<string>()),
            definitions = (e["children"] as JsonArray ?? []).Select(c => Load(c!.GetValue<string>())).ToArray(),
            input = e["input"] as JsonObject,
            resumeAll = e["resumeAll"]?.GetValue<bool>() ?? true,
        });
        var run = await response.Content.ReadFromJsonAsync<JsonObject>();

        var expected = e["liaisonDiffers"] as JsonObject ?? e;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected["expectedLines"]!.AsArray().Select(l => l!.GetValue<string>()), run!["writeLines"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(e["expectedStatus"]!.GetValue<string>(), run["status"]!.GetValue<string>());
        if (e["expectedOutputs"] is JsonObject outputs)
        {
            foreach (var (name, value) in outputs)
            {
                Assert.Equal(value?.ToJsonString(), run["output"]?[name]?.ToJsonString());
            }
        }
    }
}
