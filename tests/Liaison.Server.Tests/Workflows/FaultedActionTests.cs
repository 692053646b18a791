using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Workflows;

/// <summary>
/// A published version with a mistake the validator cannot see (an expression's value) faults when a person acts: the
/// action changes nothing, and the admins find the fault among the incidents, under the number the person was given;
/// the case's officer sees it on the case's page.
/// </summary>
public sealed class FaultedActionTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(FaultedActionTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Publishes case-routing with <paramref name="activityId"/>'s <paramref name="input"/> set to a JavaScript expression.</summary>
    private static async Task PublishWithExpressionAsync(HttpClient admin, string activityId, string input, string script)
    {
        var routing = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/case-routing"))!;
        var activity = routing["root"]!["activities"]!.AsArray().Single(a => (string?)a!["id"] == activityId)!;
        activity[input] = new JsonObject
        {
            ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "JavaScript", ["value"] = script },
        };
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/workflow-definitions/case-routing", routing)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/workflow-definitions/case-routing/publish", null)).StatusCode);
    }

    [Fact]
    public async Task A_mail_kind_nobody_has_sends_nothing_and_is_an_incident_while_the_case_goes_on()
    {
        var admin = await _app.AsAdminAsync();
        await PublishWithExpressionAsync(admin, "notify-returned", "template", "'no-such' + '-kind'");
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, "fgj.handler@anyue.example", number)).Single()));

        var returned = await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" });

        Assert.Equal(HttpStatusCode.Redirect, returned.StatusCode);
        Assert.Equal("returned", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
        Assert.Empty(await MailsAsync(_app, "officer@test.example", "【退回】"));
        var incident = await _app.WithDbAsync(db => db.Set<WorkflowIncidentRecord>().AsNoTracking().SingleAsync());
        Assert.Equal("notify-returned", incident.ActivityId);
        Assert.Contains("no-such-kind", incident.Message);
    }

    [Fact]
    public async Task An_action_that_faults_the_workflow_changes_nothing_and_is_an_incident_the_admins_see_under_the_number_given()
    {
        var admin = await _app.AsAdminAsync();
        await PublishWithExpressionAsync(admin, "status-accepted", "status", "'fly' + 'ing'");
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        // The designer's versions tab says what runs on which version.
        var versions = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/workflow-definitions/case-routing/versions");
        Assert.Equal(1, versions[0].GetProperty("runningInstances").GetInt32());
        Assert.All(versions.EnumerateArray().Skip(1), v => Assert.Equal(0, v.GetProperty("runningInstances").GetInt32()));
        var link = PathOf(LinkIn((await MailsAsync(_app, "fgj.handler@anyue.example", number)).Single()));

        var refused = await PostActionAsync(_app.Anonymous(), link, "accept");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        var said = System.Text.RegularExpressions.Regex.Match(page, "已记为流程故障 #(\\d+)");
        Assert.True(said.Success, page);
        Assert.DoesNotContain("Unknown case status", page); // the engine's words are for the admins
        var c = await GetCaseAsync(officer, number);
        Assert.Equal("dispatched", c.GetProperty("status").GetString());
        Assert.DoesNotContain(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "accept");
        var incident = await _app.WithDbAsync(db => db.Set<WorkflowIncidentRecord>().AsNoTracking().SingleAsync());
        Assert.Equal(long.Parse(said.Groups[1].Value), incident.Id);
        Assert.Equal("status-accepted", incident.ActivityId);
        Assert.Contains("flying", incident.Message);
        Assert.EndsWith("[操作 Accepted 已回滚 / the action Accepted was rolled back]", incident.Message);
        var adminPages = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var list = await adminPages.GetStringAsync("/admin/workflow-instances");
        Assert.Contains("flying", list);
        Assert.Contains($"<td class=\"nowrap\">#{incident.Id}</td>", list);
        // The number the person was given finds it.
        var found = await adminPages.GetAsync($"/admin/workflow-instances?q=%23{incident.Id}");
        Assert.Equal(HttpStatusCode.Redirect, found.StatusCode);
        Assert.Equal($"/admin/workflow-instances/{incident.InstanceId}#incident-{incident.Id}", found.Headers.Location!.OriginalString);
        var instancePage = await adminPages.GetStringAsync($"/admin/workflow-instances/{incident.InstanceId}");
        Assert.Contains($"id=\"incident-{incident.Id}\"", instancePage);
        // The instance's page links to its case, and the case's page shows the officer the incident and where to look.
        Assert.Contains($"<a href=\"/cases/{number}\" data-case-link>事项 {number}</a>", instancePage);
        // The officer gets the number to quote; only an admin gets the link to the instance's page (an admin page).
        var casePage = await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync($"/cases/{number}");
        Assert.Matches($"<li data-incident=\"{incident.Id}\">\\s*流程故障 #{incident.Id} · ", casePage);
        Assert.DoesNotContain($"/admin/workflow-instances/{incident.InstanceId}", casePage);
        Assert.Contains($"<a href=\"/admin/workflow-instances/{incident.InstanceId}#incident-{incident.Id}\">流程实例</a>",
            await adminPages.GetStringAsync($"/cases/{number}"));
        Assert.Equal(HttpStatusCode.NotFound, (await adminPages.GetAsync($"/admin/workflow-instances?q={incident.Id + 1000}")).StatusCode);
    }
}
