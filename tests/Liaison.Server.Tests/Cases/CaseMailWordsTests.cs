using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Calendar;
using Liaison.Server.Templates;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// The words and recipients of a joint case's mails when its lead is reassigned (改派), when it is reopened (重办) asking
/// co-handlers again, when a co-handling department gets a new handler (转交), and when the last part comes in. Read
/// from the SMTP listener; each action is sent twice with one request id and mails once.
/// </summary>
public sealed class CaseMailWordsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private static string Handler(string department) => $"{department}.handler@anyue.example";

    private static object JointCase(string lead, params (string Code, string? Task)[] co) => new
    {
        title = "园区道路排水改造",
        description = "道路改造涉及排水管网和施工许可。",
        category = "factor-guarantee",
        priority = "normal",
        departmentCode = lead,
        enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
        coDepartments = co.Select(c => new { departmentCode = c.Code, task = c.Task }).ToArray(),
    };

    private async Task<string> DispatchLinkAsync(string department, string number) =>
        PathOf(LinkIn((await MailsAsync(_app, Handler(department), number)).First(m => m.Subject!.Contains("派单"))));

    private async Task ActAsync(string link, string action, Dictionary<string, string>? fields = null)
    {
        var response = await PostActionAsync(_app.Anonymous(), link, action, fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<List<MimeKit.MimeMessage>> MailsAboutAsync(string to, string subjectPart, string number) =>
        (await MailsAsync(_app, to, subjectPart)).Where(m => m.Subject!.Contains(number)).ToList();

    [Fact]
    public async Task Reassigning_a_joint_cases_lead_tells_each_open_co_handler_the_new_lead_and_the_new_lead_where_it_came_from()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointCase("jtysj", ("swuj", "请核实排水管网"), ("gsgs", null)))).GetProperty("number").GetString()!;
        var swuj = await DispatchLinkAsync("swuj", number);
        await ActAsync(swuj, "accept");
        // gsgs's part is in: nothing more is asked of it, so it is not told.
        var gsgs = await DispatchLinkAsync("gsgs", number);
        await ActAsync(gsgs, "accept");
        await ActAsync(gsgs, "submit", new() { ["note"] = "供水已确认" });

        var request = new { departmentCode = "sfj", note = "涉及征拆协调，改由司法局牵头", requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", request)).StatusCode);

        var told = Assert.Single(await MailsAboutAsync(Handler("swuj"), "【主办部门变更】", number));
        Assert.Contains("园区已将主办部门由交通运输局改派为司法局", told.TextBody);
        Assert.Contains("今后请与司法局（经办人：司法局联络人（示例））对接协办事宜", told.TextBody);
        Assert.Contains("协办任务：请核实排水管网", told.TextBody);
        Assert.Contains("改派为司法局", told.HtmlBody);
        // Its link is its part's, still live: it opens the part.
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().GetAsync(PathOf(LinkIn(told)))).StatusCode);
        Assert.Empty(await MailsAboutAsync(Handler("gsgs"), "【主办部门变更】", number));
        // Its leader follows the part (the dispatch's copy gave them a link): copied, in a leader's words, with a link of their own.
        var copied = Assert.Single(await MailsAboutAsync("swuj.leader@anyue.example", "【主办部门变更】", number));
        Assert.Contains("今后贵单位联络人将与司法局（经办人：司法局联络人（示例））对接协办事宜", copied.TextBody);
        Assert.Contains("本邮件抄送贵单位分管领导，供知悉。", copied.TextBody);
        Assert.DoesNotContain("今后请与", copied.TextBody);
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().GetAsync(PathOf(LinkIn(copied)))).StatusCode);
        Assert.Empty(await MailsAboutAsync("gsgs.leader@anyue.example", "【主办部门变更】", number));

        // The new lead reads that the case was reassigned, from which department, and the officer's note, though no one returned it.
        var dispatch = Assert.Single(await MailsAboutAsync(Handler("sfj"), "【派单】", number));
        Assert.Contains("本事项原由交通运输局办理，园区现改派贵单位办理。", dispatch.TextBody);
        Assert.Contains("园区说明：涉及征拆协调，改由司法局牵头", dispatch.TextBody);
        Assert.Contains("园区说明：涉及征拆协调，改由司法局牵头", dispatch.HtmlBody);
    }

    [Fact]
    public async Task A_joint_cases_lead_reassigned_after_it_returned_the_case_is_named_to_the_co_handler_too()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointCase("jtysj", ("swuj", null)))).GetProperty("number").GetString()!;
        await ActAsync(await DispatchLinkAsync("swuj", number), "accept");
        await ActAsync(await DispatchLinkAsync("jtysj", number), "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "需其他部门牵头" });

        var request = new { departmentCode = "sfj", note = "改由司法局牵头", requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", request)).StatusCode);

        var told = Assert.Single(await MailsAboutAsync(Handler("swuj"), "【主办部门变更】", number));
        Assert.Contains("由交通运输局改派为司法局", told.TextBody);
        var dispatch = Assert.Single(await MailsAboutAsync(Handler("sfj"), "【派单】", number));
        Assert.Contains("原派交通运输局办理，该部门已退回", dispatch.TextBody);
    }

    [Fact]
    public async Task A_co_handler_asked_again_on_a_reopening_reads_why_and_the_lead_reads_whom_and_when_all_parts_are_in()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("zjj", "请核实施工许可"), ("gdgs", null)))).GetProperty("number").GetString()!;
        var lead = await DispatchLinkAsync("zrzyj", number);
        await ActAsync(lead, "accept");
        foreach (var department in new[] { "zjj", "gdgs" })
        {
            var link = await DispatchLinkAsync(department, number);
            await ActAsync(link, "accept");
            await ActAsync(link, "submit", new() { ["note"] = $"{department} 已办妥" });
        }

        // The lead's 【协办意见已提交】: the first says the others are still to come, the last that all are in.
        var submitted = await MailsAboutAsync(Handler("zrzyj"), "【协办意见已提交】", number);
        Assert.Equal(2, submitted.Count);
        Assert.Contains("各协办部门均提交后即可办结", submitted[0].TextBody);
        Assert.Contains("各协办部门均已提交，可以办结。", submitted[1].TextBody);
        Assert.DoesNotContain("各协办部门均提交后即可办结", submitted[1].TextBody);

        await ActAsync(lead, "resolve", new() { ["note"] = "均已落实" });
        var reopen = new { note = "施工许可条件有变，请重新核实", coDepartments = new[] { "zjj" }, requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reopen", reopen)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reopen", reopen)).StatusCode);

        var again = Assert.Single(await MailsAboutAsync(Handler("zjj"), "【派单·协办·重办】", number));
        Assert.Contains("园区已对以下联办事项重办（主办部门为自然资源和规划局），请贵单位重新协办", again.TextBody);
        Assert.Contains("重办原因：施工许可条件有变，请重新核实", again.TextBody);
        Assert.Contains("贵单位上一轮已提交协办意见", again.TextBody);
        Assert.Contains("重办原因：施工许可条件有变，请重新核实", again.HtmlBody);
        Assert.Empty(await MailsAboutAsync(Handler("gdgs"), "重办", number));
        // The department's leader's copy of that dispatch is worded for the part asked again, not as a fresh dispatch.
        var copy = Assert.Single(await MailsAboutAsync("zjj.leader@anyue.example", "【派单抄送·协办·重办】", number));
        Assert.Contains("园区已对以下联办事项重办（主办部门为自然资源和规划局），请贵单位重新协办", copy.TextBody);
        Assert.Contains("重办原因：施工许可条件有变，请重新核实", copy.TextBody);
        Assert.Contains("贵单位上一轮已提交协办意见", copy.TextBody);
        Assert.Contains("协办任务：请核实施工许可", copy.TextBody);
        Assert.DoesNotContain("贵单位收到一件园区联办事项", copy.TextBody);
        Assert.Contains("重办原因：施工许可条件有变，请重新核实", copy.HtmlBody);
        Assert.Empty(await MailsAboutAsync("gdgs.leader@anyue.example", "重办", number));

        var reopened = Assert.Single(await MailsAboutAsync(Handler("zrzyj"), "【重办】", number));
        Assert.Contains("重新协办：住房和城乡建设局", reopened.TextBody);
        Assert.DoesNotContain("重新协办：供电公司", reopened.TextBody);
        Assert.Contains("重新协办", reopened.HtmlBody);
    }

    [Fact]
    public async Task A_co_handling_parts_new_handler_reads_the_words_of_a_part_not_of_a_lead()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("nyncj", "请核实农用地")))).GetProperty("number").GetString()!;
        await ActAsync(await DispatchLinkAsync("nyncj", number), "accept");

        var admin = await _app.AsAdminAsync();
        var saved = await admin.PutAsJsonAsync("/api/departments/nyncj", new
        {
            name = "农业农村局",
            handler = new { name = "新经办人", email = "nyncj.new.handler@anyue.example" },
            leader = new { name = "农业农村局分管领导（示例）", email = "nyncj.leader@anyue.example" },
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var handover = Assert.Single(await MailsAboutAsync("nyncj.new.handler@anyue.example", "【转交】", number));
        Assert.Contains("主办部门：自然资源和规划局（贵单位协办）", handover.TextBody);
        Assert.Contains("协办任务：请核实农用地", handover.TextBody);
        Assert.DoesNotContain("责任部门", handover.TextBody);
        Assert.DoesNotContain("责任部门", handover.HtmlBody);
        Assert.Contains("提交协办意见", handover.TextBody);
        Assert.DoesNotContain("或办结", handover.TextBody);
        // The part was accepted: no call to accept it, nor its acceptance deadline.
        Assert.DoesNotContain("签收", handover.TextBody);
        Assert.DoesNotContain("签收", handover.HtmlBody);
    }

    [Fact]
    public async Task A_co_handling_parts_new_leader_reads_that_it_oversees_the_part_not_the_lead_case()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("wjj", "请核实卫生许可")))).GetProperty("number").GetString()!;
        await ActAsync(await DispatchLinkAsync("wjj", number), "accept");

        var admin = await _app.AsAdminAsync();
        var saved = await admin.PutAsJsonAsync("/api/departments/wjj", new
        {
            name = "卫生健康局",
            handler = new { name = "卫生健康局联络人（示例）", email = Handler("wjj") },
            leader = new { name = "新分管领导", email = "wjj.new.leader@anyue.example" },
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var handover = Assert.Single(await MailsAboutAsync("wjj.new.leader@anyue.example", "【分管转交·协办】", number));
        Assert.Contains("贵单位在以下联办事项中的协办任务（主办部门为自然资源和规划局）今后请您分管", handover.TextBody);
        Assert.DoesNotContain("以下事项（", handover.TextBody);
        Assert.Contains("协办任务：请核实卫生许可", handover.TextBody);
        Assert.Contains("督促经办人按期提交协办意见", handover.TextBody);
        Assert.Contains("查看协办任务（只读）", handover.TextBody);
        Assert.Contains("查看协办任务（只读）", handover.HtmlBody);
        Assert.DoesNotContain("责任部门", handover.TextBody);
        // The part was accepted: its acceptance deadline is no longer news.
        Assert.DoesNotContain("签收期限", handover.TextBody);
        Assert.DoesNotContain("签收期限", handover.HtmlBody);
    }

    [Fact]
    public async Task The_template_previews_sample_dates_are_working_days()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var calendar = await scope.ServiceProvider.GetRequiredService<CalendarService>().GetAsync(default);
        var sample = scope.ServiceProvider.GetRequiredService<MailTemplateService>().Sample("zh-CN", calendar);

        foreach (var date in new[] { sample.AcceptBy, sample.DueAt, sample.OriginalDueAt, sample.ExtensionDueIfApproved })
        {
            Assert.True(calendar.IsWorkingDay(calendar.LocalDate(date!.Value)), $"{date} is not a working day");
        }
    }
}
