using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Liaison.Server.Tests.Browser;

/// <summary>
/// The workflow designer (src/designer, built into wwwroot/designer by <c>./liaison test</c>) in a real browser: an admin
/// edits the shipped case-routing workflow and saves a draft that keeps everything else; try-it runs hello-world.
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

        await Assertions.Expect(Node(page, "dispatch")).ToContainTextAsync("派单 Dispatch");
        await Assertions.Expect(Node(page, "wait")).ToContainTextAsync("等待部门联络人"); // the type's Chinese name
        await Assertions.Expect(Node(page, "wait").Locator(".act-port")).ToHaveCountAsync(12); // one handle per outcome
        Assert.Equal(original["root"]!["activities"]!.AsArray().Count, await page.Locator(".react-flow__node").CountAsync());

        // Drag a node in the middle of the canvas a little (near an edge the canvas would pan instead).
        var box = (await Node(page, Moved).BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width / 2 + 30, box.Y + box.Height / 2 + 40, new() { Steps = 8 });
        await page.Mouse.UpAsync();

        await Node(page, "wait").ClickAsync();
        var input = page.Locator("#input-overdueEscalationWorkingDays");
        await Assertions.Expect(input).ToHaveValueAsync("3");
        await input.FillAsync("2");
        await Assertions.Expect(page.Locator("[data-testid=current-definition]")).ToContainTextAsync("未保存 Unsaved");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存草稿 Save draft" }).ClickAsync();
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
    });

    [Fact]
    public Task Try_it_runs_hello_world_validation_marks_a_faulty_node_and_publish_saves_first() => fixture.RunAsync(async page =>
    {
        var admin = await fixture.App.AsAdminAsync();
        var shipped = (int)(await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/hello-world"))!["version"]!;
        await SignInAsync(page);
        await page.Locator("button[data-definition-id='hello-world']").ClickAsync();
        await Assertions.Expect(Node(page, "hello")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "试运行 Try it" }).First.ClickAsync();

        await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Finished");
        await Assertions.Expect(page.GetByTestId("run-writelines")).ToContainTextAsync("你好，世界 / Hello, world");

        // A new, unconnected activity from the palette: validation names it and the canvas marks it.
        await page.Locator(".palette-item[data-type='Elsa.WriteLine']").ClickAsync();
        await Assertions.Expect(Node(page, "writeline-1")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "校验 Validate" }).ClickAsync();
        await Assertions.Expect(Node(page, "writeline-1").Locator(".act.invalid")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("problems")).ToContainTextAsync("writeline-1");
        await Assertions.Expect(Node(page, "hello").Locator(".act.invalid")).ToHaveCountAsync(0);

        // Delete it again (select, Delete key) and publish: the saved draft becomes the published version.
        await Node(page, "writeline-1").ClickAsync();
        await page.Keyboard.PressAsync("Delete");
        await Assertions.Expect(Node(page, "writeline-1")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "发布 Publish" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync($"已发布第 {shipped + 1} 版");
        var published = (await admin.GetFromJsonAsync<JsonObject>("/api/workflow-definitions/hello-world"))!;
        Assert.Equal(shipped + 1, (int)published["version"]!);
        Assert.True((bool)published["isPublished"]!);
        Assert.Equal(["start", "hello", "end"], published["root"]!["activities"]!.AsArray().Select(a => (string)a!["id"]!));
    });

    private static ILocator Node(IPage page, string id) => page.Locator($".react-flow__node[data-id='{id}']");

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

        await Assertions.Expect(page.Locator(".brand")).ToContainTextAsync("流程设计器");
    }

    private static Dictionary<string, JsonNode?> Activities(JsonObject definition) =>
        definition["root"]!["activities"]!.AsArray().ToDictionary(a => (string)a!["id"]!, a => a);
}
