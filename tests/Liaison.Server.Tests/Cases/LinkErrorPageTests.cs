using System.Net;
using System.Net.Http.Json;
using System.Text;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// The error pages a personal link's holder (no account) meets: they lead back to the link's own page and say whom to ask,
/// never to the sign-in page; a malformed action is a 400, an action of another role's a 403.
/// </summary>
public sealed class LinkErrorPageTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Leader = "fgj.leader@anyue.example";
    private readonly LiaisonApp _app = fixture.App;

    private async Task<(HttpClient Officer, string Number, string Link)> CaseAsync()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        return (officer, number, PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single())));
    }

    private static void AssertLeadsBackToTheLink(string page, string link)
    {
        Assert.Contains($"<a href=\"{link}\">返回链接页面</a>", page);
        Assert.Contains("请联系该事项的园区工作人员", page);
        Assert.DoesNotContain("返回首页", page);
        Assert.DoesNotContain("href=\"/\"", page);
    }

    [Fact]
    public async Task Malformed_posts_to_a_liaison_link_lead_back_to_the_link_page_not_to_sign_in()
    {
        var (_, _, link) = await CaseAsync();
        var browser = _app.Anonymous();

        var empty = await browser.PostAsync(link, new FormUrlEncodedContent([]));
        var badId = await browser.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "accept", ["requestId"] = "aaa" }));
        var text = await browser.PostAsync(link, new StringContent("action=accept", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        foreach (var response in new[] { empty, badId, text })
        {
            AssertLeadsBackToTheLink(await response.Content.ReadAsStringAsync(), link);
        }
    }

    [Fact]
    public async Task A_cross_site_post_to_a_link_answers_a_page_leading_back_to_the_link()
    {
        var (_, _, link) = await CaseAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, link) { Content = new FormUrlEncodedContent(FormFor(await _app.Anonymous().GetStringAsync(link), "accept")!) };
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        request.Headers.TryAddWithoutValidation("Origin", "https://evil.example");

        var refused = await _app.Anonymous().SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        AssertLeadsBackToTheLink(await refused.Content.ReadAsStringAsync(), link);
    }

    [Fact]
    public async Task A_malformed_post_to_an_enterprise_link_leads_back_to_its_page()
    {
        var officer = await _app.AsOfficerAsync();
        var number = await OpenForAsync(officer, await RegisterAsync(officer, 41_001));
        var link = (await EnterpriseLinksAsync(_app, number)).First().Path;

        var text = await _app.Anonymous().PostAsync(link, new StringContent("score=satisfied", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        AssertLeadsBackToTheLink(await text.Content.ReadAsStringAsync(), link);
    }

    [Fact]
    public async Task An_unknown_or_doubled_action_is_a_bad_request_and_another_roles_action_is_forbidden()
    {
        var (officer, number, link) = await CaseAsync();
        var form = FormFor(await _app.Anonymous().GetStringAsync(link), "accept")!;

        var unknown = await _app.Anonymous().PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["action"] = "frobnicate" }));
        var twice = await _app.Anonymous().PostAsync(link, new FormUrlEncodedContent(
            [new("action", "accept"), new("action", "resolve"), new("requestId", form["requestId"])]));
        var officers = await _app.Anonymous().PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["action"] = "cancel" }));

        foreach (var response in new[] { unknown, twice, officers })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("请求有误：操作无效", await response.Content.ReadAsStringAsync());
        }

        // In English as in Chinese: the request's own words, with no field named in front ("Request: Bad request: …").
        using var english = new HttpRequestMessage(HttpMethod.Post, link)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["action"] = "frobnicate" }),
        };
        english.Headers.Add("Cookie", "liaison.lang=en");
        var englishPage = await (await _app.Anonymous().SendAsync(english)).Content.ReadAsStringAsync();
        Assert.Contains(">Bad request: not an action of this page", englishPage);
        Assert.DoesNotContain("Request: ", englishPage);

        // A leader's link asking to resolve: a known action, not this holder's.
        var leaderLink = PathOf(LinkIn((await MailsAsync(_app, Leader, number)).First()));
        var leaderForm = FormFor(await _app.Anonymous().GetStringAsync(leaderLink), "remind")!;
        var resolve = await _app.Anonymous().PostAsync(leaderLink,
            new FormUrlEncodedContent(new Dictionary<string, string>(leaderForm) { ["action"] = "resolve", ["note"] = "办完了" }));
        Assert.Equal(HttpStatusCode.Forbidden, resolve.StatusCode);
        Assert.Contains("此链接不能执行该操作", await resolve.Content.ReadAsStringAsync());

        Assert.Equal("dispatched", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_ended_leaders_link_is_worded_for_a_leader_says_why_and_names_the_officer()
    {
        var (officer, number, link) = await CaseAsync();
        var leaderLink = PathOf(LinkIn((await MailsAsync(_app, Leader, number)).First()));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业撤回诉求" })).StatusCode);

        var leaders = await _app.Anonymous().GetAsync(leaderLink);
        var handlers = await _app.Anonymous().GetAsync(link);

        Assert.Equal(HttpStatusCode.Gone, leaders.StatusCode);
        var leaderPage = await leaders.Content.ReadAsStringAsync();
        Assert.Contains("此链接用于督促本单位办理该事项，现已无需督办：园区已撤销该事项。", leaderPage);
        Assert.DoesNotContain("不再由您办理", leaderPage);
        Assert.Contains("请联系园区工作人员", leaderPage);
        Assert.Contains("（officer@test.example）", leaderPage);
        var handlerPage = await handlers.Content.ReadAsStringAsync();
        Assert.Contains("该事项已不再由您办理：园区已撤销该事项。", handlerPage);
        Assert.Contains("（officer@test.example）", handlerPage);

        // An unknown token reveals nothing, not even whom to ask by name.
        var unknown = await _app.Anonymous().GetAsync("/l/" + new string('A', 43));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.DoesNotContain("officer@test.example", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_co_handlers_link_after_its_part_was_withdrawn_says_so()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await OpenAsync(officer, JointPartExtensionTests.JointCase("zrzyj", ("zjj", null)));
        var number = opened.GetProperty("number").GetString()!;
        var partLink = PathOf(LinkIn((await MailsAsync(_app, "zjj.handler@anyue.example", number)).Single(m => m.Subject!.Contains("派单"))));
        var part = (await GetCaseAsync(officer, number)).GetProperty("coDepartments")[0].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{part}/drop", new { reason = "改由主办自行协调" })).StatusCode);

        var page = await (await _app.Anonymous().GetAsync(partLink)).Content.ReadAsStringAsync();

        Assert.Contains("贵单位在该事项中的协办已结束：园区已撤回贵单位的协办（撤回协办）。", page);
    }

    [Fact]
    public async Task A_refused_link_forms_fields_are_marked_invalid_and_point_at_the_error()
    {
        var (_, _, link) = await CaseAsync();
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);

        var refused = await PostActionAsync(browser, link, "extension", new() { ["days"] = "abc", ["note"] = " " });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<p class=\"error\" role=\"alert\" id=\"extension-error\" data-form-error>", page);
        Assert.Matches("<input id=\"extension-days\"[^>]* aria-invalid=\"true\" aria-describedby=\"extension-error\"", page);
        Assert.Matches("<textarea id=\"extension-note\"[^>]* aria-invalid=\"true\" aria-describedby=\"extension-error\"", page);
        // The other forms' fields are not the refused ones.
        Assert.DoesNotMatch("<textarea id=\"progress-note\"[^>]* aria-invalid", page);
        Assert.DoesNotMatch("<select id=\"return-reason\"[^>]* aria-invalid", page);
    }

    [Fact]
    public async Task A_pending_extension_shows_the_deadline_it_would_give_and_the_leaders_reminder_names_the_handler()
    {
        var (officer, number, link) = await CaseAsync();
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);
        Assert.DoesNotContain("data-due-if-approved", await browser.GetStringAsync(link));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "extension", new() { ["days"] = "3", ["note"] = "等供电公司排期" })).StatusCode);

        var page = await browser.GetStringAsync(link);

        var ifApproved = System.Text.RegularExpressions.Regex.Match(page, "<p data-due-if-approved>批准后的办结期限：([^<]+)");
        Assert.True(ifApproved.Success, page);
        var current = System.Text.RegularExpressions.Regex.Match(page, "<dt>办结期限</dt><dd>([^<]+)").Groups[1].Value;
        Assert.NotEqual(current, ifApproved.Groups[1].Value);

        var handler = (await GetCaseAsync(officer, number)).GetProperty("handler").GetProperty("name").GetString()!;
        var leaderPage = await _app.Anonymous().GetStringAsync(PathOf(LinkIn((await MailsAsync(_app, Leader, number)).First())));
        Assert.Contains($"<button type=\"submit\">提醒 {handler}</button>", leaderPage);
    }
}
