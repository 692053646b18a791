using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>A refused decision or action says why in words that help: what was decided instead, by whom and when, said once.</summary>
public sealed class RefusalWordsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Handler = "fgj.handler@anyue.example";
    private readonly LiaisonApp _app = fixture.App;

    private string Now => _app.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
    }

    private async Task<(HttpClient Officer, string Number, string Link)> OpenAsync()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        return (officer, number, PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Handler, number)))));
    }

    [Fact]
    public async Task Accepting_again_says_it_was_accepted_once_and_the_state_only_when_it_moved_on()
    {
        var (_, _, link) = await OpenAsync();
        var handler = _app.Anonymous();
        var accept = FormFor(await handler.GetStringAsync(link), "accept")!;
        Assert.Equal(HttpStatusCode.Redirect, (await handler.PostAsync(link, new FormUrlEncodedContent(accept))).StatusCode);

        var again = await handler.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>(accept) { ["requestId"] = Guid.NewGuid().ToString() }));
        await PostActionAsync(handler, link, "progress", new() { ["note"] = "已现场勘察" });
        var later = await handler.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>(accept) { ["requestId"] = Guid.NewGuid().ToString() }));

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var page = await again.Content.ReadAsStringAsync();
        Assert.Contains("事项已签收", page);
        Assert.DoesNotContain("当前状态：已签收", page);
        Assert.Contains("事项已签收，当前状态：办理中", await later.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_extension_decision_after_the_handler_resolved_says_the_resolve_withdrew_the_request()
    {
        var (officer, number, link) = await OpenAsync();
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        await PostActionAsync(handler, link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(handler, link, "resolve", new() { ["note"] = "已提前完成" })).StatusCode);

        var detail = await DetailAsync(await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true, note = "同意" }));

        Assert.Contains($"没有待审批的延期申请：该申请已于 {Now} 撤回（经办人已办结）", detail);
        Assert.Contains($"There is no extension request to decide: it was withdrawn at {Now} (the handler resolved the case)", detail);
    }

    [Fact]
    public async Task An_extension_decision_after_a_colleagues_says_who_decided_it_and_how()
    {
        var (officer, number, link) = await OpenAsync();
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        await PostActionAsync(handler, link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });
        var colleague = await _app.AsOfficerAsync("colleague@test.example");
        await _app.NameAsync("colleague@test.example", "李四");
        Assert.Equal(HttpStatusCode.OK, (await colleague.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = false, note = "不同意" })).StatusCode);

        var detail = await DetailAsync(await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true, note = "同意" }));

        Assert.Contains($"没有待审批的延期申请：该申请已由 李四 于 {Now} 不予批准", detail);
        Assert.Contains($"李四 denied it at {Now}", detail);
    }

    [Fact]
    public async Task A_parts_extension_decision_after_its_submission_says_the_submission_withdrew_it()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await CaseTestKit.OpenAsync(officer, JointPartExtensionTests.JointCase("zjj", ("gsgs", "请核实用水指标")));
        var number = opened.GetProperty("number").GetString()!;
        var partId = JointPartExtensionTests.IdOf(JointPartExtensionTests.Part(opened, "gsgs"));
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "gsgs.handler@anyue.example", number), m => m.Subject!.Contains("派单"))));
        var coHandler = _app.Anonymous();
        await PostActionAsync(coHandler, link, "accept");
        await PostActionAsync(coHandler, link, "extension", new() { ["days"] = "2", ["note"] = "需等待水厂回复" });
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(coHandler, link, "submit", new() { ["note"] = "用水指标满足" })).StatusCode);

        var detail = await DetailAsync(await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", new { approve = true }));

        Assert.Contains($"此协办没有待审批的延期申请：该申请已于 {Now} 撤回（协办部门已提交协办意见）", detail);
    }

    [Fact]
    public async Task A_rating_decision_after_a_colleagues_says_what_was_decided_by_whom_and_when()
    {
        var officer = await _app.AsOfficerAsync();
        var enterprise = await RatingTestKit.RegisterAsync(officer, 77);
        var number = await RatingTestKit.OpenForAsync(officer, enterprise);
        await RatingTestKit.ConfirmAsync(_app, officer, number);
        var rate = (await RatingTestKit.EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RatingTestKit.RateAsync(_app.Anonymous(), rate, "unsatisfied", "仍未通电")).StatusCode);
        var colleague = await _app.AsOfficerAsync("colleague@test.example");
        await _app.NameAsync("colleague@test.example", "李四");
        var reopened = await colleague.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请供电公司复测" });
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        var followUp = (await reopened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("followUpCaseNumber").GetString();

        var detail = await DetailAsync(await officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "close", note = "已说明" }));

        Assert.Contains($"李四 已于 {Now} 对企业评价作出决定：重办（重办事项 {followUp}）", detail);
        Assert.Contains($"The enterprise's rating was already decided by 李四 at {Now}: reopened as follow-up case {followUp}", detail);
    }

    [Fact]
    public async Task A_tampered_checkbox_or_decision_on_the_case_page_is_named_by_its_label_not_its_field_key()
    {
        var (_, number, link) = await OpenAsync();
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var urged = await browser.PostAsync($"/cases/{number}/urge", new FormUrlEncodedContent(
            new Dictionary<string, string>(FormFor(await browser.GetStringAsync($"/cases/{number}"), "urge")!) { ["note"] = "请办理", ["copyLeader"] = "yes" }));
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        await PostActionAsync(handler, link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });
        var page = await browser.GetStringAsync($"/cases/{number}");

        var decided = await browser.PostAsync($"/cases/{number}/extension-decision",
            new FormUrlEncodedContent(new Dictionary<string, string>(FormFor(page, "extension-decision")!) { ["note"] = "同意", ["approve"] = "maybe" }));

        Assert.Equal(HttpStatusCode.BadRequest, urged.StatusCode);
        var urgedPage = await urged.Content.ReadAsStringAsync();
        Assert.Contains("同时抄送分管领导：勾选框只能发送 true", urgedPage);
        Assert.DoesNotContain("copyLeader", urgedPage.Replace("name=\"copyLeader\"", ""));
        Assert.Equal(HttpStatusCode.BadRequest, decided.StatusCode);
        var decidedPage = await decided.Content.ReadAsStringAsync();
        Assert.Contains("是否批准：请选择批准或不批准（true/false）", decidedPage);
        Assert.DoesNotContain("审批意见", decidedPage);
    }
}
