using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Liaison.Server.Tests.Infrastructure;

namespace Liaison.Server.Tests.Workflows;

/// <summary>Child workflows through the admin API: try a parent and its unsaved children, the palette, the instance view.</summary>
public sealed class ChildWorkflowApiTests(ChildWorkflowApiTests.Fixture fixture) : IClassFixture<ChildWorkflowApiTests.Fixture>
{
    public sealed class Fixture : AppFixture
    {
        protected override bool WithSmtp => false;
    }

    private LiaisonApp App => fixture.App;

    private static JsonObject Child(string id, string text)
    {
        var child = JsonNode.Parse(Wf.Json(id,
            [Wf.WriteLine("say", text), Wf.Activity("out", "Elsa.SetOutput", ("outputName", Wf.Literal("Heard")), ("outputValue", Wf.Script("getInput('Word') + '!'")))],
            "say->out"))!.AsObject();
        child["options"] = new JsonObject { ["usableAsActivity"] = true };
        child["inputs"] = new JsonArray(new JsonObject { ["name"] = "Word", ["type"] = "String", ["displayName"] = "词" });
        child["outcomes"] = new JsonArray("Heard");
        return child;
    }

    private static JsonObject Parent(string id, string child) => JsonNode.Parse(Wf.Json(id,
        [Wf.Start(), Wf.Activity("run", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", Wf.Literal(child)), ("input", Wf.Literal("{\"Word\":\"hi\"}", "Object"))),
         Wf.Activity("done", "Elsa.SetOutput", ("outputName", Wf.Literal("Said")), ("outputValue", Wf.Script("getLastResult().Heard"))), Wf.WriteLine("after", "parent again")],
        "start->run", "run->done", "done->after"))!.AsObject();

    [Fact]
    public async Task Test_run_uses_children_from_the_request_and_returns_outputs_and_each_childs_lines()
    {
        var admin = await App.AsAdminAsync();

        var response = await admin.PostAsJsonAsync("/api/workflow-definitions/test-run",
            new { definition = Parent("try-parent", "try-child"), definitions = new[] { Child("try-child", "child speaks") }, resumeAll = true });
        var run = await response.Content.ReadFromJsonAsync<JsonObject>();
        var missing = await (await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new { definition = Parent("try-parent", "try-nobody") }))
            .Content.ReadFromJsonAsync<JsonObject>();
        var broken = await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new { definition = Parent("p", "c"), definitions = new object[] { new { root = 3 } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Finished", run!["status"]!.GetValue<string>());
        Assert.Equal(["child speaks", "parent again"], run["writeLines"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal("hi!", run["output"]!["Said"]!.GetValue<string>());
        var child = run["children"]!.AsArray().Single()!;
        Assert.Equal(("try-child", "run", "Finished"), (child["definitionId"]!.GetValue<string>(), child["parentActivityId"]!.GetValue<string>(), child["status"]!.GetValue<string>()));
        Assert.Equal(["child speaks"], child["writeLines"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal("Faulted", missing!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("$.definitions[0]", await broken.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_palette_lists_published_usable_workflows_and_the_instance_view_links_parent_and_children()
    {
        var admin = await App.AsAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/workflow-definitions/api-child", Json(Child("api-child", "hello")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/workflow-definitions/api-child/publish", null)).StatusCode);
        var waiting = JsonNode.Parse(Wf.Json("api-parent", [Wf.Start(), Wf.Activity("wait", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", Wf.Literal("api-waiter")))], "start->wait"))!;
        var waiter = JsonNode.Parse(Wf.Json("api-waiter", [Wf.Event("hold", "go")]))!;
        foreach (var (id, json) in new[] { ("api-waiter", waiter), ("api-parent", waiting) })
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync($"/api/workflow-definitions/{id}", Json(json))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/workflow-definitions/{id}/publish", null)).StatusCode);
        }

        var palette = await admin.GetFromJsonAsync<JsonArray>("/api/activity-descriptors");
        var started = await (await admin.PostAsJsonAsync("/api/workflow-definitions/api-parent/instances", new { })).Content.ReadFromJsonAsync<JsonObject>();
        var parent = await admin.GetFromJsonAsync<JsonObject>($"/api/workflow-instances/{started!["id"]}");
        var childId = parent!["children"]!.AsArray().Single()!["id"]!.GetValue<string>();
        var child = await admin.GetFromJsonAsync<JsonObject>($"/api/workflow-instances/{childId}");
        var childWait = parent["bookmarks"]!.AsArray().Single()!["id"]!.GetValue<string>();
        var byHand = await admin.PostAsJsonAsync($"/api/workflow-instances/{started["id"]}/bookmarks/{childWait}/resume", new { });
        var finished = await admin.PostAsJsonAsync($"/api/workflow-instances/{childId}/events/go", new { });
        var after = await admin.GetFromJsonAsync<JsonObject>($"/api/workflow-instances/{started["id"]}");

        var entry = palette!.Single(d => d!["type"]!.GetValue<string>() == "api-child")!;
        Assert.Equal(("Workflows", "api-child", 1), (entry["category"]!.GetValue<string>(), entry["workflowDefinitionId"]!.GetValue<string>(), entry["version"]!.GetValue<int>()));
        Assert.Equal(["Word"], entry["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.Contains("Heard", entry["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.DoesNotContain(palette!, d => d!["type"]!.GetValue<string>() == "api-waiter");
        Assert.DoesNotContain(palette!, d => d!["type"]!.GetValue<string>() == "Elsa.WorkflowDefinitionActivity");
        Assert.Equal(started["id"]!.GetValue<string>(), child!["parentInstanceId"]!.GetValue<string>());
        Assert.Equal("wait", child["parentActivityId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, byHand.StatusCode);
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal("Finished", after!["status"]!.GetValue<string>());
    }

    private static StringContent Json(JsonNode json) => new(json.ToJsonString(), Encoding.UTF8, "application/json");
}
