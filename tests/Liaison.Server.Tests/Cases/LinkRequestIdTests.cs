using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>A link action's request id belongs to the link that sent it: another link sending it again is not told it succeeded.</summary>
public sealed class LinkRequestIdTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task The_leaders_link_sending_the_handlers_request_id_again_is_refused_not_told_it_succeeded()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("sfj"))).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/urge", new { copyLeader = true })).StatusCode);
        var handler = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "sfj.handler@anyue.example", "【派单】"), m => m.Subject!.Contains(number))));
        var leader = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "sfj.leader@anyue.example", "【催办】"), m => m.Subject!.Contains(number))));
        var anyone = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(anyone, handler, "accept")).StatusCode);

        var form = FormFor(await anyone.GetStringAsync(handler), "progress")!;
        form["note"] = "已与企业对接，资料齐全";
        var first = await anyone.PostAsync(handler, new FormUrlEncodedContent(form));
        // A security review: the leader's link got 302 and "✓ 进展已提交" for the handler's request id; nothing had changed.
        var replayed = await anyone.PostAsync(leader, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        var progress = (await GetCaseAsync(officer, number)).GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "progress");
        Assert.Equal(1, progress);
    }
}
