using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Browser;

/// <summary>
/// A joint case (联办) end to end in Chromium: the officer opens it through /cases/new, a co-handler accepts and submits
/// its part through its link, and the lead's link page on a phone shows every co-handler's status and the part; the
/// officer's page of the case fits the phone too, its timeline stacked, the part's attachments links as on the lead's page.
/// </summary>
public sealed partial class JointCasePageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task The_officer_opens_a_joint_case_and_the_leads_phone_page_shows_the_co_handlers_and_the_submitted_part() => fixture.RunAsync(async page =>
    {
        var app = fixture.App;
        await BrowserFixture.SignInAsync(page, "/cases/new");

        // The preview shows the co-handlers' deadlines too, and follows the category: project landing (10 working days
        // from Monday 2 March) has co-handlers due Fri 13th; factor guarantee (5) has them due Fri 6th.
        var preview = page.Locator("#due-preview");
        await Assertions.Expect(preview.Locator("[data-due=co-accept]")).ToHaveTextAsync("2026-03-03 18:00");
        await Assertions.Expect(preview.Locator("[data-due=co-submit]")).ToHaveTextAsync("2026-03-13 18:00");
        await page.Locator("#category").SelectOptionAsync("factor-guarantee");
        await Assertions.Expect(preview.Locator("[data-due=co-submit]")).ToHaveTextAsync("2026-03-06 18:00");
        await Assertions.Expect(preview.Locator("[data-due=resolve]")).ToHaveTextAsync("2026-03-09 18:00");

        await page.GetByLabel("事项标题 *").FillAsync("新厂房无法投产");
        await page.GetByLabel("诉求内容 *").FillAsync("施工许可与供电需同时协调。");
        await page.Locator("#departmentCode").SelectOptionAsync("zrzyj");
        await page.Locator("#co-0-department").SelectOptionAsync("zjj");
        await page.Locator("#co-0-task").FillAsync("请核实施工许可");
        await page.Locator("#co-1-department").SelectOptionAsync("gdgs");
        await page.Locator("#co-1-task").FillAsync("请确认10kV接入方案");
        await page.GetByLabel("企业名称", new() { Exact = true }).FillAsync("安岳示例柠檬科技有限公司");
        await page.GetByLabel("统一社会信用代码 *").FillAsync(CreditCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "受理并派单" }).ClickAsync();

        await BrowserFixture.ArriveAsync(page, url => url.AbsolutePath.StartsWith("/cases/AYKF-2026-"));
        var number = Uri.UnescapeDataString(new Uri(page.Url).AbsolutePath["/cases/".Length..]);
        await Assertions.Expect(page.Locator("#co-departments")).ToContainTextAsync("供电公司");

        // The co-handler, on its phone, accepts and submits its part through its link.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(await LinkToAsync(app, "zjj.handler@anyue.example", number, "【派单·协办】"));
        await page.Locator("form[data-action=accept] button").ClickAsync();
        await Assertions.Expect(page.Locator(".ok")).ToContainTextAsync("已签收");
        await page.Locator("#submit-note").FillAsync("施工许可已核发，无障碍");
        await page.Locator("#submit-attachments").FillAsync("https://files.example/permit.pdf\n现场照片.jpg");
        await page.Locator("form[data-action=submit] button").ClickAsync();
        await Assertions.Expect(page.Locator(".ok")).ToBeVisibleAsync();

        // The lead opens the link of the part-submitted mail on its phone.
        await page.GotoAsync(await LinkToAsync(app, "zrzyj.handler@anyue.example", number, "【协办意见已提交】"));
        var parts = page.Locator("#co-handlers");
        await Assertions.Expect(parts.Locator("h2")).ToHaveTextAsync("协办部门（2）");
        var zjj = parts.Locator("li[data-part=zjj]");
        await Assertions.Expect(zjj.Locator("h3")).ToContainTextAsync("住房和城乡建设局");
        await Assertions.Expect(zjj.Locator(".tag")).ToHaveTextAsync("已提交");
        await Assertions.Expect(zjj).ToContainTextAsync("施工许可已核发，无障碍");
        await Assertions.Expect(zjj.GetByRole(AriaRole.Link, new() { Name = "https://files.example/permit.pdf" })).ToBeVisibleAsync();
        var gdgs = parts.Locator("li[data-part=gdgs]");
        await Assertions.Expect(gdgs.Locator(".tag")).ToHaveTextAsync("待签收");
        await Assertions.Expect(gdgs).ToContainTextAsync("请确认10kV接入方案");
        // Opening the page changed nothing, and it fits a phone: no horizontal scrolling.
        Assert.Equal("dispatched", (await GetCaseAsync(await app.AsOfficerAsync(), number)).GetProperty("status").GetString());
        await BrowserFixture.AssertFitsPhonesAsync(page);

        // Accepted, the lead's resolve form explains the wait and, the co-handler being within its time, from when the
        // lead may resolve without it.
        await page.Locator("form[data-action=accept] button").ClickAsync();
        var resolve = page.Locator("form[data-action=resolve]");
        var waits = page.Locator("[data-not-silent-yet]");
        await Assertions.Expect(waits).ToContainTextAsync("尚未提交：供电公司");
        await Assertions.Expect(waits).ToContainTextAsync("届时仍未签收方可先行办结");
        await Assertions.Expect(resolve.GetByRole(AriaRole.Button)).ToBeDisabledAsync();
        await Assertions.Expect(resolve.GetByLabel("先行办结理由")).ToHaveCountAsync(0);

        // The officer's page of the case on a phone: its timeline stacks each entry instead of scrolling sideways.
        await page.GotoAsync("/cases/" + Uri.EscapeDataString(number));
        var timeline = page.Locator("#timeline");
        await Assertions.Expect(timeline).ToContainTextAsync("施工许可已核发，无障碍");
        // The co-handler's attachments as on the lead's page: the web address a link, the file name text.
        var submitted = page.Locator("#co-departments tr[data-part=zjj]");
        await Assertions.Expect(submitted.GetByRole(AriaRole.Link, new() { Name = "https://files.example/permit.pdf" }))
            .ToHaveAttributeAsync("href", "https://files.example/permit.pdf");
        await Assertions.Expect(submitted).ToContainTextAsync("现场照片.jpg");
        await Assertions.Expect(submitted.GetByRole(AriaRole.Link)).ToHaveCountAsync(1);
        await BrowserFixture.AssertFitsPhonesAsync(page);
        foreach (var width in new[] { 320, 390 })
        {
            await page.SetViewportSizeAsync(width, 740);
            var widths = await timeline.EvaluateAsync<int[]>("e => [e.scrollWidth, e.clientWidth]");
            Assert.True(widths[0] <= widths[1], $"the timeline is {widths[0]} px wide in its {widths[1]} px card on a {width} px phone");
        }
    });

    /// <summary>The personal link in the mail to <paramref name="to"/> about case <paramref name="number"/> whose subject starts so.</summary>
    private static async Task<string> LinkToAsync(LiaisonApp app, string to, string number, string subject)
    {
        await app.RelayMailAsync();
        var mail = app.Smtp!.Received.Single(m => m.Subject!.StartsWith(subject) && m.Subject!.Contains(number) && m.To.Mailboxes.Any(b => b.Address == to));
        var link = Link().Match(mail.TextBody!).Value;
        Assert.False(string.IsNullOrEmpty(link), "the email carries a link to this server: " + mail.TextBody);
        return link;
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/l/[A-Za-z0-9_-]{43}")]
    private static partial Regex Link();
}
