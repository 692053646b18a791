using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Cases.Cases;
using Liaison.Server.Links;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// Joint cases (联办), what the lead department sees: every co-handler's part on its link page, the co-handlers' status
/// in its mails, a mail when a part comes in; and the co-handlers' deadlines in the officer's due-date preview.
/// </summary>
public sealed class JointLeadViewTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    internal static object JointCase(string lead, params (string Code, string? Task)[] co) => new
    {
        title = "新厂房无法投产",
        description = "用地、施工许可、供电需同时协调。",
        category = "factor-guarantee",
        priority = "normal",
        departmentCode = lead,
        enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
        coDepartments = co.Select(c => new { departmentCode = c.Code, task = c.Task }).ToArray(),
    };

    internal static string Handler(string department) => $"{department}.handler@anyue.example";

    internal static string Leader(string department) => $"{department}.leader@anyue.example";

    private async Task<MimeMessage> DispatchMailAsync(string to, string number) =>
        (await MailsAsync(_app, to, number)).Single(m => m.Subject!.StartsWith("【派单"));

    [Fact]
    public async Task A_co_handlers_page_shows_its_own_parts_events_not_the_other_co_handlers()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("zjj", "请核实施工许可"), ("sthjj", "请核实环评")))).GetProperty("number").GetString()!;
        var zjj = PathOf(LinkIn(await DispatchMailAsync(Handler("zjj"), number)));
        var sthjj = PathOf(LinkIn(await DispatchMailAsync(Handler("sthjj"), number)));
        var lead = PathOf(LinkIn(await DispatchMailAsync(Handler("zrzyj"), number)));
        await PostActionAsync(browser, zjj, "accept");
        await PostActionAsync(browser, zjj, "progress", new() { ["note"] = "已调取施工许可档案" });

        await PostActionAsync(browser, sthjj, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "环评不在本局职责范围" });

        var own = await browser.GetStringAsync(zjj);
        Assert.Contains("已调取施工许可档案", own);
        Assert.DoesNotContain("环评不在本局职责范围", own);
        Assert.Contains("环评不在本局职责范围", await browser.GetStringAsync(lead));
    }

    /// <summary>A part's status entry only when its status changes, as the case's: not 办理中 again at each progress note.</summary>
    [Fact]
    public async Task A_co_handlers_progress_notes_write_its_parts_in_progress_once()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("zjj", "请核实施工许可")))).GetProperty("number").GetString()!;
        var zjj = PathOf(LinkIn(await DispatchMailAsync(Handler("zjj"), number)));
        var lead = PathOf(LinkIn(await DispatchMailAsync(Handler("zrzyj"), number)));
        await PostActionAsync(browser, zjj, "accept");
        await PostActionAsync(browser, lead, "accept");
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, zjj, "progress", new() { ["note"] = $"协办进展 {i}" })).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, lead, "progress", new() { ["note"] = $"主办进展 {i}" })).StatusCode);
        }

        var statuses = (await GetCaseAsync(officer, number)).GetProperty("timeline").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == CaseEventKinds.Status)
            .Select(e => (Part: e.TryGetProperty("partId", out var p) && p.ValueKind == JsonValueKind.Number, Status: e.GetProperty("data").GetProperty("status").GetString()))
            .ToList();
        Assert.Equal([(true, "Accepted"), (true, "InProgress")], statuses.Where(s => s.Part));
        Assert.Equal([(false, "accepted"), (false, "in-progress")], statuses.Where(s => !s.Part));
    }

    [Fact]
    public async Task A_departments_own_business_leader_reminders_and_urging_stays_on_its_own_links()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("swj", ("fgj", "请核实能耗指标")))).GetProperty("number").GetString()!;
        var lead = PathOf(LinkIn(await DispatchMailAsync(Handler("swj"), number)));
        var leadLeader = PathOf(LinkIn((await MailsAsync(_app, Leader("swj"), number)).Single(m => m.Subject!.StartsWith("【派单抄送"))));
        var co = PathOf(LinkIn(await DispatchMailAsync(Handler("fgj"), number)));
        var coLeader = PathOf(LinkIn((await MailsAsync(_app, Leader("fgj"), number)).Single(m => m.Subject!.StartsWith("【派单抄送"))));
        await PostActionAsync(browser, leadLeader, "remind", new() { ["note"] = "主办局长：请抓紧签收" });
        await PostActionAsync(browser, coLeader, "remind", new() { ["note"] = "协办局长：请抓紧核实" });
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = "园区催主办" })).StatusCode);

        var coPage = await browser.GetStringAsync(co);
        var leadPage = await browser.GetStringAsync(lead);

        Assert.Contains("协办局长：请抓紧核实", coPage);
        Assert.DoesNotContain("主办局长：请抓紧签收", coPage);
        Assert.DoesNotContain("园区催主办", coPage);
        Assert.Contains("主办局长：请抓紧签收", leadPage);
        Assert.Contains("园区催主办", leadPage);
        Assert.DoesNotContain("协办局长：请抓紧核实", leadPage);
        // The officer's page has it all.
        var all = await officer.GetStringAsync($"/cases/{number}");
        Assert.Contains("协办局长：请抓紧核实", all);
        Assert.Contains("主办局长：请抓紧签收", all);
    }

    [Fact]
    public async Task The_lead_hears_of_a_submitted_part_in_its_own_thread_with_the_note_and_a_link_to_its_page()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("zjj", "请核实施工许可"), ("gdgs", "请确认10kV接入方案")))).GetProperty("number").GetString()!;
        var leadDispatch = await DispatchMailAsync(Handler("zrzyj"), number);
        var zjjDispatch = await DispatchMailAsync(Handler("zjj"), number);
        var zjj = PathOf(LinkIn(zjjDispatch));
        // A co-handler's dispatch is worded for its part: whose case it helps with, and its submit deadline.
        Assert.Contains("主办部门为自然资源和规划局", zjjDispatch.TextBody);
        Assert.Contains("提交期限：", zjjDispatch.TextBody);
        Assert.DoesNotContain("办结期限：", zjjDispatch.TextBody);
        Assert.DoesNotContain("责任部门：", zjjDispatch.TextBody);
        // Every mail of the case threads under its first one, a co-handler's too.
        var first = new[] { leadDispatch, zjjDispatch }.Select(m => m.InReplyTo).Count(r => r is null);
        Assert.Equal(1, first);
        var root = leadDispatch.InReplyTo ?? leadDispatch.MessageId;
        Assert.Equal(root, zjjDispatch.InReplyTo ?? zjjDispatch.MessageId);
        Assert.All(await MailsAsync(_app, Handler("gdgs"), number), m => Assert.Equal(root, m.InReplyTo));

        await PostActionAsync(browser, zjj, "accept");
        var submitted = await PostActionAsync(browser, zjj, "submit",
            new() { ["note"] = "施工许可已核发，无障碍", ["attachments"] = "https://files.example/permit.pdf\n许可证编号 AY-2026-17" });
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);

        var mail = Assert.Single(await MailsAsync(_app, Handler("zrzyj"), "协办意见已提交"));
        Assert.Equal($"【协办意见已提交】{number} 新厂房无法投产", mail.Subject);
        // In the lead's thread, under the lead's dispatch mail (not the co-handler's).
        Assert.Equal(leadDispatch.MessageId, mail.InReplyTo);
        Assert.Contains("住房和城乡建设局已就贵单位主办的以下联办事项提交协办意见", mail.TextBody);
        Assert.Contains("协办意见：施工许可已核发，无障碍\n附件：\nhttps://files.example/permit.pdf\n许可证编号 AY-2026-17\n", mail.TextBody);
        Assert.Contains("协办部门办理情况：\n- 住房和城乡建设局：已提交\n- 供电公司：待签收\n", mail.TextBody);
        // Nobody else gets it: not the co-handler, not its leader, not the lead's leader.
        await _app.RelayMailAsync();
        Assert.Single(_app.Smtp!.Received, m => m.Subject!.Contains(number) && m.Subject!.Contains("协办意见已提交"));

        // Its link is a link of the lead's current round (not of the part), and the lead's earlier link still works.
        var link = PathOf(LinkIn(mail));
        var minted = await _app.WithDbAsync(db => db.Set<LiaisonLink>().Where(l => l.RecipientEmail == Handler("zrzyj") && db.Cases.Any(c => c.Id == l.CaseId && c.Number == number))
            .OrderByDescending(l => l.Id).FirstAsync());
        Assert.Null(minted.PartId);
        Assert.Equal(LinkRole.Handler, minted.Role);
        Assert.Equal(1, minted.Round);
        Assert.Null(minted.EndedAt);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, PathOf(LinkIn(leadDispatch)), "accept")).StatusCode);

        var page = await browser.GetStringAsync(link);
        Assert.Contains("协办部门（2）", page);
        var zjjPart = PartOn(page, "zjj");
        Assert.Contains("data-status=\"submitted\"", zjjPart);
        Assert.Contains("<span class=\"tag done\">已提交</span>", zjjPart);
        Assert.Contains("施工许可已核发，无障碍", zjjPart);
        Assert.Contains("<a href=\"https://files.example/permit.pdf\" target=\"_blank\" rel=\"noopener noreferrer\">https://files.example/permit.pdf</a>", zjjPart);
        Assert.Contains("<li class=\"wrap\">许可证编号 AY-2026-17</li>", zjjPart);
        Assert.Contains("提交时间", zjjPart);
        var gdgsPart = PartOn(page, "gdgs");
        Assert.Contains("data-status=\"dispatched\"", gdgsPart);
        Assert.Contains("请确认10kV接入方案", gdgsPart);
        Assert.Contains("提交期限", gdgsPart);
        Assert.Contains("2026-03-06 18:00", gdgsPart);
        // Above the resolve form: why it waits and, the co-handler being within its time, from when it may go ahead
        // without it (as the 409 would say); the form asks no reason and cannot be sent before then.
        var resolve = FormOn(page, "resolve");
        var above = WebUtility.HtmlDecode(Regex.Match(page, "<h2 id=\"resolve-title\">.*?<form ", RegexOptions.Singleline).Value);
        Assert.Contains("联办事项须待所有协办部门提交协办意见后办结。尚未提交：供电公司。", above);
        Assert.Contains("暂不能先行办结：供电公司（签收期限 2026-03-03 18:00，届时仍未签收方可先行办结）", above);
        Assert.Matches("<fieldset class=\"bare\" disabled(=\"[^\"]*\")? aria-describedby=\"override-help\">", resolve);
        Assert.DoesNotContain("name=\"overrideReason\"", resolve);
    }

    [Fact]
    public async Task Once_every_part_is_in_the_resolve_form_says_so_and_asks_no_reason()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("sthjj", null)))).GetProperty("number").GetString()!;
        var lead = PathOf(LinkIn(await DispatchMailAsync(Handler("zrzyj"), number)));
        var part = PathOf(LinkIn(await DispatchMailAsync(Handler("sthjj"), number)));
        await PostActionAsync(browser, lead, "accept");
        await PostActionAsync(browser, part, "accept");
        await PostActionAsync(browser, part, "submit", new() { ["note"] = "环评无异议", ["attachments"] = "javascript:alert(1)" });

        var page = await browser.GetStringAsync(lead);

        var resolve = FormOn(page, "resolve");
        Assert.Contains("所有协办部门均已提交协办意见（或已结束），可以办结。", resolve);
        Assert.DoesNotContain("overrideReason", resolve);
        Assert.DoesNotContain("disabled", resolve);
        // Only a web address becomes a link.
        Assert.Contains("<li class=\"wrap\">javascript:alert(1)</li>", PartOn(page, "sthjj"));
        Assert.DoesNotContain("href=\"javascript:", page);
    }

    [Fact]
    public async Task The_leads_dispatch_and_leader_copy_list_the_co_handlers_and_the_leaders_page_shows_the_parts_read_only()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("zjj", null), ("gdgs", null)))).GetProperty("number").GetString()!;

        var handlerMail = await DispatchMailAsync(Handler("zrzyj"), number);
        var leaderMail = (await MailsAsync(_app, Leader("zrzyj"), number)).Single(m => m.Subject!.StartsWith("【派单抄送"));
        foreach (var mail in new[] { handlerMail, leaderMail })
        {
            Assert.Contains("协办部门办理情况：\n- 住房和城乡建设局：待签收\n- 供电公司：待签收\n", mail.TextBody);
            Assert.Contains(">供电公司</td>", mail.HtmlBody);
        }

        // A co-handler's own mails do not list the others.
        Assert.DoesNotContain("协办部门办理情况", (await DispatchMailAsync(Handler("zjj"), number)).TextBody);

        var page = await browser.GetStringAsync(PathOf(LinkIn(leaderMail)));
        Assert.Contains("协办部门（2）", page);
        Assert.Contains("data-status=\"dispatched\"", PartOn(page, "gdgs"));
        Assert.Null(FormFor(page, "resolve"));
    }

    [Fact]
    public async Task A_co_handling_departments_leader_reminds_its_own_handler_from_the_leader_copy()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("xfdd", null)))).GetProperty("number").GetString()!;
        var copy = (await MailsAsync(_app, Leader("xfdd"), number)).Single(m => m.Subject!.StartsWith("【派单抄送"));
        // Told it is a co-handling part, with the lead named and the part's submit deadline, as its handler is.
        Assert.StartsWith("【派单抄送·协办】" + number, copy.Subject);
        Assert.StartsWith("【派单·协办】" + number, (await DispatchMailAsync(Handler("xfdd"), number)).Subject);
        Assert.Contains("由自然资源和规划局主办、贵单位协办", copy.TextBody);
        Assert.Contains("提交期限：", copy.TextBody);
        Assert.DoesNotContain("办结期限", copy.TextBody);
        Assert.Contains(">提交期限</td>", copy.HtmlBody);
        var link = PathOf(LinkIn(copy));

        var page = await browser.GetStringAsync(link);
        var remind = FormFor(page, "remind");
        Assert.NotNull(remind);
        Assert.Null(FormFor(page, "accept"));
        // Not the co-handler's actions: the leader only reminds (its form, posted as an accept, is refused).
        var accept = new Dictionary<string, string>(remind) { ["action"] = "accept", ["requestId"] = Guid.NewGuid().ToString() };
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync(link, new FormUrlEncodedContent(accept))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "remind", new() { ["note"] = "请今天内签收" })).StatusCode);

        var reminder = Assert.Single(await MailsAsync(_app, Handler("xfdd"), "【领导督促·协办】" + number));
        Assert.Contains("领导留言：请今天内签收", reminder.TextBody);
        // About the part, as the dispatch was: the lead, the submit deadline, the 协办意见 asked for.
        Assert.Contains("联办事项的协办任务（主办部门为自然资源和规划局）", reminder.TextBody);
        Assert.Contains("主办部门：自然资源和规划局（贵单位协办）", reminder.TextBody);
        Assert.Contains("提交期限：", reminder.TextBody);
        Assert.Contains("按期提交协办意见", reminder.TextBody);
        Assert.DoesNotContain("办结期限", reminder.TextBody);
        Assert.Contains(">提交期限</td>", reminder.HtmlBody);
        // With the part's own link: the co-handler acts from it.
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, PathOf(LinkIn(reminder)), "accept")).StatusCode);
        Assert.Empty(await MailsAsync(_app, Handler("zrzyj"), "领导督促"));
        var c = await GetCaseAsync(officer, number);
        var entry = Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.LeaderReminder);
        Assert.Equal(Leader("xfdd"), entry.GetProperty("actor").GetString());
        Assert.Equal(Assert.Single(c.GetProperty("coDepartments").EnumerateArray()).GetProperty("id").GetInt64(), entry.GetProperty("partId").GetInt64());
        Assert.Equal("accepted", Assert.Single(c.GetProperty("coDepartments").EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_single_department_cases_mails_and_page_say_nothing_of_co_handlers()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("zrzyj"))).GetProperty("number").GetString()!;
        var mail = await DispatchMailAsync(Handler("zrzyj"), number);

        Assert.DoesNotContain("协办", mail.TextBody);
        var page = await _app.Anonymous().GetStringAsync(PathOf(LinkIn(mail)));
        Assert.DoesNotContain("co-handlers", page);
        Assert.DoesNotContain("协办部门", page);
    }

    [Fact]
    public async Task An_admins_edit_of_the_part_submitted_mail_is_used()
    {
        var admin = await _app.AsAdminAsync();
        var saved = await admin.PutAsJsonAsync("/api/mail-templates/part-submitted/zh-CN/subject",
            new { source = "【协办到件】{{ Case.Number }} {{ Part.Department }}{% for h in CoHandlers %} {{ h.Department }}={{ h.Status }}{% endfor %}" });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        try
        {
            var browser = _app.Anonymous();
            var number = (await OpenAsync(await _app.AsOfficerAsync(), JointCase("zrzyj", ("swj", null)))).GetProperty("number").GetString()!;
            var part = PathOf(LinkIn(await DispatchMailAsync(Handler("swj"), number)));
            await PostActionAsync(browser, part, "accept");
            await PostActionAsync(browser, part, "submit", new() { ["note"] = "税务登记已完成" });

            var mail = Assert.Single(await MailsAsync(_app, Handler("zrzyj"), "【协办到件】"));
            Assert.Equal($"【协办到件】{number} 税务局 税务局=已提交", mail.Subject);
        }
        finally
        {
            await admin.DeleteAsync("/api/mail-templates/part-submitted/zh-CN/subject");
        }
    }

    [Fact]
    public async Task The_new_case_preview_shows_the_co_handlers_deadlines_as_a_joint_case_gets_them()
    {
        var officer = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

        // Project landing (the form's first category): the lead is due Mon 16 March, each co-handler a working day before.
        var form = await officer.GetStringAsync("/cases/new");
        var preview = Regex.Match(form, "<div data-co-preview>(.*?)</div>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("每个协办部门：签收期限 <span data-due=\"co-accept\">2026-03-03 18:00</span>", preview);
        Assert.Contains("提交期限 <span data-due=\"co-submit\">2026-03-13 18:00</span>", preview);
        Assert.Contains("主办办结期限前 1 个工作日", preview);

        var api = await _app.AsOfficerAsync();
        var urgent = await api.GetFromJsonAsync<JsonElement>("/api/cases/deadline-preview?category=factor-guarantee&priority=urgent");
        var co = urgent.GetProperty("coHandler");
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 18, 0, 0, TimeSpan.FromHours(8)), co.GetProperty("dueAt").GetProperty("due").GetDateTimeOffset());
        Assert.Equal(2, co.GetProperty("dueAt").GetProperty("workingDays").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 18, 0, 0, TimeSpan.FromHours(8)), urgent.GetProperty("dueAt").GetProperty("due").GetDateTimeOffset());

        // What the preview says is what a joint case opened now gets.
        var normal = await api.GetFromJsonAsync<JsonElement>("/api/cases/deadline-preview?category=factor-guarantee&priority=normal");
        var opened = await OpenAsync(api, JointCase("zrzyj", ("zjj", null)));
        var part = Assert.Single(opened.GetProperty("coDepartments").EnumerateArray());
        Assert.Equal(normal.GetProperty("coHandler").GetProperty("dueAt").GetProperty("due").GetDateTimeOffset(), part.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(normal.GetProperty("coHandler").GetProperty("acceptBy").GetProperty("due").GetDateTimeOffset(), part.GetProperty("acceptBy").GetDateTimeOffset());
    }

    /// <summary>The list item of <paramref name="department"/>'s part on the lead's page.</summary>
    internal static string PartOn(string page, string department) =>
        Regex.Match(page, $"<li data-part=\"{department}\"(.*?)</dl>", RegexOptions.Singleline) is { Success: true } m
            ? m.Value
            : throw new InvalidOperationException($"No part of {department} on the page:\n{page}");

    private static string FormOn(string page, string action) =>
        Regex.Match(page, $"<form method=\"post\"[^>]* data-action=\"{action}\".*?</form>", RegexOptions.Singleline) is { Success: true } m
            ? WebUtility.HtmlDecode(m.Value)
            : throw new InvalidOperationException($"No {action} form on the page:\n{page}");

    [Fact]
    public async Task A_co_handlers_page_says_the_lead_returned_the_case_until_the_officer_chooses_the_lead_again()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("zjj", "请核实施工许可")))).GetProperty("number").GetString()!;
        var lead = PathOf(LinkIn(await DispatchMailAsync(Handler("zrzyj"), number)));
        var co = PathOf(LinkIn(await DispatchMailAsync(Handler("zjj"), number)));
        await PostActionAsync(browser, co, "accept");
        Assert.DoesNotContain("已退回园区", await browser.GetStringAsync(co));

        await PostActionAsync(browser, lead, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" });

        var page = await browser.GetStringAsync(co);
        Assert.Contains("<dd data-lead>自然资源和规划局<span class=\"muted\">（已退回园区，等待园区改派主办部门；贵单位协办不受影响）</span></dd>", page);
        // The part goes on meanwhile: its progress is still offered.
        Assert.Contains("id=\"progress-title\"", page);
    }
}

