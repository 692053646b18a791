using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Cases.Cases;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// Joint cases (联办): a co-handler asks for more time for its part (申请延期); the officer approves (the part's submit
/// deadline and timers move) or refuses it; a dropped part's handler is told it need not act.
/// </summary>
public sealed class JointPartExtensionTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Officer = "officer@test.example";
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private readonly LiaisonApp _app = fixture.App;

    /// <summary>Monday 2 March 2026: the lead resolves by Monday 9 March, co-handlers submit by Friday 6 March (factor-guarantee, 5 − 1 working days).</summary>
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, China);

    internal static DateTimeOffset At(int day, int hour = 18) => new(2026, 3, day, hour, 0, 0, China);

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

    private async Task<string> LinkOfAsync(string department, string number) =>
        PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Handler(department), number), m => m.Subject!.Contains("派单"))));

    internal static JsonElement Part(JsonElement c, string department) =>
        c.GetProperty("coDepartments").EnumerateArray().Single(p => p.GetProperty("departmentCode").GetString() == department);

    internal static long IdOf(JsonElement part) => part.GetProperty("id").GetInt64();

    private static IEnumerable<JsonElement> EntriesOf(JsonElement c, string kind, long partId) =>
        c.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == kind
            && e.TryGetProperty("partId", out var p) && p.ValueKind == JsonValueKind.Number && p.GetInt64() == partId);

    private async Task<(HttpClient Officer, string Number)> OpenAsync(object body)
    {
        _app.Clock.SetUtcNow(Monday.ToUniversalTime());
        var officer = await _app.AsOfficerAsync(Officer);
        var c = await CaseTestKit.OpenAsync(officer, body);
        return (officer, c.GetProperty("number").GetString()!);
    }

    private static Task<HttpResponseMessage> AskAsync(HttpClient browser, string link, int days, string reason = "需等待省住建厅批复") =>
        PostActionAsync(browser, link, "extension", new() { ["days"] = days.ToString(), ["note"] = reason });

    /// <summary>
    /// The lead accepts, asks for <paramref name="days"/> more working days and the officer approves: a part may then be
    /// due up to the lead's new deadline less the lead time (1 working day). With 5: the lead resolves by Monday 16 March,
    /// a part may be due up to Friday 13th.
    /// </summary>
    private async Task GiveTheLeadMoreTimeAsync(HttpClient officer, string number, int days = 5)
    {
        var browser = _app.Anonymous();
        var lead = await LinkOfAsync("zrzyj", number);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, lead, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(browser, lead, days, "需协调多个部门")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true })).StatusCode);
    }

    /// <summary>The deadline timers the part's workflow waits on: kind → when.</summary>
    private async Task<Dictionary<string, DateTimeOffset>> TimersAsync(long partId) =>
        await _app.WithDbAsync(async db =>
        {
            var instance = await db.Set<CasePart>().Where(p => p.Id == partId).Select(p => p.WorkflowInstanceId).SingleAsync();
            return await db.Set<WorkflowBookmarkRecord>().Where(b => b.InstanceId == instance && b.ResumeAt != null)
                .ToDictionaryAsync(b => b.Key!, b => b.ResumeAt!.Value);
        });

    [Fact]
    public async Task A_co_handler_s_part_due_after_the_lead_s_deadline_is_pointed_out_with_both_dates_to_the_officer_and_the_lead()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("zjj", null), ("gdgs", null)));
        var browser = _app.Anonymous();
        var lead = await LinkOfAsync("zrzyj", number);
        var zjj = await LinkOfAsync("zjj", number);
        await PostActionAsync(browser, zjj, "accept");
        var signedIn = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        // Due Friday 6th, before the lead's Monday 9th: nothing to point out.
        Assert.DoesNotContain("data-later-than-lead", await signedIn.GetStringAsync($"/cases/{number}"));
        Assert.DoesNotContain("data-later-than-lead", await browser.GetStringAsync(lead));

        // zjj submits by Wednesday 11th, after the lead's deadline: an extension approved before approvals were capped
        // by the lead's deadline (today none can be, see below).
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "zjj"));
        await _app.WithDbAsync(db => db.Set<CasePart>().Where(p => p.Id == partId).ExecuteUpdateAsync(u => u.SetProperty(p => p.DueAt, At(11))));

        const string Warning = "注意：住房和城乡建设局（协办）的提交期限 2026-03-11 18:00 晚于主办部门的办结期限 2026-03-09 18:00。";
        var page = await signedIn.GetStringAsync($"/cases/{number}");
        Assert.Contains($"<p class=\"error\" data-later-than-lead=\"zjj\">{Warning}</p>", page);
        Assert.DoesNotContain("data-later-than-lead=\"gdgs\"", page);
        var leadPage = await browser.GetStringAsync(lead);
        Assert.Contains(Warning, leadPage);
        Assert.DoesNotContain("data-later-than-lead=\"gdgs\"", leadPage);
        var english = new HttpRequestMessage(HttpMethod.Get, lead);
        english.Headers.Add("Cookie", "liaison.lang=en");
        Assert.Contains("submit deadline as co-handler, 2026-03-11 18:00, is after the lead&#x27;s resolve deadline, 2026-03-09 18:00.",
            await (await browser.SendAsync(english)).Content.ReadAsStringAsync());

        // Once zjj's part is in, it is due no more.
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, zjj, "submit", new() { ["note"] = "施工许可可并联办理" })).StatusCode);
        Assert.DoesNotContain("data-later-than-lead", await signedIn.GetStringAsync($"/cases/{number}"));
        Assert.DoesNotContain("data-later-than-lead", await browser.GetStringAsync(lead));
    }

    [Fact]
    public async Task A_co_handler_asks_for_3_working_days_and_the_officer_approves_on_the_case_page_its_deadline_and_timers_move()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("zjj", "请核实施工许可"), ("gdgs", null)));
        var browser = _app.Anonymous();
        var zjj = await LinkOfAsync("zjj", number);
        Assert.Null(FormFor(await browser.GetStringAsync(zjj), "extension"));
        await PostActionAsync(browser, zjj, "accept");
        await GiveTheLeadMoreTimeAsync(officer, number);
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "zjj"));
        Assert.Equal(At(6), Part(await GetCaseAsync(officer, number), "zjj").GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["ReminderDue"] = At(5), ["ResolveDue"] = At(6), ["Overdue"] = At(11) }, await TimersAsync(partId));

        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(browser, zjj, 3)).StatusCode);

        // The part waits for the officer; nothing else changed.
        var asked = await GetCaseAsync(officer, number);
        var part = Part(asked, "zjj");
        Assert.Equal("accepted", part.GetProperty("status").GetString());
        Assert.Equal(At(6), part.GetProperty("dueAt").GetDateTimeOffset());
        var pending = part.GetProperty("pendingExtension");
        Assert.Equal(3, pending.GetProperty("days").GetInt32());
        Assert.Equal("需等待省住建厅批复", pending.GetProperty("reason").GetString());
        Assert.Equal(At(11), pending.GetProperty("dueAtIfApproved").GetDateTimeOffset());
        Assert.False(pending.GetProperty("laterThanLead").GetBoolean());
        // The lead resolves by Monday 16th: the part may be due up to Friday 13th, 5 working days more.
        Assert.Equal(5, pending.GetProperty("mostDays").GetInt32());
        Assert.Equal(At(13), pending.GetProperty("latestDueAt").GetDateTimeOffset());
        Assert.Contains("extension-decision", part.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(JsonValueKind.Null, asked.GetProperty("pendingExtension").ValueKind);
        Assert.Equal(At(16), asked.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, Part(asked, "gdgs").GetProperty("pendingExtension").ValueKind);
        Assert.Single(EntriesOf(asked, "extension", partId));
        var waiting = await browser.GetStringAsync(zjj);
        Assert.NotNull(FormFor(waiting, "progress"));
        Assert.Null(FormFor(waiting, "extension"));
        Assert.NotNull(FormFor(waiting, "submit")); // submitting withdraws the request
        Assert.Contains("延期 3 个工作日的申请正在等待园区审批，其间仍可报告进展。如已办完，可直接提交协办意见；如不属于本单位，可直接退回：申请随之撤回。", waiting);

        // The officer is told: the department, its task, the days and the reason, with the case page's address.
        var mail = Assert.Single(await MailsAsync(_app, Officer, "协办延期申请"), m => m.Subject!.Contains(number));
        // Its subject names the department: two co-handlers' requests at once do not read alike.
        Assert.StartsWith("【协办延期申请·住房和城乡建设局】", mail.Subject);
        Assert.Contains("住房和城乡建设局", mail.TextBody);
        Assert.Contains("请核实施工许可", mail.TextBody);
        Assert.Contains("3 个工作日", mail.TextBody);
        Assert.Contains("需等待省住建厅批复", mail.TextBody);
        Assert.Contains($"/cases/{number}", mail.TextBody);
        // The co-handling department is named as such, the lead beside it; all 3 days can be granted, so no cap is said.
        Assert.Contains("协办部门：住房和城乡建设局", mail.TextBody);
        Assert.Contains("主办部门：自然资源和规划局", mail.TextBody);
        Assert.DoesNotContain("责任部门", mail.TextBody);
        Assert.DoesNotContain("最多可批准", mail.TextBody);

        // The case page offers the decision; the new date is before the lead's deadline.
        var signedIn = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        var page = await signedIn.GetStringAsync($"/cases/{number}");
        var form = FormFor(page, $"part-extension-{partId}");
        Assert.NotNull(form);
        Assert.DoesNotContain("晚于主办部门的办结期限", page);
        Assert.DoesNotContain("data-extension-most", page);
        form["__RequestVerificationToken"] = TokenIn(page);
        form["approve"] = "true";
        form["note"] = "同意，请抓紧";
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.PostAsync($"/cases/{number}/parts/{partId}/extension-decision", new FormUrlEncodedContent(form))).StatusCode);
        // The same form posted again (its request id) changes nothing.
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.PostAsync($"/cases/{number}/parts/{partId}/extension-decision", new FormUrlEncodedContent(form))).StatusCode);

        // The submit deadline moved by 3 working days (Fri 6 → Wed 11 March), the part's timers with it; the lead's stays.
        var approved = await GetCaseAsync(officer, number);
        part = Part(approved, "zjj");
        Assert.Equal(At(11), part.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, part.GetProperty("pendingExtension").ValueKind);
        Assert.Equal(At(16), approved.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Single(EntriesOf(approved, CaseEventKinds.ExtensionApproved, partId));
        Assert.Single(EntriesOf(approved, CaseEventKinds.DeadlineChanged, partId));
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["ReminderDue"] = At(10), ["ResolveDue"] = At(11), ["Overdue"] = At(16) }, await TimersAsync(partId));
        var after = await signedIn.GetStringAsync($"/cases/{number}");
        Assert.Null(FormFor(after, $"part-extension-{partId}"));
        // The banner says which way it went, as for the lead's.
        Assert.Contains("已同意延期", after);
        Assert.DoesNotContain("延期申请已审批", after);
        // The part's timeline entry speaks of its submit deadline, not a resolve deadline.
        Assert.Contains("住房和城乡建设局（协办）；延期已批准，新的提交期限 2026-03-11 18:00", System.Net.WebUtility.HtmlDecode(after));

        // The co-handler is told once, and may submit its part again.
        var decided = Assert.Single(await MailsAsync(_app, Handler("zjj"), "协办延期已同意"), m => m.Subject!.Contains(number));
        Assert.Contains("新的提交期限", decided.TextBody);
        Assert.Contains("同意，请抓紧", decided.TextBody);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, zjj, "submit", new() { ["note"] = "已核实" })).StatusCode);
        Assert.Equal("submitted", Part(await GetCaseAsync(officer, number), "zjj").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_refused_extension_keeps_the_parts_deadline_and_the_co_handler_is_told()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("gdgs", "请确认供电方案")));
        var browser = _app.Anonymous();
        var gdgs = await LinkOfAsync("gdgs", number);
        await PostActionAsync(browser, gdgs, "accept");
        await AskAsync(browser, gdgs, 2, "设备到货延迟");
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "gdgs"));
        Assert.Equal(JsonValueKind.Object, Part(await GetCaseAsync(officer, number), "gdgs").GetProperty("pendingExtension").ValueKind);

        var request = new { approve = false, note = "主办期限临近，不能延期", requestId = Guid.NewGuid() };
        var first = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", request);
        var again = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var c = await GetCaseAsync(officer, number);
        var part = Part(c, "gdgs");
        Assert.Equal(At(6), part.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, part.GetProperty("pendingExtension").ValueKind);
        Assert.Single(EntriesOf(c, CaseEventKinds.ExtensionDenied, partId));
        Assert.Empty(EntriesOf(c, CaseEventKinds.DeadlineChanged, partId));
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["ReminderDue"] = At(5), ["ResolveDue"] = At(6), ["Overdue"] = At(11) }, await TimersAsync(partId));
        var told = Assert.Single(await MailsAsync(_app, Handler("gdgs"), "协办延期未同意"), m => m.Subject!.Contains(number));
        Assert.Contains("主办期限临近，不能延期", told.TextBody);
        Assert.NotNull(FormFor(await browser.GetStringAsync(gdgs), "submit"));

        // Decided already: nothing is pending any more.
        var late = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", new { approve = true });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task Denying_a_parts_extension_on_the_case_page_says_it_was_denied()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("gdgs", "请确认供电方案")));
        var browser = _app.Anonymous();
        var gdgs = await LinkOfAsync("gdgs", number);
        await PostActionAsync(browser, gdgs, "accept");
        await AskAsync(browser, gdgs, 2, "设备到货延迟");
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "gdgs"));
        var signedIn = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        var page = await signedIn.GetStringAsync($"/cases/{number}");
        var form = FormFor(page, $"part-extension-{partId}")!;
        form["__RequestVerificationToken"] = TokenIn(page);
        form["approve"] = "false";
        form["note"] = "主办期限临近，不能延期";

        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.PostAsync($"/cases/{number}/parts/{partId}/extension-decision", new FormUrlEncodedContent(form))).StatusCode);

        var after = await signedIn.GetStringAsync($"/cases/{number}");
        Assert.Contains("已不同意延期", after);
        Assert.DoesNotContain("延期申请已审批", after);
    }

    [Fact]
    public async Task The_officer_grants_a_co_handler_fewer_working_days_than_asked_and_its_deadline_timeline_and_mail_say_so()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("zjj", "请核实施工许可")));
        var browser = _app.Anonymous();
        var zjj = await LinkOfAsync("zjj", number);
        await PostActionAsync(browser, zjj, "accept");
        await GiveTheLeadMoreTimeAsync(officer, number);
        await AskAsync(browser, zjj, 3);
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "zjj"));

        var response = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", new { approve = true, days = 1, note = "只同意1天" });

        // Due Friday 6 March: 1 working day more ends Monday 9 March, not the 3 asked (Wednesday 11); the timers follow.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var c = await GetCaseAsync(officer, number);
        var part = Part(c, "zjj");
        Assert.Equal(At(9), part.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, part.GetProperty("pendingExtension").ValueKind);
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["ReminderDue"] = At(6), ["ResolveDue"] = At(9), ["Overdue"] = At(12) }, await TimersAsync(partId));
        var approved = Assert.Single(EntriesOf(c, CaseEventKinds.ExtensionApproved, partId));
        Assert.Equal(1, approved.GetProperty("data").GetProperty("days").GetInt32());
        Assert.Equal(3, approved.GetProperty("data").GetProperty("asked").GetInt32());

        var decided = Assert.Single(await MailsAsync(_app, Handler("zjj"), "【协办延期部分同意】"), m => m.Subject!.Contains(number));
        Assert.Contains("审核结果：部分同意：延期 1 个工作日（申请 3 个）", decided.TextBody);
        Assert.Contains("提交期限：2026年3月9日（周一）18:00", decided.TextBody);
        Assert.Contains("只同意1天", decided.TextBody);
        var signedIn = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        Assert.Contains("住房和城乡建设局（协办）；申请 3 个工作日，批准 1 个", System.Net.WebUtility.HtmlDecode(await signedIn.GetStringAsync($"/cases/{number}")));
    }

    [Theory]
    [InlineData(true, 0, "批准的延期天数须在 1 到 3 个工作日之间")]
    [InlineData(true, 4, "批准的延期天数须在 1 到 3 个工作日之间")]
    [InlineData(false, 1, "不批准时不填写天数")]
    public async Task A_parts_extension_decision_with_days_out_of_range_or_with_a_denial_is_a_400_naming_days_and_changes_nothing(bool approve, int days, string says)
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("zjj", null)));
        var browser = _app.Anonymous();
        var zjj = await LinkOfAsync("zjj", number);
        await PostActionAsync(browser, zjj, "accept");
        await AskAsync(browser, zjj, 3);
        var before = await GetCaseAsync(officer, number);
        var partId = IdOf(Part(before, "zjj"));
        var outbox = await _app.WithDbAsync(db => db.Outbox.CountAsync(m => db.Cases.Any(x => x.Id == m.CaseId && x.Number == number)));

        var response = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", new { approve, days, note = "请抓紧" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("days").EnumerateArray()).GetString()!;
        Assert.Contains(says, error);
        var after = await GetCaseAsync(officer, number);
        Assert.Equal(At(6), Part(after, "zjj").GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(3, Part(after, "zjj").GetProperty("pendingExtension").GetProperty("days").GetInt32());
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
        Assert.Equal(outbox, await _app.WithDbAsync(db => db.Outbox.CountAsync(m => db.Cases.Any(x => x.Id == m.CaseId && x.Number == number))));
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["ReminderDue"] = At(5), ["ResolveDue"] = At(6), ["Overdue"] = At(11) }, await TimersAsync(partId));
    }

    [Fact]
    public async Task The_parts_decision_form_offers_the_days_asked_keeps_what_a_refused_post_sent_and_grants_fewer()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("gdgs", "请确认供电方案")));
        var browser = _app.Anonymous();
        var gdgs = await LinkOfAsync("gdgs", number);
        await PostActionAsync(browser, gdgs, "accept");
        await GiveTheLeadMoreTimeAsync(officer, number);
        await AskAsync(browser, gdgs, 3, "设备到货延迟");
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "gdgs"));
        var signedIn = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        var page = await signedIn.GetStringAsync($"/cases/{number}");
        Assert.Matches($"<label for=\"part-{partId}-extension-days\">批准天数（工作日）</label>", page);
        Assert.Contains($"<input type=\"number\" id=\"part-{partId}-extension-days\" name=\"days\" min=\"1\" max=\"3\" step=\"1\" inputmode=\"numeric\" value=\"3\"", page);

        // More than asked: refused on the page, which shows the form as sent; nothing changed.
        var form = FormFor(page, $"part-extension-{partId}")!;
        form["__RequestVerificationToken"] = TokenIn(page);
        form["approve"] = "true";
        form["days"] = "5";
        form["note"] = "先给两天";
        var refused = await signedIn.PostAsync($"/cases/{number}/parts/{partId}/extension-decision", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var shown = await refused.Content.ReadAsStringAsync();
        Assert.Contains("批准的延期天数须在 1 到 3 个工作日之间", shown);
        Assert.Contains($"id=\"part-{partId}-extension-days\" name=\"days\" min=\"1\" max=\"3\" step=\"1\" inputmode=\"numeric\" value=\"5\"", shown);
        Assert.Contains(">先给两天</textarea>", shown);
        Assert.Equal(3, Part(await GetCaseAsync(officer, number), "gdgs").GetProperty("pendingExtension").GetProperty("days").GetInt32());

        // Two of the three: the submit deadline moves from Friday 6 to Tuesday 10 March.
        form = FormFor(shown, $"part-extension-{partId}")!;
        form["__RequestVerificationToken"] = TokenIn(shown);
        form["approve"] = "true";
        form["days"] = "2";
        form["note"] = "先给两天";
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.PostAsync($"/cases/{number}/parts/{partId}/extension-decision", new FormUrlEncodedContent(form))).StatusCode);
        Assert.Equal(At(10), Part(await GetCaseAsync(officer, number), "gdgs").GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_officer_grants_a_part_no_more_days_than_the_leads_deadline_less_the_lead_time_allows()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("zjj", "请核实施工许可")));
        var browser = _app.Anonymous();
        var zjj = await LinkOfAsync("zjj", number);
        await PostActionAsync(browser, zjj, "accept");
        // The lead resolves by Wednesday 11th: the part, due Friday 6th, may be due up to Tuesday 10th, 2 working days more.
        await GiveTheLeadMoreTimeAsync(officer, number, 2);
        // The liaison reads the cap before asking, and again beside the date its request would give.
        const string capped = "（主办部门办结期限减去提前量）；超过 2 个工作日须园区同时延长主办部门的办结期限。";
        Assert.Contains(capped, System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync(zjj)));
        await AskAsync(browser, zjj, 5);
        var waiting = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync(zjj));
        Assert.Matches("<p data-extension-cap>提交期限最晚 2026-03-10 18:00" + System.Text.RegularExpressions.Regex.Escape(capped), waiting);
        var before = await GetCaseAsync(officer, number);
        var partId = IdOf(Part(before, "zjj"));
        var pending = Part(before, "zjj").GetProperty("pendingExtension");
        Assert.Equal(2, pending.GetProperty("mostDays").GetInt32());
        Assert.Equal(At(10), pending.GetProperty("latestDueAt").GetDateTimeOffset());

        // The officer's mail says the most that can be granted before the lead's deadline.
        var mail = Assert.Single(await MailsAsync(_app, Officer, "协办延期申请"), m => m.Subject!.Contains(number));
        Assert.Contains("最多可批准：2 个工作日（协办的提交期限不能晚于 2026年3月10日（周二）18:00，即主办部门办结期限 2026年3月11日（周三）18:00 减去协办提前量）", mail.TextBody);
        Assert.Contains("<strong>2 个工作日</strong>", mail.HtmlBody);

        // All 5 asked, or 3: refused on days with the most and the lead's deadline; nothing changes.
        foreach (var body in new object[] { new { approve = true }, new { approve = true, days = 3 } })
        {
            var refused = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = Assert.Single((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("days").EnumerateArray()).GetString()!;
            Assert.Contains("最多可批准 2 个工作日：协办须在主办部门办结期限（2026-03-11 18:00）前 1 个工作日提交，即最晚 2026-03-10 18:00", error);
        }

        var unchanged = await GetCaseAsync(officer, number);
        Assert.Equal(At(6), Part(unchanged, "zjj").GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(5, Part(unchanged, "zjj").GetProperty("pendingExtension").GetProperty("days").GetInt32());
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), unchanged.GetProperty("timeline").GetArrayLength());

        // The case page's form says why and offers all 5, with the lead's deadline moved 3 working days (ticked); 2 need no move.
        var signedIn = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        var page = await signedIn.GetStringAsync($"/cases/{number}");
        Assert.Contains($"id=\"part-{partId}-extension-days\" name=\"days\" min=\"1\" max=\"5\" step=\"1\" inputmode=\"numeric\" value=\"5\"", page);
        Assert.Contains("最多可批准 2 个工作日：协办的提交期限不能晚于 2026-03-10 18:00（主办部门办结期限 2026-03-11 18:00 减去协办提前量）；批准更多天数须同时延长主办部门的办结期限。",
            System.Net.WebUtility.HtmlDecode(page));
        Assert.Contains("data-extend-lead=\"3\"", page);
        var form = FormFor(page, $"part-extension-{partId}")!;
        form["__RequestVerificationToken"] = TokenIn(page);
        form["approve"] = "true";
        form["days"] = "2";
        form["extendLead"] = "true"; // as the box is ticked: ignored, as 2 days fit
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.PostAsync($"/cases/{number}/parts/{partId}/extension-decision", new FormUrlEncodedContent(form))).StatusCode);

        // Due Tuesday 10th, the day before the lead's: the lead can resolve once the part is in, in time.
        var c = await GetCaseAsync(officer, number);
        Assert.Equal(At(10), Part(c, "zjj").GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(At(11), c.GetProperty("dueAt").GetDateTimeOffset());
        var approved = Assert.Single(EntriesOf(c, CaseEventKinds.ExtensionApproved, partId));
        Assert.Equal(2, approved.GetProperty("data").GetProperty("days").GetInt32());
        Assert.Equal(5, approved.GetProperty("data").GetProperty("asked").GetInt32());
    }

    [Fact]
    public async Task A_part_due_the_lead_time_before_the_leads_deadline_gets_no_more_days_until_the_leads_deadline_moves()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("gdgs", "请确认供电方案")));
        var browser = _app.Anonymous();
        var gdgs = await LinkOfAsync("gdgs", number);
        await PostActionAsync(browser, gdgs, "accept");
        // Due Friday 6th, 1 working day before the lead's Monday 9th: at the latest already.
        await AskAsync(browser, gdgs, 2, "设备到货延迟");
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "gdgs"));
        Assert.Equal(0, Part(await GetCaseAsync(officer, number), "gdgs").GetProperty("pendingExtension").GetProperty("mostDays").GetInt32());
        var mail = Assert.Single(await MailsAsync(_app, Officer, "协办延期申请"), m => m.Subject!.Contains(number));
        Assert.Contains("可批准天数：无。协办的提交期限不能晚于 2026年3月6日（周五）18:00（主办部门办结期限 2026年3月9日（周一）18:00 减去协办提前量），现已是最晚；须先延长主办部门的办结期限才能批准。", mail.TextBody);

        var refused = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", new { approve = true, days = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = Assert.Single((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("days").EnumerateArray()).GetString()!;
        Assert.Contains("不能批准延期：协办须在主办部门办结期限（2026-03-09 18:00）前 1 个工作日提交，现提交期限已是最晚（2026-03-06 18:00）；请先延长主办部门的办结期限，或不批准", error);
        Assert.Equal(At(6), Part(await GetCaseAsync(officer, number), "gdgs").GetProperty("dueAt").GetDateTimeOffset());

        // The case page says why, and offers the approval only with the lead's deadline moved too (ticked).
        var signedIn = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        var page = await signedIn.GetStringAsync($"/cases/{number}");
        Assert.Contains($"data-extension-most=\"0\"", page);
        Assert.Contains("现已是最晚：批准延期须同时延长主办部门的办结期限。", page);
        Assert.Matches($"name=\"extendLead\" value=\"true\"\\s+checked aria-describedby=\"part-{partId}-extend-lead-help\" data-extend-lead=\"2\"", page);
        Assert.Matches($"(?s)data-action=\"part-extension-{partId}\"((?!</form>).)*name=\"approve\" value=\"true\"", page);

        // The lead's deadline moves (its own extension, approved): the cap grows with it, and the part's 2 days fit.
        await GiveTheLeadMoreTimeAsync(officer, number);
        Assert.Equal(5, Part(await GetCaseAsync(officer, number), "gdgs").GetProperty("pendingExtension").GetProperty("mostDays").GetInt32());
        Assert.DoesNotContain("data-extension-most", await signedIn.GetStringAsync($"/cases/{number}"));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", new { approve = true })).StatusCode);
        Assert.Equal(At(10), Part(await GetCaseAsync(officer, number), "gdgs").GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_officer_approves_a_parts_extension_moving_the_leads_deadline_as_far_as_needed_and_the_lead_is_told()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("gdgs", "请确认供电方案")));
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, await LinkOfAsync("zrzyj", number), "accept")).StatusCode);
        var gdgs = await LinkOfAsync("gdgs", number);
        await PostActionAsync(browser, gdgs, "accept");
        // Due Friday 6th, the lead Monday 9th: no room. Granting 2 moves the lead 2 working days, to Wednesday 11th.
        await AskAsync(browser, gdgs, 2, "设备到货延迟");
        var before = await GetCaseAsync(officer, number);
        var partId = IdOf(Part(before, "gdgs"));
        var pending = Part(before, "gdgs").GetProperty("pendingExtension");
        Assert.Equal((0, 2, At(11)), (pending.GetProperty("mostDays").GetInt32(), pending.GetProperty("leadDaysNeeded").GetInt32(),
            pending.GetProperty("leadDueAtIfApproved").GetDateTimeOffset()));
        Assert.Equal(At(9), (await LeadTimersAsync(number))["ResolveDue"]);

        // Without extendLead the API still refuses, naming days; the page's form carries it ticked, with all asked.
        var refused = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", new { approve = true, extendLead = false });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var signedIn = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        var page = await signedIn.GetStringAsync($"/cases/{number}");
        Assert.Contains($"id=\"part-{partId}-extension-days\" name=\"days\" min=\"1\" max=\"2\" step=\"1\" inputmode=\"numeric\" value=\"2\"", page);
        Assert.Contains("批准全部 2 个工作日时，主办部门的办结期限延长 2 个工作日，至 2026-03-11 18:00", page);
        var form = FormFor(page, $"part-extension-{partId}")!;
        form["__RequestVerificationToken"] = TokenIn(page);
        form["approve"] = "true";
        form["days"] = "2";
        form["extendLead"] = "true";
        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.PostAsync($"/cases/{number}/parts/{partId}/extension-decision", new FormUrlEncodedContent(form))).StatusCode);

        // The part is due Tuesday 10th, the lead Wednesday 11th, scored against it too (the lead did not ask), its timers moved.
        var c = await GetCaseAsync(officer, number);
        Assert.Equal(At(10), Part(c, "gdgs").GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(At(11), c.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(At(11), c.GetProperty("originalDueAt").GetDateTimeOffset());
        Assert.Equal(At(11), (await LeadTimersAsync(number))["ResolveDue"]);
        var moved = Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.DeadlineChanged
            && e.GetProperty("data").GetProperty("reason").GetString() == "with-part");
        Assert.Equal(("gdgs", 2), (moved.GetProperty("data").GetProperty("department").GetString(), moved.GetProperty("data").GetProperty("days").GetInt32()));
        Assert.Contains("随协办延期延长，新的办结期限 2026-03-11 18:00", await signedIn.GetStringAsync($"/cases/{number}"));

        // The lead's handler is told why and by when; the co-handler hears its approval.
        var told = Assert.Single(await MailsAsync(_app, Handler("zrzyj"), number), m => m.Subject!.Contains("【办结期限延长】"));
        Assert.Contains("园区批准了协办部门供电公司的延期申请，其协办意见提交期限延至 2026年3月10日（周二）18:00。", told.TextBody);
        Assert.Contains("办结期限相应由 2026年3月9日（周一）18:00 延长至 2026年3月11日（周三）18:00。", told.TextBody);
        Assert.Contains("/l/", told.TextBody);
        Assert.Single(await MailsAsync(_app, Handler("gdgs"), number), m => m.Subject!.Contains("延期已同意"));
    }

    /// <summary>The deadline timers the case's (the lead's) workflow waits on: kind → when.</summary>
    private async Task<Dictionary<string, DateTimeOffset>> LeadTimersAsync(string number) =>
        await _app.WithDbAsync(async db =>
        {
            var instance = await db.Cases.Where(c => c.Number == number).Select(c => c.WorkflowInstanceId).SingleAsync();
            return await db.Set<WorkflowBookmarkRecord>().Where(b => b.InstanceId == instance && b.ResumeAt != null)
                .ToDictionaryAsync(b => b.Key!, b => b.ResumeAt!.Value);
        });

    [Fact]
    public async Task Denying_on_the_case_page_ignores_the_days_the_form_still_carries()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("gdgs", null)));
        var browser = _app.Anonymous();
        var gdgs = await LinkOfAsync("gdgs", number);
        await PostActionAsync(browser, gdgs, "accept");
        await AskAsync(browser, gdgs, 2, "设备到货延迟");
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "gdgs"));
        var signedIn = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        var page = await signedIn.GetStringAsync($"/cases/{number}");
        var form = FormFor(page, $"part-extension-{partId}")!;
        form["__RequestVerificationToken"] = TokenIn(page);
        form["approve"] = "false";
        form["days"] = "2"; // the prefilled field goes with the deny button too
        form["note"] = "主办期限临近";

        Assert.Equal(HttpStatusCode.Redirect, (await signedIn.PostAsync($"/cases/{number}/parts/{partId}/extension-decision", new FormUrlEncodedContent(form))).StatusCode);
        Assert.Single(EntriesOf(await GetCaseAsync(officer, number), CaseEventKinds.ExtensionDenied, partId));
    }

    [Fact]
    public async Task Submitting_while_the_parts_extension_request_waits_withdraws_it_in_the_same_commit()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("swj", "请核实用水指标")));
        var browser = _app.Anonymous();
        var link = await LinkOfAsync("swj", number);
        await PostActionAsync(browser, link, "accept");
        await AskAsync(browser, link, 2);
        var page = await browser.GetStringAsync(link);
        Assert.NotNull(FormFor(page, "submit"));
        Assert.Null(FormFor(page, "extension"));

        var submitted = await PostActionAsync(browser, link, "submit", new() { ["note"] = "用水指标充足" });

        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var c = await GetCaseAsync(officer, number);
        var part = Part(c, "swj");
        Assert.Equal("submitted", part.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, part.GetProperty("pendingExtension").ValueKind);
        Assert.Single(EntriesOf(c, CaseEventKinds.ExtensionWithdrawn, IdOf(part)));
        Assert.Single(await MailsAsync(_app, Handler("zrzyj"), "协办意见已提交"), m => m.Subject!.Contains(number));
        var late = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{IdOf(part)}/extension-decision", new { approve = true });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task While_the_parts_request_waits_the_co_handler_reports_progress_then_returning_withdraws_it()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("swj", "请核实用水指标")));
        var browser = _app.Anonymous();
        var link = await LinkOfAsync("swj", number);
        await PostActionAsync(browser, link, "accept");
        await AskAsync(browser, link, 2);
        Assert.Contains("其间仍可报告进展", await browser.GetStringAsync(link));

        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "progress", new() { ["note"] = "已向水务公司调取数据" })).StatusCode);

        var part = Part(await GetCaseAsync(officer, number), "swj");
        Assert.Equal("in-progress", part.GetProperty("status").GetString());
        Assert.Equal(2, part.GetProperty("pendingExtension").GetProperty("days").GetInt32());

        var returned = await PostActionAsync(browser, link, "return", new() { ["reasonCode"] = "needs-other-department", ["note"] = "用水指标由县水务局核定" });

        Assert.Equal(HttpStatusCode.Redirect, returned.StatusCode);
        var c = await GetCaseAsync(officer, number);
        part = Part(c, "swj");
        Assert.Equal("returned", part.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, part.GetProperty("pendingExtension").ValueKind);
        Assert.Single(EntriesOf(c, CaseActions.Progress, IdOf(part)));
        var withdrawn = Assert.Single(EntriesOf(c, CaseEventKinds.ExtensionWithdrawn, IdOf(part)));
        Assert.Equal("return", withdrawn.GetProperty("data").GetProperty("because").GetString());
        Assert.Contains("reassign", part.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        var late = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{IdOf(part)}/extension-decision", new { approve = true });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task Bad_extension_requests_and_decisions_are_4xx_and_change_nothing()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("zjj", null), ("rsj", null)));
        var (_, otherNumber) = await OpenAsync(JointCase("fgj", ("swj", null)));
        var browser = _app.Anonymous();
        var zjj = await LinkOfAsync("zjj", number);
        var rsj = await LinkOfAsync("rsj", number);
        await PostActionAsync(browser, zjj, "accept");
        var ids = (await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray()
            .ToDictionary(p => p.GetProperty("departmentCode").GetString()!, IdOf);
        var otherPart = IdOf(Part(await GetCaseAsync(officer, otherNumber), "swj"));

        // Nothing pending: the officer has nothing to decide.
        Assert.Equal(HttpStatusCode.Conflict, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{ids["zjj"]}/extension-decision", new { approve = true })).StatusCode);

        // The co-handler: not before accepting, 1–60 working days, a reason.
        var unaccepted = FormFor(await browser.GetStringAsync(rsj), "accept")!;
        unaccepted["action"] = "extension";
        unaccepted["days"] = "3";
        unaccepted["note"] = "理由";
        Assert.Equal(HttpStatusCode.Conflict, (await browser.PostAsync(rsj, new FormUrlEncodedContent(unaccepted))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await AskAsync(browser, zjj, 0)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await AskAsync(browser, zjj, 61)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await AskAsync(browser, zjj, 3, " ")).StatusCode);
        Assert.Equal(JsonValueKind.Null, Part(await GetCaseAsync(officer, number), "zjj").GetProperty("pendingExtension").ValueKind);
        Assert.DoesNotContain(await MailsAsync(_app, Officer, "协办延期申请"), m => m.Subject!.Contains(number));

        await AskAsync(browser, zjj, 3);
        var before = await GetCaseAsync(officer, number);
        var mails = (await MailsAsync(_app, Handler("zjj"))).Count;

        async Task ExpectAsync(string path, object body, HttpStatusCode status, string? field = null)
        {
            var response = await officer.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{path} {JsonSerializer.Serialize(body)}: {response.StatusCode} {text}");
            if (field is not null)
            {
                Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {text}");
            }
        }

        var decide = $"/api/cases/{number}/parts/{ids["zjj"]}/extension-decision";
        await ExpectAsync(decide, new { }, HttpStatusCode.BadRequest, "approve");
        await ExpectAsync(decide, new { note = "意见" }, HttpStatusCode.BadRequest, "approve");
        await ExpectAsync(decide, new { approve = true, note = new string('长', 2001) }, HttpStatusCode.BadRequest, "note");
        await ExpectAsync($"/api/cases/{number}/parts/{ids["rsj"]}/extension-decision", new { approve = true }, HttpStatusCode.Conflict);
        await ExpectAsync($"/api/cases/{otherNumber}/parts/{ids["zjj"]}/extension-decision", new { approve = true }, HttpStatusCode.NotFound);
        await ExpectAsync($"/api/cases/{number}/parts/{otherPart}/extension-decision", new { approve = true }, HttpStatusCode.NotFound);
        await ExpectAsync($"/api/cases/{number}/parts/999999999/extension-decision", new { approve = true }, HttpStatusCode.NotFound);
        await ExpectAsync($"/api/cases/AYKF-2026-999999/parts/{ids["zjj"]}/extension-decision", new { approve = true }, HttpStatusCode.NotFound);
        // The co-handler cannot ask again while its request waits.
        Assert.Null(FormFor(await browser.GetStringAsync(zjj), "extension"));

        var after = await GetCaseAsync(officer, number);
        Assert.Equal(before.GetProperty("coDepartments").GetRawText(), after.GetProperty("coDepartments").GetRawText());
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
        Assert.Equal(mails, (await MailsAsync(_app, Handler("zjj"))).Count);
    }

    [Fact]
    public async Task A_dropped_parts_handler_is_told_it_need_not_act_and_its_pending_request_ends()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("rsj", "用工招聘"), ("jtysj", null)));
        var browser = _app.Anonymous();
        var rsj = await LinkOfAsync("rsj", number);
        await PostActionAsync(browser, rsj, "accept");
        await AskAsync(browser, rsj, 5, "招聘会推迟");
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "rsj"));

        var dropped = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/drop", new { reason = "企业已自行招聘" });

        Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);
        var part = Part(await GetCaseAsync(officer, number), "rsj");
        Assert.Equal("dropped", part.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, part.GetProperty("pendingExtension").ValueKind);
        var mail = Assert.Single(await MailsAsync(_app, Handler("rsj"), "协办已撤回"), m => m.Subject!.Contains(number));
        Assert.Contains("无需继续办理", mail.TextBody);
        Assert.Contains("用工招聘", mail.TextBody);
        Assert.Contains("企业已自行招聘", mail.TextBody);
        Assert.DoesNotContain("/l/", mail.TextBody);
        // Only the dropped department hears of it.
        Assert.Empty(await MailsAsync(_app, Handler("jtysj"), "协办已撤回"));
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(rsj)).StatusCode);
    }

    [Fact]
    public async Task A_part_started_on_an_older_workflow_version_refuses_an_extension_request_with_409_and_keeps_waiting()
    {
        var (officer, number) = await OpenAsync(JointCase("zrzyj", ("fgj", "请协调电价")));
        var browser = _app.Anonymous();
        var fgj = await LinkOfAsync("fgj", number);
        await PostActionAsync(browser, fgj, "accept");
        var partId = IdOf(Part(await GetCaseAsync(officer, number), "fgj"));

        // case-part-routing v2 as shipped before: no ExtensionRequested path. The part's instance is pinned to it.
        await _app.WithDbAsync(async db =>
        {
            var current = await db.Set<WorkflowDefinitionRecord>().SingleAsync(d => d.DefinitionId == "case-part-routing" && d.IsLatest);
            var json = JsonNode.Parse(current.Json)!.AsObject();
            var extension = new[] { "notify-extension-requested", "officer-extension", "extend", "notify-extension-approved", "notify-extension-denied" };
            var root = json["root"]!.AsObject();
            foreach (var a in root["activities"]!.AsArray().Where(a => extension.Contains((string?)a!["id"])).ToList()) root["activities"]!.AsArray().Remove(a);
            foreach (var c in root["connections"]!.AsArray().Where(c => (string?)c!["source"]!["port"] == "ExtensionRequested"
                || extension.Contains((string?)c!["source"]!["activity"])).ToList()) root["connections"]!.AsArray().Remove(c);
            json["id"] = "case-part-routing-v2-test";
            json["version"] = 2;
            db.Add(new WorkflowDefinitionRecord
            {
                DefinitionId = "case-part-routing", Version = 2, VersionId = "case-part-routing-v2-test", Name = current.Name, Json = json.ToJsonString(),
                IsLatest = false, IsPublished = false, CreatedAt = current.CreatedAt, UpdatedAt = current.UpdatedAt, PublishedAt = current.PublishedAt,
            });
            var instanceId = await db.Set<CasePart>().Where(p => p.Id == partId).Select(p => p.WorkflowInstanceId).SingleAsync();
            var instance = await db.Set<WorkflowInstanceRecord>().SingleAsync(i => i.Id == instanceId);
            var state = JsonNode.Parse(instance.State)!.AsObject();
            foreach (var (key, value) in state.ToList())
            {
                if (key.Equals("definitionVersion", StringComparison.OrdinalIgnoreCase)) state[key] = 2;
                if (key.Equals("definitionVersionId", StringComparison.OrdinalIgnoreCase)) state[key] = "case-part-routing-v2-test";
            }

            instance.State = state.ToJsonString();
            instance.DefinitionVersion = 2;
            return await db.SaveChangesAsync();
        });
        var before = await GetCaseAsync(officer, number);

        var asked = await AskAsync(browser, fgj, 2);

        Assert.Equal(HttpStatusCode.Conflict, asked.StatusCode);
        var refusal = await asked.Content.ReadAsStringAsync();
        Assert.True(refusal.Contains("此协办的流程版本不支持申请延期"), System.Text.RegularExpressions.Regex.Match(refusal, "class=\"error\">[^<]*").Value);
        var after = await GetCaseAsync(officer, number);
        Assert.Equal(before.GetProperty("coDepartments").GetRawText(), after.GetProperty("coDepartments").GetRawText());
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
        Assert.DoesNotContain(await MailsAsync(_app, Officer, "协办延期申请"), m => m.Subject!.Contains(number));
        // The part still waits for its department: it submits as before.
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, fgj, "submit", new() { ["note"] = "电价已协调" })).StatusCode);
        Assert.Equal("submitted", Part(await GetCaseAsync(officer, number), "fgj").GetProperty("status").GetString());
    }
}

