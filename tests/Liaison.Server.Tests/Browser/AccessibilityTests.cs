using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Tests.Workflows;
using Microsoft.Playwright;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Browser;

/// <summary>
/// axe-core (Deque.AxeCore.Playwright, the engine bundled in the package) on the main pages in Chromium: any serious or
/// critical violation fails. And the main tasks done with the keyboard alone.
/// </summary>
public sealed class AccessibilityTests(AccessibilityTests.Fixture fixture) : IClassFixture<AccessibilityTests.Fixture>
{
    /// <summary>In Development, so the dev mailbox is there too.</summary>
    public sealed class Fixture : BrowserFixture
    {
        protected override string Environment => "Development";

        protected override bool WithSmtp => false;
    }

    [Fact]
    public Task The_sign_in_page_has_no_serious_violations_in_either_language() => fixture.RunAsync(async page =>
    {
        await page.GotoAsync("/account/login");
        await AssertAccessibleAsync(page, "login zh-CN");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await AssertAccessibleAsync(page, "login en");
    });

    [Fact]
    public Task The_officer_pages_have_no_serious_violations() => fixture.RunAsync(async page =>
    {
        var number = (await OpenAsync(await fixture.App.AsAdminAsync())).GetProperty("number").GetString()!;
        await BrowserFixture.SignInAsync(page, "/cases");
        await AssertAccessibleAsync(page, "case list");

        await page.GotoAsync("/cases/new");
        await AssertAccessibleAsync(page, "new case");
        await page.GetByRole(AriaRole.Button, new() { Name = "受理并派单" }).ClickAsync(); // empty form: the browser's own checks stop it
        await page.EvaluateAsync("document.getElementById('new-case').noValidate = true");
        await page.GetByRole(AriaRole.Button, new() { Name = "受理并派单" }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-errors")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "new case with errors");

        await page.GotoAsync($"/cases/{number}");
        await AssertAccessibleAsync(page, "case page");

        await page.GotoAsync("/workbench");
        await AssertAccessibleAsync(page, "workbench");
        await page.GotoAsync("/cases?status=open");
        await AssertAccessibleAsync(page, "case list, open cases");
        // On a phone the list shows each case as a block and the case page stacks its facts: still one table, one list.
        await page.SetViewportSizeAsync(375, 667);
        await AssertAccessibleAsync(page, "case list on a phone");
        await page.GotoAsync($"/cases/{number}");
        await AssertAccessibleAsync(page, "case page on a phone");
        await page.SetViewportSizeAsync(1280, 800);

        await page.GotoAsync("/account/password");
        await AssertAccessibleAsync(page, "change password");
        await page.GotoAsync("/reports/league-table");
        await AssertAccessibleAsync(page, "league table");
        await page.GotoAsync($"/cases/{number}");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h2").First).ToContainTextAsync("Enterprise");
        await AssertAccessibleAsync(page, "case page en");
    });

    /// <summary>
    /// The mails' own HTML, as the admin's preview renders it with the sample case: a case mail to a department, one of the
    /// ladder's, the handler's digest and the weekly league table, in both languages between them. Each shares the
    /// templates' frame (header, footer), so these stand for the rest.
    /// </summary>
    [Fact]
    public Task Mails_have_no_serious_violations() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        foreach (var (kind, culture) in new[] { ("dispatch", "zh-CN"), ("overdue", "en"), ("handler-digest", "zh-CN"), ("league-table", "en") })
        {
            var preview = await admin.PostAsJsonAsync($"/api/mail-templates/{kind}/{culture}/preview", new { });
            Assert.Equal(System.Net.HttpStatusCode.OK, preview.StatusCode);
            await page.SetContentAsync((await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("html").GetString()!);
            await AssertAccessibleAsync(page, $"{kind} mail, {culture}");
        }
    });

