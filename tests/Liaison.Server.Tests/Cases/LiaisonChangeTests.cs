using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>An admin names a department's new liaison: its open cases and co-handling parts go to the new person.</summary>
public sealed class LiaisonChangeTests : IAsyncLifetime
{
    private const string OldHandler = "fgj.handler@anyue.example";
    private const string NewHandler = "new.handler@anyue.example";
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(LiaisonChangeTests));
        _officer = await _app.AsOfficerAsync();
        _admin = await _app.AsAdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> SaveFgjAsync(string handlerName, string handlerEmail, string leaderName, string leaderEmail) =>
        _admin.PutAsJsonAsync("/api/departments/fgj", new
        {
            name = "发展和改革局",
            handler = new { name = handlerName, email = handlerEmail },
            leader = new { name = leaderName, email = leaderEmail },
        });

    [Fact]
    public async Task A_new_handler_takes_over_the_departments_open_cases_and_parts_with_links_of_their_own()
    {
        var dispatched = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var accepted = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var cancelled = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var elsewhere = (await OpenAsync(_officer, NewCase("czj"))).GetProperty("number").GetString()!;
        var joint = (await OpenAsync(_officer, JointLeadViewTests.JointCase("zjj", ("fgj", "请核实立项手续")))).GetProperty("number").GetString()!;
        var oldMails = await MailsAsync(_app, OldHandler, "【派单】");
        string OldLink(string number) => PathOf(LinkIn(oldMails.Single(m => m.Subject.Contains(number))));
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, OldLink(accepted), "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "企业已自行解决" })).StatusCode);
        // The old handler's page, open on their phone before the change.
        var acceptedPage = await browser.GetStringAsync(OldLink(accepted));

        var saved = await SaveFgjAsync("新经办人", NewHandler, "发展和改革局分管领导（示例）", "fgj.leader@anyue.example");

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        foreach (var number in new[] { dispatched, accepted })
        {
            var c = await GetCaseAsync(_officer, number);
            Assert.Equal(NewHandler, c.GetProperty("handler").GetProperty("email").GetString());
            var entry = Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.LiaisonChanged);
            Assert.Equal("经办人 发展和改革局联络人（示例） → 新经办人", entry.GetProperty("note").GetString());
            Assert.Equal(LiaisonApp.AdminEmail, entry.GetProperty("actor").GetString());
        }

        var part = Assert.Single((await GetCaseAsync(_officer, joint)).GetProperty("coDepartments").EnumerateArray());
        Assert.Equal(NewHandler, part.GetProperty("handler").GetProperty("email").GetString());
        Assert.Equal(OldHandler, (await GetCaseAsync(_officer, cancelled)).GetProperty("handler").GetProperty("email").GetString());
        Assert.Equal("czj.handler@anyue.example", (await GetCaseAsync(_officer, elsewhere)).GetProperty("handler").GetProperty("email").GetString());

        // The old links no longer work; the new handler has one mail per case or part with the handler, each with a working link.
        var stale = new Dictionary<string, string>(FormFor(acceptedPage, "progress")!) { ["note"] = "旧链接" };
        var refused = await browser.PostAsync(OldLink(accepted), new FormUrlEncodedContent(stale));
        Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.True((int)refused.StatusCode >= 400, refused.StatusCode.ToString());
        Assert.NotEqual(HttpStatusCode.OK, (await browser.GetAsync(OldLink(dispatched))).StatusCode);
        Assert.Equal("accepted", (await GetCaseAsync(_officer, accepted)).GetProperty("status").GetString());
        var handedOver = await MailsAsync(_app, NewHandler, "【转交】");
        Assert.Equal(new[] { dispatched, accepted, joint }.Order(), handedOver.Select(m => m.Subject.Split(' ')[0]["【转交】".Length..]).Order());
        Assert.Contains("原经办人：发展和改革局联络人（示例）", handedOver[0].TextBody);
        Assert.Empty(await MailsAsync(_app, "fgj.leader@anyue.example", "【转交】"));
        var newLink = PathOf(LinkIn(handedOver.Single(m => m.Subject.Contains(accepted))));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, newLink, "progress", new() { ["note"] = "新经办人已接手" })).StatusCode);
        Assert.Equal("in-progress", (await GetCaseAsync(_officer, accepted)).GetProperty("status").GetString());
        var partLink = PathOf(LinkIn(handedOver.Single(m => m.Subject.Contains(joint))));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, partLink, "accept")).StatusCode);

        // Saving the same people again changes nothing and sends nothing.
        Assert.Equal(HttpStatusCode.OK, (await SaveFgjAsync("新经办人", NewHandler, "发展和改革局分管领导（示例）", "fgj.leader@anyue.example")).StatusCode);
        Assert.Equal(3, (await MailsAsync(_app, NewHandler, "【转交】")).Count);
        Assert.Single((await GetCaseAsync(_officer, dispatched)).GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.LiaisonChanged);
    }

    [Fact]
    public async Task A_new_leader_is_named_on_the_open_cases_without_a_mail_and_the_old_leaders_links_end()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var leaderCopy = Assert.Single(await MailsAsync(_app, "fgj.leader@anyue.example", number));
        var before = _app.Smtp!.Received.Count;

        Assert.Equal(HttpStatusCode.OK, (await SaveFgjAsync("发展和改革局联络人（示例）", OldHandler.ToUpperInvariant(), "新领导", "new.leader@anyue.example")).StatusCode);

        var c = await GetCaseAsync(_officer, number);
        Assert.Equal(("新领导", "new.leader@anyue.example"), (c.GetProperty("leader").GetProperty("name").GetString(), c.GetProperty("leader").GetProperty("email").GetString()));
        // The handler's email only changed case: the same person, whose link goes on working.
        Assert.Equal(OldHandler.ToUpperInvariant(), c.GetProperty("handler").GetProperty("email").GetString());
        var entry = Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.LiaisonChanged);
        Assert.Equal("分管领导 发展和改革局分管领导（示例） → 新领导", entry.GetProperty("note").GetString());
        await _app.RelayMailAsync();
        Assert.Equal(before, _app.Smtp.Received.Count);
        Assert.NotEqual(HttpStatusCode.OK, (await _app.Anonymous().GetAsync(PathOf(LinkIn(leaderCopy)))).StatusCode);
        var handlerLink = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, OldHandler, number))));
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), handlerLink, "accept")).StatusCode);
    }
}
