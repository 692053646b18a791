using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>含曾经办理的: the department filter with involved=true also finds the cases the department returned or had moved away.</summary>
public sealed class CaseInvolvedFilterTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task A_department_finds_the_cases_it_returned_or_whose_part_moved_away_with_involved()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        object Body(string department, string title, object[]? co = null) => new
        {
            title, description = "调度会核对。", category = "factor-guarantee", priority = "normal", departmentCode = department,
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
            coDepartments = co ?? [],
        };
        async Task<string> LinkAsync(string department, string subject, string number) =>
            PathOf(LinkIn((await MailsAsync(_app, $"{department}.handler@anyue.example", subject)).Single(m => m.Subject!.Contains(number))));

        // 经信局 returned it, and the officer reassigned it to 发改局.
        var returned = (await OpenAsync(officer, Body("jxj", "曾办核对 退回"))).GetProperty("number").GetString()!;
        await PostActionAsync(browser, await LinkAsync("jxj", "【派单】", returned), "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" });
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{returned}/reassign", new { departmentCode = "fgj", note = "改由发改局办理" })).StatusCode);

        // 经信局 co-handled it, returned its part, and the part went to 公安局.
        var part = (await OpenAsync(officer, Body("fgj", "曾办核对 协办", [new { departmentCode = "jxj", task = "请核实" }]))).GetProperty("number").GetString()!;
        await PostActionAsync(browser, await LinkAsync("jxj", "【派单·协办】", part), "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "非本局职责" });
        var partId = (await GetCaseAsync(officer, part)).GetProperty("coDepartments")[0].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK,
            (await officer.PostAsJsonAsync($"/api/cases/{part}/parts/{partId}/reassign", new { departmentCode = "gaj", note = "改由公安局协办" })).StatusCode);

        var held = (await OpenAsync(officer, Body("jxj", "曾办核对 在办"))).GetProperty("number").GetString()!;
        await OpenAsync(officer, Body("fgj", "曾办核对 无关"));

        async Task<List<string>> NumbersAsync(string query) =>
            [.. (await officer.GetFromJsonAsync<JsonElement>($"/api/cases?q={Uri.EscapeDataString("曾办核对")}&departmentCode=jxj&{query}"))
                .GetProperty("items").EnumerateArray().Select(c => c.GetProperty("number").GetString()!)];

        Assert.Equal([held], await NumbersAsync(""));
        Assert.Equal([held, part, returned], await NumbersAsync("involved=true"));
        Assert.Equal([held, returned], await NumbersAsync("involved=true&role=lead"));
        Assert.Equal([part], await NumbersAsync("involved=true&role=co"));
        Assert.Equal([held, part, returned], await NumbersAsync("involved=true&sort=newest"));
        var counted = await officer.GetFromJsonAsync<JsonElement>($"/api/cases?q={Uri.EscapeDataString("曾办核对")}&departmentCode=jxj&involved=true&pageSize=1&page=2");
        Assert.Equal(3, counted.GetProperty("total").GetInt32());
        Assert.Equal(part, counted.GetProperty("items")[0].GetProperty("number").GetString());
        // With another order: the same cases.
        Assert.Equal(new[] { held, part, returned }.Order(), (await NumbersAsync("involved=true&sort=due")).Order());

        // Without a department it means nothing: said, not ignored.
        var refused = await officer.GetAsync("/api/cases?involved=true");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("“含曾经办理的”须先选择部门", await refused.Content.ReadAsStringAsync());

        // The page's checkbox, kept in the export link; the CSV lists the same cases.
        var signedIn = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var html = await signedIn.GetStringAsync($"/cases?department=jxj&involved=true&q={Uri.EscapeDataString("曾办核对")}");
        Assert.Matches("<input id=\"f-involved\" name=\"involved\" type=\"checkbox\" value=\"true\" checked", html);
        Assert.Contains(returned, html);
        Assert.Contains(part, html);
        var export = Regex.Match(html, "<a href=\"([^\"]+)\" data-export").Groups[1].Value.Replace("&amp;", "&");
        Assert.Contains("involved=true", export);
        var csv = await signedIn.GetStringAsync(export);
        Assert.Equal([held, part, returned], csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]));
        Assert.DoesNotContain(returned, await signedIn.GetStringAsync($"/cases?department=jxj&q={Uri.EscapeDataString("曾办核对")}"));
    }
}
