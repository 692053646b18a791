using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>The case list's order (sort): newest first, by resolve deadline (办结期限), or by last change; in the API, the page and the CSV.</summary>
public sealed class CaseListSortTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task The_list_sorts_by_deadline_with_ended_cases_last_or_by_last_change_and_pages_stably()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        async Task<(string Number, string Link)> OpenAsync(string title, string category = "factor-guarantee", string priority = "normal")
        {
            var number = (await CaseTestKit.OpenAsync(officer, new
            {
                title, description = "排序核对。", category, priority, departmentCode = "swj",
                enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
            })).GetProperty("number").GetString()!;
            var mail = (await MailsAsync(_app, "swj.handler@anyue.example", "【派单】")).Single(m => m.Subject!.Contains(number));
            return (number, PathOf(LinkIn(mail)));
        }

        // Opened in this order; the first opened is due first, so the deadline's order is not the newest-first one.
        var urgent = await OpenAsync("排序核对 紧急", priority: "urgent");
        var normal = await OpenAsync("排序核对 普通");
        var sameDue = await OpenAsync("排序核对 普通二");
        var later = await OpenAsync("排序核对 项目", category: "project-landing");
        var resolved = await OpenAsync("排序核对 已办结");
        await PostActionAsync(browser, resolved.Link, "accept");
        await PostActionAsync(browser, resolved.Link, "resolve", new() { ["note"] = "已办结" });
        var cancelled = await OpenAsync("排序核对 已撤销");
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{cancelled.Number}/cancel", new { note = "企业撤回诉求" })).StatusCode);

        async Task<JsonElement> ListAsync(string query) =>
            await officer.GetFromJsonAsync<JsonElement>($"/api/cases?q={Uri.EscapeDataString("排序核对")}&{query}");
        static List<string> Numbers(JsonElement list) => [.. list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("number").GetString()!)];

        var due = (await ListAsync("")).GetProperty("items").EnumerateArray()
            .ToDictionary(c => c.GetProperty("number").GetString()!, c => c.GetProperty("dueAt").GetDateTimeOffset());
        Assert.True(due[urgent.Number] < due[normal.Number] && due[normal.Number] == due[sameDue.Number] && due[sameDue.Number] < due[later.Number]);

        // The cases whose deadline runs, soonest first (a tie by number), then the resolved and cancelled ones newest first.
        string[] byDeadline = [urgent.Number, normal.Number, sameDue.Number, later.Number, cancelled.Number, resolved.Number];
        Assert.Equal(byDeadline, Numbers(await ListAsync("sort=due")));
        Assert.Equal([cancelled.Number, resolved.Number, later.Number, sameDue.Number, normal.Number, urgent.Number], Numbers(await ListAsync("")));
        // One by one, every page follows on from the last: each case once.
        var paged = new List<string>();
        for (var page = 1; page <= byDeadline.Length + 1; page++)
        {
            paged.AddRange(Numbers(await ListAsync($"sort=due&pageSize=1&page={page}")));
        }

        Assert.Equal(byDeadline, paged);
        Assert.Equal(byDeadline[2..4], Numbers(await ListAsync("sort=due&pageSize=2&page=2")));
        Assert.Equal(byDeadline[4..6], Numbers(await ListAsync("sort=due&pageSize=2&page=3")));

        // Without the search (no trigram shortcut), and with a department (read by the department's sides).
        var all = await officer.GetFromJsonAsync<JsonElement>("/api/cases?sort=due&pageSize=2&page=3");
        Assert.Equal(byDeadline[4..6], Numbers(all));
        Assert.Equal(byDeadline, Numbers(await officer.GetFromJsonAsync<JsonElement>("/api/cases?sort=due&departmentCode=swj")));
        Assert.Equal(byDeadline[2..4], Numbers(await officer.GetFromJsonAsync<JsonElement>("/api/cases?sort=due&departmentCode=swj&role=lead&pageSize=2&page=2")));

        // By last change: the case accepted a moment later comes first, then the others newest first (ties by number).
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        await PostActionAsync(browser, later.Link, "accept");
        var byChange = Numbers(await ListAsync("sort=updated"));
        Assert.Equal(later.Number, byChange[0]);
        Assert.Equal(byChange, Numbers(await ListAsync("sort=updated&departmentCode=swj")));

        // A sort the list does not know is refused in words, nothing listed.
        var refused = await officer.GetAsync("/api/cases?sort=oldest");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("排序方式无效：oldest", await refused.Content.ReadAsStringAsync());

        // The page: a select in the filter form, kept in the paging and export links, the caption saying the order.
        var signedIn = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var html = await signedIn.GetStringAsync($"/cases?sort=due&q={Uri.EscapeDataString("排序核对")}");
        Assert.Matches("<select id=\"f-sort\" name=\"sort\">\\s*<option value(?:=\"\")?>[^<]*</option>\\s*<option value=\"due\" selected", html);
        Assert.Contains("办结期限最近的在前（已超期的最前", html);
        Assert.True(html.IndexOf(urgent.Number, StringComparison.Ordinal) < html.IndexOf(cancelled.Number, StringComparison.Ordinal));
        Assert.Contains("sort=due", Regex.Match(html, "<a href=\"([^\"]+)\" data-export").Groups[1].Value);
        Assert.Contains("sort=due", Regex.Match(html, "name=\"back\" value=\"([^\"]+)\"").Groups[1].Value);
        var badPage = await signedIn.GetAsync("/cases?sort=oldest");
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        Assert.Contains("排序方式无效：oldest", await badPage.Content.ReadAsStringAsync());

        // The CSV in the list's order.
        var csv = await signedIn.GetStringAsync($"/api/cases/export.csv?sort=due&q={Uri.EscapeDataString("排序核对")}");
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(byDeadline, lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal(HttpStatusCode.BadRequest, (await signedIn.GetAsync("/api/cases/export.csv?sort=oldest")).StatusCode);
    }
}
