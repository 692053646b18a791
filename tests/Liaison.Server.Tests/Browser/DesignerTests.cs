using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text;
using Liaison.Server.Tests.Cases;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Tests.Workflows;
using Microsoft.Playwright;

namespace Liaison.Server.Tests.Browser;

/// <summary>
/// The workflow designer (src/designer, built into wwwroot/designer by <c>./liaison test</c>) in a real browser: an admin
/// edits the shipped case-routing workflow and saves a draft that keeps everything else; it opens readable; try-it runs
/// hello-world, and case-routing against the sample case or an edited one; labels follow the reader's language; the
/// keyboard can add, connect and delete activities; published workflows usable as activities are in the palette, become
/// nodes with their outcomes, run in try-it and open on a double-click; ports follow the configuration; raw inputs are
/// checked JSON kept untouched until edited.
/// </summary>
public sealed class DesignerTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Moved = "extend";

    private static readonly string[] Unchanged = ["wait", Moved];

    [Fact]
    public Task Admin_edits_an_input_moves_a_node_and_saves_a_draft_that_keeps_the_rest() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        var original = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/case-routing"))!;
        var version = (int)original["version"]!;

        await SignInAsync(page);
        await page.Locator("button[data-definition-id='case-routing']").ClickAsync();
        await FitWholeWorkflowAsync(page); // the node to drag is off-screen at the readable zoom it opens with

        await Assertions.Expect(Node(page, "dispatch")).ToContainTextAsync("派单 Dispatch");
        await Assertions.Expect(Node(page, "wait")).ToContainTextAsync("等待部门联络人"); // the type's Chinese name
        await Assertions.Expect(Node(page, "wait").Locator(".act-port")).ToHaveCountAsync(12); // one handle per outcome
        // A port shows its outcome's Chinese label; the outcome itself (the JSON's identifier) is its title.
        var accepted = Node(page, "wait").Locator(".act-port[data-port='Accepted'] span");
        await Assertions.Expect(accepted).ToHaveTextAsync("已签收");
        await Assertions.Expect(accepted).ToHaveAttributeAsync("title", "Accepted");
        Assert.Equal(original["root"]!["activities"]!.AsArray().Count, await page.Locator(".react-flow__node").CountAsync());

        // Drag a node in the middle of the canvas a little (near an edge the canvas would pan instead).
        var box = (await Node(page, Moved).BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width / 2 + 30, box.Y + box.Height / 2 + 40, new() { Steps = 8 });
        await page.Mouse.UpAsync();

        await SelectAsync(page, "wait");
        var input = page.Locator("#input-overdueEscalationWorkingDays");
        await Assertions.Expect(input).ToHaveValueAsync("3");
        await input.FillAsync("2");
        await Assertions.Expect(page.Locator("[data-testid=current-definition]")).ToContainTextAsync("未保存");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync($"已保存草稿（第 {version + 1} 版）");

        var draft = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/case-routing"))!;
        Assert.Equal(version + 1, (int)draft["version"]!);
        Assert.False((bool)draft["isPublished"]!);
        var before = Activities(original);
        var after = Activities(draft);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var id in before.Keys.Except(Unchanged))
        {
            Assert.True(JsonNode.DeepEquals(before[id], after[id]), $"activity {id} changed:\n{before[id]}\n{after[id]}");
        }

        // The wait activity: only the edited input changed, to the number 2.
        var wait = before["wait"]!.DeepClone();
        wait["overdueEscalationWorkingDays"]!["expression"]!["value"] = 2;
        Assert.True(JsonNode.DeepEquals(wait, after["wait"]), $"wait:\n{after["wait"]}");
        // The dragged activity: only its designer position moved, to whole numbers.
        var moved = after[Moved]!.DeepClone();
        var position = moved["metadata"]!["designer"]!["position"]!;
        Assert.NotEqual(before[Moved]!["metadata"]!.ToJsonString(), moved["metadata"]!.ToJsonString());
        Assert.True((int)position["x"]! > (int)before[Moved]!["metadata"]!["designer"]!["position"]!["x"]!, $"moved: {position}");
        moved["metadata"] = before[Moved]!["metadata"]!.DeepClone();
        Assert.True(JsonNode.DeepEquals(before[Moved], moved), $"{Moved}:\n{after[Moved]}");

        Assert.True(JsonNode.DeepEquals(original["root"]!["connections"], draft["root"]!["connections"]), "the connections changed");
        foreach (var key in new[] { "name", "description", "variables" })
        {
            Assert.True(JsonNode.DeepEquals(original[key], draft[key]), $"{key} changed");
        }

        // 放弃草稿 (asked first) throws the draft away and shows the published version again.
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GetByTestId("discard-draft").ClickAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync($"已放弃第 {version + 1} 版草稿");
        await Assertions.Expect(page.Locator("[data-testid=current-definition]")).ToContainTextAsync("已发布");
        await Assertions.Expect(page.GetByTestId("discard-draft")).ToHaveCountAsync(0);
        var published = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/case-routing"))!;
        Assert.Equal((version, true), ((int)published["version"]!, (bool)published["isPublished"]!));
    });

    [Fact]
    public Task Try_it_runs_hello_world_validation_marks_a_faulty_node_and_publish_saves_first() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        var shipped = (int)(await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/hello-world"))!["version"]!;
        await SignInAsync(page);
        await page.Locator("button[data-definition-id='hello-world']").ClickAsync();
        await Assertions.Expect(Node(page, "hello")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "试运行", Exact = true }).First.ClickAsync();

        await Assertions.Expect(page.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Finished");
        await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("已完成");
        await Assertions.Expect(page.GetByTestId("run-writelines")).ToContainTextAsync("你好，世界 / Hello, world");
        // The run's path is drawn on the canvas: every activity ran once, every connection was taken.
        await Assertions.Expect(page.GetByTestId("trace-hello")).ToHaveTextAsync("已执行 1 次 → 完成");
        await Assertions.Expect(page.Locator(".act[data-trace=ran]")).ToHaveCountAsync(await page.Locator(".react-flow__node").CountAsync());
        await Assertions.Expect(page.Locator(".react-flow__edge.taken")).ToHaveCountAsync(await page.Locator(".react-flow__edge").CountAsync());

        // A new, unconnected activity from the palette: the marks go (the workflow changed); validation names it and the canvas marks it.
        await page.Locator(".palette-item[data-type='Elsa.WriteLine']").ClickAsync();
        await Assertions.Expect(Node(page, "writeline-1")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".act[data-trace]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".react-flow__edge.taken")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "校验", Exact = true }).ClickAsync();
        await Assertions.Expect(Node(page, "writeline-1").Locator(".act.invalid")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("problems")).ToContainTextAsync("writeline-1");
        await Assertions.Expect(page.GetByTestId("problems")).ToContainTextAsync("无法到达活动“writeline-1”"); // the Chinese message alone
        await Assertions.Expect(page.GetByTestId("problems")).Not.ToContainTextAsync("cannot be reached");
        await Assertions.Expect(Node(page, "hello").Locator(".act.invalid")).ToHaveCountAsync(0);

        // Delete it again (select, Delete key) and publish: the saved draft becomes the published version.
        await SelectAsync(page, "writeline-1");
        await page.Keyboard.PressAsync("Delete");
        await Assertions.Expect(Node(page, "writeline-1")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "发布", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync($"已发布第 {shipped + 1} 版");
        var published = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/hello-world"))!;
        Assert.Equal(shipped + 1, (int)published["version"]!);
        Assert.True((bool)published["isPublished"]!);
        Assert.Equal(["start", "hello", "end"], published["root"]!["activities"]!.AsArray().Select(a => (string)a!["id"]!));

        // The versions tab (the one way to the history) shows the publish's time once: it is also the version's last change.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "版本历史" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Tab, new() { Name = "版本" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId($"version-times-{shipped + 1}"))
            .ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^发布于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"));
        // It links the workflow's change log, where the publish is, with who did it.
        await page.GetByTestId("audit-link").ClickAsync();
        await BrowserFixture.ArriveAsync(page, url => url.PathAndQuery == "/admin/audit?area=workflow&subject=hello-world");
        var entry = page.Locator("tbody tr").Filter(new() { HasText = "发布流程" });
        await Assertions.Expect(entry.First).ToContainTextAsync(LiaisonApp.AdminEmail);
    });

    [Fact]
    public Task Opens_the_shipped_case_routing_at_a_readable_zoom_and_still_fits_it_whole_on_request() => fixture.RunAsync(async page =>
    {
        await SignInAsync(page);
        await page.Locator("button[data-definition-id='case-routing']").ClickAsync();
        await Assertions.Expect(Node(page, "start")).ToBeVisibleAsync();

        // Fitted to the screen, 27 activities would be drawn at about a quarter of their size: no label readable.
        Assert.True(await ZoomAsync(page) >= 0.8, $"opened at zoom {await ZoomAsync(page)}");
        var title = Node(page, "start").Locator(".act-title");
        var renderedFontPx = await title.EvaluateAsync<double>("el => parseFloat(getComputedStyle(el).fontSize)") * await ZoomAsync(page);
        Assert.True(renderedFontPx >= 10, $"the start's label is drawn at {renderedFontPx}px");
        await AssertInsideCanvasAsync(page, Node(page, "start"));

        await FitWholeWorkflowAsync(page);
        Assert.True(await ZoomAsync(page) < 0.8, $"fit view left zoom {await ZoomAsync(page)}");
        await AssertInsideCanvasAsync(page, Node(page, "end"));
        await AssertInsideCanvasAsync(page, Node(page, "escalate-progress"));
    });

    [Fact]
    public Task Try_it_routes_the_shipped_case_routing_against_the_sample_case_then_an_edited_one() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        var departments = (await admin.GetFromJsonAsync<JsonArray>("/api/departments"))!
            .ToDictionary(d => (string)d!["code"]!, d => (string)d!["name"]!);
        var sample = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/test-run/sample-case"))!;
        var sampleDepartment = (string)sample["departmentCode"]!;
        var other = departments.Keys.Order().First(code => code != sampleDepartment);
        await SignInAsync(page);
        await page.Locator("button[data-definition-id='case-routing']").ClickAsync();
        // Opening a definition shows the inspector tab when it has loaded: the tab is chosen after that, not before.
        await Assertions.Expect(page.Locator(".current-meta code")).ToHaveTextAsync("case-routing");
        await page.GetByRole(AriaRole.Tab, new() { Name = "试运行" }).ClickAsync();
        var caseBox = page.GetByLabel("事项（getCase() 看到的字段，JSON）");
        await Assertions.Expect(caseBox).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("SAMPLE-0001"));

        await page.Locator(".run button.primary").ClickAsync();

        // Dispatched to the sample's department, then waiting for the liaison: no fault, nothing invented.
        await Assertions.Expect(page.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Suspended");
        await Assertions.Expect(page.GetByTestId("run-case-kind")).ToHaveTextAsync("使用示例事项运行");
        var dispatch = page.Locator("[data-testid=run-effects] li[data-effect-type=CaseDispatched]");
        await Assertions.Expect(dispatch).ToHaveCountAsync(1);
        await Assertions.Expect(dispatch).ToContainTextAsync($"派单给 {departments[sampleDepartment]}");
        await Assertions.Expect(page.Locator("[data-testid=run-effects] li[data-effect-type=CaseEscalated]")).ToHaveCountAsync(4);
        // Who a mail goes to, in the words the inspector's list of audiences uses.
        await Assertions.Expect(page.Locator("[data-testid=run-effects] li[data-effect-type=CaseEscalated]", new() { HasText = "escalation-zone" }))
            .ToContainTextAsync("发给 园区领导小组、园区工作人员");
        await Assertions.Expect(page.GetByTestId("run-incidents")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("run-waiting")).ToContainTextAsync("等待人员决定");

        await caseBox.FillAsync($$"""{ "departmentCode": "{{other}}", "priority": "urgent" }""");
        await page.Locator(".run button.primary").ClickAsync();

        await Assertions.Expect(page.GetByTestId("run-case-kind")).ToHaveTextAsync("使用修改后的事项运行");
        await Assertions.Expect(dispatch).ToContainTextAsync($"派单给 {departments[other]}");
        await Assertions.Expect(dispatch).ToContainTextAsync("（5 个工作日）"); // project-landing's 10, halved for urgent

        await caseBox.FillAsync("""{ "priority": "whenever" }""");
        await page.Locator(".run button.primary").ClickAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync("case.priority");
        // The server's bilingual message, in the designer's language only.
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync("值的类型或取值不对");
        await Assertions.Expect(page.GetByTestId("message")).Not.ToContainTextAsync("wrong type");
    });

    [Fact]
    public Task An_input_with_a_closed_set_of_values_offers_them_and_validation_names_a_typo() => fixture.RunAsync(async page =>
    {
        await SignInAsync(page);
        await page.Locator("button[data-definition-id='case-routing']").ClickAsync();
        await FitWholeWorkflowAsync(page);

        await SelectAsync(page, "notify-resolved");
        // Each value with what it means, as the server names it (the audiences', the mail kinds' own labels).
        await Assertions.Expect(page.GetByTestId("input-to-choices-hint")).ToContainTextAsync("可用的值（可填多个，用逗号分隔）：");
        await Assertions.Expect(page.GetByTestId("input-to-choices-hint").Locator("li"))
            .ToHaveTextAsync(["handler 经办人", "leader 分管领导", "officer 园区工作人员", "zone 园区领导小组"]);
        await Assertions.Expect(page.Locator("#input-template")).ToHaveAttributeAsync("list", "input-template-choices");
        await Assertions.Expect(page.Locator("#input-template-choices option[value='resolved']")).ToHaveAttributeAsync("label", "办结待确认");
        await Assertions.Expect(page.GetByTestId("input-template-choices-hint").Locator("li[data-value='overdue']")).ToHaveTextAsync("overdue 逾期（红灯）");
        // Not the mails the server sends itself with models of their own (the enterprise's, the handovers').
        await Assertions.Expect(page.Locator("#input-template-choices option[value='enterprise-answered']")).ToHaveCountAsync(0);

        await SelectAsync(page, "status-accepted");
        await Assertions.Expect(page.GetByTestId("input-status-choices-hint").Locator("li[data-value='in-progress']")).ToHaveTextAsync("in-progress 办理中");
        // The values are listed once: in the list, not in the input's description too.
        await Assertions.Expect(page.GetByTestId("input-status-description")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("input-status-description")).Not.ToContainTextAsync("in-progress");
        await page.Locator("#input-status").FillAsync("flying");
        await page.GetByRole(AriaRole.Button, new() { Name = "校验", Exact = true }).ClickAsync();

        await Assertions.Expect(Node(page, "status-accepted").Locator(".act.invalid")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("problems")).ToContainTextAsync("不接受“flying”");
    });

    [Fact]
    public Task Shows_each_label_once_in_the_language_of_the_liaison_lang_cookie() => fixture.RunAsync(async page =>
    {
        await SignInAsync(page);
        await page.Locator("button[data-definition-id='case-routing']").ClickAsync();
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("保存草稿");
        await Assertions.Expect(page.Locator("header")).Not.ToContainTextAsync("Save draft");
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));

        await page.Context.AddCookiesAsync([new Cookie { Name = "liaison.lang", Value = "en", Url = fixture.App.Address.ToString() }]);
        await page.ReloadAsync();
        await page.Locator("button[data-definition-id='case-routing']").ClickAsync();

        await Assertions.Expect(page.Locator(".brand")).ToHaveTextAsync("Workflow designer");
        await Assertions.Expect(page.Locator("header")).ToContainTextAsync("Save draft");
        await Assertions.Expect(page.Locator("header")).Not.ToContainTextAsync("保存草稿");
        await Assertions.Expect(Node(page, "wait").Locator(".act-type")).ToContainTextAsync("Wait for the liaison"); // the descriptor's en name
        await Assertions.Expect(page.Locator(".palette-item[data-type='Liaison.Dispatch']")).ToHaveTextAsync("Dispatch");
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
    });

    [Fact]
    public Task In_English_labels_start_with_a_capital_times_show_once_in_the_servers_zone_and_long_names_keep_clear_of_ids() => fixture.RunAsync(async page =>
    {
        // Version 1 published, version 2 a draft with long English type names beside long ids (the type's name of
        // dispatch-parts once ran into its id).
        var admin = await fixture.App.AsAdminAsync();
        await PutAsync(admin, "english-check", JsonNode.Parse(Wf.Json("english-check", [At(Wf.Start(), 0, 0), At(Wf.End(), 300, 0)], "start->end"))!);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.PostAsync("/api/workflow-definitions/english-check/publish", null)).StatusCode);
        await PutAsync(admin, "english-check", JsonNode.Parse(Wf.Json("english-check",
        [
            At(Wf.Start(), 0, 0), At(Wf.End(), 300, 0), At(Wf.Activity("dispatch-parts", "Liaison.DispatchParts"), 600, 0),
            At(Wf.Activity("officer-decides-on-the-extension", "Liaison.WaitForOfficer", ("decision", Wf.Literal("extension"))), 0, 160),
            At(Wf.Activity("notify-the-officer-of-a-return", "Liaison.Notify", ("template", Wf.Literal("returned")), ("to", Wf.Literal("officer"))), 300, 160),
            At(Wf.Activity("status-back-to-dispatched", "Liaison.SetCaseStatus", ("status", Wf.Literal("dispatched"))), 600, 160),
        ], "start->end"))!);
        var published = (await admin.GetFromJsonAsync<JsonArray>("/api/workflow-definitions/english-check/versions"))!
            .Single(v => (int)v!["version"]! == 1)!;

        // The server's zone, as /api/auth/me names it, is London here: not the browser's (Asia/Shanghai).
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        await page.RouteAsync("**/api/auth/me", async route =>
        {
            var response = await route.FetchAsync();
            var me = JsonNode.Parse(await response.TextAsync())!;
            me["timeZone"] = london.Id;
            await route.FulfillAsync(new() { Response = response, Body = me.ToJsonString() });
        });
        await SignInAsync(page);
        await page.Context.AddCookiesAsync([new Cookie { Name = "liaison.lang", Value = "en", Url = fixture.App.Address.ToString() }]);
        await page.GotoAsync("about:blank"); // from /designer, a new hash alone would not load the app again
        await page.GotoAsync("/designer#english-check");
        await Assertions.Expect(page.Locator(".current-meta")).ToContainTextAsync("english-check version 2"); // on in a line: lower case

        // The versions tab is the one way to the history; a label starts with a capital; a publish's time shows once.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "History" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Versions" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=versions] li.current strong")).ToHaveTextAsync("Version 2");
        var publishedAt = TimeZoneInfo.ConvertTime(DateTimeOffset.Parse((string)published["publishedAt"]!), london);
        await Assertions.Expect(page.GetByTestId("version-times-1")).ToHaveTextAsync($"Published {publishedAt:yyyy-MM-dd HH:mm:ss}");

        // However long a type's English name and an activity's id, neither runs into the other.
        await Assertions.Expect(Node(page, "dispatch-parts")).ToContainTextAsync("Dispatch co-handlers");
        await Assertions.Expect(Node(page, "officer-decides-on-the-extension")).ToContainTextAsync("Wait for the officer");
        var overlapping = await page.Locator(".act-type").EvaluateAllAsync<string[]>("""
            rows => rows.filter(row => {
              const id = row.querySelector('.act-id').getBoundingClientRect();
              const text = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
              for (let n = text.nextNode(); n; n = text.nextNode()) {
                if (row.querySelector('.act-id').contains(n)) continue;
                const range = document.createRange();
                range.selectNodeContents(n);
                for (const r of range.getClientRects())
                  if (r.bottom > id.top && r.top < id.bottom && r.right > id.left - 4 && r.left < id.right) return true;
              }
              return false;
            }).map(row => row.closest('.react-flow__node').dataset.id)
            """);
        Assert.Empty(overlapping);

        // A value's meaning beside it, in the hint and in the suggestions; a label that only repeats its value is left out.
        await SelectAsync(page, "notify-the-officer-of-a-return");
        await Assertions.Expect(page.GetByTestId("input-template-choices-hint").Locator("li[data-value='overdue']")).ToHaveTextAsync("overdue Overdue (red)");
        await Assertions.Expect(page.Locator("#input-template-choices option[value='overdue']")).ToHaveAttributeAsync("label", "Overdue (red)");
        await Assertions.Expect(page.GetByTestId("input-to-choices-hint").Locator("li[data-value='zone']")).ToHaveTextAsync("zone The zone leadership");
        await SelectAsync(page, "status-back-to-dispatched");
        await Assertions.Expect(page.GetByTestId("input-status-choices-hint").Locator("li[data-value='dispatched']"))
            .ToHaveTextAsync("dispatched Dispatched, waiting to be accepted");
        await Assertions.Expect(page.GetByTestId("input-status-choices-hint").Locator("li[data-value='in-progress']")).ToHaveTextAsync("in-progress");
        await SelectAsync(page, "officer-decides-on-the-extension");
        await Assertions.Expect(page.GetByTestId("input-decision-choices-hint").Locator("li[data-value='extension']"))
            .ToHaveTextAsync("extension The handler's extension request");
    });

    [Fact]
    public Task Speaks_the_accounts_language_over_the_browsers_and_leads_back_to_the_admin_pages() => fixture.RunAsync(async page =>
    {
        await SignInAsync(page);
        // A browser asking for English, for a Chinese account with no choice made on the pages: Chinese, as every page is.
        await page.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Language"] = "en-US,en;q=0.9" });
        await page.AddInitScriptAsync("Object.defineProperty(navigator, 'language', { get: () => 'en-US' });");
        await page.ReloadAsync();

        await Assertions.Expect(page.Locator(".brand")).ToHaveTextAsync("流程设计器");
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("en-US", await page.EvaluateAsync<string>("navigator.language"));

        await page.GetByTestId("back-to-admin").ClickAsync();
        await BrowserFixture.ArriveAsync(page, url => url.AbsolutePath == "/admin");
    });

    [Fact]
    public Task The_keyboard_adds_connects_and_deletes_an_activity() => fixture.RunAsync(async page =>
    {
        await SignInAsync(page);
        await page.Locator("button[data-definition-id='hello-world']").ClickAsync();
        await Assertions.Expect(Node(page, "hello")).ToBeVisibleAsync();
        var edges = await page.Locator(".react-flow__edge").CountAsync();

        await page.Locator(".palette-item[data-type='Elsa.WriteLine']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Node(page, "writeline-1")).ToBeVisibleAsync();
        await page.GetByLabel("从 完成 连接到").SelectOptionAsync("end");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加连接" }).PressAsync("Enter");
        await Assertions.Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(edges + 1);
        await Assertions.Expect(page.Locator(".connections")).ToContainTextAsync("完成 → end");

        // On the canvas: Escape unselects the new activity (and leaves it); focused again, Enter selects it and Delete
        // deletes it with its connection.
        await Node(page, "writeline-1").FocusAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(Node(page, "writeline-1").Locator(".act.selected")).ToHaveCountAsync(0);
        // React Flow blurs the unselected node on the next animation frame; focusing it before then loses the focus.
        await Assertions.Expect(Node(page, "writeline-1")).Not.ToBeFocusedAsync();
        await Node(page, "writeline-1").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Node(page, "writeline-1").Locator(".act.selected")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("Delete");
        await Assertions.Expect(Node(page, "writeline-1")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(edges);
    });

    [Fact]
    public Task A_usable_workflow_is_in_the_palette_becomes_a_pinned_node_with_its_outcomes_runs_in_try_it_and_opens_on_double_click() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        var child = JsonNode.Parse(Wf.Json("greeter",
            [Wf.Activity("say", "Elsa.WriteLine", ("text", Wf.Script("'hello ' + getInput('Word')"))),
             Wf.Activity("reply", "Elsa.SetOutput", ("outputName", Wf.Literal("Heard")), ("outputValue", Wf.Literal("yes")))],
            "say->reply"))!.AsObject();
        child["name"] = "问候";
        child["options"] = new JsonObject { ["usableAsActivity"] = true };
        child["inputs"] = new JsonArray(new JsonObject { ["name"] = "Word", ["type"] = "String", ["displayName"] = "词" });
        child["outcomes"] = new JsonArray("Heard");
        await PutAsync(admin, "greeter", child);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.PostAsync("/api/workflow-definitions/greeter/publish", null)).StatusCode);
        var parent = JsonNode.Parse(Wf.Json("greeting-parent",
            [At(Wf.Start(), 0, 0), At(Wf.Activity("out", "Elsa.SetOutput", ("outputName", Wf.Literal("Said")), ("outputValue", Wf.Literal("done"))), 0, 300)],
            "start->out"))!;
        await PutAsync(admin, "greeting-parent", parent);
        var offered = (await admin.GetFromJsonAsync<JsonArray>("/api/activity-descriptors"))!.Single(d => (string)d!["type"]! == "greeter")!;

        await SignInAsync(page);
        await page.Locator("button[data-definition-id='greeting-parent']").ClickAsync();
        await Assertions.Expect(Node(page, "out")).ToBeVisibleAsync();

        // Under 子流程 (Workflows): the workflow by name, with what it takes and how it can end.
        var workflows = page.Locator(".palette details[data-category='Workflows']");
        await Assertions.Expect(workflows.Locator("summary")).ToHaveTextAsync("子流程");
        var item = workflows.Locator(".palette-item[data-type='greeter']");
        await Assertions.Expect(item).ToContainTextAsync("问候");
        await Assertions.Expect(item).ToContainTextAsync("输入：词 (String)");
        await Assertions.Expect(item).ToContainTextAsync("结果：Heard、完成、子流程故障、子流程已取消");

        await item.ClickAsync();
        var node = Node(page, "greeter-1");
        await Assertions.Expect(node.Locator(".act-port")).ToHaveTextAsync(["Heard", "完成", "子流程故障", "子流程已取消"]);
        await Assertions.Expect(page.GetByTestId("inspector-child")).ToContainTextAsync("固定为第 1 版");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "词 String" }).FillAsync("世界"); // the declared input, by its display name

        // Unsaved changes: the double-click asks first, as opening from the list does; declining keeps everything.
        var asked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Dialog += async (_, dialog) =>
        {
            asked.TrySetResult(dialog.Message);
            await dialog.DismissAsync();
        };
        await node.DblClickAsync();
        Assert.Equal("有未保存的修改，确定放弃吗？", await asked.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        await Assertions.Expect(page.GetByTestId("current-definition")).ToContainTextAsync("greeting-parent");
        await Assertions.Expect(page.GetByTestId("current-definition")).ToContainTextAsync("未保存");

        await Node(page, "out").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByLabel("从 完成 连接到").SelectOptionAsync("greeter-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "添加连接" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync("已保存草稿");

        // Written as Elsa writes a workflow used as an activity: named by its definition id and pinned to the offered version.
        var saved = Activities((await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/greeting-parent"))!)["greeter-1"]!;
        Assert.Equal("greeter", (string)saved["type"]!);
        Assert.Equal("greeter", (string)saved["workflowDefinitionId"]!);
        Assert.Equal((string)offered["workflowDefinitionVersionId"]!, (string)saved["workflowDefinitionVersionId"]!);
        Assert.Equal(1, (int)saved["version"]!);
        Assert.True(JsonNode.DeepEquals(Wf.Literal("世界"), saved["word"]), $"greeter-1: {saved}");

        // Try-it runs the child from the store: the parent's output, and the child with its status and its line.
        await page.GetByRole(AriaRole.Button, new() { Name = "试运行", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("run-status")).ToHaveAttributeAsync("data-status", "Finished");
        await Assertions.Expect(page.GetByTestId("run-output")).ToContainTextAsync("\"Said\": \"done\"");
        var ran = page.Locator("[data-testid=run-children] > li[data-definition-id='greeter']");
        await Assertions.Expect(ran).ToHaveAttributeAsync("data-status", "Finished");
        await Assertions.Expect(ran).ToContainTextAsync("由 greeter-1 启动");
        await Assertions.Expect(ran).ToContainTextAsync("hello 世界");

        // Saved: the double-click opens the child at once.
        await node.DblClickAsync();
        await Assertions.Expect(page.GetByTestId("current-definition")).ToContainTextAsync("问候");
        await Assertions.Expect(Node(page, "say")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("button[data-definition-id='greeter']")).ToHaveAttributeAsync("aria-current", "true");
        Assert.EndsWith("#greeter", page.Url);

        // An instance page links a definition's version as #definitionId@version: the designer opens that version.
        await page.GotoAsync("about:blank");
        await page.GotoAsync("/designer#greeting-parent@1");
        await Assertions.Expect(page.GetByTestId("current-definition")).ToContainTextAsync("greeting-parent");
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync("正在查看第 1 版");
        await Assertions.Expect(Node(page, "greeter-1")).ToBeVisibleAsync();
    });

    [Fact]
    public Task Ports_follow_branches_cases_and_possible_outcomes_and_raw_inputs_are_checked_json_kept_as_written() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        var body = JsonNode.Parse("""{ "id": "body", "type": "Elsa.WriteLine", "metadata": { "note": "kept as written" }, "text": { "typeName": "String", "expression": { "type": "Literal", "value": "round" } } }""")!;
        var original = JsonNode.Parse(Wf.Json("ports-and-raw",
        [
            At(Wf.Start(), 0, 0),
            At(Wf.Activity("switch", "Elsa.FlowSwitch", ("cases", JsonNode.Parse("""[{ "label": "Big", "condition": { "type": "JavaScript", "value": "true" } }]""")!)), 260, 0),
            At(Wf.Activity("fork", "Elsa.FlowFork", ("branches", Wf.Literal(new[] { "Left", "Right" }, "String[]"))), 520, 0),
            At(Wf.Activity("script", "Elsa.RunJavaScript", ("script", Wf.Literal("setOutcome('Yes')")), ("possibleOutcomes", Wf.Literal(new[] { "Yes" }, "String[]"))), 0, 220),
            At(Wf.Activity("loop", "Elsa.While", ("condition", Wf.Literal(false, "Boolean")), ("body", body)), 260, 220),
        ], "start->switch"))!.AsObject();
        await PutAsync(admin, "ports-and-raw", original);

        await SignInAsync(page);
        await page.Locator("button[data-definition-id='ports-and-raw']").ClickAsync();
        await Assertions.Expect(Node(page, "switch").Locator(".act-port")).ToHaveTextAsync(["Big", "默认"]);
        await Assertions.Expect(Node(page, "fork").Locator(".act-port")).ToHaveTextAsync(["Left", "Right"]);
        await Assertions.Expect(Node(page, "script").Locator(".act-port")).ToHaveTextAsync(["完成", "Yes"]);
        await Assertions.Expect(Node(page, "loop").Locator(".act-port")).ToHaveTextAsync(["完成"]);

        // The switch's cases are JSON: a broken or wrongly shaped text is refused with a message and changes nothing.
        await SelectAsync(page, "switch");
        var cases = page.Locator("#input-cases");
        await Assertions.Expect(cases).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"label\": \"Big\""));
        await cases.FillAsync("""[{ "label": "Big" """);
        await Assertions.Expect(page.GetByTestId("input-cases-message")).ToContainTextAsync("JSON 无效，尚未应用");
        await Assertions.Expect(cases).ToHaveAttributeAsync("aria-invalid", "true");
        await cases.FillAsync("""{ "label": "Big" }""");
        await Assertions.Expect(page.GetByTestId("input-cases-message")).ToHaveTextAsync("应为 JSON 数组，尚未应用");
        await Assertions.Expect(Node(page, "switch").Locator(".act-port")).ToHaveTextAsync(["Big", "默认"]);
        await cases.FillAsync("""[{ "label": "Big", "condition": { "type": "JavaScript", "value": "true" } }, { "label": "Small", "condition": { "type": "JavaScript", "value": "false" } }]""");
        await Assertions.Expect(Node(page, "switch").Locator(".act-port")).ToHaveTextAsync(["Big", "Small", "默认"]);
        await Assertions.Expect(page.GetByTestId("input-cases-message")).Not.ToContainTextAsync("尚未应用");

        // The new port is a real handle: a connection from it is drawn.
        var edges = await page.Locator(".react-flow__edge").CountAsync();
        await page.GetByLabel("从 Small 连接到").SelectOptionAsync("loop");
        await page.Locator(".field.connect", new() { HasText = "从 Small 连接到" }).GetByRole(AriaRole.Button, new() { Name = "添加连接" }).ClickAsync();
        await Assertions.Expect(page.Locator(".react-flow__edge")).ToHaveCountAsync(edges + 1);

        await SelectAsync(page, "fork");
        await page.Locator("#input-branches").FillAsync("Left,Right,Middle");
        await Assertions.Expect(Node(page, "fork").Locator(".act-port")).ToHaveTextAsync(["Left", "Right", "Middle"]);
        await SelectAsync(page, "script");
        await page.Locator("#input-possibleOutcomes").FillAsync("Yes,No");
        await Assertions.Expect(Node(page, "script").Locator(".act-port")).ToHaveTextAsync(["完成", "Yes", "No"]);

        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync("已保存草稿");
        var draft = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/ports-and-raw"))!;
        var before = Activities(original);
        var after = Activities(draft);
        // Not edited: the loop's raw body (and everything else about it) is as it was written.
        Assert.True(JsonNode.DeepEquals(before["loop"], after["loop"]), $"loop:\n{after["loop"]}");
        Assert.True(JsonNode.DeepEquals(before["start"], after["start"]), $"start:\n{after["start"]}");
        Assert.Equal(["Big", "Small"], after["switch"]!["cases"]!.AsArray().Select(c => (string)c!["label"]!));
        Assert.Equal("Left,Right,Middle", (string)after["fork"]!["branches"]!["expression"]!["value"]!);
        Assert.Equal("Yes,No", (string)after["script"]!["possibleOutcomes"]!["expression"]!["value"]!);
        Assert.Contains(draft["root"]!["connections"]!.AsArray(), c =>
            (string)c!["source"]!["activity"]! == "switch" && (string)c["source"]!["port"]! == "Small" && (string)c["target"]!["activity"]! == "loop");
    });

    [Fact]
    public Task The_admins_instance_page_opens_the_instance_view_the_path_a_case_took_and_where_it_waits() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        var number = (await CaseTestKit.OpenAsync(admin)).GetProperty("number").GetString()!;
        var workflow = await admin.GetFromJsonAsync<JsonObject>($"/api/cases/{number}/workflow");
        var id = (string)workflow!["id"]!;
        var version = (int)workflow["definitionVersion"]!;
        var waits = workflow["bookmarks"]!.AsArray().Select(b => (string)b!["activityId"]!).Distinct().ToList();
        var completed = workflow["journal"]!.AsArray().Where(j => (string)j!["kind"]! == "Completed").Select(j => (string)j!["activityId"]!).ToHashSet();

        await SignInAsync(page);
        await page.GotoAsync($"/admin/workflow-instances/{id}");
        await page.Locator("a[data-designer-instance-link]").ClickAsync();
        Assert.EndsWith($"#instance={id}", page.Url);
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync($"正在查看流程实例 {id}（第 {version} 版）");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "实例" })).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(page.GetByTestId("instance-status")).ToHaveAttributeAsync("data-status", "Suspended");

        // The dispatch ran once and left by Done; the handler's wait is where the case stands; untouched activities are unmarked.
        Assert.Contains("dispatch", completed);
        Assert.Contains("wait", waits);
        await Assertions.Expect(Node(page, "dispatch").Locator(".act")).ToHaveAttributeAsync("data-trace", "ran");
        await Assertions.Expect(page.GetByTestId("trace-dispatch")).ToHaveTextAsync("已执行 1 次 → 完成");
        await Assertions.Expect(Node(page, "wait").Locator(".act")).ToHaveAttributeAsync("data-trace", "waiting");
        await Assertions.Expect(page.GetByTestId("trace-wait")).ToContainTextAsync("等待中");
        var untouched = Activities((await admin.GetFromJsonAsync<JsonObject>($"/api/workflow-definitions/case-routing?version={version}"))!).Keys
            .Except(completed).Except(waits).ToList();
        Assert.NotEmpty(untouched);
        foreach (var activity in untouched)
        {
            await Assertions.Expect(Node(page, activity).Locator(".act")).Not.ToHaveAttributeAsync("data-trace", new System.Text.RegularExpressions.Regex("."));
        }

        // It opens where the case stands: the handler's wait is on screen.
        await AssertInsideCanvasAsync(page, Node(page, "wait"));
        // The connections it took are drawn bold: the one out of the dispatch's Done among them.
        await Assertions.Expect(page.Locator(".react-flow__edge.taken[data-id]").First).ToBeVisibleAsync();
        Assert.True(await page.Locator(".react-flow__edge.taken").CountAsync() >= completed.Count - 1);
        await Assertions.Expect(page.GetByTestId("instance-waiting")).ToContainTextAsync("wait");
        await Assertions.Expect(page.GetByTestId("instance-journal").Locator("li")).ToHaveCountAsync(workflow["journal"]!.AsArray().Count);

        // An activity id in the journal selects its node; leaving the view removes the marks and keeps the workflow open.
        await page.GetByTestId("instance-journal").Locator("button[data-activity='dispatch']").First.ClickAsync();
        await Assertions.Expect(Node(page, "dispatch")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("selected"));
        await page.GetByRole(AriaRole.Button, new() { Name = "退出实例视图" }).ClickAsync();
        await Assertions.Expect(page.Locator(".act[data-trace]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".react-flow__edge.taken")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "实例" })).ToHaveCountAsync(0);
        Assert.EndsWith("#case-routing", page.Url);

        // An unknown instance says so and opens nothing.
        await page.GotoAsync("about:blank");
        await page.GotoAsync($"/designer#instance={Guid.NewGuid()}");
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync("流程实例");
        await Assertions.Expect(page.Locator(".react-flow__node")).ToHaveCountAsync(0);
    });

    private static ILocator Node(IPage page, string id) => page.Locator($".react-flow__node[data-id='{id}']");

    /// <summary>
    /// Clicks an activity on the canvas until the canvas marks it selected, three clicks at most: under a full test
    /// run's load a click that lands while the canvas re-renders its nodes can reach the pane instead, which selects
    /// nothing (the properties then still ask to select an activity).
    /// </summary>
    private static async Task SelectAsync(IPage page, string id)
    {
        var node = Node(page, id);
        for (var attempt = 1; ; attempt++)
        {
            await node.ClickAsync();
            try
            {
                await Assertions.Expect(node).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bselected\b"), new() { Timeout = attempt < 3 ? 2_000 : 5_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>The canvas's zoom, from the transform React Flow puts on its viewport.</summary>
    private static async Task<double> ZoomAsync(IPage page) =>
        await page.Locator(".react-flow__viewport").EvaluateAsync<double>("el => new DOMMatrix(getComputedStyle(el).transform).a");

    /// <summary>The canvas control that shows the whole workflow.</summary>
    private static async Task FitWholeWorkflowAsync(IPage page)
    {
        var before = await ZoomAsync(page);
        await page.Locator(".react-flow__controls-fitview").ClickAsync();
        await page.WaitForFunctionAsync(
            "before => new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a !== before", before);
    }

    private static async Task AssertInsideCanvasAsync(IPage page, ILocator node)
    {
        var canvas = (await page.Locator(".react-flow").BoundingBoxAsync())!;
        var box = (await node.BoundingBoxAsync())!;
        Assert.True(box.X >= canvas.X && box.Y >= canvas.Y && box.X + box.Width <= canvas.X + canvas.Width
            && box.Y + box.Height <= canvas.Y + canvas.Height, $"node at {box.X},{box.Y} {box.Width}x{box.Height} is outside the canvas {canvas.X},{canvas.Y} {canvas.Width}x{canvas.Height}");
    }

    /// <summary>Opens /designer signed out: the sign-in form, then back to the designer.</summary>
    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/designer");
        Assert.Equal("/account/login", new Uri(page.Url).AbsolutePath);
        await BrowserFixture.SignInAsync(page, "/designer");
        if ((await page.ContentAsync()).Contains("流程设计器尚未构建"))
        {
            throw new InvalidOperationException(
                "The designer is not built: run `cd src/designer && npm ci && npm run build` (./liaison test does this).");
        }

        await Assertions.Expect(page.Locator(".brand")).ToHaveTextAsync("流程设计器");
    }

    /// <summary>Places an activity on the canvas (so a small workflow opens fitted and every node can be clicked).</summary>
    private static JsonObject At(JsonObject activity, int x, int y)
    {
        activity["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = x, ["y"] = y } } };
        return activity;
    }

    private static async Task PutAsync(HttpClient admin, string definitionId, JsonNode definition)
    {
        var response = await admin.PutAsync($"/api/workflow-definitions/{definitionId}", new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Dictionary<string, JsonNode?> Activities(JsonObject definition) =>
        definition["root"]!["activities"]!.AsArray().ToDictionary(a => (string)a!["id"]!, a => a);
}
