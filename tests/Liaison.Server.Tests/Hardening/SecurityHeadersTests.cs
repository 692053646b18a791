using System.Net;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Hardening;

/// <summary>Issue 12 §6: security headers on every page, the link pages keeping their own no-referrer/no-store/noindex.</summary>
public sealed class SecurityHeadersTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private static void AssertProtected(HttpResponseMessage response, string what)
    {
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var v) ? string.Join(",", v)
            : response.Content.Headers.TryGetValues(name, out var c) ? string.Join(",", c) : "";
        Assert.True(Header("X-Content-Type-Options") == "nosniff", $"{what}: X-Content-Type-Options");
        Assert.True(Header("X-Frame-Options") == "DENY", $"{what}: X-Frame-Options");
        var csp = Header("Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp);
        var script = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src", StringComparison.Ordinal));
        Assert.Equal("script-src 'self'", script);
        Assert.NotEqual("", Header("Referrer-Policy"));
    }

    [Fact]
    public async Task Pages_api_answers_errors_and_static_files_carry_the_headers()
    {
        await _app.AsOfficerAsync(); // creates the account
        var officer = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var anonymous = _app.Anonymous();

        AssertProtected(await anonymous.GetAsync("/account/login"), "sign-in page");
        AssertProtected(await officer.GetAsync("/cases"), "case list");
        AssertProtected(await officer.GetAsync("/cases/new"), "new case");
        AssertProtected(await officer.GetAsync("/enterprises"), "register");
        AssertProtected(await officer.GetAsync("/cases/AYKF-1999-000001"), "a 404 page");
        AssertProtected(await anonymous.GetAsync("/api/cases"), "a 401 answer");
        AssertProtected(await anonymous.GetAsync("/site/site.css"), "the stylesheet");
        AssertProtected(await anonymous.GetAsync("/health"), "health");
    }

    [Fact]
    public async Task Link_pages_keep_no_referrer_no_store_and_noindex()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, "fgj.handler@anyue.example", number)).Single()));

        foreach (var path in new[] { link, "/l/" + new string('A', 43), "/e/" + new string('A', 43) })
        {
            var response = await _app.Anonymous().GetAsync(path);
            AssertProtected(response, path[..3]);
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
            Assert.Equal("noindex, nofollow", string.Join(",", response.Headers.GetValues("X-Robots-Tag")));
        }
    }
}

/// <summary>HSTS follows the zone's public address (Liaison:PublicBaseUrl), not the scheme a proxy used to reach the server.</summary>
public sealed class PublicHttpsTests
{
    [Theory]
    [InlineData("https://liaison.anyue.example", true)]
    [InlineData("http://liaison.anyue.example", false)]
    public async Task Every_answer_carries_hsts_when_the_public_address_is_https_though_the_request_came_over_http(string publicBaseUrl, bool hsts)
    {
        await using var app = await LiaisonApp.StartAsync(nameof(PublicHttpsTests) + (hsts ? "Https" : "Http"), configure: s => s["Liaison:PublicBaseUrl"] = publicBaseUrl);
        var anonymous = app.Anonymous();

        foreach (var path in new[] { "/account/login", "/api/cases", "/site/site.css", "/l/" + new string('A', 43) })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(hsts, response.Headers.Contains("Strict-Transport-Security"));
            if (hsts)
            {
                Assert.Equal("max-age=31536000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
            }
        }
    }
}
