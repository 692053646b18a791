using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Browser;

/// <summary>A handler opens the link from the dispatch email on a phone and accepts the case (签收).</summary>
public sealed class LiaisonPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task Handler_opens_the_email_link_on_a_phone_and_accepts_the_case() => fixture.RunAsync(async page =>
    {
        var app = fixture.App;
        var officer = await app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("zjj"))).GetProperty("number").GetString()!;
        await app.RelayMailAsync();
        var mail = app.Smtp!.Received.Single(m => m.Subject!.Contains(number) && m.To.Mailboxes.Any(b => b.Address == "zjj.handler@anyue.example"));
        var link = System.Text.RegularExpressions.Regex.Match(mail.TextBody!, @"http://127\.0\.0\.1:\d+/l/[A-Za-z0-9_-]{43}").Value;
        Assert.False(string.IsNullOrEmpty(link), "the email carries a link to this server: " + mail.TextBody);
        await page.SetViewportSizeAsync(390, 844);

        await page.GotoAsync(link);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("项目用电报装");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("已派单，待签收");
        // Opening the page changed nothing.
        Assert.Equal("dispatched", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());

        await page.Locator("form[data-action=accept] button").ClickAsync();

        await Assertions.Expect(page.Locator(".ok")).ToContainTextAsync("已签收");
        await Assertions.Expect(page.Locator("form[data-action=progress]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("form[data-action=accept]")).ToHaveCountAsync(0);
        Assert.Equal("accepted", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
        // The page fits a phone: no horizontal scrolling.
        await BrowserFixture.AssertFitsPhonesAsync(page);
    });
}
