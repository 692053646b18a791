using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Liaison.Server.Cases;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>Bad input anywhere gets a clear 4xx and changes nothing.</summary>
public sealed class CaseBadInputTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private static string Body(Action<Dictionary<string, object?>> change)
    {
        var body = new Dictionary<string, object?>
        {
            ["title"] = "项目用电报装",
            ["description"] = "新厂房接电",
            ["category"] = "factor-guarantee",
            ["priority"] = "normal",
            ["departmentCode"] = "gdgs",
            ["enterprise"] = new Dictionary<string, object?> { ["name"] = "示例企业", ["creditCode"] = CreditCode, ["contact"] = "王经理" },
        };
        change(body);
        return JsonSerializer.Serialize(body);
    }

    public static TheoryData<string, string> BadCases => new()
    {
        { Body(b => b["title"] = ""), "title" },
        { Body(b => b.Remove("description")), "description" },
        { Body(b => b["category"] = "parking"), "category" },
        { Body(b => b["priority"] = "asap"), "priority" },
        { Body(b => b["departmentCode"] = "nowhere"), "departmentCode" },
        { Body(b => b.Remove("enterprise")), "enterprise" },
        { Body(b => b["enterprise"] = new Dictionary<string, object?> { ["name"] = "示例企业", ["creditCode"] = "91350100M000100Y44" }), "enterprise.creditCode" },
        { Body(b => b["enterprise"] = new Dictionary<string, object?> { ["name"] = "示例企业", ["creditCode"] = "12345" }), "enterprise.creditCode" },
        { Body(b => b["enterprise"] = new Dictionary<string, object?> { ["name"] = "", ["creditCode"] = CreditCode }), "enterprise.name" },
        { Body(b => b["title"] = new string('长', 201)), "title" },
        { Body(b => b["enterprise"] = new Dictionary<string, object?> { ["name"] = "示例企业", ["creditCode"] = CreditCode, ["chiefServiceOfficer"] = new string('王', 101) }), "enterprise.chiefServiceOfficer" },
    };

    [Theory]
    [InlineData("", "category", "必填：请选择类别 / is required: choose a category")]
    [InlineData("parking", "category", "类别无效，可选：项目快速落地（project-landing）、")]
    [InlineData("parking", "category", "must be one of ")]
    [InlineData("asap", "priority", "只能是“普通”或“紧急”（normal/urgent），不是 asap / must be normal or urgent, not 'asap'")]
    public async Task A_refusal_names_things_as_people_know_them_codes_beside_names(string value, string field, string says)
    {
        var officer = await _app.AsOfficerAsync();

        var response = await officer.PostAsync("/api/cases", new StringContent(Body(b => b[field] = value), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty(field);
        Assert.Contains(errors.EnumerateArray(), e => e.GetString()!.Contains(says, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lead_named_as_its_own_co_handler_is_named_in_words()
    {
        var officer = await _app.AsOfficerAsync();

        var response = await officer.PostAsync("/api/cases", new StringContent(Body(b => b["coDepartments"] = new[] { new { departmentCode = "gdgs" } }), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("coDepartments[0].departmentCode")[0].GetString();
        Assert.StartsWith("供电公司已是主办部门，不能同时协办", error);
    }

    [Fact]
    public async Task A_wrong_check_character_is_named_in_both_languages_once()
    {
        var officer = await _app.AsOfficerAsync();
        var response = await officer.PostAsJsonAsync("/api/cases", new
        {
            title = "用电", description = "专线接入", category = "factor-guarantee", priority = "normal", departmentCode = "fgj",
            enterprise = new { name = "示例企业", creditCode = "91350100M000100Y44" },
        });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty("enterprise.creditCode").EnumerateArray()).GetString()!;
        Assert.Contains("统一社会信用代码校验位错误，请核对", message);
        Assert.Contains("the check character is wrong; please check the code", message);
        Assert.DoesNotContain("is not a valid unified social credit code", message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(message, " / "));
    }

    [Theory]
    [MemberData(nameof(BadCases))]
    public async Task Opening_a_case_with_bad_input_is_400_naming_the_field_and_creates_nothing(string json, string field)
    {
        var officer = await _app.AsOfficerAsync();
        var before = await _app.WithDbAsync(db => db.Cases.CountAsync());

        var response = await officer.PostAsync("/api/cases", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Equal(before, await _app.WithDbAsync(db => db.Cases.CountAsync()));
    }

    [Theory]
    [InlineData("{\"title\":")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"title\":42,\"enterprise\":\"x\"}")]
    public async Task Malformed_json_is_400(string json)
    {
        var officer = await _app.AsOfficerAsync();

        var response = await officer.PostAsync("/api/cases", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Decisions_with_bad_input_are_4xx_and_change_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var before = await GetCaseAsync(officer, number);

        var unknownDept = await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "nowhere" });
        var noDept = await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = " " });
        var sameDept = await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "fgj" });
        var noExtension = await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true });
        var notResolved = await officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { });
        var reopenEarly = await officer.PostAsJsonAsync($"/api/cases/{number}/reopen", new { note = "x" });
        var unknownCase = await officer.PostAsJsonAsync("/api/cases/AYKF-2026-999999/cancel", new { });
        var longNote = await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = new string('x', 2001) });
        var after = await GetCaseAsync(officer, number);

        Assert.Equal(HttpStatusCode.BadRequest, unknownDept.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noDept.StatusCode);
        // None chosen is asked for, not named as a department with an empty code.
        var asked = (await noDept.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("departmentCode")[0].GetString();
        Assert.StartsWith("必填：请选择接手的部门", asked);
        Assert.Equal(HttpStatusCode.Conflict, sameDept.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, noExtension.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, notResolved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, reopenEarly.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownCase.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longNote.StatusCode);
        Assert.Equal(before.GetProperty("status").GetString(), after.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/cases?status=lost")]
    [InlineData("/api/cases?page=0")]
    [InlineData("/api/cases?overdue=maybe")]
    public async Task Bad_list_filters_are_400(string url)
    {
        var officer = await _app.AsOfficerAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await officer.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_department_code_is_400_naming_the_filter_in_words_as_an_unknown_officer_is()
    {
        var officer = await _app.AsOfficerAsync();

        var response = await officer.GetAsync("/api/cases?departmentCode=nope");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("没有编码为 nope 的部门 / no department has the code 'nope'", problem.GetProperty("errors").GetProperty("departmentCode")[0].GetString());
    }

    [Fact]
    public async Task Listing_filters_by_status_department_overdue_and_text()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("jxj", title: "独特标题甲乙丙"))).GetProperty("number").GetString()!;

        var byText = await officer.GetFromJsonAsync<JsonElement>("/api/cases?q=甲乙丙");
        var byDept = await officer.GetFromJsonAsync<JsonElement>("/api/cases?departmentCode=jxj&status=dispatched");
        var overdue = await officer.GetFromJsonAsync<JsonElement>("/api/cases?overdue=true&departmentCode=jxj");

        Assert.Equal(number, byText.GetProperty("items")[0].GetProperty("number").GetString());
        Assert.Contains(number, byDept.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetString()));
        Assert.Equal(0, overdue.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync("/api/cases/AYKF-2026-999999")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().GetAsync("/api/cases")).StatusCode);
    }

    [Fact]
    public async Task Counting_stops_at_the_limit_and_pages_go_on_while_they_are_full()
    {
        var officer = await _app.AsOfficerAsync();
        for (var i = 0; i < 4; i++)
        {
            await OpenAsync(officer, NewCase("czj", title: $"计数上限 {i}"));
        }

        async Task<CasePage> ListAsync(int limit, int page)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var queries = scope.ServiceProvider.GetRequiredService<CaseQueries>();
            queries.CountLimit = limit;
            return (await queries.ListAsync(null, "czj", null, "计数上限", page, default)).Value!;
        }

        var exact = await ListAsync(10, 1);
        var capped = await ListAsync(3, 1);
        var past = await ListAsync(10, 2);

        Assert.Equal((4, true, 4), (exact.Total, exact.TotalIsExact, exact.Items.Count));
        Assert.Equal((3, false, 4), (capped.Total, capped.TotalIsExact, capped.Items.Count));
        Assert.False(exact.HasNext);
        Assert.Empty(past.Items);
    }

    [Fact]
    public async Task The_lists_unordered_limits_are_on_purpose_and_log_no_warning()
    {
        var officer = await _app.AsOfficerAsync();
        await OpenAsync(officer, NewCase("czj", title: "无序上限"));

        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/cases?q=无序上限")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/cases?status=dispatched")).StatusCode);

        // EF's "row limiting operation without OrderBy" warning, once per query shape: counting up to a limit needs no order.
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Text.Contains("without an 'OrderBy'", StringComparison.Ordinal) || e.Text.Contains("RowLimitingOperationWithoutOrderBy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_search_lists_its_matches_newest_first_and_counts_them_up_to_the_limit()
    {
        var officer = await _app.AsOfficerAsync();
        var numbers = new List<string>();
        foreach (var department in new[] { "czj", "jxj", "zjj", "czj" })
        {
            numbers.Add((await OpenAsync(officer, NewCase(department, title: $"全区搜索 {numbers.Count}"))).GetProperty("number").GetString()!);
        }

        async Task<CasePage> SearchAsync(int limit, int page)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var queries = scope.ServiceProvider.GetRequiredService<CaseQueries>();
            queries.CountLimit = limit;
            return (await queries.ListAsync(null, null, null, "全区搜索", page, default)).Value!;
        }

        var exact = await SearchAsync(10, 1);
        var capped = await SearchAsync(3, 1);
        var past = await SearchAsync(10, 2);

        numbers.Reverse();
        Assert.Equal((4, true), (exact.Total, exact.TotalIsExact));
        Assert.Equal(numbers, exact.Items.Select(i => i.Number));
        Assert.Equal((3, false), (capped.Total, capped.TotalIsExact));
        Assert.Equal(numbers, capped.Items.Select(i => i.Number));
        Assert.Empty(past.Items);
    }

    [Fact]
    public async Task A_departments_pages_interleave_the_cases_it_leads_and_co_handles_newest_first()
    {
        var officer = await _app.AsOfficerAsync();
        var expected = new List<string>();
        for (var i = 0; i < 52; i++)
        {
            // Cases 10 and 40 are led by another department, with swgj co-handling.
            object body = NewCase(i is 10 or 40 ? "fgj" : "swgj", title: $"分页交错 {i}");
            if (i is 10 or 40)
            {
                var joint = System.Text.Json.JsonSerializer.SerializeToNode(body)!.AsObject();
                joint["coDepartments"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"departmentCode":"swgj"}]""");
                body = joint;
            }

            expected.Insert(0, (await OpenAsync(officer, body)).GetProperty("number").GetString()!);
        }

        async Task<List<string>> PageAsync(int page) =>
            (await officer.GetFromJsonAsync<JsonElement>($"/api/cases?departmentCode=swgj&q=分页交错&page={page}")).GetProperty("items").EnumerateArray()
                .Select(i => i.GetProperty("number").GetString()!).ToList();

        var first = await PageAsync(1);
        var second = await PageAsync(2);

        Assert.Equal(50, first.Count);
        Assert.Equal(expected, first.Concat(second));
        Assert.Equal(2, (await officer.GetFromJsonAsync<JsonElement>("/api/cases?departmentCode=swgj&role=co&q=分页交错")).GetProperty("total").GetInt32());
    }
}
