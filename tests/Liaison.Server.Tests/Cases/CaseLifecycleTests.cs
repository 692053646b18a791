using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Cases.Cases;
using Liaison.Server.Data;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>The case lifecycle end to end: HTTP API, the routing workflow, the SMTP listener, the link pages.</summary>
public sealed class CaseLifecycleTests : IAsyncLifetime
{
    private const string Handler = "fgj.handler@anyue.example";
    private const string Leader = "fgj.leader@anyue.example";
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CaseLifecycleTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_liaisons_reply_goes_to_the_officer_who_follows_the_case()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var dispatch = Assert.Single(await MailsAsync(_app, Handler, number));
        var copy = Assert.Single(await MailsAsync(_app, Leader, number));

        var officerName = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == "officer@test.example").Select(u => u.DisplayName).SingleAsync());
        foreach (var mail in new[] { dispatch, copy })
        {
            var replyTo = Assert.Single(mail.ReplyTo.Mailboxes);
            Assert.Equal(("officer@test.example", officerName), (replyTo.Address, replyTo.Name));
        }

        // The officer's own mails keep the sender's address for replies.
        var link = PathOf(LinkIn(dispatch));
        await PostActionAsync(_app.Anonymous(), link, "accept");
        await PostActionAsync(_app.Anonymous(), link, "resolve", new() { ["note"] = "已办结" });
        var resolved = Assert.Single(await MailsAsync(_app, "officer@test.example", number), m => m.Subject!.Contains("办结"));
        Assert.Empty(resolved.ReplyTo.Mailboxes);
    }

    [Fact]
    public async Task A_reopening_never_shortens_the_deadline_an_approved_extension_gave_and_says_it_stays()
    {
        // Opened Monday 30 November: 5 working days end Monday 7 December; an extension of 8 gives Thursday 17 December.
        var beijing = TimeSpan.FromHours(8);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 10, 0, 0, beijing).ToUniversalTime());
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Handler, number))));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "8", ["note"] = "需等待上级审批" });
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true })).StatusCode);
        var extended = new DateTimeOffset(2026, 12, 17, 18, 0, 0, beijing);
        Assert.Equal(extended, (await GetCaseAsync(_officer, number)).GetProperty("dueAt").GetDateTimeOffset());
        await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已办结" });

        // Reopened 7 December 17:18: a fresh count of 5 would end 14 December, before the deadline the case has.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 7, 17, 18, 0, beijing).ToUniversalTime());
        var officerPages = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        // The reopen form says so before the officer decides, as the insist form does.
        var before = WebUtility.HtmlDecode(await officerPages.GetStringAsync($"/cases/{number}"));
        Assert.Contains("今天重办，办结期限不变（2026-12-17 18:00）", before);
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/reopen", new { note = "企业反映未解决" })).StatusCode);

        var c = await GetCaseAsync(_officer, number);
        Assert.Equal(extended, c.GetProperty("dueAt").GetDateTimeOffset());
        var mail = Assert.Single(await MailsAsync(_app, Handler, "重办"));
        Assert.Contains("请于 2026年12月17日（周四）18:00 前重新办结", mail.TextBody);
        // The date the case had: not called new.
        Assert.Contains("\n办结期限：2026年12月17日（周四）18:00", mail.TextBody);
        Assert.DoesNotContain("新办结期限", mail.TextBody);
        Assert.DoesNotContain("新办结期限", mail.HtmlBody);
        Assert.DoesNotContain("12月14日", mail.TextBody);
        var page = await officerPages.GetStringAsync($"/cases/{number}");
        Assert.Contains("重办，办结期限不变（", page);
        Assert.DoesNotContain("2026-12-14", page);
    }

    [Fact]
    public async Task Progress_notes_do_not_repeat_a_status_the_case_has_and_the_link_page_keeps_its_twelve_rows()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Handler, number))));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        for (var i = 1; i <= 13; i++)
        {
            await PostActionAsync(browser, link, "progress", new() { ["note"] = $"第 {i} 次进展" });
        }

        // The first note put the case in progress; the others changed no status, and say none: not on the timeline the
        // API gives either, where the workflow's SetCaseStatus at each note wrote 办理中 again.
        var statuses = (await GetCaseAsync(_officer, number)).GetProperty("timeline").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == CaseEventKinds.Status).Select(e => e.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(["accepted", "in-progress"], statuses);
        var page = await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync($"/cases/{number}");
        Assert.Equal(1, Regex.Count(page, "状态：办理中"));
        Assert.DoesNotContain("状态变更", page);
        // The link page shows its twelve latest rows, the statuses on their actions: none a status whose action is cut off.
        var linkPage = await browser.GetStringAsync(link);
        var timeline = Regex.Match(linkPage, "<ul class=\"timeline\">.*?</ul>", RegexOptions.Singleline).Value;
        Assert.Equal(12, Regex.Count(timeline, "<li>"));
        Assert.DoesNotContain("状态变更", timeline);
        Assert.Contains("第 13 次进展", timeline);
        Assert.DoesNotContain("第 1 次进展", timeline);
    }

    [Fact]
    public async Task Opening_a_case_reads_what_it_needs_once_and_writes_its_rows_in_one_batch()
    {
        await OpenAsync(_officer); // the categories, the calendar and the published workflow are cached from here on
        var officerId = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == "officer@test.example").Select(u => u.Id).SingleAsync());
        var input = new Liaison.Server.Cases.CaseService.OpenCase("项目用电报装", "企业新厂房需要 10kV 专线接入。", "factor-guarantee", "normal", "fgj",
            new Liaison.Server.Cases.CaseService.CaseEnterpriseInput("安岳示例柠檬科技有限公司", CreditCode, "王经理 13800000000", null, null));
        Liaison.Cases.Cases.Case opened;
        int commands;
        IReadOnlyList<string> texts;
        await using (var scope = _app.Services.CreateAsyncScope())
        using (var counter = EfCommandCounter.Start())
        {
            var result = await scope.ServiceProvider.GetRequiredService<Liaison.Server.Cases.CaseService>().OpenAsync(officerId, input, default);
            opened = result.Value ?? throw new InvalidOperationException(result.Error?.ToString());
            commands = counter.Count;
            texts = counter.CommandTexts;
        }

        // The enterprise (with its contacts: the dispatch's notice contact and key-enterprise check take them from this
        // read), the number with the case's id, the officer (over HTTP the session check read it already), the
        // departments (all, once: the lead's check too), and one batch of the rest: 5 when this was written. A new case
        // has no parts but the ones just written, no fired deadlines and no links to end, and its workflow's id is chosen
        // before its insert, so none of those is read or updated; it was 17, then 9.
        Assert.InRange(commands, 1, 5);
        // Its id comes with its number, so the case is inserted once, after its workflow's first run, with the deadlines
        // that run set: never inserted and then updated (an update of a new row writes all ten of the table's indexes again).
        Assert.Single(texts, t => t.Contains("INSERT INTO cases", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("UPDATE cases", StringComparison.Ordinal));
        var saved = await _app.WithDbAsync(db => db.Cases.AsNoTracking().SingleAsync(c => c.Id == opened.Id));
        var instance = await _app.WithDbAsync(db => db.Set<Liaison.Server.Workflows.WorkflowInstanceRecord>().AsNoTracking()
            .SingleAsync(i => i.CorrelationId == Liaison.Server.Cases.CaseRoutingFactory.CorrelationPrefix + opened.Id));
        Assert.Equal(instance.Id, saved.WorkflowInstanceId);
        Assert.Equal(2, (await MailsAsync(_app, Handler, opened.Number)).Count + (await MailsAsync(_app, Leader, opened.Number)).Count);
    }

    [Fact]
    public async Task The_opens_answer_is_the_case_as_reading_it_back_shows_it()
    {
        var opened = await OpenAsync(_officer);
        var read = await GetCaseAsync(_officer, opened.GetProperty("number").GetString()!);

        // The same JSON (PostgreSQL's jsonb orders an event's data keys its own way, so compare as JSON, not as text).
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(read.ToString()), System.Text.Json.Nodes.JsonNode.Parse(opened.ToString())),
            $"opened: {opened}\nread: {read}");
        Assert.True(read.GetProperty("timeline").GetArrayLength() >= 2);
        Assert.False(string.IsNullOrEmpty(read.GetProperty("departmentName").GetString()));
    }

    [Fact]
    public async Task Happy_path_from_open_to_closed()
    {
        var opened = await OpenAsync(_officer);
        var number = opened.GetProperty("number").GetString()!;
        Assert.Matches(@"^AYKF-2026-\d{6}$", number);
        Assert.Equal("dispatched", opened.GetProperty("status").GetString());
        Assert.Equal(Handler, opened.GetProperty("handler").GetProperty("email").GetString());
        // Opened Monday 2026-03-02 09:00: accept by Tuesday 18:00, resolve (factor-guarantee, 5 working days) by Monday 9th.
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 18, 0, 0, TimeSpan.FromHours(8)), opened.GetProperty("acceptBy").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, TimeSpan.FromHours(8)), opened.GetProperty("dueAt").GetDateTimeOffset());

        var dispatch = Assert.Single(await MailsAsync(_app, Handler));
        Assert.Contains(number, dispatch.Subject);
        Assert.Single(await MailsAsync(_app, Leader));
        var link = PathOf(LinkIn(dispatch));
        var browser = _app.Anonymous();

        // Opening the link (as a mail scanner would) changes nothing.
        var page = await browser.GetStringAsync(link);
        Assert.Contains(number, page);
        Assert.Equal("dispatched", (await GetCaseAsync(_officer, number)).GetProperty("status").GetString());
        // The enterprise's contact is for signed-in officers (DESIGN); the liaison's contact is the case's officer.
        Assert.DoesNotContain("13800000000", page);
        Assert.DoesNotContain("王经理", page);
        Assert.Matches("<dd data-officer>[^<]+（<a href=\"mailto:officer@test.example\">officer@test.example</a>）</dd>", page);

        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);
        Assert.Equal("accepted", (await GetCaseAsync(_officer, number)).GetProperty("status").GetString());
        // The timeline says the new status once, in the reader's language: not the machine's bilingual note besides,
        // and on the accept that caused it, not as a row of its own.
        var accepted = await browser.GetStringAsync(link);
        Assert.Contains("签收（状态：已签收）", accepted);
        Assert.DoesNotContain("状态变更", accepted);
        Assert.DoesNotContain("Status: accepted", accepted);

        await PostActionAsync(browser, link, "progress", new() { ["note"] = "已现场踏勘" });
        Assert.Equal("in-progress", (await GetCaseAsync(_officer, number)).GetProperty("status").GetString());
        // What was done, then what they wrote, set apart.
        Assert.Contains("：已现场踏勘</li>", await browser.GetStringAsync(link));

        await PostActionAsync(browser, link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });
        var pending = await GetCaseAsync(_officer, number);
        Assert.Equal(3, pending.GetProperty("pendingExtension").GetProperty("days").GetInt32());
        Assert.Contains("extension-decision", pending.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        Assert.Single(await MailsAsync(_app, "officer@test.example", number));

        var approved = await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true, note = "同意" });
        var afterExtension = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 18, 0, 0, TimeSpan.FromHours(8)), afterExtension.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, TimeSpan.FromHours(8)), afterExtension.GetProperty("originalDueAt").GetDateTimeOffset());
        var decided = Assert.Single(await MailsAsync(_app, Handler, "延期"));
        Assert.StartsWith("【延期已同意】", decided.Subject);

        await PostActionAsync(browser, link, "resolve", new() { ["note"] = "专线已接通" });
        Assert.Equal("resolved", (await GetCaseAsync(_officer, number)).GetProperty("status").GetString());

        var confirmed = await _officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "企业确认" });
        var closed = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("closed", closed.GetProperty("status").GetString());

        var kinds = closed.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("opened", kinds);
        Assert.Contains("dispatched", kinds);
        Assert.Contains("accept", kinds);
        Assert.Contains("extension-approved", kinds);
        Assert.Contains("confirmed", kinds);
        Assert.Contains("email", kinds);
        var workflow = await _officer.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/workflow");
        Assert.Equal("Finished", workflow.GetProperty("status").GetString());

        // Every mail of the case threads under the first one.
        var all = await MailsAsync(_app, Handler);
        Assert.True(all.Count >= 3);
        Assert.All(all.Skip(1), m => Assert.Equal(dispatch.MessageId, m.InReplyTo));
    }
}

