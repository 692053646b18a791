using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Categories;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Admin;

/// <summary>
/// Admins change a category's limits (API and page); dispatches from then on use them, co-handlers' lead time
/// included, and deadlines already set stay. Its own database: the changes would move other tests' deadlines.
/// </summary>
public sealed class CategoriesTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CategoriesTests));
        _officer = await _app.AsOfficerAsync();
        _admin = await _app.AsAdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static object Limits(int accept = 1, int resolve = 8, int? progress = null, int? lead = 3, string nameZh = "综合要素保障", string name = "Factor guarantee") =>
        new { nameZh, name, acceptWithinWorkingDays = accept, resolveWithinWorkingDays = resolve, progressReportEveryWorkingDays = progress, coHandlerLeadWorkingDays = lead };

    [Fact]
    public async Task Officers_read_the_shipped_limits_with_the_co_handlers_lead_time()
    {
        var all = await _officer.GetFromJsonAsync<JsonElement>("/api/categories");

        Assert.Equal(["project-landing", "factor-guarantee", "legacy-issue", "bankruptcy", "other"],
            all.EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        var legacy = all.EnumerateArray().Single(c => c.GetProperty("code").GetString() == "legacy-issue");
        Assert.Equal(20, legacy.GetProperty("resolveWithinWorkingDays").GetInt32());
        Assert.Equal(10, legacy.GetProperty("progressReportEveryWorkingDays").GetInt32());
        Assert.All(all.EnumerateArray(), c => Assert.Equal(1, c.GetProperty("coHandlerLeadWorkingDays").GetInt32()));
    }

    [Theory]
    [InlineData(2, 1, null, 0, "acceptWithinWorkingDays")] // accept longer than resolve
    [InlineData(1, 0, null, 0, "resolveWithinWorkingDays")]
    [InlineData(1, 251, null, 0, "resolveWithinWorkingDays")]
    [InlineData(1, 5, 0, 1, "progressReportEveryWorkingDays")]
    [InlineData(1, 5, null, 5, "coHandlerLeadWorkingDays")] // not shorter than the resolve limit
    [InlineData(1, 5, null, -1, "coHandlerLeadWorkingDays")]
    [InlineData(1, 20, 30, 1, "progressReportEveryWorkingDays")] // reports less often than the case is due
    public async Task Bad_limits_get_a_400_naming_the_field_and_change_nothing(int accept, int resolve, int? progress, int lead, string field)
    {
        var before = await _officer.GetStringAsync("/api/categories");

        var response = await _admin.PutAsJsonAsync("/api/categories/factor-guarantee", Limits(accept, resolve, progress, lead));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await _officer.GetStringAsync("/api/categories"));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<CaseCategoryRecord>().CountAsync()));
    }

    [Fact]
    public async Task A_progress_report_interval_longer_than_the_resolve_limit_is_refused_naming_both_and_an_equal_one_is_not()
    {
        var longer = await _admin.PutAsJsonAsync("/api/categories/legacy-issue", Limits(resolve: 20, progress: 30, nameZh: "遗留问题化解", name: "Legacy issue resolution"));

        Assert.Equal(HttpStatusCode.BadRequest, longer.StatusCode);
        Assert.Equal(
            "进展报告间隔（30 个工作日）不能长于办结时限（20 个工作日）：否则第一次进展报告要到办结期限之后才到期 / the progress report interval (30 working days) cannot be longer than the resolve limit (20 working days): the first report would fall due after the case does",
            Assert.Single((await longer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("progressReportEveryWorkingDays").EnumerateArray()).GetString());
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<CaseCategoryRecord>().CountAsync()));
        Assert.Equal(HttpStatusCode.OK,
            (await _admin.PutAsJsonAsync("/api/categories/legacy-issue", Limits(resolve: 20, progress: 20, nameZh: "遗留问题化解", name: "Legacy issue resolution"))).StatusCode);
    }

    [Fact]
    public async Task With_a_resolve_limit_of_one_day_the_lead_time_error_says_it_must_be_0()
    {
        var response = await _admin.PutAsJsonAsync("/api/categories/factor-guarantee", Limits(resolve: 1, lead: 1));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("应为 0：办结时限只有 1 个工作日，无法设协办提前量 / must be 0: with a resolve limit of 1 working day no lead time is possible",
            Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("coHandlerLeadWorkingDays").EnumerateArray()).GetString());
        var longer = await _admin.PutAsJsonAsync("/api/categories/factor-guarantee", Limits(resolve: 3, lead: 3));
        Assert.Equal("应为 0 至 2 个工作日（须短于 3 个工作日的办结时限） / must be 0–2 working days (shorter than the resolve limit of 3 working days)",
            (await longer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("coHandlerLeadWorkingDays")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await _admin.PutAsJsonAsync("/api/categories/factor-guarantee", Limits(resolve: 1, lead: 0))).StatusCode);
    }

    [Fact]
    public async Task A_name_another_category_has_is_refused_naming_that_category_on_the_api_and_the_form()
    {
        // Another category's shipped Chinese name, and its English name in another case with spaces around.
        var taken = await _admin.PutAsJsonAsync("/api/categories/factor-guarantee", Limits(nameZh: "项目快速落地", name: " fast PROJECT landing "));

        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        var errors = (await taken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("名称已被“项目快速落地”（project-landing）使用 / the name is already used by \"项目快速落地\" (project-landing)",
            Assert.Single(errors.GetProperty("nameZh").EnumerateArray()).GetString());
        Assert.Equal("名称已被“Fast project landing”（project-landing）使用 / the name is already used by \"Fast project landing\" (project-landing)",
            Assert.Single(errors.GetProperty("name").EnumerateArray()).GetString());
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<CaseCategoryRecord>().CountAsync()));

        // A name an admin gave: taken as well; the one it replaced is free again.
        Assert.Equal(HttpStatusCode.OK, (await _admin.PutAsJsonAsync("/api/categories/other", Limits(resolve: 10, nameZh: "其他事项", name: "Other matters"))).StatusCode);
        var admin = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var form = await admin.GetStringAsync("/admin/categories/factor-guarantee");
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(form),
            ["nameZh"] = "其他事项",
            ["name"] = "Factor guarantee",
            ["acceptWithinWorkingDays"] = "1",
            ["resolveWithinWorkingDays"] = "5",
            ["progressReportEveryWorkingDays"] = "",
            ["coHandlerLeadWorkingDays"] = "1",
        };
        var refused = await admin.PostAsync("/admin/categories/factor-guarantee", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Matches("id=\"nameZh\"[^>]*value=\"其他事项\"[^>]*aria-invalid=\"true\"", page);
        Assert.Contains("<p class=\"field-error\" data-field=\"nameZh\">名称已被“其他事项”（other）使用</p>", page);
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<CaseCategoryRecord>().CountAsync()));
        fields["nameZh"] = "其他";
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync("/admin/categories/factor-guarantee", new FormUrlEncodedContent(fields))).StatusCode);
        var names = (await _officer.GetFromJsonAsync<JsonElement>("/api/categories")).EnumerateArray().Select(c => c.GetProperty("nameZh").GetString()).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public async Task Unknown_codes_blank_names_and_officers_are_refused()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.PutAsJsonAsync("/api/categories/nowhere", Limits())).StatusCode);
        var blank = await _admin.PutAsJsonAsync("/api/categories/other", Limits(nameZh: " ", name: ""));
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        var errors = (await blank.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("nameZh", out _) && errors.TryGetProperty("name", out _), errors.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, (await _officer.PutAsJsonAsync("/api/categories/other", Limits())).StatusCode);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<CaseCategoryRecord>().CountAsync()));
    }

    [Fact]
    public async Task New_limits_apply_to_cases_dispatched_afterwards_and_the_co_handlers_lead_time_too()
    {
        // Monday 2026-03-02: five working days (the shipped limit) end on Monday 9 March.
        var before = await OpenAsync(_officer, NewCase("fgj"));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, China), before.GetProperty("dueAt").GetDateTimeOffset());

        var saved = await _admin.PutAsJsonAsync("/api/categories/factor-guarantee", Limits(resolve: 8, lead: 3, nameZh: "要素保障", name: "Factors"));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var dto = await saved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(8, dto.GetProperty("resolveWithinWorkingDays").GetInt32());
        Assert.Equal(3, dto.GetProperty("coHandlerLeadWorkingDays").GetInt32());

        var preview = await _officer.GetFromJsonAsync<JsonElement>("/api/cases/deadline-preview?category=factor-guarantee");
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 18, 0, 0, China), preview.GetProperty("dueAt").GetProperty("due").GetDateTimeOffset());

        var joint = await OpenAsync(_officer, new
        {
            title = "新厂房无法投产",
            description = "用地、供电需同时协调。",
            category = "factor-guarantee",
            priority = "normal",
            departmentCode = "zrzyj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
            coDepartments = new[] { new { departmentCode = "gdgs", task = "请确认接入方案" } },
        });

        // The lead: 8 working days (Thursday 12 March); the co-handler: 8 − 3 = 5 (Monday 9 March).
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 18, 0, 0, China), joint.GetProperty("dueAt").GetDateTimeOffset());
        var part = Assert.Single(joint.GetProperty("coDepartments").EnumerateArray());
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, China), part.GetProperty("dueAt").GetDateTimeOffset());
        // The case opened before keeps its deadline; the new name shows in the new case's dispatch mail.
        var kept = await GetCaseAsync(_officer, before.GetProperty("number").GetString()!);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, China), kept.GetProperty("dueAt").GetDateTimeOffset());
        var mail = Assert.Single(await MailsAsync(_app, "zrzyj.handler@anyue.example", joint.GetProperty("number").GetString()!));
        Assert.Contains("要素保障", mail.TextBody);
    }

    [Fact]
    public async Task The_admin_page_lists_the_categories_and_saves_a_form_or_shows_its_errors()
    {
        var admin = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        Assert.Contains("href=\"/admin/categories\"", await admin.GetStringAsync("/admin"));
        var list = await admin.GetStringAsync("/admin/categories");
        Assert.Contains("项目快速落地", AdminPagesTests.RowOf(list, "project-landing"));
        Assert.Contains("10 个工作日", AdminPagesTests.RowOf(list, "project-landing"));
        var form = await admin.GetStringAsync("/admin/categories/project-landing");
        Assert.Contains("id=\"coHandlerLeadWorkingDays\"", form);

        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(form),
            ["nameZh"] = "项目快速落地",
            ["name"] = "Fast project landing",
            ["acceptWithinWorkingDays"] = "2",
            ["resolveWithinWorkingDays"] = "twelve",
            ["progressReportEveryWorkingDays"] = "",
            ["coHandlerLeadWorkingDays"] = "2",
        };
        var refused = await admin.PostAsync("/admin/categories/project-landing", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("data-field=\"resolveWithinWorkingDays\">应为整数", page);
        Assert.Contains("value=\"twelve\"", page);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<CaseCategoryRecord>().CountAsync()));

        // Every error at once: the unreadable number beside the others' ranges, and nothing said twice about one limit.
        var several = new Dictionary<string, string>(fields)
        {
            ["acceptWithinWorkingDays"] = "abc", ["resolveWithinWorkingDays"] = "-1", ["progressReportEveryWorkingDays"] = "0",
            ["coHandlerLeadWorkingDays"] = "9",
        };
        var all = await (await admin.PostAsync("/admin/categories/project-landing", new FormUrlEncodedContent(several))).Content.ReadAsStringAsync();
        Assert.Contains("data-field=\"acceptWithinWorkingDays\">应为整数", all);
        Assert.Contains("办结时限应为1–250个工作日，实际为-1", all);
        Assert.Contains("进展报告间隔应为1–250个工作日，实际为0", all);
        Assert.DoesNotContain("签收时限不能长于办结时限", all);
        Assert.DoesNotContain("应为 0 至 0 个工作日", all);
        Assert.DoesNotContain("必填", all);
        // Both limits in range: their order is checked even when another field is wrong; a negative lead time is said as such.
        several["acceptWithinWorkingDays"] = "20";
        several["resolveWithinWorkingDays"] = "10";
        var ordered = await (await admin.PostAsync("/admin/categories/project-landing", new FormUrlEncodedContent(several))).Content.ReadAsStringAsync();
        Assert.Contains("签收时限不能长于办结时限", ordered);
        Assert.Contains("进展报告间隔应为1–250个工作日，实际为0", ordered);
        several["resolveWithinWorkingDays"] = "500";
        several["coHandlerLeadWorkingDays"] = "-1";
        var negative = await (await admin.PostAsync("/admin/categories/project-landing", new FormUrlEncodedContent(several))).Content.ReadAsStringAsync();
        Assert.Contains("data-field=\"coHandlerLeadWorkingDays\">不能为负数", negative);

        fields["resolveWithinWorkingDays"] = "12";
        var saved = await admin.PostAsync("/admin/categories/project-landing", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/admin/categories", saved.Headers.Location?.OriginalString);
        var after = await admin.GetStringAsync("/admin/categories");
        Assert.Contains("12 个工作日", AdminPagesTests.RowOf(after, "project-landing"));
        Assert.Contains("已保存", after);
        var api = (await _officer.GetFromJsonAsync<JsonElement>("/api/categories")).EnumerateArray().First();
        Assert.Equal((2, 12, 2), (api.GetProperty("acceptWithinWorkingDays").GetInt32(), api.GetProperty("resolveWithinWorkingDays").GetInt32(),
            api.GetProperty("coHandlerLeadWorkingDays").GetInt32()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/categories/nowhere")).StatusCode);
    }
}
