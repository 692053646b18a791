using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Hardening;

/// <summary>Issue 12 §1: link tokens, passwords and bearer tokens never reach a log line, its message or its scopes.</summary>
public sealed class LogSecretsTests : IAsyncLifetime
{
    private const string Handler = "fgj.handler@anyue.example";
    private LiaisonApp _app = null!;

    // Everything at Debug, the framework's request logging included: what a curious operator might switch on.
    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(LogSecretsTests), configure: s =>
    {
        s["Logging:LogLevel:Default"] = "Debug";
        s["Logging:LogLevel:Microsoft"] = "Debug";
        s["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug";
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_run_with_links_sign_ins_and_tokens_logs_none_of_them()
    {
        var officer = await _app.AsOfficerAsync();
        var login = await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = "officer@test.example", password = "officer-password-1" });
        var bearer = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        var wrong = await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = "officer@test.example", password = "a-wrong-secret-9" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");

        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(link)).StatusCode);
        // A post without its request id, and one whose request id is no id (the framework logs the binding failure): refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "accept" }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = "accept", ["__RequestVerificationToken"] = "forged", ["requestId"] = "not-an-id",
        }))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已办结" })).StatusCode);
        // An unknown token of the right shape, and a bearer token in a request that fails.
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Anonymous().GetAsync("/l/" + new string('A', 43))).StatusCode);
        using var withBearer = _app.Anonymous();
        withBearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        Assert.Equal(HttpStatusCode.NotFound, (await withBearer.GetAsync("/api/cases/AYKF-1999-000001")).StatusCode);

        // The league-table mail's CSV link for the zone leadership, signed.
        var csv = new Uri(_app.Services.GetRequiredService<Liaison.Server.Digests.LeagueTableCsvLinks>()
            .Url("http://localhost", new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 6))).PathAndQuery;
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().GetAsync(csv)).StatusCode);
        var signature = csv[(csv.IndexOf("sig=", StringComparison.Ordinal) + "sig=".Length)..];

        var logs = _app.Logs.Entries;
        Assert.Contains(logs, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        var token = link["/l/".Length..];
        foreach (var secret in new[] { token, bearer, signature, "officer-password-1", "a-wrong-secret-9" })
        {
            var leaked = logs.Where(e => e.Text.Contains(secret, StringComparison.Ordinal)).Select(e => $"{e.Category}: {e.Text}").Take(3).ToList();
            Assert.True(leaked.Count == 0, $"{secret[..Math.Min(8, secret.Length)]}… in the logs:\n{string.Join("\n", leaked)}");
        }

        // The requests are still there to read, their link paths redacted.
        Assert.Contains(logs, e => e.Text.Contains("/l/***", StringComparison.Ordinal));
    }
}
