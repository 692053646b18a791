using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;
using Liaison.Server.Pages;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>The officer's server-rendered pages, through a browser-like client carrying the sign-in cookie.</summary>
public sealed partial class CasePagesTests : IAsyncLifetime
{
    private const string OfficerEmail = "officer@test.example";

    // The password LiaisonApp.AsOfficerAsync gives the officers it creates.
    private const string OfficerPassword = "officer-password-1";

    private LiaisonApp _app = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CasePagesTests));
        _api = await _app.AsOfficerAsync(OfficerEmail);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_and_officers_land_on_their_workbench()
    {
        var anonymous = _app.Anonymous();
        foreach (var path in new[] { "/workbench", "/cases", "/cases/new", "/cases/AYKF-2026-000001" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", response.Headers.Location!.AbsolutePath);
            Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location.Query);
        }

        Assert.Equal("/account/login", (await anonymous.GetAsync("/")).Headers.Location?.OriginalString);

        var browser = _app.Anonymous();
        var login = await browser.GetStringAsync("/account/login");
        var signedIn = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(login),
            ["email"] = OfficerEmail,
            ["password"] = OfficerPassword,
            ["returnUrl"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/workbench", signedIn.Headers.Location?.OriginalString);
        Assert.Equal("/workbench", (await browser.GetAsync("/")).Headers.Location?.OriginalString);
        var list = await browser.GetAsync("/cases");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("action=\"/account/logout\"", await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task List_shows_opened_cases_with_department_status_and_due_date_and_filters_them()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var hostile = (await OpenAsync(_api, NewCase(department: "gdgs", title: "<script>alert(1)</script>"))).GetProperty("number").GetString()!;
        var browser = await SignInAsync();

        var all = await browser.GetAsync("/cases");
        var page = await all.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var row = RowOf(page, number);
        Assert.Contains($"href=\"/cases/{number}\"", row);
        Assert.Contains("项目用电报装", row);
        Assert.Contains("安岳示例柠檬科技有限公司", row);
        Assert.Contains("发展和改革局", row);
        Assert.Contains("已派单，待签收", row);
        Assert.Contains("2026-03-09 18:00", row); // factor-guarantee: 5 working days after Monday 2026-03-02
        Assert.DoesNotContain("overdue", row);
        // Escaped; its English words marked as such on the Chinese page (lang).
        Assert.Contains("&lt;<span lang=\"en\">script</span>&gt;<span lang=\"en\">alert</span>(1)&lt;/script&gt;", RowOf(page, hostile));
        Assert.DoesNotContain("<script>alert(1)", page);

        var byDepartment = await browser.GetStringAsync("/cases?department=gdgs");
        Assert.Contains(hostile, byDepartment);
        Assert.DoesNotContain(number, byDepartment);
        Assert.DoesNotContain(number, await browser.GetStringAsync("/cases?status=closed"));
        Assert.Contains(number, await browser.GetStringAsync("/cases?status=dispatched&q=%E7%94%A8%E7%94%B5"));
        Assert.DoesNotContain(number, await browser.GetStringAsync("/cases?overdue=true"));

        // A page past the last one says so and links to the last page, not "page 3 of 1".
        var past = await browser.GetStringAsync("/cases?page=3");
        Assert.Contains("没有第 3 页：共 1 页。", past);
        Assert.Contains("最后一页（第 1 页）", past);
        Assert.DoesNotContain("第 3 / 1 页", past);

        // Eight days on, both cases are past their resolve deadline: listed as overdue, in red.
        _app.Clock.Advance(TimeSpan.FromDays(8));
        var overdue = await browser.GetStringAsync("/cases?overdue=true");
        Assert.Contains("<tr role=\"row\" class=\"overdue\"", RowOf(overdue, number));
    }

    [Theory]
    [InlineData("/cases?status=bogus", "状态筛选无效：bogus")]
    [InlineData("/cases?page=abc", "页码无效：abc，页码须在 1 到 100000 之间")]
    [InlineData("/cases?page=0", "页码无效：0，页码须在 1 到 100000 之间")]
    [InlineData("/cases?page=100001", "页码无效：100001，页码须在 1 到 100000 之间")]
    [InlineData("/cases?overdue=maybe", "超期筛选只能是“是”或“否”（true/false）")]
    [InlineData("/cases?department=nope", "没有编码为 nope 的部门")]
    [InlineData("/ratings?page=x", "页码无效：x，页码须在 1 到 100000 之间")]
    [InlineData("/ratings?page=0", "页码无效：0，页码须在 1 到 100000 之间")]
    public async Task Bad_list_filters_get_a_400_page_with_the_reason(string path, string reason)
    {
        var browser = await SignInAsync();

        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString());
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task New_case_form_shows_the_computed_due_dates_before_sending()
    {
        var browser = await SignInAsync();

        var form = await browser.GetStringAsync("/cases/new");

        // The first category, project-landing: accept in 1, resolve in 10 working days from Monday 2026-03-02 09:00.
        Assert.Contains("data-due=\"accept\">2026-03-03 18:00<", form);
        Assert.Contains("data-due=\"resolve\">2026-03-16 18:00<", form);
        Assert.Contains("<option value=\"fgj\">发展和改革局</option>", form);
        Assert.Contains("/site/new-case.js", form);

        // The call the script makes when the category changes works with the page's cookie, and the server applies
        // the rules: factor-guarantee is 5 working days, urgent halves it to 3 (rounded up).
        var preview = await browser.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/cases/deadline-preview?category=factor-guarantee&priority=urgent");
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 18, 0, 0, TimeSpan.FromHours(8)), preview.GetProperty("dueAt").GetProperty("due").GetDateTimeOffset());
        Assert.Equal(3, preview.GetProperty("dueAt").GetProperty("workingDays").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 18, 0, 0, TimeSpan.FromHours(8)), preview.GetProperty("acceptBy").GetProperty("due").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/api/cases/deadline-preview?category=nonsense")).StatusCode);
    }

    [Fact]
    public async Task Posting_the_form_opens_a_case_and_shows_it()
    {
        var browser = await SignInAsync();

        var response = await PostNewCaseAsync(browser, []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        var number = Regex.Match(location, @"^/cases/(AYKF-2026-\d{6})$").Groups[1].Value;
        Assert.NotEmpty(number);
        var stored = await _app.WithDbAsync(db => db.Cases.SingleAsync());
        Assert.Equal(number, stored.Number);
        Assert.Equal("fgj", stored.DepartmentCode);
        Assert.Equal("factor-guarantee", stored.Category);
        // The credit code typed was not registered: the case registered it as a plain enterprise and links to it.
        var entry = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().SingleAsync(e => e.Id == stored.EnterpriseId));
        Assert.Equal(stored.Enterprise.CreditCode, entry.CreditCode);
        Assert.False(entry.IsKey);
        var officerId = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == OfficerEmail).Select(u => u.Id).SingleAsync());
        Assert.Equal(officerId, stored.OfficerId);

        var page = await browser.GetStringAsync(location);
        Assert.Contains("事项已受理并派单", page);
        Assert.Contains("园区厂房用水", page);
        Assert.Contains("2026-03-09 18:00", page);
    }

    [Fact]
    public async Task A_bad_credit_code_re_renders_the_form_with_the_error_and_the_entered_values_and_opens_nothing()
    {
        var browser = await SignInAsync();

        var response = await PostNewCaseAsync(browser, new()
        {
            ["creditCode"] = "91350100M000100Y44", // wrong check character
            ["priority"] = "urgent",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Matches("id=\"creditCode\"[^>]*value=\"91350100M000100Y44\"[^>]*aria-invalid=\"true\" aria-describedby=\"creditCode-hint enterprise.creditCode-error\"", page);
        Assert.Matches("<div id=\"enterprise.creditCode-error\">\\s*<p class=\"field-error\" data-field=\"enterprise.creditCode\">", page);
        Assert.Contains("value=\"园区厂房用水\"", page);
        Assert.Matches("<option value=\"fgj\" selected[^>]*>", page);
        Assert.Matches("<option value=\"urgent\" selected[^>]*>", page);
        // The preview follows the entered category and priority: urgent halves factor-guarantee's 5 days to 3.
        Assert.Contains("data-due=\"resolve\">2026-03-05 18:00<", page);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync()));
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        var browser = await SignInAsync();
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;

        var open = await browser.PostAsync("/cases/new", new FormUrlEncodedContent(NewCaseFields()));
        var cancel = await browser.PostAsync($"/cases/{number}/cancel", new FormUrlEncodedContent(new Dictionary<string, string> { ["note"] = "x" }));

        Assert.Equal(HttpStatusCode.BadRequest, open.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, cancel.StatusCode);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Cases.CountAsync()));
        Assert.Equal("dispatched", (await GetCaseAsync(_api, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Case_page_offers_the_decisions_allowed_now_and_reassigns_from_its_form()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var browser = await SignInAsync();

        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.Contains("项目用电报装", page);
        Assert.Contains("91350100M000100Y43", page);
        // The enterprise links to its register entry (its contacts, other cases and visits).
        var enterpriseId = (await GetCaseAsync(_api, number)).GetProperty("enterprise").GetProperty("id").GetInt64();
        Assert.Matches($"<a href=\"/enterprises/{enterpriseId}\" data-enterprise-link>安岳示例柠檬科技有限公司</a>", page);
        var timeline = TimelineOf(page);
        Assert.Contains("<td role=\"cell\">受理</td>", timeline); // timeline, kind in words, in Chinese
        Assert.Contains("<td role=\"cell\">测试专员</td>", timeline); // the officer who opened it, by name
        Assert.Contains("派单（经办人） → 发展和改革局联络人（示例）", timeline); // the mail's kind and recipient in words
        Assert.DoesNotContain("@", timeline); // no email address where a name is known
        Assert.DoesNotContain("dispatch-leader-copy", timeline);
        Assert.Equal(["reassign", "urge", "cancel"], ActionsOn(page));
        Assert.DoesNotContain("<option value=\"fgj\">", FormOf(page, "reassign")); // not back to where it is

        var response = await PostFormAsync(browser, page, number, "reassign", new() { ["departmentCode"] = "gdgs", ["note"] = "应由供电公司办理" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/cases/{number}", response.Headers.Location?.OriginalString);
        var after = await GetCaseAsync(_api, number);
        Assert.Equal("gdgs", after.GetProperty("department").GetString());
        Assert.Equal("gdgs.handler@anyue.example", after.GetProperty("handler").GetProperty("email").GetString());
        var shown = await browser.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("已改派", shown);
        Assert.Contains("应由供电公司办理", shown);
        Assert.Contains("供电公司", shown);
    }

    [Fact]
    public async Task Admins_see_the_cases_workflow_instance_linked_and_officers_do_not()
    {
        var opened = await OpenAsync(_api);
        var number = opened.GetProperty("number").GetString()!;
        var instance = opened.GetProperty("workflowInstanceId").GetGuid();

        var asAdmin = await (await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword)).GetStringAsync($"/cases/{number}");
        var asOfficer = await (await SignInAsync()).GetStringAsync($"/cases/{number}");
        var instancePage = await (await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword)).GetStringAsync($"/admin/workflow-instances/{instance}");

        Assert.Contains($"href=\"/admin/workflow-instances/{instance}\"", asAdmin);
        Assert.Contains($"href=\"/designer#instance={instance}\"", asAdmin);
        Assert.Contains($"href=\"/designer#instance={instance}\"", instancePage);
        Assert.DoesNotContain("/admin/workflow-instances/", asOfficer);
        Assert.DoesNotContain("/designer", asOfficer);
        Assert.Contains("case-routing", instancePage);
    }

    [Fact]
    public async Task A_returned_case_can_be_insisted_on_from_its_page()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "fgj.handler@anyue.example"))));
        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" });
        var browser = await SignInAsync();

        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.Equal(["reassign", "cancel"], ActionsOn(page));
        // The return's row says the status it left the case in; no row of its own repeats it.
        var timeline = TimelineOf(page);
        Assert.Matches("<td role=\"cell\">退回</td>\\s*<td role=\"cell\">\\s*<span>原因：不属于本部门职责；状态：[^<]+</span>", timeline);
        Assert.DoesNotContain("状态变更", timeline);
        var form = FormOf(page, "reassign");
        Assert.Contains("不属于本部门职责", form);
        Assert.Contains("<option value=\"fgj\">发展和改革局（原部门，坚持原派）</option>", form);

        var fields = new Dictionary<string, string> { ["departmentCode"] = "fgj", ["note"] = "经研究仍由发改局牵头", ["requestId"] = Guid.NewGuid().ToString() };
        var response = await PostFormAsync(browser, page, number, "reassign", new(fields));
        var again = await PostFormAsync(browser, page, number, "reassign", new(fields));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(response.Headers.Location, again.Headers.Location);
        var after = await GetCaseAsync(_api, number);
        Assert.Equal("dispatched", after.GetProperty("status").GetString());
        Assert.Equal("fgj", after.GetProperty("department").GetString());
        Assert.Contains("insisted", after.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        // The banner says it was an insist, not a reassignment.
        // Sent again, it answers with the same banner, an insist's (the page shows the later answer's).
        Assert.Equal($"/cases/{number}", response.Headers.Location?.OriginalString);
        var shown = await browser.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("✓ 已坚持原派，事项回到原部门重新签收</div>", shown);
    }

    [Fact]
    public async Task An_insist_sent_again_after_a_colleagues_reassignment_still_answers_as_the_insist_it_was()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "fgj.handler@anyue.example"))));
        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" });
        var browser = await SignInAsync();
        var page = await browser.GetStringAsync($"/cases/{number}");
        var fields = new Dictionary<string, string> { ["departmentCode"] = "fgj", ["note"] = "经研究仍由发改局牵头", ["requestId"] = Guid.NewGuid().ToString() };
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(browser, page, number, "reassign", new(fields))).StatusCode);
        // The first answer's banner, read (and so taken): the one shown below is the second sending's own.
        Assert.Contains("✓ 已坚持原派，事项回到原部门重新签收</div>", await browser.GetStringAsync($"/cases/{number}"));
        // Before the insist's second sending (a retry after a lost answer, or the other of two sent at once, waiting on
        // the case's lock), a colleague's reassignment commits.
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        var colleague = await _app.AsOfficerAsync("colleague@test.example");
        Assert.Equal(HttpStatusCode.OK,
            (await colleague.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "改由供电公司办理" })).StatusCode);

        var again = await PostFormAsync(browser, page, number, "reassign", new(fields));

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("✓ 已坚持原派，事项回到原部门重新签收</div>", await browser.GetStringAsync(again.Headers.Location!.OriginalString));
        // Nothing more was done: one insist, the colleague's reassignment the last word.
        var c = await GetCaseAsync(_api, number);
        Assert.Equal("gdgs", c.GetProperty("department").GetString());
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "insisted");
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "reassigned");
    }

    [Fact]
    public async Task After_a_reassignment_the_entries_of_each_department_name_it()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "fgj.handler@anyue.example"))));
        await PostActionAsync(_app.Anonymous(), link, "accept");
        var browser = await SignInAsync();
        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(browser, page, number, "reassign", new() { ["departmentCode"] = "gdgs", ["note"] = "改由供电公司办理" })).StatusCode);
        var newLink = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example"))));
        await PostActionAsync(_app.Anonymous(), newLink, "accept");

        // The new department does not read the one before's 签收 as its own: each names its department. Its own 签收
        // says the status again, though the case was 已签收 before (the dispatch in between made it 已派单).
        var linkPage = await _app.Anonymous().GetStringAsync(newLink);
        Assert.Contains("签收（发展和改革局；状态：已签收）", linkPage);
        Assert.Contains("签收（供电公司；状态：已签收）", linkPage);
        Assert.DoesNotContain("（主办）", linkPage); // no co-handlers: no lead to tell apart
        var timeline = TimelineOf(await browser.GetStringAsync($"/cases/{number}"));
        Assert.Contains("<span>发展和改革局；状态：已签收</span>", timeline);
        Assert.Contains("<span>供电公司；状态：已签收</span>", timeline);
        // In English alike (the Chinese name marked as such); a status after the detail goes on in lower case.
        await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" }));
        var english = await browser.GetStringAsync($"/cases/{number}");
        Assert.Contains("<span><span lang=\"zh\">供电公司</span>; status: accepted</span>", english);
        Assert.DoesNotContain("Status changed", english);
    }

    [Fact]
    public async Task Twenty_copies_of_one_decision_form_sent_at_once_make_one_decision_and_all_answer_done()
    {
        var (number, browser) = await OpenWithExtensionRequestAsync();
        var page = await browser.GetStringAsync($"/cases/{number}");
        var requestId = Regex.Match(FormOf(page, "extension-decision"), "name=\"requestId\" value=\"([0-9a-f-]{36})\"").Groups[1].Value;

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostFormAsync(browser, page, number, "extension-decision",
            new() { ["approve"] = "true", ["note"] = "同意", ["requestId"] = requestId })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.All(responses, r => Assert.Equal($"/cases/{number}", r.Headers.Location?.OriginalString));
        Assert.All(responses, r => Assert.Contains(r.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith(Flash.CookieName + "=", StringComparison.Ordinal)));
        Assert.Contains("已同意延期", await browser.GetStringAsync($"/cases/{number}"));
        var c = await GetCaseAsync(_api, number);
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "extension-approved");
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "deadline-changed");
    }

    /// <summary>A case its handler accepted and asked 3 more working days for, and the officer's browser.</summary>
    private async Task<(string Number, HttpClient Browser)> OpenWithExtensionRequestAsync()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "fgj.handler@anyue.example"))));
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        await PostActionAsync(handler, link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });
        return (number, await SignInAsync());
    }

    [Fact]
    public async Task An_extension_that_would_end_in_a_year_without_its_holiday_schedule_is_previewed_as_provisional()
    {
        // Monday 2026-12-14: 20 more working days run into 2027, whose schedule is not loaded.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 14, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "fgj.handler@anyue.example", number))));
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        await PostActionAsync(handler, link, "extension", new() { ["days"] = "20", ["note"] = "需跨年协调" });

        var page = await (await SignInAsync()).GetStringAsync($"/cases/{number}");

        Assert.Matches("批准后的办结期限：<strong data-due-if-approved>2027-[0-9-]+ 18:00</strong><span class=\"muted\">（暂定）</span>", page);
        Assert.True((await GetCaseAsync(_api, number)).GetProperty("pendingExtension").GetProperty("provisionalIfApproved").GetBoolean());

        // Approved: the timeline's new deadline is marked so too.
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true, note = "同意" })).StatusCode);
        Assert.Matches("延期已批准，新的办结期限 2027-[0-9-]+ 18:00（暂定）", await (await SignInAsync()).GetStringAsync($"/cases/{number}"));
    }

    [Fact]
    public async Task A_pending_extension_is_shown_and_approved_from_the_page()
    {
        var (number, browser) = await OpenWithExtensionRequestAsync();

        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.Contains("申请延期 <strong>3</strong> 个工作日", page);
        Assert.Contains("需等待上级审批", page);
        Assert.Equal(["reassign", "extension-decision", "cancel"], ActionsOn(page));
        Assert.Contains("批准后的办结期限：<strong data-due-if-approved>2026-03-12 18:00</strong>", page); // what approving gives

        var response = await PostFormAsync(browser, page, number, "extension-decision", new() { ["approve"] = "true", ["note"] = "同意" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/cases/{number}", response.Headers.Location?.OriginalString);
        var shown = await browser.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("已同意延期", shown);
        Assert.Contains("原办结期限</dt><dd>2026-03-09 18:00", shown);
        Assert.Contains("2026-03-12 18:00", shown);
        Assert.DoesNotContain("data-action=\"extension-decision\"", shown);
    }

    [Fact]
    public async Task The_extension_decision_form_offers_the_days_asked_keeps_a_refused_post_and_grants_fewer()
    {
        var (number, browser) = await OpenWithExtensionRequestAsync();
        var page = await browser.GetStringAsync($"/cases/{number}");
        var form = FormOf(page, "extension-decision");
        Assert.Contains("<label for=\"extension-decision-days\">批准天数（工作日）</label>", form);
        Assert.Contains("默认为申请的 3 个，可少批（1 到 3 个）", form);
        Assert.Contains("<input type=\"number\" id=\"extension-decision-days\" name=\"days\" min=\"1\" max=\"3\" step=\"1\" inputmode=\"numeric\" value=\"3\" aria-describedby=\"extension-decision-days-help\"", form);
        Assert.Contains("formnovalidate", form); // denying does not read it

        var refused = await PostFormAsync(browser, page, number, "extension-decision", new() { ["approve"] = "true", ["days"] = "0", ["note"] = "先给两天" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var shown = await refused.Content.ReadAsStringAsync();
        Assert.Contains("批准的延期天数须在 1 到 3 个工作日之间", shown);
        Assert.Contains("name=\"days\" min=\"1\" max=\"3\" step=\"1\" inputmode=\"numeric\" value=\"0\"", FormOf(shown, "extension-decision"));
        Assert.Contains(">先给两天</textarea>", FormOf(shown, "extension-decision"));
        Assert.Equal(3, (await GetCaseAsync(_api, number)).GetProperty("pendingExtension").GetProperty("days").GetInt32());
        // A negative whole number is out of the range, not "not a whole number"; what is not one says the range too.
        var negative = await PostFormAsync(browser, page, number, "extension-decision", new() { ["approve"] = "true", ["days"] = "-1", ["note"] = "先给两天" });
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        var negativeShown = WebUtility.HtmlDecode(await negative.Content.ReadAsStringAsync());
        Assert.Contains("批准的延期天数须在 1 到 3 个工作日之间", negativeShown);
        Assert.DoesNotContain("须为整数", negativeShown);
        var fraction = await PostFormAsync(browser, page, number, "extension-decision", new() { ["approve"] = "true", ["days"] = "1.5", ["note"] = "先给两天" });
        Assert.Equal(HttpStatusCode.BadRequest, fraction.StatusCode);
        Assert.Contains("批准的延期天数须为 1 到申请天数之间的整数（工作日）", WebUtility.HtmlDecode(await fraction.Content.ReadAsStringAsync()));
        Assert.Equal(3, (await GetCaseAsync(_api, number)).GetProperty("pendingExtension").GetProperty("days").GetInt32());
        var english = new HttpRequestMessage(HttpMethod.Get, $"/cases/{number}");
        english.Headers.Add("Cookie", "liaison.lang=en");
        Assert.Contains("<label for=\"extension-decision-days\">Days granted (working days)</label>", await (await browser.SendAsync(english)).Content.ReadAsStringAsync());

        var granted = await PostFormAsync(browser, shown, number, "extension-decision", new() { ["approve"] = "true", ["days"] = "2", ["note"] = "先给两天" });

        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        // Due Monday 9 March: 2 working days more, Wednesday 11 March (the 3 asked would give Thursday 12).
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 18, 0, 0, TimeSpan.FromHours(8)), (await GetCaseAsync(_api, number)).GetProperty("dueAt").GetDateTimeOffset());
        Assert.Contains("申请 3 个工作日，批准 2 个", TimelineOf(await browser.GetStringAsync($"/cases/{number}")));
    }

    [Fact]
    public async Task Denying_an_extension_on_the_page_without_a_reason_is_refused_and_the_request_still_waits()
    {
        var (number, browser) = await OpenWithExtensionRequestAsync();
        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.Contains("意见（不同意时必填）", FormOf(page, "extension-decision"));

        var response = await PostFormAsync(browser, page, number, "extension-decision", new() { ["approve"] = "false", ["note"] = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var shown = await response.Content.ReadAsStringAsync();
        Assert.Contains("不同意延期请说明理由", shown);
        Assert.Contains("data-action=\"extension-decision\"", shown);
        Assert.Equal(3, (await GetCaseAsync(_api, number)).GetProperty("pendingExtension").GetProperty("days").GetInt32());
    }

    [Fact]
    public async Task A_decision_form_sent_again_after_it_went_through_is_done_once_and_says_so()
    {
        var (number, browser) = await OpenWithExtensionRequestAsync();

        // Each decision's form as the page has it (its one-time request id), sent twice: a reload, a retry, the back button.
        async Task<string> TwiceAsync(string action, Dictionary<string, string> fields, string banner)
        {
            var page = await browser.GetStringAsync($"/cases/{number}");
            var form = FormOf(page, action);
            var requestId = Regex.Match(form, "name=\"requestId\" value=\"([0-9a-f-]{36})\"").Groups[1].Value;
            Assert.True(Guid.TryParse(requestId, out _), form);
            fields["requestId"] = requestId;
            var first = await PostFormAsync(browser, page, number, action, new(fields));
            var again = await PostFormAsync(browser, page, number, action, new(fields));
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
            Assert.Equal($"/cases/{number}", again.Headers.Location?.OriginalString);
            Assert.Contains($"✓ {banner}</div>", await browser.GetStringAsync($"/cases/{number}")); // the second answer's banner
            return requestId;
        }

        await TwiceAsync("extension-decision", new() { ["approve"] = "true", ["note"] = "同意" }, "已同意延期");
        var urgeId = await TwiceAsync("urge", new() { ["note"] = "请抓紧" }, "已催办，经办人将收到邮件");
        // An id is one decision's: sent with another decision that would go through, it is refused and changes nothing.
        var reused = await PostFormAsync(browser, await browser.GetStringAsync($"/cases/{number}"), number, "reassign",
            new() { ["departmentCode"] = "gdgs", ["note"] = "改派", ["requestId"] = urgeId });
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Equal("fgj", (await GetCaseAsync(_api, number)).GetProperty("department").GetString());
        await TwiceAsync("reassign", new() { ["departmentCode"] = "gdgs", ["note"] = "改由供电公司办理" }, "已改派");
        await TwiceAsync("cancel", new() { ["note"] = "企业撤回诉求" }, "事项已撤销");

        var c = await GetCaseAsync(_api, number);
        Assert.Equal("cancelled", c.GetProperty("status").GetString());
        var kinds = c.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        foreach (var kind in new[] { "extension-approved", "urged", "reassigned", "cancelled" })
        {
            Assert.Single(kinds, k => k == kind);
        }

        Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", number), m => m.Subject!.Contains("派单"));
    }

    [Fact]
    public async Task A_decision_is_said_done_once_on_the_case_page_and_a_crafted_address_or_cookie_says_nothing()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var browser = await SignInAsync();
        const string Banner = "class=\"card ok\" role=\"status\"";
        // The addresses the decisions used to redirect to say nothing now: each of the page's banners, and an action's.
        foreach (var done in new[]
                 {
                     "opened", "officer", "note", "enterprise-link", "insisted", "extension-approved", "extension-denied", "rating-reopened",
                     "rating-closed", "already-raised", "urge", "cancel", "confirm", "reassign", "drop",
                 })
        {
            var crafted = await browser.GetAsync($"/cases/{number}?done={done}");
            Assert.Equal(HttpStatusCode.OK, crafted.StatusCode);
            Assert.DoesNotContain(Banner, await crafted.Content.ReadAsStringAsync());
        }

        // Nor does a flash cookie this server did not write.
        using (var forged = new HttpRequestMessage(HttpMethod.Get, $"/cases/{number}"))
        {
            // A well-formed notice for this very page, only not protected by this server: it would show if the cookie
            // were trusted as written.
            var plain = System.Text.Json.JsonSerializer.Serialize(new { Path = $"/cases/{number}", Kind = "CaseDoneNotice", Notice = new { What = "urge" } });
            forged.Headers.Add("Cookie", Flash.CookieName + "=" + Uri.EscapeDataString(plain));
            var answer = await browser.SendAsync(forged);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.DoesNotContain(Banner, await answer.Content.ReadAsStringAsync());
        }

        var page = await browser.GetStringAsync($"/cases/{number}");
        var urged = await PostFormAsync(browser, page, number, "urge", new() { ["note"] = "请抓紧" });

        Assert.Equal(HttpStatusCode.Redirect, urged.StatusCode);
        Assert.Equal($"/cases/{number}", urged.Headers.Location?.OriginalString);
        var cookie = Assert.Single(urged.Headers.GetValues("Set-Cookie"), c => c.StartsWith(Flash.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains($"path=/cases/{number};", cookie);
        Assert.Contains($"<div {Banner}>✓ 已催办，经办人将收到邮件</div>", await browser.GetStringAsync($"/cases/{number}"));
        // Once: a reload says nothing.
        Assert.DoesNotContain(Banner, await browser.GetStringAsync($"/cases/{number}"));
    }

    [Fact]
    public async Task A_decision_not_allowed_now_gets_a_409_page_and_changes_nothing()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var browser = await SignInAsync();
        var page = await browser.GetStringAsync($"/cases/{number}");
        var before = (await GetCaseAsync(_api, number)).GetProperty("timeline").GetArrayLength();

        var response = await PostFormAsync(browser, page, number, "confirm", new() { ["note"] = "企业确认" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var refused = await response.Content.ReadAsStringAsync();
        Assert.Contains("当前状态（已派单，待签收）下不能执行此操作", refused);
        Assert.Equal(["reassign", "urge", "cancel"], ActionsOn(refused)); // the page is shown again with what is allowed
        var after = await GetCaseAsync(_api, number);
        Assert.Equal("dispatched", after.GetProperty("status").GetString());
        Assert.Equal(before, after.GetProperty("timeline").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_cases_and_actions_get_a_404_page()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var browser = await SignInAsync();
        var page = await browser.GetStringAsync($"/cases/{number}");

        var missing = await browser.GetAsync("/cases/AYKF-2026-999999");
        var missingDecision = await PostFormAsync(browser, page, "AYKF-2026-999999", "cancel", new() { ["note"] = "x" });
        var unknownAction = await PostFormAsync(browser, page, number, "accept", []);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("没有编号为 AYKF-2026-999999 的事项", await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, missingDecision.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownAction.StatusCode);
        Assert.Equal("dispatched", (await GetCaseAsync(_api, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_form_opens_a_joint_case_and_its_page_lists_each_co_department_with_status_deadlines_and_submission()
    {
        var browser = await SignInAsync();
        var form = await browser.GetStringAsync("/cases/new");
        Assert.Matches("<label for=\"co-2-department\">协办部门 3</label>\\s*<select id=\"co-2-department\" name=\"coDepartments\\[2\\].departmentCode\"", form);
        Assert.Contains("<label for=\"co-0-task\">任务说明 1</label>", form);

        // Rows left empty are not sent: the middle one here.
        var response = await PostNewCaseAsync(browser, new()
        {
            ["coDepartments[0].departmentCode"] = "zjj",
            ["coDepartments[0].task"] = "请核实施工许可",
            ["coDepartments[1].departmentCode"] = "",
            ["coDepartments[1].task"] = "",
            ["coDepartments[2].departmentCode"] = "gdgs",
            ["coDepartments[2].task"] = "",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var parts = await _app.WithDbAsync(db => db.Set<CasePart>().OrderBy(p => p.Id).ToListAsync());
        Assert.Equal(["zjj", "gdgs"], parts.Select(p => p.DepartmentCode));
        Assert.Equal(["请核实施工许可", null], parts.Select(p => p.Task));
        var location = response.Headers.Location!.OriginalString;
        var page = await browser.GetStringAsync(location);
        var zjj = PartRowOf(page, "zjj");
        Assert.Contains("住房和城乡建设局", zjj);
        Assert.Contains("请核实施工许可", zjj);
        Assert.Contains("待签收", zjj);
        Assert.Contains("2026-03-03 18:00", zjj); // accept within 1 working day
        Assert.Contains("2026-03-06 18:00", zjj); // submit one working day before the lead's 2026-03-09
        Assert.Contains("供电公司", PartRowOf(page, "gdgs"));

        var number = location.Split('/', '?')[2];
        var link = PathOf(LinkIn((await MailsAsync(_app, "zjj.handler@anyue.example", number)).Single(m => m.Subject!.Contains("派单"))));
        var liaison = _app.Anonymous();
        await PostActionAsync(liaison, link, "accept");
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(liaison, link, "submit",
            new() { ["note"] = "施工许可已核实", ["attachments"] = "https://files.example/permit.pdf" })).StatusCode);

        var submitted = PartRowOf(await browser.GetStringAsync($"/cases/{number}"), "zjj");
        Assert.Contains("已提交", submitted);
        Assert.Contains("施工许可已核实", submitted);
        Assert.Contains("https://files.example/permit.pdf", submitted);
        // The submission's timeline entry names them too, as the lead's resolution's does.
        var timeline = Regex.Match(await browser.GetStringAsync($"/cases/{number}"), "<h2>办理记录</h2>\\s*<table.*?</table>", RegexOptions.Singleline).Value;
        var entry = Assert.Single(Regex.Matches(timeline, "<tr role=\"row\"[^>]*>.*?</tr>", RegexOptions.Singleline), r => r.Value.Contains("施工许可已核实")).Value;
        Assert.Contains("<a href=\"https://files.example/permit.pdf\"", entry);
        Assert.Contains("待签收", PartRowOf(await browser.GetStringAsync($"/cases/{number}"), "gdgs"));
    }

    [Fact]
    public async Task A_bad_co_department_row_shows_its_error_next_to_it_and_opens_nothing()
    {
        var browser = await SignInAsync();

        // The first row is empty, the second names the lead: the error belongs to the row showing fgj.
        var response = await PostNewCaseAsync(browser, new()
        {
            ["coDepartments[0].departmentCode"] = "",
            ["coDepartments[1].departmentCode"] = "fgj",
            ["coDepartments[1].task"] = "请协助",
            ["coDepartments[2].departmentCode"] = "zjj",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Matches("<select id=\"co-0-department\" name=\"coDepartments\\[0\\].departmentCode\" aria-invalid=\"true\" aria-describedby=\"coDepartments\\[0\\].departmentCode-error\">\\s*<option value>[^<]*</option>(\\s*<option[^>]*>[^<]*</option>)*?\\s*<option value=\"fgj\" selected", page);
        Assert.Matches("<div id=\"coDepartments\\[0\\].departmentCode-error\">\\s*<p class=\"field-error\" data-field=\"coDepartments\\[0\\].departmentCode\">发展和改革局已是主办部门", page);
        Assert.Contains("value=\"请协助\"", page);
        Assert.Matches("<select id=\"co-1-department\" name=\"coDepartments\\[1\\].departmentCode\">(\\s*<option[^>]*>[^<]*</option>)*?\\s*<option value=\"zjj\" selected", page);
        Assert.DoesNotContain("data-field=\"coDepartments[1].departmentCode\"", page);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync()));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<CasePart>().CountAsync()));
    }

    [Fact]
    public async Task Adding_a_co_department_row_shows_the_form_again_as_typed_with_one_more_row_and_opens_nothing()
    {
        var browser = await SignInAsync();
        var fields = NewCaseFields();
        fields["__RequestVerificationToken"] = TokenIn(await browser.GetStringAsync("/cases/new"));
        for (var i = 0; i < 3; i++)
        {
            fields[$"coDepartments[{i}].departmentCode"] = new[] { "zjj", "gdgs", "sthjj" }[i];
        }

        var response = await browser.PostAsync("/cases/new?addCoDepartment=1", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"co-3-department\"", page);
        Assert.DoesNotContain("id=\"co-4-department\"", page);
        Assert.Matches("<select id=\"co-2-department\"[^>]*>(\\s*<option[^>]*>[^<]*</option>)*?\\s*<option value=\"sthjj\" selected", page);
        Assert.Contains("value=\"园区厂房用水\"", page);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync()));
    }

    [Fact]
    public async Task The_list_shows_the_lead_department_and_how_many_co_handle()
    {
        var joint = NewCase(department: "zrzyj");
        var body = System.Text.Json.JsonSerializer.SerializeToNode(joint)!.AsObject();
        body["coDepartments"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"departmentCode":"zjj"},{"departmentCode":"gdgs","task":"请确认接入方案"}]""");
        var jointNumber = (await OpenAsync(_api, body)).GetProperty("number").GetString()!;
        var single = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var browser = await SignInAsync();

        var page = await browser.GetStringAsync("/cases");

        Assert.Matches("<td role=\"cell\">自然资源和规划局[^<]*<span class=\"tag note\" data-co-handlers=\"2\">&#x2B;2 协办</span>", RowOf(page, jointNumber));
        Assert.DoesNotContain("协办", RowOf(page, single));
        var api = await _api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/cases");
        var items = api.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("number").GetString()!, i => i.GetProperty("coHandlers").GetInt32());
        Assert.Equal(2, items[jointNumber]);
        Assert.Equal(0, items[single]);
    }

    [Fact]
    public async Task The_department_filter_finds_the_cases_a_department_co_handles_unless_asked_for_lead_only()
    {
        var joint = System.Text.Json.JsonSerializer.SerializeToNode(NewCase(department: "zrzyj"))!.AsObject();
        joint["coDepartments"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"departmentCode":"gdgs","task":"请确认接入方案"}]""");
        var co = (await OpenAsync(_api, joint)).GetProperty("number").GetString()!;
        var lead = (await OpenAsync(_api, NewCase(department: "gdgs"))).GetProperty("number").GetString()!;
        var other = (await OpenAsync(_api, NewCase(department: "fgj"))).GetProperty("number").GetString()!;

        async Task<List<string>> NumbersAsync(string query) =>
            (await _api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/cases?" + query)).GetProperty("items").EnumerateArray()
                .Select(i => i.GetProperty("number").GetString()!).ToList();

        Assert.Equal([lead, co], await NumbersAsync("departmentCode=gdgs"));
        Assert.Equal([lead, co], await NumbersAsync("departmentCode=gdgs&role=any"));
        Assert.Equal([lead], await NumbersAsync("departmentCode=gdgs&role=lead"));
        Assert.Equal([co], await NumbersAsync("departmentCode=gdgs&role=CO"));
        Assert.Equal([co], await NumbersAsync("departmentCode=zrzyj"));
        Assert.Empty(await NumbersAsync("departmentCode=zrzyj&role=co"));
        // No department: the role says nothing, so it is refused naming it, not silently ignored.
        foreach (var alone in new[] { "role=co", "role=lead" })
        {
            var refused = await _api.GetAsync("/api/cases?" + alone);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var errors = (await refused.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("errors");
            Assert.Contains("“仅主办/仅协办”须先选择部门 / role=" + alone[5..] + " (lead or co-handling only) needs a department (departmentCode)",
                errors.GetProperty("role").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal([other, lead, co], (await NumbersAsync("role=any")).Where(n => n == other || n == lead || n == co));
        // With the other filters, and a case whose lead was reassigned into its co-handler's department (its part
        // dropped first: a co-handler cannot also lead): listed once.
        Assert.Equal([co], await NumbersAsync($"departmentCode=gdgs&q={co}"));
        Assert.Equal([lead, co], await NumbersAsync("departmentCode=gdgs&status=dispatched&overdue=false"));
        var part = (await GetCaseAsync(_api, co)).GetProperty("coDepartments").EnumerateArray()
            .Single(p => p.GetProperty("departmentCode").GetString() == "gdgs").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsJsonAsync($"/api/cases/{co}/parts/{part}/drop", new { reason = "改由供电公司主办" })).StatusCode);
        var moved = await _api.PostAsJsonAsync($"/api/cases/{co}/reassign", new { departmentCode = "gdgs", note = "由供电公司主办" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal([lead, co], await NumbersAsync("departmentCode=gdgs"));
        Assert.Equal(2, (await _api.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/cases?departmentCode=gdgs")).GetProperty("total").GetInt32());
        var bad = await _api.GetAsync("/api/cases?departmentCode=gdgs&role=helper");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"role\"", await bad.Content.ReadAsStringAsync());

        var browser = await SignInAsync();
        var alonePage = await browser.GetAsync("/cases?role=co");
        Assert.Equal(HttpStatusCode.BadRequest, alonePage.StatusCode);
        Assert.Contains("“仅主办/仅协办”须先选择部门", WebUtility.HtmlDecode(await alonePage.Content.ReadAsStringAsync()));
        var page = await browser.GetStringAsync("/cases?department=gdgs&role=co");
        Assert.Contains(co, page);
        Assert.DoesNotContain(lead, page);
        Assert.Matches("<option value=\"co\" selected", page);
        Assert.Contains(lead, await browser.GetStringAsync("/cases?department=gdgs"));
    }

    private Task<HttpClient> SignInAsync(string email = OfficerEmail, string password = OfficerPassword) => _app.SignInThroughFormAsync(email, password);

    private static Dictionary<string, string> NewCaseFields() => new()
    {
        ["title"] = "园区厂房用水",
        ["description"] = "新厂房需要接入工业用水管网。",
        ["category"] = "factor-guarantee",
        ["priority"] = "normal",
        ["departmentCode"] = "fgj",
        ["enterpriseName"] = "安岳示例柠檬科技有限公司",
        ["creditCode"] = CreditCode,
        ["contact"] = "王经理 13800000000",
    };

    private static async Task<HttpResponseMessage> PostNewCaseAsync(HttpClient browser, Dictionary<string, string> changes)
    {
        var fields = NewCaseFields();
        fields["__RequestVerificationToken"] = TokenIn(await browser.GetStringAsync("/cases/new"));
        foreach (var (k, v) in changes)
        {
            fields[k] = v;
        }

        return await browser.PostAsync("/cases/new", new FormUrlEncodedContent(fields));
    }

    /// <summary>Posts a decision with the antiforgery token of a page the officer has open.</summary>
    private static Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string page, string number, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = TokenIn(page);
        return browser.PostAsync($"/cases/{number}/{action}", new FormUrlEncodedContent(fields));
    }

    private static List<string> ActionsOn(string page) => ActionPattern().Matches(page).Select(m => m.Groups[1].Value).ToList();

    private static string FormOf(string page, string action) =>
        Regex.Match(page, $"<form method=\"post\"[^>]*data-action=\"{Regex.Escape(action)}\".*?</form>", RegexOptions.Singleline).Value;

    private static string TimelineOf(string page) =>
        Regex.Match(page, "<h2>办理记录</h2>.*?</table>", RegexOptions.Singleline) is { Success: true } m
            ? m.Value
            : throw new InvalidOperationException("No timeline in:\n" + page);

    private static string PartRowOf(string page, string department) =>
        Regex.Match(page, $"<tr role=\"row\" data-part=\"{Regex.Escape(department)}\">.*?</tr>", RegexOptions.Singleline) is { Success: true } m
            ? m.Value
            : throw new InvalidOperationException($"No part of {department} in:\n{page}");

    private static string RowOf(string page, string number) =>
        // The list's rows may start with the box that selects the case for a batch (批量转交).
        Regex.Match(page, $"<tr[^>]*>(?:\\s*<td role=\"cell\" class=\"pick\">(?:(?!</td>).)*</td>\\s*)?<td[^>]*><a href=\"/cases/{Regex.Escape(number)}\">.*?</tr>", RegexOptions.Singleline) is { Success: true } m
            ? m.Value
            : throw new InvalidOperationException($"No row for {number} in:\n{page}");

    [GeneratedRegex("<form method=\"post\" action=\"/cases/[^\"]+\" data-action=\"([a-z-]+)\"")]
    private static partial Regex ActionPattern();
}

/// <summary>The officer pages in a real browser: the due-date preview's script and the cancel confirmation.</summary>
public sealed class CasePagesBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task The_due_date_preview_follows_category_and_priority_and_the_form_opens_the_case() => fixture.RunAsync(async page =>
    {
        await BrowserFixture.SignInAsync(page, "/cases/new");
        var preview = page.Locator("#due-preview");
        // Server-rendered for the first category (project-landing, 10 working days) from Monday 2026-03-02 09:00.
        await Assertions.Expect(preview).ToContainTextAsync("签收期限 2026-03-03 18:00");
        await Assertions.Expect(preview.Locator("[data-due=resolve]")).ToHaveTextAsync("2026-03-16 18:00");

        // Bankruptcy is 30 working days; urgent halves it to 15: the server says so, the script only shows it.
        await page.Locator("#category").SelectOptionAsync("bankruptcy");
        await page.Locator("#priority").SelectOptionAsync("urgent");
        await Assertions.Expect(preview.Locator("[data-due=resolve]")).ToHaveTextAsync("2026-03-23 18:00");
        await Assertions.Expect(preview.Locator("[data-days=resolve]")).ToHaveTextAsync("15");
        await Assertions.Expect(preview.Locator("[data-due=accept]")).ToHaveTextAsync("2026-03-03 18:00");

        await page.GetByLabel("事项标题 *").FillAsync("破产企业资产处置");
        await page.GetByLabel("诉求内容 *").FillAsync("协调法院与税务办理资产处置。");
        await page.Locator("#departmentCode").SelectOptionAsync("fy");
        await page.GetByLabel("企业名称", new() { Exact = true }).FillAsync("安岳示例柠檬科技有限公司");
        await page.GetByLabel("统一社会信用代码 *").FillAsync(CaseTestKit.CreditCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "受理并派单" }).ClickAsync();

        await BrowserFixture.ArriveAsync(page, url => url.AbsolutePath.StartsWith("/cases/AYKF-2026-"));
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("事项已受理并派单");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("人民法院");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("2026-03-23 18:00");
    });

    [Fact]
    public Task In_English_the_preview_says_working_day_for_one_and_working_days_for_more() => fixture.RunAsync(async page =>
    {
        // "Other" cut to 2 working days (a report every working day): urgent halves it to 1.
        var admin = await fixture.App.AsAdminAsync();
        var limits = new { nameZh = "其他", name = "Other", acceptWithinWorkingDays = 1, resolveWithinWorkingDays = 2, progressReportEveryWorkingDays = 1, coHandlerLeadWorkingDays = 1 };
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/categories/other", limits)).StatusCode);
        await BrowserFixture.SignInAsync(page, "/cases");
        await page.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "liaison.lang", Value = "en", Url = fixture.App.Address.ToString() }]);
        await page.GotoAsync("/cases/new");
        var preview = page.Locator("#due-preview");

        await Assertions.Expect(page.Locator("#category option[value=other]")).ToHaveTextAsync("Other (accept 1 / resolve 2 working days, progress report every working day)");
        await page.Locator("#category").SelectOptionAsync("other");
        await page.Locator("#priority").SelectOptionAsync("urgent");
        await Assertions.Expect(preview.Locator("[data-days=resolve]")).ToHaveTextAsync("1");
        await Assertions.Expect(preview.Locator("[data-status]")).ToHaveTextAsync("If sent now: accept within 1 / resolve within 1 working day");

        await page.Locator("#priority").SelectOptionAsync("normal");
        await Assertions.Expect(preview.Locator("[data-days=resolve]")).ToHaveTextAsync("2");
        await Assertions.Expect(preview.Locator("[data-status]")).ToHaveTextAsync("If sent now: accept within 1 / resolve within 2 working days");
    });

    [Fact]
    public Task Cancelling_asks_for_confirmation_first() => fixture.RunAsync(async page =>
    {
        var api = await fixture.App.AsAdminAsync();
        var number = (await CaseTestKit.OpenAsync(api)).GetProperty("number").GetString()!;
        await BrowserFixture.SignInAsync(page, $"/cases/{number}");

        var accept = false;
        var asked = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            asked.Add(dialog.Message);
            await (accept ? dialog.AcceptAsync() : dialog.DismissAsync());
        };
        // The reason is required: the form asks for it before anything else.
        await page.GetByRole(AriaRole.Button, new() { Name = "撤销事项" }).ClickAsync();
        Assert.Empty(asked);
        await page.GetByLabel("撤销原因").FillAsync("企业已自行解决");
        await page.GetByRole(AriaRole.Button, new() { Name = "撤销事项" }).ClickAsync();
        Assert.Contains("确定撤销此事项", Assert.Single(asked));
        Assert.Equal("dispatched", (await CaseTestKit.GetCaseAsync(api, number)).GetProperty("status").GetString());

        accept = true;
        await page.GetByRole(AriaRole.Button, new() { Name = "撤销事项" }).ClickAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("事项已撤销");
        Assert.Equal("cancelled", (await CaseTestKit.GetCaseAsync(api, number)).GetProperty("status").GetString());

        await page.GetByRole(AriaRole.Link, new() { Name = "事项列表" }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr:has(a[href='/cases/{number}'])")).ToContainTextAsync("已撤销");
    });
}
