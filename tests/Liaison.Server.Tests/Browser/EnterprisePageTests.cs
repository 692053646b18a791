using System.Net.Http.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Liaison.Cases.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Browser;

/// <summary>
/// The officer's enterprise page in Chromium: the entry, its contacts and its cases (open first, the overdue one marked),
/// reached from the register's search; the register, the entry form and its errors; axe-core finds no serious violation.
/// </summary>
public sealed class EnterprisePageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task The_officers_enterprise_page_shows_the_entry_and_its_cases_and_has_no_serious_violations() => fixture.RunAsync(async page =>
    {
        var app = fixture.App;
        var admin = await app.AsAdminAsync();
        var enterprise = await app.WithDbAsync(db => db.Set<RegisteredEnterprise>().Include(e => e.Contacts).SingleAsync(e => e.CreditCode == SampleEnterprises.CreditCode(6)));
        var open = (await OpenAsync(admin, NewCase(title: "天然气管道接入"))).GetProperty("number").GetString()!;
        var late = (await OpenAsync(admin, NewCase(department: "gdgs", title: "专线报装"))).GetProperty("number").GetString()!;
        var ended = (await OpenAsync(admin, NewCase(title: "已撤回的诉求"))).GetProperty("number").GetString()!;
        Assert.True((await admin.PostAsJsonAsync($"/api/cases/{ended}/cancel", new { note = "企业撤回" })).IsSuccessStatusCode);
        var past = app.Clock.GetUtcNow().AddDays(-1);
        await app.WithDbAsync(async db =>
        {
            string[] numbers = [open, late, ended];
            await db.Cases.Where(c => numbers.Contains(c.Number)).ExecuteUpdateAsync(s => s.SetProperty(c => c.EnterpriseId, enterprise.Id));
            return await db.Cases.Where(c => c.Number == late).ExecuteUpdateAsync(s => s.SetProperty(c => c.DueAt, past));
        });

        // From the register's search to the enterprise page.
        await BrowserFixture.SignInAsync(page, "/enterprises");
        await AssertAccessibleAsync(page, "register");
        await page.GetByLabel("搜索").FillAsync(enterprise.CreditCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = enterprise.Name }).ClickAsync();
        await BrowserFixture.ArriveAsync(page, url => url.AbsolutePath == $"/enterprises/{enterprise.Id}");

        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(enterprise.Name);
        await Assertions.Expect(page.Locator("#contacts")).ToContainTextAsync(enterprise.Contacts.Single().Phone!);
        var rows = page.Locator("#cases tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Nth(0)).ToHaveAttributeAsync("data-case", late);
        await Assertions.Expect(rows.Nth(0)).ToHaveClassAsync("overdue");
        await Assertions.Expect(rows.Nth(1)).ToHaveAttributeAsync("data-case", open);
        await Assertions.Expect(rows.Nth(2)).ToHaveAttributeAsync("data-case", ended);
        await AssertAccessibleAsync(page, "enterprise page");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("#cases h2")).ToHaveTextAsync("Cases");
        await AssertAccessibleAsync(page, "enterprise page en");
        await page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();

        // The entry form, then refused with errors next to the fields.
        await page.GetByRole(AriaRole.Link, new() { Name = "编辑" }).ClickAsync();
        await Assertions.Expect(page.Locator("#creditCode")).ToHaveValueAsync(enterprise.CreditCode);
        await AssertAccessibleAsync(page, "entry form");
        await page.Locator("#creditCode").FillAsync(SampleEnterprises.CreditCode(7));
        await page.Locator("#contact-0-email").FillAsync("not-an-email");
        await page.EvaluateAsync("document.getElementById('enterprise-form').noValidate = true");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-errors")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".field-error[data-field='contacts[0].email']")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "entry form with errors");
    });

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe(new AxeRunOptions { Iframes = false });
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{what} ({page.Url}): {bad.Count} serious or critical accessibility violation(s):\n" + string.Join("\n",
            bad.Select(v => $"- {v.Impact} {v.Id}: {v.Help}\n" + string.Join("\n", v.Nodes.Take(5).Select(n => "    " + n.Html)))));
    }
}
