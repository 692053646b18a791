using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Workflows;

public sealed class WorkflowApiTests(WorkflowApiTests.Fixture fixture) : IClassFixture<WorkflowApiTests.Fixture>
{
    public sealed class Fixture : AppFixture
    {
        protected override bool WithSmtp => false;
    }

    private LiaisonApp App => fixture.App;

    private static string Greeting(string definitionId, string text) => Wf.Json(definitionId,
        [Wf.Start(), Wf.WriteLine("hello", text), Wf.End()], "start->hello", "hello->end");

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Only_admins_may_use_the_workflow_api()
    {
        var officer = await App.AsOfficerAsync("wf-officer@test.example");
        var admin = await App.AsAdminAsync();
        string[] routes = ["/api/workflow-definitions", "/api/activity-descriptors", $"/api/workflow-instances/{Guid.NewGuid()}"];

        foreach (var route in routes)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await App.Anonymous().GetAsync(route)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync(route)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PutAsync("/api/workflow-definitions/x", Body(Greeting("x", "x")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/workflow-definitions")).StatusCode);
    }

    [Fact]
    public async Task Drafts_publish_and_version_history()
    {
        var admin = await App.AsAdminAsync();

        var first = await admin.PutAsync("/api/workflow-definitions/greeting", Body(Greeting("greeting", "v1 draft")));
        var overwritten = await admin.PutAsync("/api/workflow-definitions/greeting", Body(Greeting("greeting", "v1")));
        var published = await admin.PostAsync("/api/workflow-definitions/greeting/publish", null);
        var second = await admin.PutAsync("/api/workflow-definitions/greeting", Body(Greeting("", "v2 draft")));
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/workflow-definitions/greeting/versions");
        var latest = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/greeting");
        var v1 = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/greeting?version=1");
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/workflow-definitions");
        var noSuchVersion = await admin.GetAsync("/api/workflow-definitions/greeting?version=9");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, (await overwritten.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(2, (await second.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>());
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal([false, true], versions.EnumerateArray().Select(v => v.GetProperty("isPublished").GetBoolean()));
        Assert.Equal((2, false, true), (latest!["version"]!.GetValue<int>(), latest["isPublished"]!.GetValue<bool>(), latest["isLatest"]!.GetValue<bool>()));
        Assert.Equal("v1", v1!["root"]!["activities"]![1]!["text"]!["expression"]!["value"]!.GetValue<string>());
        Assert.True(v1["isPublished"]!.GetValue<bool>());
        var summary = list.EnumerateArray().Single(d => d.GetProperty("definitionId").GetString() == "greeting");
        Assert.Equal((2, 1), (summary.GetProperty("version").GetInt32(), summary.GetProperty("publishedVersion").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, noSuchVersion.StatusCode);
    }

    [Fact]
    public async Task Saves_at_once_of_a_published_workflow_make_one_draft()
    {
        var admin = await App.AsAdminAsync();
        await admin.PutAsync("/api/workflow-definitions/at-once", Body(Greeting("at-once", "v1")));
        await admin.PostAsync("/api/workflow-definitions/at-once/publish", null);

        // Each save waits for the one before it: the first adds version 2, the others overwrite that draft.
        var saves = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => admin.PutAsync("/api/workflow-definitions/at-once", Body(Greeting("at-once", $"edit {i}")))));
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/workflow-definitions/at-once/versions");

        Assert.All(saves, s => Assert.Equal(HttpStatusCode.OK, s.StatusCode));
        foreach (var save in saves)
        {
            Assert.Equal(2, (await save.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>());
        }

        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task A_publish_or_discard_at_the_moment_of_a_save_finds_the_workflow()
    {
        var admin = await App.AsAdminAsync();
        for (var round = 1; round <= 4; round++)
        {
            var id = $"save-and-publish-{round}";
            await admin.PutAsync($"/api/workflow-definitions/{id}", Body(Greeting(id, "v1")));
            await admin.PostAsync($"/api/workflow-definitions/{id}/publish", null);

            // A save starting the next draft, with a publish and a discard of it: whichever comes first, the workflow is there.
            var answers = await Task.WhenAll(
                admin.PutAsync($"/api/workflow-definitions/{id}", Body(Greeting(id, "v2"))),
                admin.PostAsync($"/api/workflow-definitions/{id}/publish", null),
                admin.DeleteAsync($"/api/workflow-definitions/{id}/draft"),
                admin.PostAsync($"/api/workflow-definitions/{id}/publish", null));

            Assert.All(answers, a => Assert.NotEqual(HttpStatusCode.NotFound, a.StatusCode));
            Assert.Equal(HttpStatusCode.OK, answers[0].StatusCode);
        }
    }

    [Fact]
    public async Task A_draft_is_discarded_and_the_published_version_is_the_latest_again()
    {
        var admin = await App.AsAdminAsync();
        var officer = await App.AsOfficerAsync("wf-discard-officer@test.example");
        await admin.PutAsync("/api/workflow-definitions/discard-me", Body(Greeting("discard-me", "v1")));
        await admin.PostAsync("/api/workflow-definitions/discard-me/publish", null);
        await admin.PutAsync("/api/workflow-definitions/discard-me", Body(Greeting("discard-me", "v2 half done")));

        var byOfficer = await officer.DeleteAsync("/api/workflow-definitions/discard-me/draft");
        var discarded = await admin.DeleteAsync("/api/workflow-definitions/discard-me/draft");
        var latest = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/discard-me");
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/workflow-definitions/discard-me/versions");
        var again = await admin.DeleteAsync("/api/workflow-definitions/discard-me/draft");
        var next = await (await admin.PutAsync("/api/workflow-definitions/discard-me", Body(Greeting("discard-me", "v2 again")))).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.Forbidden, byOfficer.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, discarded.StatusCode);
        Assert.Equal((1, true, true), (latest!["version"]!.GetValue<int>(), latest["isPublished"]!.GetValue<bool>(), latest["isLatest"]!.GetValue<bool>()));
        // The discarded draft stays in the history, marked, so its number is never given again.
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(JsonValueKind.String, versions[0].GetProperty("discardedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, versions[1].GetProperty("discardedAt").ValueKind);
        // Nothing left to discard: the latest version is the published one.
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("没有未发布的草稿", await again.Content.ReadAsStringAsync());
        Assert.Equal(3, next!["version"]!.GetValue<int>());
        // Discarded again: the published version is the latest again, not the draft discarded before.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/workflow-definitions/discard-me/draft")).StatusCode);
        var afterSecond = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/discard-me");
        Assert.Equal((1, true), (afterSecond!["version"]!.GetValue<int>(), afterSecond["isPublished"]!.GetValue<bool>()));
        var third = await (await admin.PutAsync("/api/workflow-definitions/discard-me", Body(Greeting("discard-me", "v4")))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(4, third!["version"]!.GetValue<int>());
        Assert.Equal(1, await App.WithDbAsync(db => db.Set<Liaison.Server.Audit.AuditEntry>()
            .CountAsync(a => a.Action == "workflow.draft-discarded" && a.Subject == "discard-me v2")));

        // A workflow never published goes with its only version; an unknown one is a 404.
        await admin.PutAsync("/api/workflow-definitions/discard-new", Body(Greeting("discard-new", "v1 idea")));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/workflow-definitions/discard-new/draft")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/workflow-definitions/discard-new")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/workflow-definitions/discard-new/draft")).StatusCode);
    }

    [Fact]
    public async Task Bad_definitions_are_400s_with_reasons()
    {
        var admin = await App.AsAdminAsync();

        var malformed = await admin.PutAsync("/api/workflow-definitions/bad", Body("{ \"root\": [ "));
        var mismatch = await admin.PutAsync("/api/workflow-definitions/bad", Body(Greeting("other", "x")));
        var badId = await admin.PutAsync("/api/workflow-definitions/bad%20id!", Body(Greeting("", "x")));
        var unknownType = Wf.Json("bad", [Wf.Start(), Wf.Activity("mystery", "Acme.Unknown"), Wf.Event("noname", "")],
            "start->mystery", "mystery->noname", "noname->ghost");
        var draft = await admin.PutAsync("/api/workflow-definitions/bad", Body(unknownType));
        var publish = await admin.PostAsync("/api/workflow-definitions/bad/publish", null);
        var publishMissing = await admin.PostAsync("/api/workflow-definitions/nothing-here/publish", null);
        var problem = await publish.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var unreadable = await malformed.Content.ReadAsStringAsync();
        Assert.Contains("not valid JSON", unreadable);
        Assert.Contains("流程定义不是有效的 JSON", unreadable);
        // The position once, 1-based: not the reader's own 0-based "LineNumber: 0".
        Assert.DoesNotContain("LineNumber", unreadable);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("does not match", await mismatch.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        var errors = problem.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("activityId").GetString(), e.GetProperty("code").GetString())).ToList();
        Assert.Contains(("mystery", "unknown-type"), errors);
        Assert.Contains(("noname", "missing-input"), errors);
        Assert.Contains(("ghost", "dangling-connection"), errors);
        // Each error in both languages: together as every problem detail writes them, and each on its own.
        var missing = problem.GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("code").GetString() == "missing-input");
        Assert.Equal("活动“noname”缺少必填的输入“事件名（eventName）”。", missing.GetProperty("localizedMessage").GetProperty("zh-CN").GetString());
        Assert.Equal("Activity 'noname' is missing required input 'eventName'.", missing.GetProperty("localizedMessage").GetProperty("en").GetString());
        Assert.Equal("活动“noname”缺少必填的输入“事件名（eventName）”。 / Activity 'noname' is missing required input 'eventName'.",
            missing.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, publishMissing.StatusCode);
        Assert.Equal("application/problem+json", publishMissing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_empty_workflow_or_a_case_routing_that_never_dispatches_is_not_published()
    {
        var admin = await App.AsAdminAsync();
        var before = await (await admin.GetAsync("/api/workflow-definitions/case-routing")).Content.ReadFromJsonAsync<JsonObject>();
        var empty = Wf.Json("case-routing", [], []);
        var onlyStart = Wf.Json("case-routing", [Wf.Start()], []);

        var checkEmpty = await (await admin.PostAsync("/api/workflow-definitions/validate", Body(empty))).Content.ReadFromJsonAsync<JsonElement>();
        var checkStart = await (await admin.PostAsync("/api/workflow-definitions/validate", Body(onlyStart))).Content.ReadFromJsonAsync<JsonElement>();
        var checkBlank = await (await admin.PostAsync("/api/workflow-definitions/validate", Body(Wf.Json("blank", [], [])))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/workflow-definitions/case-routing", Body(empty))).StatusCode);
        var publish = await admin.PostAsync("/api/workflow-definitions/case-routing/publish", null);
        var problem = await publish.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/workflow-definitions/case-routing/draft")).StatusCode);
        var after = await (await admin.GetAsync("/api/workflow-definitions/case-routing")).Content.ReadFromJsonAsync<JsonObject>();

        static List<string?> Codes(JsonElement e) => e.GetProperty("errors").EnumerateArray().Select(x => x.GetProperty("code").GetString()).ToList();
        Assert.Equal(["empty", "routing-without-dispatch"], Codes(checkEmpty));
        Assert.Equal(["routing-without-dispatch"], Codes(checkStart));
        Assert.False(checkStart.GetProperty("valid").GetBoolean());
        // Any workflow needs something in it; only the ones cases run need a dispatch.
        Assert.Equal(["empty"], Codes(checkBlank));
        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        Assert.Equal(["empty", "routing-without-dispatch"], Codes(problem));
        // The answer says what is wrong, not where in the JSON to look.
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("有 2 处问题，未发布：流程中没有任何活动", detail);
        Assert.Contains("it has 2 problems: The workflow has no activities", detail);
        Assert.DoesNotContain("see errors", detail);
        // The version in force is the one before: new cases are still dispatched.
        Assert.Equal(before!["version"]!.GetValue<int>(), after!["version"]!.GetValue<int>());
        Assert.True(after["isPublished"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Validate_lists_errors_without_storing_anything()
    {
        var admin = await App.AsAdminAsync();

        var ok = await (await admin.PostAsync("/api/workflow-definitions/validate", Body(Greeting("val", "x")))).Content.ReadFromJsonAsync<JsonElement>();
        var bad = await (await admin.PostAsync("/api/workflow-definitions/validate",
            Body(Wf.Json("val", [Wf.Start(), Wf.WriteLine("orphan", "x")])))).Content.ReadFromJsonAsync<JsonElement>();
        var malformed = await admin.PostAsync("/api/workflow-definitions/validate", Body("nope"));

        Assert.True(ok.GetProperty("valid").GetBoolean());
        Assert.False(bad.GetProperty("valid").GetBoolean());
        var error = Assert.Single(bad.GetProperty("errors").EnumerateArray());
        Assert.Equal(("orphan", "unreachable"), (error.GetProperty("activityId").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal("从开始活动（“start”）无法到达活动“orphan”。", error.GetProperty("localizedMessage").GetProperty("zh-CN").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/workflow-definitions/val")).StatusCode);
    }

    [Fact]
    public async Task Test_run_returns_lines_in_order_and_resumeAll_finishes_delays_and_events()
    {
        var admin = await App.AsAdminAsync();
        var definition = JsonNode.Parse(Wf.Json("try-it",
            [Wf.Start(), Wf.WriteLine("one", "一 / one"), Wf.Delay("delay", TimeSpan.FromDays(3)), Wf.WriteLine("two", "two"),
             Wf.Event("event", "approved"), Wf.Activity("three", "Elsa.WriteLine", ("text", Wf.Script("'three:' + getName()"))), Wf.End()],
            "start->one", "one->delay", "delay->two", "two->event", "event->three", "three->end"));

        var waits = await (await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new { definition, input = new { name = "x" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var all = await (await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new { definition, input = new { name = "x" }, resumeAll = true }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var unknownType = await admin.PostAsJsonAsync("/api/workflow-definitions/test-run",
            new { definition = JsonNode.Parse(Wf.Json("t", [Wf.Activity("a", "Nope.Nothing")])) });
        var noDefinition = await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new { input = new { } });

        Assert.Equal("Suspended", waits.GetProperty("status").GetString());
        Assert.Equal(["一 / one"], waits.GetProperty("writeLines").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("Elsa.Delay", Assert.Single(waits.GetProperty("bookmarks").EnumerateArray()).GetProperty("kind").GetString());
        Assert.Equal("Finished", all.GetProperty("status").GetString());
        Assert.Equal(["一 / one", "two", "three:x"], all.GetProperty("writeLines").EnumerateArray().Select(l => l.GetString()));
        Assert.Empty(all.GetProperty("bookmarks").EnumerateArray());
        Assert.Contains(all.GetProperty("journal").EnumerateArray(), j => j.GetProperty("activityId").GetString() == "event");
        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noDefinition.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/workflow-definitions/try-it")).StatusCode);
    }

    [Fact]
    public async Task Test_run_routes_the_shipped_case_routing_against_a_sample_case_and_stores_nothing()
    {
        var admin = await App.AsAdminAsync();
        var definition = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/case-routing");
        var sample = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/test-run/sample-case");
        var before = await StoredRowsAsync();

        var run = await (await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new { definition, resumeAll = true }))
            .Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("Suspended", (string)run!["status"]!); // at the liaison's action: a person's decision is not invented
        Assert.Empty(run["incidents"]!.AsArray());
        Assert.True((bool)run["sampleCase"]!);
        Assert.Equal("SAMPLE-0001", (string)run["case"]!["number"]!);
        Assert.Equal((string)sample!["departmentCode"]!, (string)run["case"]!["departmentCode"]!);
        Assert.Equal("dispatched", (string)run["case"]!["status"]!);
        var dispatched = Assert.Single(Effects(run, "CaseDispatched"));
        Assert.Equal((string)sample["departmentCode"]!, (string)dispatched["department"]!["code"]!);
        Assert.Equal(10, (int)dispatched["dueAt"]!["workingDays"]!); // project-landing, normal priority
        // The deadline timers fire in turn: the whole escalation ladder, once each.
        Assert.Equal(["accept", "yellow", "red", "zone"], Effects(run, "CaseEscalated").Select(e => (string)e["level"]!));
        var waiting = Assert.Single(run["bookmarks"]!.AsArray());
        Assert.Equal(("wait", "Liaison.WaitForLiaison"), ((string)waiting!["activityId"]!, (string)waiting["kind"]!));
        Assert.Equal(before, await StoredRowsAsync());
    }

    [Fact]
    public async Task Test_run_routes_an_edited_case_laid_over_the_sample()
    {
        var admin = await App.AsAdminAsync();
        var definition = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/case-routing");
        var sample = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/test-run/sample-case");
        var other = (await admin.GetFromJsonAsync<JsonArray>("/api/departments"))!
            .Select(d => (string)d!["code"]!).First(code => code != (string)sample!["departmentCode"]!);

        var run = await (await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new
        {
            definition,
            resumeAll = true,
            @case = new { departmentCode = other, priority = "urgent", category = "factor-guarantee", title = "停电 Power cut" },
        })).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("Suspended", (string)run!["status"]!);
        Assert.False((bool)run["sampleCase"]!);
        Assert.Equal(("停电 Power cut", "urgent", "SAMPLE-0001"),
            ((string)run["case"]!["title"]!, (string)run["case"]!["priority"]!, (string)run["case"]!["number"]!));
        var dispatched = Assert.Single(Effects(run, "CaseDispatched"));
        Assert.Equal(other, (string)dispatched["department"]!["code"]!);
        Assert.Equal(3, (int)dispatched["dueAt"]!["workingDays"]!); // factor-guarantee's 5 working days, halved for urgent
    }

    [Theory]
    [InlineData("""{"priority":"soon"}""", "case.priority")]
    [InlineData("""{"departmentCode":"no-such-department"}""", "case.departmentCode")]
    [InlineData("""{"category":"gossip"}""", "case.category")]
    [InlineData("""{"colour":"red"}""", "case.colour")]
    [InlineData("""{"title":null}""", "case.title")]
    [InlineData("""{"title":"   "}""", "case.title")]
    [InlineData("""{"assignmentRound":"first"}""", "case.assignmentRound")]
    [InlineData("""{"pendingExtensionDays":0}""", "case.pendingExtensionDays")]
    public async Task Test_run_refuses_a_malformed_case_naming_the_field(string @case, string field)
    {
        var admin = await App.AsAdminAsync();
        var definition = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/case-routing");

        var response = await admin.PostAsJsonAsync("/api/workflow-definitions/test-run",
            new { definition, resumeAll = true, @case = JsonNode.Parse(@case) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(problem!["errors"]?[field] is JsonArray { Count: > 0 }, $"no error for {field}: {problem}");
    }

    [Fact]
    public async Task Test_run_refuses_a_case_that_is_not_an_object()
    {
        var admin = await App.AsAdminAsync();
        var definition = await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/hello-world");

        var response = await admin.PostAsJsonAsync("/api/workflow-definitions/test-run", new { definition, @case = "SAMPLE-0001" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static IEnumerable<JsonObject> Effects(JsonObject run, string type) =>
        run["effects"]!.AsArray().Select(e => e!.AsObject()).Where(e => (string)e["type"]! == type);

    /// <summary>Rows a real run would write: cases, timeline, outbox mail, workflow instances and their timers.</summary>
    private Task<(int, int, int, int, int)> StoredRowsAsync() => App.WithDbAsync(async db => (
        await db.Cases.CountAsync(), await db.CaseEvents.CountAsync(), await db.Outbox.CountAsync(),
        await db.Set<WorkflowInstanceRecord>().CountAsync(), await db.Set<WorkflowBookmarkRecord>().CountAsync()));

    [Fact]
    public async Task Activity_descriptors_describe_the_palette()
    {
        var admin = await App.AsAdminAsync();

        var descriptors = await admin.GetFromJsonAsync<JsonElement>("/api/activity-descriptors");
        var decision = descriptors.EnumerateArray().Single(d => d.GetProperty("type").GetString() == "Elsa.FlowDecision");

        Assert.Equal(["True", "False"], decision.GetProperty("outcomes").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("判断", decision.GetProperty("displayName").GetProperty("zh-CN").GetString());
        Assert.Equal("按条件是否成立，沿“是”或“否”继续。", decision.GetProperty("description").GetProperty("zh-CN").GetString());
        Assert.Equal("Continues along True or False depending on a condition.", decision.GetProperty("description").GetProperty("en").GetString());
        Assert.Equal("要判断的条件。", decision.GetProperty("inputs")[0].GetProperty("description").GetProperty("zh-CN").GetString());
        // The ports keep their identifiers; the labels are for people.
        Assert.Equal("否", decision.GetProperty("outcomeLabels").GetProperty("False").GetProperty("zh-CN").GetString());
        var wait = descriptors.EnumerateArray().Single(d => d.GetProperty("type").GetString() == "Liaison.WaitForLiaison");
        Assert.Equal("已签收", wait.GetProperty("outcomeLabels").GetProperty("Accepted").GetProperty("zh-CN").GetString());
        Assert.Equal("完成", descriptors.EnumerateArray().Single(d => d.GetProperty("type").GetString() == "Elsa.WriteLine")
            .GetProperty("outcomeLabels").GetProperty("Done").GetProperty("zh-CN").GetString());
        Assert.Contains(descriptors.EnumerateArray(), d => d.GetProperty("type").GetString() == "Elsa.SendEmail");

        // An input's closed set of values, each with what it means (added beside choices, which stays a list of codes).
        var template = descriptors.EnumerateArray().Single(d => d.GetProperty("type").GetString() == "Liaison.Notify")
            .GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "template");
        Assert.Contains("overdue", template.GetProperty("choices").EnumerateArray().Select(c => c.GetString()));
        var overdue = template.GetProperty("choiceLabels").GetProperty("overdue");
        Assert.Equal(("逾期（红灯）", "Overdue (red)"), (overdue.GetProperty("zh-CN").GetString(), overdue.GetProperty("en").GetString()));
        Assert.Equal(JsonValueKind.Null, decision.GetProperty("inputs")[0].GetProperty("choiceLabels").ValueKind);
    }

    [Fact]
    public async Task Instances_start_show_their_journal_and_resume_once_through_the_api()
    {
        var admin = await App.AsAdminAsync();
        await admin.PutAsync("/api/workflow-definitions/api-instance", Body(Wf.Json("api-instance",
            [Wf.Start(), Wf.Event("wait", "approved"), Wf.Delay("delay", TimeSpan.FromHours(1)), Wf.End()],
            "start->wait", "wait->delay", "delay->end")));
        var notPublished = await admin.PostAsJsonAsync("/api/workflow-definitions/api-instance/instances", new { });
        await admin.PostAsync("/api/workflow-definitions/api-instance/publish", null);

        var created = await admin.PostAsJsonAsync("/api/workflow-definitions/api-instance/instances", new { input = new { a = 1 }, correlationId = "case-9" });
        var instance = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = instance.GetProperty("id").GetString();
        var wrongEvent = await admin.PostAsync($"/api/workflow-instances/{id}/events/rejected", null);
        var raised = await admin.PostAsync($"/api/workflow-instances/{id}/events/approved", null);
        var afterEvent = await raised.Content.ReadFromJsonAsync<JsonElement>();
        var timerId = afterEvent.GetProperty("bookmarks").EnumerateArray().Single().GetProperty("id").GetString();
        var foreignBookmark = await admin.PostAsJsonAsync($"/api/workflow-instances/{Guid.NewGuid()}/bookmarks/{timerId}/resume", new { });
        var resumed = await admin.PostAsJsonAsync($"/api/workflow-instances/{id}/bookmarks/{timerId}/resume", new { payload = "Done" });
        var twice = await admin.PostAsJsonAsync($"/api/workflow-instances/{id}/bookmarks/{timerId}/resume", new { });
        var final = await admin.GetFromJsonAsync<JsonElement>($"/api/workflow-instances/{id}");

        Assert.Equal(HttpStatusCode.NotFound, notPublished.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(("Suspended", "case-9"), (instance.GetProperty("status").GetString(), instance.GetProperty("correlationId").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, wrongEvent.StatusCode);
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignBookmark.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("already resumed", await twice.Content.ReadAsStringAsync());
        Assert.Equal("Finished", final.GetProperty("status").GetString());
        Assert.Equal(["start", "wait", "wait", "delay", "delay", "end"],
            final.GetProperty("journal").EnumerateArray().Select(j => j.GetProperty("activityId").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/workflow-instances/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/workflow-instances/not-a-guid")).StatusCode);
    }

    [Fact]
    public async Task The_shipped_sample_is_imported_and_runs()
    {
        var admin = await App.AsAdminAsync();

        var created = await admin.PostAsJsonAsync("/api/workflow-definitions/hello-world/instances", new { });
        var instance = await created.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Finished", instance.GetProperty("status").GetString());
    }
}
