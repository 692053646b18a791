using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Liaison.Cases.Enterprises;
using Liaison.Server.Digests;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Visits;

/// <summary>
/// Visits (走访) on a real database and SMTP listener: logging, one case per problem in one click (even a hundred at
/// once), the visitDue filter as the fake clock moves, the chief's and squad's digests, the league table's block.
/// The clock starts on Monday 2 March 2026, 09:00 in Shanghai.
/// </summary>
public sealed class VisitTests : IAsyncLifetime
{
    private const string Chief = "chief@test.example";
    private const string Squad = "squad@test.example";
    private const string OfficerPassword = "officer-password-1";
    private const string FgjHandler = "fgj.handler@anyue.example";
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _squad = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(VisitTests));
        await _app.AsOfficerAsync(Chief);
        _squad = await _app.AsOfficerAsync(Squad);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void At(int month, int day, int hour, int minute = 0) =>
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, minute, 0, China).ToUniversalTime());

    private static string Code(int n)
    {
        var first17 = $"91512021MA2{n:D6}";
        return first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
    }

    /// <summary>Registers a key enterprise served by <see cref="Chief"/> and <see cref="Squad"/>; its id.</summary>
    private async Task<long> RegisterAsync(int n, string name, int? visitEveryDays = null, bool isKey = true, string? chief = Chief)
    {
        var admin = await _app.AsAdminAsync();
        var response = await admin.PostAsJsonAsync("/api/enterprises", new
        {
            name,
            creditCode = Code(n),
            industryChain = "天然气",
            isKey,
            chiefServiceOfficer = chief,
            serviceSquad = isKey ? new[] { Squad } : [],
            visitEveryDays,
            contacts = new object[] { new { name = "王经理", phone = "13800001111", email = $"wang{n}@ent.example", forNotices = true } },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    private static object Problem(string title, string? department = "fgj", string? category = "factor-guarantee") =>
        new { title, description = title + "，需协调解决。", departmentCode = department, category };

    private async Task<JsonElement> LogAsync(HttpClient officer, long enterpriseId, string visitedOn, params object[] problems)
    {
        var response = await officer.PostAsJsonAsync($"/api/enterprises/{enterpriseId}/visits", new
        {
            visitedOn,
            officers = new[] { Chief },
            findings = "企业生产正常，反映用电和用工问题。",
            problems,
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body;
    }

    private static long ProblemId(JsonElement visit, int i) => visit.GetProperty("problems")[i].GetProperty("id").GetInt64();

    private Task<HttpResponseMessage> ClickAsync(HttpClient officer, JsonElement visit, int problem, object? body = null) =>
        officer.PostAsJsonAsync($"/api/visits/{visit.GetProperty("id").GetInt64()}/problems/{ProblemId(visit, problem)}/case", body ?? new { });

    [Fact]
    public async Task A_visit_sent_twice_or_five_times_at_once_with_its_request_id_is_logged_once()
    {
        var enterpriseId = await RegisterAsync(90, "安岳重复提交测试有限公司");
        var other = await RegisterAsync(91, "安岳另一家测试有限公司");
        var id = Guid.NewGuid();
        object Body(long e) => new { visitedOn = "2026-03-02", officers = new[] { Chief }, findings = "企业生产正常。", problems = new[] { Problem("用电") }, requestId = id };

        var sent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _squad.PostAsJsonAsync($"/api/enterprises/{enterpriseId}/visits", Body(enterpriseId))));
        var again = await _squad.PostAsJsonAsync($"/api/enterprises/{enterpriseId}/visits", Body(enterpriseId));
        var elsewhere = await _squad.PostAsJsonAsync($"/api/enterprises/{other}/visits", Body(other));
        // The id again with the findings changed is another request: refused, and the visit keeps what was first sent.
        var changed = await _squad.PostAsJsonAsync($"/api/enterprises/{enterpriseId}/visits",
            new { visitedOn = "2026-03-02", officers = new[] { Chief }, findings = "企业生产正常，补充：用电仍不稳定。", problems = new[] { Problem("用电") }, requestId = id });

        Assert.All(sent.Append(again), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(sent.Append(again).Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64()));
        Assert.Single(ids.Distinct());
        Assert.Equal(HttpStatusCode.Conflict, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Contains("这次的内容与上次不同", (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal("企业生产正常。", await _app.WithDbAsync(db => db.Set<EnterpriseVisit>().Where(v => v.EnterpriseId == enterpriseId).Select(v => v.Findings).SingleAsync()));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<VisitProblem>().CountAsync(p => db.Set<EnterpriseVisit>().Any(v => v.Id == p.VisitId && v.EnterpriseId == enterpriseId))));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<EnterpriseVisit>().CountAsync(v => v.EnterpriseId == other)));
    }

    [Fact]
    public async Task A_squad_member_logs_a_visit_with_two_problems_and_raises_two_cases_in_one_click_each()
    {
        var enterpriseId = await RegisterAsync(1, "安岳走访燃气有限公司");
        var visit = await LogAsync(_squad, enterpriseId, "2026-03-02", Problem("10kV 专线接入慢"), Problem("用工招聘困难", "rsj", "project-landing"));
        var visitId = visit.GetProperty("id").GetInt64();
        Assert.Equal(["测试专员", "测试专员"], visit.GetProperty("officers").EnumerateArray().Select(o => o.GetProperty("displayName").GetString()));
        Assert.Equal([Chief, Squad], visit.GetProperty("officers").EnumerateArray().Select(o => o.GetProperty("email").GetString()).Order());

        // One click through the API …
        var first = await ClickAsync(_squad, visit, 0);
        var firstCase = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(first.StatusCode == HttpStatusCode.Created, firstCase.ToString());
        // … and one through the visit page's button (a browser signed in through the form, with the page's token).
        var browser = await _app.SignInThroughFormAsync(Squad, OfficerPassword);
        var page = await browser.GetStringAsync($"/visits/{visitId}");
        var button = FormFor(page, $"raise-{ProblemId(visit, 1)}") ?? throw new InvalidOperationException(page);
        var clicked = await browser.PostAsync($"/visits/{visitId}/problems/{ProblemId(visit, 1)}/case", new FormUrlEncodedContent(button));
        Assert.Equal(HttpStatusCode.Redirect, clicked.StatusCode);
        Assert.DoesNotContain("?", clicked.Headers.Location!.OriginalString);
        Assert.Contains("事项已受理并派单", await browser.GetStringAsync(clicked.Headers.Location!.OriginalString));
        Assert.Contains("转为事项并派单至", page);

        var read = await _squad.GetFromJsonAsync<JsonElement>($"/api/visits/{visitId}");
        var numbers = read.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("caseNumber").GetString()!).ToList();
        Assert.Equal(firstCase.GetProperty("number").GetString(), numbers[0]);
        Assert.Equal(clicked.Headers.Location!.OriginalString.Split('?')[0], "/cases/" + numbers[1]);
        foreach (var (number, department) in numbers.Zip(new[] { "fgj", "rsj" }))
        {
            var c = await GetCaseAsync(_squad, number);
            Assert.Equal(enterpriseId, c.GetProperty("enterprise").GetProperty("id").GetInt64());
            Assert.Equal(department, c.GetProperty("department").GetString());
            Assert.Equal("dispatched", c.GetProperty("status").GetString());
            var fromVisit = Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "from-visit");
            Assert.Equal(visitId, fromVisit.GetProperty("data").GetProperty("visitId").GetInt64());
            Assert.Contains($"href=\"/visits/{visitId}\"", await browser.GetStringAsync($"/cases/{number}"));
        }

        // Dispatch mails were queued with the cases: each department's handler got theirs.
        Assert.Single(await MailsAsync(_app, FgjHandler, numbers[0]));
        var rsjHandler = await _app.WithDbAsync(db => db.Departments.Where(d => d.Code == "rsj").Select(d => d.Handler.Email).SingleAsync());
        Assert.Single(await MailsAsync(_app, rsjHandler, numbers[1]));

        // Clicking again answers the same case and opens nothing.
        var again = await ClickAsync(_squad, visit, 0);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(numbers[0], (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString());
        Assert.Equal(2, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.EnterpriseId == enterpriseId)));

        // The visits page lists it, its cases counted.
        var visits = await _squad.GetFromJsonAsync<JsonElement>($"/api/enterprises/{enterpriseId}/visits");
        var listed = Assert.Single(visits.GetProperty("visits").EnumerateArray());
        Assert.Equal(2, listed.GetProperty("casesRaised").GetInt32());
        Assert.False(visits.GetProperty("cadence").GetProperty("due").GetBoolean());
        Assert.Equal("2026-04-01", visits.GetProperty("cadence").GetProperty("nextDueOn").GetString());
    }

    [Fact]
    public async Task A_hundred_parallel_clicks_on_one_problem_raise_one_case()
    {
        var enterpriseId = await RegisterAsync(2, "安岳并发测试有限公司");
        var visit = await LogAsync(_squad, enterpriseId, "2026-03-02", Problem("并发点击的问题"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => ClickAsync(_squad, visit, 0)));
        var bodies = await Task.WhenAll(responses.Select(async r => (r.StatusCode, Body: await r.Content.ReadFromJsonAsync<JsonElement>())));
        Assert.True(bodies.All(b => b.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK),
            string.Join("\n", bodies.Where(b => b.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK)).Take(3).Select(b => $"{b.StatusCode} {b.Body}"))
            + string.Join("\n", _app.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Take(2).Select(e => e.Text)));
        var numbers = bodies.Select(b => (b.StatusCode, b.Body.GetProperty("number").GetString())).ToList();

        Assert.Equal(1, numbers.Count(n => n.StatusCode == HttpStatusCode.Created));
        Assert.Equal(99, numbers.Count(n => n.StatusCode == HttpStatusCode.OK));
        var number = Assert.Single(numbers.Select(n => n.Item2).Distinct());
        Assert.Equal(1, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.EnterpriseId == enterpriseId)));
        Assert.Equal(1, await _app.WithDbAsync(db => db.CaseEvents.CountAsync(e => e.Kind == "from-visit")));
        Assert.Single(await MailsAsync(_app, FgjHandler, number!));
        // The clicks that found the problem being raised gave way without a failed query in the log.
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task A_problem_raised_for_one_department_is_refused_for_another_naming_its_case_and_asked_again_for_the_same_answers_it()
    {
        var enterpriseId = await RegisterAsync(20, "安岳两部门测试有限公司");
        var visit = await LogAsync(_squad, enterpriseId, "2026-03-02", Problem("部门待定的问题", department: null));

        var first = await ClickAsync(_squad, visit, 0, new { departmentCode = "fgj" });
        var other = await ClickAsync(_squad, visit, 0, new { departmentCode = "gdgs" });
        var same = await ClickAsync(_squad, visit, 0, new { departmentCode = "fgj" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var number = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        await AssertRaisedForAnotherAsync(other, number);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(number, (await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString());
        var c = Assert.Single(await _app.WithDbAsync(db => db.Cases.Where(x => x.EnterpriseId == enterpriseId).ToListAsync()));
        Assert.Equal("fgj", c.DepartmentCode);
    }

    [Fact]
    public async Task The_visit_pages_button_on_a_problem_raised_for_another_department_says_so_and_links_the_case()
    {
        var enterpriseId = await RegisterAsync(24, "安岳改选部门测试有限公司");
        var visit = await LogAsync(_squad, enterpriseId, "2026-03-02", Problem("改选部门的问题"));
        var visitId = visit.GetProperty("id").GetInt64();
        var browser = await _app.SignInThroughFormAsync(Squad, OfficerPassword);
        // The page, open before a colleague raised the problem for another department than it names.
        var stale = await browser.GetStringAsync($"/visits/{visitId}");
        var button = FormFor(stale, $"raise-{ProblemId(visit, 0)}") ?? throw new InvalidOperationException(stale);
        var raised = await ClickAsync(_squad, visit, 0, new { departmentCode = "gdgs" });
        var number = (await raised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;

        var clicked = await browser.PostAsync($"/visits/{visitId}/problems/{ProblemId(visit, 0)}/case", new FormUrlEncodedContent(button));

        Assert.Equal(HttpStatusCode.Conflict, clicked.StatusCode);
        var page = await clicked.Content.ReadAsStringAsync();
        Assert.Contains($"此问题已转为事项 {number}（责任部门：供电公司）", page);
        Assert.Contains($"<a href=\"/cases/{number}\">查看事项 {number}</a>", page);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.EnterpriseId == enterpriseId)));
    }

    [Fact]
    public async Task A_problem_raised_for_two_departments_at_once_becomes_one_case_and_the_other_department_is_told_which()
    {
        var enterpriseId = await RegisterAsync(21, "安岳同时两部门测试有限公司");
        var visit = await LogAsync(_squad, enterpriseId, "2026-03-02", Problem("同时选了两个部门的问题", department: null));

        // Ten requests for each department, all at once: whichever wins, the other department's are refused.
        var sent = Enumerable.Range(0, 20).Select(i => (Department: i % 2 == 0 ? "fgj" : "gdgs", Response: ClickAsync(_squad, visit, 0, new { departmentCode = i % 2 == 0 ? "fgj" : "gdgs" }))).ToList();
        await Task.WhenAll(sent.Select(s => s.Response));

        var c = Assert.Single(await _app.WithDbAsync(db => db.Cases.Where(x => x.EnterpriseId == enterpriseId).ToListAsync()));
        var won = sent.Where(s => s.Department == c.DepartmentCode).Select(s => s.Response.Result).ToList();
        Assert.Equal(1, won.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(won, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        foreach (var lost in sent.Where(s => s.Department != c.DepartmentCode))
        {
            await AssertRaisedForAnotherAsync(await lost.Response, c.Number);
        }

        Assert.Equal(1, await _app.WithDbAsync(db => db.CaseEvents.CountAsync(e => e.CaseId == c.Id && e.Kind == "from-visit")));
    }

    [Fact]
    public async Task A_raise_sent_again_with_its_request_id_answers_as_the_first_time_and_another_request_for_another_department_is_refused()
    {
        var enterpriseId = await RegisterAsync(22, "安岳重放测试有限公司");
        var visit = await LogAsync(_squad, enterpriseId, "2026-03-02", Problem("带请求编号的问题", department: null));
        var id = Guid.NewGuid();

        // Sent three times at once with one id (a retry after a lost answer), then once more.
        var sent = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ClickAsync(_squad, visit, 0, new { departmentCode = "fgj", requestId = id })));
        var again = await ClickAsync(_squad, visit, 0, new { departmentCode = "fgj", requestId = id });
        var otherDepartment = await ClickAsync(_squad, visit, 0, new { departmentCode = "gdgs", requestId = Guid.NewGuid() });
        var idReused = await ClickAsync(_squad, visit, 0, new { departmentCode = "gdgs", requestId = id });

        Assert.All(sent.Append(again), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var numbers = await Task.WhenAll(sent.Append(again).Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!));
        var number = Assert.Single(numbers.Distinct());
        await AssertRaisedForAnotherAsync(otherDepartment, number);
        Assert.Equal(HttpStatusCode.Conflict, idReused.StatusCode);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.EnterpriseId == enterpriseId)));
    }

    [Fact]
    public async Task A_second_new_case_form_for_a_raised_problem_naming_another_department_is_refused_above_the_form()
    {
        var enterpriseId = await RegisterAsync(23, "安岳两张表单测试有限公司");
        var visit = await LogAsync(_squad, enterpriseId, "2026-03-02", Problem("两张表单的问题", department: null, category: null));
        var problemId = ProblemId(visit, 0);
        var browser = await _app.SignInThroughFormAsync(Squad, OfficerPassword);
        // Two tabs opened on the form before either was sent.
        var tabs = await Task.WhenAll(browser.GetStringAsync($"/cases/new?visitProblemId={problemId}"), browser.GetStringAsync($"/cases/new?visitProblemId={problemId}"));
        Dictionary<string, string> Fields(string form, string department) => new()
        {
            ["__RequestVerificationToken"] = TokenIn(form),
            ["requestId"] = System.Text.RegularExpressions.Regex.Match(form, "name=\"requestId\" value=\"([^\"]+)\"").Groups[1].Value,
            ["visitProblemId"] = problemId.ToString(),
            ["enterpriseId"] = enterpriseId.ToString(),
            ["title"] = "两张表单的问题",
            ["description"] = "补充说明后派单。",
            ["category"] = "factor-guarantee",
            ["priority"] = "normal",
            ["departmentCode"] = department,
        };

        var sent = await browser.PostAsync("/cases/new", new FormUrlEncodedContent(Fields(tabs[0], "fgj")));
        var replayed = await browser.PostAsync("/cases/new", new FormUrlEncodedContent(Fields(tabs[0], "fgj")));
        var otherTab = await browser.PostAsync("/cases/new", new FormUrlEncodedContent(Fields(tabs[1], "gdgs")));

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var number = (await _squad.GetFromJsonAsync<JsonElement>($"/api/visits/{visit.GetProperty("id")}")).GetProperty("problems")[0].GetProperty("caseNumber").GetString();
        Assert.Equal($"/cases/{number}", sent.Headers.Location!.OriginalString);
        Assert.Equal($"/cases/{number}", replayed.Headers.Location!.OriginalString);
        Assert.Contains("事项已受理并派单", await browser.GetStringAsync($"/cases/{number}")); // the replay's answer, as the first's
        Assert.Equal(HttpStatusCode.Conflict, otherTab.StatusCode);
        var page = await otherTab.Content.ReadAsStringAsync();
        Assert.Contains($"此问题已转为事项 {number}（责任部门：发展和改革局），一个问题只立一件事项。如需改由其他部门办理，请在该事项页面改派。", page);
        Assert.Contains($"<a href=\"/cases/{number}\" data-raised-as>查看事项 {number}</a>", page); // the case, one click away
        Assert.Equal(1, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.EnterpriseId == enterpriseId)));
    }

    /// <summary>A 409 saying the problem is case <paramref name="number"/> with 发展和改革局 (fgj), with links to it.</summary>
    private static async Task AssertRaisedForAnotherAsync(HttpResponseMessage response, string number)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{response.StatusCode} {body}");
        Assert.Equal(number, body.GetProperty("caseNumber").GetString());
        Assert.Equal($"/api/cases/{number}", body.GetProperty("caseUrl").GetString());
        Assert.Equal($"/cases/{number}", body.GetProperty("casePage").GetString());
        Assert.Contains($"此问题已转为事项 {number}（责任部门：", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_problem_naming_no_department_is_raised_through_the_prefilled_new_case_form_once()
    {
        var enterpriseId = await RegisterAsync(3, "安岳表单测试有限公司");
        var visit = await LogAsync(_squad, enterpriseId, "2026-03-02", Problem("待定部门的问题", department: null, category: null));
        var problemId = ProblemId(visit, 0);

        // The API's click needs what the problem does not say.
        var bare = await ClickAsync(_squad, visit, 0);
        var errors = (await bare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.True(errors.TryGetProperty("departmentCode", out _) && errors.TryGetProperty("category", out _), errors.ToString());

        // The page links to the new-case form, filled from the problem, for the visit's enterprise.
        var browser = await _app.SignInThroughFormAsync(Squad, OfficerPassword);
        Assert.Contains($"href=\"/cases/new?visitProblemId={problemId}\"", await browser.GetStringAsync($"/visits/{visit.GetProperty("id")}"));
        var form = await browser.GetStringAsync($"/cases/new?visitProblemId={problemId}");
        Assert.Contains("value=\"待定部门的问题\"", form);
        Assert.Contains($"name=\"visitProblemId\" value=\"{problemId}\"", form);
        Assert.Contains($"name=\"enterpriseId\" value=\"{enterpriseId}\"", form);
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(form),
            ["requestId"] = Guid.NewGuid().ToString(),
            ["visitProblemId"] = problemId.ToString(),
            ["enterpriseId"] = enterpriseId.ToString(),
            ["title"] = "待定部门的问题",
            ["description"] = "补充说明后派单。",
            ["category"] = "factor-guarantee",
            ["priority"] = "normal",
            ["departmentCode"] = "fgj",
        };
        // Without its category the form comes back, its summary worded as the other forms'.
        var withoutCategory = fields.Where(f => f.Key != "category").ToDictionary();
        withoutCategory["requestId"] = Guid.NewGuid().ToString();
        var incomplete = await browser.PostAsync("/cases/new", new FormUrlEncodedContent(withoutCategory));
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        Assert.Contains("未受理，请更正标出的内容。", await incomplete.Content.ReadAsStringAsync());
        var sent = await browser.PostAsync("/cases/new", new FormUrlEncodedContent(fields));
        // The same problem from a second form (another request id): the case raised first, nothing new.
        fields["requestId"] = Guid.NewGuid().ToString();
        var resent = await browser.PostAsync("/cases/new", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        Assert.Equal(sent.Headers.Location!.OriginalString, resent.Headers.Location!.OriginalString);
        Assert.Contains("此走访问题已转为本事项，无需再次受理", await browser.GetStringAsync(resent.Headers.Location!.OriginalString));
        var read = await _squad.GetFromJsonAsync<JsonElement>($"/api/visits/{visit.GetProperty("id")}");
        var number = read.GetProperty("problems")[0].GetProperty("caseNumber").GetString();
        Assert.Equal("/cases/" + number, sent.Headers.Location!.OriginalString.Split('?')[0]);
        Assert.Equal(enterpriseId, (await GetCaseAsync(_squad, number!)).GetProperty("enterprise").GetProperty("id").GetInt64());
        Assert.Equal(1, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.EnterpriseId == enterpriseId)));
        // The visit page no longer says the problem names no department: the case it raised says where it went; its
        // number and status read apart.
        var raisedPage = await browser.GetStringAsync($"/visits/{visit.GetProperty("id")}");
        Assert.DoesNotContain("未指定", raisedPage);
        Assert.Matches($@"{number}</a>\s*<span>\s*· 已派单，待签收</span>", raisedPage);

        // The form asked for again (the back button, a colleague's link) goes to the case it became.
        var again = await browser.GetAsync($"/cases/new?visitProblemId={problemId}");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal($"/cases/{number}", again.Headers.Location!.OriginalString);
        Assert.Contains("此走访问题已转为本事项，无需再次受理", await browser.GetStringAsync(again.Headers.Location!.OriginalString));
        // A problem that does not exist is a 404, not an empty form.
        var missing = await browser.GetAsync("/cases/new?visitProblemId=987654321");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("没有编号为 987654321 的走访问题", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task VisitDue_lists_key_enterprises_never_visited_or_past_their_cadence_as_the_clock_moves()
    {
        var never = await RegisterAsync(4, "走访到期测试甲（从未走访）");
        var recent = await RegisterAsync(5, "走访到期测试乙（近期走访）");
        var weekly = await RegisterAsync(6, "走访到期测试丙（每周走访）", visitEveryDays: 7);
        var plain = await RegisterAsync(7, "走访到期测试丁（非重点）", isKey: false, chief: null);
        await LogAsync(_squad, recent, "2026-02-20");
        await LogAsync(_squad, weekly, "2026-02-20");
        await LogAsync(_squad, weekly, "2026-02-21"); // the last visit counts

        async Task<long[]> DueAsync(bool due) =>
            (await _squad.GetFromJsonAsync<JsonElement>($"/api/enterprises?q=走访到期测试&visitDue={due.ToString().ToLowerInvariant()}&pageSize=200"))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).Order().ToArray();

        // Monday 2 March: the weekly one's visit of 21 Feb was due on the 28th.
        Assert.Equal(new[] { never, weekly }.Order(), await DueAsync(true));
        Assert.Equal(new[] { recent, plain }.Order(), await DueAsync(false));
        var browser = await _app.SignInThroughFormAsync(Squad, OfficerPassword);
        var page = await browser.GetStringAsync($"/enterprises/{weekly}/visits");
        Assert.Contains("已逾期 2 天", page);
        // The register page's filter and the enterprise page say the same.
        var register = await browser.GetStringAsync("/enterprises?q=" + Uri.EscapeDataString("走访到期测试") + "&visitDue=true");
        Assert.Contains("走访到期测试甲", register);
        Assert.Contains("走访到期测试丙", register);
        Assert.DoesNotContain("走访到期测试乙", register);
        Assert.Matches("id=\"f-visit-due\"[^>]*checked", register);
        // Each due row says how late, and when the last visit was; the API says it too.
        Assert.Matches($"(?s)<tr role=\"row\" data-enterprise=\"{weekly}\"(?:(?!</tr>).)*走访已逾期 2 天（上次 2026-02-21）", register);
        Assert.Matches($"(?s)<tr role=\"row\" data-enterprise=\"{never}\"(?:(?!</tr>).)*从未走访，应尽快走访", register);
        var listed = (await _squad.GetFromJsonAsync<JsonElement>($"/api/enterprises/{weekly}"));
        Assert.Equal(2, listed.GetProperty("visit").GetProperty("overdueDays").GetInt32());
        var enterprisePage = await browser.GetStringAsync($"/enterprises/{weekly}");
        Assert.Contains("走访已逾期 2 天", enterprisePage);
        Assert.Contains($"href=\"/enterprises/{weekly}/visits\" data-visits-link", enterprisePage);

        // The API filters by chief as the register page does: chief=me is the caller's (the squad member is chief of none),
        // anything else is 400.
        Assert.Equal(0, (await _squad.GetFromJsonAsync<JsonElement>("/api/enterprises?chief=me")).GetProperty("total").GetInt32());
        var badChief = await _squad.GetAsync("/api/enterprises?chief=nobody@test.example");
        Assert.Equal(HttpStatusCode.BadRequest, badChief.StatusCode);
        Assert.True((await badChief.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("chief", out _));

        // 21 March: the recent one's visit of 20 Feb ran out on the 22nd… not yet; on 22 March it is due today.
        At(3, 21, 9);
        Assert.Equal(new[] { never, weekly }.Order(), await DueAsync(true));
        At(3, 22, 9);
        Assert.Equal(new[] { never, recent, weekly }.Order(), await DueAsync(true));
        var recentPage = await _squad.GetFromJsonAsync<JsonElement>($"/api/enterprises/{recent}/visits");
        Assert.Equal(0, recentPage.GetProperty("cadence").GetProperty("overdueDays").GetInt32());

        // A visit logged today puts the weekly one back on schedule.
        await LogAsync(_squad, weekly, "2026-03-22");
        Assert.Equal(new[] { never, recent }.Order(), await DueAsync(true));
    }

    [Fact]
    public async Task The_chiefs_digest_lists_the_key_enterprises_open_cases_and_the_enterprises_due_a_visit()
    {
        var served = await RegisterAsync(8, "安岳首席服务测试有限公司");
        var due = await RegisterAsync(9, "安岳待走访测试有限公司", visitEveryDays: 7);
        var opener = await _app.AsOfficerAsync("opener@test.example");
        var visit = await LogAsync(opener, served, "2026-03-02", Problem("首席应看到的问题"));
        var number = (await (await ClickAsync(opener, visit, 0)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;

        At(3, 3, 8, 30); // Tuesday
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DigestService>().SendDailyAsync();
        }

        // The chief opened nothing and is asked nothing, but serves the enterprise.
        var chiefMail = Assert.Single(await MailsAsync(_app, Chief, "【事项动态】"));
        var text = chiefMail.TextBody ?? "";
        var servedAt = text.IndexOf("您服务的重点企业的在办事项（1）", StringComparison.Ordinal);
        Assert.True(servedAt >= 0, text);
        Assert.Contains(number, text[servedAt..]);
        Assert.Contains("安岳首席服务测试有限公司", text[servedAt..]);
        var dueAt = text.IndexOf("== 到期应走访的重点企业", StringComparison.Ordinal);
        Assert.True(dueAt > servedAt, text);
        Assert.Contains("安岳待走访测试有限公司：从未走访", text[dueAt..]);
        Assert.Contains($"https://liaison.test.example/enterprises/{due}/visits", text[dueAt..]);
        // The visited enterprise is not due.
        Assert.DoesNotContain("安岳首席服务测试有限公司：", text[dueAt..]);
        Assert.Contains("家重点企业到期应走访", chiefMail.Subject);
        // The chief has no cases of their own: the subject and the opening say what the mail holds, no "0 件事项".
        Assert.Contains("您服务的重点企业有 1 件在办事项，", chiefMail.Subject);
        Assert.DoesNotContain("0 件事项", chiefMail.Subject);
        Assert.DoesNotContain("以下是您跟进的事项", text);
        Assert.Contains("以下是您服务的重点企业的在办事项和到期应走访的重点企业。", text);

        // The squad member sees the cases, not the chief's visit list.
        var squadMail = Assert.Single(await MailsAsync(_app, Squad, "【事项动态】"));
        Assert.EndsWith("您服务的重点企业有 1 件在办事项", squadMail.Subject);
        var squadText = squadMail.TextBody ?? "";
        Assert.Contains(number, squadText);
        Assert.DoesNotContain("到期应走访的重点企业", squadText);
    }

    [Fact]
    public async Task The_league_table_counts_visits_overdue_enterprises_problems_raised_and_solved_for_a_week()
    {
        var first = await RegisterAsync(10, "安岳红黄榜走访甲有限公司");
        var second = await RegisterAsync(11, "安岳红黄榜走访乙有限公司", visitEveryDays: 3);
        await RegisterAsync(13, "安岳红黄榜从未走访有限公司"); // registered today, every 30 days: not overdue for a month
        var earlier = await LogAsync(_squad, first, "2026-02-27", Problem("上周发现、本周转办的问题"));
        var a = await LogAsync(_squad, first, "2026-03-02", Problem("已解决的问题"), Problem("未解决的问题"), Problem("未转办的问题"));

        var solved = (await (await ClickAsync(_squad, a, 0)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await ClickAsync(_squad, a, 1)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ClickAsync(_squad, earlier, 0)).StatusCode);
        At(3, 3, 10);
        await LogAsync(_squad, second, "2026-03-03");
        var link = PathOf(LinkIn((await MailsAsync(_app, FgjHandler, solved)).Single()));
        await PostActionAsync(_app.Anonymous(), link, "accept");
        await PostActionAsync(_app.Anonymous(), link, "resolve", new() { ["note"] = "专线已接通" });

        // Only the second is overdue by Sunday 8 March: its visit of the 3rd ran out on the 6th. The first was visited on
        // the 2nd, every 30 days; the never-visited one was registered on the 2nd, every 30 days.
        const int overdue = 1;

        At(3, 9, 9); // the next Monday
        var admin = await _app.AsAdminAsync();
        var table = await admin.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-02&to=2026-03-08");
        var k = table.GetProperty("keyEnterpriseService");
        Assert.Equal(2, k.GetProperty("visits").GetInt32());
        Assert.Equal(3, k.GetProperty("problemsFound").GetInt32());
        Assert.Equal(3, k.GetProperty("problemsRaised").GetInt32()); // the earlier visit's problem was raised this week
        Assert.Equal(1, k.GetProperty("solved").GetInt32());
        Assert.Equal(overdue, k.GetProperty("overdueForVisit").GetInt32());
        Assert.Equal("2026-03-08", k.GetProperty("overdueAsOf").GetString());
        Assert.False(k.GetProperty("asOfNow").GetBoolean());

        var csv = Encoding.UTF8.GetString(await admin.GetByteArrayAsync("/api/reports/league-table.csv?from=2026-03-02&to=2026-03-08"));
        Assert.Contains("\r\n\r\n重点企业服务 Key-enterprise service\r\n走访次数 Visits made,2\r\n", csv);
        Assert.Contains($"(as of 2026-03-08),{overdue}\r\n", csv);
        Assert.Contains("其中已解决（已办结或已销号） Of which solved (resolved or closed),1\r\n", csv);
        // The page says each label once, in the reader's language.
        var page = await (await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword)).GetStringAsync("/reports/league-table?from=2026-03-02&to=2026-03-08");
        Assert.Contains("<dt>走访次数</dt><dd>2</dd>", page);
        Assert.DoesNotContain("Visits made", page);

        // As of a day before any of them was registered, none is overdue.
        var before = (await admin.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-02-23&to=2026-03-01")).GetProperty("keyEnterpriseService");
        Assert.Equal(0, before.GetProperty("overdueForVisit").GetInt32());

        // The current week is judged as of today.
        var now = (await admin.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-09&to=2026-03-15")).GetProperty("keyEnterpriseService");
        Assert.True(now.GetProperty("asOfNow").GetBoolean());
        Assert.Equal("2026-03-09", now.GetProperty("overdueAsOf").GetString());
        Assert.Equal(0, now.GetProperty("visits").GetInt32());

        // The weekly mail carries the block.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DigestService>().SendLeagueTableAsync();
        }

        var mail = Assert.Single(await MailsAsync(_app, LiaisonApp.AdminEmail, "红黄榜"));
        Assert.Contains($"重点企业服务：走访 2 次，发现问题 3 个；走访问题转办事项 3 件，其中已解决 1 件（33%）；逾期未走访的重点企业 {overdue} 家（截至 2026年3月8日（周日））", mail.TextBody);
    }

    /// <summary>The officers who went, by the id a read gives them (in any case) or by email; an unknown one is 400 saying so.</summary>
    [Fact]
    public async Task Visit_officers_are_named_by_id_or_email_and_an_unknown_one_is_400()
    {
        var enterpriseId = await RegisterAsync(14, "安岳编号走访测试有限公司");
        var chiefId = (await _squad.GetFromJsonAsync<JsonElement>($"/api/enterprises/{enterpriseId}")).GetProperty("chiefServiceOfficer").GetProperty("id").GetString()!;
        object Body(params string[] officers) => new { visitedOn = "2026-03-02", officers, findings = "企业生产正常。" };

        var logged = await _squad.PostAsJsonAsync($"/api/enterprises/{enterpriseId}/visits", Body(chiefId.ToUpperInvariant()));
        var refused = await _squad.PostAsJsonAsync($"/api/enterprises/{enterpriseId}/visits", Body(Chief, "0d6f7a1e-0000-4000-8000-000000000000"));

        var visit = await logged.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, logged.StatusCode);
        Assert.Equal([Chief, Squad], visit.GetProperty("officers").EnumerateArray().Select(o => o.GetProperty("email").GetString()).Order());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("officers[1]")[0].GetString()!;
        Assert.Contains("没有此 id 或邮箱的在用园区工作人员账号", error);
        Assert.Contains("no active officer account with this id or email", error);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<EnterpriseVisit>().CountAsync(v => v.EnterpriseId == enterpriseId)));
        // The API's description says so.
        var doc = await _app.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var body = doc.GetProperty("paths").GetProperty("/api/enterprises/{id}/visits").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        Assert.Contains("id (the `id` a read gives) or its email",
            doc.GetProperty("components").GetProperty("schemas").GetProperty(body.Split('/')[^1]).GetProperty("properties").GetProperty("officers").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_and_nothing_is_written()
    {
        var enterpriseId = await RegisterAsync(12, "安岳错误输入测试有限公司");

        var future = await _squad.PostAsJsonAsync($"/api/enterprises/{enterpriseId}/visits", new
        {
            visitedOn = "2026-03-03", // tomorrow in Shanghai
            officers = new[] { "nobody@test.example" },
            findings = "",
            problems = new object[] { new { title = " ", description = "无标题" }, new { title = "部门不存在", description = "x", departmentCode = "nope" } },
        });
        var errors = (await future.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        foreach (var field in new[] { "visitedOn", "officers[0]", "findings", "problems[0].title", "problems[1].departmentCode" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        var badDate = await _squad.PostAsJsonAsync($"/api/enterprises/{enterpriseId}/visits", new { visitedOn = "3/2/2026", findings = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.True((await badDate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("visitedOn", out _));

        var unknown = await _squad.PostAsJsonAsync("/api/enterprises/999999/visits", new { visitedOn = "2026-03-02", findings = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("999999", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _squad.PostAsJsonAsync("/api/visits/999999/problems/1/case", new { })).StatusCode);

        // The page shows the form again with the errors next to the fields, and saves nothing either.
        var browser = await _app.SignInThroughFormAsync(Squad, OfficerPassword);
        var form = await browser.GetStringAsync($"/enterprises/{enterpriseId}/visits");
        // The squad member logging is counted anyway: only the others are offered to tick.
        Assert.Contains($"name=\"officers\" value=\"{Chief}\"", form);
        Assert.DoesNotContain($"name=\"officers\" value=\"{Squad}\"", form);
        // The date picker offers no day after today in Shanghai, as its hint says.
        Assert.Matches("<input id=\"visitedOn\"[^>]* max=\"2026-03-02\"", form);
        var page = await browser.PostAsync($"/enterprises/{enterpriseId}/visits", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(form),
            ["visitedOn"] = "2026-03-09",
            ["findings"] = "走访情况",
            ["problems[0].title"] = "",
            ["problems[0].description"] = "只有描述",
        }));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("走访未保存，请更正标出的内容。", html);
        Assert.Contains("data-field=\"visitedOn\"", html);
        Assert.Contains("data-field=\"problems[0].title\"", html);
        Assert.Contains("只有描述", html);

        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<EnterpriseVisit>().CountAsync()));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<VisitProblem>().CountAsync()));
    }

    [Fact]
    public async Task A_visit_logged_on_the_page_is_said_saved_once_and_a_crafted_address_says_nothing()
    {
        var enterpriseId = await RegisterAsync(8, "安岳横幅测试有限公司");
        var browser = await _app.SignInThroughFormAsync(Squad, OfficerPassword);
        var form = await browser.GetStringAsync($"/enterprises/{enterpriseId}/visits");

        Dictionary<string, string> Fields(string findings) => new()
        {
            ["__RequestVerificationToken"] = TokenIn(form), ["visitedOn"] = "2026-03-02", ["findings"] = findings,
            ["requestId"] = System.Text.RegularExpressions.Regex.Match(form, "name=\"requestId\" value=\"([^\"]+)\"").Groups[1].Value,
        };
        var logged = await browser.PostAsync($"/enterprises/{enterpriseId}/visits", new FormUrlEncodedContent(Fields("企业生产正常")));
        // The back button, the findings changed, sent again: the form comes back saying so, with what was typed.
        var changed = await browser.PostAsync($"/enterprises/{enterpriseId}/visits", new FormUrlEncodedContent(Fields("企业生产正常，另有补充")));
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        var again = await changed.Content.ReadAsStringAsync();
        Assert.Contains("这次的修改未保存", again);
        Assert.Contains("企业生产正常，另有补充", again);
        Assert.Equal("企业生产正常", await _app.WithDbAsync(db => db.Set<EnterpriseVisit>().Where(v => v.EnterpriseId == enterpriseId).Select(v => v.Findings).SingleAsync()));

        Assert.Equal(HttpStatusCode.Redirect, logged.StatusCode);
        var path = logged.Headers.Location!.OriginalString;
        Assert.Matches("^/visits/[0-9]+$", path);
        Assert.Contains("✓ 走访记录已保存</div>", await browser.GetStringAsync(path));
        // Shown once: a reload, or the old address with ?done=, says nothing.
        Assert.DoesNotContain("走访记录已保存", await browser.GetStringAsync(path));
        Assert.DoesNotContain("走访记录已保存", await browser.GetStringAsync(path + "?done=logged"));
    }
}
