using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Auth;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Auth;

/// <summary>Issue 12, sign-in and sessions: throttling instead of lockout, constant work, password policy, revocation, antiforgery.</summary>
public sealed class SignInHardeningTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    internal static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/auth/login", new { email, password });

    private async Task<string> NewOfficerAsync(string email, string password = "officer-password-1")
    {
        var admin = await _app.AsAdminAsync();
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "测试专员", password, role = "Officer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await _app.AccountInUseAsync(email);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Many_wrong_passwords_from_a_stranger_never_lock_out_the_real_user_from_a_known_client()
    {
        await NewOfficerAsync("target@test.example");
        // The real user has signed in from this client (the test server's single address) before.
        await _app.SignInAsync("target@test.example", "officer-password-1");

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 15; i++)
        {
            answers.Add((await LoginAsync(_app.Anonymous(), "target@test.example", "wrong-password-" + i)).StatusCode);
        }

        var right = await LoginAsync(_app.Anonymous(), "target@test.example", "officer-password-1");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var user = await _app.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Email == "target@test.example")));
        Assert.Null(user.LockoutEnd);
    }

    /// <summary>A throttle on the app's database with its own options and clock (accounts and addresses unique per test).</summary>
    private (SignInThrottle Throttle, Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock, IServiceScope Scope) Throttle(Liaison.Server.Auth.SignInOptions options)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(_app.Clock.GetUtcNow());
        var scope = _app.Services.CreateScope();
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var throttle = new SignInThrottle(scope.ServiceProvider.GetRequiredService<Liaison.Server.Data.LiaisonDbContext>(), new SignInAttemptLimiter(wrapped), wrapped, clock);
        return (throttle, clock, scope);
    }

    [Fact]
    public async Task The_throttle_backs_off_clients_that_never_signed_into_the_account_and_lets_known_ones_through()
    {
        var (throttle, clock, scope) = Throttle(new Liaison.Server.Auth.SignInOptions { FreeFailuresPerAccount = 3, FreeFailuresPerClient = 100 });
        using var _ = scope;
        await throttle.SucceededAsync("BACKOFF-ACCOUNT", "10.1.0.1");
        // Each attempt that goes ahead counts as a wrong password until it proves right (none does here).
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await throttle.AttemptAsync("BACKOFF-ACCOUNT", "10.1.0.66"));
        }

        var first = await throttle.AttemptAsync("BACKOFF-ACCOUNT", "10.1.0.66");
        clock.Advance(first!.Value);
        Assert.Null(await throttle.AttemptAsync("BACKOFF-ACCOUNT", "10.1.0.66"));
        var second = await throttle.AttemptAsync("BACKOFF-ACCOUNT", "10.1.0.66");

        Assert.True(second > first, $"{second} after {first}");
        Assert.NotNull(await throttle.AttemptAsync("BACKOFF-ACCOUNT", "10.1.0.99"));
        clock.Advance(second!.Value);
        Assert.Null(await throttle.AttemptAsync("BACKOFF-ACCOUNT", "10.1.0.66"));
        // The client that signed in before goes ahead even while strangers wait.
        Assert.NotNull(await throttle.AttemptAsync("BACKOFF-ACCOUNT", "10.1.0.99"));
        Assert.Null(await throttle.AttemptAsync("BACKOFF-ACCOUNT", "10.1.0.1"));
    }

    [Fact]
    public async Task A_known_client_is_spared_the_accounts_count_but_not_its_own()
    {
        // A security review: 12 wrong passwords from an address that had signed into the account were all let through.
        var (throttle, _, scope) = Throttle(new Liaison.Server.Auth.SignInOptions { FreeFailuresPerAccount = 3, FreeFailuresPerClient = 5 });
        using var _ = scope;
        await throttle.SucceededAsync("KNOWN-ACCOUNT", "10.4.0.1");

        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await throttle.AttemptAsync("KNOWN-ACCOUNT", "10.4.0.1"));
        }

        Assert.NotNull(await throttle.AttemptAsync("KNOWN-ACCOUNT", "10.4.0.1"));
    }

    [Fact]
    public async Task A_client_failing_on_many_accounts_is_backed_off_too()
    {
        var (throttle, _, scope) = Throttle(new Liaison.Server.Auth.SignInOptions { FreeFailuresPerAccount = 100, FreeFailuresPerClient = 5 });
        using var _ = scope;
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await throttle.AttemptAsync("MANY-ACCOUNT" + i, "10.2.0.66"));
        }

        Assert.NotNull(await throttle.AttemptAsync("MANY-ANOTHER", "10.2.0.66"));
        Assert.Null(await throttle.AttemptAsync("MANY-ANOTHER", "10.2.0.1"));
    }

    [Fact]
    public async Task Failures_counted_on_one_server_process_back_off_the_client_on_another_and_known_clients_are_shared()
    {
        var options = new Liaison.Server.Auth.SignInOptions { FreeFailuresPerAccount = 4, FreeFailuresPerClient = 100 };
        var (one, _, scopeOne) = Throttle(options);
        using var _1 = scopeOne;
        await using var other = Workflows.RestartedServer.Start(_app.ConnectionString, _app.Clock.GetUtcNow());
        using var scopeTwo = other.Services.CreateScope();
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var two = new SignInThrottle(scopeTwo.ServiceProvider.GetRequiredService<Liaison.Server.Data.LiaisonDbContext>(), new SignInAttemptLimiter(wrapped), wrapped, other.Clock);
        await one.SucceededAsync("NODES-ACCOUNT", "10.3.0.1");

        // Two wrong passwords on each node: four in all, the account's free allowance.
        for (var i = 0; i < 2; i++)
        {
            Assert.Null(await one.AttemptAsync("NODES-ACCOUNT", "10.3.0.66"));
            Assert.Null(await two.AttemptAsync("NODES-ACCOUNT", "10.3.0.66"));
        }

        Assert.NotNull(await one.AttemptAsync("NODES-ACCOUNT", "10.3.0.66"));
        Assert.NotNull(await two.AttemptAsync("NODES-ACCOUNT", "10.3.0.66"));
        Assert.True(await two.IsKnownAsync("NODES-ACCOUNT", "10.3.0.1"));
        Assert.Null(await two.AttemptAsync("NODES-ACCOUNT", "10.3.0.1"));
    }

    [Fact]
    public async Task Unknown_wrong_password_and_locked_accounts_get_the_same_answer_but_a_locked_accounts_own_password_is_told_why()
    {
        await NewOfficerAsync("locked@test.example");
        await _app.WithDbAsync(async db =>
        {
            var u = db.Users.Single(x => x.Email == "locked@test.example");
            u.LockoutEnabled = true;
            u.LockoutEnd = DateTimeOffset.UtcNow.AddYears(1);
            return await db.SaveChangesAsync();
        });
        var hasher = new CountingHasher();
        await using var counted = _app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<LiaisonUser>>(hasher)));
        var client = counted.CreateClient();

        var before = hasher.Verifications;
        var unknown = await LoginAsync(client, "nobody-at-all@test.example", "whatever-password-1");
        var afterUnknown = hasher.Verifications;
        var wrong = await LoginAsync(client, LiaisonApp.AdminEmail, "whatever-password-1");
        var lockedWrong = await LoginAsync(client, "locked@test.example", "whatever-password-1");
        var locked = await LoginAsync(client, "locked@test.example", "officer-password-1");
        var afterLocked = hasher.Verifications;

        // The hasher runs once for each, an unknown account included: the time taken does not tell whether it exists.
        Assert.Equal(1, afterUnknown - before);
        Assert.Equal(4, afterLocked - before);
        Assert.All(new[] { unknown, wrong, lockedWrong, locked }, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        string Detail(HttpResponseMessage r) => JsonDocument.Parse(r.Content.ReadAsStringAsync().Result).RootElement.GetProperty("detail").GetString()!;
        Assert.Single(new[] { unknown, wrong, lockedWrong }.Select(Detail).Distinct());
        // Only who knows a deactivated account's password learns that it exists, and why it cannot sign in.
        Assert.StartsWith("账号已停用，请联系管理员", Detail(locked));
    }

    [Fact]
    public async Task A_burst_of_wrong_passwords_at_once_checks_no_more_of_them_than_the_free_allowance()
    {
        await NewOfficerAsync("burst@test.example");
        var hasher = new GatedHasher();
        // Its own address, so the burst's counts touch no other test's client; a stranger to the account.
        await using var burst = _app.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<IPasswordHasher<LiaisonUser>>(hasher);
            s.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter>(_ => new FixedClientAddress(IPAddress.Parse("10.44.0.66")));
        }));
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        var client = burst.CreateClient();

        // Twenty at once; every check that gets through is held at the hasher until all twenty are either being checked
        // or answered, so none of them can finish (and be counted) before the others have asked.
        var sent = Enumerable.Range(0, 20).Select(i => LoginAsync(client, "burst@test.example", "wrong-password-" + i)).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (hasher.Held + sent.Count(t => t.IsCompleted) < sent.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        hasher.Open();
        var answers = await Task.WhenAll(sent);
        var checkedInBurst = hasher.Verifications;
        var right = await LoginAsync(client, "burst@test.example", "officer-password-1");

        Assert.Equal(new Liaison.Server.Auth.SignInOptions().FreeFailuresPerAccount, checkedInBurst);
        Assert.Equal(checkedInBurst, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Unauthorized), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        // The right password, from the same stranger while it must wait: refused without being checked.
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal(checkedInBurst, hasher.Verifications);
        // It says so, and how long to wait: the Retry-After header's time, in words.
        var wait = (int)right.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        var detail = (await right.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains(wait < 120 ? $"尝试过于频繁，本次未核对密码，请 {wait} 秒后再试。" : $"请 {(wait + 59) / 60} 分钟后再试。", detail);
    }

    [Theory]
    [InlineData("weak1@test.example", "password12")]
    [InlineData("weak2@test.example", "weak2@test.example")]
    [InlineData("zhang.wei@test.example", "Zhang.Wei2026!")]
    [InlineData("weak3@test.example", "qwertyuiop123")]
    [InlineData("weak4@test.example", "short-1")]
    public async Task Weak_passwords_are_refused_naming_the_field(string email, string password)
    {
        var admin = await _app.AsAdminAsync();
        var response = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "弱密码", password, role = "Officer" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
        Assert.Equal(0, await _app.WithDbAsync(db => Task.FromResult(db.Users.Count(u => u.Email == email))));
    }

    [Fact]
    public void The_deny_list_holds_a_few_hundred_common_passwords()
    {
        Assert.InRange(PasswordPolicy.CommonPasswords.Count, 200, 5000);
        Assert.Contains("password12", PasswordPolicy.CommonPasswords);
    }

    [Fact]
    public async Task Bearer_logout_revokes_the_token_and_an_admin_can_revoke_a_users_sessions()
    {
        var id = await NewOfficerAsync("revoke@test.example");
        var officer = await _app.SignInAsync("revoke@test.example", "officer-password-1");
        var second = await _app.SignInAsync("revoke@test.example", "officer-password-1");
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/auth/me")).StatusCode);

        var logout = await officer.PostAsync("/api/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await officer.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/auth/me")).StatusCode);

        var third = await _app.SignInAsync("revoke@test.example", "officer-password-1");
        var browser = await _app.SignInThroughFormAsync("revoke@test.example", "officer-password-1");
        Assert.Equal(HttpStatusCode.OK, (await third.GetAsync("/api/auth/me")).StatusCode);
        var admin = await _app.AsAdminAsync();
        var revoked = await admin.DeleteAsync($"/api/users/{id}/sessions");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await third.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/me")).StatusCode);
        var officerRevokes = await (await _app.AsOfficerAsync()).DeleteAsync($"/api/users/{id}/sessions");
        Assert.Equal(HttpStatusCode.Forbidden, officerRevokes.StatusCode);
    }

    [Fact]
    public async Task A_session_cookie_stops_working_after_sign_out()
    {
        await NewOfficerAsync("cookie-out@test.example");
        var browser = _app.Anonymous();
        var cookie = (await FormSignInCookieAsync(browser, "cookie-out@test.example", "officer-password-1")).Split(';')[0];
        var page = await browser.GetStringAsync("/cases");

        var logout = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Cases.CaseTestKit.TokenIn(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        // A stolen copy of the cookie, replayed after sign-out.
        var replay = _app.Anonymous();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_cookie_authenticated_post_without_an_antiforgery_token_is_refused_with_or_without_a_body()
    {
        var browser = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var before = await _app.WithDbAsync(db => Task.FromResult(db.Users.Count()));

        var bodyless = await browser.PostAsync("/api/workflow-definitions/nothing-here/publish", null);
        var withBody = await browser.PostAsJsonAsync("/api/users", new { email = "csrf@test.example", displayName = "x", password = "officer-password-1", role = "Admin" });
        var deleted = await browser.DeleteAsync("/api/users/whatever/sessions");

        Assert.Equal(HttpStatusCode.BadRequest, bodyless.StatusCode);
        Assert.Contains("antiforgery", await bodyless.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.BadRequest, withBody.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, deleted.StatusCode);
        Assert.Equal(before, await _app.WithDbAsync(db => Task.FromResult(db.Users.Count())));

        // The same request with the token in the header goes through; a bearer client needs none.
        var page = await browser.GetStringAsync("/cases");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { email = "csrf-ok@test.example", displayName = "x", password = "officer-password-1", role = "Officer" }),
        };
        request.Headers.Add("RequestVerificationToken", Cases.CaseTestKit.TokenIn(page));
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(request)).StatusCode);
        var bearer = await _app.AsAdminAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await bearer.DeleteAsync($"/api/users/{await IdOf("csrf-ok@test.example")}/sessions")).StatusCode);
    }

    [Fact]
    public async Task The_job_dashboard_still_sends_its_antiforgery_token_with_its_cookie_posts()
    {
        var browser = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var page = await browser.GetStringAsync("/hangfire/recurring");
        var header = System.Text.RegularExpressions.Regex.Match(page, "name=\"csrf-header\" content=\"([^\"]+)\"").Groups[1].Value;
        var token = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "name=\"csrf-token\" content=\"([^\"]+)\"").Groups[1].Value);
        Assert.Equal("RequestVerificationToken", header);

        var without = await browser.PostAsync("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "no-such-job")]));
        var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger") { Content = new FormUrlEncodedContent([new("jobs[]", "no-such-job")]) };
        request.Headers.Add(header, token);
        var with = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.True(with.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.Forbidden), with.StatusCode.ToString());
    }

    [Fact]
    public async Task A_sign_in_form_with_an_email_longer_than_any_account_is_the_wrong_email_or_password_page()
    {
        var client = _app.Anonymous();
        var form = await client.GetStringAsync("/account/login");
        var email = new string('a', 400) + "@anyue.example";

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Cases.CaseTestKit.TokenIn(form), ["email"] = email, ["password"] = "whatever-password-1",
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("邮箱或密码错误", await response.Content.ReadAsStringAsync());
        // The failure is counted, under the address cut to the longest an account may have.
        var key = email.ToUpperInvariant()[..SignInService.MaxEmailLength];
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<SignInFailureCount>().CountAsync(f => f.Key == key)));
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_and_same_site_lax()
    {
        var set = await FormSignInCookieAsync(_app.Anonymous(), LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

        Assert.Contains("httponly", set, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", set, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", set.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
    }

    internal static async Task<string> FormSignInCookieAsync(HttpClient client, string email, string password, params (string Name, string Value)[] headers)
    {
        var form = await client.GetStringAsync("/account/login");
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = Cases.CaseTestKit.TokenIn(form),
                ["email"] = email,
                ["password"] = password,
            }),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("liaison.auth=", StringComparison.Ordinal));
    }

    private Task<string> IdOf(string email) => _app.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).Id));

    /// <summary>Counts password checks and holds each until <see cref="Open"/>.</summary>
    private sealed class GatedHasher : IPasswordHasher<LiaisonUser>
    {
        private readonly PasswordHasher<LiaisonUser> _inner = new();
        private readonly ManualResetEventSlim _open = new();
        private int _verifications;
        private int _held;

        public int Verifications => Volatile.Read(ref _verifications);

        public int Held => Volatile.Read(ref _held);

        public void Open() => _open.Set();

        public string HashPassword(LiaisonUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(LiaisonUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            Interlocked.Increment(ref _held);
            _open.Wait(TimeSpan.FromSeconds(90));
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    /// <summary>Every request comes from <paramref name="address"/>.</summary>
    private sealed class FixedClientAddress(IPAddress address) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(nextMiddleware => context =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class CountingHasher : IPasswordHasher<LiaisonUser>
    {
        private readonly PasswordHasher<LiaisonUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(LiaisonUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(LiaisonUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
