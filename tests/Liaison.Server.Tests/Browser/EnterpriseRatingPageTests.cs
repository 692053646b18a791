using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Browser;

/// <summary>The enterprise's contact opens the "please rate" mail's link on a phone and rates the case.</summary>
public sealed class EnterpriseRatingPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task Enterprise_rates_a_confirmed_case_on_a_phone() => fixture.RunAsync(async page =>
    {
        var app = fixture.App;
        var officer = await app.AsOfficerAsync();
        var number = await OpenForAsync(officer, await RegisterAsync(officer, 41));
        await ConfirmAsync(app, officer, number);
        await app.RelayMailAsync();
        var mail = app.Smtp!.Received.Where(m => m.Subject!.Contains(number) && m.To.Mailboxes.Any(b => b.Address == NoticeEmail)).Last();
        var link = System.Text.RegularExpressions.Regex.Match(mail.TextBody!, @"http://127\.0\.0\.1:\d+/e/[A-Za-z0-9_-]{43}").Value;
        Assert.False(string.IsNullOrEmpty(link), "the mail carries a link to this server: " + mail.TextBody);
        await page.SetViewportSizeAsync(390, 844);

        await page.GotoAsync(link);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("新厂房专线接电");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("已办结（园区已确认）");
        await AssertAccessibleAsync(page, "the rating form");
        await BrowserFixture.AssertFitsPhonesAsync(page);

        await page.GetByLabel("基本满意").CheckAsync();
        await page.Locator("#rate-comment").FillAsync("总体满意，希望后续跟进电压情况");
        await page.Locator("form[data-action=rate] button[type=submit]").ClickAsync();

        await Assertions.Expect(page.Locator(".ok")).ToContainTextAsync("评价已提交");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("您的评价：基本满意");
        await Assertions.Expect(page.Locator("form[data-action=rate]")).ToHaveCountAsync(0);
        await AssertAccessibleAsync(page, "the rated page");
    });

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe(new AxeRunOptions { Iframes = false });
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{what} ({page.Url}): " + string.Join("\n", bad.Select(v => $"- {v.Impact} {v.Id}: {v.Help} {string.Join(" ", v.Nodes.Take(3).Select(n => n.Html))}")));
    }
}