    [Fact]
    public Task Moving_cases_from_the_list_by_keyboard_has_no_serious_violations() => fixture.RunAsync(async page =>
    {
        var number = (await OpenAsync(await fixture.App.AsAdminAsync(), NewCase("sthjj"))).GetProperty("number").GetString()!;
        await BrowserFixture.SignInAsync(page, "/cases?department=sthjj");

        // The box is reached and ticked with the keyboard, by its name.
        await TabToAsync(page, $"#pick-{number}");
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = $"选择 {number}" })).ToBeCheckedAsync();
        await page.GetByLabel("接手部门").SelectOptionAsync("yjglj");
        await page.GetByLabel("转交理由").FillAsync("职能调整");
        await AssertAccessibleAsync(page, "case list, a case ticked");
        await page.GetByRole(AriaRole.Button, new() { Name = "转交选中的事项" }).ClickAsync();

        await Assertions.Expect(page.Locator("[data-bulk-summary]")).ToContainTextAsync("已转交 1 件至应急管理局");
        await AssertAccessibleAsync(page, "moved cases");
    });

    [Fact]
    public Task The_admin_pages_have_no_serious_violations() => fixture.RunAsync(async page =>
    {
        await BrowserFixture.SignInAsync(page, "/admin");
        foreach (var path in new[]
        {
            "/admin", "/admin/departments", "/admin/departments/fgj", "/admin/departments/new", "/admin/users", "/admin/calendar",
            "/admin/categories", "/admin/categories/legacy-issue",
            "/admin/templates", "/admin/templates/dispatch/zh-CN", "/admin/templates/league-table/en",
            "/admin/audit", "/admin/audit?area=workflow", "/admin/audit?from=2026-13-01",
            "/admin/workflow-instances", "/admin/workflow-instances?q=AYKF-1999-000001",
            "/admin/outbox", "/admin/outbox?show=sent", "/admin/outbox?show=sent&q=AYKF-1999-000001",
        })
        {
            await page.GotoAsync(path);
            await AssertAccessibleAsync(page, path);
        }

        // An account's page: its id is only known from the list.
        await page.GotoAsync("/admin/users");
        await page.Locator("tr[data-email] a").First.ClickAsync();
        await BrowserFixture.ArriveAsync(page, url => url.AbsolutePath.StartsWith("/admin/users/") && url.AbsolutePath.Length > "/admin/users/".Length);
        await AssertAccessibleAsync(page, "/admin/users/{id}");
    });

    [Fact]
    public Task A_templates_variables_opened_have_no_serious_violations_and_fit_a_phone() => fixture.RunAsync(async page =>
    {
        await BrowserFixture.SignInAsync(page, "/admin");
        foreach (var path in new[] { "/admin/templates/dispatch/zh-CN", "/admin/templates/officer-digest/en" })
        {
            await page.GotoAsync(path);
            await page.Locator("details[data-variables] > summary").ClickAsync();
            await Assertions.Expect(page.Locator("dl[data-variables=used] dt").First).ToBeVisibleAsync();
            await AssertAccessibleAsync(page, path + ", variables open");
            await BrowserFixture.AssertFitsPhonesAsync(page);
        }
    });

    [Fact]
    public Task The_workflow_instance_pages_of_a_parent_and_its_child_have_no_serious_violations_in_either_language() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        foreach (var (id, json) in new[]
        {
            ("a11y-child", Wf.Json("a11y-child", [Wf.Event("hold", "go")])),
            ("a11y-parent", Wf.Json("a11y-parent", [Wf.Start(), Wf.Activity("run-child", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", Wf.Literal("a11y-child")))], "start->run-child")),
        })
        {
            Assert.True((await admin.PutAsync($"/api/workflow-definitions/{id}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
            Assert.True((await admin.PostAsync($"/api/workflow-definitions/{id}/publish", null)).IsSuccessStatusCode);
        }

        var started = await admin.PostAsync("/api/workflow-definitions/a11y-parent/instances", JsonContent.Create(new { }));
        var parent = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await BrowserFixture.SignInAsync(page, $"/admin/workflow-instances/{parent}");
        await AssertAccessibleAsync(page, "parent instance");
        await page.Locator("table[data-children] a").First.ClickAsync();
        await Assertions.Expect(page.Locator("a[data-parent-link]")).ToHaveTextAsync(parent);
        await AssertAccessibleAsync(page, "child instance");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Workflow instance");
        await AssertAccessibleAsync(page, "child instance en");
    });

    [Fact]
    public Task The_link_page_on_a_phone_and_the_dev_mailbox_have_no_serious_violations() => fixture.RunAsync(async page =>
    {
        var number = (await OpenAsync(await fixture.App.AsAdminAsync(), NewCase("swj"))).GetProperty("number").GetString()!;
        await page.GotoAsync("/dev/mailbox");
        await AssertAccessibleAsync(page, "dev mailbox");

        await OpenMailAsync(page, "swj.handler@anyue.example", number);
        await AssertAccessibleAsync(page, "dev mailbox mail");

        await page.SetViewportSizeAsync(390, 844);
        await page.Locator("a[data-mail-link]").First.ClickAsync();
        await Assertions.Expect(page.Locator("form[data-action=accept]")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "link page on a phone");
    });

    [Fact]
    public Task The_officers_page_of_a_joint_case_with_a_returned_part_and_an_extension_request_has_no_serious_violations() => fixture.RunAsync(async page =>
    {
        var body = new
        {
            title = "新厂房无法投产", description = "施工许可与供电需协同。", category = "factor-guarantee", priority = "normal", departmentCode = "jxj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode },
            coDepartments = new[] { new { departmentCode = "jtysj", task = "道路开口" }, new { departmentCode = "swuj", task = "供水接入" } },
        };
        var number = (await OpenAsync(await fixture.App.AsAdminAsync(), body)).GetProperty("number").GetString()!;
        // jtysj returns its part; swuj accepts and asks for three more working days.
        await page.GotoAsync("/dev/mailbox");
        await OpenMailAsync(page, "jtysj.handler@anyue.example", number);
        await page.Locator("a[data-mail-link]").First.ClickAsync();
        await page.Locator("#return-reason").SelectOptionAsync("not-our-remit");
        await page.Locator("#return-note").FillAsync("道路开口由公安局审批");
        await page.Locator("form[data-action=return] button").ClickAsync();
        await Assertions.Expect(page.Locator(".ok")).ToBeVisibleAsync();

        await page.GotoAsync("/dev/mailbox");
        await OpenMailAsync(page, "swuj.handler@anyue.example", number);
        await page.Locator("a[data-mail-link]").First.ClickAsync();
        await page.Locator("form[data-action=accept] button").ClickAsync();
        await page.Locator("#extension-days").FillAsync("3");
        await page.Locator("#extension-note").FillAsync("管网改造需三个工作日");
        await page.Locator("form[data-action=extension] button").ClickAsync();
        await Assertions.Expect(page.Locator(".ok")).ToBeVisibleAsync();

        // The case page offers the reassign and drop forms for the returned part and the decision on the extension.
        await BrowserFixture.SignInAsync(page, $"/cases/{number}");
        await Assertions.Expect(page.Locator("form[action$='/reassign']").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("form[action$='/extension-decision']").First).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "officer's page of a joint case with part decisions");
    });

    [Fact]
    public Task The_leads_link_page_of_a_joint_case_on_a_phone_has_no_serious_violations() => fixture.RunAsync(async page =>
    {
        var body = new
        {
            title = "新厂房无法投产", description = "施工许可与供电需协同。", category = "factor-guarantee", priority = "normal", departmentCode = "jxj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode },
            coDepartments = new[] { new { departmentCode = "zjj", task = (string?)"请核实施工许可" }, new { departmentCode = "gdgs", task = (string?)null } },
        };
        var number = (await OpenAsync(await fixture.App.AsAdminAsync(), body)).GetProperty("number").GetString()!;
        await page.SetViewportSizeAsync(390, 844);

        // A co-handler submits its part (with a link among its attachments), so the lead's page shows every kind of entry.
        await page.GotoAsync("/dev/mailbox");
        await OpenMailAsync(page, "zjj.handler@anyue.example", number);
        await page.Locator("a[data-mail-link]").First.ClickAsync();
        await page.Locator("form[data-action=accept] button").ClickAsync();
        await page.Locator("#submit-note").FillAsync("施工许可已核发");
        await page.Locator("#submit-attachments").FillAsync("https://files.example/permit.pdf\n许可证编号 AY-2026-17");
        await page.Locator("form[data-action=submit] button").ClickAsync();
        await Assertions.Expect(page.Locator(".ok")).ToBeVisibleAsync();

        // The lead's dispatch mail and its personal link: the co-handler's submission, mailed to the lead too, may be
        // as new (the fake clock stands still) and lists the attachment's link first.
        await page.GotoAsync("/dev/mailbox");
        await OpenMailAsync(page, "jxj.handler@anyue.example", $"【派单】{number}");
        await page.Locator("a[data-mail-link][href*='/l/']").First.ClickAsync();
        await page.Locator("form[data-action=accept] button").ClickAsync();
        await Assertions.Expect(page.Locator("#co-handlers li[data-part=zjj] a")).ToBeVisibleAsync();
        // gdgs is within its time: the resolve form says from when the lead may go ahead without it (no reason asked yet).
        await Assertions.Expect(page.Locator("#override-help[data-not-silent-yet]")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "lead's link page of a joint case on a phone");
    });

    [Fact]
    public Task A_handler_accepts_and_reports_progress_with_the_keyboard_alone() => fixture.RunAsync(async page =>
    {
        var officer = await fixture.App.AsAdminAsync();
        var number = (await OpenAsync(officer, NewCase("gaj"))).GetProperty("number").GetString()!;
        await page.GotoAsync("/dev/mailbox");
        await OpenMailAsync(page, "gaj.handler@anyue.example", number);
        await page.Locator("a[data-mail-link]").First.ClickAsync();

        // Tab from the top of the page to the accept button and press Enter: no mouse.
        await TabToAsync(page, "form[data-action=accept] button");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".ok")).ToContainTextAsync("已签收");

        await TabToAsync(page, "#progress-note");
        await page.Keyboard.TypeAsync("已联系企业，正在办理");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".ok")).ToContainTextAsync("进展已提交");
        Assert.Equal("in-progress", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
    });

    [Fact]
    public Task The_designer_has_no_serious_violations() => fixture.RunAsync(async page =>
    {
        await BrowserFixture.SignInAsync(page, "/designer");
        await AssertAccessibleAsync(page, "designer, no workflow open");

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("case-routing") }).ClickAsync();
        await Assertions.Expect(page.Locator(".react-flow__node").First).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "designer with case-routing open");

        // The instance view: marks on the nodes and connections, the instance tab.
        var admin = await fixture.App.AsAdminAsync();
        var number = (await OpenAsync(admin)).GetProperty("number").GetString()!;
        var id = (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/cases/{number}/workflow")).GetProperty("id").GetString();
        await page.GotoAsync("about:blank");
        await page.GotoAsync($"/designer#instance={id}");
        await Assertions.Expect(page.GetByTestId("instance-journal")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".act[data-trace=waiting]").First).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "designer's instance view");
    });

    /// <summary>In the dev mailbox, opens the mail to <paramref name="to"/> about case <paramref name="number"/>.</summary>
    private static async Task OpenMailAsync(IPage page, string to, string number) =>
        await page.Locator("tr", new() { HasText = to }).GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex(number) }).First.ClickAsync();

    /// <summary>Presses Tab until <paramref name="selector"/> has the focus (at most 60 times).</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"document.activeElement === document.querySelector({System.Text.Json.JsonSerializer.Serialize(selector)})"))
            {
                return;
            }
        }

        throw new InvalidOperationException($"Tab never reached {selector}");
    }

    /// <summary>Runs axe-core on the page as it is and fails on any serious or critical violation, listing each with its elements.</summary>
    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        // Our pages only: the frames hold a mail's own HTML (sandboxed, no scripts), where axe cannot run.
        var result = await page.RunAxe(new AxeRunOptions { Iframes = false });
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{what} ({page.Url}): {bad.Count} serious or critical accessibility violation(s):\n" + string.Join("\n", bad.Select(Describe)));
    }

    private static string Describe(AxeResultItem v) =>
        $"- {v.Impact} {v.Id}: {v.Help}\n" + string.Join("\n", v.Nodes.Take(5).Select(n => $"    {n.Html}\n      {string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message))}"));
}
