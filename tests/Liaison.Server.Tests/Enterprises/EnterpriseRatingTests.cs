using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;
using Liaison.Server.Digests;
using Liaison.Server.EnterpriseView;
using Liaison.Server.Links;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>
/// The enterprise's own view of its case and its rating (issue 11 §4): its notice contact's mails and personal link,
/// a page without internal notes, one rating per case within 5 working days, and 不满意 on the officer's decision list.
/// </summary>
public sealed class EnterpriseRatingTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(EnterpriseRatingTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void At(int month, int day, int hour, int minute = 0) =>
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, minute, 0, China).ToUniversalTime());

    [Fact]
    public async Task A_replaced_notice_contacts_links_stop_working_and_the_new_contact_gets_its_own_for_open_and_rateable_cases()
    {
        var id = await RegisterAsync(_officer, 40);
        var open = await OpenForAsync(_officer, id, title: "仍在办理的事项");
        var closed = await OpenForAsync(_officer, id, title: "待评价的事项");
        await ConfirmAsync(_app, _officer, closed);
        var accepted = await OpenForAsync(_officer, id, title: "已签收的事项");
        await PostActionAsync(_app.Anonymous(), PathOf(LinkIn((await MailsAsync(_app, Handler, accepted)).Single(m => m.Subject!.Contains("派单")))), "accept");
        var oldOpen = (await EnterpriseLinksAsync(_app, open)).Single().Path;
        var oldRate = (await EnterpriseLinksAsync(_app, closed)).Last().Path;
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(oldOpen)).StatusCode);

        object Entry(params object[] contacts) => new { name = "安岳测试柠檬科技有限公司40", creditCode = Code(40), industryChain = "other", contacts };
        var same = new { name = "张敏", phone = NoticePhone, email = NoticeEmail.ToUpperInvariant(), forNotices = true };
        // A save that keeps the notice contact's address (another phone, the address in capitals) changes no link.
        Assert.Equal(HttpStatusCode.OK, (await _officer.PutAsJsonAsync($"/api/enterprises/{id}", Entry(same))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(oldOpen)).StatusCode);

        const string newEmail = "wang.new@lemon.example";
        Assert.Equal(HttpStatusCode.OK, (await _officer.PutAsJsonAsync($"/api/enterprises/{id}",
            Entry(new { name = "王新", phone = "13900002222", email = newEmail, forNotices = true }))).StatusCode);

        foreach (var path in new[] { oldOpen, oldRate })
        {
            var gone = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
            Assert.Contains("此链接已停用", await gone.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.Gone, (await RateAsyncRefused(browser, oldRate)).StatusCode);
        var toNew = await MailsAsync(_app, newEmail);
        var openMail = Assert.Single(toNew, m => m.Subject!.Contains(open));
        var rateMail = Assert.Single(toNew, m => m.Subject!.Contains(closed));
        Assert.Contains("请评价", rateMail.Subject);
        // The acceptance deadline only while the department has not accepted: a stale one misleads.
        Assert.Contains("签收期限：", openMail.TextBody);
        var acceptedMail = Assert.Single(toNew, m => m.Subject!.Contains(accepted));
        Assert.DoesNotContain("签收期限", acceptedMail.TextBody);
        Assert.DoesNotContain("签收期限", acceptedMail.HtmlBody);
        Assert.Contains("办结期限：", acceptedMail.TextBody);
        Assert.Equal(3, toNew.Count);
        var newOpen = PathOf(EnterpriseLinkPattern().Match(openMail.TextBody!).Value);
        Assert.Contains("仍在办理的事项", await browser.GetStringAsync(newOpen));
        var newRate = PathOf(EnterpriseLinkPattern().Match(rateMail.TextBody!).Value);
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(browser, newRate, "satisfied")).StatusCode);
    }

    /// <summary>Posts a rating to a link whose page no longer offers the form (the form as a working link's page has it).</summary>
    private static Task<HttpResponseMessage> RateAsyncRefused(HttpClient browser, string path) =>
        browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = "rate", ["score"] = "unsatisfied", ["requestId"] = Guid.NewGuid().ToString(),
        }));

    [Fact]
    public async Task A_case_opened_for_an_enterprise_mails_its_notice_contact_a_personal_link_in_the_same_commit()
    {
        var id = await RegisterAsync(_officer, 1);
        var none = await RegisterAsync(_officer, 2, withNoticeContact: false);

        var number = await OpenForAsync(_officer, id);
        var silent = await OpenForAsync(_officer, none);

        var (mail, path) = Assert.Single(await EnterpriseLinksAsync(_app, number));
        Assert.StartsWith("【已受理】", mail.Subject);
        Assert.Contains("发展和改革局", mail.TextBody);
        Assert.Equal("张敏", mail.To.Mailboxes.Single().Name);
        // In the case's thread, under its first mail (the handler's dispatch).
        var dispatch = (await MailsAsync(_app, "fgj.handler@anyue.example", number)).Single(m => m.Subject!.StartsWith("【派单"));
        Assert.Equal(dispatch.MessageId, mail.InReplyTo);
        Assert.StartsWith("/e/", path);
        // The other contact hears nothing; an enterprise without a notice contact gets no mail and no link.
        Assert.Empty(await MailsAsync(_app, OtherEmail));
        Assert.Empty(await MailsAsync(_app, NoticeEmail, silent));
        var (links, tokenHashes) = await _app.WithDbAsync(async db => (
            await db.Set<EnterpriseLink>().CountAsync(l => db.Cases.Any(x => x.Id == l.CaseId && x.Number == silent)),
            await db.Set<EnterpriseLink>().Select(l => l.TokenHash.Length).ToListAsync()));
        Assert.Equal(0, links);
        Assert.Equal([32], tokenHashes);
        // The link is in the mail only: the database keeps its SHA-256, never the token.
        var token = path["/e/".Length..];
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<EnterpriseLink>().CountAsync(l => l.TokenHash == System.Text.Encoding.ASCII.GetBytes(token))));
    }

    [Fact]
    public async Task The_link_page_shows_progress_without_internal_notes_people_or_contacts()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 3));
        var (_, path) = (await EnterpriseLinksAsync(_app, number)).Single();
        var browser = _app.Anonymous();

        var opened = await browser.GetAsync(path);
        var openedPage = await opened.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.True(opened.Headers.CacheControl is { NoStore: true, NoCache: true });
        Assert.Equal("no-referrer", opened.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("已交办，等待承办部门签收", openedPage);
        Assert.Contains("发展和改革局", openedPage);

        await ConfirmAsync(_app, _officer, number, handlerNote: "内部进展：已协调供电公司", officerNote: "专员内部意见：该企业此前多次投诉");
        var page = await browser.GetStringAsync(path);

        Assert.Contains(number, page);
        Assert.Contains("已办结（园区已确认）", page);
        Assert.Contains("10kV 专线已接通", page); // the resolution
        Assert.Contains("签收期限", page);
        // What happened, step by step with dates, and nothing of what anyone wrote.
        var steps = System.Text.RegularExpressions.Regex.Match(page, "<div class=\"card\" data-steps>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(["交办承办部门", "承办部门签收", "承办部门报告办理进展", "承办部门办结", "园区确认办结"],
            System.Text.RegularExpressions.Regex.Matches(steps, "</span> ([^<]+)</li>").Select(m => m.Groups[1].Value.Trim()));
        Assert.DoesNotContain("内部进展：已协调供电公司", page);
        Assert.DoesNotContain("专员内部意见", page);
        Assert.DoesNotContain(Handler, page);
        // The one person it names is whom at the zone to ask: the officer who follows the case (园区联系人).
        Assert.Matches("<dd data-zone-contacts>\\s*<div>园区工作人员 测试专员（<a href=\"mailto:officer@test.example\">officer@test.example</a>）</div>\\s*</dd>", page);
        foreach (var secret in new[] { NoticePhone, NoticeEmail, OtherPhone, OtherEmail, "李会计" })
        {
            Assert.DoesNotContain(secret, page);
        }

        // Looking changed nothing (a mail scanner may fetch the link).
        Assert.Null(await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(x => x.Id == r.CaseId && x.Number == number)).Select(r => r.RatedAt).SingleAsync()));
    }

    [Fact]
    public async Task A_returned_cases_page_names_no_department_and_no_deadline_while_the_zone_reassigns_it()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 4));
        var (_, path) = (await EnterpriseLinksAsync(_app, number)).Single();
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("派单"))));
        Assert.Equal(HttpStatusCode.Redirect,
            (await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" })).StatusCode);

        var page = await _app.Anonymous().GetStringAsync(path);

        Assert.Contains("园区正在重新安排承办部门", page);
        Assert.Contains("<dd data-reassigning>待重新安排</dd>", page);
        // The department that returned it and the deadlines of its round no longer hold.
        Assert.DoesNotContain("发展和改革局", page);
        Assert.DoesNotContain("办结期限", page);
        Assert.DoesNotContain("签收期限", page);
    }

    [Fact]
    public async Task A_key_enterprises_page_and_mails_name_the_cases_officer_and_its_chief_service_officer_as_zone_contacts()
    {
        const string chief = "chief.zhou@test.example";
        await _app.AsOfficerAsync(chief);
        var response = await _officer.PostAsJsonAsync("/api/enterprises", new
        {
            name = "安岳重点柠檬有限公司", creditCode = Code(40), industryChain = "other", address = "安岳经济开发区", isKey = true, chiefServiceOfficer = chief,
            contacts = new[] { new { name = "张敏", phone = NoticePhone, email = NoticeEmail, forNotices = true } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var number = await OpenForAsync(_officer, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业撤回诉求" })).StatusCode);

        var mails = await MailsAsync(_app, NoticeEmail, number);
        Assert.Equal(2, mails.Count); // 已受理, 事项撤销
        foreach (var mail in mails)
        {
            Assert.Contains($"园区联系人：园区工作人员 测试专员（officer@test.example）；首席服务员 测试专员（{chief}）", mail.TextBody);
            Assert.Contains($"<a href=\"mailto:{chief}\"", mail.HtmlBody);
        }

        // The 已受理 mail's link (the mails may arrive in either order).
        var link = Assert.Single(mails.Select(m => EnterpriseLinkPattern().Match(m.TextBody!)), m => m.Success).Value;
        var page = await _app.Anonymous().GetStringAsync(PathOf(link));
        var contacts = System.Text.RegularExpressions.Regex.Match(page, "<dd data-zone-contacts>(.*?)</dd>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("园区工作人员 测试专员（<a href=\"mailto:officer@test.example\">", contacts);
        Assert.Contains($"首席服务员 测试专员（<a href=\"mailto:{chief}\">", contacts);
    }

    [Fact]
    public async Task The_officer_resends_the_progress_link_once_per_form_and_the_old_link_keeps_working()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 41));
        var (_, first) = (await EnterpriseLinksAsync(_app, number)).Single();

        var page = await _officer.GetStringAsync($"/cases/{number}");
        var form = FormFor(page, "enterprise-link")!;
        var sent = await _officer.PostAsync($"/cases/{number}/enterprise-link", new FormUrlEncodedContent(form));
        var again = await _officer.PostAsync($"/cases/{number}/enterprise-link", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("已向企业重发进度链接", await _officer.GetStringAsync(sent.Headers.Location!.OriginalString));

        // One more mail (a double submit is one), with a fresh link; the first link still works.
        var links = await EnterpriseLinksAsync(_app, number);
        Assert.Equal(2, links.Count);
        Assert.StartsWith("【重发】【已受理】", links[1].Mail.Subject);
        Assert.NotEqual(first, links[1].Path);
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().GetAsync(links[1].Path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().GetAsync(first)).StatusCode);
        var entries = await _app.WithDbAsync(db => db.CaseEvents.Where(e => db.Cases.Any(c => c.Id == e.CaseId && c.Number == number) && e.Kind == CaseEventKinds.EnterpriseLinkResent)
            .Select(e => e.Actor).ToListAsync());
        Assert.Equal(["officer@test.example"], entries);
        Assert.Contains("重发企业进度链接", await _officer.GetStringAsync($"/cases/{number}"));

        // The API too, once per request id (after the cool-down).
        _app.Clock.Advance(TimeSpan.FromMinutes(10));
        var requestId = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/enterprise-link", new { requestId })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/enterprise-link", new { requestId })).StatusCode);
        Assert.Equal(3, (await EnterpriseLinksAsync(_app, number)).Count);
    }

    /// <summary>
    /// Two resends a second apart (two clicks, two forms) are one mail: the second is refused, saying when the link went
    /// and when the next may, in both languages, and nothing more is sent or recorded; after the cool-down it goes again.
    /// </summary>
    [Fact]
    public async Task A_second_resend_within_ten_minutes_is_refused_saying_when_the_last_went_and_sends_nothing()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 43));
        _app.Clock.Advance(TimeSpan.FromMinutes(30)); // Monday 2nd 09:30

        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/enterprise-link", new { requestId = Guid.NewGuid() })).StatusCode);
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        var page = await _officer.GetStringAsync($"/cases/{number}");
        var again = await _officer.PostAsync($"/cases/{number}/enterprise-link", new FormUrlEncodedContent(FormFor(page, "enterprise-link")!));
        var api = await _officer.PostAsJsonAsync($"/api/cases/{number}/enterprise-link", new { requestId = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("进度链接已于 2026-03-02 09:30 重发过（发送至 张敏），10 分钟内只重发一次，本次未发送：2026-03-02 09:40 后可再次重发",
            await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, api.StatusCode);
        var detail = (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("The progress link was resent at 2026-03-02 09:30 (to 张敏); one resend per 10 minutes, so nothing was sent: the next may be sent from 2026-03-02 09:40", detail);
        var links = await EnterpriseLinksAsync(_app, number);
        Assert.Equal(2, links.Count); // the opening's and one resend
        Assert.StartsWith("【已受理】", links[0].Mail.Subject);
        Assert.StartsWith("【重发】【已受理】", links[1].Mail.Subject);
        Assert.Equal(1, await _app.WithDbAsync(db => db.CaseEvents.CountAsync(e => db.Cases.Any(c => c.Id == e.CaseId && c.Number == number) && e.Kind == CaseEventKinds.EnterpriseLinkResent)));

        _app.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/enterprise-link", new { requestId = Guid.NewGuid() })).StatusCode);
        Assert.Equal(3, (await EnterpriseLinksAsync(_app, number)).Count);
    }

    [Fact]
    public async Task The_resend_form_is_offered_only_while_a_link_can_be_sent()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 43));
        var open = await _officer.GetStringAsync($"/cases/{number}");
        Assert.Contains("data-resend-link", open);
        Assert.DoesNotContain("data-no-notice-email", open);

        // Closed: in the rating panel while the enterprise's rating is awaited, and no more once it rated.
        await ConfirmAsync(_app, _officer, number);
        var closed = await _officer.GetStringAsync($"/cases/{number}");
        Assert.Matches("<div class=\"card\" id=\"rating\">.*?<details data-resend-link>", System.Text.RegularExpressions.Regex.Replace(closed, "\\s+", " "));
        var (_, rate) = (await EnterpriseLinksAsync(_app, number)).Last();
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), rate, "satisfied")).StatusCode);
        Assert.DoesNotContain("data-resend-link", await _officer.GetStringAsync($"/cases/{number}"));
    }

    [Fact]
    public async Task A_rating_posted_without_the_form_s_request_id_is_refused_on_the_page_and_records_nothing()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 47));
        await ConfirmAsync(_app, _officer, number);
        var (_, path) = (await EnterpriseLinksAsync(_app, number)).Last();
        var form = FormFor(await _app.Anonymous().GetStringAsync(path), "rate")!;
        Assert.Matches("^[0-9a-f-]{36}$", form["requestId"]);
        form.Remove("requestId");
        form["score"] = "unsatisfied";
        form["comment"] = "无请求编号的评价";

        var refused = await _app.Anonymous().PostAsync(path, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("<p class=\"error\">未提交：请求不完整，请刷新页面后重试</p>", page);
        Assert.Contains(">无请求编号的评价</textarea>", page); // the comment typed is not lost
        Assert.False(await _app.WithDbAsync(db => db.Set<CaseRating>().AnyAsync(r => db.Cases.Any(c => c.Id == r.CaseId && c.Number == number) && r.Score != null)));
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), path, "satisfied")).StatusCode);
    }

    [Fact]
    public async Task A_score_the_form_does_not_offer_is_refused_in_the_forms_words_in_both_languages_and_records_nothing()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 44));
        await ConfirmAsync(_app, _officer, number);
        var (_, path) = (await EnterpriseLinksAsync(_app, number)).Last();

        var chinese = await RateAsync(_app.Anonymous(), path, "great");
        var form = FormFor(await _app.Anonymous().GetStringAsync(path), "rate")!;
        form["score"] = "fairly-satisfied-ish";
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Cookie", "liaison.lang=en");
        var english = await _app.Anonymous().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, chinese.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, english.StatusCode);
        Assert.Contains("请选择：满意、基本满意或不满意", await chinese.Content.ReadAsStringAsync());
        Assert.Contains("choose Satisfied, Fairly satisfied or Unsatisfied", await english.Content.ReadAsStringAsync());
        Assert.False(await _app.WithDbAsync(db => db.Set<CaseRating>().AnyAsync(r => db.Cases.Any(c => c.Id == r.CaseId && c.Number == number) && r.Score != null)));
    }

    [Fact]
    public async Task Resending_the_link_without_a_notice_contact_is_refused_and_changes_nothing()
    {
        var enterprise = await RegisterAsync(_officer, 42, withNoticeContact: false);
        var number = await OpenForAsync(_officer, enterprise);

        // The page does not offer it, and says where the missing email goes.
        var page = await _officer.GetStringAsync($"/cases/{number}");
        Assert.DoesNotContain("data-resend-link", page);
        Assert.Matches($"<p class=\"muted\" data-no-notice-email>\\s*企业名录中该企业没有接收通知的联系人邮箱.*?<a href=\"/enterprises/{enterprise}/edit\">在企业名录中填写</a>",
            System.Text.RegularExpressions.Regex.Replace(page, "\\s+", " "));

        int Count(Liaison.Server.Data.LiaisonDbContext db) => db.CaseEvents.Count(e => db.Cases.Any(c => c.Id == e.CaseId && c.Number == number));
        var before = await _app.WithDbAsync(db => Task.FromResult(Count(db)));

        var refused = await _officer.PostAsJsonAsync($"/api/cases/{number}/enterprise-link", new { });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("没有接收通知的联系人邮箱", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(before, await _app.WithDbAsync(db => Task.FromResult(Count(db))));
    }

    [Fact]
    public async Task A_cancelled_case_says_so_and_unknown_links_get_the_plain_page()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 4));
        var (_, path) = (await EnterpriseLinksAsync(_app, number)).Single();
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业撤回诉求" })).StatusCode);

        var page = await _app.Anonymous().GetStringAsync(path);
        Assert.Contains("此事项已撤销", page);
        // The reason, as its 【事项撤销】 mail gives it.
        Assert.Contains("<p class=\"pre\" data-cancel-reason>企业撤回诉求</p>", page);
        Assert.DoesNotContain("data-action=\"rate\"", page);

        // After the links' grace period the link ends (410): it says the case was cancelled and whom to ask, with their
        // email, as a liaison's ended link does; nothing else of the case.
        _app.Clock.Advance(TimeSpan.FromDays(7));
        var ended = await _app.Anonymous().GetAsync(path);
        var endedPage = WebUtility.HtmlDecode(await ended.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Gone, ended.StatusCode);
        Assert.Contains("该事项已撤销", endedPage);
        Assert.Contains("如需了解情况，请联系园区工作人员 测试专员（officer@test.example）。", endedPage);
        Assert.DoesNotContain(number, endedPage);
        var reader = _app.Anonymous();
        await reader.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" }));
        var english = await reader.GetAsync(path);
        Assert.Contains("To ask about it, contact the park officer <span lang=\"zh\">测试专员</span> (officer@test.example).", await english.Content.ReadAsStringAsync());

        foreach (var bad in new[] { "/e/short", "/e/" + new string('A', 43), "/e/" + new string('A', 42) + "!" })
        {
            var response = await _app.Anonymous().GetAsync(bad);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("链接无效或已过期", await response.Content.ReadAsStringAsync());
        }

    }

    [Fact]
    public async Task An_ended_cases_page_names_no_zone_contact_whose_account_was_deactivated_since()
    {
        const string leaving = "leaving.officer@test.example";
        var officer = await _app.AsOfficerAsync(leaving);
        var number = await OpenForAsync(officer, await RegisterAsync(officer, 42));
        var (_, path) = (await EnterpriseLinksAsync(_app, number)).Single();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业撤回诉求" })).StatusCode);
        Assert.Contains(leaving, await _app.Anonymous().GetStringAsync(path));

        // The officer leaves: nothing of theirs is open, so no hand-over is needed.
        var admin = await _app.AsAdminAsync();
        var id = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/users"))!.Single(u => u.GetProperty("email").GetString() == leaving).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/users/{id}", new { email = leaving, displayName = "测试专员", active = false })).StatusCode);

        var page = await _app.Anonymous().GetStringAsync(path);
        Assert.Contains("此事项已撤销", page);
        Assert.DoesNotContain(leaving, page);
        Assert.DoesNotContain("data-zone-contacts", page);
    }

    [Fact]
    public async Task After_confirmation_the_link_takes_one_rating_and_a_second_gets_the_plain_page()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 5));
        var (_, openedLink) = (await EnterpriseLinksAsync(_app, number)).Single();
        // Before the confirmation there is nothing to rate.
        Assert.DoesNotContain("data-action=\"rate\"", await _app.Anonymous().GetStringAsync(openedLink));

        await ConfirmAsync(_app, _officer, number);
        var links = await EnterpriseLinksAsync(_app, number);
        Assert.Equal(2, links.Count);
        var (rateMail, rateLink) = links[1];
        Assert.StartsWith("【办结，请评价】", rateMail.Subject);
        Assert.Contains("10kV 专线已接通", rateMail.TextBody);
        Assert.DoesNotContain("专员内部意见", rateMail.TextBody);

        var browser = _app.Anonymous();
        var early = _app.Anonymous();
        var earlyForm = FormFor(await early.GetStringAsync(openedLink), "rate")!;
        var rated = await RateAsync(browser, rateLink, "fairly-satisfied", "办得不错，速度可以更快");
        Assert.Equal(HttpStatusCode.Redirect, rated.StatusCode);
        var page = await browser.GetStringAsync(rated.Headers.Location!.OriginalString);
        Assert.Contains("您的评价：", page);
        Assert.Contains("基本满意", page);
        // The section reports the rating; it no longer asks for one.
        Assert.Contains(">评价</h2>", page);
        Assert.DoesNotContain("评价办理结果", page);

        // The first link's form, loaded before the rating, posts too: the plain page, nothing changed.
        earlyForm["score"] = "unsatisfied";
        earlyForm["comment"] = "改主意了";
        var again = await early.PostAsync(openedLink, new FormUrlEncodedContent(earlyForm));
        // A valid form posted to a token that does not exist: the plain "link not valid" page.
        var unknown = await early.PostAsync("/e/" + new string('B', 43), new FormUrlEncodedContent(earlyForm));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("已评价", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("链接无效或已过期", await unknown.Content.ReadAsStringAsync());
        var rating = await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(x => x.Id == r.CaseId && x.Number == number)).SingleAsync());
        Assert.Equal(RatingScore.FairlySatisfied, rating.Score);
        Assert.Equal("办得不错，速度可以更快", rating.Comment);
        Assert.Equal("fgj", rating.DepartmentCode);
        var c = await GetCaseAsync(_officer, number);
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.EnterpriseRated);
    }

    [Fact]
    public async Task A_joint_cases_co_handler_sees_the_rating_but_not_the_enterprises_words_which_the_lead_reads()
    {
        var enterprise = await RegisterAsync(_officer, 11);
        var number = (await OpenAsync(_officer, new
        {
            title = "新厂房专线接电", description = "企业新厂房需要 10kV 专线接入。", category = "factor-guarantee", priority = "normal", departmentCode = "fgj",
            enterpriseId = enterprise, coDepartments = new[] { new { departmentCode = "zjj", task = "请核实施工许可" } },
        })).GetProperty("number").GetString()!;
        var browser = _app.Anonymous();
        var coHandler = PathOf(LinkIn((await MailsAsync(_app, "zjj.handler@anyue.example", number)).First()));
        var lead = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).First()));
        await PostActionAsync(browser, coHandler, "accept");
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, coHandler, "submit", new() { ["note"] = "施工许可已核实" })).StatusCode);
        await ConfirmAsync(_app, _officer, number);

        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(browser, (await EnterpriseLinksAsync(_app, number))[^1].Path, "fairly-satisfied", "供电局响应很快，住建审批拖了两天")).StatusCode);

        var coPage = await browser.GetStringAsync(coHandler);
        Assert.Contains("基本满意", coPage);
        Assert.DoesNotContain("住建审批拖了两天", coPage);
        var leadPage = await browser.GetStringAsync(lead);
        Assert.Contains("基本满意", leadPage);
        Assert.Contains("住建审批拖了两天", leadPage);
    }

    [Fact]
    public async Task A_replaced_handlers_link_sees_the_rating_but_not_the_enterprises_words_which_the_current_lead_reads()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 43));
        var first = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).First()));
        var reassigned = await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "改派供电公司" });
        Assert.True(reassigned.StatusCode == HttpStatusCode.OK, await reassigned.Content.ReadAsStringAsync());
        // What a digest that read the case just before the reassignment committed leaves behind (LiaisonLink.WorksOn): the
        // first department's handler holds a link of the first round that the reassignment did not end. The close ends it
        // with the round's links, so it shows the case for the grace period.
        var stale = LinkTokens.NewToken();
        await _app.WithDbAsync(async db =>
        {
            db.Add(new LiaisonLink
            {
                CaseId = await db.Cases.Where(x => x.Number == number).Select(x => x.Id).SingleAsync(), TokenHash = LinkTokens.Hash(stale),
                RecipientEmail = Handler, RecipientName = "发改局经办人", Role = LinkRole.Handler, Round = 1, CreatedAt = _app.Clock.GetUtcNow(),
            });
            return await db.SaveChangesAsync();
        });
        const string gdgs = "gdgs.handler@anyue.example";
        await ResolveAsync(_app, number, handler: gdgs);
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "确认" })).StatusCode);
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(browser, (await EnterpriseLinksAsync(_app, number))[^1].Path, "unsatisfied", "供电公司三次上门才接通")).StatusCode);

        var replaced = await browser.GetAsync("/l/" + stale);
        var replacedPage = await replaced.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Contains("企业评价（不满意）", replacedPage);
        Assert.DoesNotContain("三次上门", replacedPage);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(first)).StatusCode);
        // The department handling the case reads them, its handler and its leader, on the links of its round.
        foreach (var current in new[] { gdgs, "gdgs.leader@anyue.example" })
        {
            var page = await browser.GetStringAsync(PathOf(LinkIn((await MailsAsync(_app, current, number)).First())));
            Assert.Contains("企业评价（不满意）", page);
            Assert.Contains("供电公司三次上门才接通", page);
        }
    }

    [Fact]
    public async Task The_thank_you_notice_is_shown_once_after_the_rating_and_never_from_the_address()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 44));
        await ConfirmAsync(_app, _officer, number);
        var path = (await EnterpriseLinksAsync(_app, number))[^1].Path;
        var browser = _app.Anonymous();
        // A crafted address claims nothing: not before the rating, and not to a browser that did not rate.
        Assert.DoesNotContain("评价已提交", await browser.GetStringAsync($"{path}?done=rated"));

        var rated = await RateAsync(browser, path, "satisfied");

        // Post/Redirect/Get to the page's own address, which thanks them once (a reload says no more).
        Assert.Equal(HttpStatusCode.Redirect, rated.StatusCode);
        Assert.Equal(path, rated.Headers.Location?.OriginalString);
        Assert.Matches("<div class=\"card ok\" role=\"status\">[^<]*评价已提交", await browser.GetStringAsync(path));
        Assert.DoesNotContain("评价已提交", await browser.GetStringAsync(path));
        Assert.DoesNotContain("评价已提交", await browser.GetStringAsync($"{path}?done=rated"));
        Assert.DoesNotContain("评价已提交", await _app.Anonymous().GetStringAsync($"{path}?done=rated"));
    }

    [Fact]
    public async Task Bad_ratings_are_refused_naming_the_field_and_change_nothing()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 6));
        await ConfirmAsync(_app, _officer, number);
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;

        var noScore = await RateAsync(_app.Anonymous(), path, "very-happy");
        var tooLong = await RateAsync(_app.Anonymous(), path, "satisfied", new string('长', Ratings.MaxCommentLength + 1));

        Assert.Equal(HttpStatusCode.BadRequest, noScore.StatusCode);
        Assert.Contains("满意、基本满意或不满意", await noScore.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        // The refused form keeps what was chosen and typed.
        var tooLongPage = await tooLong.Content.ReadAsStringAsync();
        Assert.Contains("value=\"satisfied\" required checked", tooLongPage);
        Assert.Contains(">" + new string('长', Ratings.MaxCommentLength + 1) + "</textarea>", tooLongPage);
        var noChoice = await RateAsync(_app.Anonymous(), path, "", "电压仍不稳定");
        Assert.Equal(HttpStatusCode.BadRequest, noChoice.StatusCode);
        var noChoicePage = await noChoice.Content.ReadAsStringAsync();
        Assert.Contains(">电压仍不稳定</textarea>", noChoicePage);
        Assert.DoesNotContain("required checked", noChoicePage);
        Assert.Null(await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(x => x.Id == r.CaseId && x.Number == number)).Select(r => r.RatedAt).SingleAsync()));
    }

    [Fact]
    public async Task A_comment_with_a_text_direction_control_is_refused_on_the_form_and_records_nothing()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 45));
        await ConfirmAsync(_app, _officer, number);
        var path = (await EnterpriseLinksAsync(_app, number)).Last().Path;

        // Shown raw on /ratings and in the 【企业不满意】 mail, U+202E would reverse the rest of the comment.
        var refused = await RateAsync(_app.Anonymous(), path, "unsatisfied", "电压\u202e仍不稳定");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("不能含有文字方向控制字符", page);
        Assert.Contains("value=\"unsatisfied\" required checked", page);
        Assert.Null(await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(x => x.Id == r.CaseId && x.Number == number)).Select(r => r.RatedAt).SingleAsync()));
    }

    [Fact]
    public async Task The_window_closes_after_5_working_days()
    {
        At(3, 2, 10);
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 7));
        await ConfirmAsync(_app, _officer, number); // Monday 2 March: closes Monday 9 March 18:00
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;
        var browser = _app.Anonymous();
        var form = FormFor(await browser.GetStringAsync(path), "rate")!;
        form["score"] = "satisfied";
        var closesAt = await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(x => x.Id == r.CaseId && x.Number == number)).Select(r => r.ClosesAt).SingleAsync());
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, China), closesAt);

        At(3, 9, 18, 0);
        var late = await browser.PostAsync(path, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Contains("评价期已结束", await late.Content.ReadAsStringAsync());
        var page = await browser.GetStringAsync(path);
        Assert.Contains("评价期已结束", page);
        Assert.DoesNotContain("data-action=\"rate\"", page);
        Assert.Null(await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(x => x.Id == r.CaseId && x.Number == number)).Select(r => r.RatedAt).SingleAsync()));

        // The link grace period (7 days) after the window, the link ends, as a liaison's does after its round: 410, naming nothing.
        _app.Clock.SetUtcNow(closesAt.AddDays(7).AddMinutes(-1).ToUniversalTime());
        Assert.Contains("评价期已结束", await browser.GetStringAsync(path));
        _app.Clock.SetUtcNow(closesAt.AddDays(7).ToUniversalTime());
        foreach (var ended in new[] { await browser.GetAsync(path), await browser.PostAsync(path, new FormUrlEncodedContent(form)) })
        {
            var text = await ended.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Gone, ended.StatusCode);
            Assert.Contains("此链接已结束", text);
            Assert.DoesNotContain(number, text);
        }
    }

    [Fact]
    public async Task A_hundred_parallel_rating_posts_make_one_rating()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 8));
        await ConfirmAsync(_app, _officer, number);
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;
        var browser = _app.Anonymous();
        var form = FormFor(await browser.GetStringAsync(path), "rate")!;
        form["score"] = "satisfied";

        // Each from its own page load (its own request id): the same form sent again answers as its first (RatingRepeatTests).
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => browser.PostAsync(path,
            new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["requestId"] = Guid.NewGuid().ToString() }))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var c = await GetCaseAsync(_officer, number);
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.EnterpriseRated);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<CaseRating>().CountAsync(r => db.Cases.Any(x => x.Id == r.CaseId && x.Number == number) && r.RatedAt != null)));
    }

    [Fact]
    public async Task A_cancelled_case_is_mailed_to_the_enterprise_with_the_reason_and_no_link()
    {
        At(3, 2, 10);
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 42));
        var reassigned = await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "应由供电公司办理" });
        Assert.Equal(HttpStatusCode.OK, reassigned.StatusCode);
        // The enterprise's page says the case went to a department again, not a second "passed to the department".
        var steps = await _app.Anonymous().GetStringAsync((await EnterpriseLinksAsync(_app, number))[0].Path);
        Assert.Contains("重新交办承办部门", steps);

        var cancelled = await _officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业已自行解决，申请撤回" });

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var mail = Assert.Single(await MailsAsync(_app, NoticeEmail, "【事项撤销】"));
        Assert.Contains(number, mail.Subject);
        Assert.Contains("撤销原因：企业已自行解决，申请撤回", mail.TextBody);
        Assert.DoesNotMatch(EnterpriseLinkPattern(), mail.TextBody ?? "");
        // The opening's notice, the reassignment's change notice (承办部门变更), and this.
        Assert.Equal(3, (await MailsAsync(_app, NoticeEmail, number)).Count);
    }

    [Fact]
    public async Task Reopening_an_unsatisfied_joint_case_hands_it_to_the_lead_and_the_co_handlers_whose_parts_were_in()
    {
        At(3, 2, 10);
        var enterprise = await RegisterAsync(_officer, 41);
        var number = (await OpenAsync(_officer, new
        {
            title = "新厂房投产", description = "用地、施工许可需同时协调。", category = "factor-guarantee", priority = "normal", departmentCode = "fgj", enterpriseId = enterprise,
            coDepartments = new[]
            {
                new { departmentCode = "zjj", task = "请核实施工许可" }, new { departmentCode = "sthjj", task = "请核实环评" }, new { departmentCode = "gdgs", task = "请确认供电" },
            },
        })).GetProperty("number").GetString()!;
        // The enterprise is told every department that handles it.
        Assert.Contains("协办部门：住房和城乡建设局、生态环境局、供电公司", (await EnterpriseLinksAsync(_app, number))[0].Mail.TextBody);
        var browser = _app.Anonymous();
        // 住建局 submits its part; 供电公司's part is dropped; 生态环境局 stays silent and the lead resolves over it.
        var zjj = PathOf(LinkIn((await MailsAsync(_app, "zjj.handler@anyue.example", number)).First()));
        await PostActionAsync(browser, zjj, "accept");
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, zjj, "submit", new() { ["note"] = "施工许可已核实" })).StatusCode);
        var gdgsPart = (await GetCaseAsync(_officer, number)).GetProperty("coDepartments").EnumerateArray().Single(p => p.GetProperty("departmentCode").GetString() == "gdgs");
        var dropped = await _officer.PostAsJsonAsync($"/api/cases/{number}/parts/{gdgsPart.GetProperty("id").GetInt64()}/drop", new { reason = "不再需要" });
        Assert.True(dropped.StatusCode == HttpStatusCode.OK, await dropped.Content.ReadAsStringAsync());
        var lead = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).First()));
        await PostActionAsync(browser, lead, "accept");
        At(3, 4, 9); // 生态环境局 let its acceptance deadline (Tuesday 3rd 18:00) pass: silent, it may be resolved over
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结", ["overrideReason"] = "环评不影响投产" })).StatusCode);
        var confirmed = await _officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "同意" });
        Assert.True(confirmed.StatusCode == HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), path, "unsatisfied", "施工许可仍未办下")).StatusCode);

        var decided = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请住建局一并复核" });

        Assert.True(decided.StatusCode == HttpStatusCode.OK, await decided.Content.ReadAsStringAsync());
        var followUp = (await decided.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("followUpCaseNumber").GetString()!;
        var again = await GetCaseAsync(_officer, followUp);
        Assert.Equal("fgj", again.GetProperty("department").GetString());
        Assert.Equal([("zjj", "请核实施工许可"), ("sthjj", "请核实环评")],
            again.GetProperty("coDepartments").EnumerateArray().Select(p => (p.GetProperty("departmentCode").GetString(), p.GetProperty("task").GetString())));
        Assert.Single(await MailsAsync(_app, "zjj.handler@anyue.example", followUp), m => m.Subject!.Contains("派单"));
        Assert.Single(await MailsAsync(_app, "sthjj.handler@anyue.example", followUp), m => m.Subject!.Contains("派单"));
        Assert.Empty(await MailsAsync(_app, "gdgs.handler@anyue.example", followUp));
    }

    [Fact]
    public async Task Unsatisfied_mails_the_cases_officer_once_with_the_comment_and_a_link_to_decide()
    {
        var enterprise = await RegisterAsync(_officer, 13);
        var number = await OpenForAsync(_officer, enterprise);
        var satisfied = await OpenForAsync(_officer, enterprise, title: "满意的事项");
        await ConfirmAsync(_app, _officer, number);
        await ConfirmAsync(_app, _officer, satisfied);
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;
        var browser = _app.Anonymous();

        // The same form sent twice at once (a double tap), then again later: one rating, one mail.
        var form = FormFor(await browser.GetStringAsync(path), "rate")!;
        form["score"] = "unsatisfied";
        form["comment"] = "电压仍不稳定，设备无法开机";
        var posts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => browser.PostAsync(path, new FormUrlEncodedContent(form))));
        Assert.Contains(posts, p => p.StatusCode == HttpStatusCode.Redirect);
        Assert.NotEqual(HttpStatusCode.Redirect, (await RateAsyncRefused(browser, path)).StatusCode);
        // A satisfied rating needs no decision and mails nobody.
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(browser, (await EnterpriseLinksAsync(_app, satisfied))[1].Path, "satisfied")).StatusCode);

        var mail = Assert.Single(await MailsAsync(_app, "officer@test.example", "【企业不满意】"));
        Assert.Contains(number, mail.Subject);
        Assert.Contains("安岳测试柠檬科技有限公司13对以下已销号事项的办理结果评价为“不满意”", mail.TextBody);
        Assert.Contains("企业意见：电压仍不稳定，设备无法开机", mail.TextBody);
        Assert.Contains("电压仍不稳定，设备无法开机", mail.HtmlBody);
        var link = System.Text.RegularExpressions.Regex.Match(mail.TextBody!, @"https?://\S+/cases/\S+").Value;
        Assert.EndsWith($"/cases/{number}#rating", link);
        // It opens the decision: the case page's rating panel offers reopen and close.
        var page = await _officer.GetStringAsync(PathOf(link));
        Assert.Contains("data-action=\"rating-reopen\"", page);
        // In the case's thread, and once on its timeline.
        var dispatch = (await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.StartsWith("【派单"));
        Assert.Equal(dispatch.MessageId, mail.InReplyTo);
        Assert.Single((await GetCaseAsync(_officer, number)).GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.Email
            && e.GetProperty("data").GetProperty("kind").GetString() == "rated-unsatisfied");
    }

    [Fact]
    public async Task Unsatisfied_lands_on_the_officers_list_and_digest_and_reopening_takes_it_off_once()
    {
        At(3, 2, 10);
        var enterprise = await RegisterAsync(_officer, 9);
        var number = await OpenForAsync(_officer, enterprise);
        await ConfirmAsync(_app, _officer, number);
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), path, "unsatisfied", "电压仍不稳定，设备无法开机")).StatusCode);

        var list = await _officer.GetFromJsonAsync<JsonElement>("/api/ratings/awaiting-decision");
        var item = Assert.Single(list.EnumerateArray());
        Assert.Equal(number, item.GetProperty("caseNumber").GetString());
        Assert.Equal("电压仍不稳定，设备无法开机", item.GetProperty("comment").GetString());
        Assert.Contains("电压仍不稳定", await _officer.GetStringAsync("/ratings"));
        Assert.Contains("data-action=\"rating-reopen\"", await _officer.GetStringAsync($"/cases/{number}"));
        // The enterprise is told what comes next.
        var enterpriseBrowser = _app.Anonymous();
        Assert.Contains("园区工作人员将决定重办，或向您作出说明。", await enterpriseBrowser.GetStringAsync(path));

        // The officer's daily digest (Tuesday 08:30) lists it as awaiting a decision, with the enterprise's comment.
        At(3, 3, 9);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DigestService>().SendDailyAsync();
        }

        var digest = Assert.Single(await MailsAsync(_app, "officer@test.example", "【事项动态】"));
        Assert.Contains("企业评价不满意，请决定重办或说明后结案", digest.TextBody);
        Assert.Contains("企业意见：电压仍不稳定，设备无法开机", digest.TextBody);
        Assert.Contains("企业评价：不满意；电压仍不稳定，设备无法开机", digest.TextBody); // the rating's entry says its score

        // The same decision sent twice at once (a retry after a lost answer): one decision, one follow-up case, and both
        // are answered with it. Another note, or the other decision, is refused and opens nothing.
        var decisions = await Task.WhenAll(
            _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请供电公司现场复测" }),
            _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请供电公司现场复测" }));
        var otherNote = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "另一条意见" });
        var otherWay = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "close", note = "请供电公司现场复测" });
        Assert.All(decisions, d => Assert.Equal(HttpStatusCode.OK, d.StatusCode));
        Assert.Equal(HttpStatusCode.Conflict, otherNote.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, otherWay.StatusCode);
        var answered = await Task.WhenAll(decisions.Select(d => d.Content.ReadFromJsonAsync<JsonElement>()));
        var followUp = answered[0].GetProperty("followUpCaseNumber").GetString()!;
        Assert.Equal(followUp, answered[1].GetProperty("followUpCaseNumber").GetString());
        Assert.Equal("reopen", answered[0].GetProperty("decision").GetString());

        Assert.Empty((await _officer.GetFromJsonAsync<JsonElement>("/api/ratings/awaiting-decision")).EnumerateArray());
        var original = await GetCaseAsync(_officer, number);
        Assert.Single(original.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.RatingReopened);
        var next = await GetCaseAsync(_officer, followUp);
        Assert.Equal("dispatched", next.GetProperty("status").GetString());
        Assert.StartsWith("重办：", next.GetProperty("title").GetString());
        Assert.Contains("电压仍不稳定", next.GetProperty("description").GetString());
        Assert.Single(next.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.FollowUpOf);
        Assert.Equal(2, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.EnterpriseId == enterprise)));
        // The follow-up is a new case of the enterprise's: its department is dispatched and the enterprise gets a link to it.
        Assert.Single(await MailsAsync(_app, Handler, followUp));
        Assert.Single(await EnterpriseLinksAsync(_app, followUp));
        // Its link to the original case says the case is being handled again, and as which case.
        Assert.Contains($"园区已根据您的评价安排重办：<strong>{followUp}</strong>", await enterpriseBrowser.GetStringAsync(path));
    }

    [Fact]
    public async Task A_confirmation_racing_an_edit_that_replaces_the_contacts_mails_the_new_notice_contact()
    {
        var enterprise = await RegisterAsync(_officer, 12);
        var number = await OpenForAsync(_officer, enterprise);
        await ResolveAsync(_app, number);
        // An edit of the register in flight: the contacts deleted and written again, a new notice contact, not committed.
        await using var edit = new Npgsql.NpgsqlConnection(_app.ConnectionString);
        await edit.OpenAsync();
        await using var editing = await edit.BeginTransactionAsync();
        await using (var write = new Npgsql.NpgsqlCommand("""
            DELETE FROM enterprise_contacts WHERE enterprise_id = @id;
            INSERT INTO enterprise_contacts (enterprise_id, name, phone, email, for_notices, position) VALUES (@id, '王新', '13900002222', 'wang.xin@lemon.example', true, 0);
            UPDATE enterprises SET notice_contact_version = notice_contact_version + 1 WHERE id = @id;
            """, edit, editing))
        {
            write.Parameters.AddWithValue("id", enterprise);
            await write.ExecuteNonQueryAsync();
        }

        // The confirmation reads the old contact, then waits on its row until the edit commits.
        var confirming = _officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "已核实" });
        await using (var probe = new Npgsql.NpgsqlConnection(_app.ConnectionString))
        {
            await probe.OpenAsync();
            await using var waiting = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", probe);
            while (!confirming.IsCompleted && (long)(await waiting.ExecuteScalarAsync())! == 0)
            {
                await Task.Yield();
            }
        }

        Assert.False(confirming.IsCompleted, "the confirmation should wait for the edit");
        await editing.CommitAsync();
        var confirmed = await confirming;

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Single(await MailsAsync(_app, "wang.xin@lemon.example", "【办结，请评价】"));
        Assert.DoesNotContain(await MailsAsync(_app, NoticeEmail, number), m => m.Subject!.StartsWith("【办结，请评价】"));
    }

    [Fact]
    public async Task An_answer_decided_after_the_cases_links_ended_is_mailed_without_a_link()
    {
        At(3, 2, 10);
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 11));
        await ConfirmAsync(_app, _officer, number); // the window closes Monday 9 March 18:00; the links end 7 days later
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;
        At(3, 9, 17);
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), path, "unsatisfied", "电压仍不稳定")).StatusCode);

        At(3, 17, 9);
        var decided = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "close", note = "供电公司已复测，电压正常" });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var answer = Assert.Single(await MailsAsync(_app, NoticeEmail, "【评价答复】"));
        Assert.Contains("园区的答复：供电公司已复测，电压正常", answer.TextBody);
        Assert.DoesNotMatch(EnterpriseLinkPattern(), answer.TextBody ?? "");
        Assert.DoesNotContain("/e/", answer.HtmlBody);
        Assert.Equal(2, await _app.WithDbAsync(db => db.Set<EnterpriseLink>().CountAsync(l => db.Cases.Any(c => c.Id == l.CaseId && c.Number == number))));
    }

    [Fact]
    public async Task Two_officers_closing_and_reopening_an_unsatisfied_rating_at_once_make_one_decision_and_one_mail_to_the_enterprise()
    {
        var enterprise = await RegisterAsync(_officer, 14);
        var number = await OpenForAsync(_officer, enterprise);
        await ConfirmAsync(_app, _officer, number);
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), path, "unsatisfied", "电压仍不稳定")).StatusCode);
        var colleague = await _app.AsOfficerAsync("colleague@test.example");
        var mailsBefore = (await MailsAsync(_app, NoticeEmail)).Count;

        var answers = await Task.WhenAll(
            _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请供电公司现场复测" }),
            colleague.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "close", note = "已向企业说明电压标准" }));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        var reopened = answers[0].StatusCode == HttpStatusCode.OK;
        var rating = await _app.WithDbAsync(db => db.Set<CaseRating>().SingleAsync(r => db.Cases.Any(c => c.Id == r.CaseId && c.Number == number)));
        Assert.Equal(reopened ? RatingDecision.Reopened : RatingDecision.Closed, rating.Decision);
        Assert.Equal(reopened, rating.FollowUpCaseId is not null);
        Assert.Equal(reopened ? 2 : 1, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.EnterpriseId == enterprise)));
        // The enterprise hears once: the follow-up case's link, or the answer.
        Assert.Equal(mailsBefore + 1, (await MailsAsync(_app, NoticeEmail)).Count);
    }

    [Fact]
    public async Task Closing_an_unsatisfied_rating_needs_a_note_and_takes_it_off_the_list_once()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 10));
        await ConfirmAsync(_app, _officer, number);
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), path, "unsatisfied", "希望减免电费")).StatusCode);

        var noNote = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "close" });
        var badDecision = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "ignore", note = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, noNote.StatusCode);
        Assert.Contains("note", await noNote.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badDecision.StatusCode);
        Assert.Contains("decision", await badDecision.Content.ReadAsStringAsync());
        Assert.Single((await _officer.GetFromJsonAsync<JsonElement>("/api/ratings/awaiting-decision")).EnumerateArray());

        // Through the case page's form, as the officer does it.
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.DoesNotContain("当前无需您决定", page); // the rating waits for a decision on the same page
        var form = FormFor(page, "rating-close")!;
        form["note"] = "  ";
        var blank = await browser.PostAsync($"/cases/{number}/rating/close", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        var refused = await blank.Content.ReadAsStringAsync();
        Assert.Contains("请填写结案说明", refused);
        Assert.Contains("data-action=\"rating-close\"", refused); // the case page again, its forms there to fill in
        form["note"] = "电费减免不属于本案范围，已向企业解释";
        var closed = await browser.PostAsync($"/cases/{number}/rating/close", new FormUrlEncodedContent(form));
        var twice = await browser.PostAsync($"/cases/{number}/rating/close", new FormUrlEncodedContent(form));
        var otherWay = await browser.PostAsync($"/cases/{number}/rating/reopen", new FormUrlEncodedContent(form));
        // A colleague's form from an older page, closing with another note: refused, not reported as done (the note would be lost).
        await _app.AsOfficerAsync("colleague@test.example");
        var colleague = await _app.SignInThroughFormAsync("colleague@test.example", "officer-password-1");
        var otherNote = new Dictionary<string, string>(form) { ["note"] = "另一位专员的说明", ["__RequestVerificationToken"] = TokenIn(await colleague.GetStringAsync($"/cases/{number}")) };
        var colleagues = await colleague.PostAsync($"/cases/{number}/rating/close", new FormUrlEncodedContent(otherNote));

        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        // The case page, at its rating panel; the cookie that carries the banner is the page's.
        Assert.Equal($"/cases/{number}#rating", closed.Headers.Location?.OriginalString);
        Assert.Contains(closed.Headers.GetValues("Set-Cookie"), c => c.StartsWith("liaison.flash=", StringComparison.Ordinal) && c.Contains($"path=/cases/{number};"));
        var after = await browser.GetStringAsync($"/cases/{number}");
        // The enterprise reads the zone's answer on its link.
        var answered = await _app.Anonymous().GetStringAsync(path);
        Assert.Contains("园区的答复：", answered);
        Assert.Contains("电费减免不属于本案范围，已向企业解释", answered);
        // A note written before the form said the enterprise reads it stays internal.
        await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(c => c.Id == r.CaseId && c.Number == number))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.NoteForEnterprise, false)));
        var older = await _app.Anonymous().GetStringAsync(path);
        Assert.DoesNotContain("电费减免不属于本案范围", older);
        Assert.Contains("园区工作人员已处理您的评价", older);
        await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(c => c.Id == r.CaseId && c.Number == number))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.NoteForEnterprise, true)));
        Assert.Contains("已说明后结案", after);
        Assert.DoesNotContain("已重办：开立了关联的重办事项", after); // the refused decision after it left no banner of its own
        Assert.Matches("已决定：<strong>[^<]+</strong> <span class=\"muted\">测试专员 ", after); // who decided, by name (it showed the email)
        Assert.Matches("<td role=\"cell\">企业</td>\\s*<td role=\"cell\">企业评价", after); // the rating's actor in words (it showed "enterprise")
        // Sent again, the same decision is answered as done; the other one is refused on the case page.
        Assert.Equal(HttpStatusCode.Redirect, twice.StatusCode);
        Assert.Equal(closed.Headers.Location, twice.Headers.Location);
        Assert.Equal(HttpStatusCode.Conflict, otherWay.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, colleagues.StatusCode);
        Assert.DoesNotContain(otherWay.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith("liaison.flash=", StringComparison.Ordinal));
        Assert.Contains("已决定：", await otherWay.Content.ReadAsStringAsync());
        // The enterprise is mailed the answer once, with a link of its own to the case.
        var answer = Assert.Single(await MailsAsync(_app, NoticeEmail, "【评价答复】"));
        Assert.Contains(number, answer.Subject);
        Assert.Contains("园区的答复：电费减免不属于本案范围，已向企业解释", answer.TextBody);
        Assert.Contains("电费减免不属于本案范围", await _app.Anonymous().GetStringAsync(PathOf(EnterpriseLinkPattern().Match(answer.TextBody ?? "").Value)));
        Assert.Empty((await _officer.GetFromJsonAsync<JsonElement>("/api/ratings/awaiting-decision")).EnumerateArray());
        var rating = await _officer.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/rating");
        Assert.Equal("close", rating.GetProperty("decision").GetString());
        Assert.Equal(JsonValueKind.Null, rating.GetProperty("followUpCaseNumber").ValueKind);
        var c = await GetCaseAsync(_officer, number);
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.RatingClosed);
        Assert.Equal("closed", c.GetProperty("status").GetString());
    }
}
