using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;

namespace Liaison.Server.Tests;

public sealed class AuthTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task Bootstrap_admin_signs_in_and_gets_a_bearer_token()
    {
        var response = await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = LiaisonApp.AdminEmail, password = LiaisonApp.AdminPassword });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));

        var admin = await _app.AsAdminAsync();
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal(LiaisonApp.AdminEmail, me.GetProperty("email").GetString());
        Assert.Contains("Admin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_refresh_token_gets_new_tokens_until_the_accounts_sessions_end()
    {
        await _app.AsOfficerAsync("refresh@test.example");
        var anonymous = _app.Anonymous();
        var login = await (await anonymous.PostAsJsonAsync("/api/auth/login", new { email = "refresh@test.example", password = "officer-password-1" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var refreshed = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var tokens = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        var client = _app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", tokens.GetProperty("accessToken").GetString());
        Assert.Equal("refresh@test.example", (await client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("email").GetString());

        // Signing out ends every session of the account: its refresh tokens too, the new one included.
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);
        foreach (var token in new[] { login.GetProperty("refreshToken").GetString(), tokens.GetProperty("refreshToken").GetString() })
        {
            var refused = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = token });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("sign in again", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "not-a-token" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/refresh", new { })).StatusCode);
    }

    [Fact]
    public async Task Wrong_password_is_401_with_a_readable_problem()
    {
        var response = await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = LiaisonApp.AdminEmail, password = "not-the-password" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("wrong email or password", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Unknown_user_is_401()
    {
        var response = await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = "nobody@test.example", password = "whatever-123" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Login_without_fields_is_400_naming_them()
    {
        var response = await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Malformed_json_is_400_not_500()
    {
        var response = await _app.Anonymous().PostAsync("/api/auth/login", new StringContent("{\"email\":", System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("JSON", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task There_is_no_self_registration_and_officers_cannot_create_accounts()
    {
        var anonymous = await _app.Anonymous().PostAsJsonAsync("/api/users", new { email = "me@test.example", displayName = "me", password = "password-123" });
        var officer = await _app.AsOfficerAsync("creator@test.example");
        var byOfficer = await officer.PostAsJsonAsync("/api/users", new { email = "me@test.example", displayName = "me", password = "password-123" });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byOfficer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = "me@test.example", password = "password-123" })).StatusCode);
    }

    [Fact]
    public async Task Admin_creates_an_officer_who_can_then_sign_in()
    {
        var admin = await _app.AsAdminAsync();
        var created = await admin.PostAsJsonAsync("/api/users", new { email = "new.officer@test.example", displayName = "新专员", password = "officer-pass-1", role = "Officer" });
        var officer = await _app.SignInAsync("new.officer@test.example", "officer-pass-1");
        var me = await officer.GetFromJsonAsync<JsonElement>("/api/auth/me");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["Officer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Fact]
    public async Task Creating_a_user_with_a_bad_email_or_role_is_400()
    {
        var admin = await _app.AsAdminAsync();
        var response = await admin.PostAsJsonAsync("/api/users", new { email = "not-an-email", displayName = "x", password = "officer-pass-1", role = "Emperor" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("role", out _));
    }

    [Fact]
    public async Task Browser_sign_in_sets_a_cookie_that_opens_the_api()
    {
        var client = _app.Anonymous();
        var form = await client.GetStringAsync("/account/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = LiaisonApp.AdminEmail,
            ["password"] = LiaisonApp.AdminPassword,
            ["returnUrl"] = "/hangfire",
        }));

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, string.Join("; ", response.Headers.Select(h => h.Key + "=" + string.Join(",", h.Value))));
        Assert.Equal("/hangfire", response.Headers.Location?.OriginalString);
        var me = await client.GetAsync("/api/auth/me");
        Assert.True(me.StatusCode == HttpStatusCode.OK, string.Join("; ", response.Headers.Select(h => h.Key + "=" + string.Join(",", h.Value))));
    }
}
