using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>待园区决定: the case list's filter for the cases waiting for an officer's decision.</summary>
public sealed class CaseDecisionFilterTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task The_filter_lists_returned_resolved_and_extension_cases_and_returned_parts_and_nothing_else()
    {
        var officer = await _app.AsOfficerAsync();
        async Task<(string Number, string Link)> OpenAsync(string department, string title, object? body = null)
        {
            var number = (await CaseTestKit.OpenAsync(officer, body ?? NewCase(department, title: title))).GetProperty("number").GetString()!;
            var mail = (await MailsAsync(_app, $"{department}.handler@anyue.example", "【派单】")).Single(m => m.Subject!.Contains(number));
            return (number, PathOf(LinkIn(mail)));
        }

        var browser = _app.Anonymous();
        var untouched = await OpenAsync("swgj", "待决定筛选 未签收");
        var accepted = await OpenAsync("swgj", "待决定筛选 已签收");
        await PostActionAsync(browser, accepted.Link, "accept");
        var returned = await OpenAsync("swgj", "待决定筛选 退回");
        await PostActionAsync(browser, returned.Link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" });
        var resolved = await OpenAsync("swgj", "待决定筛选 办结");
        await PostActionAsync(browser, resolved.Link, "accept");
        await PostActionAsync(browser, resolved.Link, "resolve", new() { ["note"] = "已办结" });
        var extension = await OpenAsync("swgj", "待决定筛选 延期");
        await PostActionAsync(browser, extension.Link, "accept");
        await PostActionAsync(browser, extension.Link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });
        var joint = await OpenAsync("sfj", "", new
        {
            title = "待决定筛选 联办", description = "需公安局协助核实。", category = "factor-guarantee", priority = "normal", departmentCode = "sfj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
            coDepartments = new[] { new { departmentCode = "gaj", task = "请核实" } },
        });
        var partLink = PathOf(LinkIn((await MailsAsync(_app, "gaj.handler@anyue.example", "【派单·协办】")).Single(m => m.Subject!.Contains(joint.Number))));
        await PostActionAsync(browser, partLink, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "非本局职责" });

        async Task<List<string>> NumbersAsync(string query) =>
            (await officer.GetFromJsonAsync<JsonElement>($"/api/cases?q={Uri.EscapeDataString("待决定筛选")}&{query}")).GetProperty("items").EnumerateArray()
                .Select(c => c.GetProperty("number").GetString()!).Order().ToList();

        Assert.Equal(new[] { returned.Number, resolved.Number, extension.Number, joint.Number }.Order(), await NumbersAsync("decision=true"));
        Assert.Equal(new[] { untouched.Number, accepted.Number }.Order(), await NumbersAsync("decision=false"));
        Assert.Equal([returned.Number], await NumbersAsync("decision=true&status=returned"));
        // Alone, the filter is counted and paged from the waiting ids themselves (this class's app has only these cases).
        var alone = await officer.GetFromJsonAsync<JsonElement>("/api/cases?decision=true");
        Assert.Equal(4, alone.GetProperty("total").GetInt32());
        Assert.Equal(new[] { returned.Number, resolved.Number, extension.Number, joint.Number }.OrderDescending(),
            alone.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("number").GetString()!));
        Assert.Empty((await officer.GetFromJsonAsync<JsonElement>("/api/cases?decision=true&page=2")).GetProperty("items").EnumerateArray());
        // Each says what waits for the decision (an extension request read only "in progress").
        var why = alone.GetProperty("items").EnumerateArray().ToDictionary(c => c.GetProperty("number").GetString()!,
            c => string.Join(" | ", c.GetProperty("awaiting").EnumerateArray().Select(a => a.GetProperty("zh").GetString())));
        Assert.Equal("部门退回，待改派或坚持原派", why[returned.Number]);
        Assert.Equal("已办结，待确认销号或重办", why[resolved.Number]);
        Assert.Equal("申请延期 3 个工作日，待审批", why[extension.Number]);
        Assert.Equal("协办部门 公安局 退回", why[joint.Number]);
        // With another filter, the waiting cases' ids are read once and paged newest first in the request.
        var mine = await officer.GetFromJsonAsync<JsonElement>("/api/cases?decision=true&officer=me");
        Assert.Equal(4, mine.GetProperty("total").GetInt32());
        Assert.Equal(new[] { returned.Number, resolved.Number, extension.Number, joint.Number }.OrderDescending(),
            mine.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("number").GetString()!));
        Assert.Equal(HttpStatusCode.BadRequest, (await officer.GetAsync("/api/cases?decision=maybe")).StatusCode);

        // The page keeps the choice, and its export link carries it.
        var signedIn = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var page = await signedIn.GetStringAsync($"/cases?decision=true&q={Uri.EscapeDataString("待决定筛选")}");
        Assert.Matches("<select id=\"f-decision\" name=\"decision\">\\s*<option value>[^<]*</option>\\s*<option value=\"true\" selected", page);
        Assert.Contains(extension.Number, page);
        Assert.Contains("<span class=\"tag note\" data-awaiting>申请延期 3 个工作日，待审批</span>", page);
        Assert.DoesNotContain(untouched.Number, page);
        Assert.Contains("decision=true", System.Text.RegularExpressions.Regex.Match(page, "<a href=\"([^\"]+)\" data-export").Groups[1].Value);
        var csv = await signedIn.GetStringAsync($"/api/cases/export.csv?decision=true&q={Uri.EscapeDataString("待决定筛选")}");
        Assert.Equal(5, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
