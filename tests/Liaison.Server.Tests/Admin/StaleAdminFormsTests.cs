using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Admin;

/// <summary>
/// Two admins on one entry's form: the save of the form opened before the other's save is refused (409), saves nothing
/// and sends no mail, instead of silently undoing that save; the page shows what is stored now. Departments, accounts
/// and categories, on their pages and through the API.
/// </summary>
public sealed class StaleAdminFormsTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;
    private HttpClient _officerApi = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(StaleAdminFormsTests));
        _officerApi = await _app.AsOfficerAsync("stale.officer@test.example");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_department_form_opened_before_another_admins_save_is_refused_and_hands_nothing_over()
    {
        await OpenAsync(_officerApi, NewCase(department: "gdgs"));
        var a = await AdminAsync();
        var b = await AdminAsync();
        var formA = await a.GetStringAsync("/admin/departments/gdgs");
        var formB = await b.GetStringAsync("/admin/departments/gdgs");
        var original = await _officerApi.GetFromJsonAsync<JsonElement>("/api/departments/gdgs");
        string Handler(JsonElement d) => d.GetProperty("handler").GetProperty("email").GetString()!;

        var savedA = await a.PostAsync("/admin/departments/gdgs", Form(formA, original, handlerEmail: "new.handler@anyue.gov.example"));
        Assert.Equal(HttpStatusCode.Redirect, savedA.StatusCode);
        var mails = await MailCountAsync();

        // B saved the form opened earlier, changing only the leader.
        var refused = await b.PostAsync("/admin/departments/gdgs", Form(formB, original, leaderEmail: "new.leader@anyue.gov.example"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("部门信息在您打开后已被他人修改，您的修改未保存，没有发出邮件", page);
        // What is stored now beside what the form holds: the handler A saved and the leader B typed.
        var differences = Regex.Match(page, "<table data-stale-fields>.*?</table>", RegexOptions.Singleline).Value;
        Assert.Contains("new.handler@anyue.gov.example", differences);
        Assert.Contains(Handler(original), differences);
        Assert.Contains("new.leader@anyue.gov.example", differences);
        Assert.Contains("value=\"new.leader@anyue.gov.example\"", page); // the form still holds what B typed
        var now = await _officerApi.GetFromJsonAsync<JsonElement>("/api/departments/gdgs");
        Assert.Equal("new.handler@anyue.gov.example", Handler(now));
        Assert.Equal(original.GetProperty("leader").GetProperty("email").GetString(), now.GetProperty("leader").GetProperty("email").GetString());
        Assert.Equal(mails, await MailCountAsync());

        // Saved again from the refused page, on purpose: it carries the version as it is now, so it is saved.
        var again = await b.PostAsync("/admin/departments/gdgs", Form(page, original, leaderEmail: "new.leader@anyue.gov.example"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("new.leader@anyue.gov.example",
            (await _officerApi.GetFromJsonAsync<JsonElement>("/api/departments/gdgs")).GetProperty("leader").GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_department_change_through_the_api_with_an_old_basis_is_409_and_one_without_a_basis_is_saved()
    {
        var admin = await _app.AsAdminAsync();
        var read = await admin.GetFromJsonAsync<JsonElement>("/api/departments/fgj");
        var basis = read.GetProperty("basis").GetString();
        object Body(string handlerEmail, string? withBasis) => new
        {
            name = read.GetProperty("name").GetString(),
            handler = new { name = "新经办人", email = handlerEmail, culture = "zh-CN" },
            leader = new { name = "分管领导", email = "fgj.leader@anyue.example", culture = "zh-CN" },
            active = true,
            basis = withBasis,
        };

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/departments/fgj", Body("first@anyue.gov.example", basis))).StatusCode);
        var stale = await admin.PutAsJsonAsync("/api/departments/fgj", Body("second@anyue.gov.example", basis));

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("部门信息在您打开后已被他人修改", await stale.Content.ReadAsStringAsync());
        var now = await admin.GetFromJsonAsync<JsonElement>("/api/departments/fgj");
        Assert.Equal("first@anyue.gov.example", now.GetProperty("handler").GetProperty("email").GetString());
        Assert.NotEqual(basis, now.GetProperty("basis").GetString());
        // A client that does not read first is not checked, as before.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/departments/fgj", Body("third@anyue.gov.example", null))).StatusCode);
    }

    [Fact]
    public async Task An_account_form_opened_before_another_admins_save_is_refused_and_keeps_the_new_name()
    {
        await _app.AsOfficerAsync("stale.account@test.example");
        var a = await AdminAsync();
        var b = await AdminAsync();
        var list = await a.GetStringAsync("/admin/users");
        var path = Regex.Match(list, "<tr data-email=\"stale\\.account@test\\.example\"[^>]*>.*?href=\"(/admin/users/[^\"]+)\"", RegexOptions.Singleline).Groups[1].Value;
        var formA = await a.GetStringAsync(path);
        var formB = await b.GetStringAsync(path);
        FormUrlEncodedContent Account(string page, string displayName, string culture) => new(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page),
            ["basis"] = BasisIn(page),
            ["email"] = "stale.account@test.example",
            ["displayName"] = displayName,
            ["role"] = "Officer",
            ["culture"] = culture,
            ["password"] = "",
            ["handOverTo"] = "",
            ["active"] = "true",
        });

        Assert.Equal(HttpStatusCode.Redirect, (await a.PostAsync(path, Account(formA, "改过的名字", "zh-CN"))).StatusCode);
        var refused = await b.PostAsync(path, Account(formB, "测试专员", "en"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("账号在您打开后已被他人修改，您的修改未保存", page);
        Assert.Contains("改过的名字", Regex.Match(page, "<table data-stale-fields>.*?</table>", RegexOptions.Singleline).Value);
        var admin = await _app.AsAdminAsync();
        var id = path["/admin/users/".Length..];
        var now = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{id}");
        Assert.Equal("改过的名字", now.GetProperty("displayName").GetString());
        Assert.Equal("zh-CN", now.GetProperty("culture").GetString());

        // The API alike, with the basis of an earlier read.
        var stale = await admin.PutAsJsonAsync($"/api/users/{id}", new
        {
            email = "stale.account@test.example", displayName = "又一个名字", role = "Officer", basis = BasisIn(formB),
        });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("改过的名字", (await admin.GetFromJsonAsync<JsonElement>($"/api/users/{id}")).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_category_form_opened_before_another_admins_save_is_refused_and_keeps_the_new_limits()
    {
        var a = await AdminAsync();
        var b = await AdminAsync();
        var formA = await a.GetStringAsync("/admin/categories/other");
        var formB = await b.GetStringAsync("/admin/categories/other");
        var before = (await _officerApi.GetFromJsonAsync<JsonElement>("/api/categories")).EnumerateArray().Single(c => c.GetProperty("code").GetString() == "other");
        FormUrlEncodedContent Category(string page, int resolve, string nameZh) => new(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page),
            ["basis"] = BasisIn(page),
            ["nameZh"] = nameZh,
            ["name"] = before.GetProperty("name").GetString()!,
            ["acceptWithinWorkingDays"] = before.GetProperty("acceptWithinWorkingDays").GetInt32().ToString(),
            ["resolveWithinWorkingDays"] = resolve.ToString(),
            ["progressReportEveryWorkingDays"] = "",
            ["coHandlerLeadWorkingDays"] = "0",
        });

        Assert.Equal(HttpStatusCode.Redirect, (await a.PostAsync("/admin/categories/other", Category(formA, 17, before.GetProperty("nameZh").GetString()!))).StatusCode);
        var refused = await b.PostAsync("/admin/categories/other", Category(formB, before.GetProperty("resolveWithinWorkingDays").GetInt32(), "其他事项"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("事项类别在您打开后已被他人修改，您的修改未保存", page);
        Assert.Contains("<td data-stored>17</td>", page);
        var now = (await _officerApi.GetFromJsonAsync<JsonElement>("/api/categories")).EnumerateArray().Single(c => c.GetProperty("code").GetString() == "other");
        Assert.Equal(17, now.GetProperty("resolveWithinWorkingDays").GetInt32());
        Assert.Equal(before.GetProperty("nameZh").GetString(), now.GetProperty("nameZh").GetString());

        // The API alike, with the basis of the read before A's save.
        var admin = await _app.AsAdminAsync();
        var stale = await admin.PutAsJsonAsync("/api/categories/other", new
        {
            nameZh = "其他事项", name = before.GetProperty("name").GetString(), acceptWithinWorkingDays = 1, resolveWithinWorkingDays = 5,
            coHandlerLeadWorkingDays = 0, basis = before.GetProperty("basis").GetString(),
        });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("事项类别在您打开后已被他人修改", await stale.Content.ReadAsStringAsync());
        Assert.Equal(17, (await _officerApi.GetFromJsonAsync<JsonElement>("/api/categories")).EnumerateArray()
            .Single(c => c.GetProperty("code").GetString() == "other").GetProperty("resolveWithinWorkingDays").GetInt32());
    }

    [Fact]
    public async Task A_basis_liaison_never_gave_is_400_on_the_basis_field_and_saves_nothing()
    {
        var admin = await _app.AsAdminAsync();
        var department = await admin.GetFromJsonAsync<JsonElement>("/api/departments/swj");
        var category = (await _officerApi.GetFromJsonAsync<JsonElement>("/api/categories")).EnumerateArray().Single(c => c.GetProperty("code").GetString() == "bankruptcy");
        var accounts = await admin.GetFromJsonAsync<JsonElement>("/api/users");
        var account = accounts.EnumerateArray().First(u => u.GetProperty("email").GetString() == "stale.officer@test.example");
        var id = account.GetProperty("id").GetString();

        var responses = new[]
        {
            await admin.PutAsJsonAsync("/api/departments/swj", new
            {
                name = "改名的水务局", handler = new { name = "新经办人", email = "swj.new@anyue.example", culture = "zh-CN" },
                leader = new { name = "分管领导", email = "swj.leader@anyue.example", culture = "zh-CN" }, active = true, basis = "not-a-version",
            }),
            await admin.PutAsJsonAsync("/api/categories/bankruptcy", new
            {
                nameZh = "破产", name = category.GetProperty("name").GetString(), acceptWithinWorkingDays = 1, resolveWithinWorkingDays = 9,
                progressReportEveryWorkingDays = 5, coHandlerLeadWorkingDays = 0, basis = "0123456789ABCDEF",
            }),
            await admin.PutAsJsonAsync($"/api/users/{id}", new { email = "stale.officer@test.example", displayName = "改名", role = "Officer", basis = "x" }),
        };

        // Each a 400 naming the basis (it was taken for someone else's save since: 409), and nothing saved.
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("不是本系统给出的版本", problem.GetProperty("errors").GetProperty("basis")[0].GetString());
        }

        Assert.Equal(department.GetProperty("name").GetString(), (await admin.GetFromJsonAsync<JsonElement>("/api/departments/swj")).GetProperty("name").GetString());
        Assert.Equal(category.GetProperty("resolveWithinWorkingDays").GetInt32(), (await _officerApi.GetFromJsonAsync<JsonElement>("/api/categories")).EnumerateArray()
            .Single(c => c.GetProperty("code").GetString() == "bankruptcy").GetProperty("resolveWithinWorkingDays").GetInt32());
        Assert.Equal(account.GetProperty("displayName").GetString(), (await admin.GetFromJsonAsync<JsonElement>($"/api/users/{id}")).GetProperty("displayName").GetString());

        // A page whose hidden version was altered says so above its form.
        var browser = await AdminAsync();
        var form = await browser.GetStringAsync("/admin/categories/bankruptcy");
        var posted = await browser.PostAsync("/admin/categories/bankruptcy", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(form), ["basis"] = "tampered", ["nameZh"] = "破产", ["name"] = category.GetProperty("name").GetString()!,
            ["acceptWithinWorkingDays"] = "1", ["resolveWithinWorkingDays"] = "9", ["progressReportEveryWorkingDays"] = "5", ["coHandlerLeadWorkingDays"] = "0",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("不是本系统给出的版本", await posted.Content.ReadAsStringAsync());
    }

    private Task<HttpClient> AdminAsync() => _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

    private Task<int> MailCountAsync() => _app.WithDbAsync(db => db.Outbox.CountAsync());

    private static string BasisIn(string page) =>
        Regex.Match(page, "name=\"basis\" value=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No basis in:\n" + page);

    /// <summary>The department form as read (<paramref name="department"/>), with its token and basis from <paramref name="page"/> and one liaison's email changed.</summary>
    private static FormUrlEncodedContent Form(string page, JsonElement department, string? handlerEmail = null, string? leaderEmail = null)
    {
        JsonElement P(string who) => department.GetProperty(who);
        return new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page),
            ["basis"] = BasisIn(page),
            ["name"] = department.GetProperty("name").GetString()!,
            ["handlerName"] = P("handler").GetProperty("name").GetString()!,
            ["handlerEmail"] = handlerEmail ?? P("handler").GetProperty("email").GetString()!,
            ["handlerCulture"] = P("handler").GetProperty("culture").GetString()!,
            ["leaderName"] = P("leader").GetProperty("name").GetString()!,
            ["leaderEmail"] = leaderEmail ?? P("leader").GetProperty("email").GetString()!,
            ["leaderCulture"] = P("leader").GetProperty("culture").GetString()!,
            ["active"] = "true",
        });
    }
}
