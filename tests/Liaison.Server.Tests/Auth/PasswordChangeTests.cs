using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Auth;

/// <summary>A signed-in officer changes their own password, through the API and the page.</summary>
public sealed class PasswordChangeTests : IAsyncLifetime
{
    private const string Email = "officer@test.example";
    private const string Password = "officer-password-1";
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(PasswordChangeTests), withSmtp: false);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpStatusCode> SignInStatusAsync(string password) =>
        (await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = Email, password })).StatusCode;

    [Fact]
    public async Task Changes_at_once_from_several_sessions_change_it_once_and_the_others_say_why()
    {
        await _app.AsOfficerAsync(Email);
        var sessions = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _app.SignInAsync(Email, Password)));

        var answers = await Task.WhenAll(sessions.Select((s, i) =>
            s.PostAsJsonAsync("/api/auth/password", new { currentPassword = Password, newPassword = $"a-fresh-password-{i}7" })));

        var changed = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.NoContent);
        foreach (var other in answers.Where(a => a != changed))
        {
            // Saved over by the first (409), or read after it: the current password is then wrong (400), or the session ended (401).
            var body = await other.Content.ReadAsStringAsync();
            Assert.True(other.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{other.StatusCode} {body}");
            Assert.DoesNotContain("Optimistic concurrency", body);
            Assert.DoesNotContain("不符合密码规则", body);
            if (other.StatusCode == HttpStatusCode.Conflict) Assert.Contains("账号刚在别处修改过", body);
        }

        var winner = Array.IndexOf(answers, changed);
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync($"a-fresh-password-{winner}7"));
    }

    [Fact]
    public async Task The_api_needs_the_current_password_checks_the_new_one_and_ends_every_session()
    {
        var officer = await _app.AsOfficerAsync(Email);

        async Task<List<string>> ProblemsAsync(object body, string field)
        {
            var response = await officer.PostAsJsonAsync("/api/auth/password", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty(field)
                .EnumerateArray().Select(e => e.GetString()!).ToList();
        }

        Assert.Contains(await ProblemsAsync(new { currentPassword = "wrong-password-9", newPassword = "a-fresh-password-7" }, "currentPassword"),
            m => m.Contains("current password is wrong", StringComparison.Ordinal));
        Assert.NotEmpty(await ProblemsAsync(new { currentPassword = Password, newPassword = "short" }, "newPassword"));
        Assert.NotEmpty(await ProblemsAsync(new { newPassword = "a-fresh-password-7" }, "currentPassword"));
        // The current password again is no change.
        Assert.Contains(await ProblemsAsync(new { currentPassword = Password, newPassword = Password }, "newPassword"),
            m => m.StartsWith("不能与填写的当前密码相同", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync(Password));

        var other = await _app.SignInAsync(Email, Password);
        var changed = await officer.PostAsJsonAsync("/api/auth/password", new { currentPassword = Password, newPassword = "a-fresh-password-7" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await officer.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync(Password));
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("a-fresh-password-7"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().PostAsJsonAsync("/api/auth/password",
            new { currentPassword = "a-fresh-password-7", newPassword = "another-password-8" })).StatusCode);
    }

    [Fact]
    public async Task Every_problem_is_told_at_once_at_its_field_and_in_the_forms_summary_and_through_the_api()
    {
        await _app.AsOfficerAsync(Email);
        var browser = await _app.SignInThroughFormAsync(Email, Password);
        var page = await browser.GetStringAsync("/account/password");

        // A wrong current password, a new one that breaks two rules, and a different one typed again.
        var response = await browser.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page), ["currentPassword"] = "wrong-password-9", ["newPassword"] = "short",
            ["confirmPassword"] = "shorter",
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Matches("data-field=\"currentPassword\">当前密码不正确<", html);
        Assert.Matches("data-field=\"newPassword\">太短（至少 10 个字符）<", html);
        Assert.Matches("data-field=\"newPassword\">至少要有一个数字（0–9）<", html);
        Assert.Matches("data-field=\"confirmPassword\">与新密码不一致，请重新输入<", html);
        var summary = System.Text.RegularExpressions.Regex.Match(html, "<div role=\"alert\" data-summary>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("未修改，请更正标出的内容：", summary);
        Assert.Equal(
            [
                "<a href=\"#currentPassword\">当前密码不正确</a>",
                "<a href=\"#newPassword\">新密码：太短（至少 10 个字符）</a>",
                "<a href=\"#newPassword\">新密码：至少要有一个数字（0–9）</a>",
                "<a href=\"#confirmPassword\">再次输入新密码：与新密码不一致，请重新输入</a>",
            ],
            System.Text.RegularExpressions.Regex.Matches(summary, "<li>(.*?)</li>").Select(m => m.Groups[1].Value));
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync(Password)); // nothing changed

        // The API (no confirmation) tells the wrong current password and the rules together as well.
        var api = await _app.SignInAsync(Email, Password);
        var problem = await (await api.PostAsJsonAsync("/api/auth/password", new { currentPassword = "wrong-password-9", newPassword = "short" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.Equal(["当前密码不正确 / the current password is wrong"], errors.GetProperty("currentPassword").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, errors.GetProperty("newPassword").GetArrayLength());
    }

    [Fact]
    public async Task Guessing_the_current_password_from_an_address_that_never_signed_in_is_throttled_like_a_sign_in()
    {
        var officer = await _app.AsOfficerAsync(Email);
        // A token used from elsewhere than where it was signed in with (stolen): its address is not a known client.
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM sign_in_known_clients"));
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 12 && refused is null; i++)
        {
            var response = await officer.PostAsJsonAsync("/api/auth/password", new { currentPassword = $"guess-number-{i}", newPassword = "a-fresh-password-7" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.NotNull(refused);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/auth/me")).StatusCode); // nothing changed
    }

    [Fact]
    public async Task The_page_changes_it_and_keeps_this_browser_signed_in()
    {
        await _app.AsOfficerAsync(Email);
        var api = await _app.SignInAsync(Email, Password);
        var browser = await _app.SignInThroughFormAsync(Email, Password);
        Assert.Contains("href=\"/account/password\"", await browser.GetStringAsync("/cases"));
        var page = await browser.GetStringAsync("/account/password");
        // A password manager files the new password under what the person signs in with, not their display name.
        var username = System.Text.RegularExpressions.Regex.Match(page, "<input [^>]*autocomplete=\"username\"[^>]*>").Value;
        Assert.Contains($"value=\"{Email}\"", username);

        // The form says every rule, and asks for the new password twice.
        Assert.Contains("至少 10 个字符，含数字和小写字母", page);
        Assert.Contains("id=\"confirmPassword\"", page);
        var bad = await browser.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page), ["currentPassword"] = "wrong-password-9", ["newPassword"] = "a-fresh-password-7",
            ["confirmPassword"] = "a-fresh-password-7",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("当前密码不正确", await bad.Content.ReadAsStringAsync());
        var mistyped = await browser.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page), ["currentPassword"] = Password, ["newPassword"] = "a-fresh-password-7",
            ["confirmPassword"] = "a-fresh-pasword-7",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, mistyped.StatusCode);
        Assert.Matches("data-field=\"confirmPassword\">[^<]*与新密码不一致", await mistyped.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync(Password)); // nothing changed
        Assert.DoesNotContain("密码已修改", await browser.GetStringAsync("/account/password?done=1")); // the old address says nothing now

        var response = await browser.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page), ["currentPassword"] = Password, ["newPassword"] = "a-fresh-password-7",
            ["confirmPassword"] = "a-fresh-password-7",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/password", response.Headers.Location?.OriginalString);
        Assert.Contains("密码已修改", await browser.GetStringAsync("/account/password"));
        Assert.DoesNotContain("密码已修改", await browser.GetStringAsync("/account/password")); // once: a reload says nothing
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("a-fresh-password-7"));
    }
}
