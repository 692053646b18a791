using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>
/// The enterprise's notice contact hears when its case goes to another department or its resolve deadline moves (【事项进展】),
/// in plain words, once per change, in the change's commit; an enterprise without a notice contact's email gets nothing.
/// </summary>
public sealed class EnterpriseChangeNoticeTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private Task<int> ChangeRowsAsync(string number) =>
        _app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Kind == "enterprise-changed" && db.Cases.Any(c => c.Id == m.CaseId && c.Number == number)));

    [Fact]
    public async Task A_reassignment_tells_the_enterprise_the_new_department_and_deadline_once_without_the_officers_note()
    {
        var officer = await _app.AsOfficerAsync();
        var number = await OpenForAsync(officer, await RegisterAsync(officer, 81));

        var request = new { departmentCode = "gdgs", note = "内部：发改局人手紧张", requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", request)).StatusCode);

        var told = Assert.Single(await MailsAsync(_app, NoticeEmail, "【事项进展】"), m => m.Subject!.Contains(number));
        Assert.EndsWith("（承办部门变更）", told.Subject);
        Assert.Contains("贵企业反映的以下事项已由园区改由供电公司承办", told.TextBody);
        Assert.Contains("承办部门：供电公司", told.TextBody);
        Assert.Contains("办结期限：", told.TextBody);
        Assert.DoesNotContain("人手紧张", told.TextBody);
        Assert.DoesNotContain("/l/", told.TextBody);
        Assert.Empty(await MailsAsync(_app, OtherEmail, "【事项进展】"));

        // Its own link to the progress page, in both parts, which opens on the case as it is now.
        var link = EnterpriseLinkPattern().Match(told.TextBody!);
        Assert.True(link.Success, told.TextBody);
        Assert.Contains($"href=\"{link.Value}\"", told.HtmlBody);
        Assert.Contains("链接仅供贵企业查看本事项使用", told.TextBody);
        var page = await _app.Anonymous().GetStringAsync(new Uri(link.Value).PathAndQuery);
        Assert.Contains(number, page);
        Assert.Contains("供电公司", page);
    }

    [Fact]
    public async Task An_approved_extension_tells_the_enterprise_the_deadline_before_and_after_once()
    {
        var officer = await _app.AsOfficerAsync();
        var number = await OpenForAsync(officer, await RegisterAsync(officer, 82));
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("派单"))));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });

        var decision = new { approve = true, requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", decision)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", decision)).StatusCode);

        var told = Assert.Single(await MailsAsync(_app, NoticeEmail, "【事项进展】"), m => m.Subject!.Contains(number));
        Assert.EndsWith("（办结期限调整）", told.Subject);
        Assert.Contains("办结期限已调整如下", told.TextBody);
        Assert.Contains("原办结期限：", told.TextBody);
        Assert.DoesNotContain("需等待上级审批", told.TextBody);
    }

    [Fact]
    public async Task An_extension_granted_for_fewer_days_than_asked_tells_the_enterprise_the_date_it_gave()
    {
        var officer = await _app.AsOfficerAsync();
        var number = await OpenForAsync(officer, await RegisterAsync(officer, 85));
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("派单"))));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "10", ["note"] = "需等待上级审批" });
        var asked = (await GetCaseAsync(officer, number)).GetProperty("pendingExtension").GetProperty("dueAtIfApproved").GetDateTimeOffset();

        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true, days = 1 })).StatusCode);

        var due = (await GetCaseAsync(officer, number)).GetProperty("dueAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8));
        Assert.True(due < asked, $"{due} should be before {asked}");
        var told = Assert.Single(await MailsAsync(_app, NoticeEmail, "【事项进展】"), m => m.Subject!.Contains(number));
        Assert.Contains($"办结期限：{due.Year}年{due.Month}月{due.Day}日", told.TextBody);
    }

    [Fact]
    public async Task A_denied_extension_or_an_enterprise_without_a_notice_email_gets_no_change_notice()
    {
        var officer = await _app.AsOfficerAsync();
        var denied = await OpenForAsync(officer, await RegisterAsync(officer, 83));
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, denied)).Single(m => m.Subject!.Contains("派单"))));
        await PostActionAsync(_app.Anonymous(), link, "accept");
        await PostActionAsync(_app.Anonymous(), link, "extension", new() { ["days"] = "3", ["note"] = "需等待上级审批" });
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{denied}/extension-decision", new { approve = false, note = "期限内可完成" })).StatusCode);

        var silent = await OpenForAsync(officer, await RegisterAsync(officer, 84, withNoticeContact: false));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{silent}/reassign", new { departmentCode = "gdgs", note = "改派" })).StatusCode);

        Assert.Equal(0, await ChangeRowsAsync(denied));
        Assert.Equal(0, await ChangeRowsAsync(silent));
    }
}
