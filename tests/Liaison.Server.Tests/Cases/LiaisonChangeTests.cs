using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Liaison.Server.Departments;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>An admin names a department's new liaison: its open cases and co-handling parts go to the new person.</summary>
public sealed class LiaisonChangeTests : IAsyncLifetime
{
    private const string OldHandler = "fgj.handler@anyue.example";
    private const string NewHandler = "new.handler@anyue.example";
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(LiaisonChangeTests));
        _officer = await _app.AsOfficerAsync();
        _admin = await _app.AsAdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> SaveFgjAsync(string handlerName, string handlerEmail, string leaderName, string leaderEmail) =>
        _admin.PutAsJsonAsync("/api/departments/fgj", new
        {
            name = "发展和改革局",
            handler = new { name = handlerName, email = handlerEmail },
            leader = new { name = leaderName, email = leaderEmail },
        });

    [Fact]
    public async Task A_new_handler_takes_over_the_departments_open_cases_and_parts_with_links_of_their_own()
    {
        var dispatched = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var accepted = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var cancelled = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var elsewhere = (await OpenAsync(_officer, NewCase("czj"))).GetProperty("number").GetString()!;
        var joint = (await OpenAsync(_officer, JointLeadViewTests.JointCase("zjj", ("fgj", "请核实立项手续")))).GetProperty("number").GetString()!;
        var oldMails = await MailsAsync(_app, OldHandler, "【派单】");
        string OldLink(string number) => PathOf(LinkIn(oldMails.Single(m => m.Subject!.Contains(number))));
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, OldLink(accepted), "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "企业已自行解决" })).StatusCode);
        // The old handler's page, open on their phone before the change.
        var acceptedPage = await browser.GetStringAsync(OldLink(accepted));

        var saved = await SaveFgjAsync("新经办人", NewHandler, "发展和改革局分管领导（示例）", "fgj.leader@anyue.example");

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        foreach (var number in new[] { dispatched, accepted })
        {
            var c = await GetCaseAsync(_officer, number);
            Assert.Equal(NewHandler, c.GetProperty("handler").GetProperty("email").GetString());
            var entry = Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.LiaisonChanged);
            Assert.Equal("经办人 发展和改革局联络人（示例） → 新经办人", entry.GetProperty("note").GetString());
            Assert.Equal(LiaisonApp.AdminEmail, entry.GetProperty("actor").GetString());
        }

        // The case page says it in the reader's language, once.
        var officerPages = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var english = new HttpRequestMessage(HttpMethod.Get, $"/cases/{dispatched}");
        english.Headers.Add("Cookie", "liaison.lang=en");
        var englishPage = await (await officerPages.SendAsync(english)).Content.ReadAsStringAsync();
        // The detail stands alone in its cell; the Chinese names in it are marked as such (lang).
        Assert.Contains("Handler <span lang=\"zh\">发展和改革局联络人（示例）</span> → <span lang=\"zh\">新经办人</span>", englishPage);
        Assert.DoesNotContain("经办人 发展和改革局联络人", englishPage);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(await officerPages.GetStringAsync($"/cases/{dispatched}"), "经办人 发展和改革局联络人（示例） → 新经办人"));

        var part = Assert.Single((await GetCaseAsync(_officer, joint)).GetProperty("coDepartments").EnumerateArray());
        Assert.Equal(NewHandler, part.GetProperty("handler").GetProperty("email").GetString());
        Assert.Equal(OldHandler, (await GetCaseAsync(_officer, cancelled)).GetProperty("handler").GetProperty("email").GetString());
        Assert.Equal("czj.handler@anyue.example", (await GetCaseAsync(_officer, elsewhere)).GetProperty("handler").GetProperty("email").GetString());

        // The old links no longer work; the new handler has one mail per case or part with the handler, each with a working link.
        var stale = new Dictionary<string, string>(FormFor(acceptedPage, "progress")!) { ["note"] = "旧链接" };
        var refused = await browser.PostAsync(OldLink(accepted), new FormUrlEncodedContent(stale));
        Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.True((int)refused.StatusCode >= 400, refused.StatusCode.ToString());
        Assert.NotEqual(HttpStatusCode.OK, (await browser.GetAsync(OldLink(dispatched))).StatusCode);
        Assert.Equal("accepted", (await GetCaseAsync(_officer, accepted)).GetProperty("status").GetString());
        var handedOver = await MailsAsync(_app, NewHandler, "【转交】");
        Assert.Equal(new[] { dispatched, accepted, joint }.Order(), handedOver.Select(m => m.Subject!.Split(' ')[0]["【转交】".Length..]).Order());
        Assert.Contains("原经办人：发展和改革局联络人（示例）", handedOver[0].TextBody);
        Assert.Empty(await MailsAsync(_app, "fgj.leader@anyue.example", "【转交】"));
        var newLink = PathOf(LinkIn(handedOver.Single(m => m.Subject!.Contains(accepted))));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, newLink, "progress", new() { ["note"] = "新经办人已接手" })).StatusCode);
        Assert.Equal("in-progress", (await GetCaseAsync(_officer, accepted)).GetProperty("status").GetString());
        var partLink = PathOf(LinkIn(handedOver.Single(m => m.Subject!.Contains(joint))));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, partLink, "accept")).StatusCode);

        // The officer's page names the old handler by name for what they did, though they are no longer the department's.
        var officerPage = await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync($"/cases/{accepted}");
        Assert.DoesNotContain(OldHandler, officerPage, StringComparison.OrdinalIgnoreCase);

        // Saving the same people again changes nothing and sends nothing.
        Assert.Equal(HttpStatusCode.OK, (await SaveFgjAsync("新经办人", NewHandler, "发展和改革局分管领导（示例）", "fgj.leader@anyue.example")).StatusCode);
        Assert.Equal(3, (await MailsAsync(_app, NewHandler, "【转交】")).Count);
        Assert.Single((await GetCaseAsync(_officer, dispatched)).GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.LiaisonChanged);
    }

    [Fact]
    public async Task A_new_leader_is_named_on_the_open_cases_gets_a_link_to_each_and_the_old_leaders_links_end()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var leaderCopy = Assert.Single(await MailsAsync(_app, "fgj.leader@anyue.example", number));
        var before = _app.Smtp!.Received.Count;

        Assert.Equal(HttpStatusCode.OK, (await SaveFgjAsync("发展和改革局联络人（示例）", OldHandler.ToUpperInvariant(), "新领导", "new.leader@anyue.example")).StatusCode);

        var c = await GetCaseAsync(_officer, number);
        Assert.Equal(("新领导", "new.leader@anyue.example"), (c.GetProperty("leader").GetProperty("name").GetString(), c.GetProperty("leader").GetProperty("email").GetString()));
        // The handler's email only changed case: the same person, whose link goes on working.
        Assert.Equal(OldHandler.ToUpperInvariant(), c.GetProperty("handler").GetProperty("email").GetString());
        var entry = Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.LiaisonChanged);
        Assert.Equal("分管领导 发展和改革局分管领导（示例） → 新领导", entry.GetProperty("note").GetString());
        // Two mails: to the new leader, a read-only link of their own, from which they remind the handler; to the old
        // leader, whose links ended, the notice of what left them (the handler stayed and hears nothing).
        var handover = Assert.Single(await MailsAsync(_app, "new.leader@anyue.example", number));
        Assert.Single(await NoticesAsync("fgj.leader@anyue.example"));
        Assert.Equal(before + 2, _app.Smtp.Received.Count);
        Assert.StartsWith($"【分管转交】{number}", handover.Subject);
        Assert.Contains("原分管领导：发展和改革局分管领导（示例）", handover.TextBody);
        var page = await _app.Anonymous().GetStringAsync(PathOf(LinkIn(handover)));
        Assert.NotNull(FormFor(page, "remind"));
        Assert.Null(FormFor(page, "accept"));
        Assert.NotEqual(HttpStatusCode.OK, (await _app.Anonymous().GetAsync(PathOf(LinkIn(leaderCopy)))).StatusCode);
        var handlerLink = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, OldHandler, number))));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), handlerLink, "accept")).StatusCode);
    }

    [Fact]
    public async Task The_replaced_handler_is_told_once_which_cases_left_them_who_has_them_now_and_that_their_links_ended()
    {
        var dispatched = (await OpenAsync(_officer, NewCase(title: "厂区道路规划调整"))).GetProperty("number").GetString()!;
        var accepted = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var cancelled = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var elsewhere = (await OpenAsync(_officer, NewCase("czj"))).GetProperty("number").GetString()!;
        var joint = (await OpenAsync(_officer, JointLeadViewTests.JointCase("zjj", ("fgj", "请核实立项手续")))).GetProperty("number").GetString()!;
        var acceptLink = PathOf(LinkIn((await MailsAsync(_app, OldHandler, "【派单】" + accepted)).Single()));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), acceptLink, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "企业已自行解决" })).StatusCode);

        // A save that changes nothing for the handler (their name's spelling, their language) ends none of their links: no notice.
        Assert.Equal(HttpStatusCode.OK, (await _admin.PutAsJsonAsync("/api/departments/fgj", new
        {
            name = "发展和改革局",
            handler = new { name = "Wang Jianguo", email = OldHandler, culture = "en" },
            leader = new { name = "发展和改革局分管领导（示例）", email = "fgj.leader@anyue.example" },
        })).StatusCode);
        Assert.Empty(await NoticesAsync(OldHandler));

        Assert.Equal(HttpStatusCode.OK, (await SaveFgjAsync("新经办人", NewHandler, "发展和改革局分管领导（示例）", "fgj.leader@anyue.example")).StatusCode);
        // The same change saved again moves nothing and tells nobody again.
        Assert.Equal(HttpStatusCode.OK, (await SaveFgjAsync("新经办人", NewHandler, "发展和改革局分管领导（示例）", "fgj.leader@anyue.example")).StatusCode);

        // One mail, in the old handler's language, with every case and part that left them and nothing else.
        var notice = Assert.Single(await NoticesAsync(OldHandler));
        Assert.StartsWith("[Liaison changed] 发展和改革局: 3 open cases you held are now with 新经办人", notice.Subject);
        Assert.Contains("Dear Wang Jianguo,", notice.TextBody);
        Assert.Contains("handler 新经办人", notice.TextBody);
        Assert.Contains("The links you received for them no longer work", notice.TextBody);
        Assert.Contains($"- {dispatched} 厂区道路规划调整\n", notice.TextBody);
        Assert.Contains($"- {accepted} 项目用电报装\n", notice.TextBody);
        Assert.Contains($"- {joint} ", notice.TextBody);
        Assert.Contains("(co-handling, lead: 住房和城乡建设局)", notice.TextBody);
        Assert.DoesNotContain(cancelled, notice.TextBody);
        Assert.DoesNotContain(elsewhere, notice.TextBody);
        Assert.DoesNotMatch(@"/l/", notice.TextBody);
        Assert.Contains("The links you received for them no longer work", notice.HtmlBody);
        // The leader stayed: their links work on, and they hear nothing.
        Assert.Empty(await NoticesAsync("fgj.leader@anyue.example"));
    }

    [Fact]
    public async Task The_replaced_leader_is_told_in_chinese_and_nobody_without_an_open_case_is_mailed()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        // A department with nothing open: its replaced handler has nothing to be told.
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync("xzspj", "行政审批局", "xzspj.new.handler@anyue.example")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await SaveFgjAsync("发展和改革局联络人（示例）", OldHandler, "新领导", "new.leader@anyue.example")).StatusCode);

        var notice = Assert.Single(await NoticesAsync("fgj.leader@anyue.example"));
        Assert.StartsWith("【联络人变更】发展和改革局：您经手的 1 件在办事项已转交新领导，原链接已失效", notice.Subject);
        Assert.Contains("发展和改革局分管领导（示例），您好：", notice.TextBody);
        Assert.Contains("分管领导改为 新领导。", notice.TextBody);
        Assert.Contains("今后由 发展和改革局联络人（示例） 办理、新领导 分管", notice.TextBody);
        Assert.Contains($"- {number} 项目用电报装\n", notice.TextBody);
        Assert.Contains("您此前收到的这些事项的链接已失效，无需再处理。", notice.TextBody);
        Assert.Empty(await NoticesAsync(OldHandler));
        Assert.Empty(await NoticesAsync("xzspj.handler@anyue.example"));
    }

    /// <summary>The replaced liaison's notices (【联络人变更】) mailed to <paramref name="to"/>, in either language.</summary>
    private async Task<List<MimeKit.MimeMessage>> NoticesAsync(string to) =>
        (await MailsAsync(_app, to)).Where(m => m.Subject!.StartsWith("【联络人变更】") || m.Subject.StartsWith("[Liaison changed]")).ToList();

    private Task<HttpResponseMessage> SaveAsync(string code, string name, string handlerEmail) =>
        _admin.PutAsJsonAsync($"/api/departments/{code}", new
        {
            name,
            handler = new { name = "新经办人", email = handlerEmail },
            leader = new { name = $"{name}分管领导（示例）", email = $"{code}.leader@anyue.example" },
        });

    [Fact]
    public async Task A_case_opened_with_the_department_read_before_a_liaison_change_committed_goes_to_the_new_handler()
    {
        // The open reads every department first (its validation, the routing); here that read comes before the admin's
        // save commits, and the rest of the open after it, as two requests arriving together can interleave.
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        var routing = scope.ServiceProvider.GetRequiredService<CaseRoutingFactory>();
        Assert.Equal("gaj.handler@anyue.example", (await routing.ActiveDepartmentAsync(db, "gaj", default))!.Handler.Email);
        var replacement = "gaj.new.handler@anyue.example";
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync("gaj", "公安局", replacement)).StatusCode);

        var officerId = await db.Users.Where(u => u.Email == "officer@test.example").Select(u => u.Id).SingleAsync();
        var opened = await scope.ServiceProvider.GetRequiredService<CaseService>().OpenAsync(officerId, new CaseService.OpenCase(
            "项目用电报装", "企业新厂房需要 10kV 专线接入。", "factor-guarantee", "normal", "gaj",
            new CaseService.CaseEnterpriseInput("安岳示例柠檬科技有限公司", CreditCode, "王经理 13800000000", false, null)), default);

        var number = opened.Value!.Number;
        var c = await GetCaseAsync(_officer, number);
        Assert.Equal(replacement, c.GetProperty("handler").GetProperty("email").GetString());
        Assert.Single(await MailsAsync(_app, replacement, "【派单】" + number));
        Assert.Empty(await MailsAsync(_app, "gaj.handler@anyue.example", number));
    }

    [Fact]
    public async Task A_liaison_change_waits_for_a_dispatch_to_the_department_in_flight()
    {
        // A dispatch to sfj in flight: its transaction holds the department's lock, as an open does from its dispatch to
        // its commit, so the save's handover (which runs after the lock) sees the case.
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal("sfj.handler@anyue.example", (await DepartmentLocks.ReadForDispatchAsync(db, "sfj", default))!.Handler.Email);
            var saving = SaveAsync("sfj", "司法局", "sfj.new.handler@anyue.example");
            Assert.True(await WaitsOnTheLockAsync(saving), "the save did not wait for the department's lock");
            await tx.CommitAsync();
            Assert.Equal(HttpStatusCode.OK, (await saving).StatusCode);
        }

        var department = await _admin.GetFromJsonAsync<JsonElement>("/api/departments/sfj");
        Assert.Equal("sfj.new.handler@anyue.example", department.GetProperty("handler").GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_case_opened_while_a_liaison_change_is_being_saved_waits_for_it_and_goes_to_the_new_handler()
    {
        // The admin's save in progress: its lock taken, the department changed, not yet committed.
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        Task<JsonElement> opening;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await DepartmentLocks.LockForChangeAsync(db, "swj", default);
            await db.Database.ExecuteSqlAsync($"UPDATE departments SET handler_email = 'swj.new.handler@anyue.example' WHERE code = 'swj'");
            opening = OpenAsync(_officer, NewCase("swj"));
            Assert.True(await WaitsOnTheLockAsync(opening), "the open did not wait for the department's lock");
            await tx.CommitAsync();
        }

        var number = (await opening).GetProperty("number").GetString()!;
        Assert.Equal("swj.new.handler@anyue.example", (await GetCaseAsync(_officer, number)).GetProperty("handler").GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_liaison_change_gives_way_to_a_case_being_handled_and_answers_409_when_it_stays_locked()
    {
        var number = (await OpenAsync(_officer, NewCase("jrj"))).GetProperty("number").GetString()!;
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            // A case action holds the case's row (and might wait for the department's lock to dispatch): the save does
            // not wait on it while holding that lock; it rolls back and tries again, and at last says so.
            await db.Database.ExecuteSqlAsync($"SELECT id FROM cases WHERE number = {number} FOR UPDATE");
            var refused = await SaveAsync("jrj", "金融工作局", "jrj.new.handler@anyue.example").WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("正在办理", await refused.Content.ReadAsStringAsync());
            await tx.RollbackAsync();
        }

        // Nothing of it was kept, nor its notice to the handler it would have replaced.
        Assert.Empty(await NoticesAsync("jrj.handler@anyue.example"));
        Assert.Equal("jrj.handler@anyue.example", (await _admin.GetFromJsonAsync<JsonElement>("/api/departments/jrj")).GetProperty("handler").GetProperty("email").GetString());
        Assert.Equal("jrj.handler@anyue.example", (await GetCaseAsync(_officer, number)).GetProperty("handler").GetProperty("email").GetString());

        Assert.Equal(HttpStatusCode.OK, (await SaveAsync("jrj", "金融工作局", "jrj.new.handler@anyue.example")).StatusCode);
        Assert.Equal("jrj.new.handler@anyue.example", (await GetCaseAsync(_officer, number)).GetProperty("handler").GetProperty("email").GetString());
        Assert.Single(await NoticesAsync("jrj.handler@anyue.example"));
        // Giving way is the save's own business: no failed query in the log (CI's first-run check fails on any "fail:").
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task A_liaison_change_gives_way_to_a_timer_firing_on_the_case()
    {
        var number = (await OpenAsync(_officer, NewCase("sfj"))).GetProperty("number").GetString()!;
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            // A timer's run holds the case's workflow and is about to mail the handler it read: the change waits for it,
            // so the reminder goes to the old handler before the change (whose links it then ends) or to the new one after.
            await db.Database.ExecuteSqlAsync($"SELECT id FROM workflow_instances WHERE id = (SELECT workflow_instance_id FROM cases WHERE number = {number}) FOR UPDATE");
            var refused = await SaveAsync("sfj", "司法局", "sfj.new.handler@anyue.example").WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            await tx.RollbackAsync();
        }

        Assert.Equal("sfj.handler@anyue.example", (await GetCaseAsync(_officer, number)).GetProperty("handler").GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync("sfj", "司法局", "sfj.new.handler@anyue.example")).StatusCode);
        Assert.Equal("sfj.new.handler@anyue.example", (await GetCaseAsync(_officer, number)).GetProperty("handler").GetProperty("email").GetString());
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task A_link_of_the_replaced_handler_that_escaped_the_change_does_not_act()
    {
        var number = (await OpenAsync(_officer, NewCase("tcj"))).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "tcj.handler@anyue.example", number))));
        var browser = _app.Anonymous();
        // The old handler's page, open on their phone.
        var form = FormFor(await browser.GetStringAsync(link), "accept")!;
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync("tcj", "投资促进局", "tcj.new.handler@anyue.example")).StatusCode);
        // As if a digest or a timer had read the case just before the change and minted the old handler a link of the
        // current round after the change ended theirs.
        await _app.WithDbAsync(db => db.Set<Liaison.Server.Links.LiaisonLink>()
            .Where(l => l.RecipientEmail == "tcj.handler@anyue.example" && db.Cases.Any(c => c.Id == l.CaseId && c.Number == number))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.EndedAt, (DateTimeOffset?)null).SetProperty(l => l.ExpiresAt, (DateTimeOffset?)null)));

        var page = await browser.GetStringAsync(link);
        var accepted = await browser.PostAsync(link, new FormUrlEncodedContent(form));

        Assert.Null(FormFor(page, "accept"));
        Assert.Equal(HttpStatusCode.Gone, accepted.StatusCode);
        var c = await GetCaseAsync(_officer, number);
        Assert.Equal("dispatched", c.GetProperty("status").GetString());
        Assert.DoesNotContain(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("actor").GetString() == "tcj.handler@anyue.example");
    }

    /// <summary>True once PostgreSQL lists an advisory lock waited for (not granted) while <paramref name="work"/> is still running.</summary>
    private Task<bool> WaitsOnTheLockAsync(Task work) => _app.WithDbAsync(async other =>
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && !work.IsCompleted; await Task.Delay(20))
        {
            if (await other.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").SingleAsync() > 0)
            {
                return !work.IsCompleted;
            }
        }

        return false;
    });
}
