using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Categories;
using Liaison.Server.Departments;
using Liaison.Server.Http;
using Liaison.Server.Pages;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>The case list as a CSV file: the list's filters, every match, Excel-safe cells.</summary>
public sealed class CaseExportTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task The_export_has_every_case_the_filter_matches_newest_first_with_formulas_defused()
    {
        var officer = await _app.AsOfficerAsync();
        var numbers = new List<string>();
        foreach (var title in new[] { "导出核对 用地", "=HYPERLINK(\"http://evil.example\") 导出核对", "导出核对, 用水" })
        {
            numbers.Add((await OpenAsync(officer, NewCase("zrzyj", title: title))).GetProperty("number").GetString()!);
        }

        await OpenAsync(officer, NewCase("zrzyj", title: "不在导出之列"));

        var response = await officer.GetAsync("/api/cases/export.csv?q=导出核对&departmentCode=zrzyj");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var lines = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("cases-2026-03-02.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.StartsWith("编号 Number,事项 Title,企业 Enterprise,类别 Category,", lines[0]);
        Assert.EndsWith(",受理时间 Opened,统一社会信用代码 Credit code,园区工作人员 Officer,重点企业 Key enterprise,首席服务员 Chief service officer", lines[0]);
        Assert.Equal(numbers.AsEnumerable().Reverse(), lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal(
            $"{numbers[2]},\"导出核对, 用水\",安岳示例柠檬科技有限公司,综合要素保障,普通,自然资源和规划局,0,",
            lines[1][..(lines[1].IndexOf(",0,", StringComparison.Ordinal) + 3)]);
        // Then the case's state and times; at the end the credit code, the park officer following the case, and whether
        // the enterprise is a key one with its chief service officer (not one here).
        Assert.EndsWith(",已派单，待签收,2026-03-03 18:00,2026-03-09 18:00,否,否,2026-03-02 09:00,91350100M000100Y43,测试专员,否,", lines[1]);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil.example\"\") 导出核对\",", lines[2]);

        // A key enterprise's case names its chief service officer.
        await OpenAsync(officer, new
        {
            title = "重点企业导出核对", description = "企业新厂房需要 10kV 专线接入。", category = "factor-guarantee", priority = "normal", departmentCode = "zrzyj",
            enterprise = new
            {
                name = "安岳导出重点企业有限公司", creditCode = "91512021MA2000777" + Liaison.Cases.Enterprises.UnifiedSocialCreditCode.ComputeCheckCharacter("91512021MA2000777"),
                contact = "王经理 13800000000", isKey = true, chiefServiceOfficer = "张首席",
            },
        });
        var keyLines = Encoding.UTF8.GetString(await officer.GetByteArrayAsync("/api/cases/export.csv?q=重点企业导出核对")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",测试专员,是,张首席", keyLines[1]);

        // In English, the values are English too.
        var english = new HttpRequestMessage(HttpMethod.Get, "/api/cases/export.csv?q=导出核对&departmentCode=zrzyj");
        english.Headers.Add("Cookie", "liaison.lang=en");
        var englishLines = (await (await officer.SendAsync(english)).Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n");
        Assert.Contains(",\"Factor guarantee (land, power", englishLines[1]);
        Assert.Contains("\",Normal,", englishLines[1]);
        Assert.Contains(",Dispatched, waiting to be accepted,", englishLines[1].Replace("\"", ""));
        Assert.Contains(",no,no,2026-03-02 09:00,", englishLines[1]);
    }

    [Fact]
    public async Task An_export_without_a_search_has_every_match_newest_first()
    {
        // A plain filter's matches are read in no order and sorted here (an export's "ORDER BY id DESC LIMIT 10000"
        // walked every case when fewer matched): the file is still newest first, every match once.
        var officer = await _app.AsOfficerAsync();
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var number = (await OpenAsync(officer, NewCase("czj", title: $"撤销导出 {i}"))).GetProperty("number").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "重复立案" })).StatusCode);
            numbers.Add(number);
        }

        var csv = await officer.GetStringAsync("/api/cases/export.csv?status=cancelled");
        var exported = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).ToList();
        var listed = await officer.GetFromJsonAsync<JsonElement>("/api/cases?status=cancelled");

        Assert.Equal(listed.GetProperty("total").GetInt32(), exported.Count);
        Assert.Equal(exported.OrderDescending(StringComparer.Ordinal), exported);
        Assert.Equal(exported.Distinct(), exported);
        Assert.Equal(numbers.AsEnumerable().Reverse(), exported.Where(numbers.Contains));
    }

    [Fact]
    public async Task A_bad_filter_is_a_400_naming_it()
    {
        var officer = await _app.AsOfficerAsync();

        var response = await officer.GetAsync("/api/cases/export.csv?status=lost");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("status", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().GetAsync("/api/cases/export.csv")).StatusCode);
    }

    [Fact]
    public async Task More_matches_than_the_list_counts_are_refused_not_cut_short()
    {
        var officer = await _app.AsOfficerAsync();
        for (var i = 0; i < 3; i++)
        {
            await OpenAsync(officer, NewCase("czj", title: $"导出上限 {i}"));
        }

        async Task<IResult> ExportAsync(int limit)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var queries = services.GetRequiredService<CaseQueries>();
            queries.CountLimit = limit;
            var result = await CaseExport.ExportCsv(queries, services.GetRequiredService<DepartmentService>(), services.GetRequiredService<CategoryService>(),
                services.GetRequiredService<CalendarService>(), services.GetRequiredService<TimeProvider>(), null, null, null, null, "导出上限", null, null,
                new ClaimsPrincipal(), services.GetRequiredService<UserManager<LiaisonUser>>(),
                new Ui(new HttpContextAccessor { HttpContext = new DefaultHttpContext() }, services.GetRequiredService<CalendarService>()),
                new DefaultHttpContext().Response, default);
            return result.Result;
        }

        var refused = Assert.IsType<BadRequestProblem>(await ExportAsync(2));
        var file = Assert.IsType<FileContentHttpResult>(await ExportAsync(3));

        Assert.Contains("narrow the filter", refused.ProblemDetails.Detail);
        Assert.Equal(4, Encoding.UTF8.GetString(file.FileContents.Span).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task The_case_list_page_links_the_export_with_its_filters()
    {
        var officer = await _app.AsOfficerAsync();
        await OpenAsync(officer, NewCase("jxj", title: "页面导出链接"));
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");

        var page = await browser.GetStringAsync("/cases?department=jxj&q=页面导出链接&role=lead");
        var none = await browser.GetStringAsync("/cases?q=没有这样的事项");

        Assert.Contains($"<a href=\"/api/cases/export.csv?role=lead&amp;q={Uri.EscapeDataString("页面导出链接")}&amp;departmentCode=jxj\" data-export download>导出 CSV</a>", page);
        Assert.DoesNotContain("data-export", none);
        var exported = await browser.GetAsync($"/api/cases/export.csv?role=lead&q={Uri.EscapeDataString("页面导出链接")}&departmentCode=jxj");
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        Assert.Contains("页面导出链接", await exported.Content.ReadAsStringAsync());
    }
}
