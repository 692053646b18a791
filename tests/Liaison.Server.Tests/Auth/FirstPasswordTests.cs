using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Digests;
using Liaison.Server.Mail;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Auth;

/// <summary>
/// A password an admin set (a new account's, or a reset of someone else's) is temporary: its holder changes it before
/// anything else, the admin sees who has not yet, and a new account's holder is told by mail where to sign in, never
/// the password.
/// </summary>
public sealed class FirstPasswordTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string SignInLink = "https://liaison.test.example/account/login";
    private readonly LiaisonApp _app = fixture.App;

    private async Task<JsonElement> CreateAsync(string email, string password, string role = "Officer", string culture = "zh-CN")
    {
        var admin = await _app.AsAdminAsync();
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "新同事", password, role, culture });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return await created.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<bool> FlaggedAsync(string email) =>
        _app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.MustChangePassword).SingleAsync());

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.ToDictionary(f => f.Name, f => f.Value));

    private static async Task<HttpResponseMessage> ChangeOnPageAsync(HttpClient browser, string current, string next)
    {
        var page = await browser.GetStringAsync("/account/password");
        return await browser.PostAsync("/account/password", Form(
            ("__RequestVerificationToken", TokenIn(page)), ("currentPassword", current), ("newPassword", next), ("confirmPassword", next)));
    }

    private static async Task<string> InEnglishAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "liaison.lang=en");
        return await (await client.SendAsync(request)).Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_new_account_must_change_its_password_before_any_other_api_call_and_then_works()
    {
        const string email = "api.newcomer@test.example";
        var created = await CreateAsync(email, "first-password-1");
        Assert.True(created.GetProperty("mustChangePassword").GetBoolean());
        Assert.True(await FlaggedAsync(email));

        var api = await _app.SignInAsync(email, "first-password-1");
        var refused = await api.GetAsync("/api/cases");
        var me = await api.GetFromJsonAsync<JsonElement>("/api/auth/me");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("此账号的密码由管理员设置，请先修改密码（POST /api/auth/password）后再使用其他接口 / "
            + "this account's password was set by an administrator: change it first (POST /api/auth/password), then call anything else",
            problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("passwordChangeRequired").GetBoolean());
        Assert.True(me.GetProperty("mustChangePassword").GetBoolean());
        // A write is refused alike and changes nothing.
        var open = await api.PostAsJsonAsync("/api/cases", new { title = "不该受理" });
        Assert.Equal(HttpStatusCode.Forbidden, open.StatusCode);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync(c => c.Title == "不该受理")));

        var changed = await api.PostAsJsonAsync("/api/auth/password", new { currentPassword = "first-password-1", newPassword = "my-own-password-2" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        var officer = await _app.SignInAsync(email, "my-own-password-2");
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/cases")).StatusCode);
        Assert.False((await officer.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("mustChangePassword").GetBoolean());
        Assert.False(await FlaggedAsync(email));
        var admin = await _app.AsAdminAsync();
        Assert.False((await admin.GetFromJsonAsync<JsonElement>($"/api/users/{created.GetProperty("id").GetString()}")).GetProperty("mustChangePassword").GetBoolean());
    }

    [Fact]
    public async Task Signing_in_on_the_form_lands_on_the_change_page_every_other_page_leads_back_and_sign_out_still_works()
    {
        const string email = "page.newcomer@test.example";
        await CreateAsync(email, "first-password-1");
        var browser = _app.Anonymous();
        var login = await browser.GetStringAsync("/account/login?returnUrl=%2Fcases");

        var signedIn = await browser.PostAsync("/account/login", Form(
            ("__RequestVerificationToken", TokenIn(login)), ("email", email), ("password", "first-password-1"), ("returnUrl", "/cases")));

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/account/password", signedIn.Headers.Location?.OriginalString);
        var page = await browser.GetStringAsync("/account/password");
        Assert.Contains("您的密码是管理员设置的初始密码（或重置的密码）。为保护账号安全，请先修改密码，然后才能使用其他功能。", page);
        Assert.Contains("Your password was set by an administrator (a first password or a reset). To keep your account safe, change it before you do anything else.",
            await InEnglishAsync(browser, "/account/password"));
        // Nothing else is offered: only signing out.
        Assert.DoesNotContain("href=\"/cases\"", page);
        Assert.Contains("action=\"/account/logout\"", page);

        foreach (var path in new[] { "/cases", "/workbench", "/enterprises", "/cases/new", "/admin" })
        {
            var other = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.SeeOther, other.StatusCode);
            Assert.Equal("/account/password", other.Headers.Location?.OriginalString);
        }

        // An address nothing answers stays a 404: there is nothing there to protect.
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/no-such-page")).StatusCode);

        // A form posted elsewhere is turned away the same way, its token checked first as always.
        var newCase = await browser.PostAsync("/cases/new", Form(("__RequestVerificationToken", TokenIn(page)), ("title", "不该受理")));
        Assert.Equal(HttpStatusCode.SeeOther, newCase.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/cases/new", Form(("title", "不该受理")))).StatusCode);
        // The cookie opens no API either.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/cases")).StatusCode);

        var changed = await ChangeOnPageAsync(browser, "first-password-1", "my-own-password-2");
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var done = await browser.GetStringAsync(changed.Headers.Location!.OriginalString);
        Assert.Contains("密码已修改", done);
        Assert.Contains("<a href=\"/\" data-continue>继续使用 →</a>", done);
        Assert.DoesNotContain("data-required", done);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/cases")).StatusCode);
        Assert.False(await FlaggedAsync(email));

        var logout = await browser.PostAsync("/account/logout", Form(("__RequestVerificationToken", TokenIn(await browser.GetStringAsync("/cases")))));
        Assert.Equal("/account/login", logout.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_flagged_account_may_sign_out_before_changing()
    {
        const string email = "leaves.at.once@test.example";
        await CreateAsync(email, "first-password-1");
        var browser = await _app.SignInThroughFormAsync(email, "first-password-1");
        var api = await _app.SignInAsync(email, "first-password-1");

        var logout = await browser.PostAsync("/account/logout", Form(("__RequestVerificationToken", TokenIn(await browser.GetStringAsync("/account/password")))));
        Assert.Equal("/account/login", logout.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/auth/me")).StatusCode); // every session ended
        var again = await _app.SignInAsync(email, "first-password-1");
        Assert.Equal(HttpStatusCode.NoContent, (await again.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.True(await FlaggedAsync(email));
    }

    [Fact]
    public async Task An_admin_setting_someone_elses_password_makes_them_change_it_again_and_the_admin_sees_it()
    {
        const string email = "reset.officer@test.example";
        var officer = await _app.AsOfficerAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/cases")).StatusCode);
        var admin = await _app.AsAdminAsync();
        var id = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/users"))!.Single(u => u.GetProperty("email").GetString() == email).GetProperty("id").GetString()!;

        var reset = await admin.PutAsJsonAsync($"/api/users/{id}", new { email, displayName = "测试专员", role = "Officer", password = "reset-password-3" });

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.True((await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mustChangePassword").GetBoolean());
        var api = await _app.SignInAsync(email, "reset-password-3");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/cases")).StatusCode);
        var pages = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var list = await pages.GetStringAsync("/admin/users");
        Assert.Matches($"<tr data-email=\"{email}\" data-active=\"true\" data-must-change-password=\"true\">.*?待修改临时密码", Collapse(list));
        Assert.Matches($"<tr data-email=\"{LiaisonApp.AdminEmail}\" data-active=\"true\" data-must-change-password=\"false\">", list);
        Assert.Contains("data-must-change-password>待修改临时密码</span>", await pages.GetStringAsync($"/admin/users/{id}"));
        Assert.Contains("data-must-change-password>Must change password</span>", await InEnglishAsync(pages, $"/admin/users/{id}"));

        // Another change of the account leaves the requirement as it is; the holder's own change ends it.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/users/{id}", new { email, displayName = "改了名", role = "Officer" })).StatusCode);
        Assert.True(await FlaggedAsync(email));
        Assert.Equal(HttpStatusCode.NoContent,
            (await api.PostAsJsonAsync("/api/auth/password", new { currentPassword = "reset-password-3", newPassword = "my-own-password-4" })).StatusCode);
        Assert.False(await FlaggedAsync(email));
        Assert.DoesNotContain("待修改临时密码", await pages.GetStringAsync($"/admin/users/{id}"));
    }

    [Fact]
    public async Task An_admin_changing_their_own_password_is_not_made_to_change_it_again()
    {
        const string email = "second.admin@test.example";
        await CreateAsync(email, "first-password-1", role: "Admin");
        // A new admin's first password is temporary too.
        var browser = await _app.SignInThroughFormAsync(email, "first-password-1");
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync("/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ChangeOnPageAsync(browser, "first-password-1", "admin-own-password-2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/users")).StatusCode);

        // Their own password, on the change page or on their own account's page, is theirs: no change is asked.
        Assert.Equal(HttpStatusCode.Redirect, (await ChangeOnPageAsync(browser, "admin-own-password-2", "admin-own-password-3")).StatusCode);
        Assert.False(await FlaggedAsync(email));
        var api = await _app.SignInAsync(email, "admin-own-password-3");
        var me = await api.GetFromJsonAsync<JsonElement>("/api/auth/me");
        var own = await api.PutAsJsonAsync($"/api/users/{me.GetProperty("id").GetString()}",
            new { email, displayName = "第二管理员", role = "Admin", password = "admin-own-password-4" });
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.False((await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mustChangePassword").GetBoolean());
        Assert.False(await FlaggedAsync(email));
        var after = await _app.SignInAsync(email, "admin-own-password-4");
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/api/users")).StatusCode);
    }

    [Fact]
    public async Task A_new_account_is_welcomed_by_mail_with_the_sign_in_address_and_email_but_never_the_password()
    {
        const string email = "welcome.officer@test.example";
        const string password = "secret-first-password-5";
        await CreateAsync(email, password);

        var queued = await _app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.ToAddress == email));
        Assert.Equal((DigestKind.AccountCreated, OutboxStatus.Pending), (queued.Kind, queued.Status));
        var mail = Assert.Single(await MailsAsync(_app, email));

        Assert.Equal("【新账号】新同事，您的点对点联络平台账号已开通", mail.Subject);
        foreach (var body in new[] { mail.TextBody, mail.HtmlBody })
        {
            Assert.Contains(email, body);
            Assert.Contains(SignInLink, body);
            Assert.Contains("首次登录后须先修改密码", body);
            Assert.DoesNotContain(password, body);
        }

        Assert.Contains($"href=\"{SignInLink}\"", mail.HtmlBody);
        Assert.Contains("登录地址：" + SignInLink, mail.TextBody);
        Assert.Contains("登录邮箱：" + email, mail.TextBody);
        Assert.Contains("初始密码由管理员另行告知您，本邮件不含密码。", mail.TextBody);
        Assert.Contains("管理员 Admin", mail.TextBody); // who opened it
        // The same account again is refused and mails nobody.
        var admin = await _app.AsAdminAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/users", new { email, displayName = "又一个", password = "other-password-6" })).StatusCode);
        Assert.Single(await MailsAsync(_app, email));
    }

    [Fact]
    public async Task The_welcome_mail_speaks_the_new_accounts_language_and_an_account_made_on_the_admin_page_gets_one_too()
    {
        const string english = "welcome.english@test.example";
        await CreateAsync(english, "first-password-7", culture: "en");
        var mail = Assert.Single(await MailsAsync(_app, english));
        Assert.Equal("[New account] 新同事, your Liaison account is ready", mail.Subject);
        Assert.Contains("Sign in at: " + SignInLink, mail.TextBody);
        Assert.Contains("Sign in with: " + english, mail.TextBody);
        Assert.DoesNotContain("first-password-7", mail.TextBody + mail.HtmlBody);

        const string byPage = "welcome.page@test.example";
        var pages = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var form = await pages.GetStringAsync("/admin/users");
        var created = await pages.PostAsync("/admin/users", Form(("__RequestVerificationToken", TokenIn(form)), ("email", byPage),
            ("displayName", "页面新建"), ("password", "page-password-8"), ("role", "Officer"), ("culture", "zh-CN")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Contains("已安排给本人发送开通通知邮件（不含密码）", await pages.GetStringAsync(created.Headers.Location!.OriginalString));
        var fromPage = Assert.Single(await MailsAsync(_app, byPage));
        Assert.Contains("登录邮箱：" + byPage, fromPage.TextBody);
        Assert.DoesNotContain("page-password-8", fromPage.TextBody + fromPage.HtmlBody);
        Assert.True(await FlaggedAsync(byPage));
    }

    private static string Collapse(string html) => System.Text.RegularExpressions.Regex.Replace(html, @"\s+", " ");
}
