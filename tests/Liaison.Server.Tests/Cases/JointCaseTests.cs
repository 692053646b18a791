using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>Joint cases (联办): a lead department and co-handling departments, each with its own part, links and workflow.</summary>
public sealed class JointCaseTests(AppFixture fixture) : IClassFixture<AppFixture>
{
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

    private async Task<string> PartLinkAsync(string department, string number) =>
        PathOf(LinkIn((await MailsAsync(_app, Handler(department), number)).Single(m => m.Subject!.Contains("派单"))));

    [Fact]
    public async Task The_leads_link_page_names_the_department_of_a_co_handlers_entries()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("zjj", null)))).GetProperty("number").GetString()!;
        var lead = PathOf(LinkIn((await MailsAsync(_app, Handler("zrzyj"), number)).Single(m => m.Subject!.Contains("派单"))));
        await PostActionAsync(_app.Anonymous(), await PartLinkAsync("zjj", number), "accept");

        var page = await _app.Anonymous().GetStringAsync(lead);

        // The co-handler's acceptance says whose it is (it read as the lead's own 签收), and its part's new status.
        Assert.Contains("签收（住房和城乡建设局（协办）；状态：已签收）", page);
    }

    [Fact]
    public async Task The_lead_is_not_reassigned_to_a_department_co_handling_the_case_until_its_part_is_dropped()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await OpenAsync(officer, JointCase("zrzyj", ("xzspj", null), ("zjj", null)));
        var number = opened.GetProperty("number").GetString()!;

        var refused = await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "xzspj", note = "改由行政审批局主办" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("是本事项的协办部门，协办尚未完成，不能同时主办", problem.GetProperty("errors").GetProperty("departmentCode")[0].GetString());
        var unchanged = await GetCaseAsync(officer, number);
        Assert.Equal(("zrzyj", 1), (unchanged.GetProperty("department").GetString(), unchanged.GetProperty("assignmentRound").GetInt32()));

        // The case page lists it, not to be chosen, and says why.
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        Assert.Contains("<option value=\"xzspj\" disabled>行政审批局（协办中，须先撤回其协办）</option>", await browser.GetStringAsync($"/cases/{number}"));

        var part = unchanged.GetProperty("coDepartments").EnumerateArray().Single(p => p.GetProperty("departmentCode").GetString() == "xzspj").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{part}/drop", new { reason = "改由其主办" })).StatusCode);
        Assert.Contains("<option value=\"xzspj\">行政审批局</option>", await browser.GetStringAsync($"/cases/{number}"));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "xzspj", note = "改由行政审批局主办" })).StatusCode);
        Assert.Equal("xzspj", (await GetCaseAsync(officer, number)).GetProperty("department").GetString());
    }

    /// <summary>A bad list of co-departments, the field its 400 names, and words its message says ("" for any).</summary>
    public static TheoryData<string, string, string> BadCoDepartments => new()
    {
        { JsonSerializer.Serialize(JointCase("zrzyj", ("zrzyj", null))), "coDepartments[0].departmentCode", "自然资源和规划局已是主办部门" },
        { JsonSerializer.Serialize(JointCase("zrzyj", ("zjj", null), ("zjj", "again"))), "coDepartments[1].departmentCode", "协办部门住房和城乡建设局重复列出" },
        { JsonSerializer.Serialize(JointCase("zrzyj", ("nowhere", null))), "coDepartments[0].departmentCode", "" },
        { JsonSerializer.Serialize(JointCase("zrzyj", ("", null))), "coDepartments[0].departmentCode", "" },
        { JsonSerializer.Serialize(JointCase("zrzyj", ("zjj", new string('长', 501)))), "coDepartments[0].task", "" },
        { JsonSerializer.Serialize(JointCase("zrzyj", Enumerable.Range(0, 29).Select(i => ($"d{i}", (string?)null)).ToArray())), "coDepartments", "" },
    };

    [Theory]
    [MemberData(nameof(BadCoDepartments))]
    public async Task Bad_co_departments_are_400_naming_the_field_and_create_nothing(string json, string field, string says)
    {
        var officer = await _app.AsOfficerAsync();
        var before = await _app.WithDbAsync(db => db.Cases.CountAsync());

        var response = await officer.PostAsync("/api/cases", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"errors should name {field}: {problem}");
        Assert.Contains(" / ", messages[0].GetString());
        Assert.Contains(says, messages[0].GetString());
        Assert.Equal(before, await _app.WithDbAsync(db => db.Cases.CountAsync()));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<CasePart>().CountAsync()));
    }

    [Fact]
    public async Task An_inactive_co_department_is_400()
    {
        var admin = await _app.AsAdminAsync();
        var department = await admin.GetFromJsonAsync<JsonElement>("/api/departments/tcj");
        var body = JsonSerializer.Deserialize<Dictionary<string, object?>>(department.GetRawText())!;
        body["active"] = false;
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/departments/tcj", body)).StatusCode);

        var response = await (await _app.AsOfficerAsync()).PostAsJsonAsync("/api/cases", JointCase("zrzyj", ("tcj", null)));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("coDepartments[0].departmentCode", out _), problem.ToString());
    }

    [Fact]
    public async Task A_case_without_co_departments_or_with_an_empty_list_is_a_single_department_case()
    {
        var officer = await _app.AsOfficerAsync();

        var old = await OpenAsync(officer, NewCase("jxj"));
        var empty = await OpenAsync(officer, JointCase("jxj"));

        foreach (var c in new[] { old, empty })
        {
            Assert.Equal("dispatched", c.GetProperty("status").GetString());
            Assert.Empty(c.GetProperty("coDepartments").EnumerateArray());
        }

        var numbers = new[] { old, empty }.Select(c => c.GetProperty("number").GetString()).ToList();
        var children = await _app.WithDbAsync(db => db.Set<WorkflowInstanceRecord>()
            .CountAsync(i => db.Cases.Any(c => numbers.Contains(c.Number) && c.WorkflowInstanceId == i.ParentInstanceId)));
        Assert.Equal(0, children);
    }

    [Fact]
    public async Task Co_handlers_accept_and_submit_their_parts_then_the_lead_resolves_and_the_officer_closes()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var opened = await OpenAsync(officer, JointCase("zrzyj", ("zjj", "请核实施工许可"), ("gdgs", "请确认10kV接入方案"), ("sthjj", null)));
        var number = opened.GetProperty("number").GetString()!;

        var parts = opened.GetProperty("coDepartments").EnumerateArray().ToList();
        Assert.Equal(["zjj", "gdgs", "sthjj"], parts.Select(p => p.GetProperty("departmentCode").GetString()));
        Assert.All(parts, p => Assert.Equal("dispatched", p.GetProperty("status").GetString()));
        // Each co-handler must submit one working day before the lead's resolve deadline.
        var leadDue = opened.GetProperty("dueAt").GetDateTimeOffset();
        Assert.All(parts, p => Assert.True(p.GetProperty("dueAt").GetDateTimeOffset() < leadDue));
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 18, 0, 0, TimeSpan.FromHours(8)), parts[0].GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, TimeSpan.FromHours(8)), leadDue);

        // Each department gets its own dispatch mail with its own link and the task note, in the case's one thread.
        var zjjMail = (await MailsAsync(_app, Handler("zjj"), number)).Single(m => m.Subject!.Contains("派单"));
        Assert.Contains("请核实施工许可", zjjMail.TextBody);
        var leadMail = (await MailsAsync(_app, Handler("zrzyj"), number)).Single(m => m.Subject!.Contains("派单"));
        Assert.Equal(leadMail.InReplyTo ?? leadMail.MessageId, zjjMail.InReplyTo ?? zjjMail.MessageId);
        var lead = PathOf(LinkIn(leadMail));

        var zjj = await PartLinkAsync("zjj", number);
        var gdgs = await PartLinkAsync("gdgs", number);
        var sthjj = await PartLinkAsync("sthjj", number);
        var page = await browser.GetStringAsync(zjj);
        Assert.Contains("请核实施工许可", page);
        Assert.Null(FormFor(page, "resolve"));

        foreach (var link in new[] { zjj, gdgs })
        {
            Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "submit",
                new() { ["note"] = "已核实，无障碍", ["attachments"] = "https://files.example/permit.pdf" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, lead, "accept")).StatusCode);
        // sthjj is within its time: the lead waits for it (it may not resolve over it yet).
        var early = await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("暂不能先行办结：生态环境局（签收期限", await early.Content.ReadAsStringAsync());
        Assert.Equal("accepted", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());

        await PostActionAsync(browser, sthjj, "accept");
        await PostActionAsync(browser, sthjj, "submit", new() { ["note"] = "环评无异议" });
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "用地、许可、供电均已落实" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "企业确认" })).StatusCode);

        var closed = await GetCaseAsync(officer, number);
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        var done = closed.GetProperty("coDepartments").EnumerateArray().ToList();
        Assert.All(done, p => Assert.Equal("submitted", p.GetProperty("status").GetString()));
        Assert.Equal("https://files.example/permit.pdf", done[0].GetProperty("attachments").GetString());
        Assert.Equal("环评无异议", done[2].GetProperty("submission").GetString());

        // Each part's entries are scored for its own department and round, so the league table counts them.
        var submits = await _app.WithDbAsync(db => db.CaseEvents.Where(e => e.Kind == CaseActions.Submit && db.Cases.Any(c => c.Id == e.CaseId && c.Number == number)).ToListAsync());
        Assert.Equal(["gdgs", "sthjj", "zjj"], submits.Select(e => e.DepartmentCode).Order());
        Assert.All(submits, e => Assert.True(e.PartId is not null && e.OnTime == true && e.RoundStartedAt is not null));
        var children = await _app.WithDbAsync(db => db.Set<WorkflowInstanceRecord>()
            .Where(i => i.ParentInstanceId != null && i.CorrelationId!.StartsWith("case:") && i.DefinitionId == "case-part-routing")
            .Join(db.Cases.Where(c => c.Number == number), i => i.ParentInstanceId, c => c.WorkflowInstanceId, (i, c) => i.Status).ToListAsync());
        Assert.Equal(3, children.Count);
        Assert.All(children, s => Assert.Equal(WorkflowStatus.Finished, s));
    }

    [Fact]
    public async Task The_lead_may_resolve_over_a_silent_co_handler_with_a_reason_recorded_against_it()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("jtysj", "道路开口")))).GetProperty("number").GetString()!;
        var lead = PathOf(LinkIn((await MailsAsync(_app, Handler("zrzyj"), number)).Single(m => m.Subject!.Contains("派单"))));
        var part = await PartLinkAsync("jtysj", number);
        await PostActionAsync(browser, lead, "accept");
        // Not silent yet (its accept-by has not passed): refused, naming the department and its deadline, nothing changed.
        var early = await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结", ["overrideReason"] = "交通运输局三日未回复" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        var acceptBy = Assert.Single((await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray()).GetProperty("acceptBy").GetDateTimeOffset();
        Assert.Contains($"交通运输局（签收期限 {Local(acceptBy)}，届时仍未签收方可先行办结）", await early.Content.ReadAsStringAsync());
        Assert.Equal("accepted", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
        PastDeadline(acceptBy);
        // Without a reason: refused in the resolve form's card, naming the silent department, with the note as typed.
        var refused = await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结，待交通运输局确认" });
        var again = await refused.Content.ReadAsStringAsync();
        // A field the form must fill, not a case that changed: 400, said in the resolve form's card.
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("协办部门尚未提交协办意见：交通运输局。", again);
        Assert.Matches("data-form-error>[^<]*协办部门尚未提交协办意见：交通运输局", again);
        Assert.Contains(">已办结，待交通运输局确认</textarea>", again);
        Assert.Equal("accepted", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());

        var resolved = await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结", ["overrideReason"] = "交通运输局三日未回复，道路开口已由企业自行报批" });

        Assert.Equal(HttpStatusCode.Redirect, resolved.StatusCode);
        var c = await GetCaseAsync(officer, number);
        Assert.Equal("resolved", c.GetProperty("status").GetString());
        var p = Assert.Single(c.GetProperty("coDepartments").EnumerateArray());
        Assert.Equal("overridden", p.GetProperty("status").GetString());
        Assert.Contains("三日未回复", p.GetProperty("endedReason").GetString());
        var entry = await _app.WithDbAsync(db => db.CaseEvents.SingleAsync(e => e.Kind == CaseEventKinds.PartOverridden && db.Cases.Any(c => c.Id == e.CaseId && c.Number == number)));
        Assert.Equal("jtysj", entry.DepartmentCode);
        var gone = await browser.GetAsync(part);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        // The silent department is told it need not act, with the lead's reason and no link.
        // The lead resolved, not the zone: the mail says so, in the recipient's language only.
        var told = Assert.Single(await MailsAsync(_app, Handler("jtysj"), "主办已先行办结"), m => m.Subject!.Contains(number));
        Assert.Contains("已先行办结以下联办事项，贵单位的协办任务", told.TextBody);
        Assert.Contains("先行办结理由：交通运输局三日未回复", told.TextBody);
        Assert.DoesNotContain("园区已撤回", told.TextBody);
        Assert.DoesNotContain("The lead", told.TextBody);
        Assert.DoesNotContain("/l/", told.TextBody);
        // The officer's page shows the reason under the part as the lead's, not as the co-handler's 协办意见.
        var page = System.Net.WebUtility.HtmlDecode(await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync($"/cases/{number}"));
        Assert.Matches("data-ended-reason>主办先行办结：交通运输局三日未回复", page);
        var child = await _app.WithDbAsync(db => db.Set<WorkflowInstanceRecord>().SingleAsync(i => i.CorrelationId!.EndsWith($"/part:{entry.PartId}")));
        Assert.Equal(WorkflowStatus.Cancelled, child.Status);
        // The officer's 【待确认办结】 lists the co-handler with how its part ended: resolved over, with the lead's reason.
        var toConfirm = Assert.Single(await MailsAsync(_app, "officer@test.example", "待确认办结"), m => m.Subject!.Contains(number));
        Assert.Contains("协办部门办理情况：", toConfirm.TextBody);
        Assert.Contains("- 交通运输局：主办已办结（未提交）。理由：交通运输局三日未回复，道路开口已由企业自行报批", toConfirm.TextBody);
        Assert.Contains("理由：交通运输局三日未回复，道路开口已由企业自行报批</span>", toConfirm.HtmlBody);
    }

    /// <summary>
    /// A co-handler that accepted and is within its submit deadline is not silent: the lead's resolve over it, with
    /// whatever reason, is 409 naming the department and its deadline, and changes nothing (no 【主办已先行办结】 with an
    /// untrue reason). Once the deadline has passed without its part, the lead may go ahead.
    /// </summary>
    [Fact]
    public async Task The_lead_may_not_resolve_over_a_co_handler_within_its_time_and_is_told_from_when_it_may()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("swuj", "取水许可")))).GetProperty("number").GetString()!;
        var lead = PathOf(LinkIn((await MailsAsync(_app, Handler("zrzyj"), number)).Single(m => m.Subject!.Contains("派单"))));
        await PostActionAsync(browser, lead, "accept");
        await PostActionAsync(browser, await PartLinkAsync("swuj", number), "accept");

        var refused = await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结", ["overrideReason"] = "水务局逾期未提交，先行办结" });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var dueAt = Assert.Single((await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray()).GetProperty("dueAt").GetDateTimeOffset();
        var page = System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains($"协办部门仍在期限内，暂不能先行办结：水务局（提交期限 {Local(dueAt)}，届时仍未提交方可先行办结）。", page);
        var c = await GetCaseAsync(officer, number);
        Assert.Equal("accepted", c.GetProperty("status").GetString());
        Assert.Equal("accepted", Assert.Single(c.GetProperty("coDepartments").EnumerateArray()).GetProperty("status").GetString());
        Assert.Empty(await MailsAsync(_app, Handler("swuj"), "主办已先行办结"));
        // The lead's page says the same beside its resolve form, and asks no reason it would refuse.
        var form = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync(lead));
        Assert.Contains($"水务局（提交期限 {Local(dueAt)}，届时仍未提交方可先行办结）", form);
        Assert.DoesNotContain("name=\"overrideReason\"", form);

        Assert.Matches("<fieldset class=\"bare\" disabled", form);

        PastDeadline(dueAt);
        // Now the post would be taken: the form asks the reason to record, and may be sent.
        var silent = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync(lead));
        Assert.Contains("name=\"overrideReason\"", silent);
        Assert.DoesNotContain("data-not-silent-yet", silent);
        Assert.DoesNotMatch("<fieldset class=\"bare\" disabled", silent);
        var resolved = await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结", ["overrideReason"] = "水务局逾期未提交，先行办结" });

        Assert.Equal(HttpStatusCode.Redirect, resolved.StatusCode);
        Assert.Equal("overridden", Assert.Single((await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray()).GetProperty("status").GetString());
        Assert.Single(await MailsAsync(_app, Handler("swuj"), "主办已先行办结"), m => m.Subject!.Contains(number));
    }

    /// <summary>The shared app's clock just past a deadline (it only moves forward; the other tests count from whatever now is).</summary>
    private void PastDeadline(DateTimeOffset deadline)
    {
        if (_app.Clock.GetUtcNow() <= deadline)
        {
            _app.Clock.SetUtcNow(deadline.AddMinutes(1).ToUniversalTime());
        }
    }

    private static string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_hundred_parallel_submissions_of_one_part_record_one()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var number = (await OpenAsync(officer, JointCase("zrzyj", ("rsj", "用工招聘")))).GetProperty("number").GetString()!;
        var part = await PartLinkAsync("rsj", number);
        await PostActionAsync(browser, part, "accept");
        var form = FormFor(await browser.GetStringAsync(part), "submit")!;
        form["note"] = "招聘会已安排";

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => browser.PostAsync(part, new FormUrlEncodedContent(form))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        var c = await GetCaseAsync(officer, number);
        Assert.Equal("submitted", Assert.Single(c.GetProperty("coDepartments").EnumerateArray()).GetProperty("status").GetString());
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "submit");
    }
}