/// <summary>Return and reassign, reopen, cancel: the side paths of DESIGN §2.</summary>
public sealed class CaseSidePathTests : IAsyncLifetime
{
    private const string Handler = "fgj.handler@anyue.example";
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CaseSidePathTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Number, string Link)> OpenWithLinkAsync(string department = "fgj", string handler = Handler)
    {
        var number = (await OpenAsync(_officer, NewCase(department))).GetProperty("number").GetString()!;
        var mail = (await MailsAsync(_app, handler, number)).Single(m => m.Subject!.Contains("派单"));
        return (number, PathOf(LinkIn(mail)));
    }

    [Fact]
    public async Task Return_then_reassign_kills_the_old_link_and_mails_the_new_handler()
    {
        var (number, oldLink) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();

        await PostActionAsync(browser, oldLink, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "应由供电公司办理" });
        var returned = await GetCaseAsync(_officer, number);
        Assert.Equal("returned", returned.GetProperty("status").GetString());
        Assert.Single(await MailsAsync(_app, "officer@test.example", "退回"));
        // The handler's page says where the case is now (it said "already accepted", of a case never accepted).
        var waiting = await browser.GetStringAsync(oldLink);
        Assert.Contains("当前无需操作。 事项已退回园区，等待园区工作人员改派或坚持原派。", waiting);
        Assert.DoesNotContain("事项已签收", waiting);

        var response = await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "改派供电公司" });
        var reassigned = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("dispatched", reassigned.GetProperty("status").GetString());
        Assert.Equal("gdgs", reassigned.GetProperty("department").GetString());
        Assert.Equal(2, reassigned.GetProperty("assignmentRound").GetInt32());
        Assert.Equal(1, reassigned.GetProperty("returns").GetInt32());
        var newMail = Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", number));
        // A plain dispatch to the new department: it returned nothing, so nothing was insisted on (坚持原派).
        Assert.StartsWith("【派单】" + number, newMail.Subject);
        Assert.DoesNotContain("坚持原派", newMail.TextBody);
        var old = await browser.GetAsync(oldLink);
        Assert.Equal(HttpStatusCode.Gone, old.StatusCode);
        Assert.DoesNotContain(number, await old.Content.ReadAsStringAsync());
        var newPage = await browser.GetStringAsync(PathOf(LinkIn(newMail)));
        Assert.NotNull(FormFor(newPage, "accept"));
    }

    [Fact]
    public async Task Insisting_on_the_same_department_dispatches_it_again_in_a_new_round()
    {
        var (number, link) = await OpenWithLinkAsync();
        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "insufficient-information", ["note"] = "缺材料" });

        var response = await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "fgj", note = "材料已补齐，请继续办理" });
        var c = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fgj", c.GetProperty("department").GetString());
        Assert.Equal(2, c.GetProperty("assignmentRound").GetInt32());
        Assert.Contains("insisted", c.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        // The department hears it is being sent back, with the officer's note, not a first dispatch's wording; its old
        // link says the case came back to it under the new one.
        var again = (await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("坚持原派"));
        Assert.StartsWith("【派单·坚持原派】", again.Subject);
        Assert.Contains("园区说明：材料已补齐，请继续办理", again.TextBody);
        Assert.DoesNotContain("如不属于贵单位职责", again.TextBody);
        // Its leader's copy says the same, not that a new case came in.
        var copy = (await MailsAsync(_app, "fgj.leader@anyue.example", number)).Single(m => m.Subject!.Contains("坚持原派"));
        Assert.StartsWith("【派单抄送·坚持原派】", copy.Subject);
        Assert.Contains("贵单位退回的以下事项，园区经研究仍请贵单位办理（坚持原派）", copy.TextBody);
        Assert.Contains("园区说明：材料已补齐，请继续办理", copy.TextBody);
        Assert.DoesNotContain("贵单位收到一件园区派单", copy.TextBody);
        Assert.Contains("坚持原派", copy.HtmlBody);
        var old = await _app.Anonymous().GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, old.StatusCode);
        Assert.Contains("该事项已重新派给您", await old.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_insist_runs_the_returned_rounds_clock_on_and_the_department_is_told_why()
    {
        // Opened Monday 03-02 09:00 (factor-guarantee, due Monday 03-09); returned Wednesday with 3 working days left.
        var (number, link) = await OpenWithLinkAsync();
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 4, 11, 0, 0, Beijing).ToUniversalTime());
        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "insufficient-information", ["note"] = "缺材料" });
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 6, 9, 0, 0, Beijing).ToUniversalTime()); // the officer decides on Friday
        // The case page says what insisting would give before the officer decides.
        var page = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        Assert.Contains("该部门退回时还剩 3 个工作日：今天坚持原派，办结期限为 2026-03-11 18:00", await page.GetStringAsync($"/cases/{number}"));

        var c = await (await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "fgj", note = "请继续办理" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("事项第 2 轮；坚持原派，退回时剩余的 3 个工作日继续计算", await page.GetStringAsync($"/cases/{number}"));

        // The 3 days run on from Friday (03-09, 10, 11), not a fresh 5 (03-13); acceptance is a fresh working day.
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 18, 0, 0, Beijing), c.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, Beijing), c.GetProperty("acceptBy").GetDateTimeOffset());
        Assert.Contains(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("note").GetString()?.Contains("坚持原派，退回时剩余的 3 个工作日继续计算") == true);
        var again = (await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("坚持原派"));
        Assert.Contains("办结期限按退回时剩余的 3 个工作日从今天起继续计算（园区研究期间不计）", again.TextBody);
        Assert.DoesNotContain("进展报告", again.TextBody); // not a long-running category

        // Resolved after the kept deadline: late, in the database's count and the timelines' replay alike.
        var newLink = PathOf(LinkIn(again));
        await PostActionAsync(_app.Anonymous(), newLink, "accept");
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 12, 10, 0, 0, Beijing).ToUniversalTime());
        await PostActionAsync(_app.Anonymous(), newLink, "resolve", new() { ["note"] = "已办结" });
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        var resolve = await db.Set<CaseEvent>().SingleAsync(e => e.Kind == CaseActions.Resolve);
        Assert.False(resolve.OnTime);
    }

    [Fact]
    public async Task An_insist_on_a_round_overdue_when_returned_keeps_its_deadline_and_sends_no_second_notice()
    {
        var (number, link) = await OpenWithLinkAsync();
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 10, 9, 0, 0, Beijing).ToUniversalTime()); // past Monday 03-09 18:00
        await _app.SweepTimersAsync();
        Assert.Single(await MailsAsync(_app, Handler, "【超期督办】"));
        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "insufficient-information", ["note"] = "缺材料" });
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 9, 0, 0, Beijing).ToUniversalTime());

        var page = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        Assert.Contains("该部门退回时已超过办结期限（2026-03-09 18:00）：坚持原派则期限不变", await page.GetStringAsync($"/cases/{number}"));
        // An insist gives its reasons.
        var bare = await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "fgj" });
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Contains("坚持原派请说明理由", await bare.Content.ReadAsStringAsync());
        var c = await (await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "fgj", note = "属贵单位职责，请尽快办理" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        await _app.SweepTimersAsync();
        Assert.Contains("坚持原派，退回时已超期，办结期限不变", await page.GetStringAsync($"/cases/{number}"));

        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, Beijing), c.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Contains("退回时已超过办结期限，办结期限不变", (await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("坚持原派")).TextBody);
        Assert.Single(await MailsAsync(_app, Handler, "【超期督办】"));
    }

    [Fact]
    public async Task The_link_page_shows_the_category_urgency_and_next_progress_report_and_names_fields_in_words()
    {
        // An urgent legacy issue (遗留问题化解: 20 working days halved to 10, a progress report every 10).
        var number = (await OpenAsync(_officer, new
        {
            title = "历史用地遗留问题", description = "厂区用地手续不全。", category = "legacy-issue", priority = "urgent", departmentCode = "fgj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
        })).GetProperty("number").GetString()!;
        var dispatch = (await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("派单"));
        Assert.StartsWith("【紧急】【派单】", dispatch.Subject); // seen in a phone's inbox
        Assert.Contains("进展报告：签收后每 10 个工作日报告一次进展", dispatch.TextBody);
        Assert.Contains("签收后每 10 个工作日报告一次进展", dispatch.HtmlBody);
        var link = PathOf(LinkIn(dispatch));
        var browser = _app.Anonymous();

        var page = await browser.GetStringAsync(link);
        Assert.Matches("<dd data-category>遗留问题化解 · <strong class=\"error\">紧急</strong></dd>", page);
        Assert.DoesNotContain("data-progress-report", page); // asked for once accepted

        await PostActionAsync(browser, link, "accept");
        Assert.Contains("2026-03-16 18:00（每 10 个工作日报告一次进展）", await browser.GetStringAsync(link));
        var officerPage = await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync($"/cases/{number}");
        Assert.Contains("2026-03-16 18:00（每 10 个工作日）", officerPage);

        // A refused action names the field in words, the form's own (进展情况 on a progress report), not by its form name.
        var refused = await (await PostActionAsync(browser, link, "progress", new() { ["note"] = " " })).Content.ReadAsStringAsync();
        Assert.Contains("进展情况：必填", refused);
        Assert.DoesNotContain("note: 必填", refused);
    }

    [Fact]
    public async Task Reopen_sends_a_resolved_case_back_with_a_new_deadline()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已办结" });
        _app.Clock.Advance(TimeSpan.FromDays(2)); // Wednesday 09:00

        var response = await _officer.PostAsJsonAsync($"/api/cases/{number}/reopen", new { note = "企业反映问题仍未解决" });
        var c = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("accepted", c.GetProperty("status").GetString());
        Assert.Equal(1, c.GetProperty("reopenings").GetInt32());
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 18, 0, 0, TimeSpan.FromHours(8)), c.GetProperty("dueAt").GetDateTimeOffset());
        Assert.NotNull(FormFor(await browser.GetStringAsync(link), "resolve"));
        Assert.Contains(await MailsAsync(_app, Handler, number), m => m.Subject!.Contains("重办"));
    }

    [Fact]
    public async Task Resolving_while_an_extension_request_waits_withdraws_it_in_the_same_commit()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "3", ["note"] = "等待上级批复" });
        var page = await browser.GetStringAsync(link);
        Assert.NotNull(FormFor(page, "resolve")); // done sooner than feared
        Assert.Null(FormFor(page, "extension")); // one request at a time
        Assert.Contains("延期 3 个工作日的申请正在等待园区审批，其间仍可报告进展。如已办完，可直接办结；如不属于本单位，可直接退回：申请随之撤回。", page);

        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已提前办结" })).StatusCode);

        var c = await GetCaseAsync(_officer, number);
        Assert.Equal("resolved", c.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("pendingExtension").ValueKind);
        var kinds = c.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.True(kinds.IndexOf("extension-withdrawn") < kinds.IndexOf("resolve"), string.Join(", ", kinds));
        // The officer now confirms or reopens; there is no extension left to decide.
        var decide = await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true });
        Assert.Equal(HttpStatusCode.Conflict, decide.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "已核实" })).StatusCode);
        Assert.Equal("closed", (await GetCaseAsync(_officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_published_routing_workflow_that_fails_opens_nothing_and_says_which_version_and_why()
    {
        var admin = await _app.AsAdminAsync();
        var definition = await admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/workflow-definitions/case-routing");
        var dispatch = definition!["root"]!["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "dispatch")!;
        dispatch["department"]!["expression"]!["value"] = "getCase().nope.code";
        Assert.True((await admin.PutAsJsonAsync("/api/workflow-definitions/case-routing", definition)).IsSuccessStatusCode);
        var published = await (await admin.PostAsync("/api/workflow-definitions/case-routing/publish", null)).Content.ReadFromJsonAsync<JsonElement>();
        var version = published.GetProperty("version").GetInt32();
        var before = await _app.WithDbAsync(db => db.Cases.CountAsync());

        var response = await _officer.PostAsJsonAsync("/api/cases", NewCase());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains($"流程 case-routing 第 {version} 版无法派单，事项未建立，请联系管理员（dispatch: ", detail);
        Assert.Equal(before, await _app.WithDbAsync(db => db.Cases.CountAsync()));
        // The admins find it in the log, with the version and the failing activity.
        Assert.Contains(_app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error
            && e.Message.Contains($"case-routing v{version} faulted") && e.Message.Contains("dispatch: "));
    }

    [Fact]
    public async Task A_case_on_a_workflow_without_the_withdrawal_answers_409_and_keeps_its_request()
    {
        // A version published without the Withdrawn path (as case-routing v4 was): resolving over the request would end it.
        var admin = await _app.AsAdminAsync();
        var definition = await admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/workflow-definitions/case-routing");
        var connections = definition!["root"]!["connections"]!.AsArray();
        connections.Remove(connections.Single(k => k!["source"]!["port"]!.GetValue<string>() == "Withdrawn"));
        Assert.True((await admin.PutAsJsonAsync("/api/workflow-definitions/case-routing", definition)).IsSuccessStatusCode);
        Assert.True((await admin.PostAsync("/api/workflow-definitions/case-routing/publish", null)).IsSuccessStatusCode);
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "3", ["note"] = "等待上级批复" });

        var refused = await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已提前办结" });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("此事项的流程版本不支持办结", await refused.Content.ReadAsStringAsync());
        // Returning or reassigning over the request waits for the decision, and says so to whoever tried.
        var notReturned = await PostActionAsync(browser, link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局" });
        Assert.Equal(HttpStatusCode.Conflict, notReturned.StatusCode);
        Assert.Contains("延期申请待审批期间，此事项的流程版本不能退回：请等待园区审批后再退回", await notReturned.Content.ReadAsStringAsync());
        var notReassigned = await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "改派" });
        Assert.Equal(HttpStatusCode.Conflict, notReassigned.StatusCode);
        Assert.Contains("此事项的流程版本不能在延期申请待审批时改派：请先审批延期申请，再改派", await notReassigned.Content.ReadAsStringAsync());
        var c = await GetCaseAsync(_officer, number);
        Assert.Equal("accepted", c.GetProperty("status").GetString());
        Assert.Equal(3, c.GetProperty("pendingExtension").GetProperty("days").GetInt32());
        Assert.DoesNotContain("extension-withdrawn", c.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true })).StatusCode);
    }

    [Fact]
    public async Task A_resolve_sent_twice_at_once_that_ends_its_own_link_resolves_once_and_both_answer_done()
    {
        // A version an admin published without the officer's confirmation: the handler's resolve closes the case, and
        // the close ends the case's links, the one the resolve came through too.
        var admin = await _app.AsAdminAsync();
        var definition = await admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/workflow-definitions/case-routing");
        var connections = definition!["root"]!["connections"]!.AsArray();
        connections.Single(k => k!["target"]!["activity"]!.GetValue<string>() == "officer-resolution")!["target"]!["activity"] = "status-closed";
        string[] gone = ["officer-resolution", "reopen", "notify-reopened"];
        foreach (var k in connections.Where(k => gone.Contains(k!["source"]!["activity"]!.GetValue<string>())).ToList())
        {
            connections.Remove(k);
        }

        var activities = definition["root"]!["activities"]!.AsArray();
        foreach (var a in activities.Where(a => gone.Contains(a!["id"]!.GetValue<string>())).ToList())
        {
            activities.Remove(a);
        }

        Assert.True((await admin.PutAsJsonAsync("/api/workflow-definitions/case-routing", definition)).IsSuccessStatusCode);
        var published = await admin.PostAsync("/api/workflow-definitions/case-routing/publish", null);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        var form = new Dictionary<string, string>(FormFor(await browser.GetStringAsync(link), "resolve")!) { ["note"] = "已完成接电" };
        var caseId = await _app.WithDbAsync(db => db.Cases.Where(c => c.Number == number).Select(c => c.Id).SingleAsync());

        // Both sendings wait on the case's row: the first through commits (the case closed, the link ended) before the
        // second, next in line, reads anything.
        List<Task<HttpResponseMessage>> sent;
        await using (var held = await HeldLock.TakeAsync(_app, $"SELECT 1 FROM cases WHERE id = {caseId} FOR UPDATE"))
        {
            sent = Enumerable.Range(0, 2).Select(_ => browser.PostAsync(link, new FormUrlEncodedContent(form))).ToList();
            await held.UntilWaitingAsync(2);
            await held.ReleaseAsync();
        }

        var answers = await Task.WhenAll(sent);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Redirect, a.StatusCode));
        var c = await GetCaseAsync(_officer, number);
        Assert.Equal("closed", c.GetProperty("status").GetString());
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "resolve");
        // Sent once more later (a retry after a lost answer), still the first's answer; another request through the
        // ended link is refused.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync(link, new FormUrlEncodedContent(form))).StatusCode);
        var another = new Dictionary<string, string>(form) { ["requestId"] = Guid.NewGuid().ToString() };
        Assert.Equal(HttpStatusCode.Gone, (await browser.PostAsync(link, new FormUrlEncodedContent(another))).StatusCode);
        Assert.Single((await GetCaseAsync(_officer, number)).GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "resolve");
    }

    [Fact]
    public async Task A_denied_extension_keeps_the_deadline_and_tells_the_handler()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "5", ["note"] = "需要更多时间" });

        var response = await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = false, note = "请按期办结" });
        var c = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, TimeSpan.FromHours(8)), c.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("pendingExtension").ValueKind);
        Assert.StartsWith("【延期未同意】", Assert.Single(await MailsAsync(_app, Handler, "延期")).Subject);
        Assert.NotNull(FormFor(await browser.GetStringAsync(link), "resolve"));
    }

    [Fact]
    public async Task While_an_extension_request_waits_the_handler_reports_progress_and_the_request_stays()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "3", ["note"] = "等待上级批复" });

        var reported = await PostActionAsync(browser, link, "progress", new() { ["note"] = "已报县政府，等待批复" });

        Assert.Equal(HttpStatusCode.Redirect, reported.StatusCode);
        var c = await GetCaseAsync(_officer, number);
        Assert.Equal("in-progress", c.GetProperty("status").GetString());
        Assert.Equal(3, c.GetProperty("pendingExtension").GetProperty("days").GetInt32());
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "progress"
            && e.GetProperty("note").GetString() == "已报县政府，等待批复");
        // The workflow still waits for the officer's decision (not the handler's next action), who decides as before;
        // the handler's wait then runs again.
        var waits = await _app.WithDbAsync(db => db.Set<Liaison.Server.Workflows.WorkflowBookmarkRecord>()
            .Where(b => b.ResumeAt == null && db.Cases.Any(c => c.Number == number && c.WorkflowInstanceId == b.InstanceId))
            .Select(b => b.Kind).ToListAsync());
        Assert.Equal(["Liaison.WaitForOfficer"], waits);
        var approved = await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true, note = "同意" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        c = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 18, 0, 0, Beijing), c.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("in-progress", c.GetProperty("status").GetString());
        Assert.NotNull(FormFor(await browser.GetStringAsync(link), "progress"));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已办结" })).StatusCode);
        Assert.Equal("resolved", (await GetCaseAsync(_officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Returning_while_an_extension_request_waits_withdraws_it_and_the_case_comes_back()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "3", ["note"] = "需要协调" });

        var returned = await PostActionAsync(browser, link, "return",
            new() { ["reasonCode"] = "not-our-remit", ["note"] = "核实后不属于本局职责" });

        Assert.Equal(HttpStatusCode.Redirect, returned.StatusCode);
        var c = await GetCaseAsync(_officer, number);
        Assert.Equal("returned", c.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("pendingExtension").ValueKind);
        var timeline = c.GetProperty("timeline").EnumerateArray().ToList();
        var withdrawn = Assert.Single(timeline, e => e.GetProperty("kind").GetString() == "extension-withdrawn");
        Assert.Equal("return", withdrawn.GetProperty("data").GetProperty("because").GetString());
        Assert.True(timeline.IndexOf(withdrawn) < timeline.FindIndex(e => e.GetProperty("kind").GetString() == "return"));
        Assert.Equal(new[] { "reassign", "cancel" }, c.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true })).StatusCode);
        Assert.Single(await MailsAsync(_app, "officer@test.example", number), m => m.Subject!.Contains("退回"));
        var page = await _officer.GetStringAsync($"/cases/{number}");
        Assert.Contains("延期申请撤回", page);
        Assert.Contains("3 个工作日；已退回", page);
    }

    [Fact]
    public async Task Reassigning_while_an_extension_request_waits_withdraws_it_and_dispatches_the_new_department()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "2", ["note"] = "需要协调" });
        Assert.Contains("改派后，该部门待审批的延期申请随之撤回。", await _officer.GetStringAsync($"/cases/{number}"));
        // Urging waits for the answer to the request.
        Assert.Equal(HttpStatusCode.Conflict, (await _officer.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = "请加快" })).StatusCode);

        var response = await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "改由供电公司办理" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var c = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("dispatched", c.GetProperty("status").GetString());
        Assert.Equal("gdgs", c.GetProperty("department").GetString());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("pendingExtension").ValueKind);
        var withdrawn = Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "extension-withdrawn");
        Assert.Equal("reassign", withdrawn.GetProperty("data").GetProperty("because").GetString());
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(link)).StatusCode);
        Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", number), m => m.Subject!.Contains("派单"));
        Assert.Single(await MailsAsync(_app, Handler, number), m => m.Subject!.Contains("改派"));
        Assert.Contains("2 个工作日；园区工作人员已改派", await _officer.GetStringAsync($"/cases/{number}"));
    }

    [Fact]
    public async Task The_closed_mails_link_shows_the_case_for_the_grace_period_like_the_rounds_other_links()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已办结" });
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "企业确认" })).StatusCode);
        var closedLink = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Handler, number), m => m.Subject!.Contains("销号"))));

        var during = await browser.GetAsync(closedLink);
        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Contains(number, await during.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(link)).StatusCode);

        // Minted after the round's links were ended, it still ends with them: seven days after the close, not never.
        _app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(closedLink)).StatusCode);
    }

    [Fact]
    public async Task A_closed_cases_link_names_no_officer_whose_account_was_deactivated_since()
    {
        const string leaving = "leaving.officer@test.example";
        var officer = await _app.AsOfficerAsync(leaving);
        var number = (await OpenAsync(officer, NewCase())).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("派单"))));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已办结" });
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "企业确认" })).StatusCode);
        Assert.Contains(leaving, await browser.GetStringAsync(link));

        // The officer leaves: nothing of theirs is open, so no hand-over is needed.
        var admin = await _app.AsAdminAsync();
        var id = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/users"))!.Single(u => u.GetProperty("email").GetString() == leaving).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/users/{id}", new { email = leaving, displayName = "测试专员", active = false })).StatusCode);

        var page = await browser.GetStringAsync(link);
        Assert.Contains(number, page);
        Assert.DoesNotContain(leaving, page);
        Assert.DoesNotContain("data-officer", page);
    }

    [Fact]
    public async Task Cancel_ends_the_case_and_its_links()
    {
        var (number, link) = await OpenWithLinkAsync();

        var response = await _officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业撤回诉求" });
        var c = await response.Content.ReadFromJsonAsync<JsonElement>();
        var workflow = await _officer.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/workflow");

        Assert.Equal("cancelled", c.GetProperty("status").GetString());
        Assert.Equal("Cancelled", workflow.GetProperty("status").GetString());
        var ended = await _app.Anonymous().GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, ended.StatusCode);
        var endedPage = await ended.Content.ReadAsStringAsync();
        Assert.Contains("此链接已结束", endedPage);
        Assert.DoesNotContain(number, endedPage); // nothing of the case: the link may have been forwarded
        var cancelled = Assert.Single(await MailsAsync(_app, Handler, number), m => m.Subject!.Contains("撤销"));
        Assert.DoesNotContain("/l/", cancelled.TextBody); // its round is over: no dead link in the mail
    }

    [Fact]
    public async Task The_leaders_link_is_read_only_plus_remind_the_handler()
    {
        var (number, _) = await OpenWithLinkAsync();
        var leaderMail = Assert.Single(await MailsAsync(_app, "fgj.leader@anyue.example", number));
        var leaderLink = PathOf(LinkIn(leaderMail));
        var browser = _app.Anonymous();

        var page = await browser.GetStringAsync(leaderLink);
        Assert.Null(FormFor(page, "accept"));
        var reminded = await PostActionAsync(browser, leaderLink, "remind", new() { ["note"] = "请尽快签收" });

        Assert.Equal(HttpStatusCode.Redirect, reminded.StatusCode);
        Assert.Contains(await MailsAsync(_app, Handler, number), m => m.TextBody!.Contains("请尽快签收"));
        Assert.Equal("dispatched", (await GetCaseAsync(_officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_action_not_allowed_now_explains_why_and_changes_nothing()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        var page = await browser.GetStringAsync(link);
        var acceptForm = FormFor(page, "accept")!;
        await browser.PostAsync(link, new FormUrlEncodedContent(acceptForm));

        // The same page's "accept" form again, with a new request id: the case is already accepted.
        var again = new Dictionary<string, string>(acceptForm) { ["requestId"] = Guid.NewGuid().ToString() };
        var response = await browser.PostAsync(link, new FormUrlEncodedContent(again));
        var confirm = await _officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "x" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("已签收", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        Assert.Equal("accepted", (await GetCaseAsync(_officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_hundred_parallel_posts_of_the_same_action_make_one_transition()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        var form = FormFor(await browser.GetStringAsync(link), "progress")!;
        await PostActionAsync(browser, link, "accept");
        form = FormFor(await browser.GetStringAsync(link), "progress")!;
        form["note"] = "现场协调会已召开";

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => browser.PostAsync(link, new FormUrlEncodedContent(form))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Redirect, r.StatusCode.ToString()));
        var c = await GetCaseAsync(_officer, number);
        Assert.Equal("in-progress", c.GetProperty("status").GetString());
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "progress");
    }

    [Fact]
    public async Task Opening_and_using_a_link_logs_no_warning_and_never_the_token()
    {
        var number = (await OpenAsync(_officer, NewCase("swj"))).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "swj.handler@anyue.example"))));
        var token = link["/l/".Length..];
        var before = _app.Logs.Entries.Count;

        var page = await _app.Anonymous().GetAsync(link);
        var accepted = await PostActionAsync(_app.Anonymous(), link, "accept");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(page.Headers.CacheControl is { NoStore: true, NoCache: true });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("accepted", (await GetCaseAsync(_officer, number)).GetProperty("status").GetString());
        var logged = _app.Logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.True(logged.Count == 0, "logged: " + string.Join("\n", logged.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Text.Contains(token));
    }

    [Fact]
    public async Task Unknown_and_malformed_links_get_the_same_plain_page()
    {
        var unknown = await _app.Anonymous().GetAsync("/l/" + new string('A', 43));
        var malformed = await _app.Anonymous().GetAsync("/l/not-a-token");
        var postUnknown = await _app.Anonymous().PostAsync("/l/" + new string('B', 43), new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "accept" }));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Equal("no-referrer", unknown.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(unknown.Headers.CacheControl?.NoStore);
        // The same page, except where the language switch comes back to (the address the reader typed).
        static string WithoutReturnUrl(string page) =>
            System.Text.RegularExpressions.Regex.Replace(page, "name=\"returnUrl\" value=\"[^\"]*\"", "name=\"returnUrl\"");
        var unknownPage = await unknown.Content.ReadAsStringAsync();
        Assert.Contains("链接无效或已过期", unknownPage);
        Assert.Equal(WithoutReturnUrl(unknownPage), WithoutReturnUrl(await malformed.Content.ReadAsStringAsync()));
        Assert.True((int)postUnknown.StatusCode is >= 400 and < 500);
    }

    [Fact]
    public async Task An_officer_grants_fewer_working_days_than_asked_and_the_deadline_the_timeline_and_the_handlers_mail_say_so()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "10", ["note"] = "需等待省厅批复" });

        var response = await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true, days = 2, note = "只同意2天" });

        // Due Monday 9 March: 2 working days more end Wednesday 11 March, not the 10 asked (Monday 23 March).
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var c = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 18, 0, 0, Beijing), c.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, Beijing), c.GetProperty("originalDueAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("pendingExtension").ValueKind);
        var approved = Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "extension-approved");
        Assert.Equal(2, approved.GetProperty("data").GetProperty("days").GetInt32());
        Assert.Equal(10, approved.GetProperty("data").GetProperty("asked").GetInt32());
        // The workflow's timers follow the new deadline: its reminder the working day before.
        var timers = await _app.WithDbAsync(db => db.Set<Liaison.Server.Workflows.WorkflowBookmarkRecord>()
            .Where(b => b.ResumeAt != null && db.Cases.Any(x => x.Number == number && x.WorkflowInstanceId == b.InstanceId))
            .ToDictionaryAsync(b => b.Key!, b => b.ResumeAt!.Value));
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 18, 0, 0, Beijing), timers["ResolveDue"]);

        // The handler's mail says what was granted, beside the new deadline and the officer's note.
        // Its subject says so too: fewer days than asked is not what was asked.
        var decided = Assert.Single(await MailsAsync(_app, Handler, "延期"), m => m.Subject!.StartsWith("【延期部分同意】") && m.Subject.Contains(number));
        Assert.Contains("审核结果：部分同意：延期 2 个工作日（申请 10 个）", decided.TextBody);
        Assert.Contains("办结期限：2026年3月11日（周三）18:00", decided.TextBody);
        Assert.Contains("只同意2天", decided.TextBody);

        // The officer's case page says both, in either language.
        var signedIn = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        Assert.Matches("批准延期</td>\\s*<td role=\"cell\">\\s*<span>申请 10 个工作日，批准 2 个</span>", await signedIn.GetStringAsync($"/cases/{number}"));
        var english = new HttpRequestMessage(HttpMethod.Get, $"/cases/{number}");
        english.Headers.Add("Cookie", "liaison.lang=en");
        Assert.Matches(@"Extension approved</td>\s*<td role=""cell"">\s*<span>2 of 10 working days</span>",
            await (await signedIn.SendAsync(english)).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(true, 0, "批准的延期天数须在 1 到 10 个工作日之间")]
    [InlineData(true, 11, "批准的延期天数须在 1 到 10 个工作日之间")]
    [InlineData(false, 2, "不批准时不填写天数")]
    public async Task An_extension_decision_with_days_out_of_range_or_with_a_denial_is_a_400_naming_days_and_changes_nothing(bool approve, int days, string says)
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "10", ["note"] = "需等待省厅批复" });
        var before = await GetCaseAsync(_officer, number);
        var outbox = await _app.WithDbAsync(db => db.Outbox.CountAsync(m => db.Cases.Any(x => x.Id == m.CaseId && x.Number == number)));

        var response = await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve, days, note = "请抓紧" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("days").EnumerateArray()).GetString()!;
        Assert.Contains(says, error);
        Assert.Contains(approve ? "must be from 1 to 10 working days" : "leave the days out when denying", error);
        var after = await GetCaseAsync(_officer, number);
        Assert.Equal(before.GetProperty("dueAt").GetDateTimeOffset(), after.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(10, after.GetProperty("pendingExtension").GetProperty("days").GetInt32());
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
        Assert.Equal(outbox, await _app.WithDbAsync(db => db.Outbox.CountAsync(m => db.Cases.Any(x => x.Id == m.CaseId && x.Number == number))));
        // The officer may still decide it.
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true, days = 10 })).StatusCode);
    }
}

public sealed class CaseOpenIdempotencyTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Opening_twice_with_the_same_request_id_opens_one_case()
    {
        var officer = await fixture.App.AsOfficerAsync();
        var requestId = Guid.NewGuid();
        var body = new
        {
            title = "重复提交测试", description = "双击", category = "other", priority = "normal", departmentCode = "swj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode }, requestId,
        };

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => officer.PostAsJsonAsync("/api/cases", body)));
        var numbers = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(numbers.Distinct());
        Assert.Equal(1, await fixture.App.WithDbAsync(db => db.Cases.CountAsync(c => c.Title == "重复提交测试")));
        // The repeats are answered, not failures: no error is logged for the request id they share.
        var errors = fixture.App.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error && e.Text.Contains("pk_case_action_requests")).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(2).Select(e => $"{e.Category}: {e.Text}")));
    }
}
