using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>What a case's mails tell the person who must decide or act: the date an extension would give, why a reassigned case was returned.</summary>
public sealed class CaseMailContentTests : IAsyncLifetime
{
    private const string Handler = "fgj.handler@anyue.example";
    private const string Officer = "officer@test.example";
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CaseMailContentTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Number, string Link)> OpenWithLinkAsync()
    {
        var number = (await OpenAsync(_officer, NewCase())).GetProperty("number").GetString()!;
        var mail = (await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("派单"));
        return (number, PathOf(LinkIn(mail)));
    }

    [Fact]
    public async Task The_extension_request_mail_says_the_due_date_approving_it_would_give_counted_over_weekend_and_holiday()
    {
        // Opened Friday 27 March 2026: 5 working days end Friday 3 April 18:00. One more working day skips the weekend
        // and the Qingming holiday (4–6 April): Tuesday 7 April.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 27, 10, 0, 0, Beijing).ToUniversalTime());
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");

        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "extension", new() { ["days"] = "1", ["note"] = "需等待上级审批" })).StatusCode);

        var mail = Assert.Single(await MailsAsync(_app, Officer, "【延期申请】"));
        Assert.Contains("当前办结期限：2026年4月3日（周五）18:00", mail.TextBody);
        Assert.Contains("批准后办结期限：2026年4月7日（周二）18:00", mail.TextBody);
        Assert.Contains("2026年4月7日（周二）18:00", mail.HtmlBody);
        // The date the approval then gives is that one.
        var approved = await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 4, 7, 18, 0, 0, Beijing), (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dueAt").GetDateTimeOffset());
    }

    /// <summary>
    /// The handler asks for 2 more days, then resolves, which withdraws the request: the officer's 【待确认办结】 says so
    /// (there is no request left to decide), in the officer's language; a resolution with no request pending says nothing of it.
    /// </summary>
    [Fact]
    public async Task The_resolved_mail_tells_the_officer_that_the_resolution_withdrew_the_pending_extension_request()
    {
        var (number, link) = await OpenWithLinkAsync();
        var (plain, plainLink) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "2", ["note"] = "需等待上级审批" });
        Assert.Single(await MailsAsync(_app, Officer, "【延期申请】"));

        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已办结" })).StatusCode);
        await PostActionAsync(browser, plainLink, "accept");
        await PostActionAsync(browser, plainLink, "resolve", new() { ["note"] = "已办结" });

        var resolved = Assert.Single(await MailsAsync(_app, Officer, "【待确认办结】" + number));
        Assert.Contains("经办人已办结，其延期申请（2 个工作日）随之撤回，无需审核。", resolved.TextBody);
        Assert.Contains("经办人已办结，其延期申请（2 个工作日）随之撤回，无需审核。", resolved.HtmlBody);
        Assert.DoesNotContain("撤回", Assert.Single(await MailsAsync(_app, Officer, "【待确认办结】" + plain)).TextBody);

        // An officer who reads English reads it in English.
        await _app.WithDbAsync(db => db.Users.Where(u => u.NormalizedEmail == Officer.ToUpperInvariant())
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Culture, "en")));
        var (english, englishLink) = await OpenWithLinkAsync();
        await PostActionAsync(browser, englishLink, "accept");
        await PostActionAsync(browser, englishLink, "extension", new() { ["days"] = "1", ["note"] = "需等待上级审批" });
        await PostActionAsync(browser, englishLink, "resolve", new() { ["note"] = "已办结" });
        var inEnglish = Assert.Single(await MailsAsync(_app, Officer, "[Resolved, please confirm] " + english));
        Assert.Contains("The handler resolved the case, which withdrew their extension request (1 working day): there is nothing to decide.", inEnglish.TextBody);
        Assert.Contains("The handler resolved the case, which withdrew their extension request (1 working day): there is nothing to decide.", inEnglish.HtmlBody);
    }

    [Fact]
    public async Task A_returned_case_reassigned_to_another_department_tells_it_who_returned_it_and_why()
    {
        var (number, link) = await OpenWithLinkAsync();
        var first = Assert.Single(await MailsAsync(_app, Handler, number));
        // A first dispatch has nothing returned to tell.
        Assert.DoesNotContain("已退回", first.TextBody);
        Assert.DoesNotContain("退回原因", first.HtmlBody);

        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "专线接入由供电公司负责" });
        var reassigned = await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "请供电公司牵头办理" });
        Assert.Equal(HttpStatusCode.OK, reassigned.StatusCode);

        var mail = Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", number));
        Assert.StartsWith("【派单】" + number, mail.Subject);
        Assert.Contains("本事项原派发展和改革局办理，该部门已退回，退回原因：不属于本部门职责。园区现改派贵单位办理。", mail.TextBody);
        Assert.Contains("发展和改革局的退回说明：专线接入由供电公司负责", mail.TextBody);
        Assert.Contains("园区说明：请供电公司牵头办理", mail.TextBody);
        Assert.Contains("退回原因：不属于本部门职责", mail.HtmlBody);
        Assert.Contains("专线接入由供电公司负责", mail.HtmlBody);
    }

    [Fact]
    public async Task The_reassigned_dispatch_speaks_the_new_handlers_language()
    {
        await _app.WithDbAsync(async db =>
        {
            var gdgs = await db.Departments.SingleAsync(d => d.Code == "gdgs");
            gdgs.Handler.Culture = "en";
            await db.SaveChangesAsync();
            return 0;
        });
        var (number, link) = await OpenWithLinkAsync();
        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "专线接入由供电公司负责" });
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs" })).StatusCode);

        var mail = Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", number));
        Assert.Contains("This case was first sent to 发展和改革局, which returned it (not within the department's remit)", mail.TextBody);
        Assert.Contains("发展和改革局's return note: 专线接入由供电公司负责", mail.TextBody);
        Assert.DoesNotContain("The zone's note", mail.TextBody);
    }

    /// <summary>Another officer than the case's, named in the mails their actions send.</summary>
    private async Task<HttpClient> ColleagueAsync()
    {
        var colleague = await _app.AsOfficerAsync("colleague@test.example");
        await _app.WithDbAsync(db => db.Users.Where(u => u.Email == "colleague@test.example").ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, "张伟")));
        return colleague;
    }

    [Fact]
    public async Task A_reopen_after_an_insisted_return_gives_its_own_note_and_no_old_return_reason_and_names_who_reopened()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "企业已撤回申请" });
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "fgj", note = "请继续办理" })).StatusCode);
        var insisted = (await MailsAsync(_app, Handler, number)).Last(m => m.Subject!.Contains("派单"));
        var again = PathOf(LinkIn(insisted));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, again, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, again, "resolve", new() { ["note"] = "已办结" })).StatusCode);

        var colleague = await ColleagueAsync();
        var reopened = await colleague.PostAsJsonAsync($"/api/cases/{number}/reopen", new { note = "Quota still too low." });

        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        var mail = Assert.Single(await MailsAsync(_app, Handler, "【重办】"));
        foreach (var body in new[] { mail.TextBody!, mail.HtmlBody! })
        {
            Assert.Contains("Quota still too low.", body);
            Assert.DoesNotContain("不属于本部门职责", body);
            Assert.DoesNotContain("原因", body);
            Assert.Contains("园区工作人员张伟认为", body);
            Assert.DoesNotContain("测试专员", body);
        }
    }

    [Fact]
    public async Task An_urge_names_the_officer_who_urged_and_the_leaders_copy_is_worded_as_a_copy_with_a_read_only_link()
    {
        var (number, _) = await OpenWithLinkAsync();
        var colleague = await ColleagueAsync();

        Assert.Equal(HttpStatusCode.OK, (await colleague.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = "请尽快", copyLeader = true })).StatusCode);

        var toHandler = Assert.Single(await MailsAsync(_app, Handler, "【催办】"));
        Assert.Contains("园区工作人员 张伟 催办以下事项，请您抓紧办理", toHandler.TextBody);
        Assert.Contains("打开事项办理", toHandler.TextBody);
        var toLeader = Assert.Single(await MailsAsync(_app, "fgj.leader@anyue.example", "【催办】"));
        Assert.Contains("园区工作人员 张伟 催办以下事项，现抄送您知悉，请督促经办人抓紧办理", toLeader.TextBody);
        Assert.Contains("查看事项（只读）", toLeader.HtmlBody);
        Assert.DoesNotContain("打开事项办理", toLeader.HtmlBody);
        Assert.DoesNotContain("请您抓紧办理", toLeader.TextBody);
        // Both reach the case's officer with a reply, as the footer says.
        Assert.Equal(Officer, toLeader.ReplyTo.Mailboxes.Single().Address);
        Assert.Contains("回复本邮件将发给园区工作人员", toLeader.TextBody);
    }

    [Fact]
    public async Task A_denial_without_a_reason_is_refused_in_both_languages_and_changes_nothing()
    {
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "5", ["note"] = "需要更多时间" });

        var refused = await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = false, note = "  " });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("不同意延期请说明理由", problem);
        Assert.Contains("give the reason for denying the extension", problem);
        var c = await GetCaseAsync(_officer, number);
        Assert.Equal(5, c.GetProperty("pendingExtension").GetProperty("days").GetInt32());
        Assert.Empty(await MailsAsync(_app, Handler, "延期"));
        // With a reason it goes, and the mail says the deadline once: it did not move.
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = false, note = "请按期办结" })).StatusCode);
        var mail = Assert.Single(await MailsAsync(_app, Handler, "【延期未同意】"));
        Assert.Contains("说明：请按期办结", mail.TextBody);
        Assert.DoesNotContain("原办结期限", mail.TextBody);
    }

    [Fact]
    public async Task The_enterprises_page_shows_a_deadline_change_only_when_the_date_moved()
    {
        var enterprise = await RegisterAsync(_officer, 51);
        var same = await OpenForAsync(_officer, enterprise);
        var moved = await OpenForAsync(_officer, enterprise, title: "新厂房用水报装");
        await ResolveAsync(_app, same);
        await ResolveAsync(_app, moved);
        var dueBefore = (await GetCaseAsync(_officer, same)).GetProperty("dueAt").GetDateTimeOffset();

        // Reopened at the instant it was opened: the reopen's deadline comes out the date it had.
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{same}/reopen", new { note = "企业反映未解决" })).StatusCode);
        _app.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{moved}/reopen", new { note = "企业反映未解决" })).StatusCode);

        Assert.Equal(dueBefore, (await GetCaseAsync(_officer, same)).GetProperty("dueAt").GetDateTimeOffset());
        var unchangedPage = await _app.Anonymous().GetStringAsync(Assert.Single(await EnterpriseLinksAsync(_app, same)).Path);
        // Two links: the opening notice's, and the change notice's (【事项进展】) for the moved date only.
        var movedLinks = await EnterpriseLinksAsync(_app, moved);
        Assert.Equal(2, movedLinks.Count);
        var movedPage = await _app.Anonymous().GetStringAsync(movedLinks[0].Path);
        Assert.Contains("园区要求重新办理", unchangedPage);
        Assert.DoesNotContain("办结期限调整", unchangedPage);
        Assert.Contains("办结期限调整", movedPage);

        // The officer's timeline says so too: an unchanged deadline is not called new.
        var officerPages = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        Assert.Contains("重办，办结期限不变（", await officerPages.GetStringAsync($"/cases/{same}"));
        var movedCase = await officerPages.GetStringAsync($"/cases/{moved}");
        Assert.Contains("重办，新的办结期限", movedCase);
        Assert.DoesNotContain("办结期限不变", movedCase);
    }
}
