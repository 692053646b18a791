using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Calendar;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Admin;

/// <summary>The admin's server-rendered pages, through a browser-like client carrying the sign-in cookie.</summary>
public sealed partial class AdminPagesTests : IAsyncLifetime
{
    private const string OfficerEmail = "officer@test.example";

    // The password LiaisonApp.AsOfficerAsync gives the officers it creates.
    private const string OfficerPassword = "officer-password-1";

    private const string Year2027 = """
        { "year": 2027, "version": "cn-2027-admin", "source": "测试用安排 test schedule",
          "holidays": [ { "name": "New Year's Day", "nameZh": "元旦", "days": ["2027-01-01", "2027-01-02", "2027-01-03"] } ],
          "workdays": [] }
        """;

    private LiaisonApp _app = null!;
    private HttpClient _officerApi = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(AdminPagesTests));
        _officerApi = await _app.AsOfficerAsync(OfficerEmail);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static readonly string[] Paths =
        ["/admin", "/admin/departments", "/admin/departments/fgj", "/admin/departments/new", "/admin/users", "/admin/calendar", "/admin/categories", "/admin/categories/other"];

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        var anonymous = _app.Anonymous();
        foreach (var path in Paths)
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", response.Headers.Location!.AbsolutePath);
            Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location.Query);
        }
    }

    [Fact]
    public async Task Officers_get_a_403_page_and_cannot_change_anything()
    {
        var officer = await SignInAsync(OfficerEmail, OfficerPassword);
        Assert.DoesNotContain("href=\"/admin\"", await officer.GetStringAsync("/cases")); // no admin link in their nav

        foreach (var path in Paths)
        {
            var response = await officer.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString());
            Assert.Contains("此页面仅限管理员使用", await response.Content.ReadAsStringAsync());
        }

        var fields = DepartmentFields(handlerEmail: "officer.edit@anyue.example");
        fields["__RequestVerificationToken"] = TokenIn(await officer.GetStringAsync("/cases"));
        var post = await officer.PostAsync("/admin/departments/fgj", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        var fgj = await _officerApi.GetFromJsonAsync<JsonElement>("/api/departments/fgj");
        Assert.Equal("fgj.handler@anyue.example", fgj.GetProperty("handler").GetProperty("email").GetString());
        Assert.True(fgj.GetProperty("sample").GetBoolean());
    }

    [Fact]
    public async Task Admin_replaces_a_sample_departments_handler_and_the_sample_marker_goes_away()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        Assert.Contains("href=\"/admin\"", await admin.GetStringAsync("/cases")); // the admin link in the nav
        Assert.Contains("href=\"/admin/departments\"", await admin.GetStringAsync("/admin"));

        var list = await admin.GetStringAsync("/admin/departments");
        var row = RowOf(list, "fgj");
        Assert.Contains("发展和改革局", row);
        Assert.Contains("fgj.handler@anyue.example", row);
        Assert.Contains("fgj.leader@anyue.example", row);
        Assert.Contains("data-sample>示例", row);
        Assert.Contains("还有 29 个部门使用示例联络人", list);

        var form = await admin.GetStringAsync("/admin/departments/fgj");
        Assert.Contains("value=\"fgj.handler@anyue.example\"", form);

        // An open case of the department: the save hands it to the new handler, and says so.
        await OpenAsync(_officerApi);
        // The form says beforehand how many open cases a new handler takes over, the number its link lists.
        var open = (await _officerApi.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/cases?departmentCode=fgj&status=open")).GetProperty("total").GetInt32();
        Assert.True(open > 0);
        var before = await admin.GetStringAsync("/admin/departments/fgj");
        Assert.Contains($"<span data-open-work=\"{open}\">本部门现有 {open} 件在办事项（含协办），</span>", before);
        Assert.Contains("href=\"/cases?department=fgj&amp;status=open\"", before);
        var fields = DepartmentFields(handlerEmail: "zhang.wei@anyue.gov.example");
        fields["__RequestVerificationToken"] = TokenIn(form);
        var response = await admin.PostAsync("/admin/departments/fgj", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/departments", response.Headers.Location?.OriginalString);
        var after = await admin.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("已保存。1 件在办事项或协办任务已转交新的联络人，并已邮件通知。", after);
        Assert.DoesNotContain("已保存", await admin.GetStringAsync("/admin/departments")); // once: a reload does not say it again
        var newRow = RowOf(after, "fgj");
        Assert.DoesNotContain("data-sample", newRow);
        Assert.Contains("张伟", newRow);
        Assert.Contains("zhang.wei@anyue.gov.example", newRow);
        Assert.Contains("data-sample", RowOf(after, "gdgs")); // the others are still samples
        Assert.Contains("还有 28 个部门使用示例联络人", after);

        var fgj = await _officerApi.GetFromJsonAsync<JsonElement>("/api/departments/fgj");
        Assert.Equal("zhang.wei@anyue.gov.example", fgj.GetProperty("handler").GetProperty("email").GetString());
        Assert.Equal("张伟", fgj.GetProperty("handler").GetProperty("name").GetString());
        Assert.Equal("en", fgj.GetProperty("handler").GetProperty("culture").GetString());
        Assert.False(fgj.GetProperty("sample").GetBoolean());
        Assert.True(fgj.GetProperty("active").GetBoolean());

        // In English alike, when the case goes on to another new handler.
        fields = DepartmentFields(handlerEmail: "li.na@anyue.gov.example");
        fields["__RequestVerificationToken"] = TokenIn(await admin.GetStringAsync("/admin/departments/fgj"));
        var again = await admin.PostAsync("/admin/departments/fgj", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("Saved. 1 open case or part went to the new liaison, who was mailed.", await InEnglishAsync(admin, again.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task In_English_the_count_of_sample_departments_agrees_with_one_and_with_many()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        Assert.Contains("29 departments still have sample liaisons", await InEnglishAsync(admin, "/admin/departments"));
        Assert.Contains("29 samples to replace", await InEnglishAsync(admin, "/admin"));

        await _app.WithDbAsync(db => db.Departments.Where(d => d.Code != "fgj").ExecuteUpdateAsync(d => d.SetProperty(x => x.IsSample, false)));

        Assert.Contains("1 department still has sample liaisons", await InEnglishAsync(admin, "/admin/departments"));
        Assert.Contains("1 sample to replace", await InEnglishAsync(admin, "/admin"));
    }

    [Fact]
    public async Task A_bad_email_gets_a_400_page_with_the_error_and_the_entered_values_and_changes_nothing()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var before = await _officerApi.GetStringAsync("/api/departments/fgj");
        var fields = DepartmentFields(handlerEmail: "not-an-email");
        fields["__RequestVerificationToken"] = TokenIn(await admin.GetStringAsync("/admin/departments/fgj"));

        var response = await admin.PostAsync("/admin/departments/fgj", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString());
        var page = await response.Content.ReadAsStringAsync();
        Assert.Matches("id=\"handlerEmail\"[^>]*value=\"not-an-email\"[^>]*aria-invalid=\"true\" aria-describedby=\"handler.email-error\"", page);
        Assert.Matches("<div id=\"handler.email-error\">\\s*<p class=\"field-error\" data-field=\"handler.email\">邮箱地址格式不正确", page);
        Assert.Contains("value=\"张伟\"", page);
        Assert.Contains("未保存", page);
        Assert.Equal(before, await _officerApi.GetStringAsync("/api/departments/fgj"));
        Assert.Contains("data-sample", RowOf(await admin.GetStringAsync("/admin/departments"), "fgj"));
    }

    [Fact]
    public async Task A_name_another_department_has_is_marked_on_the_form_and_changes_nothing()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var fields = DepartmentFields(handlerEmail: "fgj.handler@anyue.example");
        fields["name"] = "经济和信息化局";
        fields["__RequestVerificationToken"] = TokenIn(await admin.GetStringAsync("/admin/departments/fgj"));

        var renamed = await admin.PostAsync("/admin/departments/fgj", new FormUrlEncodedContent(fields));
        fields["code"] = "jxj-copy";
        var created = await admin.PostAsync("/admin/departments/new", new FormUrlEncodedContent(fields));
        var english = new HttpRequestMessage(HttpMethod.Post, "/admin/departments/fgj") { Content = new FormUrlEncodedContent(fields) };
        english.Headers.Add("Cookie", "liaison.lang=en");
        var inEnglish = await (await admin.SendAsync(english)).Content.ReadAsStringAsync();

        foreach (var response in new[] { renamed, created })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var page = await response.Content.ReadAsStringAsync();
            Assert.Matches("id=\"name\"[^>]*value=\"经济和信息化局\"[^>]*aria-invalid=\"true\"", page);
            Assert.Contains("<p class=\"field-error\" data-field=\"name\">名称已被“经济和信息化局”（jxj）使用</p>", page);
        }

        Assert.Contains("data-field=\"name\">the name is already used by &quot;经济和信息化局&quot; (jxj)</p>", inEnglish);
        var list = await admin.GetStringAsync("/admin/departments");
        Assert.Contains("发展和改革局", RowOf(list, "fgj"));
        Assert.DoesNotContain("data-code=\"jxj-copy\"", list);
    }

    [Fact]
    public async Task Admin_creates_a_department_from_the_new_form()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var fields = DepartmentFields(handlerEmail: "li.na@anyue.gov.example");
        fields["code"] = "tyj";
        fields["name"] = "文化体育和旅游局";
        fields["__RequestVerificationToken"] = TokenIn(await admin.GetStringAsync("/admin/departments/new"));

        var response = await admin.PostAsync("/admin/departments/new", new FormUrlEncodedContent(fields));
        fields["code"] = "Bad Code";
        var bad = await admin.PostAsync("/admin/departments/new", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("文化体育和旅游局", RowOf(await admin.GetStringAsync("/admin/departments"), "tyj"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("data-field=\"code\"", await bad.Content.ReadAsStringAsync());
        Assert.Equal(30, await _app.WithDbAsync(db => db.Departments.CountAsync()));
    }

    [Fact]
    public async Task Accounts_are_listed_without_regard_to_case_on_the_page_in_the_api_and_in_the_pickers()
    {
        var api = await _app.AsAdminAsync();
        foreach (var (email, name) in new[] { ("Zhou.Wei@test.example", "Zhou Wei"), ("an.li@test.example", "an li"), ("Bo.Chen@test.example", "Bo Chen") })
        {
            var created = await api.PostAsJsonAsync("/api/users", new { email, displayName = name, password = "sorting-password-1", role = "Officer" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        string[] expected = ["an.li@test.example", "Bo.Chen@test.example", "Zhou.Wei@test.example"];
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var page = await admin.GetStringAsync("/admin/users");
        Assert.Equal(expected, Regex.Matches(page, "<tr data-email=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Where(expected.Contains));
        var listed = await api.GetFromJsonAsync<List<JsonElement>>("/api/users");
        Assert.Equal(expected, listed!.Select(u => u.GetProperty("email").GetString()!).Where(expected.Contains));
        // The pickers (an enterprise's chief, a case's officer, a successor) go by name.
        var pickers = await _app.WithDbAsync(db => Liaison.Server.Auth.Accounts.ListActiveAsync(db, default));
        Assert.Equal(["an li", "Bo Chen", "Zhou Wei"], pickers.Select(o => o.DisplayName).Where(n => n is "an li" or "Bo Chen" or "Zhou Wei"));
    }

    [Fact]
    public async Task Admin_creates_an_officer_who_can_then_sign_in()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var page = await admin.GetStringAsync("/admin/users");
        Assert.Contains(LiaisonApp.AdminEmail, page);
        Assert.Contains(OfficerEmail, page);

        var missingName = await admin.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page),
            ["email"] = "wang.fang@anyue.gov.example",
            ["displayName"] = "",
            ["password"] = "new-officer-password-1",
            ["role"] = "Officer",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, missingName.StatusCode);
        var refused = await missingName.Content.ReadAsStringAsync();
        Assert.Contains("data-field=\"displayName\">必填", refused);
        Assert.Contains("value=\"wang.fang@anyue.gov.example\"", refused);
        Assert.DoesNotContain("new-officer-password-1", refused);

        var created = await admin.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page),
            ["email"] = "wang.fang@anyue.gov.example",
            ["displayName"] = "王芳",
            ["password"] = "new-officer-password-1",
            ["role"] = "Officer",
        }));

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var listed = await admin.GetStringAsync(created.Headers.Location!.OriginalString);
        Assert.Contains("已创建账号 wang.fang@anyue.gov.example", listed);
        Assert.Matches("<tr data-email=\"wang.fang@anyue.gov.example\" data-active=\"true\" data-must-change-password=\"true\">\\s*<td>[^<]*</td><td>王芳</td><td>工作人员</td><td>中文</td>\\s*"
            + "<td>在用\\s*<span class=\"tag note\">待修改临时密码</span>\\s*</td>", listed);

        // The admin's password is the newcomer's first one: they change it before anything else, then work as an officer.
        var newcomer = await SignInAsync("wang.fang@anyue.gov.example", "new-officer-password-1");
        Assert.Equal("/account/password", (await newcomer.GetAsync("/cases")).Headers.Location?.OriginalString);
        var form = await newcomer.GetStringAsync("/account/password");
        Assert.Equal(HttpStatusCode.Redirect, (await newcomer.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(form),
            ["currentPassword"] = "new-officer-password-1",
            ["newPassword"] = "wang-fang-own-choice-2",
            ["confirmPassword"] = "wang-fang-own-choice-2",
        }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await newcomer.GetAsync("/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await newcomer.GetAsync("/admin")).StatusCode); // an officer, not an admin
    }

    [Fact]
    public async Task Admin_deactivates_an_officer_from_its_page_handing_its_cases_over()
    {
        var leaver = await _app.AsOfficerAsync("page.leaver@test.example");
        await _app.AsOfficerAsync("page.successor@test.example");
        var number = (await OpenAsync(leaver)).GetProperty("number").GetString()!;
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var list = await admin.GetStringAsync("/admin/users");
        string EditLink(string email) => Regex.Match(list, $"<tr data-email=\"{Regex.Escape(email)}\"[^>]*>.*?href=\"(/admin/users/[^\"]+)\"", RegexOptions.Singleline).Groups[1].Value;
        var path = EditLink("page.leaver@test.example");
        var successorId = EditLink("page.successor@test.example")["/admin/users/".Length..];

        var page = await admin.GetStringAsync(path);
        Assert.Contains("该账号还有 1 件需要园区工作人员跟进的事项", page);
        Assert.Contains($"<option value=\"{successorId}\">", page);
        Assert.DoesNotContain($"<option value=\"{path["/admin/users/".Length..]}\">", page); // not to itself
        Dictionary<string, string> Form(string handOverTo) => new()
        {
            ["__RequestVerificationToken"] = TokenIn(page),
            ["email"] = "page.leaver@test.example",
            ["displayName"] = "离任专员",
            ["role"] = "Officer",
            ["culture"] = "zh-CN",
            ["password"] = "",
            ["handOverTo"] = handOverTo,
            // "active" unticked: the box sends nothing.
        };

        var refused = await admin.PostAsync(path, new FormUrlEncodedContent(Form("")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusal = await refused.Content.ReadAsStringAsync();
        // In the page's language only, naming only what the account holds.
        Assert.Contains("该账号还有 1 件需要园区工作人员跟进的事项，停用前请指定移交给谁", refusal);
        Assert.DoesNotContain("the account", refusal);
        Assert.DoesNotContain("0 家", refusal);

        var saved = await admin.PostAsync(path, new FormUrlEncodedContent(Form(successorId)));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await admin.GetStringAsync(saved.Headers.Location!.OriginalString);
        Assert.Contains("data-inactive", after);
        Assert.Contains("已保存", after);
        // The banner says what moved, and to whom.
        Assert.Matches("<p class=\"card ok\" role=\"status\" data-saved>已保存。已移交给 [^：<]+：1 件事项，并已邮件通知。</p>", after);
        Assert.DoesNotContain("data-work", after);
        Assert.Contains("data-email=\"page.leaver@test.example\" data-active=\"false\"", await admin.GetStringAsync("/admin/users"));
        Assert.Equal(successorId, await _app.WithDbAsync(db => db.Cases.Where(c => c.Number == number).Select(c => c.OfficerId).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/users/no-such-account")).StatusCode);

        // A refusal that marks no field says its reason after what was not done, in the page's language only.
        var ownPath = EditLink(LiaisonApp.AdminEmail);
        var own = await admin.GetStringAsync(ownPath);
        var self = new Dictionary<string, string>(Form("")) { ["__RequestVerificationToken"] = TokenIn(own), ["email"] = LiaisonApp.AdminEmail, ["role"] = "Admin", ["culture"] = "en" };
        var selfRefused = await (await admin.PostAsync(ownPath, new FormUrlEncodedContent(self))).Content.ReadAsStringAsync();
        Assert.Contains("未保存：", selfRefused);
        Assert.DoesNotContain("请更正标出的内容", selfRefused);
        var english = new HttpRequestMessage(HttpMethod.Post, ownPath) { Content = new FormUrlEncodedContent(self) };
        english.Headers.Add("Cookie", "liaison.lang=en");
        var englishRefusal = await (await admin.SendAsync(english)).Content.ReadAsStringAsync();
        Assert.Matches("Nothing was saved: [a-z]", englishRefusal);
        Assert.DoesNotContain("marked below", englishRefusal);
    }

    [Fact]
    public async Task A_calendar_with_an_error_shows_it_and_stores_nothing()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var page = await admin.GetStringAsync("/admin/calendar");
        Assert.Contains("<tr data-year=\"2026\">", page);
        // Each year's schedule is there to copy from, as JSON.
        var json = System.Text.RegularExpressions.Regex.Match(page, "href=\"(/api/calendar/years/2026)\"").Groups[1].Value;
        Assert.Equal(2026, (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>(json)).GetProperty("year").GetInt32());
        var broken = Year2027.Replace("\"2027-01-01\"", "\"2026-12-31\"");

        var response = await admin.PostAsync("/admin/calendar", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page),
            ["json"] = broken,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await response.Content.ReadAsStringAsync();
        Assert.Contains("2026-12-31 不在 2027 年内", refused);
        Assert.Contains("cn-2027-admin", refused); // the pasted text is kept in the textarea
        Assert.DoesNotContain("<tr data-year=\"2027\">", refused);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<CalendarYearRecord>().CountAsync()));
        var years = await _officerApi.GetFromJsonAsync<JsonElement>("/api/calendar/years");
        Assert.DoesNotContain(2027, years.EnumerateArray().Select(y => y.GetProperty("year").GetInt32()));
    }

    [Fact]
    public async Task A_calendar_without_holidays_or_with_another_years_version_is_shown_with_the_reason_and_stores_nothing()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        const string json = """{"year":2027,"version":"cn-2026-v1","source":"x","holidays":[],"workdays":[]}""";
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = TokenIn(await admin.GetStringAsync("/admin/calendar")), ["json"] = json };

        var response = await admin.PostAsync("/admin/calendar", new FormUrlEncodedContent(fields));
        var english = new HttpRequestMessage(HttpMethod.Post, "/admin/calendar") { Content = new FormUrlEncodedContent(fields) };
        english.Headers.Add("Cookie", "liaison.lang=en");
        var inEnglish = await (await admin.SendAsync(english)).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-field=\"schedule\">holidays: 没有列出任何法定节假日；", refused);
        Assert.Contains("data-field=\"schedule\">version: “cn-2026-v1” 已是 2026 年安排的版本号，每年的安排须有自己的版本号（例如 cn-2027-v1）</li>", refused);
        Assert.Contains("data-field=\"schedule\">holidays: lists no holidays; the State Council&#x27;s schedule", inEnglish);
        Assert.Contains("version: &#x27;cn-2026-v1&#x27; is already the version of the 2026 schedule", inEnglish);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(json), refused); // kept in the textarea
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<CalendarYearRecord>().CountAsync()));
    }

    [Fact]
    public async Task A_changed_calendar_under_the_years_version_is_refused_with_the_text_kept()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var token = TokenIn(await admin.GetStringAsync("/admin/calendar"));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync("/admin/calendar",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["json"] = Year2027 }))).StatusCode);
        var changed = Year2027.Replace("\"2027-01-03\"]", "\"2027-01-03\", \"2027-01-04\"]");

        var response = await admin.PostAsync("/admin/calendar",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["json"] = changed }));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var refused = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-field=\"schedule\">version: 2027 年的安排已以版本号“cn-2027-admin”保存，且与此次提交的假日或调休上班日不同；", refused);
        Assert.Contains("（例如 cn-2027-admin-v2）</li>", refused);
        Assert.Contains("2027-01-04", refused); // the pasted text is kept in the textarea
        var stored = await _app.WithDbAsync(db => db.Set<CalendarYearRecord>().SingleAsync());
        Assert.DoesNotContain("2027-01-04", stored.Json);
    }

    [Fact]
    public async Task A_good_2027_calendar_is_stored_and_recomputes_provisional_cases()
    {
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var number = (await OpenAsync(_officerApi)).GetProperty("number").GetString()!;
        Assert.True((await GetCaseAsync(_officerApi, number)).GetProperty("provisional").GetBoolean());
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var warned = await admin.GetStringAsync("/admin");
        Assert.Contains("data-warning=\"provisional\"", warned);
        Assert.Contains("缺少 2027 年节假日安排", warned);

        var response = await admin.PostAsync("/admin/calendar", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(await admin.GetStringAsync("/admin/calendar")),
            ["json"] = Year2027,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await admin.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("已保存 2027 年安排。受影响的在办事项在后台重新计算期限", page);
        Assert.Matches("<tr data-year=\"2027\"><td>2027 <a [^>]*>JSON</a></td><td>cn-2027-admin</td><td>[^<]*</td><td>管理员 · <a [^>]*>修改记录</a></td>", page);
        Assert.Contains("<td data-recompute=\"queued\">排队中</td>", page);
        Assert.Contains("刷新进度", page);
        await _app.RecomputeDeadlinesAsync(); // what the job process does
        var after = await admin.GetStringAsync("/admin/calendar");
        Assert.Contains("<td data-recompute=\"done\">已完成：1 件事项的期限有变（共查看 1 件）</td>", after);
        Assert.Contains("<td data-recompute=\"done\">done: 1 case had its deadlines changed (1 looked at)</td>", await InEnglishAsync(admin, "/admin/calendar"));
        Assert.DoesNotContain("刷新进度", after);
        var years = await _officerApi.GetFromJsonAsync<JsonElement>("/api/calendar/years");
        var stored = Assert.Single(years.EnumerateArray(), y => y.GetProperty("year").GetInt32() == 2027);
        Assert.Equal("admin", stored.GetProperty("origin").GetString());
        Assert.Equal("cn-2027-admin", stored.GetProperty("version").GetString());
        var c = await GetCaseAsync(_officerApi, number);
        Assert.False(c.GetProperty("provisional").GetBoolean());
        Assert.Equal("2027-01-05T18:00:00+08:00", c.GetProperty("dueAt").GetString());
        Assert.DoesNotContain("data-warning=\"provisional\"", await admin.GetStringAsync("/admin"));
    }

    [Fact]
    public async Task The_provisional_deadline_warning_counts_open_cases_only()
    {
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var open = (await OpenAsync(_officerApi)).GetProperty("number").GetString()!;
        var cancelled = (await OpenAsync(_officerApi)).GetProperty("number").GetString()!;
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        Assert.Contains("2 件在办事项的期限为暂定（缺少 2027 年节假日安排）", await admin.GetStringAsync("/admin"));
        Assert.Contains("2 open cases have provisional deadlines (no holiday schedule for 2027)", await InEnglishAsync(admin, "/admin"));

        Assert.Equal(HttpStatusCode.OK, (await _officerApi.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "企业撤回" })).StatusCode);

        Assert.True((await GetCaseAsync(_officerApi, cancelled)).GetProperty("provisional").GetBoolean());
        Assert.Contains("1 件在办事项的期限为暂定（缺少 2027 年节假日安排）", await admin.GetStringAsync("/admin"));
        Assert.Contains("1 open case has provisional deadlines (no holiday schedule for 2027)", await InEnglishAsync(admin, "/admin"));
        Assert.True((await GetCaseAsync(_officerApi, open)).GetProperty("provisional").GetBoolean());
    }

    [Fact]
    public async Task The_calendar_page_warns_of_a_year_open_cases_deadlines_fall_in_without_a_schedule_with_their_count()
    {
        // In December, deadlines fall in next year, whose State Council schedule is not loaded yet.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        Assert.DoesNotContain("data-warning=\"provisional\"", await admin.GetStringAsync("/admin/calendar"));
        await OpenAsync(_officerApi);
        await OpenAsync(_officerApi);
        var cancelled = (await OpenAsync(_officerApi)).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _officerApi.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "企业撤回" })).StatusCode);

        var page = await admin.GetStringAsync("/admin/calendar");
        Assert.Contains("data-warning=\"provisional\"", page);
        Assert.Contains("2 件在办事项的期限落在尚未加载节假日安排的年份（2027 年 2 件），现按周一至周五计算，标为“暂定”。", page);
        Assert.Contains("2 open cases have deadlines in a year with no holiday schedule loaded (2 in 2027)", await InEnglishAsync(admin, "/admin/calendar"));

        // Once the year is added, it is no longer missing (its cases are being recomputed).
        var saved = await admin.PostAsync("/admin/calendar", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page),
            ["json"] = Year2027,
        }));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.DoesNotContain("data-warning=\"provisional\"", await admin.GetStringAsync("/admin/calendar"));
        Assert.DoesNotContain("data-warning=\"provisional\"", await admin.GetStringAsync("/admin"));
    }

    [Fact]
    public async Task A_crafted_address_or_cookie_shows_no_saved_banner()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var account = Regex.Match(await admin.GetStringAsync("/admin/users"), "href=\"(/admin/users/[^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(account);
        // The addresses the saves used to redirect to, with what their banners said.
        (string Path, string Banner)[] crafted =
        [
            ("/admin/departments?done=saved&handedOver=5", "已保存。"), ("/admin/departments?done=created", "已保存。"),
            ("/admin/categories?done=saved", "已保存。"), ("/admin/users?created=mallory%40evil.example", "已创建账号"),
            ($"{account}?saved=1&to=x&cases=3&chiefOf=0&squadOf=0", "data-saved"), ("/admin/calendar?saved=2031", "年安排。"),
            ("/admin/templates/overdue/en?done=saved", "模板已保存"), ("/admin/templates/overdue/en?done=reset", "已恢复为默认模板"),
        ];

        foreach (var (path, banner) in crafted)
        {
            var page = await admin.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.DoesNotContain(banner, await page.Content.ReadAsStringAsync());

            // Nor a flash cookie this server did not write: the page is shown as usual, without a notice.
            using var forged = new HttpRequestMessage(HttpMethod.Get, path.Split('?')[0]);
            forged.Headers.Add("Cookie", "liaison.flash=CfDJ8forged");
            var answer = await admin.SendAsync(forged);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.DoesNotContain(banner, await answer.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_save_shows_its_saved_banner_once_and_only_on_its_page()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var fields = DepartmentFields(handlerEmail: "zhang.wei@anyue.gov.example");
        fields["__RequestVerificationToken"] = TokenIn(await admin.GetStringAsync("/admin/departments/fgj"));

        var saved = await admin.PostAsync("/admin/departments/fgj", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/admin/departments", saved.Headers.Location?.OriginalString);
        // A short-lived cookie for that page only, unreadable by scripts and not sent from other sites.
        var cookie = Assert.Single(saved.Headers.GetValues("Set-Cookie"), c => c.StartsWith("liaison.flash=", StringComparison.Ordinal));
        Assert.Contains("path=/admin/departments", cookie);
        Assert.Contains("max-age=60", cookie);
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        var value = cookie["liaison.flash=".Length..cookie.IndexOf(';')];
        Assert.DoesNotContain("saved", value); // protected, not a readable flag

        // Another page given the same cookie says nothing.
        using var elsewhere = new HttpRequestMessage(HttpMethod.Get, "/admin/categories");
        elsewhere.Headers.Add("Cookie", "liaison.flash=" + value);
        Assert.DoesNotContain("已保存。", await (await admin.SendAsync(elsewhere)).Content.ReadAsStringAsync());

        var shown = await admin.GetAsync("/admin/departments");
        Assert.Contains("<p class=\"ok\" role=\"status\">已保存。</p>", await shown.Content.ReadAsStringAsync());
        // Read once: the page deletes it, and a reload shows no banner.
        Assert.Contains(shown.Headers.GetValues("Set-Cookie"), c => c.StartsWith("liaison.flash=;", StringComparison.Ordinal) && c.Contains("path=/admin/departments"));
        Assert.DoesNotContain("已保存。", await admin.GetStringAsync("/admin/departments"));
    }

    private Task<HttpClient> SignInAsync(string email, string password) => _app.SignInThroughFormAsync(email, password);

    /// <summary>A page as a reader who chose English gets it.</summary>
    private static async Task<string> InEnglishAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "liaison.lang=en");
        return await (await client.SendAsync(request)).Content.ReadAsStringAsync();
    }

    private static Dictionary<string, string> DepartmentFields(string handlerEmail) => new()
    {
        ["name"] = "发展和改革局",
        ["handlerName"] = "张伟",
        ["handlerEmail"] = handlerEmail,
        ["handlerCulture"] = "en",
        ["leaderName"] = "发展和改革局分管领导（示例）",
        ["leaderEmail"] = "fgj.leader@anyue.example",
        ["leaderCulture"] = "zh-CN",
        ["active"] = "true",
    };

    internal static string RowOf(string page, string code) =>
        Regex.Match(page, $"<tr data-code=\"{Regex.Escape(code)}\".*?</tr>", RegexOptions.Singleline) is { Success: true } m
            ? m.Value
            : throw new InvalidOperationException($"No row for {code} in:\n{page}");
}
