using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Pages;

/// <summary>
/// The officer's workbench (工作台): their cases awaiting a decision, their overdue and open cases, everyone's cases
/// awaiting a decision and their key enterprises due a visit, each count linking to its list; and the case list's
/// <c>status=open</c> (在办) it links to. Its own database, so the counts are exactly this test's cases.
/// </summary>
public sealed partial class WorkbenchTests : IAsyncLifetime
{
    private const string Me = "workbench.officer@test.example";
    private const string Colleague = "workbench.colleague@test.example";
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(WorkbenchTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Number, string Link)> OpenAsync(HttpClient officer, string title)
    {
        var number = (await Cases.CaseTestKit.OpenAsync(officer, NewCase("jtysj", title: title))).GetProperty("number").GetString()!;
        var mail = (await MailsAsync(_app, "jtysj.handler@anyue.example", "【派单】")).Single(m => m.Subject!.Contains(number));
        return (number, PathOf(LinkIn(mail)));
    }

    [Fact]
    public async Task An_officer_starts_at_a_workbench_of_what_needs_them_and_each_count_is_the_list_it_links_to()
    {
        var officer = await _app.AsOfficerAsync(Me);
        var colleague = await _app.AsOfficerAsync(Colleague);
        var liaison = _app.Anonymous();
        var returned = await OpenAsync(officer, "工作台 退回");
        await PostActionAsync(liaison, returned.Link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" });
        var waiting = await OpenAsync(officer, "工作台 在办");
        var cancelled = await OpenAsync(officer, "工作台 撤销");
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{cancelled.Number}/cancel", new { note = "企业已自行解决" })).StatusCode);
        var theirs = await OpenAsync(colleague, "工作台 同事退回");
        await PostActionAsync(liaison, theirs.Link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本局职责" });
        var key = await officer.PostAsJsonAsync("/api/enterprises", new
        {
            name = "安岳工作台柠檬有限公司", creditCode = Enterprises.RatingTestKit.Code(902), industryChain = "other", isKey = true, chiefServiceOfficer = Me,
        });
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        // In its squad only: the chief (a colleague) sees to its visits, so it is not counted here.
        var squad = await officer.PostAsJsonAsync("/api/enterprises", new
        {
            name = "安岳工作台专班有限公司", creditCode = Enterprises.RatingTestKit.Code(903), industryChain = "other", isKey = true, chiefServiceOfficer = Colleague,
            serviceSquad = new[] { Me },
        });
        Assert.Equal(HttpStatusCode.Created, squad.StatusCode);
        // Past every resolve deadline: the returned case's clock still runs, so it is overdue too.
        _app.Clock.Advance(TimeSpan.FromDays(40));

        var browser = await _app.SignInThroughFormAsync(Me, "officer-password-1");
        Assert.Equal("/workbench", (await browser.GetAsync("/")).Headers.Location?.OriginalString);
        var page = await browser.GetStringAsync("/workbench");

        Assert.Equal(new Dictionary<string, string> { ["decide"] = "1", ["overdue"] = "2", ["open"] = "2", ["everyone"] = "2", ["visits"] = "1" },
            Figure().Matches(page).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value));
        Assert.Contains($"data-case=\"{returned.Number}\"", page);
        Assert.DoesNotContain($"data-case=\"{theirs.Number}\"", page);
        Assert.DoesNotContain($"data-case=\"{cancelled.Number}\"", page);
        Assert.Contains("安岳工作台柠檬有限公司", page);
        Assert.Contains("安岳工作台柠檬有限公司</a> · <span class=\"error\" data-visit-status>从未走访，应尽快走访</span>", page);
        // The figure says whose enterprises it counts: those the officer is chief service officer of (首席服务员), as the digest's visits due.
        Assert.Contains("<strong>1</strong> 家我任首席服务员的重点企业待走访</a>", page);
        Assert.DoesNotContain("安岳工作台专班有限公司", page);
        // Its link lists the same: the chief's enterprises due a visit, not every one due.
        Assert.Contains("data-figure=\"visits\"><a href=\"/enterprises?visitDue=true&amp;chief=me\">", page);
        var visits = await browser.GetStringAsync("/enterprises?visitDue=true&chief=me");
        Assert.Contains("安岳工作台柠檬有限公司", visits);
        Assert.DoesNotContain("安岳工作台专班有限公司", visits);
        Assert.Contains("id=\"f-chief\" name=\"chief\" value=\"me\" checked", visits);
        Assert.Contains("安岳工作台专班有限公司", await browser.GetStringAsync("/enterprises?visitDue=true"));
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/enterprises?chief=someone")).StatusCode);

        // Each count is the total of the list its link opens (the link as the browser reads it).
        var links = FigureLink().Matches(page).ToDictionary(m => m.Groups[1].Value, m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value));
        foreach (var (figure, query, total) in new[]
                 { ("decide", "officer=me&decision=true", 1), ("overdue", "officer=me&overdue=true", 2), ("open", "officer=me&status=open", 2), ("everyone", "decision=true", 2) })
        {
            Assert.Equal("/cases?" + query, links[figure]);
            var list = await officer.GetFromJsonAsync<JsonElement>("/api/cases?" + links[figure]["/cases?".Length..]);
            Assert.True(total == list.GetProperty("total").GetInt32(), query);
        }

        var open = (await officer.GetFromJsonAsync<JsonElement>("/api/cases?officer=me&status=OPEN")).GetProperty("items").EnumerateArray()
            .Select(c => c.GetProperty("number").GetString()).Order().ToList();
        Assert.Equal(new[] { returned.Number, waiting.Number }.Order(), open);
        Assert.Equal(HttpStatusCode.BadRequest, (await officer.GetAsync("/api/cases?status=opened")).StatusCode);
        Assert.Contains("<option value=\"open\" selected", await browser.GetStringAsync("/cases?officer=me&status=open"));
    }

    [Fact]
    public async Task An_officer_with_nothing_waiting_sees_zeros_and_says_so()
    {
        var browser = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var page = await browser.GetStringAsync("/workbench");

        Assert.All(Figure().Matches(page).Where(m => m.Groups[1].Value != "everyone"), m => Assert.Equal("0", m.Groups[2].Value));
        Assert.Contains("没有等待您决定的事项。", page);
        Assert.Equal(HttpStatusCode.Redirect, (await _app.Anonymous().GetAsync("/workbench")).StatusCode);
    }

    [GeneratedRegex("data-figure=\"(\\w+)\"><a [^>]*><strong>([^<]+)</strong>")]
    private static partial Regex Figure();

    [GeneratedRegex("data-figure=\"(\\w+)\"><a href=\"([^\"]*)\">")]
    private static partial Regex FigureLink();
}