/// <summary>Joint cases: a late co-handler as the lead sees it, in its reminder mail and on its page (own app: the clock moves).</summary>
public sealed class JointLeadLateTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(JointLeadLateTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_silent_co_handler_shows_as_late_in_the_leads_due_reminder_and_on_its_page()
    {
        var browser = _app.Anonymous();
        var number = (await OpenAsync(await _app.AsOfficerAsync(), JointLeadViewTests.JointCase("zrzyj", ("zjj", "施工许可"), ("gdgs", "供电"))))
            .GetProperty("number").GetString()!;
        var lead = PathOf(LinkIn((await MailsAsync(_app, JointLeadViewTests.Handler("zrzyj"), number)).Single(m => m.Subject!.StartsWith("【派单】"))));
        var zjj = PathOf(LinkIn((await MailsAsync(_app, JointLeadViewTests.Handler("zjj"), number)).Single(m => m.Subject!.StartsWith("【派单·协办】"))));
        await PostActionAsync(browser, zjj, "accept");
        await PostActionAsync(browser, zjj, "submit", new() { ["note"] = "许可已办" });
        Assert.Contains("data-status=\"dispatched\"", JointLeadViewTests.PartOn(await browser.GetStringAsync(lead), "gdgs"));

        // Friday 6 March 18:01: the co-handlers' submit deadline has passed, the lead is due on Monday (its yellow reminder).
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 6, 18, 1, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();

        var reminder = Assert.Single(await MailsAsync(_app, JointLeadViewTests.Handler("zrzyj"), "即将到期"));
        Assert.Contains(number, reminder.Subject);
        Assert.Contains("协办部门办理情况：\n- 住房和城乡建设局：已提交\n- 供电公司：超期（待签收）\n", reminder.TextBody);
        var page = await browser.GetStringAsync(lead);
        var gdgs = JointLeadViewTests.PartOn(page, "gdgs");
        Assert.Contains("data-status=\"late\"", gdgs);
        Assert.Contains("<span class=\"tag late\">超期（待签收）</span>", gdgs);
        Assert.Contains("data-status=\"submitted\"", JointLeadViewTests.PartOn(page, "zjj"));
    }
}
