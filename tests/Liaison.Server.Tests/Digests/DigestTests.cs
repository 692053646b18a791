using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Digests;
using Liaison.Server.Links;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Digests;

/// <summary>The daily digests on a real database and SMTP listener, run as the job runs them, at fake-clock times.</summary>
public sealed partial class DigestTests : IAsyncLifetime
{
    private const string Handler = "fgj.handler@anyue.example";
    private const string Officer = "officer@test.example";
    private const string HandlerSubject = "【每日待办】";
    private const string OfficerSubject = "【事项动态】";
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(DigestTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void At(int month, int day, int hour, int minute = 0) =>
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, minute, 0, China).ToUniversalTime());

    private async Task<DigestRunReport> RunDailyAsync(IServiceProvider? services = null)
    {
        await using var scope = (services ?? _app.Services).CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DigestService>().SendDailyAsync();
    }

    private async Task<string> OpenNumberAsync(string department = "fgj", string category = "factor-guarantee", string title = "项目用电报装") =>
        (await OpenAsync(_officer, NewCase(department, category, title))).GetProperty("number").GetString()!;

    private Task<List<MimeMessage>> DigestsToAsync(string to, string subject = HandlerSubject) => MailsAsync(_app, to, subject);

    [Fact]
    public async Task Each_handler_gets_one_mail_with_all_open_cases_overdue_first_each_with_its_own_link()
    {
        // The fgj handler is also jxj's handler: one person, two departments, one digest.
        var admin = await _app.AsAdminAsync();
        var put = await admin.PutAsJsonAsync("/api/departments/jxj", new
        {
            name = "经济和信息化局",
            handler = new { name = "发改联络人", email = Handler },
            leader = new { name = "经信领导", email = "jxj.leader@anyue.example" },
            active = true,
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var overdue = await OpenNumberAsync("fgj", title: "超期的事项"); // Monday 2nd: due Monday 9th 18:00
        At(3, 3, 9);
        var dueToday = await OpenNumberAsync("zjj", title: "今天到期的事项"); // due Tuesday 10th 18:00, the digest's day
        await PostActionAsync(_app.Anonymous(), PathOf(LinkIn((await MailsAsync(_app, "zjj.handler@anyue.example", dueToday)).Single())), "accept");
        At(3, 4, 9);
        var rest = await OpenNumberAsync("fgj", "project-landing", "其余的事项"); // due Wednesday 18th
        var soon = await OpenNumberAsync("jxj", title: "即将到期的事项"); // due Wednesday 11th
        var other = await OpenNumberAsync("gdgs");
        foreach (var number in new[] { rest, soon })
        {
            await PostActionAsync(_app.Anonymous(), PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single())), "accept");
        }

        var returned = await OpenNumberAsync("fgj", title: "已退回的事项");
        var returnLink = PathOf(LinkIn((await MailsAsync(_app, Handler, returned)).Single()));
        await PostActionAsync(_app.Anonymous(), returnLink, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本部门" });

        At(3, 10, 8, 30); // Tuesday
        var report = await RunDailyAsync();

        Assert.Equal(new DateOnly(2026, 3, 10), report.Date);
        var mail = Assert.Single(await DigestsToAsync(Handler));
        var text = mail.TextBody ?? "";
        Assert.True(text.IndexOf(overdue, StringComparison.Ordinal) >= 0 && text.IndexOf(overdue, StringComparison.Ordinal) < text.IndexOf(soon, StringComparison.Ordinal), text);
        Assert.True(text.IndexOf(soon, StringComparison.Ordinal) < text.IndexOf(rest, StringComparison.Ordinal), text);
        Assert.DoesNotContain(returned, text);
        Assert.Contains("已超期 1 个工作日", text);
        Assert.Contains("【每日待办】2026年3月10日（周二） 您有 3 件事项待办理，其中 1 件已超期", mail.Subject);

        // Three fresh personal links, each opening its own case.
        var links = LinkPattern().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.Equal(3, links.Count);
        var page = await _app.Anonymous().GetStringAsync(PathOf(links[0]));
        Assert.Contains(overdue, page);
        Assert.Single(await DigestsToAsync("gdgs.handler@anyue.example"));
        Assert.Contains(other, (await DigestsToAsync("gdgs.handler@anyue.example")).Single().TextBody);
        // Only late to accept (its resolve deadline still ahead): said so, not as if late to resolve with days left.
        var lateToAccept = (await DigestsToAsync("gdgs.handler@anyue.example")).Single();
        Assert.Contains("其中 1 件已超期（办结或签收）", lateToAccept.Subject);
        Assert.Contains("== 已超期：办结或签收（1） ==", lateToAccept.TextBody);
        Assert.Contains("  签收已超期：已超过签收期限（2026年3月5日（周四）18:00）仍未签收；距办结期限还剩 1 个工作日\n", lateToAccept.TextBody);
        Assert.Contains("签收已超期：已超过签收期限（2026年3月5日（周四）18:00）仍未签收</span>", lateToAccept.HtmlBody);
        // Due on the digest's day: today 18:00, not "0 working days left".
        var today = Assert.Single(await DigestsToAsync("zjj.handler@anyue.example"));
        Assert.Contains($"{dueToday} 今天到期的事项", today.TextBody);
        Assert.Contains("  今天 18:00 到期\n", today.TextBody);
        Assert.Contains("今天 18:00 到期</span>", today.HtmlBody);
        Assert.DoesNotContain("还剩 0 个工作日", today.TextBody);

        // Nobody with nothing open gets mail: not leaders, not the other 26 handlers.
        Assert.Equal(3, _app.Smtp!.Received.Count(m => m.Subject?.Contains(HandlerSubject) == true));
        Assert.Empty(await DigestsToAsync("zrzyj.handler@anyue.example"));
        Assert.Empty(await DigestsToAsync("fgj.leader@anyue.example"));
    }

    [Fact]
    public async Task An_admins_edit_of_the_handler_digest_goes_out_with_the_next_digest_and_a_reset_brings_back_the_shipped_one()
    {
        var number = await OpenNumberAsync("fgj", title: "超期的事项"); // Monday 2nd: due Monday 9th 18:00
        var admin = await _app.AsAdminAsync();
        var saved = await admin.PutAsJsonAsync("/api/mail-templates/handler-digest/zh-CN/subject",
            new { source = "【待办 {{ Count }} 件】{% for c in Overdue %}{{ c.Number }} 超期 {{ c.OverdueDays }} 个工作日{% endfor %}" });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        At(3, 10, 8, 30); // Tuesday
        await RunDailyAsync();

        var mail = Assert.Single(await DigestsToAsync(Handler, "【待办"));
        Assert.Equal($"【待办 1 件】{number} 超期 1 个工作日", mail.Subject);
        Assert.Contains(number, mail.TextBody); // the shipped text part, untouched
        Assert.Empty(await DigestsToAsync(Handler));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/mail-templates/handler-digest/zh-CN/subject")).StatusCode);
        At(3, 11, 8, 30);
        await RunDailyAsync();
        Assert.StartsWith("【每日待办】2026年3月11日", Assert.Single(await DigestsToAsync(Handler)).Subject);
    }

    /// <summary>
    /// 102 open cases: each digest shows the first 100 of a section, counts all 102 in its heading and subject, and
    /// says 2 more are not listed; the handler's digest mints a personal link for the 100 lines it shows only.
    /// </summary>
    [Fact]
    public async Task A_section_of_more_than_a_hundred_cases_shows_a_hundred_counts_them_all_and_links_only_the_lines_shown()
    {
        for (var n = 1; n <= 102; n++)
        {
            // Monday 2nd 09:00: not accepted on Tuesday, due soon by the acceptance deadline (Tuesday 3rd 18:00)
            await OpenNumberAsync(title: $"事项 {n}");
        }

        await _app.RelayMailAsync();
        var linksBefore = await _app.WithDbAsync(db => db.Set<LiaisonLink>().CountAsync());
        At(3, 3, 8, 30);
        await RunDailyAsync();

        var handler = Assert.Single(await DigestsToAsync(Handler));
        var text = handler.TextBody ?? "";
        Assert.Contains("您有 102 件事项待办理", handler.Subject);
        Assert.Contains("== 即将到期（102） ==", text);
        Assert.Contains("另有 2 件事项未在此列出，请通过各事项派单邮件中的链接办理。", text);
        Assert.Contains("另有 2 件事项未在此列出", handler.HtmlBody);
        Assert.Equal(100, LinkPattern().Matches(text).Select(m => m.Value).Distinct().Count());
        Assert.Equal(100, await _app.WithDbAsync(db => db.Set<LiaisonLink>().CountAsync()) - linksBefore);

        var officer = Assert.Single(await DigestsToAsync(Officer, OfficerSubject));
        Assert.Contains("102 件事项需要您关注", officer.Subject);
        Assert.Contains("== 有新动态（102） ==", officer.TextBody);
        Assert.Contains("另有 2 件事项未在此列出，请登录平台在事项列表中查看。", officer.TextBody);
    }

    [Fact]
    public async Task No_cases_no_digests()
    {
        At(3, 3, 9);

        var report = await RunDailyAsync();

        Assert.Equal((new DateOnly(2026, 3, 3), 0), (report.Date, report.Sent));
        await _app.RelayMailAsync();
        Assert.Empty(_app.Smtp!.Received);
    }

    [Fact]
    public async Task No_digest_on_a_saturday_a_holiday_or_before_0830_but_yes_on_a_make_up_saturday()
    {
        await OpenNumberAsync("fgj", "bankruptcy"); // long-running: still open in October

        At(3, 7, 9); // Saturday
        var saturday = await RunDailyAsync();
        Assert.Null(saturday.Date);
        // Said in the job's result, for an admin who triggered it by hand.
        Assert.StartsWith("现在（2026-03-07 09:00）不发送：每日摘要仅在工作日 08:30 后、下班前发送", saturday.Summary);
        At(10, 1, 9); // National Day
        Assert.Null((await RunDailyAsync()).Date);
        At(10, 10, 8, 29); // make-up working Saturday, too early
        Assert.Null((await RunDailyAsync()).Date);
        Assert.Empty(await DigestsToAsync(Handler));

        At(10, 10, 8, 30);
        var report = await RunDailyAsync();

        Assert.Equal(new DateOnly(2026, 10, 10), report.Date);
        Assert.Single(await DigestsToAsync(Handler));
    }

    [Fact]
    public async Task Running_twice_or_on_two_instances_sends_each_digest_once_and_a_missed_day_is_never_sent_late()
    {
        await OpenNumberAsync();
        At(3, 3, 8, 30);

        var first = await RunDailyAsync();
        var again = await RunDailyAsync();

        Assert.Equal((2, 0), (first.Sent, first.AlreadySent)); // handler and officer
        Assert.Equal((0, 2), (again.Sent, again.AlreadySent));
        Assert.Single(await DigestsToAsync(Handler));

        await using var second = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Liaison", _app.ConnectionString);
            b.UseSetting("Liaison:Jobs:RunServer", "false");
            b.UseSetting("Liaison:PublicBaseUrl", "https://liaison.test.example");
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_app.Clock));
        });
        _ = second.Server;
        At(3, 4, 8, 30);
        var runs = await Task.WhenAll(RunDailyAsync(), RunDailyAsync(second.Services), RunDailyAsync(), RunDailyAsync(second.Services));

        Assert.Equal(1, runs.Sum(r => r.Sent)); // the handler; the officer has nothing new today
        Assert.Equal(2, (await DigestsToAsync(Handler)).Count);

        // Thursday's run never happened (downtime); Friday's sends Friday's digest only.
        At(3, 6, 10);
        await RunDailyAsync();

        var dates = await _app.WithDbAsync(db => db.Set<DigestSend>().Where(s => s.Kind == "handler-digest").OrderBy(s => s.LocalDate).Select(s => s.LocalDate).ToListAsync());
        Assert.Equal([new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 4), new DateOnly(2026, 3, 6)], dates);
        Assert.Equal(3, (await DigestsToAsync(Handler)).Count);
    }

    [Fact]
    public async Task A_deactivated_officer_gets_no_digest_and_the_one_who_took_over_reads_the_handover()
    {
        var number = await OpenNumberAsync(title: "要移交的事项");
        // A cancelled case stays with the officer who had it, so without the rule it would make a digest of its own.
        var cancelled = await OpenNumberAsync(title: "已撤销的事项");
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "重复立案" })).StatusCode);
        await _app.AsOfficerAsync("taker@test.example");
        var admin = await _app.AsAdminAsync();
        var accounts = await admin.GetFromJsonAsync<List<System.Text.Json.JsonElement>>("/api/users");
        var id = accounts!.Single(u => u.GetProperty("email").GetString() == Officer).GetProperty("id").GetString();
        var put = await admin.PutAsJsonAsync($"/api/users/{id}", new { email = Officer, displayName = "测试专员", active = false, handOverTo = "taker@test.example" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        At(3, 3, 8, 30);
        await RunDailyAsync();

        Assert.Empty(await DigestsToAsync(Officer, OfficerSubject));
        var taker = Assert.Single(await DigestsToAsync("taker@test.example", OfficerSubject));
        Assert.Contains(number, taker.TextBody);
        Assert.Contains("移交园区工作人员", taker.TextBody);
    }

    /// <param name="casesPerRead">Null: the default batch; "1": one case per read, so every section is merged across batches.</param>
    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public async Task Officer_digest_lists_decisions_overdue_and_changes_since_the_last_digest(string? casesPerRead)
    {
        if (casesPerRead is not null)
        {
            await _app.DisposeAsync();
            _app = await LiaisonApp.StartAsync(nameof(DigestTests) + "PerRead", configure: s => s["Liaison:Digests:OfficerCasesPerRead"] = casesPerRead);
            _officer = await _app.AsOfficerAsync();
        }

        var other = await _app.AsOfficerAsync("other@test.example"); // opens nothing, gets nothing
        var returned = await OpenNumberAsync(title: "要退回的事项");
        var progressed = await OpenNumberAsync(title: "有进展的事项");
        var quiet = await OpenNumberAsync(title: "没有变化的事项");
        var returnedLink = PathOf(LinkIn((await MailsAsync(_app, Handler, returned)).Single()));
        var progressedLink = PathOf(LinkIn((await MailsAsync(_app, Handler, progressed)).Single()));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, progressedLink, "accept");

        At(3, 3, 8, 30);
        await RunDailyAsync(); // the first digest: everything opened since yesterday's digest time
        var first = Assert.Single(await DigestsToAsync(Officer, OfficerSubject));
        Assert.Contains(quiet, first.TextBody);

        At(3, 3, 10);
        await PostActionAsync(browser, returnedLink, "return", new() { ["reasonCode"] = "insufficient-information", ["note"] = "缺少用地红线图" });
        await PostActionAsync(browser, progressedLink, "progress", new() { ["note"] = "已现场踏勘" });
        At(3, 4, 8, 30);
        await RunDailyAsync();

        var second = (await DigestsToAsync(Officer, OfficerSubject)).Last();
        var text = second.TextBody ?? "";
        Assert.Contains("== 待您决定（1） ==", text);
        Assert.Contains(returned, text);
        Assert.Contains("已退回，请改派或坚持原部门", text);
        Assert.Contains("退回：缺少用地红线图", text);
        Assert.Contains("== 有新动态（1） ==", text);
        Assert.Contains("进展：已现场踏勘", text);
        Assert.Contains($"https://liaison.test.example/cases/{progressed}", text);
        Assert.Contains("工作台（等待您决定和已超期的全部事项）：https://liaison.test.example/workbench", text);
        Assert.DoesNotContain(quiet, text);
        Assert.True(text.IndexOf(returned, StringComparison.Ordinal) < text.IndexOf(progressed, StringComparison.Ordinal));

        At(3, 10, 8, 30); // the quiet case is now overdue (due Monday 9th)
        await _app.SweepTimersAsync(); // its escalations (督办) fire
        await RunDailyAsync();

        var third = (await DigestsToAsync(Officer, OfficerSubject)).Last().TextBody ?? "";
        Assert.Contains("== 已超期（2） ==", third);
        // An escalation in the case page's words, not its rung's code.
        Assert.Contains("督办：红灯：已到办结期限（经办人和分管领导）", third);
        Assert.DoesNotContain("督办：督办：", third);
        Assert.Contains(quiet, third);
        Assert.Empty(await DigestsToAsync("other@test.example", OfficerSubject));
        _ = other;
    }

    /// <summary>
    /// A joint case (lead zrzyj; fgj co-handles with a task, gdgs too) and a case fgj leads, opened Monday 2nd 09:00:
    /// fgj's handler gets its part (协办, by the part's own deadline, Friday 6th) and its own case (Monday 9th) in one
    /// digest, the part with a link to the part; once submitted the part is no longer listed. The officer's digest names
    /// the joint case's co-handlers and how far each is.
    /// </summary>
    [Fact]
    public async Task A_handlers_digest_lists_its_open_co_handling_parts_and_the_officers_names_the_co_handlers()
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(NewCase("zrzyj", title: "联办的事项"))!.AsObject();
        body["coDepartments"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"departmentCode":"fgj","task":"请核实用地红线"},{"departmentCode":"gdgs"}]""");
        var joint = (await OpenAsync(_officer, body)).GetProperty("number").GetString()!;
        var own = await OpenNumberAsync("fgj", title: "主办的事项");

        At(3, 3, 8, 30);
        await RunDailyAsync();

        var mail = Assert.Single(await DigestsToAsync(Handler));
        var text = mail.TextBody ?? "";
        Assert.Contains("您有 2 件事项待办理", mail.Subject);
        Assert.Contains($"- 【协办】{joint} 联办的事项\n  发展和改革局，主办：自然资源和规划局，协办状态：待签收，提交期限：2026年3月6日（周五）18:00\n  协办任务：请核实用地红线\n  还剩 3 个工作日", text);
        Assert.Contains($"- {own} 主办的事项\n  发展和改革局，状态：已派单，待签收，办结期限：2026年3月9日（周一）18:00", text);
        Assert.True(text.IndexOf(joint, StringComparison.Ordinal) < text.IndexOf(own, StringComparison.Ordinal), text); // by deadline
        Assert.Contains(">协办</span> · " + joint, mail.HtmlBody);
        Assert.Contains("【协办】" + joint, Assert.Single(await DigestsToAsync("gdgs.handler@anyue.example")).TextBody);
        Assert.DoesNotContain("【协办】", Assert.Single(await DigestsToAsync("zrzyj.handler@anyue.example")).TextBody);

        var officer = Assert.Single(await DigestsToAsync(Officer, OfficerSubject)).TextBody ?? "";
        Assert.Contains("  协办：发展和改革局（待签收）、供电公司（待签收）", officer);

        // The part's line carries the part's link: its page offers the co-handler's submit.
        var partLink = LinkPattern().Matches(text).Select(m => PathOf(m.Value)).First();
        Assert.NotNull(FormFor(await _app.Anonymous().GetStringAsync(partLink), "accept"));
        await PostActionAsync(_app.Anonymous(), partLink, "accept");
        await PostActionAsync(_app.Anonymous(), partLink, "submit", new() { ["note"] = "红线已核实" });
        Assert.Equal("submitted", (await GetCaseAsync(_officer, joint)).GetProperty("coDepartments")[0].GetProperty("status").GetString());

        At(3, 4, 8, 30);
        await RunDailyAsync();

        var next = (await DigestsToAsync(Handler)).Last();
        Assert.Contains("您有 1 件事项待办理", next.Subject);
        Assert.DoesNotContain(joint, next.TextBody);
        Assert.Contains("  协办：发展和改革局（已提交）、供电公司（待签收）", (await DigestsToAsync(Officer, OfficerSubject)).Last().TextBody);
    }

    /// <summary>
    /// Cases not accepted yet whose acceptance deadline (签收期限) is tomorrow are due soon, and each says its acceptance
    /// deadline, though their resolve deadline is 5 working days away; accepted, the same case is "other" again.
    /// </summary>
    [Fact]
    public async Task A_case_not_accepted_yet_is_listed_as_due_soon_by_its_acceptance_deadline_and_says_it()
    {
        At(3, 3, 8); // Tuesday 08:00: accept by Wednesday 4th 18:00, resolve by Tuesday 10th 18:00
        var numbers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            numbers.Add(await OpenNumberAsync(title: $"待签收的事项 {i}"));
        }

        At(3, 3, 8, 30);
        await RunDailyAsync();

        var mail = Assert.Single(await DigestsToAsync(Handler));
        var text = mail.TextBody ?? "";
        Assert.Contains("== 即将到期（5） ==", text);
        Assert.DoesNotContain("== 其他在办", text);
        Assert.Contains($"- {numbers[0]} 待签收的事项 0\n  发展和改革局，状态：已派单，待签收，办结期限：2026年3月10日（周二）18:00\n  还剩 5 个工作日\n"
            + "  尚未签收，签收期限：2026年3月4日（周三）18:00，还剩 1 个工作日\n", text);
        Assert.Contains("尚未签收，签收期限：2026年3月4日（周三）18:00，还剩 1 个工作日</span>", mail.HtmlBody);

        // Accepted, the acceptance deadline no longer counts: 5 working days to resolve is not due soon.
        foreach (var number in numbers)
        {
            await PostActionAsync(_app.Anonymous(), PathOf(LinkIn((await MailsAsync(_app, Handler, number)).First())), "accept");
        }

        At(3, 4, 8, 30);
        await RunDailyAsync();
        var next = (await DigestsToAsync(Handler)).Last().TextBody ?? "";
        Assert.Contains("== 其他在办（5） ==", next);
        Assert.DoesNotContain("签收期限", next);
    }

    /// <summary>
    /// The officer's digest tells the system's entries in the officer's language only (they are stored as "中文 / English"),
    /// and a reopening that kept the date as the case page does (CaseTimeline.DeadlineMoved): not as a new deadline.
    /// </summary>
    [Fact]
    public async Task The_officers_digest_tells_the_systems_changes_in_the_officers_language_and_an_unchanged_deadline_as_unchanged()
    {
        const string amy = "amy@test.example";
        var english = await _app.AsOfficerAsync(amy);
        await _app.WithDbAsync(db => db.Users.Where(u => u.NormalizedEmail == amy.ToUpperInvariant())
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Culture, "en")));
        var number = await OpenNumberAsync(title: "重办的事项"); // Monday 2nd 09:00: due Monday 9th 18:00
        var amys = (await OpenAsync(english, NewCase(title: "Amy 的事项"))).GetProperty("number").GetString()!;
        foreach (var (officer, reopened) in new[] { (_officer, number), (english, amys) })
        {
            await Enterprises.RatingTestKit.ResolveAsync(_app, reopened);
            // Reopened at the instant it was resolved: the re-handling's deadline comes out the date it had.
            Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{reopened}/reopen", new { note = "企业反映未解决" })).StatusCode);
            await OpenAsync(officer, NewCase(title: "刚派单的事项")); // its dispatch among the last changes shown
        }

        At(3, 3, 8, 30);
        await RunDailyAsync();

        var zh = Assert.Single(await DigestsToAsync(Officer, OfficerSubject)).TextBody ?? "";
        Assert.Contains("派单：派单至 发展和改革局（", zh);
        Assert.Contains("，第 1 轮\n", zh);
        Assert.DoesNotContain("Dispatched to", zh);
        Assert.Contains("期限变更：重办，办结期限不变（2026年3月9日（周一）18:00）", zh);
        Assert.DoesNotContain("新的办结期限", zh);
        Assert.DoesNotContain("Reopened", zh);

        var en = Assert.Single(await DigestsToAsync(amy, "[Case digest]")).TextBody ?? "";
        Assert.Contains("Dispatched: Dispatched to 发展和改革局 (", en);
        Assert.Contains("Deadline changed: Reopened; resolve deadline unchanged (", en);
        Assert.DoesNotContain("派单至", en);
        Assert.DoesNotContain("重办", en);
    }

    [Fact]
    public async Task Both_jobs_are_registered_at_0830_zone_time()
    {
        var jobs = await _app.WithDbAsync(async db =>
        {
            var conn = db.Database.GetDbConnection();
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT key || ' ' || field || '=' || value FROM hangfire.hash WHERE key IN ('recurring-job:digests-daily', 'recurring-job:league-table-weekly') AND field IN ('Cron', 'TimeZoneId')";
            var rows = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }

            return rows;
        });

        Assert.Equal(
            ["recurring-job:digests-daily Cron=30 8 * * *", "recurring-job:digests-daily TimeZoneId=Asia/Shanghai",
             "recurring-job:league-table-weekly Cron=30 8 * * *", "recurring-job:league-table-weekly TimeZoneId=Asia/Shanghai"],
            jobs.Order(StringComparer.Ordinal));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"https://liaison\.test\.example/l/[A-Za-z0-9_-]{43}")]
    private static partial System.Text.RegularExpressions.Regex LinkPattern();
}
