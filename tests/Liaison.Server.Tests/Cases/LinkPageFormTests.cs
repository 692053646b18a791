using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>The forms of the liaisons' link pages and the officer's case page as a phone meets them.</summary>
public sealed class LinkPageFormTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Handler = "fgj.handler@anyue.example";
    private const string Leader = "fgj.leader@anyue.example";
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task A_link_form_works_from_a_browser_that_lost_its_cookies()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        // The page was loaded by one browser (the mail app's), the form sent by another without its cookies: the link's
        // token is the key, so the action goes through instead of an antiforgery error.
        var form = FormFor(await _app.Anonymous().GetStringAsync(link), "accept")!;

        var response = await _app.Anonymous().PostAsync(link, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("accepted", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_done_notice_is_shown_once_after_the_action_and_never_from_the_address()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        var browser = _app.Anonymous();
        // A crafted address claims nothing: not before the action, and not to a browser that did not act.
        Assert.DoesNotContain("class=\"card ok\"", await browser.GetStringAsync($"{link}?done=accept"));

        var accepted = await PostActionAsync(browser, link, "accept");

        // Post/Redirect/Get to the page's own address, which says it once (a reload says no more).
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(link, accepted.Headers.Location?.OriginalString);
        Assert.Matches("<div class=\"card ok\" role=\"status\">✓ 已签收\\s*<p class=\"muted\" data-next>下一步：办理该事项，其间可报告进展，办完后在办结期限前提交办结。</p></div>", await browser.GetStringAsync(link));
        Assert.DoesNotContain("class=\"card ok\"", await browser.GetStringAsync(link));
        foreach (var done in new[] { "accept", "resolve", "progress" })
        {
            Assert.DoesNotContain("class=\"card ok\"", await browser.GetStringAsync($"{link}?done={done}"));
            Assert.DoesNotContain("class=\"card ok\"", await _app.Anonymous().GetStringAsync($"{link}?done={done}"));
        }

        Assert.Equal("accepted", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_link_form_without_its_request_id_says_so_without_a_field_code_and_changes_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        var form = FormFor(await _app.Anonymous().GetStringAsync(link), "accept")!.Where(f => f.Key != "requestId");

        var refused = await _app.Anonymous().PostAsync(link, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<p class=\"error\">请求不完整，请刷新页面后重试</p>", page);
        Assert.DoesNotContain("action:", page);
        Assert.DoesNotContain("请更正下方表单", page); // nothing on the form to correct
        Assert.Equal("dispatched", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_extension_form_with_days_not_a_number_and_no_reason_says_both_and_changes_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");

        var refused = await PostActionAsync(browser, link, "extension", new() { ["days"] = "abc", ["note"] = " " });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        // The note is called by the form's own label for it (理由 on a request for more time); the days' message names its field.
        Assert.Contains("data-form-error>延期天数必须在 1 到 60 个工作日之间；理由：必填</p>", page);
        Assert.Contains("<label for=\"extension-days\">延期天数（工作日）</label>", page);
        // The form may be screens below on a phone: the top of the page says so and links to it, before the case.
        var summary = page.IndexOf("role=\"alert\" data-refused-summary><p class=\"error\">未申请延期：请更正下方表单中标出的内容。<a href=\"#extension-title\">转到「申请延期」</a>", StringComparison.Ordinal);
        Assert.InRange(summary, 0, page.IndexOf("<h1>", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, (await GetCaseAsync(officer, number)).GetProperty("pendingExtension").ValueKind);
    }

    [Fact]
    public async Task A_link_forms_note_with_a_text_direction_control_is_refused_on_the_page_naming_it_and_changes_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        var timeline = (await GetCaseAsync(officer, number)).GetProperty("timeline").GetArrayLength();

        // U+202E would show the rest of the note reversed, on the officer's page and in the mails that quote it.
        var refused = await PostActionAsync(browser, link, "progress", new() { ["note"] = "已协调\u202e供电公司" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        // Beside the form, by the form's own word for the note.
        Assert.Contains("data-form-error>进展情况：不能含有文字方向控制字符（U+202A–U+202E、U+2066–U+2069）</p>", page);
        Assert.Contains("data-refused-summary", page);
        Assert.Equal(timeline, (await GetCaseAsync(officer, number)).GetProperty("timeline").GetArrayLength());
        Assert.Equal("accepted", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_officer_form_sent_without_its_antiforgery_token_gets_a_page_saying_so_and_changes_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/cases/{number}/notes")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["note"] = "页面过期后提交", ["requestId"] = Guid.NewGuid().ToString() }),
        };
        request.Headers.Referrer = new Uri(browser.BaseAddress!, $"/cases/{number}");
        var timeline = (await GetCaseAsync(officer, number)).GetProperty("timeline").GetArrayLength();

        var response = await browser.SendAsync(request);

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("页面已过期", page);
        Assert.Contains($"href=\"/cases/{number}\"", page);
        Assert.Equal(timeline, (await GetCaseAsync(officer, number)).GetProperty("timeline").GetArrayLength());
    }

    [Fact]
    public async Task A_leaders_reminder_over_the_note_limit_is_refused_and_sends_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var leaderLink = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Leader, number))));
        var mails = (await MailsAsync(_app, Handler, number)).Count;

        var response = await PostActionAsync(_app.Anonymous(), leaderLink, "remind", new() { ["note"] = new string('催', 2001) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain((await GetCaseAsync(officer, number)).GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "leader-reminder");
        Assert.Equal(mails, (await MailsAsync(_app, Handler, number)).Count);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), leaderLink, "remind", new() { ["note"] = "请抓紧办理" })).StatusCode);
    }

    [Fact]
    public async Task The_officers_page_shows_the_resolution_to_decide_on_and_a_deadline_change_once()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        var liaison = _app.Anonymous();
        await PostActionAsync(liaison, link, "accept");
        await PostActionAsync(liaison, link, "extension", new() { ["days"] = "2", ["note"] = "等待批复" });
        Assert.True((await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true })).IsSuccessStatusCode);
        await PostActionAsync(liaison, link, "resolve", new() { ["note"] = "专线已接通，企业已用电" });

        var page = await browser.GetStringAsync($"/cases/{number}");

        var resolution = System.Text.RegularExpressions.Regex.Match(page, "<div class=\"card\" data-resolution>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(resolution.Success, page);
        Assert.Contains("专线已接通，企业已用电", resolution.Groups[1].Value);
        // The timeline says the new deadline in the reader's language, without the stored bilingual note after it.
        Assert.Contains("延期已批准，新的办结期限", page);
        Assert.DoesNotContain("/ Extension approved", page);
    }
}
