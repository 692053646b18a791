using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Pages;

/// <summary>
/// Names and notes in the other language than the page's say their language (lang), so a screen reader pronounces them:
/// Chinese departments, people and enterprises on an English page, an English name on a Chinese one.
/// </summary>
public sealed class OtherLanguageNamesTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string OfficerEmail = "lang.officer@test.example";
    private LiaisonApp App => fixture.App;

    [Fact]
    public async Task The_link_page_in_English_marks_its_Chinese_names_and_in_Chinese_an_English_one()
    {
        var api = await App.AsOfficerAsync(OfficerEmail);
        var number = (await OpenAsync(api)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(App, Handler, number)).First(m => m.Subject!.Contains("派单", StringComparison.Ordinal))));
        var handler = App.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(handler, link, "accept")).StatusCode);

        var english = await InEnglishAsync(App.Anonymous(), link);
        Assert.Contains("· <span lang=\"zh\">发展和改革局</span></p>", english);
        Assert.Contains("<dd lang=\"zh\">安岳示例柠檬科技有限公司</dd>", english);
        Assert.Contains("<span lang=\"zh\">测试专员</span>", english);
        Assert.Contains("<h1 lang=\"zh\">项目用电报装</h1>", english);
        // Inside the timeline's English words.
        Assert.Contains("Dispatched (to <span lang=\"zh\">发展和改革局</span>, round 1 of the case;", english);

        // A Chinese page marks no Chinese; an officer with an English name is marked as English.
        await App.NameAsync(OfficerEmail, "Amy Chen");
        var chinese = await App.Anonymous().GetStringAsync(link);
        Assert.DoesNotContain("lang=\"zh\"", chinese[chinese.IndexOf("<body>", StringComparison.Ordinal)..]);
        Assert.Contains("<span lang=\"en\">Amy Chen</span>", chinese);
        Assert.Contains("· 发展和改革局</p>", chinese);
        await App.NameAsync(OfficerEmail, "测试专员");
    }

    [Fact]
    public async Task The_officers_timeline_in_English_marks_Chinese_names_and_notes()
    {
        var api = await App.AsOfficerAsync(OfficerEmail);
        var number = (await OpenAsync(api)).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "改由供电公司办理" })).StatusCode);
        var browser = await App.SignInThroughFormAsync(OfficerEmail, "officer-password-1");

        var page = await InEnglishAsync(browser, $"/cases/{number}");
        Assert.Contains("From <span lang=\"zh\">发展和改革局</span> to <span lang=\"zh\">供电公司</span>", page);
        Assert.Contains("<div class=\"pre\" lang=\"zh\">改由供电公司办理</div>", page);
        Assert.Contains("<td role=\"cell\"><span lang=\"zh\">测试专员</span></td>", page);
        // The case's facts above it alike.
        Assert.Contains("<h1 lang=\"zh\">项目用电报装</h1>", page);
        Assert.Contains("<dd lang=\"zh\">供电公司</dd>", page);
        Assert.Contains("<dd data-officer><span lang=\"zh\">测试专员</span> <span class=\"muted\">", page);
    }

    [Fact]
    public async Task The_enterprises_page_in_English_marks_its_Chinese_names()
    {
        var api = await App.AsOfficerAsync(OfficerEmail);
        var number = await OpenForAsync(api, await RegisterAsync(api, 9101));
        var (_, path) = (await EnterpriseLinksAsync(App, number)).First();

        var english = await InEnglishAsync(App.Anonymous(), path);
        Assert.Contains("· <span lang=\"zh\">安岳测试柠檬科技有限公司</span>9101</p>", english);
        Assert.Contains("<dd lang=\"zh\">发展和改革局</dd>", english);
        Assert.Contains("Park officer <span lang=\"zh\">测试专员</span>", english);
        var chinese = await App.Anonymous().GetStringAsync(path);
        Assert.DoesNotContain("lang=\"zh\"", chinese[chinese.IndexOf("<body>", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task The_officers_lists_in_English_mark_Chinese_names_and_in_Chinese_an_English_one()
    {
        const string email = "lang.lists@test.example";
        var api = await App.AsOfficerAsync(email);
        var enterprise = await RegisterAsync(api, 9102);
        var number = await OpenForAsync(api, enterprise);
        await ConfirmAsync(App, api, number);
        var rating = (await EnterpriseLinksAsync(App, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(App.Anonymous(), rating, "unsatisfied", "电压仍不稳定")).StatusCode);
        var english = await App.SignInThroughFormAsync(email, "officer-password-1");

        var cases = await InEnglishAsync(english, "/cases?enterpriseId=" + enterprise);
        var row = cases[cases.IndexOf($"data-case=\"{number}\"", StringComparison.Ordinal)..];
        Assert.Contains("<td role=\"cell\"><span lang=\"zh\">新厂房专线接电</span>", row);
        Assert.Contains("<td role=\"cell\"><span lang=\"zh\">安岳测试柠檬科技有限公司</span>9102</td>", row);
        Assert.Contains("<td role=\"cell\"><span lang=\"zh\">发展和改革局</span>", row);
        Assert.Contains("<option value=\"fgj\" lang=\"zh\">发展和改革局</option>", cases);
        Assert.Contains("<a href=\"/enterprises/" + enterprise + "\"><span lang=\"zh\">安岳测试柠檬科技有限公司</span>9102</a>", cases);

        // The workbench's cases awaiting a decision (the unsatisfied rating), through the same rows.
        Assert.Contains("<td role=\"cell\"><span lang=\"zh\">新厂房专线接电</span>", await english.GetStringAsync("/workbench"));

        var register = await english.GetStringAsync("/enterprises?q=" + Code(9102));
        Assert.Contains("\"><span lang=\"zh\">安岳测试柠檬科技有限公司</span>9102</a>", register);
        Assert.Contains("<span lang=\"zh\">张敏</span></td>", register);

        var ratings = await english.GetStringAsync("/ratings");
        Assert.Contains($"{number}</a> <span lang=\"zh\">新厂房专线接电</span></td>", ratings);
        Assert.Contains("<span lang=\"zh\">电压仍不稳定</span></td>", ratings);

        Assert.Contains("<th scope=\"row\" lang=\"zh\">发展和改革局</th>", await english.GetStringAsync("/reports/league-table"));

        var admin = await App.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var audit = await InEnglishAsync(admin, "/admin/audit?area=enterprise&subject=" + Code(9102));
        Assert.Contains("<span lang=\"zh\">安岳测试柠檬科技有限公司</span>9102</li>", audit);

        // On Chinese pages, an English title and an officer's English name.
        await App.NameAsync(email, "Amy Chen");
        var englishTitle = await OpenForAsync(api, enterprise, title: "Grid connection");
        var chinese = await App.SignInThroughFormAsync(email, "officer-password-1");
        var list = await chinese.GetStringAsync("/cases?enterpriseId=" + enterprise);
        Assert.Contains("<td role=\"cell\"><span lang=\"en\">Grid connection</span>", list[list.IndexOf($"data-case=\"{englishTitle}\"", StringComparison.Ordinal)..]);
        Assert.Contains("lang=\"en\">Amy Chen（lang.lists@test.example）</option>", list);
        Assert.DoesNotContain("lang=\"zh\"", list[list.IndexOf("<body>", StringComparison.Ordinal)..]);
    }

    /// <summary>
    /// English pages write English punctuation: no full-width plus (＋ 登记企业 read "＋ Register an enterprise") or other
    /// full-width mark outside the Chinese names they show (lang="zh"); the Chinese pages keep theirs.
    /// </summary>
    [Fact]
    public async Task English_pages_put_no_full_width_punctuation_in_their_own_words()
    {
        var admin = await App.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        string[] paths = ["/enterprises", "/admin/departments", "/workbench", "/cases", "/reports/league-table", "/admin", "/enterprises/new"];
        Assert.Contains(">＋ 登记企业</a>", WebUtility.HtmlDecode(await admin.GetStringAsync("/enterprises")));
        Assert.Contains(">＋ 新增部门</a>", WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/departments")));

        foreach (var path in paths)
        {
            var page = await InEnglishAsync(admin, path);
            var body = page[page.IndexOf("<body>", StringComparison.Ordinal)..];
            // Chinese names and notes (marked as such), and the language switch's own 中文, aside.
            var own = Regex.Replace(body, "<(\\w+)[^>]*lang=\"zh\"[^>]*>.*?</\\1>", "", RegexOptions.Singleline);
            own = Regex.Replace(own, "<(script|style)[^>]*>.*?</\\1>", "", RegexOptions.Singleline);
            var text = WebUtility.HtmlDecode(Regex.Replace(own, "<[^>]+>", " "));
            Assert.True(!Regex.IsMatch(text, "[＋，。：；（）【】！？]"), $"{path}: {Regex.Match(text, ".{0,40}[＋，。：；（）【】！？].{0,40}").Value}");
        }

        Assert.Contains(">+ Register an enterprise</a>", WebUtility.HtmlDecode(await InEnglishAsync(admin, "/enterprises")));
        Assert.Contains(">+ New department</a>", WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/departments")));
    }

    private static async Task<string> InEnglishAsync(HttpClient browser, string path)
    {
        await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" }));
        return await browser.GetStringAsync(path);
    }
}
