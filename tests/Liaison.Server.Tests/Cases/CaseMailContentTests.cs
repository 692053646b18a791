using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>What a case's mails tell the person who must decide or act: the date an extension would give, why a reassigned case was returned.</summary>
public sealed class CaseMailContentTests : IAsyncLifetime
{
    private const string Handler = "fgj.handler@anyue.example";
    private const string Officer = "officer@test.example";
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CaseMailContentTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Number, string Link)> OpenWithLinkAsync()
    {
        var number = (await OpenAsync(_officer, NewCase())).GetProperty("number").GetString()!;
        var mail = (await MailsAsync(_app, Handler, number)).Single(m => m.Subject!.Contains("派单"));
        return (number, PathOf(LinkIn(mail)));
    }

    [Fact]
    public async Task The_extension_request_mail_says_the_due_date_approving_it_would_give_counted_over_weekend_and_holiday()
    {
        // Opened Friday 27 March 2026: 5 working days end Friday 3 April 18:00. One more working day skips the weekend
        // and the Qingming holiday (4–6 April): Tuesday 7 April.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 27, 10, 0, 0, Beijing).ToUniversalTime());
        var (number, link) = await OpenWithLinkAsync();
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");

        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "extension", new() { ["days"] = "1", ["note"] = "需等待上级审批" })).StatusCode);

        var mail = Assert.Single(await MailsAsync(_app, Officer, "【延期申请】"));
        Assert.Contains("当前办结期限：2026年4月3日（周五）18:00", mail.TextBody);
        Assert.Contains("批准后办结期限：2026年4月7日（周二）18:00", mail.TextBody);
        Assert.Contains("2026年4月7日（周二）18:00", mail.HtmlBody);
        // The date the approval then gives is that one.
        var approved = await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 4, 7, 18, 0, 0, Beijing), (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_returned_case_reassigned_to_another_department_tells_it_who_returned_it_and_why()
    {
        var (number, link) = await OpenWithLinkAsync();
        var first = Assert.Single(await MailsAsync(_app, Handler, number));
        // A first dispatch has nothing returned to tell.
        Assert.DoesNotContain("已退回", first.TextBody);
        Assert.DoesNotContain("退回原因", first.HtmlBody);

        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "专线接入由供电公司负责" });
        var reassigned = await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "请供电公司牵头办理" });
        Assert.Equal(HttpStatusCode.OK, reassigned.StatusCode);

        var mail = Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", number));
        Assert.StartsWith("【派单】" + number, mail.Subject);
        Assert.Contains("本事项原派发展和改革局办理，该部门已退回，退回原因：不属于本部门职责。园区现改派贵单位办理。", mail.TextBody);
        Assert.Contains("发展和改革局的退回说明：专线接入由供电公司负责", mail.TextBody);
        Assert.Contains("园区说明：请供电公司牵头办理", mail.TextBody);
        Assert.Contains("退回原因：不属于本部门职责", mail.HtmlBody);
        Assert.Contains("专线接入由供电公司负责", mail.HtmlBody);
    }

    [Fact]
    public async Task The_reassigned_dispatch_speaks_the_new_handlers_language()
    {
        await _app.WithDbAsync(async db =>
        {
            var gdgs = await db.Departments.SingleAsync(d => d.Code == "gdgs");
            gdgs.Handler.Culture = "en";
            await db.SaveChangesAsync();
            return 0;
        });
        var (number, link) = await OpenWithLinkAsync();
        await PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "专线接入由供电公司负责" });
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs" })).StatusCode);

        var mail = Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", number));
        Assert.Contains("This case was first sent to 发展和改革局, which returned it (not within the department's remit)", mail.TextBody);
        Assert.Contains("发展和改革局's return note: 专线接入由供电公司负责", mail.TextBody);
        Assert.DoesNotContain("The zone's note", mail.TextBody);
    }
}
