using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// A routing whose Dispatch sets its own resolve limit: the form and the preview show what a case gets, urgent halves it,
/// and a co-handler's part is due before the lead's deadline. Its own app: it publishes a case-routing of its own.
/// </summary>
public sealed class RoutingLimitsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private async Task PublishRoutingResolvingWithinAsync(int days, int reopenDays)
    {
        var admin = await _app.AsAdminAsync();
        var definition = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/case-routing"))!;
        var dispatch = definition["root"]!["activities"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "Liaison.Dispatch")!.AsObject();
        // As the designer writes a number typed into the field.
        dispatch["resolveWithinWorkingDays"] = new JsonObject { ["typeName"] = "Int32", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = days.ToString() } };
        var reopen = definition["root"]!["activities"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "Liaison.Reopen")!.AsObject();
        reopen["resolveWithinWorkingDays"] = new JsonObject { ["typeName"] = "Int32", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = reopenDays } };
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/workflow-definitions/case-routing", definition)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/workflow-definitions/case-routing/publish", null)).StatusCode);
    }

    private static object Case(string priority, params string[] co) => new
    {
        title = "项目用水报装",
        description = "新厂房需接入市政供水。",
        category = "other",
        priority,
        departmentCode = "zrzyj",
        enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
        coDepartments = co.Select(c => new { departmentCode = c }).ToArray(),
    };

    [Fact]
    public async Task The_preview_and_the_form_show_the_routings_own_limit_urgent_halves_it_and_a_co_handler_is_due_before_the_lead()
    {
        await PublishRoutingResolvingWithinAsync(3, reopenDays: 6);
        var officer = await _app.AsOfficerAsync();

        var normal = await officer.GetFromJsonAsync<JsonElement>("/api/cases/deadline-preview?category=other&priority=normal");
        var urgent = await officer.GetFromJsonAsync<JsonElement>("/api/cases/deadline-preview?category=other&priority=urgent");
        var openedNormal = await OpenAsync(officer, Case("normal", "zjj"));
        var openedUrgent = await OpenAsync(officer, Case("urgent"));
        var form = await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync("/cases/new");

        // The category says 10; the routing says 3, and that is what the case gets (the preview said 10 before).
        Assert.Equal(3, normal.GetProperty("dueAt").GetProperty("workingDays").GetInt32());
        Assert.Equal(normal.GetProperty("dueAt").GetProperty("due").GetDateTimeOffset(), openedNormal.GetProperty("dueAt").GetDateTimeOffset());
        // Urgent halves it, rounded up, as the form promises (it was taken as written: 3 for urgent too).
        Assert.Equal(2, urgent.GetProperty("dueAt").GetProperty("workingDays").GetInt32());
        Assert.Equal(urgent.GetProperty("dueAt").GetProperty("due").GetDateTimeOffset(), openedUrgent.GetProperty("dueAt").GetDateTimeOffset());
        Assert.True(openedUrgent.GetProperty("dueAt").GetDateTimeOffset() < openedNormal.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Contains("其他（签收 1 / 办结 3 个工作日）", form);

        // The co-handler's part: one working day before the lead's 3 (it was the category's 10 less one: 9, after the lead's).
        var part = (await GetCaseAsync(officer, openedNormal.GetProperty("number").GetString()!)).GetProperty("coDepartments")[0];
        var partDue = part.GetProperty("dueAt").GetDateTimeOffset();
        Assert.Equal(normal.GetProperty("coHandler").GetProperty("dueAt").GetProperty("due").GetDateTimeOffset(), partDue);
        Assert.Equal(2, normal.GetProperty("coHandler").GetProperty("dueAt").GetProperty("workingDays").GetInt32());
        Assert.True(partDue < openedNormal.GetProperty("dueAt").GetDateTimeOffset());
        var mail = (await MailsAsync(_app, "zjj.handler@anyue.example", openedNormal.GetProperty("number").GetString()!)).Single(m => m.Subject!.Contains("派单"));
        Assert.Contains(partDue.ToOffset(TimeSpan.FromHours(8)).ToString("M月d日"), mail.TextBody);

        // Reopened, the urgent case gets half the routing's reopening limit (6): 3 working days from now, not 6.
        var urgentNumber = openedUrgent.GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, "zrzyj.handler@anyue.example", urgentNumber)).Single(m => m.Subject!.StartsWith("【紧急】【派单】"))));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), link, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), link, "resolve", new() { ["note"] = "已接通" })).StatusCode);
        var expected = Liaison.Cases.Calendar.WorkingCalendar.Create().AddWorkingDays(_app.Clock.GetUtcNow(), 3).Due;
        // The case page's reopen form says so before (it counted with the category's 10, halved: 5).
        var resolvedPage = await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync($"/cases/{urgentNumber}");
        Assert.Contains($"今天重办，办结期限为 {expected.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm}。", resolvedPage);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{urgentNumber}/reopen", new { note = "水压不足" })).StatusCode);
        Assert.Equal(expected, (await GetCaseAsync(officer, urgentNumber)).GetProperty("dueAt").GetDateTimeOffset());

        // The co-handlers' own routing sets theirs (1): the preview shows it, as the part gets it (it showed the lead's less one).
        var admin = await _app.AsAdminAsync();
        var parts = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/case-part-routing"))!;
        parts["root"]!["activities"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "Liaison.Dispatch")!.AsObject()["resolveWithinWorkingDays"] =
            new JsonObject { ["typeName"] = "Int32", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = 1 } };
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/workflow-definitions/case-part-routing", parts)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/workflow-definitions/case-part-routing/publish", null)).StatusCode);
        var own = await officer.GetFromJsonAsync<JsonElement>("/api/cases/deadline-preview?category=other&priority=normal");
        var joint = await OpenAsync(officer, Case("normal", "zjj"));
        var ownPart = (await GetCaseAsync(officer, joint.GetProperty("number").GetString()!)).GetProperty("coDepartments")[0];
        Assert.Equal(1, own.GetProperty("coHandler").GetProperty("dueAt").GetProperty("workingDays").GetInt32());
        Assert.Equal(own.GetProperty("coHandler").GetProperty("dueAt").GetProperty("due").GetDateTimeOffset(), ownPart.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_reopen_form_counts_with_the_Reopen_step_of_the_version_the_case_runs_on_not_the_published_one()
    {
        await PublishRoutingResolvingWithinAsync(3, reopenDays: 6);
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, Case("normal"))).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, "zrzyj.handler@anyue.example", number)).Single(m => m.Subject!.StartsWith("【派单】"))));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), link, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), link, "resolve", new() { ["note"] = "已接通" })).StatusCode);
        // A newer routing reopens within 2; the case stays on the version it started with, whose Reopen says 6.
        await PublishRoutingResolvingWithinAsync(3, reopenDays: 2);

        var expected = Liaison.Cases.Calendar.WorkingCalendar.Create().AddWorkingDays(_app.Clock.GetUtcNow(), 6).Due;
        var page = await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync($"/cases/{number}");
        // It read the published 2: not later than the deadline the case has (3), so it said the date is kept.
        Assert.Contains($"今天重办，办结期限为 {expected.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm}。", page);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reopen", new { note = "水压不足" })).StatusCode);
        Assert.Equal(expected, (await GetCaseAsync(officer, number)).GetProperty("dueAt").GetDateTimeOffset());
    }
}
