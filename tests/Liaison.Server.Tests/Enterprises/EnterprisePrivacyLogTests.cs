using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>Issue 11 §5: the enterprise's tokens and its contacts' phones and emails never reach the logs.</summary>
public sealed class EnterprisePrivacyLogTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    // Debug for the application's own categories (the framework's stay as configured for production), so the run logs
    // everything Liaison itself says.
    public async Task InitializeAsync() =>
        _app = await LiaisonApp.StartAsync(nameof(EnterprisePrivacyLogTests), configure: s => s["Logging:LogLevel:Default"] = "Debug");

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_whole_run_logs_no_enterprise_token_phone_or_email()
    {
        var officer = await _app.AsOfficerAsync();
        var number = await OpenForAsync(officer, await RegisterAsync(officer, 31));
        // The open's three mails (handler, leader, enterprise) are deferred by the server (451): the relay logs each.
        _app.Smtp!.FailNext(451, times: 3);
        await _app.RelayMailAsync();
        _app.Clock.Advance(TimeSpan.FromHours(2));
        var (_, opened) = (await EnterpriseLinksAsync(_app, number)).Single();
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().GetAsync(opened)).StatusCode);
        await ConfirmAsync(_app, officer, number);
        var (_, rate) = (await EnterpriseLinksAsync(_app, number))[1];
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), rate, "unsatisfied", "仍未解决")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Anonymous().GetAsync("/e/" + new string('x', 43))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen" })).StatusCode);
        await _app.RelayMailAsync();

        var logs = _app.Logs.Entries;
        Assert.Contains(logs, e => e.Category.StartsWith("Liaison.Server.Mail", StringComparison.Ordinal) && e.Message.Contains("(enterprise-opened) deferred"));
        foreach (var secret in new[] { opened["/e/".Length..], rate["/e/".Length..], NoticeEmail, NoticePhone, OtherEmail, OtherPhone })
        {
            Assert.DoesNotContain(logs, e => e.Text.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }
}
