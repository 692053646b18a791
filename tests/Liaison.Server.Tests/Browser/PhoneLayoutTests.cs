using System.Net;
using System.Net.Http.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Liaison.Server.Tests.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Browser;

/// <summary>
/// The pages on a narrow phone (375 × 667): the liaison's link page puts each label above what it names, and the
/// officer's case list shows a case's status and deadline without scrolling sideways, and the tables shown as cards
/// keep their table roles.
/// </summary>
public sealed partial class PhoneLayoutTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const int Width = 375;

    [Fact]
    public Task The_link_page_puts_each_label_above_its_field_and_each_fact_above_its_value() => fixture.RunAsync(async page =>
    {
        var app = fixture.App;
        var number = (await OpenAsync(await app.AsOfficerAsync(), NewCase("zjj"))).GetProperty("number").GetString()!;
        var link = await DispatchLinkAsync(app, number);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await PostActionAsync(app.Anonymous(), new Uri(link).PathAndQuery, "accept")).StatusCode);
        await page.SetViewportSizeAsync(Width, 667);

        await page.GotoAsync(link);
        await Assertions.Expect(page.Locator("form[data-action=extension]")).ToBeVisibleAsync();

        // A form's label is above its field (the days of an extension request, the reason of a return, the notes).
        var days = await BoxAsync(page.Locator("label[for=extension-days]"));
        var field = await BoxAsync(page.Locator("#extension-days"));
        Assert.True(days.Y + days.Height <= field.Y, $"the label ends at {days.Y + days.Height}, below its field's top {field.Y}");
        var misplaced = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('form label[for]')].filter(l => {
                const field = document.getElementById(l.htmlFor);
                return field && l.getBoundingClientRect().bottom > field.getBoundingClientRect().top + 0.5;
            }).map(l => l.textContent.trim())
            """);
        Assert.Empty(misplaced);
        Assert.True(await page.Locator("form label[for]").CountAsync() >= 4);

        // The case's facts alike: each label above its value, the value as wide as the card.
        var dt = await BoxAsync(page.Locator("dl.facts dt").First);
        var dd = await BoxAsync(page.Locator("dl.facts dd").First);
        Assert.True(dt.Y + dt.Height <= dd.Y, $"the fact's label ends at {dt.Y + dt.Height}, below its value's top {dd.Y}");
        var beside = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('dl.facts dt')].filter(dt =>
                dt.nextElementSibling && dt.getBoundingClientRect().bottom > dt.nextElementSibling.getBoundingClientRect().top + 0.5)
                .map(dt => dt.textContent.trim())
            """);
        Assert.Empty(beside);
        await BrowserFixture.AssertFitsPhonesAsync(page);
    });

    [Fact]
    public Task Long_unbroken_text_in_a_description_and_a_note_wraps_on_the_link_page_and_the_case_page() => fixture.RunAsync(async page =>
    {
        var app = fixture.App;
        const string Address = "https://zwfw.anyue.example/approvals/documents/2026/factor-guarantee/attachments/0123456789abcdef0123456789abcdef.pdf";
        var body = System.Text.Json.JsonSerializer.SerializeToNode(NewCase("zjj"))!.AsObject();
        body["description"] = "材料见 " + Address;
        var number = (await OpenAsync(await app.AsOfficerAsync(), body)).GetProperty("number").GetString()!;
        var link = new Uri(await DispatchLinkAsync(app, number)).PathAndQuery;
        var liaison = app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(liaison, link, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(liaison, link, "progress", new() { ["note"] = "已上传：" + Address + Address })).StatusCode);

        await page.SetViewportSizeAsync(Width, 667);
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByText("已上传：", new() { Exact = false }).First).ToBeVisibleAsync();
        await BrowserFixture.AssertFitsPhonesAsync(page);

        await BrowserFixture.SignInAsync(page, $"/cases/{number}");
        await Assertions.Expect(page.GetByText("已上传：", new() { Exact = false }).First).ToBeVisibleAsync();
        await BrowserFixture.AssertFitsPhonesAsync(page);
    });

    [Fact]
    public Task The_case_list_shows_each_cases_status_and_deadline_without_scrolling_sideways() => fixture.RunAsync(async page =>
    {
        var officer = await fixture.App.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("zjj"))).GetProperty("number").GetString()!;
        await BrowserFixture.SignInAsync(page, "/cases");
        await page.SetViewportSizeAsync(Width, 667);
        await page.ReloadAsync();

        var row = page.Locator($"tr[data-case='{number}']");
        await Assertions.Expect(row.Locator("td[data-status]")).ToHaveTextAsync("已派单，待签收");
        var due = row.Locator("td").Last;
        await Assertions.Expect(due).ToContainTextAsync("2026-");
        foreach (var (what, cell) in new[] { ("number", row.Locator("td").First), ("status", row.Locator("td[data-status]")), ("deadline", due) })
        {
            var box = await BoxAsync(cell);
            Assert.True(box.X >= 0 && box.X + box.Width <= Width, $"the {what} cell spans {box.X}–{box.X + box.Width} px on a {Width} px phone");
        }

        // Nothing scrolls: neither the page nor the list inside its card.
        await BrowserFixture.AssertFitsPhonesAsync(page);
        var widths = await page.Locator("table.cases").Locator("xpath=..").EvaluateAsync<int[]>("e => [e.scrollWidth, e.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"the list is {widths[0]} px wide in its {widths[1]} px card");
    });

    [Theory]
    [InlineData("case")]
    [InlineData("/enterprises")]
    public Task Tables_an_officer_reads_on_the_go_show_each_row_as_a_card_without_scrolling_sideways(string where) => fixture.RunAsync(async page =>
    {
        var officer = await fixture.App.AsOfficerAsync();
        // A joint case: its co-handling departments' table, with its deadlines and submitted parts.
        var number = (await OpenAsync(officer, Cases.JointLeadViewTests.JointCase("zjj", ("gdgs", "核实供电线路"), ("fgj", null))))
            .GetProperty("number").GetString()!;
        await BrowserFixture.SignInAsync(page, where == "case" ? $"/cases/{number}" : where);
        await page.SetViewportSizeAsync(Width, 667);
        await page.ReloadAsync();

        var table = page.Locator("table.cards").First;
        await Assertions.Expect(table).ToBeVisibleAsync();
        var widths = await page.Locator("table.cards").EvaluateAllAsync<int[][]>("ts => ts.map(t => [t.parentElement.scrollWidth, t.parentElement.clientWidth])");
        Assert.All(widths, w => Assert.True(w[0] <= w[1], $"a table is {w[0]} px wide in its {w[1]} px card"));
        if (where == "case")
        {
            // Each cell under its column's name: the submit deadline of a co-handler, in full.
            var due = page.Locator("#co-departments tr[data-part=gdgs] td[data-label]").Nth(3);
            Assert.Equal("提交期限：", await due.GetAttributeAsync("data-label"));
            var box = await BoxAsync(due);
            Assert.True(box.X >= 0 && box.X + box.Width <= Width, $"the submit deadline spans {box.X}–{box.X + box.Width} px on a {Width} px phone");
            await Assertions.Expect(due).ToContainTextAsync("2026-");
        }

        await BrowserFixture.AssertFitsPhonesAsync(page);
    });

    [Fact]
    public Task Tables_shown_as_cards_keep_their_table_roles_on_a_phone() => fixture.RunAsync(async page =>
    {
        var app = fixture.App;
        var officer = await app.AsOfficerAsync();
        // Something in each table shown as cards: a joint case's co-handlers (and its timeline, whose entries stack), an
        // enterprise's contacts and visit, and a rating awaiting a decision.
        var joint = (await OpenAsync(officer, Cases.JointLeadViewTests.JointCase("zjj", ("gdgs", "核实供电线路"))))
            .GetProperty("number").GetString()!;
        var enterprise = await RatingTestKit.RegisterAsync(officer, 62);
        var visit = await officer.PostAsJsonAsync($"/api/enterprises/{enterprise}/visits",
            new { visitedOn = "2026-03-02", findings = "企业生产正常。", problems = Array.Empty<object>() });
        Assert.True(visit.StatusCode == HttpStatusCode.Created, await visit.Content.ReadAsStringAsync());
        var rated = await RatingTestKit.OpenForAsync(officer, enterprise);
        await RatingTestKit.ConfirmAsync(app, officer, rated);
        var rating = (await RatingTestKit.EnterpriseLinksAsync(app, rated))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RatingTestKit.RateAsync(app.Anonymous(), rating, "unsatisfied", "电压仍不稳定")).StatusCode);
        await BrowserFixture.SignInAsync(page, $"/cases/{joint}");
        await page.SetViewportSizeAsync(Width, 667);

        foreach (var path in new[] { $"/cases/{joint}", "/enterprises", $"/enterprises/{enterprise}", $"/enterprises/{enterprise}/visits", "/ratings" })
        {
            await page.GotoAsync(path);
            var tables = page.Locator("table.cards");
            await Assertions.Expect(tables.First).ToBeVisibleAsync();
            // Shown as blocks, a table keeps its semantics only by its roles, written on each part.
            var missing = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('table.cards, table.stack')].flatMap(t => [
                    [t, 'table'],
                    ...[...t.querySelectorAll('thead, tbody')].map(e => [e, 'rowgroup']),
                    ...[...t.querySelectorAll('tr')].map(e => [e, 'row']),
                    ...[...t.querySelectorAll('th')].map(e => [e, 'columnheader']),
                    ...[...t.querySelectorAll('td')].map(e => [e, 'cell']),
                ].filter(([e, role]) => e.getAttribute('role') !== role).map(([e, role]) => role + ': ' + e.outerHTML.slice(0, 80)))
                """);
            Assert.True(missing.Length == 0, $"{path}: without their role:\n" + string.Join("\n", missing));
            // As the browser reads it: a table with its column headers and cells, though each row is shown as a card.
            Assert.True(await tables.First.GetByRole(AriaRole.Columnheader).CountAsync() > 1, $"{path}: no column headers");
            Assert.True(await tables.First.GetByRole(AriaRole.Cell).CountAsync() > 1, $"{path}: no cells");
            Assert.Equal("block", await tables.First.Locator("tr").Last.EvaluateAsync<string>("e => getComputedStyle(e).display"));
            if (path == $"/cases/{joint}")
            {
                // The timeline alike: its entries stack, and it is still read as a table.
                var timeline = page.Locator("table.stack");
                Assert.Equal(4, await timeline.GetByRole(AriaRole.Columnheader).CountAsync());
                Assert.True(await timeline.GetByRole(AriaRole.Cell).CountAsync() >= 4, "the timeline has no cells");
                Assert.Equal("block", await timeline.Locator("tbody tr").Last.EvaluateAsync<string>("e => getComputedStyle(e).display"));
            }

            var axe = await page.RunAxe(new AxeRunOptions { Iframes = false });
            var bad = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
            Assert.True(bad.Count == 0, $"{path}: " + string.Join("\n", bad.Select(v => $"- {v.Impact} {v.Id}: {v.Help} {string.Join(" ", v.Nodes.Take(3).Select(n => n.Html))}")));
        }
    });

    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator locator) =>
        await locator.BoundingBoxAsync() ?? throw new InvalidOperationException($"{locator} is not shown");

    /// <summary>The link in the dispatch mail to zjj's handler: to this server, which the browser opens.</summary>
    private static async Task<string> DispatchLinkAsync(LiaisonApp app, string number)
    {
        await app.RelayMailAsync();
        var mail = app.Smtp!.Received.Single(m => m.Subject!.Contains(number) && m.Subject!.Contains("派单") && m.To.Mailboxes.Any(b => b.Address == "zjj.handler@anyue.example"));
        var link = Link().Match(mail.TextBody!).Value;
        Assert.False(string.IsNullOrEmpty(link), "the email carries a link to this server: " + mail.TextBody);
        return link;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"http://127\.0\.0\.1:\d+/l/[A-Za-z0-9_-]{43}")]
    private static partial System.Text.RegularExpressions.Regex Link();
}
