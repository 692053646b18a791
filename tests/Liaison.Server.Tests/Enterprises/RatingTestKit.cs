using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Cases.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using MimeKit;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>An enterprise with a notice contact, its cases taken to confirmation, and its personal links.</summary>
public static partial class RatingTestKit
{
    public const string NoticeEmail = "zhang.min@lemon.example";
    public const string NoticePhone = "13900001111";
    public const string OtherEmail = "li.kuaiji@lemon.example";
    public const string OtherPhone = "028-87654321";
    public const string Handler = "fgj.handler@anyue.example";

    /// <summary>A valid, fictitious credit code (the register tests use MA1…, the samples MA0…).</summary>
    public static string Code(int n)
    {
        var first17 = $"91512021MA2{n:D6}";
        return first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
    }

    /// <summary>Registers an enterprise whose notice contact (张敏) has an email, beside another contact; or no contacts when <paramref name="withNoticeContact"/> is false.</summary>
    public static async Task<long> RegisterAsync(HttpClient officer, int n, bool withNoticeContact = true)
    {
        // The register marks the first contact for notices when none is: "no notice contact" is an entry without contacts.
        var contacts = withNoticeContact
            ? new List<object> { new { name = "李会计", phone = OtherPhone, email = OtherEmail }, new { name = "张敏", phone = NoticePhone, email = NoticeEmail, forNotices = true } }
            : [];

        var response = await officer.PostAsJsonAsync("/api/enterprises", new
        {
            name = $"安岳测试柠檬科技有限公司{n}", creditCode = Code(n), industryChain = "other", address = "安岳经济开发区", isKey = false, contacts,
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    public static async Task<string> OpenForAsync(HttpClient officer, long enterpriseId, string department = "fgj", string title = "新厂房专线接电") =>
        (await OpenAsync(officer, new
        {
            title, description = "企业新厂房需要 10kV 专线接入。", category = "factor-guarantee", priority = "normal", departmentCode = department, enterpriseId,
        })).GetProperty("number").GetString()!;

    /// <summary>The handler accepts, reports progress and resolves through its link; the officer confirms (销号).</summary>
    public static async Task ConfirmAsync(LiaisonApp app, HttpClient officer, string number, string handlerNote = "内部进展：已协调供电公司",
        string resolution = "10kV 专线已接通", string officerNote = "专员内部意见：该企业此前多次投诉")
    {
        await ResolveAsync(app, number, handlerNote, resolution);
        var confirmed = await officer.PostAsJsonAsync($"/api/cases/{number}/confirm", new { note = officerNote });
        Assert.True(confirmed.StatusCode == HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
    }

    public static async Task ResolveAsync(LiaisonApp app, string number, string handlerNote = "内部进展：已协调供电公司", string resolution = "10kV 专线已接通",
        string handler = Handler)
    {
        // Any server's address: the in-memory one or a browser test's Kestrel.
        var link = PathOf(AnyLinkPattern().Match((await MailsAsync(app, handler, number)).First().TextBody ?? "").Value);
        var browser = app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "progress", new() { ["note"] = handlerNote })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "resolve", new() { ["note"] = resolution })).StatusCode);
    }

    /// <summary>The enterprise links mailed to the notice contact about <paramref name="number"/>, in the order sent.</summary>
    public static async Task<List<(MimeMessage Mail, string Path)>> EnterpriseLinksAsync(LiaisonApp app, string number)
    {
        // The mails that carry one: a cancellation's or a change notice (改派, a new deadline) carries none.
        var mails = (await MailsAsync(app, NoticeEmail, number)).Where(m => EnterpriseLinkPattern().IsMatch(m.TextBody ?? ""));
        return mails.Select(m => (m, PathOf(EnterpriseLinkPattern().Match(m.TextBody ?? "").Value))).ToList();
    }

    /// <summary>Fills the rating form of the page at <paramref name="path"/> and posts it.</summary>
    public static async Task<HttpResponseMessage> RateAsync(HttpClient browser, string path, string score, string? comment = null)
    {
        var form = FormFor(await browser.GetStringAsync(path), "rate") ?? throw new InvalidOperationException("No rating form at " + path);
        form["score"] = score;
        if (comment is not null) form["comment"] = comment;
        return await browser.PostAsync(path, new FormUrlEncodedContent(form));
    }

    [GeneratedRegex(@"https?://[^/\s]+/e/[A-Za-z0-9_-]{43}")]
    public static partial Regex EnterpriseLinkPattern();

    [GeneratedRegex(@"https?://[^/\s]+/l/[A-Za-z0-9_-]{43}")]
    private static partial Regex AnyLinkPattern();
}
