using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// Issue 10's whole path on PostgreSQL and SMTP: a lead and three co-handlers; one co-handler is late (its ladder fires,
/// no one else's does), one returns its part and the officer reassigns it, all submit, the lead resolves, the officer
/// confirms; the week's league table counts each department's part. Its own app: the test moves the clock.
/// </summary>
public sealed class JointCaseEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(JointCaseEndToEndTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task AtAsync(int day, int hour, int minute = 0)
    {
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, day, hour, minute, 0, China).ToUniversalTime());
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();
    }

    private async Task<string> LinkAsync(string department, string number) =>
        PathOf(LinkIn((await MailsAsync(_app, $"{department}.handler@anyue.example", number)).Single(m => m.Subject!.StartsWith("【派单】") || m.Subject!.StartsWith("【派单·协办】"))));

    private async Task<int> CountAsync(string department, string subject, string number) =>
        (await MailsAsync(_app, $"{department}.handler@anyue.example", subject)).Count(m => m.Subject!.Contains(number));

    private static async Task ActAsync(HttpClient browser, string link, string action, Dictionary<string, string>? fields = null)
    {
        var response = await PostActionAsync(browser, link, action, fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Lead_and_three_co_handlers_one_late_one_returned_and_reassigned_all_submit_the_lead_resolves_and_the_week_counts_each_part()
    {
        // Monday 2 March 09:00, factor-guarantee: accept by Tuesday 18:00; co-handlers submit by Friday 6th 18:00, the lead resolves by Monday 9th.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 9, 0, 0, China).ToUniversalTime());
        var opened = await OpenAsync(_officer, new
        {
            title = "新厂房无法投产",
            description = "用地、施工许可、供电、环评需同时协调。",
            category = "factor-guarantee",
            priority = "normal",
            departmentCode = "zrzyj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
            coDepartments = new[]
            {
                new { departmentCode = "zjj", task = "请核实施工许可" },
                new { departmentCode = "gdgs", task = "请确认10kV接入方案" },
                new { departmentCode = "sthjj", task = "请核实安全评价" },
            },
        });
        var number = opened.GetProperty("number").GetString()!;
        var browser = _app.Anonymous();
        var lead = await LinkAsync("zrzyj", number);
        var zjj = await LinkAsync("zjj", number);
        var sthjj = await LinkAsync("sthjj", number);
        await ActAsync(browser, lead, "accept");
        await ActAsync(browser, zjj, "accept");

        // sthjj returns its part: safety evaluation is the emergency bureau's; the officer reassigns it on Tuesday morning.
        await ActAsync(browser, sthjj, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "安全评价应由应急管理局核实" });
        var returned = await GetCaseAsync(_officer, number);
        Assert.Equal("accepted", returned.GetProperty("status").GetString());
        var sthjjPart = returned.GetProperty("coDepartments").EnumerateArray().Single(p => p.GetProperty("departmentCode").GetString() == "sthjj");
        Assert.Equal("returned", sthjjPart.GetProperty("status").GetString());
        await AtAsync(3, 10);
        var reassign = await _officer.PostAsJsonAsync($"/api/cases/{number}/parts/{sthjjPart.GetProperty("id").GetInt64()}/reassign",
            new { departmentCode = "yjglj", task = "请核实安全评价", requestId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.OK, reassign.StatusCode);
        var yjglj = await LinkAsync("yjglj", number);
        await ActAsync(browser, yjglj, "accept");

        // Tuesday 18:01: gdgs has not accepted (its accept reminder); Wednesday and Thursday the others submit on time.
        await AtAsync(3, 18, 1);
        await AtAsync(4, 10);
        await ActAsync(browser, yjglj, "submit", new() { ["note"] = "安全评价已复核，无异议" });
        await AtAsync(5, 10);
        await ActAsync(browser, zjj, "submit", new() { ["note"] = "施工许可可并联办理", ["attachments"] = "https://files.example/permit.pdf" });

        // Friday 18:01: gdgs's part is overdue (its red notice); the lead, due Monday, is reminded that it is due soon.
        await AtAsync(6, 18, 1);
        Assert.Equal(1, await CountAsync("gdgs", "【催签收】", number));
        Assert.Equal(1, await CountAsync("gdgs", "【超期督办·协办】", number));
        foreach (var department in new[] { "zrzyj", "zjj", "sthjj", "yjglj" })
        {
            Assert.Equal(0, await CountAsync(department, "【超期督办", number));
            Assert.Equal(0, await CountAsync(department, "【催签收】", number));
        }

        // On the timeline, every escalation of the week so far (the accept reminder, the red notice) is gdgs's part's.
        var gdgsPart = (await GetCaseAsync(_officer, number)).GetProperty("coDepartments").EnumerateArray()
            .Single(p => p.GetProperty("departmentCode").GetString() == "gdgs").GetProperty("id").GetInt64();
        var escalated = await _app.WithDbAsync(db => db.CaseEvents.Where(e => e.Kind == "escalated").Select(e => new { e.PartId, e.Data }).ToListAsync());
        var ladder = escalated.Where(e => e.Data!.Contains("\"red\"") || e.Data.Contains("\"accept\"")).ToList();
        Assert.Equal(2, ladder.Count);
        Assert.All(ladder, e => Assert.Equal(gdgsPart, e.PartId));

        // The lead may not resolve while gdgs's part is open.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已协调完毕" })).StatusCode);

        // Saturday: gdgs accepts and submits, late; the lead resolves on time; the officer confirms.
        var gdgs = await LinkAsync("gdgs", number);
        await AtAsync(7, 10);
        await ActAsync(browser, gdgs, "accept");
        await ActAsync(browser, gdgs, "submit", new() { ["note"] = "10kV接入方案已确定" });
        Assert.Equal(3, await CountAsync("zrzyj", "【协办意见已提交】", number));
        await AtAsync(7, 11);
        await ActAsync(browser, lead, "resolve", new() { ["note"] = "用地、施工许可、供电、安全评价均已落实" });
        var confirm = await _officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = "企业确认已投产" });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);

        var closed = await GetCaseAsync(_officer, number);
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal(["zjj:submitted", "gdgs:submitted", "yjglj:submitted"], closed.GetProperty("coDepartments").EnumerateArray()
            .Select(p => $"{p.GetProperty("departmentCode").GetString()}:{p.GetProperty("status").GetString()}"));

        // The week of 2–8 March: each department's part, and the lead's own work apart.
        var week = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-02&to=2026-03-08");
        var rows = week.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("departmentCode").GetString()!);
        string Co(string code) => string.Join(',', new[] { "received", "accepted", "acceptedOnTime", "submitted", "submittedOnTime", "overridden", "overdueNow", "returns" }
            .Select(p => rows[code].GetProperty("coHandling").GetProperty(p).GetInt32()));
        string Lead(string code) => string.Join(',', new[] { "received", "accepted", "acceptedOnTime", "resolved", "resolvedOnTime", "overdueNow", "returns" }
            .Select(p => rows[code].GetProperty(p).GetInt32()));

        Assert.Equal("1,1,1,1,1,0,0,0", Co("zjj"));
        Assert.Equal("1,1,0,1,0,0,0,0", Co("gdgs")); // late to accept and to submit
        Assert.Equal("1,0,0,0,0,0,0,1", Co("sthjj")); // returned its part
        Assert.Equal("1,1,1,1,1,0,0,0", Co("yjglj")); // the reassigned part, on time from its own dispatch
        Assert.Equal("0,0,0,0,0,0,0,0", Co("zrzyj"));
        Assert.Equal("1,1,1,1,1,0,0", Lead("zrzyj"));
        foreach (var code in new[] { "zjj", "gdgs", "sthjj", "yjglj" })
        {
            Assert.Equal("0,0,0,0,0,0,0", Lead(code));
        }
    }
}
