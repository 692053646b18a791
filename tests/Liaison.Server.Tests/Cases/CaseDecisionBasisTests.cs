using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// Stale decisions: every officer decision names the case as the officer saw it (its <c>basis</c>: the page's forms
/// carry it, the API takes it), and one made on a case that another decision or a liaison's step has changed since is
/// refused with 409, changing nothing. A progress note, an urge or a note leaves it as it was.
/// </summary>
public sealed class CaseDecisionBasisTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Password = "officer-password-1";
    private const string Stale = "事项在您打开页面后已有变化";
    private readonly LiaisonApp _app = fixture.App;

    private static string Handler(string department) => $"{department}.handler@anyue.example";

    /// <summary>An officer's browser, signed in through the form (the account is created the first time).</summary>
    private async Task<HttpClient> BrowserAsync(string email)
    {
        await _app.AsOfficerAsync(email);
        // Named apart (officers are all 测试专员 otherwise): a refusal names who acted by display name.
        await _app.NameAsync(email, email.Split('.')[0].ToUpperInvariant() + " 专员");
        return await _app.SignInThroughFormAsync(email, Password);
    }

    private async Task<(HttpClient Api, string Number, string Link)> OpenAsync(string department = "fgj")
    {
        var api = await _app.AsOfficerAsync();
        var number = (await CaseTestKit.OpenAsync(api, NewCase(department))).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Handler(department), number), m => m.Subject!.Contains("派单"))));
        return (api, number, link);
    }

    /// <summary>Posts <paramref name="form"/> (a form as a page had it) with <paramref name="fields"/> filled in.</summary>
    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, Dictionary<string, string> form, Dictionary<string, string> fields) =>
        browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(form).Concat(fields).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value)));

    /// <summary>Opens the case page now and sends its form for <paramref name="action"/>.</summary>
    private static async Task<HttpResponseMessage> DecideAsync(HttpClient browser, string number, string action, Dictionary<string, string> fields) =>
        await PostAsync(browser, $"/cases/{number}/{action}", FormFor(await browser.GetStringAsync($"/cases/{number}"), action)!, fields);

    private static string Status(JsonElement c) => c.GetProperty("status").GetString()!;

    private static int Count(JsonElement c, string kind) => c.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == kind);

    [Fact]
    public async Task A_basis_that_is_no_basis_is_a_400_naming_the_field_and_changes_nothing()
    {
        var (api, number, link) = await OpenAsync();
        await PostActionAsync(_app.Anonymous(), link, "accept");
        await PostActionAsync(_app.Anonymous(), link, "resolve", new() { ["note"] = "已办结" });

        // The case page names the fields in words (or not at all where the message says it), never by the API's names.
        var browser = await BrowserAsync("c.officer@test.example");
        var onPage = WebUtility.HtmlDecode(await (await DecideAsync(browser, number, "reopen", new() { ["note"] = "未解决", ["basis"] = "garbage" })).Content.ReadAsStringAsync());
        Assert.Contains("不是本系统给出的事项依据，请刷新页面后重试", onPage);
        Assert.DoesNotContain("basis:", onPage);
        var notAPart = await DecideAsync(browser, number, "reopen", new() { ["note"] = "未解决", ["coDepartments"] = "gdgs" });
        Assert.Equal(HttpStatusCode.BadRequest, notAPart.StatusCode);
        var notAPartPage = WebUtility.HtmlDecode(await notAPart.Content.ReadAsStringAsync());
        Assert.Contains("供电公司不是本事项的协办部门", notAPartPage);
        Assert.DoesNotContain("coDepartments:", notAPartPage);

        var garbage = await api.PostAsJsonAsync($"/api/cases/{number}/reopen", new { note = "未解决", basis = "garbage" });

        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var problem = await garbage.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("basis", out _), problem.ToString());
        Assert.DoesNotContain(Stale, problem.ToString());
        Assert.Equal("resolved", (await GetCaseAsync(api, number)).GetProperty("status").GetString());
        // A part's decision too; a well-formed basis still goes through.
        var part = await api.PostAsJsonAsync($"/api/cases/{number}/parts/1/drop", new { reason = "不再需要", basis = "part-garbage" });
        Assert.Equal(HttpStatusCode.BadRequest, part.StatusCode);
        var basis = (await GetCaseAsync(api, number)).GetProperty("basis").GetString();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/reopen", new { note = "未解决", basis })).StatusCode);
    }

    [Fact]
    public async Task Two_officers_reassigning_from_the_same_page_at_once_one_wins_and_the_other_is_told_and_changes_nothing()
    {
        var (api, number, _) = await OpenAsync();
        var a = await BrowserAsync("a.officer@test.example");
        var b = await BrowserAsync("b.officer@test.example");
        var formA = FormFor(await a.GetStringAsync($"/cases/{number}"), "reassign")!;
        var formB = FormFor(await b.GetStringAsync($"/cases/{number}"), "reassign")!;
        Assert.Equal((await GetCaseAsync(api, number)).GetProperty("basis").GetString(), formA["basis"]);

        var answers = await Task.WhenAll(
            PostAsync(a, $"/cases/{number}/reassign", formA, new() { ["departmentCode"] = "zjj", ["note"] = "改由住建局办理" }),
            PostAsync(b, $"/cases/{number}/reassign", formB, new() { ["departmentCode"] = "gdgs", ["note"] = "改由供电公司办理" }));

        var won = Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Redirect);
        var lost = Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Conflict);
        var (winner, loser) = won == answers[0] ? ("zjj", "gdgs") : ("gdgs", "zjj");
        var page = await lost.Content.ReadAsStringAsync();
        Assert.Contains(Stale, page);
        Assert.Contains("（当前状态：已派单，待签收；最近一次：", page);
        Assert.Contains($"{(won == answers[0] ? "A" : "B")} 专员 改派）", page);
        Assert.Contains("请查看最新情况后再操作", page);
        var c = await GetCaseAsync(api, number);
        Assert.Equal(winner, c.GetProperty("department").GetString());
        Assert.Equal(1, Count(c, "reassigned"));
        // The losing department heard nothing: no dispatch, then no "reassigned away".
        Assert.Empty(await MailsAsync(_app, Handler(loser), number));
        Assert.Single(await MailsAsync(_app, Handler(winner), number));
    }

    [Fact]
    public async Task Reopen_and_cancel_of_one_resolution_from_two_pages_one_is_made_and_the_other_refused()
    {
        var (api, number, link) = await OpenAsync();
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        await PostActionAsync(handler, link, "resolve", new() { ["note"] = "已完成接电" });
        var a = await BrowserAsync("a.officer@test.example");
        var b = await BrowserAsync("b.officer@test.example");
        var reopen = FormFor(await a.GetStringAsync($"/cases/{number}"), "reopen")!;
        var cancel = FormFor(await b.GetStringAsync($"/cases/{number}"), "cancel")!;

        var answers = await Task.WhenAll(
            PostAsync(a, $"/cases/{number}/reopen", reopen, new() { ["note"] = "企业反映仍未通电" }),
            PostAsync(b, $"/cases/{number}/cancel", cancel, new() { ["note"] = "企业撤回诉求" }));

        Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Redirect);
        Assert.Contains(Stale, await Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadAsStringAsync());
        var c = await GetCaseAsync(api, number);
        Assert.Equal(1, Count(c, "reopened") + Count(c, "cancelled"));
        Assert.Equal(Count(c, "reopened") == 1 ? "accepted" : "cancelled", Status(c));
    }

    [Fact]
    public async Task After_a_return_and_a_colleagues_reassignment_a_page_from_before_cannot_cancel_and_is_told_what_happened()
    {
        var (api, number, link) = await OpenAsync();
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        var a = await BrowserAsync("a.officer@test.example");
        var stale = await a.GetStringAsync($"/cases/{number}");

        await PostActionAsync(handler, link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "应由住建局办理" });
        var b = await BrowserAsync("b.officer@test.example");
        Assert.Equal(HttpStatusCode.Redirect, (await DecideAsync(b, number, "reassign", new() { ["departmentCode"] = "zjj", ["note"] = "改派住建局" })).StatusCode);
        var cancelled = await PostAsync(a, $"/cases/{number}/cancel", FormFor(stale, "cancel")!, new() { ["note"] = "企业撤回诉求" });
        var reassigned = await PostAsync(a, $"/cases/{number}/reassign", FormFor(stale, "reassign")!, new() { ["departmentCode"] = "gdgs", ["note"] = "x" });

        Assert.Equal(HttpStatusCode.Conflict, cancelled.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, reassigned.StatusCode);
        var page = await cancelled.Content.ReadAsStringAsync();
        Assert.Contains("未执行，事项没有变化。", page);
        Assert.Contains("事项在您打开页面后已有变化（当前状态：已派单，待签收；最近一次：2026-", page);
        Assert.Contains("B 专员 改派）", page);
        // The refused page is the case as it is now: a fresh form to decide again on.
        Assert.Equal((await GetCaseAsync(api, number)).GetProperty("basis").GetString(), FormFor(page, "cancel")!["basis"]);
        var c = await GetCaseAsync(api, number);
        Assert.Equal("dispatched", Status(c));
        Assert.Equal("zjj", c.GetProperty("department").GetString());
        Assert.Equal(0, Count(c, "cancelled"));
        Assert.Empty(await MailsAsync(_app, Handler("gdgs"), number));
    }

    [Fact]
    public async Task A_progress_note_an_urge_and_a_note_leave_a_page_valid()
    {
        var (api, number, link) = await OpenAsync();
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        var a = await BrowserAsync("a.officer@test.example");
        var b = await BrowserAsync("b.officer@test.example");
        var page = await a.GetStringAsync($"/cases/{number}");
        var basis = (await GetCaseAsync(api, number)).GetProperty("basis").GetString();

        await PostActionAsync(handler, link, "progress", new() { ["note"] = "已现场勘察" });
        Assert.Equal(HttpStatusCode.Redirect, (await DecideAsync(b, number, "urge", new() { ["note"] = "请抓紧" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/notes", new { note = "企业来电询问进度" })).StatusCode);
        Assert.Equal("in-progress", Status(await GetCaseAsync(api, number)));
        Assert.Equal(basis, (await GetCaseAsync(api, number)).GetProperty("basis").GetString());

        var reassigned = await PostAsync(a, $"/cases/{number}/reassign", FormFor(page, "reassign")!, new() { ["departmentCode"] = "zjj", ["note"] = "改派住建局" });

        Assert.Equal(HttpStatusCode.Redirect, reassigned.StatusCode);
        Assert.Equal("zjj", (await GetCaseAsync(api, number)).GetProperty("department").GetString());
    }

    [Fact]
    public async Task The_same_form_sent_again_after_it_went_through_still_answers_done_though_the_case_has_moved_on()
    {
        var (api, number, _) = await OpenAsync();
        var browser = await BrowserAsync("a.officer@test.example");
        var form = FormFor(await browser.GetStringAsync($"/cases/{number}"), "reassign")!;
        var fields = new Dictionary<string, string> { ["departmentCode"] = "zjj", ["note"] = "改由住建局办理" };

        var first = await PostAsync(browser, $"/cases/{number}/reassign", form, fields);
        var again = await PostAsync(browser, $"/cases/{number}/reassign", form, fields);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal($"/cases/{number}", again.Headers.Location?.OriginalString);
        Assert.Contains("已改派", await browser.GetStringAsync($"/cases/{number}")); // the second answer's banner
        Assert.Equal(1, Count(await GetCaseAsync(api, number), "reassigned"));
        Assert.Single(await MailsAsync(_app, Handler("zjj"), number));
    }

    [Fact]
    public async Task Nine_api_reassignments_sent_at_once_on_what_they_read_make_one_and_the_rest_get_409()
    {
        var (api, number, _) = await OpenAsync();
        var basis = (await GetCaseAsync(api, number)).GetProperty("basis").GetString();
        var departments = new[] { "zjj", "gdgs", "czj" };

        var answers = await Task.WhenAll(departments.SelectMany(d => Enumerable.Range(0, 3).Select(_ => api.PostAsJsonAsync(
            $"/api/cases/{number}/reassign", new { departmentCode = d, note = "改派", requestId = Guid.NewGuid(), basis }))));

        Assert.Single(answers, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(8, answers.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var refused = await answers.First(r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains($"{Stale}（当前状态：已派单，待签收", refused.GetProperty("detail").GetString());
        Assert.Contains("The case changed after you opened it (now dispatched, waiting to be accepted; last: Reassigned by 测试专员 at", refused.GetProperty("detail").GetString());
        var c = await GetCaseAsync(api, number);
        Assert.Equal(1, Count(c, "reassigned"));
        var mailed = 0;
        foreach (var d in departments)
        {
            mailed += (await MailsAsync(_app, Handler(d), number)).Count;
        }

        Assert.Equal(1, mailed);
        Assert.NotEqual(basis, c.GetProperty("basis").GetString());
        // Without a basis a decision is made on the case as it is, as before.
        var back = departments.First(d => d != c.GetProperty("department").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = back, note = "再改派" })).StatusCode);
    }

    [Fact]
    public async Task An_extension_approval_read_before_a_new_request_does_not_approve_the_new_one()
    {
        var (api, number, link) = await OpenAsync();
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        await PostActionAsync(handler, link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });
        var read = (await GetCaseAsync(api, number)).GetProperty("basis").GetString();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = false, note = "不同意", basis = read })).StatusCode);
        await PostActionAsync(handler, link, "extension", new() { ["days"] = "10", ["note"] = "确需更多时间" });

        var stale = await api.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true, note = "同意", basis = read });

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("有延期申请待审批", await stale.Content.ReadAsStringAsync());
        var c = await GetCaseAsync(api, number);
        Assert.Equal(10, c.GetProperty("pendingExtension").GetProperty("days").GetInt32());
        Assert.Equal(0, Count(c, "extension-approved"));
    }

    [Fact]
    public async Task A_co_handlers_part_decided_on_a_stale_page_is_refused_and_its_new_request_stays()
    {
        var api = await _app.AsOfficerAsync();
        var opened = await CaseTestKit.OpenAsync(api, JointPartExtensionTests.JointCase("zjj", ("gsgs", "请核实用水指标")));
        var number = opened.GetProperty("number").GetString()!;
        var partId = JointPartExtensionTests.IdOf(JointPartExtensionTests.Part(opened, "gsgs"));
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, Handler("gsgs"), number), m => m.Subject!.Contains("派单"))));
        var coHandler = _app.Anonymous();
        await PostActionAsync(coHandler, link, "accept");
        await PostActionAsync(coHandler, link, "extension", new() { ["days"] = "2", ["note"] = "需等待水厂回复" });
        var browser = await BrowserAsync("a.officer@test.example");
        var form = FormFor(await browser.GetStringAsync($"/cases/{number}"), $"part-extension-{partId}")!;
        Assert.Equal(JointPartExtensionTests.Part(await GetCaseAsync(api, number), "gsgs").GetProperty("basis").GetString(), form["basis"]);

        // A colleague refuses it; the co-handler asks again.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/extension-decision", new { approve = false, note = "不同意" })).StatusCode);
        await PostActionAsync(coHandler, link, "extension", new() { ["days"] = "5", ["note"] = "水厂仍未回复" });
        var response = await PostAsync(browser, $"/cases/{number}/parts/{partId}/extension-decision", form, new() { ["approve"] = "true" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("的协办在您打开页面后已有变化（当前状态：已签收，有延期申请待审批；最近一次：", await response.Content.ReadAsStringAsync());
        var part = JointPartExtensionTests.Part(await GetCaseAsync(api, number), "gsgs");
        Assert.Equal(5, part.GetProperty("pendingExtension").GetProperty("days").GetInt32());
        Assert.Empty(await MailsAsync(_app, Handler("gsgs"), "延期已同意"));
    }
}
