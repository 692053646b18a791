using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Hardening;

/// <summary>
/// Issue 12 §7: a case's workflow moves only through the case's actions (which check who may act and write the
/// timeline), never through the generic workflow-instance API, not even an admin's.
/// </summary>
public sealed class CaseWorkflowBypassTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task An_admin_cannot_resume_signal_or_start_a_case_workflow_through_the_instance_api()
    {
        var admin = await _app.AsAdminAsync();
        var opened = await OpenAsync(admin);
        var number = opened.GetProperty("number").GetString()!;
        var instanceId = Guid.Parse(opened.GetProperty("workflowInstanceId").GetString()!);
        var bookmarks = await _app.WithDbAsync(db => db.Set<WorkflowBookmarkRecord>().Where(b => b.InstanceId == instanceId).Select(b => b.Id).ToListAsync());
        var timelineBefore = (await GetCaseAsync(admin, number)).GetProperty("timeline").GetArrayLength();
        Assert.NotEmpty(bookmarks);

        foreach (var bookmark in bookmarks)
        {
            var resume = await admin.PostAsJsonAsync($"/api/workflow-instances/{instanceId}/bookmarks/{bookmark}/resume", new { payload = "Resolved" });
            Assert.Equal(HttpStatusCode.Forbidden, resume.StatusCode);
            Assert.Contains("/api/cases/", (await resume.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }

        var signal = await admin.PostAsJsonAsync($"/api/workflow-instances/{instanceId}/events/resolved", new { });
        var start = await admin.PostAsJsonAsync("/api/workflow-definitions/case-routing/instances", new { correlationId = "case:1" });

        Assert.Equal(HttpStatusCode.Forbidden, signal.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, start.StatusCode);
        var after = await GetCaseAsync(admin, number);
        Assert.Equal("dispatched", after.GetProperty("status").GetString());
        Assert.Equal(timelineBefore, after.GetProperty("timeline").GetArrayLength());
        Assert.Equal(bookmarks.Count, await _app.WithDbAsync(db => db.Set<WorkflowBookmarkRecord>().CountAsync(b => b.InstanceId == instanceId)));
        // Reading it stays allowed: admins look inside a case's workflow at /admin/workflow-instances/{id}.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/workflow-instances/{instanceId}")).StatusCode);
    }
}
