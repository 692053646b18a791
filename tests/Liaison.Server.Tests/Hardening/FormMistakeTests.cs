using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Hardening;

/// <summary>
/// What the server-rendered forms could not have sent (a request id that is no id, a row past the form's rows, a
/// checkbox saying "maybe", a yes/no filter saying neither) is refused with the page's usual message, and changes
/// nothing: never done some other way than asked.
/// </summary>
public sealed class FormMistakeTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Officer = "officer@test.example";
    private const string OfficerPassword = "officer-password-1";
    private readonly LiaisonApp _app = fixture.App;

    private async Task<(HttpClient Api, HttpClient Browser)> OfficerAsync() =>
        (await _app.AsOfficerAsync(Officer), await _app.SignInThroughFormAsync(Officer, OfficerPassword));

    private static async Task<string> BodyAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string tokenFrom, string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        await browser.PostAsync(path, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", TokenIn(await browser.GetStringAsync(tokenFrom))))));

    private Task<int> CountAsync<T>() where T : class => _app.WithDbAsync(db => db.Set<T>().CountAsync());

    private Task<int> CasesAsync() => _app.WithDbAsync(db => db.Cases.CountAsync());

    private static async Task<int> TimelineLengthAsync(HttpClient api, string number) =>
        (await GetCaseAsync(api, number)).GetProperty("timeline").GetArrayLength();

    [Theory]
    [InlineData("notes", "note", "一条备注")]
    [InlineData("urge", "note", "请尽快办理")]
    [InlineData("officer", "officer", "colleague.form@test.example")]
    public async Task A_case_form_with_a_request_id_that_is_no_id_is_refused_on_the_case_page_and_changes_nothing(string action, string field, string value)
    {
        await _app.AsOfficerAsync("colleague.form@test.example");
        var (api, browser) = await OfficerAsync();
        var number = (await OpenAsync(api)).GetProperty("number").GetString()!;
        var before = await GetCaseAsync(api, number);

        var response = await PostAsync(browser, $"/cases/{number}", $"/cases/{number}/{action}", [new(field, value), new("requestId", "notaguid")]);

        var body = await BodyAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("未执行，事项没有变化。", body);
        Assert.Contains("请求编号无效，请刷新页面后重试", body);
        var after = await GetCaseAsync(api, number);
        Assert.Equal(before.GetProperty("timeline").GetArrayLength(), after.GetProperty("timeline").GetArrayLength());
        Assert.Equal(before.GetProperty("officer").ToString(), after.GetProperty("officer").ToString());
    }

    [Fact]
    public async Task A_part_decision_with_a_request_id_that_is_no_id_or_a_copy_box_saying_maybe_is_refused_and_changes_nothing()
    {
        var (api, browser) = await OfficerAsync();
        var body = JsonSerializer.SerializeToNode(NewCase())!.AsObject();
        body["coDepartments"] = JsonSerializer.SerializeToNode(new[] { new { departmentCode = "gdgs", task = "核实供电方案" } });
        var number = (await OpenAsync(api, body)).GetProperty("number").GetString()!;
        var part = (await GetCaseAsync(api, number)).GetProperty("coDepartments")[0].GetProperty("id").GetInt64();
        var timeline = await TimelineLengthAsync(api, number);

        var badId = await PostAsync(browser, $"/cases/{number}", $"/cases/{number}/parts/{part}/urge", [new("note", "请尽快"), new("requestId", "notaguid")]);
        var maybe = await PostAsync(browser, $"/cases/{number}", $"/cases/{number}/parts/{part}/urge",
            [new("note", "请尽快"), new("requestId", Guid.NewGuid().ToString()), new("copyLeader", "maybe")]);
        var caseMaybe = await PostAsync(browser, $"/cases/{number}", $"/cases/{number}/urge",
            [new("note", "请尽快"), new("requestId", Guid.NewGuid().ToString()), new("copyLeader", "maybe")]);

        Assert.Contains("请求编号无效", await BodyAsync(badId, HttpStatusCode.BadRequest));
        Assert.Contains("勾选框只能发送 true", await BodyAsync(maybe, HttpStatusCode.BadRequest));
        Assert.Contains("勾选框只能发送 true", await BodyAsync(caseMaybe, HttpStatusCode.BadRequest));
        Assert.Equal(timeline, await TimelineLengthAsync(api, number));
    }

    [Fact]
    public async Task A_case_form_without_a_request_id_still_opens_the_case()
    {
        var (_, browser) = await OfficerAsync();

        var response = await PostAsync(browser, "/cases/new", "/cases/new", NewCaseFields());

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_new_case_form_sent_again_after_a_change_links_the_case_its_first_sending_opened_and_opens_nothing()
    {
        var (_, browser) = await OfficerAsync();
        var id = Guid.NewGuid().ToString();
        var first = await PostAsync(browser, "/cases/new", "/cases/new", NewCaseFields(("requestId", id)));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var number = first.Headers.Location!.OriginalString.Split('/').Last();
        var cases = await CasesAsync();

        // The back button, the title changed, the same form sent again.
        var again = await PostAsync(browser, "/cases/new", "/cases/new", [.. NewCaseFields(("requestId", id)).Where(f => f.Key != "title"), new("title", "项目用电报装（改）")]);

        var body = await BodyAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("这份表单已经提交过", body);
        Assert.Contains($"<a href=\"/cases/{number}\" data-raised-as>查看事项 {number}</a>", body);
        Assert.Contains("未受理。", body);
        Assert.DoesNotContain("请更正标出的内容", body); // nothing on the form is marked
        Assert.Equal(cases, await CasesAsync());
    }

    private static List<KeyValuePair<string, string>> NewCaseFields(params (string Key, string Value)[] more) =>
    [
        new("title", "项目用电报装"), new("description", "企业新厂房需要 10kV 专线接入。"), new("category", "factor-guarantee"), new("priority", "normal"),
        new("departmentCode", "fgj"), new("enterpriseName", "安岳示例柠檬科技有限公司"), new("creditCode", CreditCode), new("contact", "王经理 13800000000"),
        .. more.Select(m => new KeyValuePair<string, string>(m.Key, m.Value)),
    ];

    [Theory]
    [InlineData("requestId", "notaguid", "请求编号无效")]
    [InlineData("enterpriseId", "abc", "企业编号无效")]
    [InlineData("visitProblemId", "abc", "走访问题编号无效")]
    [InlineData("coDepartments[99999].departmentCode", "zjj", "表单中没有这一行：coDepartments[99999].departmentCode")]
    [InlineData("coDepartments[-1].departmentCode", "zjj", "表单中没有这一行：coDepartments[-1].departmentCode")]
    [InlineData("coDepartments[abc].departmentCode", "zjj", "表单中没有这一行：coDepartments[abc].departmentCode")]
    [InlineData("coDepartments[28].departmentCode", "zjj", "此表单的行号为 0 到 27")]
    public async Task The_new_case_form_with_a_value_it_could_not_have_sent_is_refused_and_opens_nothing(string field, string value, string says)
    {
        var (_, browser) = await OfficerAsync();
        var cases = await CasesAsync();

        var response = await PostAsync(browser, "/cases/new", "/cases/new", NewCaseFields((field, value)));

        var body = await BodyAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(says, body);
        Assert.Contains("id=\"new-case\"", body); // the form again, as typed
        Assert.Contains("value=\"项目用电报装\"", body);
        Assert.Equal(cases, await CasesAsync());
    }

    [Fact]
    public async Task The_new_case_forms_last_row_still_names_a_co_handler()
    {
        var (api, browser) = await OfficerAsync();

        var response = await PostAsync(browser, "/cases/new", "/cases/new", NewCaseFields(("coDepartments[27].departmentCode", "zjj")));

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var number = Uri.UnescapeDataString(response.Headers.Location!.OriginalString.Split('/', '?')[2]);
        Assert.Equal("zjj", (await GetCaseAsync(api, number)).GetProperty("coDepartments")[0].GetProperty("departmentCode").GetString());
    }

    private async Task<long> EnterpriseAsync(int n)
    {
        var first17 = $"91512021MA3{n:D6}";
        var admin = await _app.AsAdminAsync();
        var response = await admin.PostAsJsonAsync("/api/enterprises", new
        {
            name = $"安岳表单测试企业{n}", creditCode = first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17), industryChain = "other",
            contacts = new object[] { new { name = "王经理", phone = "13800001111" } },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    private static List<KeyValuePair<string, string>> VisitFields(params (string Key, string Value)[] more) =>
    [
        new("visitedOn", "2026-03-02"), new("findings", "企业生产正常。"), new("problems[0].title", "用电"), new("problems[0].description", "需要扩容。"),
        .. more.Select(m => new KeyValuePair<string, string>(m.Key, m.Value)),
    ];

    [Theory]
    [InlineData("requestId", "notaguid", "请求编号无效")]
    [InlineData("problems[50].title", "用工", "表单中没有这一行：problems[50].title")]
    [InlineData("problems[x].title", "用工", "表单中没有这一行：problems[x].title")]
    public async Task The_visit_form_with_a_value_it_could_not_have_sent_is_refused_twice_and_logs_nothing(string field, string value, string says)
    {
        var enterprise = await EnterpriseAsync(field.Length);
        var (_, browser) = await OfficerAsync();
        var visits = await CountAsync<EnterpriseVisit>();

        foreach (var _ in new[] { 1, 2 })
        {
            var response = await PostAsync(browser, $"/enterprises/{enterprise}/visits", $"/enterprises/{enterprise}/visits", VisitFields((field, value)));
            var body = await BodyAsync(response, HttpStatusCode.BadRequest);
            Assert.Contains(says, body);
            Assert.Contains("走访未保存", body);
        }

        Assert.Equal(visits, await CountAsync<EnterpriseVisit>());
    }

    private static List<KeyValuePair<string, string>> EnterpriseFields(int n, params (string Key, string Value)[] more)
    {
        var first17 = $"91512021MA4{n:D6}";
        return
        [
            new("name", $"安岳表单登记企业{n}"), new("creditCode", first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17)), new("industryChain", "other"),
            new("visitEveryDays", "30"), new("contacts[0].name", "王经理"), new("contacts[0].phone", "13800001111"),
            .. more.Select(m => new KeyValuePair<string, string>(m.Key, m.Value)),
        ];
    }

    [Theory]
    [InlineData(1, "contacts[500].name", "李会计", "表单中没有这一行：contacts[500].name")]
    [InlineData(2, "contacts[20].name", "李会计", "此表单的行号为 0 到 19")]
    [InlineData(3, "isKey", "maybe", "勾选框只能发送 true，收到的是“maybe”")]
    [InlineData(4, "noticeContact", "abc", "接收通知的联系人无效：abc")]
    [InlineData(5, "noticeContact", "99", "接收通知的联系人无效：99")]
    public async Task The_enterprise_form_with_a_value_it_could_not_have_sent_is_refused_and_registers_nothing(int n, string field, string value, string says)
    {
        var (_, browser) = await OfficerAsync();
        var entries = await CountAsync<RegisteredEnterprise>();

        var response = await PostAsync(browser, "/enterprises/new", "/enterprises/new", EnterpriseFields(n, (field, value)));

        var body = await BodyAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(says, body);
        Assert.Contains("未保存", body);
        Assert.DoesNotContain("所选的一行是空的", body); // one mistake, said once
        Assert.Equal(entries, await CountAsync<RegisteredEnterprise>());
    }

    [Fact]
    public async Task The_enterprise_forms_ticked_key_box_still_makes_a_key_enterprise()
    {
        var (_, browser) = await OfficerAsync();

        var response = await PostAsync(browser, "/enterprises/new", "/enterprises/new", EnterpriseFields(5, ("isKey", "true"), ("contacts[19].name", "李会计"), ("contacts[19].phone", "13800002222")));

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var entry = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().Include(e => e.Contacts).SingleAsync(e => e.Name == "安岳表单登记企业5"));
        Assert.True(entry.IsKey);
        Assert.Equal(["王经理", "李会计"], entry.Contacts.OrderBy(c => c.Position).Select(c => c.Name));
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("false")]
    public async Task A_department_form_whose_active_box_says_other_than_true_is_refused_and_creates_nothing(string active)
    {
        var admin = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var code = "form-" + active;

        var response = await PostAsync(admin, "/admin/departments/new", "/admin/departments/new",
        [
            new("code", code), new("name", "表单测试局" + active), new("handlerName", "张伟"), new("handlerEmail", "h@anyue.example"), new("handlerCulture", "zh-CN"),
            new("leaderName", "李强"), new("leaderEmail", "l@anyue.example"), new("leaderCulture", "zh-CN"), new("active", active),
        ]);

        var body = await BodyAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains($"勾选框只能发送 true，收到的是“{active}”", body);
        Assert.Contains("data-field=\"active\"", body);
        Assert.False(await _app.WithDbAsync(db => db.Departments.AnyAsync(d => d.Code == code)));
    }

    [Theory]
    [InlineData("/enterprises?key=maybe", "重点企业筛选只能是“是”或“否”（true/false）")]
    [InlineData("/enterprises?visitDue=maybe", "待走访筛选只能是“是”或“否”（true/false）")]
    public async Task A_register_filter_that_is_neither_yes_nor_no_is_a_400_page_saying_so(string url, string says)
    {
        var (_, browser) = await OfficerAsync();

        Assert.Contains(says, await BodyAsync(await browser.GetAsync(url), HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/enterprises?key=true&visitDue=false")).StatusCode);
    }

    [Fact]
    public async Task A_signed_in_form_the_reader_refuses_is_a_400_page_not_a_500_and_changes_nothing()
    {
        var (api, browser) = await OfficerAsync();
        var number = (await OpenAsync(api)).GetProperty("number").GetString()!;
        var timeline = await TimelineLengthAsync(api, number);
        var cases = await CasesAsync();

        // A field name over the form reader's 2,048 characters, and a form over the 1 MB any body may be (RequestBodyLimits).
        var longName = await PostAsync(browser, $"/cases/{number}", $"/cases/{number}/notes", [new(new string('n', 3000), "x"), new("note", "一条备注")]);
        var longValue = await PostAsync(browser, "/cases/new", "/cases/new", [new("title", "过长的描述"), new("description", new string('x', 1_100_000))]);

        Assert.Contains("表单无法读取", await BodyAsync(longName, HttpStatusCode.BadRequest));
        Assert.Contains("请求体过大：此地址最多接受 1 MB，没有任何改动", await BodyAsync(longValue, HttpStatusCode.RequestEntityTooLarge));
        Assert.Contains("text/html", longValue.Content.Headers.ContentType?.MediaType);
        Assert.Equal(timeline, await TimelineLengthAsync(api, number));
        Assert.Equal(cases, await CasesAsync());
    }

    [Fact]
    public async Task Retrying_a_mail_that_does_not_exist_from_the_outbox_page_says_so_and_a_tab_that_does_not_exist_is_400()
    {
        var admin = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

        var retried = await PostAsync(admin, "/admin/outbox", $"/admin/outbox/{Guid.NewGuid()}/retry", []);
        var tab = await admin.GetAsync("/admin/outbox?show=zz");

        Assert.Contains("没有这封邮件", await BodyAsync(retried, HttpStatusCode.NotFound));
        Assert.Contains("show 只能是 sent", await BodyAsync(tab, HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/outbox?show=sent")).StatusCode);
    }
}
