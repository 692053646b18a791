using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Workflows;

/// <summary>
/// The admins' page of one workflow instance (<c>/admin/workflow-instances/{id}</c>), through a browser-like client
/// carrying the sign-in cookie: a parent and its waiting child link to each other; unknown and malformed ids get their
/// pages; only admins see it.
/// </summary>
public sealed class WorkflowInstancePageTests(WorkflowInstancePageTests.Fixture fixture) : IClassFixture<WorkflowInstancePageTests.Fixture>
{
    public sealed class Fixture : AppFixture
    {
        protected override bool WithSmtp => false;
    }

    private LiaisonApp App => fixture.App;

    [Fact]
    public async Task The_parent_page_links_its_waiting_child_and_the_child_page_links_back_to_the_parent_and_the_activity_that_started_it()
    {
        var admin = await App.AsAdminAsync();
        await PublishAsync(admin, "page-child", Wf.Json("page-child", [Wf.Event("hold", "go")]));
        await PublishAsync(admin, "page-parent", Wf.Json("page-parent",
            [Wf.Start(), Wf.Activity("run-child", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", Wf.Literal("page-child")))], "start->run-child"));
        var started = await admin.PostAsJsonAsync("/api/workflow-definitions/page-parent/instances", new { correlationId = "page-corr-1" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var parentId = (await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var childId = (await admin.GetFromJsonAsync<JsonObject>($"/api/workflow-instances/{parentId}"))!["children"]!.AsArray().Single()!["id"]!.GetValue<Guid>();
        var browser = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

        var parentResponse = await browser.GetAsync($"/admin/workflow-instances/{parentId}");
        var parent = await parentResponse.Content.ReadAsStringAsync();
        var child = await browser.GetStringAsync($"/admin/workflow-instances/{childId}");

        Assert.Equal(HttpStatusCode.OK, parentResponse.StatusCode);
        Assert.StartsWith("text/html", parentResponse.Content.Headers.ContentType?.ToString());
        Assert.Contains(parentId.ToString(), parent);
        Assert.Contains("href=\"/designer#page-parent@1\"", parent); // the version it runs, in the designer
        Assert.Contains("page-corr-1", parent);
        Assert.Contains("data-status=\"Suspended\"", parent);
        Assert.DoesNotContain("data-parent-link", parent); // a top-level instance has no parent
        var row = Row(parent, childId);
        Assert.Contains($"href=\"/admin/workflow-instances/{childId}\"", row);
        Assert.Contains("page-child", row);
        Assert.Contains("<code>run-child</code>", row);
        Assert.Contains("等待中", row);
        Assert.Contains("<code>run-child</code>", Section(parent, "data-bookmarks")); // it waits for its child
        Assert.Contains("<code>start</code>", Section(parent, "data-journal"));

        Assert.Matches($"<a href=\"/admin/workflow-instances/{parentId}\"[^>]*data-parent-link", child);
        Assert.Contains("由活动 <code>run-child</code> 启动", child);
        Assert.Contains("href=\"/designer#page-child@1\"", child);
        Assert.Contains("<code>hold</code>", Section(child, "data-bookmarks"));
        Assert.Contains("没有子流程实例", child);

        // The child's event ends both: each page says so, and the parent waits for nothing more.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/workflow-instances/{childId}/events/go", new { })).StatusCode);
        var parentAfter = await browser.GetStringAsync($"/admin/workflow-instances/{parentId}");
        Assert.Contains("data-status=\"Finished\"", await browser.GetStringAsync($"/admin/workflow-instances/{childId}"));
        Assert.Contains("data-status=\"Finished\"", parentAfter);
        Assert.Contains("已结束", Row(parentAfter, childId));
        Assert.Contains("没有等待点", parentAfter);
    }

    [Fact]
    public async Task The_list_shows_the_latest_incidents_and_finds_a_cases_instances_or_one_by_its_id()
    {
        var admin = await App.AsAdminAsync();
        var officer = await App.AsOfficerAsync("instance-list-officer@test.example");
        await PublishAsync(admin, "list-runaway", Wf.Json("list-runaway",
            [Wf.Start(), Wf.WriteLine("a", "a"), Wf.WriteLine("b", "b")], "start->a", "a->b", "b->a"));
        var started = await admin.PostAsJsonAsync("/api/workflow-definitions/list-runaway/instances", new { });
        var faulted = (await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var browser = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

        var list = await browser.GetStringAsync("/admin/workflow-instances");
        var byId = await browser.GetAsync($"/admin/workflow-instances?q={faulted}");
        var byCase = await browser.GetAsync($"/admin/workflow-instances?q={number}");
        var unknownCase = await browser.GetAsync("/admin/workflow-instances?q=AYKF-1999-000001");
        var unknownId = await browser.GetAsync($"/admin/workflow-instances?q={Guid.NewGuid()}");
        var index = await browser.GetStringAsync("/admin");

        var incident = Regex.Match(list, $"<tr data-incident=\"{faulted}\".*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("list-runaway · 第 1 版", incident);
        Assert.Contains("Runaway", incident);
        Assert.Contains("出错终止", incident);
        Assert.Matches($"href=\"/admin/workflow-instances/{faulted}#incident-\\d+\"", incident);
        Assert.Equal(HttpStatusCode.Redirect, byId.StatusCode);
        Assert.Equal($"/admin/workflow-instances/{faulted}", byId.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, byCase.StatusCode);
        var found = Section(await byCase.Content.ReadAsStringAsync(), "data-found");
        Assert.Contains("case-routing", found);
        Assert.Contains("等待中", found);
        Assert.Equal(HttpStatusCode.NotFound, unknownCase.StatusCode);
        Assert.Contains("没有编号为 AYKF-1999-000001 的事项或流程实例", await unknownCase.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknownId.StatusCode);
        // The admin's start page warns of the week's incidents and links the list.
        Assert.Contains("data-warning=\"incidents\"", index);
        Assert.Contains("href=\"/admin/workflow-instances\"", index);
    }

    [Fact]
    public async Task An_unknown_id_gets_a_404_page_and_a_malformed_one_a_400_page()
    {
        var browser = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var unknown = Guid.NewGuid();

        var missing = await browser.GetAsync($"/admin/workflow-instances/{unknown}");
        var malformed = await browser.GetAsync("/admin/workflow-instances/not-a-guid");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.StartsWith("text/html", missing.Content.Headers.ContentType?.ToString());
        Assert.Contains($"没有编号为 {unknown} 的流程实例", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.StartsWith("text/html", malformed.Content.Headers.ContentType?.ToString());
        Assert.Contains("“not-a-guid”不是流程实例编号", await malformed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_and_officers_are_forbidden()
    {
        var path = $"/admin/workflow-instances/{Guid.NewGuid()}";
        await App.AsOfficerAsync("instance-page-officer@test.example");

        var anonymous = await App.Anonymous().GetAsync(path);
        var officer = await (await SignInAsync("instance-page-officer@test.example", "officer-password-1")).GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/account/login", anonymous.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), anonymous.Headers.Location.Query);
        Assert.Equal(HttpStatusCode.Forbidden, officer.StatusCode);
        Assert.Contains("此页面仅限管理员使用", await officer.Content.ReadAsStringAsync());
    }

    private static async Task PublishAsync(HttpClient admin, string definitionId, string json)
    {
        var saved = await admin.PutAsync($"/api/workflow-definitions/{definitionId}", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        var published = await admin.PostAsync($"/api/workflow-definitions/{definitionId}/publish", null);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
    }

    private Task<HttpClient> SignInAsync(string email, string password) => App.SignInThroughFormAsync(email, password);

    private static string Row(string page, Guid child) =>
        Regex.Match(page, $"<tr data-child=\"{child}\".*?</tr>", RegexOptions.Singleline) is { Success: true } m
            ? m.Value
            : throw new InvalidOperationException($"No row for child {child} in:\n{page}");

    private static string Section(string page, string marker) =>
        Regex.Match(page, $"<table {marker}.*?</table>", RegexOptions.Singleline) is { Success: true } m
            ? m.Value
            : throw new InvalidOperationException($"No table {marker} in:\n{page}");
}
