using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>批量转交: several cases to one department at once, each as its own reassignment (POST /api/cases/reassign).</summary>
public sealed class BulkReassignTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private LiaisonApp App => fixture.App;

    private async Task<(string Number, string Link)> OpenWithLinkAsync(HttpClient officer, string department, string handler, string title)
    {
        var number = (await OpenAsync(officer, NewCase(department, title: title))).GetProperty("number").GetString()!;
        var mail = (await MailsAsync(App, handler, number)).Single(m => m.Subject!.Contains("派单"));
        return (number, PathOf(LinkIn(mail)));
    }

    private static JsonElement Line(JsonElement result, string number) =>
        result.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("number").GetString() == number);

    [Fact]
    public async Task Open_cases_move_together_each_as_its_own_reassignment_and_a_cancelled_one_is_refused_with_its_reason()
    {
        // Opened by one officer, moved by another: any officer may reassign (DESIGN §2), in a batch as one by one.
        var opener = await App.AsOfficerAsync("bulk.opener@test.example");
        var mover = await App.AsOfficerAsync("bulk.mover@test.example");
        var (first, firstLink) = await OpenWithLinkAsync(opener, "swj", "swj.handler@anyue.example", "批量转交一");
        var (second, _) = await OpenWithLinkAsync(opener, "swj", "swj.handler@anyue.example", "批量转交二");
        var (cancelled, _) = await OpenWithLinkAsync(opener, "swj", "swj.handler@anyue.example", "批量转交三");
        Assert.Equal(HttpStatusCode.OK, (await opener.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "企业撤回诉求" })).StatusCode);

        var response = await mover.PostAsJsonAsync("/api/cases/reassign", new
        {
            cases = new[] { first, second, cancelled, "AYKF-2026-999999" }, departmentCode = "gdgs", reason = "职能调整：用电事项统一由供电公司办理",
            requestId = Guid.NewGuid(),
        });

        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToString());
        Assert.Equal((2, 2), (result.GetProperty("moved").GetInt32(), result.GetProperty("refused").GetInt32()));
        Assert.True(Line(result, first).GetProperty("moved").GetBoolean());
        Assert.False(Line(result, cancelled).GetProperty("moved").GetBoolean());
        Assert.Equal(409, Line(result, cancelled).GetProperty("status").GetInt32());
        Assert.Contains("撤销", Line(result, cancelled).GetProperty("detail").GetString());
        Assert.Equal(404, Line(result, "AYKF-2026-999999").GetProperty("status").GetInt32());
        foreach (var number in new[] { first, second })
        {
            var c = await GetCaseAsync(opener, number);
            Assert.Equal(("gdgs", "dispatched"), (c.GetProperty("department").GetString(), c.GetProperty("status").GetString()));
            var entry = c.GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "reassigned");
            Assert.Equal("职能调整：用电事项统一由供电公司办理", entry.GetProperty("note").GetString());
            Assert.Equal("bulk.mover@test.example", entry.GetProperty("actor").GetString());
            // The new handler gets the case as a dispatch, with its own link.
            Assert.Single(await MailsAsync(App, "gdgs.handler@anyue.example", number), m => m.Subject!.StartsWith("【派单】" + number));
        }

        Assert.Equal("cancelled", (await GetCaseAsync(opener, cancelled)).GetProperty("status").GetString());
        // The old handler's link ended with the round, as after a single reassignment.
        Assert.Equal(HttpStatusCode.Gone, (await App.Anonymous().GetAsync(firstLink)).StatusCode);
    }

    [Fact]
    public async Task The_same_batch_sent_again_moves_nothing_twice()
    {
        var officer = await App.AsOfficerAsync("bulk.replay@test.example");
        var (first, _) = await OpenWithLinkAsync(officer, "jtysj", "jtysj.handler@anyue.example", "重发一");
        var (second, _) = await OpenWithLinkAsync(officer, "jtysj", "jtysj.handler@anyue.example", "重发二");
        var batch = new { cases = new[] { first, second }, departmentCode = "town-shiyang", reason = "乡镇合并", requestId = Guid.NewGuid() };

        var once = await (await officer.PostAsJsonAsync("/api/cases/reassign", batch)).Content.ReadFromJsonAsync<JsonElement>();
        var again = await officer.PostAsJsonAsync("/api/cases/reassign", batch);

        Assert.Equal(2, once.GetProperty("moved").GetInt32());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var replay = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, replay.GetProperty("moved").GetInt32());
        Assert.All(replay.GetProperty("cases").EnumerateArray(), c => Assert.True(c.GetProperty("repeated").GetBoolean(), c.ToString()));
        foreach (var number in new[] { first, second })
        {
            var c = await GetCaseAsync(officer, number);
            Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "reassigned");
            Assert.Equal(2, c.GetProperty("assignmentRound").GetInt32());
            Assert.Single(await MailsAsync(App, "town-shiyang.handler@anyue.example", number), m => m.Subject!.Contains("派单"));
        }

        // The same id asking for another department moves nothing and says the id was used for another request.
        var other = await (await officer.PostAsJsonAsync("/api/cases/reassign", batch with { departmentCode = "gdgs" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, other.GetProperty("moved").GetInt32());
        Assert.Equal("town-shiyang", (await GetCaseAsync(officer, first)).GetProperty("department").GetString());
        // In words a page user can act on (the form went back with the browser and was sent again), for each case.
        Assert.All(other.GetProperty("cases").EnumerateArray(), c => Assert.Contains("此批转交已用其他部门或理由提交过", c.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_batch_over_the_limit_or_without_a_reason_or_department_is_a_400_and_moves_nothing()
    {
        var officer = await App.AsOfficerAsync("bulk.limits@test.example");
        var (number, _) = await OpenWithLinkAsync(officer, "zjj", "zjj.handler@anyue.example", "超限");
        var tooMany = Enumerable.Range(1, 200).Select(i => $"AYKF-2026-{900000 + i}").Prepend(number).ToArray();

        var over = await officer.PostAsJsonAsync("/api/cases/reassign", new { cases = tooMany, departmentCode = "gdgs", reason = "职能调整" });
        var noReason = await officer.PostAsJsonAsync("/api/cases/reassign", new { cases = new[] { number }, departmentCode = "gdgs", reason = "  " });
        var noDepartment = await officer.PostAsJsonAsync("/api/cases/reassign", new { cases = new[] { number }, departmentCode = "no-such", reason = "职能调整" });
        var none = await officer.PostAsJsonAsync("/api/cases/reassign", new { cases = Array.Empty<string>(), departmentCode = "gdgs", reason = "职能调整" });

        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Contains("at most 200 cases can be moved at once, not 201", (await over.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("cases")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.BadRequest, noDepartment.StatusCode);
        Assert.True((await noDepartment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("departmentCode", out _));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        var c = await GetCaseAsync(officer, number);
        Assert.Equal(("zjj", 1), (c.GetProperty("department").GetString(), c.GetProperty("assignmentRound").GetInt32()));
    }

    [Fact]
    public async Task A_case_already_with_the_department_is_refused_not_insisted_on_and_strangers_are_turned_away()
    {
        var officer = await App.AsOfficerAsync("bulk.same@test.example");
        var (number, link) = await OpenWithLinkAsync(officer, "nyncj", "nyncj.handler@anyue.example", "已在该部门");
        await PostActionAsync(App.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属本局" });

        var result = await (await officer.PostAsJsonAsync("/api/cases/reassign", new { cases = new[] { number }, departmentCode = "nyncj", reason = "请继续办理" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(0, result.GetProperty("moved").GetInt32());
        Assert.Contains("already with that department", Line(result, number).GetProperty("detail").GetString());
        Assert.Equal("returned", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await App.Anonymous().PostAsJsonAsync("/api/cases/reassign", new { cases = new[] { number }, departmentCode = "gdgs", reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task The_case_list_moves_the_ticked_cases_and_lists_those_that_could_not_move()
    {
        var api = await App.AsOfficerAsync("bulk.page@test.example");
        var (first, _) = await OpenWithLinkAsync(api, "rqgs", "rqgs.handler@anyue.example", "页面转交一");
        var (second, _) = await OpenWithLinkAsync(api, "rqgs", "rqgs.handler@anyue.example", "页面转交二");
        var (cancelled, _) = await OpenWithLinkAsync(api, "rqgs", "rqgs.handler@anyue.example", "页面转交三");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "企业撤回诉求" })).StatusCode);
        var browser = await App.SignInThroughFormAsync("bulk.page@test.example", "officer-password-1");

        var list = await browser.GetStringAsync("/cases?department=rqgs");
        var form = Regex.Match(list, "<form method=\"post\" action=\"/cases/reassign\" data-form=\"bulk-reassign\">(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, list);
        // A box for each case that can move; none for the cancelled one. Each is named for screen readers.
        Assert.Contains($"id=\"pick-{first}\" aria-label=\"选择 {first}\"", form.Groups[1].Value);
        Assert.DoesNotContain($"value=\"{cancelled}\"", form.Groups[1].Value);
        Assert.Contains("<legend>转交选中的事项</legend>", form.Groups[1].Value);
        string Hidden(string name) => WebUtility.HtmlDecode(Regex.Match(form.Groups[1].Value, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", Hidden("__RequestVerificationToken")), new("requestId", Hidden("requestId")), new("back", Hidden("back")),
            new("cases", first), new("cases", second), new("cases", cancelled), new("departmentCode", "gsgs"), new("reason", "燃气、供水业务合并办理"),
        };

        var answer = await browser.PostAsync("/cases/reassign", new FormUrlEncodedContent(fields));

        var page = WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("已转交 2 件至供水公司，1 件未转交。", page);
        Assert.Matches($"(?s)<tr data-case=\"{cancelled}\">.*已撤销", page);
        Assert.Contains("href=\"/cases?department=rqgs", page); // back to the list as it was
        Assert.Equal("gsgs", (await GetCaseAsync(api, second)).GetProperty("department").GetString());

        // Sent again (a reload of the answer): nothing moves twice.
        var again = WebUtility.HtmlDecode(await (await browser.PostAsync("/cases/reassign", new FormUrlEncodedContent(fields))).Content.ReadAsStringAsync());
        Assert.Contains("已转交 2 件至供水公司，1 件未转交。", again);
        Assert.Single((await GetCaseAsync(api, first)).GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "reassigned");

        // Nothing ticked: said in words, nothing done.
        var none = await browser.PostAsync("/cases/reassign", new FormUrlEncodedContent(fields.Where(f => f.Key != "cases")));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("请至少选择一件事项", WebUtility.HtmlDecode(await none.Content.ReadAsStringAsync()));
    }
}