/// <summary>A co-handler's escalation ladder while the officer decides its extension request (its own app: the clock moves far).</summary>
public sealed class JointPartLadderTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(JointPartLadderTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static DateTimeOffset At(int day) => JointPartExtensionTests.At(day);

    private async Task<Dictionary<string, DateTimeOffset>> TimersAsync(long partId) =>
        await _app.WithDbAsync(async db =>
        {
            var instance = await db.Set<CasePart>().Where(p => p.Id == partId).Select(p => p.WorkflowInstanceId).SingleAsync();
            return await db.Set<WorkflowBookmarkRecord>().Where(b => b.InstanceId == instance && b.ResumeAt != null)
                .ToDictionaryAsync(b => b.Key!, b => b.ResumeAt!.Value);
        });

    [Fact]
    public async Task A_parts_ladder_runs_on_while_the_officer_sits_on_its_extension_request_and_each_rung_fires_once()
    {
        // Monday 2 March: the part submits by Friday 6 March 18:00.
        var officer = await _app.AsOfficerAsync();
        var number = (await CaseTestKit.OpenAsync(officer, JointPartExtensionTests.JointCase("zrzyj", ("sthjj", "请出具环评意见")))).GetProperty("number").GetString()!;
        var browser = _app.Anonymous();
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, JointPartExtensionTests.Handler("sthjj"), number), m => m.Subject!.Contains("派单"))));
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "2", ["note"] = "专家评审延期" });
        var partId = JointPartExtensionTests.IdOf(JointPartExtensionTests.Part(await GetCaseAsync(officer, number), "sthjj"));
        // While the officer decides, the officer's wait holds the part's rungs.
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["ReminderDue"] = At(5), ["ResolveDue"] = At(6), ["Overdue"] = At(11) }, await TimersAsync(partId));

        _app.Clock.SetUtcNow(At(6).AddMinutes(1).ToUniversalTime());
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();
        async Task<int> RedAsync() => (await MailsAsync(_app, JointPartExtensionTests.Handler("sthjj"), number)).Count(m => m.Subject!.Contains("超期督办"));
        Assert.Equal(1, await RedAsync());

        // Refused late: back with the co-handler; the rungs already fired are not armed again.
        var refused = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", new { approve = false, note = "请按期提交" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["Overdue"] = At(11) }, await TimersAsync(partId));
        _app.Clock.SetUtcNow(At(9).ToUniversalTime());
        await _app.SweepTimersAsync();
        Assert.Equal(1, await RedAsync());
    }
}
