using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// Whoever holds a live link to a case or a co-handling part hears when the zone ends it (撤销, 撤回协办, 改派) or closes it
/// (销号): the handler, the leader (whose copy link ends too), the co-handling departments. Read from the SMTP listener.
/// </summary>
public sealed class RoundEndMailTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private static string Handler(string department) => $"{department}.handler@anyue.example";

    private static string Leader(string department) => $"{department}.leader@anyue.example";

    private static object JointCase(string lead, params (string Code, string? Task)[] co) => new
    {
        title = "新厂房无法投产",
        description = "用地、施工许可、供电需同时协调。",
        category = "factor-guarantee",
        priority = "normal",
        departmentCode = lead,
        enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
        coDepartments = co.Select(c => new { departmentCode = c.Code, task = c.Task }).ToArray(),
    };

    private async Task<string> LinkOfAsync(string department, string number) =>
        PathOf(LinkIn((await MailsAsync(_app, Handler(department), number)).Single(m => m.Subject!.Contains("派单"))));

    private static long PartId(JsonElement c, string department) =>
        c.GetProperty("coDepartments").EnumerateArray().Single(p => p.GetProperty("departmentCode").GetString() == department).GetProperty("id").GetInt64();

    [Fact]
    public async Task Cancelling_tells_the_handler_and_the_leader_why_once_with_no_link()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("fgj"))).GetProperty("number").GetString()!;
        var leaderLink = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Leader("fgj"), number))));

        var request = new { note = "企业已自行解决用电问题", requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", request)).StatusCode);

        foreach (var to in new[] { Handler("fgj"), Leader("fgj") })
        {
            var told = Assert.Single(await MailsAsync(_app, to, "【已撤销】"), m => m.Subject!.Contains(number));
            Assert.Contains("园区已撤销以下事项", told.TextBody);
            Assert.Contains("撤销说明：企业已自行解决用电问题", told.TextBody);
            Assert.Contains("链接已失效", told.TextBody);
            Assert.DoesNotContain("/l/", told.TextBody);
            // The leader's copy says it is one (the HTML part too).
            Assert.Equal(to == Leader("fgj"), told.TextBody!.Contains("本邮件抄送贵单位分管领导，供知悉。"));
            Assert.Equal(to == Leader("fgj"), told.HtmlBody!.Contains("本邮件抄送贵单位分管领导，供知悉。"));
        }

        Assert.Equal(HttpStatusCode.Gone, (await _app.Anonymous().GetAsync(leaderLink)).StatusCode);
    }

    [Fact]
    public async Task Withdrawing_a_co_handlers_part_tells_its_leader_too()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await OpenAsync(officer, JointCase("zrzyj", ("rsj", "请协调用工")));
        var number = opened.GetProperty("number").GetString()!;
        var partId = PartId(opened, "rsj");

        var request = new { reason = "企业已自行招聘", requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/drop", request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/drop", request)).StatusCode);

        foreach (var to in new[] { Handler("rsj"), Leader("rsj") })
        {
            var told = Assert.Single(await MailsAsync(_app, to, "【协办已撤回】"), m => m.Subject!.Contains(number));
            Assert.Contains("撤回原因：企业已自行招聘", told.TextBody);
            Assert.DoesNotContain("/l/", told.TextBody);
        }

        // The lead's people keep their case: nothing ended for them.
        Assert.Empty(await MailsAsync(_app, Leader("zrzyj"), "【协办已撤回】"));
    }

    [Fact]
    public async Task A_joint_case_closing_tells_each_co_handling_department_with_the_outcome_once()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("zjj", "请核实施工许可"), ("gdgs", null)))).GetProperty("number").GetString()!;
        var browser = _app.Anonymous();
        foreach (var co in new[] { "zjj", "gdgs" })
        {
            var link = await LinkOfAsync(co, number);
            await PostActionAsync(browser, link, "accept");
            await PostActionAsync(browser, link, "submit", new() { ["note"] = "已落实" });
        }

        var lead = await LinkOfAsync("zrzyj", number);
        await PostActionAsync(browser, lead, "accept");
        await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "用地、施工许可、供电均已落实" });
        var confirm = new { note = "企业确认已投产", requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/confirm", confirm)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/confirm", confirm)).StatusCode);

        var zjj = Assert.Single(await MailsAsync(_app, Handler("zjj"), "【已销号】"), m => m.Subject!.Contains(number));
        Assert.Contains("以下联办事项已由主办部门自然资源和规划局办结，园区已确认并销号，贵单位的协办任务（请核实施工许可）随之完成", zjj.TextBody);
        Assert.Contains("主办部门：自然资源和规划局", zjj.TextBody);
        Assert.Contains("办理结果：用地、施工许可、供电均已落实", zjj.TextBody);
        var gdgs = Assert.Single(await MailsAsync(_app, Handler("gdgs"), "【已销号】"), m => m.Subject!.Contains(number));
        Assert.Contains("办理结果：用地、施工许可、供电均已落实", gdgs.TextBody);

        // The lead's own 【已销号】 is as before: the officer's note, no co-handling words.
        var own = Assert.Single(await MailsAsync(_app, Handler("zrzyj"), "【已销号】"), m => m.Subject!.Contains(number));
        Assert.Contains("园区已确认以下事项办结", own.TextBody);
        Assert.Contains("说明：企业确认已投产", own.TextBody);
    }

    [Fact]
    public async Task A_returned_case_reassigned_tells_the_department_that_returned_it_where_it_went_and_ends_its_links()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("fgj"))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync("fgj", number);
        var leaderLink = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Leader("fgj"), number))));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "用电报装属供电公司" });

        var request = new { departmentCode = "gdgs", note = "改由供电公司办理", requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", request)).StatusCode);

        foreach (var to in new[] { Handler("fgj"), Leader("fgj") })
        {
            var told = Assert.Single(await MailsAsync(_app, to, "【已改派】"), m => m.Subject!.Contains(number));
            Assert.Contains("改派至：供电公司", told.TextBody);
            Assert.Contains("改派说明：改由供电公司办理", told.TextBody);
            Assert.Contains("链接已失效", told.TextBody);
            Assert.DoesNotContain("/l/", told.TextBody);
        }

        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(leaderLink)).StatusCode);
        Assert.Single(await MailsAsync(_app, Handler("gdgs"), number));
    }

    [Fact]
    public async Task A_case_reassigned_from_its_handler_tells_them_and_the_leader_where_it_went()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("fgj"))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync("fgj", number);
        await PostActionAsync(_app.Anonymous(), link, "accept");

        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "zrzyj", note = "涉及用地，改由自然资源和规划局牵头" })).StatusCode);

        foreach (var to in new[] { Handler("fgj"), Leader("fgj") })
        {
            var told = Assert.Single(await MailsAsync(_app, to, "【已改派】"), m => m.Subject!.Contains(number));
            Assert.Contains("改派至：自然资源和规划局", told.TextBody);
            Assert.Contains("改派说明：涉及用地，改由自然资源和规划局牵头", told.TextBody);
            // The leader's copy says it is one, and whose the case no longer is (it read as the handler's: 不再由您办理).
            Assert.Equal(to == Leader("fgj"), told.TextBody!.Contains("不再由贵单位办理") && told.TextBody.Contains("本邮件抄送贵单位分管领导，供知悉。"));
            Assert.Equal(to == Handler("fgj"), told.TextBody!.Contains("不再由您办理"));
        }

        Assert.Equal(HttpStatusCode.Gone, (await _app.Anonymous().GetAsync(link)).StatusCode);
    }

    [Fact]
    public async Task A_returned_part_reassigned_tells_the_co_handler_that_returned_it_where_it_went()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await OpenAsync(officer, JointCase("zrzyj", ("zjj", "请核实安全评价")));
        var number = opened.GetProperty("number").GetString()!;
        var link = await LinkOfAsync("zjj", number);
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "安全评价应由应急管理局核实" });

        var request = new { departmentCode = "yjglj", task = "请核实应急预案", note = "改由应急管理局协办", requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{PartId(opened, "zjj")}/reassign", request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{PartId(opened, "zjj")}/reassign", request)).StatusCode);

        var told = Assert.Single(await MailsAsync(_app, Handler("zjj"), "【已改派】"), m => m.Subject!.Contains(number));
        // Its part is the task it had, not the one given to the new department with the reassignment.
        Assert.Contains("协办任务（请核实安全评价）改派给其他部门", told.TextBody);
        Assert.DoesNotContain("请核实应急预案", told.TextBody);
        Assert.Contains("请核实应急预案", Assert.Single(await MailsAsync(_app, Handler("yjglj"), number)).TextBody);
        Assert.Contains("改派至：应急管理局", told.TextBody);
        Assert.Contains("改派说明：改由应急管理局协办", told.TextBody);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(link)).StatusCode);
    }
}
