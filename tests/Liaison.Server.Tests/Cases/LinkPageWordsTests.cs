using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Hosting;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// What a liaison's link page says to whoever holds it: where a case or part went when it was reassigned (改派) rather
/// than to the department's new liaison, that a returned part waits for the officer, one reason on a closed case's
/// refused form, when the next reminder may go, and what comes next after an action.
/// </summary>
public sealed class LinkPageWordsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private static string Handler(string department) => $"{department}.handler@anyue.example";

    private static string Leader(string department) => $"{department}.leader@anyue.example";

    private async Task<string> LinkOfAsync(string to, string number, string subject = "派单") =>
        PathOf(LinkIn(Assert.Single(await MailsAsync(_app, to, number), m => m.Subject!.Contains(subject))));

    private static long PartId(JsonElement c, string department) =>
        c.GetProperty("coDepartments").EnumerateArray().Single(p => p.GetProperty("departmentCode").GetString() == department).GetProperty("id").GetInt64();

    private static async Task<string> InEnglishAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "liaison.lang=en");
        return WebUtility.HtmlDecode(await (await client.SendAsync(request)).Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> ReturnAsync(HttpClient browser, string link) =>
        PostActionAsync(browser, link, "return", new() { ["reasonCode"] = "needs-other-department", ["note"] = "应由行政审批局办理" });

    [Fact]
    public async Task A_part_moved_to_another_department_says_where_it_went_on_its_old_links_and_a_new_liaison_is_still_told_so()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await OpenAsync(officer, JointPartExtensionTests.JointCase("zrzyj", ("zjj", "请核实施工许可"), ("gsgs", "请核实用水指标")));
        var number = opened.GetProperty("number").GetString()!;
        var handlerLink = await LinkOfAsync(Handler("zjj"), number);
        var leaderLink = await LinkOfAsync(Leader("zjj"), number);
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await ReturnAsync(browser, handlerLink)).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{PartId(opened, "zjj")}/reassign", new { departmentCode = "xzspj", note = "改由行政审批局协办" })).StatusCode);

        var handlers = await browser.GetAsync(handlerLink);

        // As its 【已改派】 mail says (改派至：行政审批局), not "your department's new liaison".
        Assert.Equal(HttpStatusCode.Gone, handlers.StatusCode);
        var page = WebUtility.HtmlDecode(await handlers.Content.ReadAsStringAsync());
        Assert.Contains("贵单位在该事项中的协办已结束：已改派至行政审批局。无需再操作。", page);
        Assert.DoesNotContain("新的联络人", page);
        var leaders = await browser.GetAsync(leaderLink);
        Assert.Equal(HttpStatusCode.Gone, leaders.StatusCode);
        Assert.Contains("此链接用于督促本单位办理该事项，现已无需督办：已改派至行政审批局。", WebUtility.HtmlDecode(await leaders.Content.ReadAsStringAsync()));
        // In English the Chinese department's name says its language, for a screen reader to read it in Chinese.
        var english = await InEnglishAsync(_app.Anonymous(), handlerLink);
        Assert.Contains("<p>Your department's co-handling part of this case has ended: it was reassigned to <span lang=\"zh\">行政审批局</span>. There is nothing to do.</p>",
            english);
        Assert.Matches("If in doubt, contact the park officer <span lang=\"zh\">[^<]+</span>", english);

        // A new liaison named by the other co-handler's department: its old link says so, as before.
        var gsgsLink = await LinkOfAsync(Handler("gsgs"), number);
        var admin = await _app.AsAdminAsync();
        var saved = await admin.PutAsJsonAsync("/api/departments/gsgs", new
        {
            name = "供水公司",
            handler = new { name = "新经办人", email = "gsgs.new@anyue.example" },
            leader = new { name = "供水公司分管领导（示例）", email = Leader("gsgs") },
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var replaced = WebUtility.HtmlDecode(await (await browser.GetAsync(gsgsLink)).Content.ReadAsStringAsync());
        // Not "ended": the part goes on with the department's new liaison.
        Assert.Contains("此链接已失效：贵单位在该事项中的协办工作已转交本单位新的联络人新经办人，协办继续进行。无需再操作。", replaced);
        Assert.DoesNotContain("协办已结束", replaced);
        Assert.Contains("This link no longer works: your department's co-handling part of this case was handed to your department's new liaison, "
            + "<span lang=\"zh\">新经办人</span>; the part goes on. There is nothing to do.", await InEnglishAsync(_app.Anonymous(), gsgsLink));
    }

    [Fact]
    public async Task The_leads_old_link_says_which_department_the_case_went_to()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("fgj"))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync(Handler("fgj"), number);
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "xzspj", note = "涉及审批" })).StatusCode);

        var old = await browser.GetAsync(link);

        Assert.Equal(HttpStatusCode.Gone, old.StatusCode);
        Assert.Contains("该事项已不再由您办理：已改派至行政审批局。", WebUtility.HtmlDecode(await old.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_co_handler_that_returned_its_part_is_told_it_waits_for_the_officer_not_that_it_ended()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointPartExtensionTests.JointCase("zrzyj", ("jtysj", "道路开口")))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync(Handler("jtysj"), number);
        var leaderLink = await LinkOfAsync(Leader("jtysj"), number);
        var browser = _app.Anonymous();

        Assert.Equal(HttpStatusCode.Redirect, (await ReturnAsync(browser, link)).StatusCode);

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync(link));
        Assert.Contains("✓ 已退回园区", page);
        Assert.Contains("当前无需操作。 协办已退回园区，等待园区工作人员改派其他部门或撤回协办。", page);
        Assert.DoesNotContain("协办已结束", page);
        Assert.DoesNotContain("data-ended", page);
        Assert.Contains("协办已退回园区，等待园区工作人员改派其他部门或撤回协办。", WebUtility.HtmlDecode(await browser.GetStringAsync(leaderLink)));
        var english = await InEnglishAsync(_app.Anonymous(), link);
        Assert.Contains("Your part was returned to the zone; the officer will reassign it to another department or drop it.", english);
        Assert.DoesNotContain("has ended", english);
    }

    [Fact]
    public async Task A_co_handler_that_submitted_its_part_is_told_so_with_what_it_submitted_not_that_it_ended()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointPartExtensionTests.JointCase("zrzyj", ("zjj", "请核实施工许可")))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync(Handler("zjj"), number);
        var leaderLink = await LinkOfAsync(Leader("zjj"), number);
        var browser = _app.Anonymous();
        // Accepting takes on the department's part, not the case, which stays the lead's.
        var before = WebUtility.HtmlDecode(await browser.GetStringAsync(link));
        Assert.Contains("签收表示本部门已收到并负责本部门的协办任务；该事项由主办部门自然资源和规划局负责办理。", before);
        Assert.DoesNotContain("签收表示本部门已收到并负责办理。", before);
        Assert.Contains("Accepting means your department takes on its co-handling part (its task); the lead department, <span lang=\"zh\">自然资源和规划局</span>, handles the case.",
            await InEnglishAsync(_app.Anonymous(), link));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);
        var at = Local(_app.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "submit",
            new() { ["note"] = "施工许可已核实", ["attachments"] = "https://files.example/permit.pdf\n许可证复印件" })).StatusCode);

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync(link));

        Assert.Contains($"贵单位的协办意见已于 {at} 提交，该事项由主办部门继续办理。无需再操作。", page);
        Assert.DoesNotContain("协办已结束", page);
        Assert.DoesNotContain("已改派其他部门", page);
        Assert.Contains("施工许可已核实</dd>", page);
        Assert.Contains("<a href=\"https://files.example/permit.pdf\"", page);
        Assert.Contains("<li class=\"wrap\">许可证复印件</li>", page);
        Assert.Contains($"现已无需督办：贵单位的协办意见已于 {at} 提交，该事项由主办部门继续办理。", WebUtility.HtmlDecode(await browser.GetStringAsync(leaderLink)));
        var english = await InEnglishAsync(_app.Anonymous(), link);
        Assert.Contains($"Your department's part was submitted at {at}; the lead department now handles the case. There is nothing to do.", english);
        Assert.DoesNotContain("cancelled or closed", english);

        // Cancelled afterwards: the submission is what ended the part, and the cancellation is told after it.
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业已迁出" })).StatusCode);
        var cancelled = WebUtility.HtmlDecode(await (await browser.GetAsync(link)).Content.ReadAsStringAsync());
        Assert.Contains($"贵单位的协办意见已于 {at} 提交，该事项其后已由园区撤销。无需再操作。", cancelled);
    }

    [Fact]
    public async Task A_part_dropped_before_the_case_was_cancelled_says_it_was_dropped_on_its_handler_s_and_leader_s_links()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await OpenAsync(officer, JointPartExtensionTests.JointCase("zrzyj", ("zjj", "请核实施工许可"), ("gsgs", "请核实用水指标")));
        var number = opened.GetProperty("number").GetString()!;
        var handlerLink = await LinkOfAsync(Handler("zjj"), number);
        var leaderLink = await LinkOfAsync(Leader("zjj"), number);
        var stillOpen = await LinkOfAsync(Leader("gsgs"), number);
        var leadLink = await LinkOfAsync(Handler("zrzyj"), number);
        Assert.Equal(HttpStatusCode.OK,
            (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{PartId(opened, "zjj")}/drop", new { reason = "无需施工许可" })).StatusCode);
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业已迁出" })).StatusCode);
        var browser = _app.Anonymous();

        var handlers = WebUtility.HtmlDecode(await (await browser.GetAsync(handlerLink)).Content.ReadAsStringAsync());
        var leaders = WebUtility.HtmlDecode(await (await browser.GetAsync(leaderLink)).Content.ReadAsStringAsync());

        Assert.Contains("贵单位在该事项中的协办已结束：园区已撤回贵单位的协办（撤回协办）。", handlers);
        Assert.Contains("此链接用于督促本单位办理该事项，现已无需督办：园区已撤回贵单位的协办（撤回协办）。", leaders);
        Assert.DoesNotContain("撤销", handlers + leaders);
        // Those the cancellation did end are told so, a co-handler's and the lead's alike.
        Assert.Contains("现已无需督办：园区已撤销该事项。", WebUtility.HtmlDecode(await (await browser.GetAsync(stillOpen)).Content.ReadAsStringAsync()));
        Assert.Contains("该事项已不再由您办理：园区已撤销该事项。", WebUtility.HtmlDecode(await (await browser.GetAsync(leadLink)).Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_lead_s_link_of_a_replaced_liaison_says_so_after_the_case_was_cancelled()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("rqgs"))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync(Handler("rqgs"), number);
        var admin = await _app.AsAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/departments/rqgs", new
        {
            name = "燃气公司",
            handler = new { name = "新经办人", email = "rqgs.new@anyue.example" },
            leader = new { name = "燃气公司分管领导（示例）", email = Leader("rqgs") },
        })).StatusCode);
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业已迁出" })).StatusCode);

        var page = WebUtility.HtmlDecode(await (await _app.Anonymous().GetAsync(link)).Content.ReadAsStringAsync());

        // Handed over before the cancellation: nothing goes on any more, so the words do not say it does.
        Assert.Contains("此链接已失效：该事项已转交本单位新的联络人新经办人。无需再操作。", page);
    }

    [Fact]
    public async Task A_post_on_a_closed_cases_link_says_only_that_the_case_was_closed()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("fgj"))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync(Handler("fgj"), number);
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);
        // The progress form as it stood on the phone before the case was closed.
        var form = FormFor(await browser.GetStringAsync(link), "progress")!;
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已接电" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "企业确认" })).StatusCode);

        var posted = await browser.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["note"] = "还在办" }));

        Assert.Equal(HttpStatusCode.Gone, posted.StatusCode);
        var page = WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync());
        Assert.Contains("该事项已不再由您办理：该事项已办结。无需再操作。", page);
        Assert.DoesNotContain("此链接已失效", page);
    }

    [Fact]
    public async Task A_refused_reminder_says_the_minute_it_may_go_again_and_it_goes_then()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("czj"))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync(Leader("czj"), number, "派单抄送");
        var leader = _app.Anonymous();
        // 40 seconds into a minute: the last reminder is said at that minute, the next ten minutes after it.
        var now = _app.Clock.GetUtcNow();
        _app.Clock.Advance(TimeSpan.FromSeconds(100 - now.Second));
        var at = _app.Clock.GetUtcNow();
        Assert.Equal(40, at.Second);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(leader, link, "remind", new() { ["note"] = "请尽快签收" })).StatusCode);

        var tooSoon = await PostActionAsync(leader, link, "remind", new() { ["note"] = "请尽快签收" });

        Assert.Equal(HttpStatusCode.Conflict, tooSoon.StatusCode);
        var minute = at.AddSeconds(-40);
        Assert.Contains($"已于 {Local(minute)} 提醒过经办人，10 分钟内只提醒一次：{Local(minute + LiaisonOptions.DefaultNudgeCoolDown)} 后可再次提醒",
            WebUtility.HtmlDecode(await tooSoon.Content.ReadAsStringAsync()));
        // At the minute said, not a minute later.
        _app.Clock.SetUtcNow(minute + LiaisonOptions.DefaultNudgeCoolDown);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(leader, link, "remind", new() { ["note"] = "仍未签收" })).StatusCode);
    }

    [Fact]
    public async Task After_accepting_or_reporting_progress_the_notice_says_what_comes_next()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointPartExtensionTests.JointCase("swj", ("rsj", "用工招聘")))).GetProperty("number").GetString()!;
        var lead = await LinkOfAsync(Handler("swj"), number);
        var part = await LinkOfAsync(Handler("rsj"), number);
        var browser = _app.Anonymous();

        await PostActionAsync(browser, part, "accept");
        var accepted = WebUtility.HtmlDecode(await browser.GetStringAsync(part));
        await PostActionAsync(browser, part, "progress", new() { ["note"] = "已发布招聘信息" });
        var progressed = WebUtility.HtmlDecode(await browser.GetStringAsync(part));
        await PostActionAsync(browser, lead, "accept");
        await PostActionAsync(browser, lead, "progress", new() { ["note"] = "已协调" });
        var leadProgressed = WebUtility.HtmlDecode(await browser.GetStringAsync(lead));

        Assert.Contains("<p class=\"muted\" data-next>下一步：办理协办任务，其间可报告进展，办完后在提交期限前提交协办意见。</p>", accepted);
        Assert.Contains("<p class=\"muted\" data-next>进展已记入办理记录，园区工作人员可见；办完后请提交协办意见。</p>", progressed);
        Assert.Contains("<p class=\"muted\" data-next>进展已记入办理记录，园区工作人员可见；办完后请提交办结。</p>", leadProgressed);
    }

    [Fact]
    public async Task The_lead_resolves_with_attachments_as_a_co_handler_submits_and_the_officer_reads_them()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("jxj"))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync(Handler("jxj"), number);
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);
        Assert.Contains("<textarea id=\"resolve-attachments\" name=\"attachments\"", await browser.GetStringAsync(link));

        var tooLong = await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已接电", ["attachments"] = new string('附', 4001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Matches("<textarea id=\"resolve-attachments\"[^>]* aria-invalid=\"true\"", await tooLong.Content.ReadAsStringAsync());
        Assert.Equal("accepted", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());

        var resolved = await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已接电", ["attachments"] = "https://files.example/acceptance.pdf\n验收单已存档" });

        Assert.Equal(HttpStatusCode.Redirect, resolved.StatusCode);
        var page = await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync($"/cases/{number}");
        var card = System.Text.RegularExpressions.Regex.Match(page, "<div class=\"card\" data-resolution>.*?</div>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Contains("<a href=\"https://files.example/acceptance.pdf\"", card);
        Assert.Contains("验收单已存档", card);
    }

    [Fact]
    public async Task The_lead_s_resolve_attachments_are_on_its_timeline_entry_and_named_in_the_officer_s_mail_as_a_part_s_are()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("jxj"))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync(Handler("jxj"), number);
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);

        var resolved = await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已接电", ["attachments"] = "https://files.example/acceptance.pdf\n验收单已存档" });

        Assert.Equal(HttpStatusCode.Redirect, resolved.StatusCode);
        var signedIn = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var page = await signedIn.GetStringAsync($"/cases/{number}");
        var timeline = System.Text.RegularExpressions.Regex.Match(page, "<h2>办理记录</h2>\\s*<table.*?</table>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        var row = Assert.Single(System.Text.RegularExpressions.Regex.Matches(timeline, "<tr role=\"row\"[^>]*>.*?</tr>", System.Text.RegularExpressions.RegexOptions.Singleline),
            r => r.Value.Contains("已接电")).Value;
        Assert.Contains("附件：", row);
        Assert.Contains("<a href=\"https://files.example/acceptance.pdf\"", row);
        Assert.Contains("<li class=\"wrap\">验收单已存档</li>", row);
        var english = await InEnglishAsync(signedIn, $"/cases/{number}");
        Assert.Contains("Attachments:", System.Text.RegularExpressions.Regex.Match(english, "<h2>Timeline</h2>\\s*<table.*?</table>", System.Text.RegularExpressions.RegexOptions.Singleline).Value);
        // The liaison's own page shows them with its resolution, above the timeline, as a co-handler's shows its part.
        var own = await browser.GetStringAsync(link);
        Assert.Matches("<dd class=\"pre wrap\" data-resolution[^>]*>已接电</dd>", own);
        var attached = System.Text.RegularExpressions.Regex.Match(own, "<dd data-resolution-attachments>.*?</dd>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Contains("<a href=\"https://files.example/acceptance.pdf\"", attached);
        Assert.Contains("验收单已存档", attached);

        var mail = Assert.Single(await MailsAsync(_app, "officer@test.example", number), m => m.Subject!.Contains("待确认办结"));
        Assert.Contains("办结情况：已接电\n\n附件：\nhttps://files.example/acceptance.pdf\n验收单已存档\n", mail.TextBody!.ReplaceLineEndings("\n"));
        Assert.Contains("验收单已存档", mail.HtmlBody);
    }

    private static string Local(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
