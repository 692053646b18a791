using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Liaison.Cases.Cases;
using Liaison.Server.Cases;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Cases.JointLeadViewTests;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// How the timeline words its rows: each row says the status it leaves, things read in the order they happened (oldest
/// first, on the case page as on a link page), and a joint case's rows read naturally in either language.
/// </summary>
public sealed partial class CaseTimelineWordsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string OfficerEmail = "timeline.officer@test.example";
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task A_dispatch_after_a_reassignment_and_a_cancellation_say_the_status_they_leave()
    {
        var (api, browser) = await OfficerAsync();
        var number = (await OpenAsync(api)).GetProperty("number").GetString()!;
        await PostActionAsync(_app.Anonymous(), await LinkOfAsync("fgj", number), "accept");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "改由供电公司办理" })).StatusCode);
        var newLink = await LinkOfAsync("gdgs", number);
        var beforeCancel = Rows(await _app.Anonymous().GetStringAsync(newLink));
        var beforeCancelInEnglish = Rows(await InEnglishAsync(_app.Anonymous(), newLink));
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业已撤回诉求" })).StatusCode);

        var rows = Rows(await browser.GetStringAsync($"/cases/{number}"));
        Assert.Contains("派单 | 供电公司，事项第 2 轮；状态：已派单，待签收", rows);
        Assert.Contains("撤销 | 状态：已撤销 企业已撤回诉求", rows);
        // The first dispatch says it too; 签收 after it still says its own.
        Assert.Contains("派单 | 发展和改革局，事项第 1 轮；状态：已派单，待签收", rows);
        Assert.Contains("签收 | 发展和改革局；状态：已签收", rows);
        Assert.DoesNotContain(rows, r => r.StartsWith("状态变更", StringComparison.Ordinal));
        // The link page (oldest first too) alike.
        Assert.Equal("派单（供电公司，事项第 2 轮；状态：已派单，待签收）", beforeCancel[^1]);

        var english = Rows(await InEnglishAsync(browser, $"/cases/{number}"));
        Assert.Contains("Dispatched | To 供电公司, round 2 of the case; status: dispatched, waiting to be accepted", english);
        Assert.Contains("Cancelled | Status: cancelled 企业已撤回诉求", english);
        // On the link page the detail goes on after the event, in brackets: in lower case, as the status after it.
        Assert.Contains(beforeCancelInEnglish, r => r.StartsWith("Reassigned (from 发展和改革局 to 供电公司", StringComparison.Ordinal));
        Assert.Contains(beforeCancelInEnglish, r => r.StartsWith("Accepted (发展和改革局; status: accepted", StringComparison.Ordinal) || r.StartsWith("Accepted (status: accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_a_dispatch_its_status_is_not_repeated_and_a_new_one_has_its_own_row_capitalised_in_English()
    {
        var (api, browser) = await OfficerAsync();
        var number = (await OpenAsync(api)).GetProperty("number").GetString()!;
        var link = await LinkOfAsync("fgj", number);
        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" });
        // Insisting dispatches it again from 已退回: the dispatch says 已派单 again.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "fgj", note = "仍由发改局办理" })).StatusCode);
        // A workflow that sets the status after the dispatch (status-back-to-dispatched), then moves it on by a timer.
        await _app.WithDbAsync(async db =>
        {
            var c = await db.Cases.SingleAsync(x => x.Number == number);
            var at = _app.Clock.GetUtcNow();
            CaseTimeline.Add(db, c, at, CaseEventKinds.Status, "workflow", "状态：已派单，待签收 / Status: dispatched, waiting to be accepted", new { status = "dispatched" });
            CaseTimeline.Add(db, c, at, CaseEventKinds.Status, "workflow", "状态：办理中 / Status: in progress", new { status = "in-progress" });
            return await db.SaveChangesAsync();
        });

        var rows = Rows(await browser.GetStringAsync($"/cases/{number}"));
        Assert.Equal(
            ["受理 | ", "派单 | 发展和改革局，事项第 1 轮；状态：已派单，待签收", "退回 | 原因：不属于本部门职责；状态：已退回 不属于本局职责", "坚持原部门 | 仍由 发展和改革局 办理 仍由发改局办理",
             "派单 | 发展和改革局，事项第 2 轮；坚持原派，退回时剩余的 5 个工作日继续计算；状态：已派单，待签收", "状态变更 | 办理中"],
            rows);
        // Standing alone in its cell, the status starts with a capital in English.
        Assert.Equal("Status changed | In progress", Rows(await InEnglishAsync(browser, $"/cases/{number}"))[^1]);
    }

    [Fact]
    public async Task English_status_words_start_with_a_capital_where_they_stand_alone()
    {
        var (api, browser) = await OfficerAsync();
        var number = (await OpenAsync(api, JointCase("zrzyj", ("zjj", null)))).GetProperty("number").GetString()!;

        var page = await InEnglishAsync(browser, $"/cases/{number}");
        Assert.Contains("<strong>Dispatched, waiting to be accepted</strong>", page);
        Assert.Matches(">\\s*Awaiting acceptance\\s*</td>", page);
        var list = await browser.GetStringAsync($"/cases?q={number}");
        Assert.Contains(">Dispatched, waiting to be accepted</option>", list);
        Assert.Contains("data-status=\"dispatched\">Dispatched, waiting to be accepted", list);
        // Mid-sentence it goes on in lower case.
        Assert.Contains("; status: dispatched, waiting to be accepted", page);
        Assert.DoesNotContain(">dispatched, waiting", page + list);
    }

    /// <summary>A case its handler accepted and asked three more working days for, waiting for the officer.</summary>
    private async Task<(HttpClient Api, HttpClient Browser, HttpClient Handler, string Number, string Link)> WithExtensionRequestAsync()
    {
        var (api, browser) = await OfficerAsync();
        var number = (await OpenAsync(api)).GetProperty("number").GetString()!;
        var link = await LinkOfAsync("fgj", number);
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        await PostActionAsync(handler, link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });
        return (api, browser, handler, number, link);
    }

    [Fact]
    public async Task An_extension_request_withdrawn_by_the_resolve_reads_after_the_resolve_in_both_orders()
    {
        var (_, browser, handler, number, link) = await WithExtensionRequestAsync();
        await PostActionAsync(handler, link, "resolve", new() { ["note"] = "已办结" });

        // Oldest first: the 办结 (with the status it left), then the withdrawal it caused.
        var rows = Rows(await browser.GetStringAsync($"/cases/{number}"));
        var resolved = rows.FindIndex(r => r.StartsWith("办结 | 状态：已办结，待确认", StringComparison.Ordinal));
        var withdrawn = rows.FindIndex(r => r.StartsWith("延期申请撤回 | 3 个工作日；经办人已办结", StringComparison.Ordinal));
        Assert.True(resolved >= 0 && withdrawn == resolved + 1, string.Join("\n", rows));
        // The link page alike: the withdrawal after the 办结, last.
        var linkRows = Rows(await handler.GetStringAsync(link));
        Assert.Equal("办结（状态：已办结，待确认）：已办结", linkRows[^2]);
        Assert.Equal("延期申请撤回（3 个工作日；经办人已办结）", linkRows[^1]);
    }

    [Fact]
    public async Task The_link_page_lists_its_latest_entries_oldest_first_as_the_case_page_does_and_says_earlier_ones_are_left_out()
    {
        var (_, browser) = await OfficerAsync();
        var number = (await OpenAsync(await _app.AsOfficerAsync(OfficerEmail))).GetProperty("number").GetString()!;
        var link = await LinkOfAsync("fgj", number);
        var handler = _app.Anonymous();
        await PostActionAsync(handler, link, "accept");
        await PostActionAsync(handler, link, "progress", new() { ["note"] = "第一次进展" });
        await PostActionAsync(handler, link, "progress", new() { ["note"] = "第二次进展" });

        var caseRows = Rows(await browser.GetStringAsync($"/cases/{number}"));
        var page = await handler.GetStringAsync(link);
        var linkRows = Rows(page);
        // The same events in the same order as the officer's page: the newest last.
        static List<string> Events(List<string> rows) => rows.Select(r => r[..2]).Where(e => e is "派单" or "签收" or "进展").ToList();
        Assert.Equal(["派单", "签收", "进展", "进展"], Events(linkRows));
        Assert.Equal(Events(caseRows), Events(linkRows));
        Assert.EndsWith("：第二次进展", linkRows[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("data-earlier-left-out", page);

        // A long case: the latest twelve rows, still oldest first, and the page says earlier ones are left out.
        for (var i = 3; i <= 14; i++)
        {
            await PostActionAsync(handler, link, "progress", new() { ["note"] = $"第 {i} 次进展" });
        }

        page = await handler.GetStringAsync(link);
        linkRows = Rows(page);
        Assert.Equal(12, linkRows.Count);
        Assert.EndsWith("：第 3 次进展", linkRows[0], StringComparison.Ordinal);
        Assert.EndsWith("：第 14 次进展", linkRows[^1], StringComparison.Ordinal);
        Assert.Contains("data-earlier-left-out", page);
    }

    [Fact]
    public async Task An_extension_request_withdrawn_by_a_reassignment_reads_between_the_reassignment_and_the_new_dispatch()
    {
        var (api, browser, _, number, _) = await WithExtensionRequestAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "改由供电公司办理" })).StatusCode);

        var rows = Rows(await browser.GetStringAsync($"/cases/{number}"));
        var reassigned = rows.FindIndex(r => r.StartsWith("改派 | ", StringComparison.Ordinal));
        Assert.True(reassigned >= 0, string.Join("\n", rows));
        Assert.Equal("延期申请撤回 | 发展和改革局；3 个工作日；园区工作人员已改派", rows[reassigned + 1]);
        Assert.StartsWith("派单 | 供电公司，事项第 2 轮；状态：已派单，待签收", rows[reassigned + 2]);
    }

    [Fact]
    public async Task A_joint_cases_rows_list_a_departments_facts_without_two_colons_and_its_parts_ends_say_their_status()
    {
        var (api, browser) = await OfficerAsync();
        var number = (await OpenAsync(api, JointCase("zrzyj", ("zjj", "施工许可"), ("jtysj", "道路开口"), ("rsj", "招聘")))).GetProperty("number").GetString()!;
        var handler = _app.Anonymous();
        var lead = await LinkOfAsync("zrzyj", number);
        await PostActionAsync(handler, lead, "accept");
        await PostActionAsync(handler, await LinkOfAsync("zjj", number), "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本部门" });
        var parts = (await GetCaseAsync(api, number)).GetProperty("coDepartments").EnumerateArray()
            .ToDictionary(p => p.GetProperty("departmentCode").GetString()!, p => p.GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/parts/{parts["zjj"]}/reassign", new { departmentCode = "gdgs", note = "改由供电公司" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/parts/{parts["rsj"]}/drop", new { reason = "企业已自行招聘" })).StatusCode);
        // The lead resolves over the silent ones once they are late: the latest acceptance deadline (gdgs's new round) has passed.
        var acceptBy = (await GetCaseAsync(api, number)).GetProperty("coDepartments").EnumerateArray()
            .Where(p => p.GetProperty("status").GetString() == "dispatched").Max(p => p.GetProperty("acceptBy").GetDateTimeOffset());
        if (_app.Clock.GetUtcNow() <= acceptBy)
        {
            _app.Clock.SetUtcNow(acceptBy.AddMinutes(1).ToUniversalTime());
        }

        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(handler, lead, "resolve", new() { ["note"] = "已办结", ["overrideReason"] = "交通运输局三日未回复" })).StatusCode);

        var rows = Rows(await browser.GetStringAsync($"/cases/{number}"));
        Assert.Contains("退回 | 住房和城乡建设局（协办）；原因：不属于本部门职责；状态：已退回 不属于本部门", rows);
        Assert.DoesNotContain(rows, r => r.Contains("）：", StringComparison.Ordinal));
        Assert.Contains("派单 | 供电公司，协办第 2 轮；状态：待签收", rows);
        Assert.Contains("撤回协办 | 人力资源和社会保障局（协办）；状态：已撤回 企业已自行招聘", rows);
        Assert.Contains(rows, r => r.StartsWith("主办办结（协办未提交） | 交通运输局（协办）；状态：主办已办结（未提交）", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("主办办结（协办未提交） | 供电公司（协办）；状态：主办已办结（未提交）", StringComparison.Ordinal));
        Assert.Contains("办结 | 自然资源和规划局（主办）；状态：已办结，待确认 已办结", rows);

        var english = Rows(await InEnglishAsync(browser, $"/cases/{number}"));
        Assert.Contains("Returned | 住房和城乡建设局 (co-handler); reason: not within the department's remit; status: returned 不属于本部门", english);
        Assert.Contains("Co-handler's part dropped | 人力资源和社会保障局 (co-handler); status: dropped 企业已自行招聘", english);
        Assert.DoesNotContain(english, r => r.Contains("): ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mail_telling_a_co_handler_its_part_ended_says_whether_the_part_was_dropped_or_the_case_cancelled()
    {
        var (api, browser) = await OfficerAsync();
        var number = (await OpenAsync(api, JointCase("zrzyj", ("zjj", "施工许可"), ("rsj", "招聘")))).GetProperty("number").GetString()!;
        var parts = (await GetCaseAsync(api, number)).GetProperty("coDepartments").EnumerateArray()
            .ToDictionary(p => p.GetProperty("departmentCode").GetString()!, p => p.GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/parts/{parts["rsj"]}/drop", new { reason = "企业已自行招聘" })).StatusCode);
        _app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业已撤回诉求" })).StatusCode);

        // 撤回协办 told to the dropped department alone; the cancellation told to the lead and the other co-handler as such.
        var chinese = WebUtility.HtmlDecode(await browser.GetStringAsync($"/cases/{number}"));
        // Each to the department's handler and its leader, who holds a copy link.
        Assert.Equal(2, Regex.Matches(chinese, "协办已撤回（协办部门） → ").Count);
        Assert.Equal(4, Regex.Matches(chinese, "[>；]撤销 → ").Count);
        var english = WebUtility.HtmlDecode(await InEnglishAsync(browser, $"/cases/{number}"));
        Assert.Equal(2, Regex.Matches(english, "; co-handling part dropped \\(co-handler\\) → ").Count);
        Assert.Equal(4, Regex.Matches(english, "(>Cancelled|; cancelled) → ").Count);
    }

    private async Task<(HttpClient Api, HttpClient Browser)> OfficerAsync()
    {
        var api = await _app.AsOfficerAsync(OfficerEmail);
        return (api, await _app.SignInThroughFormAsync(OfficerEmail, "officer-password-1"));
    }

    private async Task<string> LinkOfAsync(string department, string number) =>
        PathOf(LinkIn((await MailsAsync(_app, Handler(department), number)).Last(m => m.Subject!.StartsWith("【派单", StringComparison.Ordinal))));

    private static async Task<string> InEnglishAsync(HttpClient browser, string path)
    {
        await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" }));
        return await browser.GetStringAsync(path);
    }

    /// <summary>
    /// The timeline's rows as text, mails left out: on the case page "事件 | 说明 备注", on a link page each item after its
    /// time (both oldest first).
    /// </summary>
    private static List<string> Rows(string page)
    {
        if (Regex.Match(page, "<h2>(办理记录|Timeline)</h2>\\s*<table.*?</table>", RegexOptions.Singleline) is { Success: true } table)
        {
            return Regex.Matches(table.Value, "<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline).Skip(1)
                .Select(r => Regex.Matches(r.Groups[1].Value, "<td[^>]*>(.*?)</td>", RegexOptions.Singleline).Select(c => Plain(c.Groups[1].Value)).ToList())
                .Where(cells => !cells[3].Contains('→'))
                .Select(cells => $"{cells[2]} | {cells[3]}").ToList();
        }

        return LinkTimelineItem().Matches(page).Select(m => Plain(m.Groups[1].Value)).Where(r => !r.Contains('→')).ToList();
    }

    /// <summary>The text of some markup: a span (a name marked with its language) is inline, any other tag parts words.</summary>
    private static string Plain(string html) =>
        Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(html, "</?span[^>]*>", ""), "<[^>]+>", " ")), @"\s+", " ").Trim();

    [GeneratedRegex("<li><span class=\"muted\">[^<]*</span>(.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex LinkTimelineItem();
}
