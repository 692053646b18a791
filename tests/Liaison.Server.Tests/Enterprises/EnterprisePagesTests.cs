using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;
using Liaison.Server.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>The register's pages, through a browser-like client carrying the sign-in cookie.</summary>
public sealed partial class EnterprisePagesTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string OfficerEmail = "officer@test.example";

    // The password LiaisonApp.AsOfficerAsync gives the officers it creates.
    private const string OfficerPassword = "officer-password-1";

    private readonly LiaisonApp _app = fixture.App;

    /// <summary>A valid, fictitious credit code used by no other test class (prefix MA3).</summary>
    private static string Code(int n)
    {
        var first17 = $"91512021MA3{n:D6}";
        return first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
    }

    private async Task<HttpClient> BrowserAsync()
    {
        await _app.AsOfficerAsync(OfficerEmail);
        return await _app.SignInThroughFormAsync(OfficerEmail, OfficerPassword);
    }

    private static List<string> Rows(string page) => RowPattern().Matches(page).Select(m => m.Groups[1].Value).ToList();

    private Task<RegisteredEnterprise?> FindAsync(string code) => _app.WithDbAsync(db =>
        db.Set<RegisteredEnterprise>().Include(e => e.Contacts).Include(e => e.ServiceSquad).FirstOrDefaultAsync(e => e.CreditCode == code));

    private static Dictionary<string, string> Form(string token, string name, string creditCode, params (string Key, string Value)[] more)
    {
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["name"] = name, ["creditCode"] = creditCode, ["industryChain"] = "natural-gas",
            ["address"] = "安岳经开区兴安路8号", ["visitEveryDays"] = "30",
        };
        foreach (var (key, value) in more)
        {
            fields[key] = value;
        }

        return fields;
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        var anonymous = _app.Anonymous();
        foreach (var path in new[] { "/enterprises", "/enterprises/new", "/enterprises/1", "/enterprises/1/edit" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", response.Headers.Location!.AbsolutePath);
            Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location.Query);
        }
    }

    [Fact]
    public async Task The_register_lists_searches_filters_and_pages()
    {
        var browser = await BrowserAsync();
        var total = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().CountAsync());

        var first = await browser.GetStringAsync("/enterprises");
        var second = await browser.GetStringAsync("/enterprises?page=2");
        var byName = await browser.GetStringAsync("/enterprises?q=" + Uri.EscapeDataString("稀土材料企业02"));
        var byCode = await browser.GetStringAsync("/enterprises?q=" + SampleEnterprises.CreditCode(9).ToLowerInvariant());
        var rareEarth = await browser.GetStringAsync("/enterprises?chain=rare-earth&key=true");
        var badChain = await browser.GetAsync("/enterprises?chain=" + Uri.EscapeDataString("钢铁"));

        Assert.Contains("<a href=\"/enterprises\" aria-current=\"page\">企业名录</a>", first); // in the navigation
        Assert.Equal(50, Rows(first).Count);
        Assert.Contains("href=\"/enterprises?page=2\"", first);
        Assert.Equal(total - 50, Rows(second).Count);
        Assert.Empty(Rows(first).Intersect(Rows(second)));
        var named = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().SingleAsync(e => e.CreditCode == SampleEnterprises.CreditCode(2)));
        Assert.Equal([named.Id.ToString()], Rows(byName));
        Assert.Single(Rows(byCode));
        Assert.Contains(SampleEnterprises.CreditCode(9), byCode);
        var rareEarthIds = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>()
            .Where(e => e.IsKey && e.IndustryChain == IndustryChain.RareEarth).Select(e => e.Id.ToString()).ToListAsync());
        Assert.Equal(rareEarthIds.Order(), Rows(rareEarth).Order());
        Assert.True(rareEarthIds.Count >= SampleEnterprises.Count / 4);
        Assert.Equal(HttpStatusCode.BadRequest, badChain.StatusCode);
        Assert.Contains("产业链只能是", await badChain.Content.ReadAsStringAsync());
        // A page past the last one says so and links to the last page.
        var past = await browser.GetStringAsync("/enterprises?page=9");
        Assert.Contains("没有第 9 页：共 2 页。", past);
        Assert.Contains("href=\"/enterprises?page=2\">« 最后一页（第 2 页）", past);
        Assert.DoesNotContain("第 9 / 2 页", past);
    }

    [Fact]
    public async Task An_officer_registers_an_enterprise_through_the_form()
    {
        await _app.AsOfficerAsync("form.chief@test.example");
        await _app.AsOfficerAsync("form.squad@test.example");
        var browser = await BrowserAsync();
        var form = await browser.GetStringAsync("/enterprises/new");
        Assert.Contains("<option value=\"form.chief@test.example\"", form); // officers to choose from

        var response = await browser.PostAsync("/enterprises/new", new FormUrlEncodedContent(Form(TokenIn(form), "安岳表单燃气有限公司", Code(1),
            ("isKey", "true"), ("chiefServiceOfficer", "form.chief@test.example"), ("serviceSquad", "form.squad@test.example"),
            ("visitEveryDays", "10"),
            ("contacts[0].name", "王经理"), ("contacts[0].phone", "13800001111"), ("contacts[0].email", "wang@form.example"),
            ("contacts[1].name", ""), ("contacts[1].phone", ""), ("contacts[1].email", ""), // a blank row is dropped
            ("contacts[2].name", "李会计"), ("contacts[2].email", "li@form.example"), ("noticeContact", "2"))));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var entry = (await FindAsync(Code(1)))!;
        Assert.Equal($"/enterprises/{entry.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("安岳表单燃气有限公司", entry.Name);
        Assert.True(entry.IsKey);
        Assert.Equal(10, entry.VisitEveryDays);
        Assert.NotNull(entry.ChiefServiceOfficerId);
        Assert.Single(entry.ServiceSquad);
        Assert.Equal(["王经理", "李会计"], entry.Contacts.OrderBy(c => c.Position).Select(c => c.Name));
        Assert.Equal("李会计", entry.NoticeContact?.Name);
        var page = await browser.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("企业已登记", page);
        Assert.Contains("13800001111", page); // signed-in officers see contacts' phones
        // Said once, by the save only: a reload, or the address the save used to redirect to, says nothing.
        Assert.DoesNotContain("企业已登记", await browser.GetStringAsync(response.Headers.Location!.OriginalString));
        Assert.DoesNotContain("企业已登记", await browser.GetStringAsync($"/enterprises/{entry.Id}?done=created"));
        Assert.DoesNotContain("role=\"status\">已保存<", await browser.GetStringAsync($"/enterprises/{entry.Id}?done=saved"));
    }

    [Fact]
    public async Task A_notice_contact_chosen_on_a_blank_row_is_refused_as_a_field_error_and_nothing_is_saved()
    {
        var browser = await BrowserAsync();
        var form = await browser.GetStringAsync("/enterprises/new");

        var response = await browser.PostAsync("/enterprises/new", new FormUrlEncodedContent(Form(TokenIn(form), "安岳空行通知有限公司", Code(91),
            ("contacts[0].name", "王经理"), ("contacts[0].email", "wang@blank.example"),
            ("contacts[1].name", ""), ("contacts[1].phone", ""), ("contacts[1].email", ""), ("noticeContact", "1"))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("接收事项通知的联系人必须有邮箱：所选的一行是空的", await response.Content.ReadAsStringAsync());
        Assert.Null(await FindAsync(Code(91)));
    }

    [Fact]
    public async Task Of_two_forms_opened_together_the_second_saved_is_refused_and_the_first_save_stays()
    {
        var browser = await BrowserAsync();
        await _app.AsOfficerAsync("second.editor@test.example");
        var colleague = await _app.SignInThroughFormAsync("second.editor@test.example", OfficerPassword);
        var created = await browser.PostAsync("/enterprises/new", new FormUrlEncodedContent(Form(TokenIn(await browser.GetStringAsync("/enterprises/new")),
            "同时编辑的企业", Code(30), ("contacts[0].name", "王经理"), ("contacts[0].phone", "13800001111"))));
        var entry = (await FindAsync(Code(30)))!;
        var edit = $"/enterprises/{entry.Id}/edit";
        var mine = await browser.GetStringAsync(edit);
        var theirs = await colleague.GetStringAsync(edit);
        static string BasisIn(string page) => Regex.Match(page, "name=\"basis\" value=\"([^\"]+)\"").Groups[1].Value;

        var saved = await browser.PostAsync(edit, new FormUrlEncodedContent(Form(TokenIn(mine), "同时编辑的企业", Code(30), ("basis", BasisIn(mine)),
            ("contacts[0].name", "王经理"), ("contacts[0].phone", "13800009999"))));
        var refused = await colleague.PostAsync(edit, new FormUrlEncodedContent(Form(TokenIn(theirs), "同时编辑的企业（改名）", Code(30), ("basis", BasisIn(theirs)),
            ("contacts[0].name", "王经理"), ("contacts[0].phone", "13800001111"))));

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.NotEmpty(BasisIn(mine));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("企业信息在您打开后已被他人修改", page);
        Assert.Contains("同时编辑的企业（改名）", page); // what the colleague typed is still in the form to copy
        var now = (await FindAsync(Code(30)))!;
        Assert.Equal("同时编辑的企业", now.Name);
        Assert.Equal("13800009999", Assert.Single(now.Contacts).Phone);

        // The refused form carries the entry's version as it is now: saved again, on purpose, what was typed stands.
        Assert.Contains("再次保存将以您填写的内容为准", page);
        Assert.NotEqual(BasisIn(theirs), BasisIn(page));
        var again = await colleague.PostAsync(edit, new FormUrlEncodedContent(Form(TokenIn(page), "同时编辑的企业（改名）", Code(30), ("basis", BasisIn(page)),
            ("contacts[0].name", "王经理"), ("contacts[0].phone", "13800001111"))));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("同时编辑的企业（改名）", (await FindAsync(Code(30)))!.Name);
    }

    [Fact]
    public async Task The_form_shows_errors_next_to_the_fields_and_a_duplicate_credit_code_with_the_409_message()
    {
        var browser = await BrowserAsync();
        var token = TokenIn(await browser.GetStringAsync("/enterprises/new"));
        var before = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().CountAsync());
        var holder = (await FindAsync(SampleEnterprises.CreditCode(4)))!;

        var invalid = await browser.PostAsync("/enterprises/new", new FormUrlEncodedContent(Form(token, "", "91512021MA3000001", ("visitEveryDays", "abc"),
            ("contacts[0].name", "坏邮箱"), ("contacts[0].email", "not-an-email"))));
        var invalidPage = await invalid.Content.ReadAsStringAsync();
        var duplicate = await browser.PostAsync("/enterprises/new", new FormUrlEncodedContent(Form(token, "重复代码的企业", SampleEnterprises.CreditCode(4))));
        var duplicatePage = await duplicate.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        foreach (var field in new[] { "name", "creditCode", "visitEveryDays", "contacts[0].email" })
        {
            Assert.Contains($"data-field=\"{field}\"", invalidPage);
        }

        Assert.Contains("value=\"坏邮箱\"", invalidPage); // what was typed is kept
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Matches($"<p class=\"field-error\" data-field=\"creditCode\">[^<]*{Regex.Escape(holder.Name)}", duplicatePage);
        Assert.Contains("value=\"重复代码的企业\"", duplicatePage);
        Assert.Equal(before, await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().CountAsync()));
    }

    [Fact]
    public async Task Editing_through_the_form_changes_the_entry_and_adding_a_contact_row_saves_nothing()
    {
        var browser = await BrowserAsync();
        var sample = (await FindAsync(SampleEnterprises.CreditCode(3)))!;
        var path = $"/enterprises/{sample.Id}/edit";
        var form = await browser.GetStringAsync(path);
        Assert.Contains($"value=\"{sample.Name}\"", form);
        Assert.Contains($"value=\"{sample.Contacts.Single().Email}\"", form);

        var more = await browser.PostAsync(path + "?addContact=1", new FormUrlEncodedContent(Form(TokenIn(form), "还没保存的名字", sample.CreditCode,
            ("contacts[0].name", "甲"), ("contacts[0].email", "jia@edit.example"))));
        Assert.Equal(HttpStatusCode.OK, more.StatusCode);
        Assert.Contains("id=\"contact-2-name\"", await more.Content.ReadAsStringAsync()); // the typed row, the blank one and one more
        Assert.Equal(sample.Name, (await FindAsync(sample.CreditCode))!.Name);

        // Refused for an empty name, the page still heads and links the entry by its saved name.
        var refused = await browser.PostAsync(path, new FormUrlEncodedContent(Form(TokenIn(form), "", sample.CreditCode)));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusedPage = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"<a href=\"/enterprises/{sample.Id}\">{sample.Name}</a>", refusedPage);
        Assert.Contains($"<title>{sample.Name} · 编辑企业", refusedPage);

        var saved = await browser.PostAsync(path, new FormUrlEncodedContent(Form(TokenIn(form), "安岳真实鞋服有限公司", sample.CreditCode,
            ("industryChain", "textile-apparel"), ("isKey", "true"), ("visitEveryDays", "45"),
            ("contacts[0].name", "孙厂长"), ("contacts[0].phone", "0832-6666666"))));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal($"/enterprises/{sample.Id}", saved.Headers.Location?.OriginalString);
        Assert.Contains("<p class=\"ok\" role=\"status\">已保存</p>", await browser.GetStringAsync($"/enterprises/{sample.Id}"));
        var entry = (await FindAsync(sample.CreditCode))!;
        Assert.Equal("安岳真实鞋服有限公司", entry.Name);
        Assert.Equal(IndustryChain.TextileApparel, entry.IndustryChain);
        Assert.Equal(45, entry.VisitEveryDays);
        Assert.False(entry.IsSample);
        Assert.Equal("孙厂长", Assert.Single(entry.Contacts).Name);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/enterprises/999999/edit")).StatusCode);
    }

    [Fact]
    public async Task The_enterprise_page_lists_every_case_open_first_with_the_deadlines_and_status_of_the_case_list()
    {
        var api = await _app.AsOfficerAsync(OfficerEmail);
        var browser = await BrowserAsync();
        var enterprise = (await FindAsync(SampleEnterprises.CreditCode(12)))!;
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            numbers.Add((await OpenAsync(api, NewCase(title: $"企业事项{i}"))).GetProperty("number").GetString()!);
        }

        var other = (await OpenAsync(api, NewCase(title: "别的企业的事项"))).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{numbers[2]}/cancel", new { note = "企业撤回" })).StatusCode);
        var past = _app.Clock.GetUtcNow().AddDays(-1);
        await _app.WithDbAsync(async db =>
        {
            await db.Cases.Where(c => numbers.Contains(c.Number)).ExecuteUpdateAsync(s => s.SetProperty(c => c.EnterpriseId, enterprise.Id));
            return await db.Cases.Where(c => c.Number == numbers[0]).ExecuteUpdateAsync(s => s.SetProperty(c => c.DueAt, past));
        });

        var page = await browser.GetStringAsync($"/enterprises/{enterprise.Id}");
        var list = await browser.GetStringAsync("/cases");

        // Open ones first (newest first), then the cancelled one; the other enterprise's case is not there.
        Assert.Equal([numbers[1], numbers[0], numbers[2]], CasePattern().Matches(page).Select(m => m.Groups[1].Value));
        Assert.DoesNotContain(other, page);
        Assert.Contains(enterprise.Contacts.Single().Phone!, page);
        // Each case reads as the case list shows it: the same row (deadline, overdue mark, status).
        foreach (var number in numbers)
        {
            // Less the list's enterprise column and its box to tick a case for moving several at once.
            var row = Regex.Replace(RowOf(list, number), "<td role=\"cell\" class=\"pick\">.*?</td>", "", RegexOptions.Singleline);
            Assert.Equal(Squeeze(row.Replace(EnterpriseCell(row), "")), Squeeze(RowOf(page, number)));
        }

        Assert.Contains("class=\"overdue\"", RowOf(page, numbers[0]));
        Assert.Contains("超期", RowOf(page, numbers[0]));
        Assert.Contains("data-status=\"cancelled\"", RowOf(page, numbers[2]));
    }

    [Fact]
    public async Task A_busy_enterprises_page_lists_its_open_and_newest_ended_cases_and_links_to_all_of_them_in_the_case_list()
    {
        var api = await _app.AsOfficerAsync(OfficerEmail);
        var browser = await BrowserAsync();
        var enterprise = (await FindAsync(SampleEnterprises.CreditCode(14)))!;
        var numbers = new List<string>();
        for (var i = 0; i < EnterpriseService.EndedCasesShown + 3; i++)
        {
            numbers.Add((await OpenAsync(api, NewCase(title: $"多年事项{i}"))).GetProperty("number").GetString()!);
        }

        var other = (await OpenAsync(api, NewCase(title: "别的企业的事项"))).GetProperty("number").GetString()!;
        // The first two stay open; the other 21 are closed, the oldest of them one more than the page lists.
        var closed = numbers.Skip(2).ToList();
        await _app.WithDbAsync(async db =>
        {
            await db.Cases.Where(c => numbers.Contains(c.Number)).ExecuteUpdateAsync(s => s.SetProperty(c => c.EnterpriseId, enterprise.Id));
            return await db.Cases.Where(c => closed.Contains(c.Number)).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CaseStatus.Closed));
        });

        var page = await browser.GetStringAsync($"/enterprises/{enterprise.Id}");
        var all = await browser.GetStringAsync($"/cases?enterpriseId={enterprise.Id}");
        var listed = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cases?enterpriseId={enterprise.Id}");
        var bad = await browser.GetAsync("/cases?enterpriseId=x1");
        async Task<(int Total, bool Exact)> CountedAsync(int limit)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<EnterpriseService>();
            service.CasesCountLimit = limit;
            var cases = await service.ListCasesAsync(enterprise.Id, default);
            return (cases.Total, cases.TotalIsExact);
        }

        // Open first, newest first; then the 20 newest closed ones: the oldest closed case is left to the case list.
        IEnumerable<string> expected = [numbers[1], numbers[0], .. Enumerable.Reverse(closed).Take(EnterpriseService.EndedCasesShown)];
        Assert.Equal(expected, CasePattern().Matches(page).Select(m => m.Groups[1].Value));
        Assert.Contains("共 23 件，其中 2 件未办结", page);
        Assert.Contains($"<a href=\"/cases?enterpriseId={enterprise.Id}\" data-all-cases>", page);
        Assert.Equal(numbers.AsEnumerable().Reverse(), CasePattern().Matches(all).Select(m => m.Groups[1].Value));
        Assert.Contains(enterprise.Name, Regex.Match(all, "<p data-enterprise-filter>.*?</p>").Value);
        Assert.Matches($"<input type=\"hidden\" name=\"enterpriseId\" value=\"{enterprise.Id}\"", all); // kept when the filters change
        Assert.DoesNotContain(other, all);
        Assert.Equal(23, listed.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal((10, false), await CountedAsync(10)); // counting stops at the limit: "10+"
        Assert.Equal((23, true), await CountedAsync(1000));
    }

    [Fact]
    public async Task The_import_form_refuses_a_file_with_a_bad_line_listing_it_and_imports_a_good_one()
    {
        var browser = await BrowserAsync();
        var token = TokenIn(await browser.GetStringAsync("/enterprises"));
        const string header = "统一社会信用代码,企业名称,产业链,联系人1姓名,联系人1电话\r\n";
        MultipartFormDataContent Upload(string csv, bool withToken = true)
        {
            var form = new MultipartFormDataContent();
            if (withToken)
            {
                form.Add(new StringContent(token), "__RequestVerificationToken");
            }

            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "register.csv");
            return form;
        }

        var bad = await browser.PostAsync("/enterprises/import", Upload(header + $"{Code(20)},页面导入甲,天然气,甲,13800000001\r\n{Code(21)},页面导入乙,钢铁,乙,13800000002\r\n"));
        var badPage = await bad.Content.ReadAsStringAsync();
        var noToken = await browser.PostAsync("/enterprises/import", Upload(header + $"{Code(22)},页面导入丙,天然气,丙,13800000003\r\n", withToken: false));
        var good = await browser.PostAsync("/enterprises/import", Upload(header + $"{Code(23)},页面导入丁,稀土,丁,13800000004\r\n"));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Matches("<li data-line=\"3\">第 3 行：产业链", badPage);
        Assert.Null(await FindAsync(Code(20)));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Null(await FindAsync(Code(22)));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/enterprises", good.Headers.Location?.OriginalString);
        Assert.Contains("导入完成：新增 1 家，更新 0 家，0 家无变化", await browser.GetStringAsync("/enterprises"));
        // Said once, by the import only: a reload, or the address the import used to redirect to, says nothing.
        Assert.DoesNotContain("导入完成", await browser.GetStringAsync("/enterprises"));
        Assert.DoesNotContain("导入完成", await browser.GetStringAsync("/enterprises?created=500&updated=0&unchanged=0"));
        Assert.Equal("页面导入丁", (await FindAsync(Code(23)))?.Name);
    }

    private static string RowOf(string page, string number) =>
        Regex.Match(page, $"<tr[^>]*data-case=\"{Regex.Escape(number)}\">.*?</tr>", RegexOptions.Singleline) is { Success: true } m
            ? m.Value
            : throw new InvalidOperationException($"No row for {number} in:\n{page}");

    /// <summary>The case list's enterprise cell of a row, after the number and the title (the enterprise page has no such column).</summary>
    private static string EnterpriseCell(string row) =>
        Regex.Matches(row, "<td[^>]*>.*?</td>", RegexOptions.Singleline)[2] is { } cell ? cell.Value : "";

    private static string Squeeze(string html) => Regex.Replace(Regex.Replace(html, @">\s+<", "><"), @"\s+", " ");

    [GeneratedRegex("<tr role=\"row\" data-enterprise=\"(\\d+)\"")]
    private static partial Regex RowPattern();

    [GeneratedRegex("data-case=\"([^\"]+)\"")]
    private static partial Regex CasePattern();
}
