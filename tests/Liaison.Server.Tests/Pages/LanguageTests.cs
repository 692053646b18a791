using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Pages;

/// <summary>
/// Pages show each label once, in the reader's language: the switch's cookie first, then a link recipient's language,
/// then the account's, then the browser's Accept-Language, then Chinese.
/// </summary>
public sealed class LanguageTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private LiaisonApp App => fixture.App;

    [Fact]
    public async Task Pages_are_in_Chinese_unless_the_browser_asks_for_English()
    {
        var chinese = await App.Anonymous().GetStringAsync("/account/login");
        var english = await GetAsync("/account/login", acceptLanguage: "en-GB,en;q=0.9");
        var stillChinese = await GetAsync("/account/login", acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8");

        Assert.Contains("<html lang=\"zh-CN\">", chinese);
        Assert.Contains(">登录</button>", chinese);
        Assert.DoesNotContain("Sign in", chinese); // each label once, not both
        Assert.Contains("<html lang=\"en\">", english);
        Assert.Contains(">Sign in</button>", english);
        Assert.DoesNotContain("登录", english);
        Assert.Contains("<html lang=\"zh-CN\">", stillChinese);
    }

    [Fact]
    public async Task An_officer_picker_brackets_the_email_as_the_readers_language_writes_it()
    {
        await App.AsOfficerAsync();
        var browser = await App.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var chinese = await browser.GetStringAsync("/cases");
        await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" }));
        var english = await browser.GetStringAsync("/cases");

        Assert.Contains("测试专员（officer@test.example）</option>", chinese);
        Assert.Contains("测试专员 (officer@test.example)</option>", english);
        Assert.DoesNotContain("（officer@test.example）", english);
    }

    [Fact]
    public async Task The_workbenchs_visit_figure_reads_as_English()
    {
        await App.AsOfficerAsync();
        var browser = await App.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" }));

        var page = await browser.GetStringAsync("/workbench");

        Assert.Contains("key enterprises due a visit (mine, as chief service officer)", page);
        Assert.DoesNotContain("I am chief service officer of", page);
    }

    [Fact]
    public async Task A_form_shown_again_with_its_errors_switches_language_back_to_the_page_it_was_on()
    {
        var officer = await App.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var browser = await App.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var page = await browser.GetStringAsync($"/cases/{number}");

        async Task<string> ReturnUrlAfterAnEmptyNoteAsync(string? referer)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, $"/cases/{number}/notes")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = TokenIn(page), ["note"] = " " }),
            };
            if (referer is not null) post.Headers.Referrer = new Uri(referer);
            var answer = await browser.SendAsync(post);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            return System.Text.RegularExpressions.Regex.Match(await answer.Content.ReadAsStringAsync(), "name=\"returnUrl\" value=\"([^\"]*)\"").Groups[1].Value;
        }

        // The notes address takes posts only: the switch goes back to the case's page, which the browser came from.
        Assert.Equal($"/cases/{number}?tab=notes", await ReturnUrlAfterAnEmptyNoteAsync(new Uri(browser.BaseAddress!, $"/cases/{number}?tab=notes").ToString()));
        // Another site's page is not a place to go back to.
        Assert.Equal($"/cases/{number}/notes", await ReturnUrlAfterAnEmptyNoteAsync($"https://elsewhere.example/cases/{number}"));
    }

    [Fact]
    public async Task The_switch_remembers_the_choice_in_a_cookie_over_the_browsers_language()
    {
        var browser = App.Anonymous();
        var switched = await browser.PostAsync("/language", Form(("culture", "en"), ("returnUrl", "/account/login?returnUrl=%2Fcases")));

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/account/login?returnUrl=%2Fcases", switched.Headers.Location?.OriginalString);
        Assert.Contains(switched.Headers.GetValues("Set-Cookie"), c => c.StartsWith("liaison.lang=en;"));
        var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var page = await (await browser.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", page);

        await browser.PostAsync("/language", Form(("culture", "zh-CN"), ("returnUrl", "/account/login")));
        Assert.Contains("<html lang=\"zh-CN\">", await browser.GetStringAsync("/account/login"));
    }

    [Theory]
    [InlineData("//evil.example/phish")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task The_switch_only_goes_back_to_this_site(string returnUrl)
    {
        var response = await App.Anonymous().PostAsync("/language", Form(("culture", "en"), ("returnUrl", returnUrl)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task An_unknown_language_is_refused_with_a_page_and_changes_nothing()
    {
        var response = await App.Anonymous().PostAsync("/language", Form(("culture", "fr"), ("returnUrl", "/")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("不支持的语言：fr（可选 zh-CN 或 en）", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task An_account_in_English_sees_its_pages_in_English()
    {
        var admin = await App.AsAdminAsync();
        var created = await admin.PostAsJsonAsync("/api/users", new
        {
            email = "english.officer@test.example", displayName = "Jane Officer", password = "english-officer-1", role = "Officer", culture = "en",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await App.AccountInUseAsync("english.officer@test.example");
        var browser = App.Anonymous();
        var login = await browser.GetStringAsync("/account/login");
        var signedIn = await browser.PostAsync("/account/login", Form(
            ("__RequestVerificationToken", TokenIn(login)), ("email", "english.officer@test.example"), ("password", "english-officer-1")));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        var cases = await browser.GetStringAsync("/cases");

        Assert.Contains("<html lang=\"en\">", cases);
        Assert.Contains(">Cases</a>", cases);
        Assert.Contains("Jane Officer", cases); // the navigation names the person, not the email
    }

    [Fact]
    public async Task A_link_page_speaks_its_recipients_language_and_the_timeline_is_in_words()
    {
        var admin = await App.AsAdminAsync();
        var department = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/departments/jxj");
        var updated = await admin.PutAsJsonAsync("/api/departments/jxj", new
        {
            name = department.GetProperty("name").GetString(),
            handler = new { name = "Li Ming", email = "li.ming@anyue.gov.example", culture = "en" },
            leader = new { name = "王局长", email = "jxj.leader@anyue.gov.example", culture = "zh-CN" },
        });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var officer = await App.AsOfficerAsync("language.officer@test.example");
        var number = (await OpenAsync(officer, NewCase("jxj"))).GetProperty("number").GetString()!;
        var handlerLink = PathOf(LinkIn(Assert.Single(await MailsAsync(App, "li.ming@anyue.gov.example"))));
        var leaderLink = PathOf(LinkIn(Assert.Single(await MailsAsync(App, "jxj.leader@anyue.gov.example"))));

        var handlerPage = await App.Anonymous().GetStringAsync(handlerLink);
        var leaderPage = await App.Anonymous().GetStringAsync(leaderLink);
        var chosen = new HttpRequestMessage(HttpMethod.Get, handlerLink);
        chosen.Headers.Add("Cookie", "liaison.lang=zh-CN");
        var handlerInChinese = await (await App.Anonymous().SendAsync(chosen)).Content.ReadAsStringAsync();

        Assert.Contains("<html lang=\"en\">", handlerPage);
        Assert.Contains("<h2 id=\"accept-title\">Accept</h2>", handlerPage);
        Assert.Contains("Dispatched", handlerPage); // a timeline entry, in words
        Assert.DoesNotContain("li.ming@", handlerPage);
        Assert.Contains("<html lang=\"zh-CN\">", leaderPage);
        Assert.Contains(">提醒经办人</h2>", leaderPage);
        Assert.Contains("<html lang=\"zh-CN\">", handlerInChinese); // the reader's own choice wins
        Assert.Contains(">签收</h2>", handlerInChinese);

        // A return without its reason asks for one in words: the list of codes is for the API's callers.
        var noReason = await (await PostActionAsync(App.Anonymous(), handlerLink, "return", new() { ["reasonCode"] = "", ["note"] = "Not ours" }))
            .Content.ReadAsStringAsync();
        Assert.Contains("Reason: choose a reason for returning it", noReason);
        Assert.DoesNotContain("not-our-remit (", noReason);

        // Once the case is cancelled the link has ended, and says so in the recipient's language too.
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业撤回" })).StatusCode);
        var ended = await App.Anonymous().GetAsync(handlerLink);
        var endedPage = await ended.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Gone, ended.StatusCode);
        Assert.Contains("<html lang=\"en\">", endedPage);
        Assert.Contains("This link has ended", endedPage);
    }

    private async Task<string> GetAsync(string path, string acceptLanguage)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        return await (await App.Anonymous().SendAsync(request)).Content.ReadAsStringAsync();
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

}
