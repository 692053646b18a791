using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Liaison.Cases.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Liaison.Server.Tests.Browser;

/// <summary>
/// A visit (走访) in Chromium: the officer logs it on the enterprise's visits page, raises its problem's case with the
/// visit page's button, and the case page links back to the visit; axe-core finds no serious violation on the way.
/// </summary>
public sealed class VisitPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task The_officer_logs_a_visit_and_raises_its_problem_in_one_click_on_accessible_pages() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        var first17 = "91512021MA3000001";
        var created = await admin.PostAsJsonAsync("/api/enterprises", new
        {
            name = "安岳浏览器走访测试有限公司",
            creditCode = first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17),
            isKey = true,
            chiefServiceOfficer = LiaisonApp.AdminEmail,
            serviceSquad = new[] { LiaisonApp.AdminEmail },
            contacts = new object[] { new { name = "王经理", email = "wang@browser.example", forNotices = true } },
        });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        await BrowserFixture.SignInAsync(page, $"/enterprises/{id}/visits");
        await Assertions.Expect(page.Locator("#visit-due")).ToContainTextAsync("从未走访");
        await AssertAccessibleAsync(page, "visits page");

        // Sent without findings (the browser's own check switched off): the form comes back with its errors, accessible.
        await page.EvaluateAsync("document.getElementById('visit-form').noValidate = true");
        await page.GetByLabel("问题 1 标题").FillAsync("园区道路积水");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存走访记录" }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-errors")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "visits page with errors");

        await page.GetByLabel("走访情况 *").FillAsync("企业生产正常，门前道路雨后积水。");
        await page.GetByLabel("问题 1 描述").FillAsync("雨后积水影响货车进出。");
        await page.Locator("#problem-0-department").SelectOptionAsync("jtysj");
        await page.Locator("#problem-0-category").SelectOptionAsync("factor-guarantee");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存走访记录" }).ClickAsync();
        await BrowserFixture.ArriveAsync(page, url => url.AbsolutePath.StartsWith("/visits/"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("走访记录已保存");
        var visitPath = new Uri(page.Url).AbsolutePath;
        await AssertAccessibleAsync(page, "visit page");

        await page.GetByRole(AriaRole.Button, new() { Name = "转为事项并派单至交通运输局" }).ClickAsync();
        await BrowserFixture.ArriveAsync(page, url => url.AbsolutePath.StartsWith("/cases/AYKF-"));
        await Assertions.Expect(page.Locator("#from-visit a")).ToHaveAttributeAsync("href", visitPath);
        await AssertAccessibleAsync(page, "case raised from a visit");

        await page.GotoAsync(visitPath);
        await Assertions.Expect(page.GetByText("已转事项")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Visit on");
        await AssertAccessibleAsync(page, "visit page en");
    });

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe(new AxeRunOptions { Iframes = false });
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{what} ({page.Url}): {bad.Count} serious or critical accessibility violation(s):\n" + string.Join("\n",
            bad.Select(v => $"- {v.Impact} {v.Id}: {v.Help}\n" + string.Join("\n", v.Nodes.Take(5).Select(n => "    " + n.Html)))));
    }
}
