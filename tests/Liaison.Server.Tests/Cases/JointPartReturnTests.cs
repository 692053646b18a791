using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// Joint cases (联办): a co-handler returns its part (not the case); the officer reassigns the part to another department
/// or drops it; cancelling the case drops its unfinished parts.
/// </summary>
public sealed class JointPartReturnTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Officer = "officer@test.example";
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly LiaisonApp _app = fixture.App;

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

    private static string Handler(string department) => $"{department}.handler@anyue.example";

    private async Task<List<MimeKit.MimeMessage>> DispatchMailsAsync(string department, string number) =>
        (await MailsAsync(_app, Handler(department), number)).Where(m => m.Subject!.Contains("派单")).ToList();

    private async Task<string> LinkOfAsync(string department, string number) => PathOf(LinkIn((await DispatchMailsAsync(department, number)).Single()));

    private static JsonElement Part(JsonElement c, string department) =>
        c.GetProperty("coDepartments").EnumerateArray().Single(p => p.GetProperty("departmentCode").GetString() == department);

    private static long IdOf(JsonElement part) => part.GetProperty("id").GetInt64();

    private async Task<(HttpClient Officer, string Number, JsonElement Case)> OpenAsync(object body)
    {
        var officer = await _app.AsOfficerAsync(Officer);
        var c = await CaseTestKit.OpenAsync(officer, body);
        return (officer, c.GetProperty("number").GetString()!, c);
    }

    private static Task<HttpResponseMessage> ReturnAsync(HttpClient browser, string link, string note = "施工许可不属于本部门") =>
        PostActionAsync(browser, link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = note });

    [Fact]
    public async Task A_co_handler_returns_its_part_and_the_officer_reassigns_it_to_a_new_department_with_a_new_link_and_deadlines()
    {
        var (officer, number, _) = await OpenAsync(JointCase("zrzyj", ("zjj", "请核实施工许可"), ("gdgs", "请确认供电方案")));
        var browser = _app.Anonymous();
        var zjj = await LinkOfAsync("zjj", number);
        Assert.NotNull(FormFor(await browser.GetStringAsync(zjj), "return"));

        Assert.Equal(HttpStatusCode.Redirect, (await ReturnAsync(browser, zjj, "应由生态环境局核实")).StatusCode);

        // The part is returned; the case (the lead) and the other part are as they were.
        var returned = await GetCaseAsync(officer, number);
        Assert.Equal("dispatched", returned.GetProperty("status").GetString());
        Assert.Equal(0, returned.GetProperty("returns").GetInt32());
        var part = Part(returned, "zjj");
        Assert.Equal("returned", part.GetProperty("status").GetString());
        Assert.Equal(["reassign", "drop"], part.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("dispatched", Part(returned, "gdgs").GetProperty("status").GetString());
        var partId = IdOf(part);
        var returnEntry = returned.GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "return");
        Assert.Equal(partId, returnEntry.GetProperty("partId").GetInt64());

        // The officer is told, naming the department and the reason, with the case page's address.
        var mail = Assert.Single(await MailsAsync(_app, Officer, "协办退回"), m => m.Subject!.Contains(number));
        Assert.Contains("住房和城乡建设局", mail.TextBody);
        Assert.Contains("不属于本部门职责", mail.TextBody);
        Assert.Contains("应由生态环境局核实", mail.TextBody);
        Assert.Contains($"/cases/{number}", mail.TextBody);

        // The officer reassigns it on Wednesday: a new round with deadlines from that instant.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 4, 10, 0, 0, China).ToUniversalTime());
        var request = new { departmentCode = "sthjj", task = "请核实环评批复", requestId = Guid.NewGuid() };
        var first = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/reassign", request);
        var again = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/reassign", request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var reassigned = Part(await GetCaseAsync(officer, number), "sthjj");
        Assert.Equal(partId, IdOf(reassigned));
        Assert.Equal("dispatched", reassigned.GetProperty("status").GetString());
        Assert.Equal(2, reassigned.GetProperty("assignmentRound").GetInt32());
        Assert.Equal("请核实环评批复", reassigned.GetProperty("task").GetString());
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 18, 0, 0, China), reassigned.GetProperty("acceptBy").GetDateTimeOffset());
        // Its own 4 working days would end Tuesday the 10th, after the lead's deadline (Monday the 9th): one working day before it.
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 18, 0, 0, China), reassigned.GetProperty("dueAt").GetDateTimeOffset());

        // One dispatch, whose link works; the returned department's old link is no longer active.
        var dispatch = Assert.Single(await DispatchMailsAsync("sthjj", number));
        Assert.Contains("请核实环评批复", dispatch.TextBody);
        // It says which department returned the part, and why.
        Assert.Contains("此协办任务原派住房和城乡建设局办理，该部门已退回，退回原因：不属于本部门职责。园区现改派贵单位办理。", dispatch.TextBody);
        Assert.Contains("住房和城乡建设局的退回说明：应由生态环境局核实", dispatch.TextBody);
        Assert.DoesNotContain("已退回", Assert.Single(await DispatchMailsAsync("gdgs", number)).TextBody);
        var sthjj = PathOf(LinkIn(dispatch));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, sthjj, "accept")).StatusCode);
        Assert.Equal("accepted", Part(await GetCaseAsync(officer, number), "sthjj").GetProperty("status").GetString());
        var old = await browser.GetAsync(zjj);
        Assert.Equal(HttpStatusCode.Gone, old.StatusCode);
        Assert.Contains("此链接已结束", await old.Content.ReadAsStringAsync());

        // The part's entries name it; its one workflow instance looped back to dispatch and waits again.
        var timeline = (await GetCaseAsync(officer, number)).GetProperty("timeline").EnumerateArray().ToList();
        var moved = Assert.Single(timeline, e => e.GetProperty("kind").GetString() == CaseEventKinds.Reassigned);
        Assert.Equal(partId, moved.GetProperty("partId").GetInt64());
        Assert.Equal(2, timeline.Count(e => e.GetProperty("kind").GetString() == CaseEventKinds.Dispatched
            && e.TryGetProperty("partId", out var p) && p.ValueKind == JsonValueKind.Number && p.GetInt64() == partId));
        var child = await _app.WithDbAsync(db => db.Set<WorkflowInstanceRecord>().SingleAsync(i => i.CorrelationId!.EndsWith($"/part:{partId}")));
        Assert.Equal(WorkflowStatus.Suspended, child.Status);
        Assert.Equal("dispatched", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_officer_drops_parts_their_links_end_and_the_lead_then_resolves_without_a_reason()
    {
        var (officer, number, _) = await OpenAsync(JointCase("zrzyj", ("jtysj", "道路开口"), ("rsj", "用工招聘")));
        var browser = _app.Anonymous();
        var lead = await LinkOfAsync("zrzyj", number);
        var jtysj = await LinkOfAsync("jtysj", number);
        var rsj = await LinkOfAsync("rsj", number);
        await PostActionAsync(browser, lead, "accept");
        await ReturnAsync(browser, jtysj);
        var ids = (await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray().ToDictionary(p => p.GetProperty("departmentCode").GetString()!, IdOf);

        // An open part within its time stands between the lead and resolving (it may not be resolved over yet).
        var early = await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        // An open part (not returned) may be dropped; a returned one still blocks the lead, unless resolved over with a reason.
        var droppedOpen = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{ids["rsj"]}/drop", new { reason = "企业已自行招聘" });
        Assert.Equal(HttpStatusCode.OK, droppedOpen.StatusCode);
        var returned = await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结" });
        Assert.Equal(HttpStatusCode.BadRequest, returned.StatusCode);
        Assert.Contains("jtysj", await returned.Content.ReadAsStringAsync());

        var dropped = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{ids["jtysj"]}/drop", new { reason = "道路开口由企业自行报批" });
        Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);

        var c = await GetCaseAsync(officer, number);
        Assert.Equal("dropped", Part(c, "jtysj").GetProperty("status").GetString());
        Assert.Equal("道路开口由企业自行报批", Part(c, "jtysj").GetProperty("endedReason").GetString());
        Assert.Equal("dropped", Part(c, "rsj").GetProperty("status").GetString());
        Assert.Empty(Part(c, "rsj").GetProperty("allowedActions").EnumerateArray());
        Assert.Equal(2, c.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == CaseEventKinds.PartDropped
            && e.GetProperty("partId").ValueKind == JsonValueKind.Number));
        foreach (var link in new[] { jtysj, rsj })
        {
            var gone = await browser.GetAsync(link);
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
            Assert.Contains("此链接已结束", await gone.Content.ReadAsStringAsync());
        }

        // The parts' workflows are cancelled: no timers or waits are left for them.
        var children = await _app.WithDbAsync(db => db.Set<WorkflowInstanceRecord>()
            .Where(i => i.CorrelationId!.EndsWith($"/part:{ids["jtysj"]}") || i.CorrelationId!.EndsWith($"/part:{ids["rsj"]}")).ToListAsync());
        Assert.Equal(2, children.Count);
        Assert.All(children, i => Assert.Equal(WorkflowStatus.Cancelled, i.Status));
        var childIds = children.Select(i => i.Id).ToList();
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<WorkflowBookmarkRecord>().CountAsync(b => childIds.Contains(b.InstanceId))));

        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结" })).StatusCode);
        Assert.Equal("resolved", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bad_part_decisions_are_4xx_naming_the_field_and_change_nothing()
    {
        var (officer, number, _) = await OpenAsync(JointCase("zrzyj", ("zjj", null), ("gdgs", null)));
        var (_, otherNumber, other) = await OpenAsync(JointCase("fgj", ("swj", null)));
        var browser = _app.Anonymous();
        await ReturnAsync(browser, await LinkOfAsync("zjj", number));
        var before = await GetCaseAsync(officer, number);
        var zjj = IdOf(Part(before, "zjj"));
        var gdgs = IdOf(Part(before, "gdgs"));
        var mails = (await MailsAsync(_app, Handler("sthjj"))).Count;

        async Task ExpectAsync(string path, object body, HttpStatusCode status, string? field = null, string? says = null)
        {
            var response = await officer.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{path} {JsonSerializer.Serialize(body)}: {response.StatusCode} {text}");
            if (field is not null)
            {
                Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out var errors), $"errors should name {field}: {text}");
                if (says is not null)
                {
                    Assert.Contains(says, errors.EnumerateArray().Select(e => e.GetString()!).First());
                }
            }
        }

        var reassign = $"/api/cases/{number}/parts/{zjj}/reassign";
        await ExpectAsync(reassign, new { departmentCode = "nowhere" }, HttpStatusCode.BadRequest, "departmentCode");
        await ExpectAsync(reassign, new { departmentCode = "" }, HttpStatusCode.BadRequest, "departmentCode");
        await ExpectAsync(reassign, new { departmentCode = "zrzyj" }, HttpStatusCode.BadRequest, "departmentCode");
        // The departments by name, as the lead's refusal names it, not by code.
        await ExpectAsync(reassign, new { departmentCode = "gdgs" }, HttpStatusCode.BadRequest, "departmentCode", "供电公司已是本事项的协办部门（待签收）");
        await ExpectAsync(reassign, new { departmentCode = "zjj" }, HttpStatusCode.BadRequest, "departmentCode", "住房和城乡建设局已退回此协办");
        await ExpectAsync(reassign, new { departmentCode = "sthjj", task = new string('长', 501) }, HttpStatusCode.BadRequest, "task");
        await ExpectAsync($"/api/cases/{number}/parts/{gdgs}/reassign", new { departmentCode = "sthjj" }, HttpStatusCode.Conflict);
        await ExpectAsync($"/api/cases/{number}/parts/{zjj}/drop", new { reason = "  " }, HttpStatusCode.BadRequest, "reason");
        await ExpectAsync($"/api/cases/{number}/parts/{zjj}/drop", new { }, HttpStatusCode.BadRequest, "reason");
        await ExpectAsync($"/api/cases/{otherNumber}/parts/{zjj}/drop", new { reason = "错案" }, HttpStatusCode.NotFound);
        await ExpectAsync($"/api/cases/{number}/parts/{IdOf(Part(other, "swj"))}/reassign", new { departmentCode = "sthjj" }, HttpStatusCode.NotFound);
        await ExpectAsync($"/api/cases/{number}/parts/999999999/drop", new { reason = "x" }, HttpStatusCode.NotFound);
        await ExpectAsync($"/api/cases/AYKF-2026-999999/parts/{zjj}/drop", new { reason = "x" }, HttpStatusCode.NotFound);

        var after = await GetCaseAsync(officer, number);
        Assert.Equal(before.GetProperty("coDepartments").GetRawText(), after.GetProperty("coDepartments").GetRawText());
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
        Assert.Equal("dispatched", Part(await GetCaseAsync(officer, otherNumber), "swj").GetProperty("status").GetString());
        Assert.Equal(mails, (await MailsAsync(_app, Handler("sthjj"))).Count);
    }

    [Fact]
    public async Task After_a_part_is_reassigned_its_earlier_entries_still_name_the_department_that_acted_and_the_leads_say_so()
    {
        var (officer, number, _) = await OpenAsync(JointCase("zrzyj", ("zjj", "请核实施工许可")));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, await LinkOfAsync("zrzyj", number), "accept");
        await ReturnAsync(browser, await LinkOfAsync("zjj", number), "应由生态环境局核实");
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "zjj"));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/reassign", new { departmentCode = "sthjj" })).StatusCode);

        var casePage = WebUtility.HtmlDecode(await (await _app.SignInThroughFormAsync(Officer, "officer-password-1")).GetStringAsync($"/cases/{number}"));
        var newcomerPage = WebUtility.HtmlDecode(await browser.GetStringAsync(await LinkOfAsync("sthjj", number)));

        // The return was 住房和城乡建设局's, though the part is 生态环境局's now.
        Assert.Contains("住房和城乡建设局（协办）；原因：", casePage);
        Assert.DoesNotContain("生态环境局（协办）；原因：", casePage);
        Assert.Contains("<span>协办由 住房和城乡建设局 改派至 生态环境局</span>", casePage); // the part moved, not the case
        Assert.Contains("住房和城乡建设局（协办）；原因：", newcomerPage);
        Assert.DoesNotContain("生态环境局（协办）；原因：", newcomerPage);
        // The co-handler reads the lead's accept as the lead's, not its own; the header counts say they are the lead's.
        Assert.True(newcomerPage.Contains("签收（自然资源和规划局（主办）；状态：已签收）", StringComparison.Ordinal), newcomerPage);
        Assert.Contains("自然资源和规划局（主办）", casePage);
        Assert.Contains("主办退回 / 延期申请 / 重办", casePage);
        Assert.Contains("<dt>主办部门</dt><dd>自然资源和规划局</dd>", casePage);

        // A link page shows the latest entries only: the lead's are still named once its dispatch is out of sight.
        var lead = await LinkOfAsync("zrzyj", number);
        for (var i = 0; i < 13; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, lead, "progress", new() { ["note"] = $"进展 {i}" })).StatusCode);
        }

        var later = WebUtility.HtmlDecode(await browser.GetStringAsync(await LinkOfAsync("sthjj", number)));
        Assert.DoesNotContain("派单（自然资源和规划局", later);
        Assert.Contains("进展（自然资源和规划局（主办））：进展 12", later);
    }

    [Fact]
    public async Task The_officer_reassigns_a_returned_part_from_the_case_page()
    {
        var (officer, number, _) = await OpenAsync(JointCase("zrzyj", ("jxj", "请协调电价")));
        await ReturnAsync(_app.Anonymous(), await LinkOfAsync("jxj", number));
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "jxj"));
        var browser = await _app.SignInThroughFormAsync(Officer, "officer-password-1");

        var page = await browser.GetStringAsync($"/cases/{number}");
        var form = FormFor(page, $"part-reassign-{partId}");
        Assert.NotNull(form);
        Assert.NotNull(FormFor(page, $"part-drop-{partId}"));
        Assert.Contains("施工许可不属于本部门", page);
        form["__RequestVerificationToken"] = TokenIn(page);
        form["departmentCode"] = "fgj";
        form["task"] = "";
        var posted = await browser.PostAsync($"/cases/{number}/parts/{partId}/reassign", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var part = Part(await GetCaseAsync(officer, number), "fgj");
        Assert.Equal("dispatched", part.GetProperty("status").GetString());
        Assert.Equal("请协调电价", part.GetProperty("task").GetString());
        Assert.Single(await DispatchMailsAsync("fgj", number));
        Assert.Null(FormFor(await browser.GetStringAsync($"/cases/{number}"), $"part-reassign-{partId}"));
    }

    [Fact]
    public async Task Cancelling_a_joint_case_drops_its_unfinished_parts_and_leaves_submitted_ones()
    {
        var (officer, number, _) = await OpenAsync(JointCase("zrzyj", ("zjj", null), ("gdgs", null), ("rsj", null)));
        var browser = _app.Anonymous();
        var zjj = await LinkOfAsync("zjj", number);
        var gdgs = await LinkOfAsync("gdgs", number);
        var rsj = await LinkOfAsync("rsj", number);
        await PostActionAsync(browser, zjj, "accept");
        await PostActionAsync(browser, zjj, "submit", new() { ["note"] = "已核实" });
        await ReturnAsync(browser, gdgs);

        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业撤回诉求" })).StatusCode);

        var c = await GetCaseAsync(officer, number);
        Assert.Equal("cancelled", c.GetProperty("status").GetString());
        Assert.Equal("submitted", Part(c, "zjj").GetProperty("status").GetString());
        Assert.Equal("dropped", Part(c, "gdgs").GetProperty("status").GetString());
        Assert.Equal("dropped", Part(c, "rsj").GetProperty("status").GetString());
        Assert.Equal("企业撤回诉求", Part(c, "rsj").GetProperty("endedReason").GetString());
        foreach (var link in new[] { gdgs, rsj })
        {
            Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(link)).StatusCode);
        }

        // The co-handlers still at work are told the whole case was cancelled, not that their part alone was withdrawn.
        var told = Assert.Single(await MailsAsync(_app, Handler("rsj"), number), m => m.Subject!.StartsWith("【已撤销】", StringComparison.Ordinal));
        Assert.Contains("园区已撤销以下联办事项（主办部门：自然资源和规划局）", told.TextBody);
        Assert.Empty(await MailsAsync(_app, Handler("rsj"), "协办已撤回"));

        var rsjId = IdOf(Part(c, "rsj"));
        var child = await _app.WithDbAsync(db => db.Set<WorkflowInstanceRecord>().SingleAsync(i => i.CorrelationId!.EndsWith($"/part:{rsjId}")));
        Assert.Equal(WorkflowStatus.Cancelled, child.Status);
    }
}
