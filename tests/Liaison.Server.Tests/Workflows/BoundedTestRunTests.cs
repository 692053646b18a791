using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Liaison.Server.Tests.Infrastructure;

namespace Liaison.Server.Tests.Workflows;

/// <summary>
/// Issue 12, "Bounded expressions", through the designer's test-run API: a runaway script or loop answers 200 with a
/// Faulted run whose incident names the limit, and the limits come from configuration (Liaison:Workflows).
/// </summary>
public sealed class BoundedTestRunTests
{
    private static async Task<JsonObject> TestRunAsync(HttpClient admin, JsonNode definition)
    {
        var response = await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new { definition, resumeAll = true });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static void AssertFaultedNaming(JsonObject run, string limitName)
    {
        Assert.Equal("Faulted", run["status"]!.GetValue<string>());
        var messages = run["incidents"]!.AsArray().Select(i => i!["message"]!.GetValue<string>()).ToList();
        Assert.True(messages.Count == 1 && messages[0].Contains(limitName, StringComparison.Ordinal), string.Join("\n", messages));
    }

    private static JsonNode Line(string id, JsonObject text) =>
        JsonNode.Parse(Wf.Json(id, [Wf.Start(), Wf.Activity("evil", "Elsa.WriteLine", ("text", text))], "start->evil"))!;

    [Fact]
    public async Task Runaway_scripts_templates_and_loops_fault_the_test_run_with_the_named_limit()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(BoundedTestRunTests), withSmtp: false,
            configure: s => s["Liaison:Workflows:TestRun:MaxActivities"] = "2000");
        var admin = await app.AsAdminAsync();

        // A loop of 300 activities without waiting, then a timer, again and again: each run stays under
        // MaxActivitiesPerRun, and resumeAll would go on for 1000 resumes without the whole-request cap.
        var loop = JsonNode.Parse(Wf.Json("runaway",
            [Wf.Start(), Wf.Delay("tick", TimeSpan.FromMinutes(1)),
             Wf.Activity("inc", "Elsa.SetVariable", ("variable", new JsonObject { ["id"] = "n-id" }), ("value", Wf.Script("getN() + 1", "Int32"))),
             Wf.Activity("d", "Elsa.FlowDecision", ("condition", Wf.Script("getN() % 150 != 0", "Boolean")))],
            "start->tick", "tick->inc", "inc->d", "d:True->inc", "d:False->tick"))!;
        loop["variables"] = new JsonArray(new JsonObject { ["id"] = "n-id", ["name"] = "n", ["typeName"] = "Int32", ["value"] = "0" });

        var runaway = await TestRunAsync(admin, loop);
        AssertFaultedNaming(runaway, "TestRun:MaxActivities");
        Assert.InRange(runaway["journal"]!.AsArray().Count, 1_000, 2_000); // the configured cap, not the default 50,000
        AssertFaultedNaming(await TestRunAsync(admin, Line("regex", Wf.Script("/(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaa!')"))), "RegexTimeout");
        AssertFaultedNaming(await TestRunAsync(admin, Line("repeat", Wf.Script("'x'.repeat(5e8)"))), "MaxStringLength");
        var liquid = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Liquid", ["value"] = "{% for i in (1..100000) %}x{% endfor %}" } };
        AssertFaultedNaming(await TestRunAsync(admin, Line("liquid", liquid)), "LiquidMaxSteps");
        // The server is still fine.
        var ok = await TestRunAsync(admin, Line("ok", Wf.Script("'still ' + 'fine'")));
        Assert.Equal("Finished", ok["status"]!.GetValue<string>());
    }
}
