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
        var link = await DispatchLinkAsync(app, number);
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

    [Theory]
    [InlineData("批准延期", "approved")]
    [InlineData("不批准延期", "denied")]
    public Task The_officer_decides_an_extension_request_with_its_buttons(string button, string decision) => fixture.RunAsync(async page =>
    {
        var app = fixture.App;
        var officer = await app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("zjj"))).GetProperty("number").GetString()!;
        var link = new Uri(await DispatchLinkAsync(app, number)).PathAndQuery;
        await PostActionAsync(app.Anonymous(), link, "accept");
        await PostActionAsync(app.Anonymous(), link, "extension", new() { ["days"] = "3", ["note"] = "等待上级批复" });
        var dueBefore = (await GetCaseAsync(officer, number)).GetProperty("dueAt").GetString();
        await BrowserFixture.SignInAsync(page, "/cases/" + Uri.EscapeDataString(number));

        // A denial says why (the handler's mail gives it); an approval needs no note.
        if (decision == "denied")
        {
            await page.GetByLabel("意见（不同意时必填）").FillAsync("上级批复不需要延期");
        }

        // The form sends one submission (its buttons disabled at once) and still says which button was clicked.
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator(".ok")).ToBeVisibleAsync();
        var after = await GetCaseAsync(officer, number);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("pendingExtension").ValueKind);
        Assert.Equal(decision == "approved", after.GetProperty("dueAt").GetString() != dueBefore);
    });

    /// <summary>The link in the dispatch mail to zjj's handler: to this server, which the browser opens.</summary>
    private static async Task<string> DispatchLinkAsync(LiaisonApp app, string number)
    {
        await app.RelayMailAsync();
        var mail = app.Smtp!.Received.Single(m => m.Subject!.Contains(number) && m.Subject!.Contains("派单") && m.To.Mailboxes.Any(b => b.Address == "zjj.handler@anyue.example"));
        var link = System.Text.RegularExpressions.Regex.Match(mail.TextBody!, @"http://127\.0\.0\.1:\d+/l/[A-Za-z0-9_-]{43}").Value;
        Assert.False(string.IsNullOrEmpty(link), "the email carries a link to this server: " + mail.TextBody);
        return link;
    }
}
