using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Liaison.Cases.Enterprises;
using Liaison.Server.Cases;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// What a park officer walking through the case list and the case page expects: counts that leave withdrawn parts out,
/// a cancelled case's reason, today's chief service officer, search by credit code, the dispatch meeting's filters,
/// names said once, extension requests called so, and refusals in people's words.
/// </summary>
public sealed partial class CaseListAndPageTests : IAsyncLifetime
{
    private const string OfficerEmail = "officer@test.example";

    // Another valid code (GB 32100-2015 check character), of another region than CaseTestKit.CreditCode.
    private const string OtherCreditCode = "914403001922038216";

    private LiaisonApp _app = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CaseListAndPageTests));
        _api = await _app.AsOfficerAsync(OfficerEmail);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Pages_the_export_and_refusals_call_normal_or_urgent_紧急程度_Urgency_as_the_mails_do()
    {
        var browser = await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1");
        var list = await browser.GetStringAsync("/cases");
        var form = await browser.GetStringAsync("/cases/new");
        Assert.Contains("<label for=\"f-priority\">紧急程度</label>", list);
        Assert.Contains("<label for=\"priority\">紧急程度</label>", form);
        Assert.DoesNotContain("优先级", list + form);
        var csv = (await _api.GetStringAsync("/api/cases/export.csv")).TrimStart('\uFEFF');
        Assert.Contains(",紧急程度 Urgency,", csv.Split("\r\n")[0]);

        // A refusal names the field so, in either language: the list's filter (its 400 page) and the API's.
        var filtered = await browser.GetAsync("/cases?priority=asap");
        Assert.Equal(HttpStatusCode.BadRequest, filtered.StatusCode);
        Assert.Contains("紧急程度只能是“普通”或“紧急”（normal/urgent），不是 asap", WebUtility.HtmlDecode(await filtered.Content.ReadAsStringAsync()));
        var problem = Regex.Unescape(await (await _api.GetAsync("/api/cases?priority=asap")).Content.ReadAsStringAsync());
        Assert.Contains("紧急程度只能是“普通”或“紧急”（normal/urgent），不是 asap", problem);
        Assert.Contains("urgency must be normal or urgent, not 'asap'", problem);

        await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" }));
        Assert.Contains("<label for=\"f-priority\">Urgency</label>", await browser.GetStringAsync("/cases"));
        Assert.Contains("<label for=\"priority\">Urgency</label>", await browser.GetStringAsync("/cases/new"));
    }

    [Fact]
    public async Task A_withdrawn_co_handler_is_not_counted_in_the_list_the_export_or_the_case_page_which_still_shows_it_withdrawn()
    {
        var body = JsonSerializer.SerializeToNode(NewCase(department: "zrzyj"))!.AsObject();
        body["coDepartments"] = JsonNode.Parse("""[{"departmentCode":"zjj"},{"departmentCode":"xzspj","task":"请核实审批材料"}]""");
        var number = (await OpenAsync(_api, body)).GetProperty("number").GetString()!;
        var part = (await GetCaseAsync(_api, number)).GetProperty("coDepartments").EnumerateArray()
            .Single(p => p.GetProperty("departmentCode").GetString() == "xzspj").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsJsonAsync($"/api/cases/{number}/parts/{part}/drop", new { reason = "无需审批" })).StatusCode);

        var item = (await _api.GetFromJsonAsync<JsonElement>("/api/cases")).GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("number").GetString() == number);
        Assert.Equal(1, item.GetProperty("coHandlers").GetInt32());

        var browser = await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1");
        var list = await browser.GetStringAsync("/cases");
        Assert.Contains("data-co-handlers=\"1\">&#x2B;1 协办</span>", list);

        var csv = (await _api.GetStringAsync($"/api/cases/export.csv?q={number}")).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("编号 Number,事项 Title,企业 Enterprise,类别 Category,紧急程度 Urgency,主办部门 Lead department,协办部门数 Co-handling departments,", csv[0]);
        Assert.Equal("1", csv[1].Split(',')[6]);

        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.Contains("<h2 data-co-handling=\"1\">协办部门（1，另有 1 个已撤回）</h2>", page);
        Assert.Matches("<tr role=\"row\" data-part=\"xzspj\">.*?已撤回.*?</tr>", Regex.Replace(page, "\\s+", " "));
    }

    [Fact]
    public async Task A_cancelled_case_page_says_who_cancelled_it_when_and_why()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        _app.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业已自行解决用电问题" })).StatusCode);
        var browser = await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1");

        var card = Regex.Match(await browser.GetStringAsync($"/cases/{number}"), "<div class=\"card\" data-cancellation>.*?</div>", RegexOptions.Singleline).Value;

        Assert.Contains("<h2>撤销原因</h2>", card);
        Assert.Contains("测试专员 于 2026-03-02 11:00 撤销", card);
        Assert.Contains("<p class=\"pre\" data-cancel-reason>企业已自行解决用电问题</p>", card);

        var english = new HttpRequestMessage(HttpMethod.Get, $"/cases/{number}");
        english.Headers.Add("Cookie", "liaison.lang=en");
        var englishPage = await (await browser.SendAsync(english)).Content.ReadAsStringAsync();
        Assert.Contains("Cancelled by 测试专员 on 2026-03-02 11:00", englishPage);

        // An open case has no such card.
        var open = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        Assert.DoesNotContain("data-cancellation", await browser.GetStringAsync($"/cases/{open}"));
    }

    [Fact]
    public async Task A_case_shows_the_register_s_chief_service_officer_of_today_not_the_one_when_it_was_opened()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var enterpriseId = (await GetCaseAsync(_api, number)).GetProperty("enterprise").GetProperty("id").GetInt64();
        Assert.Equal(JsonValueKind.Null, (await GetCaseAsync(_api, number)).GetProperty("enterprise").GetProperty("chiefServiceOfficer").ValueKind);
        await _app.AsOfficerAsync("first.chief@test.example");
        await _app.NameAsync("first.chief@test.example", "王首席");
        await _app.AsOfficerAsync("next.chief@test.example");
        await _app.NameAsync("next.chief@test.example", "李首席");
        var browser = await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1");

        // Named after the case was opened: shown.
        await ChiefAsync(enterpriseId, "first.chief@test.example");
        Assert.Equal("王首席", (await GetCaseAsync(_api, number)).GetProperty("enterprise").GetProperty("chiefServiceOfficer").GetString());
        Assert.Contains("<dt>首席服务员</dt><dd>王首席</dd>", await browser.GetStringAsync($"/cases/{number}"));

        // Handed over to another (the first deactivated): the new one, as the register says.
        await ChiefAsync(enterpriseId, "next.chief@test.example");
        Assert.Equal("李首席", (await GetCaseAsync(_api, number)).GetProperty("enterprise").GetProperty("chiefServiceOfficer").GetString());
        Assert.Contains("<dt>首席服务员</dt><dd>李首席</dd>", await browser.GetStringAsync($"/cases/{number}"));
    }

    [Fact]
    public async Task The_search_finds_cases_by_the_enterprise_s_credit_code_whole_or_its_first_characters_and_the_register_by_a_prefix()
    {
        var lemon = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var other = (await OpenAsync(_api, Enterprise(NewCase(), "深圳示例电子有限公司", OtherCreditCode))).GetProperty("number").GetString()!;

        Assert.Equal([lemon], await NumbersAsync($"q={CreditCode}"));
        Assert.Equal([lemon], await NumbersAsync($"q={CreditCode.ToLowerInvariant()}"));
        Assert.Equal([lemon], await NumbersAsync("q=91350100"));
        Assert.Equal([other], await NumbersAsync("q=914403"));
        Assert.Empty(await NumbersAsync("q=91350100M000100Y44")); // another code: not a match
        Assert.Equal([lemon], await NumbersAsync($"q={CreditCode}&departmentCode=fgj"));

        var browser = await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1");
        var page = await browser.GetStringAsync($"/cases?q={CreditCode}");
        Assert.Contains($"href=\"/cases/{lemon}\"", page);
        Assert.DoesNotContain($"href=\"/cases/{other}\"", page);

        async Task<List<string>> NamesAsync(string q) =>
            (await _api.GetFromJsonAsync<JsonElement>($"/api/enterprises?q={q}")).GetProperty("items").EnumerateArray()
                .Select(i => i.GetProperty("name").GetString()!).ToList();
        Assert.Equal(["安岳示例柠檬科技有限公司"], await NamesAsync("913501"));
        Assert.Equal(["深圳示例电子有限公司"], await NamesAsync("9144030019"));
        Assert.Equal(["安岳示例柠檬科技有限公司"], await NamesAsync(CreditCode));
        Assert.Empty(await NamesAsync("91350")); // fewer than 6 characters: no prefix search
    }

    [Fact]
    public async Task The_list_filters_by_category_priority_opened_dates_and_key_enterprise_in_the_api_the_page_and_the_export()
    {
        var plain = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var urgentBody = JsonSerializer.SerializeToNode(NewCase(category: "project-landing"))!.AsObject();
        urgentBody["priority"] = "urgent";
        var urgent = (await OpenAsync(_api, urgentBody)).GetProperty("number").GetString()!;
        _app.Clock.Advance(TimeSpan.FromDays(1)); // 2026-03-03 09:00 in the zone
        var keyBody = JsonSerializer.SerializeToNode(Enterprise(NewCase(), "深圳示例电子有限公司", OtherCreditCode))!.AsObject();
        keyBody["enterprise"]!["isKey"] = true;
        var key = (await OpenAsync(_api, keyBody)).GetProperty("number").GetString()!;

        Assert.Equal([urgent], await NumbersAsync("category=project-landing"));
        Assert.Equal([key, plain], await NumbersAsync("category=factor-guarantee"));
        Assert.Equal([urgent], await NumbersAsync("priority=urgent"));
        Assert.Equal([key, plain], await NumbersAsync("priority=NORMAL"));
        Assert.Equal([key], await NumbersAsync("openedFrom=2026-03-03"));
        Assert.Equal([urgent, plain], await NumbersAsync("openedTo=2026-03-02"));
        Assert.Equal([urgent, plain], await NumbersAsync("openedFrom=2026-03-02&openedTo=2026-03-02"));
        Assert.Empty(await NumbersAsync("openedFrom=2026-03-04"));
        Assert.Equal([key], await NumbersAsync("key=true"));
        Assert.Equal([urgent, plain], await NumbersAsync("key=false"));
        Assert.Equal([plain], await NumbersAsync("key=false&category=factor-guarantee&openedTo=2026-03-02"));
        // With the department filter (its own read).
        Assert.Equal([urgent], await NumbersAsync("departmentCode=fgj&priority=urgent"));

        // Unknown values: refused in words, naming the field.
        foreach (var (query, field, words) in new[]
        {
            ("category=land", "category", "没有代码为 land 的类别"),
            ("priority=high", "priority", "紧急程度只能是“普通”或“紧急”（normal/urgent）"),
            ("openedFrom=2026-13-01", "openedFrom", "受理日期（起）须是 2000-01-01 至 2099-12-31 之间的日期，如 2026-03-02"),
            ("openedTo=yesterday", "openedTo", "受理日期（止）须是 2000-01-01 至 2099-12-31 之间的日期，如 2026-03-02"),
            // The ends of the calendar: no day after 9999-12-31, no offset before 0001-01-01 (were 500s).
            ("openedTo=9999-12-31", "openedTo", "受理日期（止）须是 2000-01-01 至 2099-12-31 之间的日期"),
            ("openedFrom=0001-01-01", "openedFrom", "受理日期（起）须是 2000-01-01 至 2099-12-31 之间的日期"),
            ("openedFrom=2026-03-03&openedTo=2026-03-02", "openedTo", "受理日期（止）不能早于受理日期（起）"),
            ("key=maybe", "key", "只能是“是”或“否”（true/false）"),
            ("overdue=maybe", "overdue", "只能是“是”或“否”（true/false）"),
            ("pageSize=0", "pageSize", "每页件数须在 1 到 200 之间"),
            ("pageSize=201", "pageSize", "每页件数须在 1 到 200 之间"),
        })
        {
            var bad = await _api.GetAsync("/api/cases?" + query);
            var problem = await bad.Content.ReadAsStringAsync();
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, query + ": " + problem);
            Assert.Contains($"\"{field}\"", problem);
            Assert.Contains(words, Regex.Unescape(problem));
        }

        // pageSize is honoured, within its bounds.
        var small = await _api.GetFromJsonAsync<JsonElement>("/api/cases?pageSize=2");
        Assert.Equal(2, small.GetProperty("pageSize").GetInt32());
        Assert.Equal(2, small.GetProperty("items").GetArrayLength());
        Assert.Equal(3, small.GetProperty("total").GetInt32());
        Assert.Equal(1, (await _api.GetFromJsonAsync<JsonElement>("/api/cases?pageSize=2&page=2")).GetProperty("items").GetArrayLength());

        // The page: the fields, kept in the export link; refusals in words.
        var browser = await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1");
        var page = await browser.GetStringAsync("/cases?category=project-landing&priority=urgent&openedFrom=2026-03-01&openedTo=2026-03-02&key=false");
        Assert.Contains($"href=\"/cases/{urgent}\"", page);
        Assert.DoesNotContain($"href=\"/cases/{plain}\"", page);
        Assert.Matches("<option value=\"project-landing\" selected", page);
        Assert.Matches("<option value=\"urgent\" selected", page);
        Assert.Matches("<option value=\"false\" selected=\"\">非重点企业</option>|<option value=\"false\" selected>非重点企业</option>", page);
        Assert.Contains("name=\"openedFrom\" type=\"date\" value=\"2026-03-01\"", page);
        var export = WebUtility.HtmlDecode(Regex.Match(page, "<a href=\"([^\"]+)\" data-export").Groups[1].Value);
        Assert.Equal("/api/cases/export.csv?category=project-landing&priority=urgent&openedFrom=2026-03-01&openedTo=2026-03-02&key=false", export);
        var csv = (await browser.GetStringAsync(export)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([urgent], csv.Skip(1).Select(l => l.Split(',')[0]));

        var refused = await browser.GetAsync("/cases?priority=high&key=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusedPage = await refused.Content.ReadAsStringAsync();
        Assert.Contains("重点企业筛选只能是“是”或“否”（true/false）", refusedPage);
    }

    [Fact]
    public async Task The_page_links_keep_the_new_filters()
    {
        for (var i = 0; i < CaseQueries.PageSize + 1; i++)
        {
            await OpenAsync(_api, NewCase(category: "project-landing", title: $"翻页 {i}"));
        }

        var browser = await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1");
        var page = await browser.GetStringAsync("/cases?category=project-landing&openedFrom=2026-03-02");

        Assert.Contains(WebUtility.HtmlEncode("/cases?category=project-landing&openedFrom=2026-03-02&page=2"), page);
    }

    [Theory]
    [InlineData("供电公司分管领导（示例）", "供电公司", true, "供电公司分管领导（示例）", "供电公司分管领导（示例）")]
    [InlineData("住房和城乡建设局联络人（示例）", "住房和城乡建设局", false, "住房和城乡建设局联络人（示例）", "住房和城乡建设局联络人（示例）")]
    [InlineData("供电公司张局", "供电公司", true, "供电公司张局（分管领导）", "供电公司张局 (leader)")]
    [InlineData("张三", "供电公司", true, "张三（供电公司分管领导）", "张三 (供电公司, leader)")]
    [InlineData("李四", "税务局", false, "李四（税务局）", "李四 (税务局)")]
    public void A_liaison_s_name_says_the_department_and_role_once(string name, string department, bool leader, string zh, string en)
    {
        var said = ActorNames.Liaison(name, department, leader);

        Assert.Equal(zh, said.Zh);
        Assert.Equal(en, said.En);
    }

    [Fact]
    public async Task The_timeline_names_the_sample_liaison_once()
    {
        var number = (await OpenAsync(_api, NewCase(department: "zjj"))).GetProperty("number").GetString()!;
        var mail = Assert.Single(await MailsAsync(_app, "zjj.handler@anyue.example"));
        var link = PathOf(LinkIn(mail));
        var liaison = _app.Anonymous();
        Assert.True((await PostActionAsync(liaison, link, "accept")).StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.OK);
        var browser = await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1");

        var page = await browser.GetStringAsync($"/cases/{number}");

        Assert.Contains("住房和城乡建设局联络人（示例）", page);
        Assert.DoesNotContain("住房和城乡建设局联络人（示例）（住房和城乡建设局）", page);
    }

    [Fact]
    public async Task Extension_counts_are_called_requests_on_the_case_page_and_the_league_table()
    {
        var number = (await OpenAsync(_api)).GetProperty("number").GetString()!;
        var browser = await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1");

        Assert.Contains("<dt>退回 / 延期申请 / 重办</dt>", await browser.GetStringAsync($"/cases/{number}"));
        var league = await browser.GetStringAsync("/reports/league-table");
        Assert.Contains("<th scope=\"col\">延期申请</th>", league);
        Assert.DoesNotContain("<th scope=\"col\">延期</th>", league);
        var csv = Encoding.UTF8.GetString(await _api.GetByteArrayAsync("/api/reports/league-table.csv"));
        Assert.Contains(",延期申请 Extension requests,", csv);
        Assert.Contains(",协办延期申请 Parts' extension requests,", csv);
    }

    private Task ChiefAsync(long enterpriseId, string email) => _app.WithDbAsync(async db =>
    {
        var id = await db.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant()).Select(u => u.Id).SingleAsync();
        return await db.Set<RegisteredEnterprise>().Where(e => e.Id == enterpriseId).ExecuteUpdateAsync(s => s.SetProperty(e => e.ChiefServiceOfficerId, id));
    });

    private async Task<List<string>> NumbersAsync(string query)
    {
        var response = await _api.GetAsync("/api/cases?" + query);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, query + ": " + json);
        return json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()!).ToList();
    }

    private static JsonObject Enterprise(object body, string name, string creditCode)
    {
        var node = JsonSerializer.SerializeToNode(body)!.AsObject();
        node["enterprise"] = new JsonObject { ["name"] = name, ["creditCode"] = creditCode, ["contact"] = "赵经理 13900000000" };
        return node;
    }
}
