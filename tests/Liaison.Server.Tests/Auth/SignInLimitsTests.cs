using System.Net;
using Liaison.Server.Tests.Infrastructure;

namespace Liaison.Server.Tests.Auth;

/// <summary>The rate limits with low configured values, and cookies behind a trusted HTTPS proxy.</summary>
public sealed class SignInLimitsTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(SignInLimitsTests), withSmtp: false, configure: s =>
    {
        s["Liaison:SignIn:ClientAttemptsPerWindow"] = "6";
        s["Liaison:SignIn:AccountAttemptsPerWindow"] = "3";
        s["Liaison:SignIn:LinkPostsPerWindow"] = "2";
        s["Liaison:SignIn:Window"] = "00:10:00";
        s["Liaison:SignIn:TrustedProxies:0"] = "10.9.9.9";
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Sign_in_is_rate_limited_per_account_name_even_unknown_ones_and_per_client_with_retry_after()
    {
        var client = _app.Anonymous();
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await SignInHardeningTests.LoginAsync(client, "ghost@test.example", "whatever-password-1"));
        }

        answers.Add(await SignInHardeningTests.LoginAsync(client, "ghost2@test.example", "whatever-password-1"));
        answers.Add(await SignInHardeningTests.LoginAsync(client, "ghost3@test.example", "whatever-password-1"));
        answers.Add(await SignInHardeningTests.LoginAsync(client, "ghost4@test.example", "whatever-password-1"));

        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests,
             HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests],
            answers.Select(a => a.StatusCode).ToArray());
        foreach (var limited in new[] { answers[3], answers[6] })
        {
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, limited.Headers.ToString());
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        }

        // The answer says how long to wait, as the header does.
        var seconds = (int)answers[6].Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.Contains($"请 {seconds} 秒后再试。", await answers[6].Content.ReadAsStringAsync());

        // Another client (another address, through the trusted proxy) is not limited by the first one.
        var other = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = System.Net.Http.Json.JsonContent.Create(new { email = "ghost5@test.example", password = "whatever-password-1" }) };
        other.Headers.Add("X-Forwarded-For", "10.1.1.7");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().SendAsync(other)).StatusCode);
    }

    [Fact]
    public async Task Link_posts_are_rate_limited_per_client_with_a_page_saying_how_long_to_wait()
    {
        var client = _app.Anonymous();
        var answers = new List<HttpResponseMessage>();
        foreach (var prefix in new[] { "/l/", "/e/", "/l/" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, prefix + "not-a-token") { Content = new FormUrlEncodedContent([]) };
            request.Headers.Add("X-Forwarded-For", "10.2.2.2");
            answers.Add(await client.SendAsync(request));
        }

        Assert.NotEqual(HttpStatusCode.TooManyRequests, answers[0].StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, answers[1].StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[2].StatusCode);
        // A liaison's phone shows a page, not JSON: how long to wait, and the way back to the link's page.
        var limited = answers[2];
        var page = await limited.Content.ReadAsStringAsync();
        Assert.Equal("text/html", limited.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"请 {limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds:0} 秒后返回页面再试", page);
        Assert.Contains("href=\"/l/not-a-token\"", page);
    }

    [Fact]
    public async Task Behind_a_trusted_https_proxy_the_session_cookie_is_secure()
    {
        var set = await SignInHardeningTests.FormSignInCookieAsync(
            _app.Anonymous(), LiaisonApp.AdminEmail, LiaisonApp.AdminPassword, ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "10.3.3.3"));

        Assert.Contains("; secure", set, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", set, StringComparison.OrdinalIgnoreCase);
    }
}
