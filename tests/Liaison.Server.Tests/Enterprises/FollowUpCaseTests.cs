using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>
/// 重办 after the close (the enterprise was not satisfied) opens a follow-up case: the officer's pages of the two link to
/// each other, and the original counts the reopening as the league table does.
/// </summary>
public sealed class FollowUpCaseTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(FollowUpCaseTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void At(int month, int day, int hour) =>
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, 0, 0, China).ToUniversalTime());

    [Fact]
    public async Task The_original_and_its_follow_up_link_to_each_other_and_the_original_counts_the_reopening_as_the_league_table_does()
    {
        At(3, 2, 10);
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 31));
        await ConfirmAsync(_app, _officer, number);
        At(3, 3, 10);
        var rating = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), rating, "unsatisfied", "仍未通电")).StatusCode);
        var decided = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请现场复测" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var followUp = (await decided.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("followUpCaseNumber").GetString()!;

        // The league table counts one reopening against the department; the original says the same, the follow-up none.
        var league = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-02&to=2026-03-08");
        var fgj = league.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("departmentCode").GetString() == "fgj");
        Assert.Equal(1, fgj.GetProperty("reopenings").GetInt32());
        Assert.Equal(1, (await GetCaseAsync(_officer, number)).GetProperty("reopenings").GetInt32());
        Assert.Equal(0, (await GetCaseAsync(_officer, followUp)).GetProperty("reopenings").GetInt32());

        // The follow-up's description is in the department's language only (Chinese here): the original problem first,
        // then what the enterprise and the officer wrote, as written, then the original case.
        var description = (await GetCaseAsync(_officer, followUp)).GetProperty("description").GetString()!;
        Assert.Equal($"企业新厂房需要 10kV 专线接入。\n\n企业意见：仍未通电\n园区意见：请现场复测\n原事项：{number}（企业对其办理结果不满意，本事项为重办）", description);
        // The dispatch mail shows the problem (a mail shows a description's first 200 characters, which the preamble took).
        var dispatch = Assert.Single(await MailsAsync(_app, Handler, followUp), m => m.Subject!.StartsWith("【派单】"));
        Assert.Contains("企业新厂房需要 10kV 专线接入。\n\n企业意见：仍未通电", dispatch.TextBody);
        Assert.DoesNotContain("The enterprise was not satisfied", dispatch.TextBody);

        var original = await _officer.GetStringAsync($"/cases/{number}");
        Assert.Contains("<dd>0 / 0 / 1</dd>", original);
        Assert.Matches($"<a href=\"/cases/{followUp}\" data-follow-up[^>]*>{followUp}</a>", original);
        var next = await _officer.GetStringAsync($"/cases/{followUp}");
        Assert.Contains("<dd>0 / 0 / 0</dd>", next);
        Assert.Matches($"<a href=\"/cases/{number}\" data-original-case[^>]*>{number}</a>", next);
        Assert.DoesNotContain("data-follow-up", next);
    }

    /// <summary>
    /// A follow-up for a department whose handler reads English is described in English; a long original problem keeps
    /// its start (what the mails show) and loses its end, the comment and the original's number kept whole.
    /// </summary>
    [Fact]
    public async Task A_follow_up_for_a_department_reading_english_is_described_in_english_and_a_long_problem_loses_its_end_only()
    {
        At(3, 2, 10);
        var problem = "企业新厂房需要 10kV 专线接入。" + new string('电', 3990);
        var number = (await OpenAsync(_officer, new
        {
            title = "新厂房专线接电", description = problem[..4000], category = "factor-guarantee", priority = "normal", departmentCode = "fgj",
            enterpriseId = await RegisterAsync(_officer, 34),
        })).GetProperty("number").GetString()!;
        await ConfirmAsync(_app, _officer, number);
        var admin = await _app.AsAdminAsync();
        var fgj = await admin.GetFromJsonAsync<JsonElement>("/api/departments/fgj");
        JsonElement Person(string role) => fgj.GetProperty(role);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/departments/fgj", new
        {
            name = fgj.GetProperty("name").GetString(),
            handler = new { name = Person("handler").GetProperty("name").GetString(), email = Person("handler").GetProperty("email").GetString(), culture = "en" },
            leader = new { name = Person("leader").GetProperty("name").GetString(), email = Person("leader").GetProperty("email").GetString() },
            active = true,
        })).StatusCode);
        At(3, 3, 10);
        var rating = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), rating, "unsatisfied", "仍未通电")).StatusCode);

        var decided = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen" });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var followUp = (await decided.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("followUpCaseNumber").GetString()!;
        var description = (await GetCaseAsync(_officer, followUp)).GetProperty("description").GetString()!;
        var tail = $"…\n\nEnterprise's comment: 仍未通电\nOriginal case: {number} (the enterprise was not satisfied with how it was handled; this case handles it again)";
        Assert.EndsWith(tail, description);
        Assert.Equal(4000, description.Length);
        Assert.StartsWith("企业新厂房需要 10kV 专线接入。电电", description);
        Assert.DoesNotContain("企业意见", description);
        Assert.DoesNotContain("原事项", description);
    }

    /// <summary>
    /// A follow-up that cannot take what it takes from the original (here a category no longer offered) is refused under
    /// <c>decision</c>, the sentence naming that in words in both languages, not by its field code.
    /// </summary>
    [Fact]
    public async Task A_reopening_refused_for_the_original_case_s_category_names_it_in_words()
    {
        At(3, 2, 10);
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 33));
        await ConfirmAsync(_app, _officer, number);
        At(3, 3, 10);
        var rating = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), rating, "unsatisfied", "仍未通电")).StatusCode);
        await _app.WithDbAsync(db => db.Cases.Where(c => c.Number == number).ExecuteUpdateAsync(u => u.SetProperty(c => c.Category, "retired-category")));

        var refused = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请现场复测" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var message = Assert.Single((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("decision").EnumerateArray()).GetString()!;
        Assert.StartsWith("无法按原事项的类别开立重办事项：类别无效", message);
        Assert.Contains("the follow-up case cannot be opened with the original case's category: must be one of", message);
        Assert.DoesNotContain("(category)", message);
        Assert.DoesNotContain("（category）", message);
    }

    [Fact]
    public async Task Reopening_after_the_department_was_deactivated_takes_another_department_and_a_refused_form_keeps_what_was_typed()
    {
        At(3, 9, 10);
        var admin = await _app.AsAdminAsync();
        var current = await admin.GetFromJsonAsync<JsonElement>("/api/departments/town-shiqiao");
        var handler = current.GetProperty("handler").GetProperty("email").GetString()!;
        object Shiqiao(bool active) => new
        {
            name = current.GetProperty("name").GetString(),
            handler = new { name = current.GetProperty("handler").GetProperty("name").GetString(), email = handler },
            leader = new { name = current.GetProperty("leader").GetProperty("name").GetString(), email = current.GetProperty("leader").GetProperty("email").GetString() },
            active,
        };
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 32), department: "town-shiqiao");
        await ResolveAsync(_app, number, handler: handler);
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "已核实" })).StatusCode);
        var rating = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), rating, "unsatisfied", "仍未通电")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/departments/town-shiqiao", Shiqiao(false))).StatusCode);

        // The API: without a department it is asked for, under the request's own field; an unknown one is named.
        var refused = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请现场复测" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("原承办部门（石桥街道）已停用", errors.GetProperty("departmentCode")[0].GetString());
        var unknown = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", departmentCode = "town-shiqiao" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("town-shiqiao", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("departmentCode")[0].GetString());
        Assert.Null(await _app.WithDbAsync(db => db.Set<Liaison.Server.EnterpriseView.CaseRating>()
            .Where(r => db.Cases.Any(c => c.Id == r.CaseId && c.Number == number)).Select(r => r.Decision).SingleAsync()));

        // The page offers the active departments; refused without one, it keeps the typed note.
        var page = await _officer.GetStringAsync($"/cases/{number}");
        var select = System.Text.RegularExpressions.Regex.Match(page, "<select id=\"rating-reopen-department\"[^>]*>(.*?)</select>",
            System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("<option value=\"fgj\"", select);
        Assert.DoesNotContain("town-shiqiao", select);
        var form = FormFor(page, "rating-reopen")!;
        form["note"] = "请现场复测，三日内答复";
        var posted = await _officer.PostAsync($"/cases/{number}/rating/reopen", new FormUrlEncodedContent(form));
        var again = await posted.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("已停用", again);
        Assert.Contains(">请现场复测，三日内答复</textarea>", again);

        // A choice of a department that was deactivated too is refused, and both the choice and the note are kept.
        form["departmentCode"] = "town-shiqiao";
        again = await (await _officer.PostAsync($"/cases/{number}/rating/reopen", new FormUrlEncodedContent(form))).Content.ReadAsStringAsync();
        Assert.Contains(">请现场复测，三日内答复</textarea>", again);

        form["departmentCode"] = "fgj";
        Assert.Equal(HttpStatusCode.Redirect, (await _officer.PostAsync($"/cases/{number}/rating/reopen", new FormUrlEncodedContent(form))).StatusCode);
        var decided = await _officer.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/rating");
        var followUp = await GetCaseAsync(_officer, decided.GetProperty("followUpCaseNumber").GetString()!);
        Assert.Equal("fgj", followUp.GetProperty("department").GetString());
    }
}
