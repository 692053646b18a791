using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Hosting;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// Nudges that mail the handler, the officer's urges (催办) and a leader's reminders (领导督促), go at most once per
/// case (or co-handling part) and kind within <c>Liaison:NudgeCoolDown</c> (10 minutes): a burst mails once and the
/// rest are told when the last went and when the next may.
/// </summary>
public sealed class NudgeCoolDownTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Handler = "fgj.handler@anyue.example";
    private const string Leader = "fgj.leader@anyue.example";
    private static readonly TimeSpan Window = LiaisonOptions.DefaultNudgeCoolDown;
    private readonly LiaisonApp _app = fixture.App;

    /// <summary>A moment as the pages and messages show it (Asia/Shanghai has no daylight saving).</summary>
    private static string Local(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private async Task<List<MimeKit.MimeMessage>> MailsAsync(string to, string number, string kind) =>
        (await CaseTestKit.MailsAsync(_app, to, number)).Where(m => m.Subject!.Contains(kind)).ToList();

    private static FormUrlEncodedContent WithNewRequestId(Dictionary<string, string> form, string note) =>
        new(new Dictionary<string, string>(form) { ["requestId"] = Guid.NewGuid().ToString(), ["note"] = note });

    [Fact]
    public async Task Six_reminders_from_the_leader_at_once_mail_the_handler_once_and_the_rest_say_when_the_next_may_go()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(Leader, number, "派单抄送"))));
        var leader = _app.Anonymous();
        var form = FormFor(await leader.GetStringAsync(link), "remind")!;
        var at = _app.Clock.GetUtcNow();
        var sent = Enumerable.Range(0, 6).Select(_ => WithNewRequestId(form, "请尽快签收")).ToList();

        var answers = await Task.WhenAll(sent.Select(s => leader.PostAsync(link, s)));

        var won = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        var tooSoon = await answers.First(a => a.StatusCode == HttpStatusCode.Conflict).Content.ReadAsStringAsync();
        var message = $"已于 {Local(at)} 提醒过经办人，10 分钟内只提醒一次：{Local(at + Window)} 后可再次提醒";
        Assert.Contains(message, tooSoon);
        // Said once, at the top: there is nothing in the form to correct.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(tooSoon, System.Text.RegularExpressions.Regex.Escape(message)));
        Assert.Contains($"<div class=\"card\" role=\"alert\"><p class=\"error\">{message}", tooSoon);
        Assert.DoesNotContain("请更正下方表单中标出的内容", tooSoon);
        Assert.DoesNotContain("data-refused-summary", tooSoon);
        Assert.DoesNotContain("data-form-error", tooSoon);
        Assert.Single(await MailsAsync(Handler, number, "领导督促"));

        // The reminder that went, sent again, answers as it did; one refused, sent again, is still too soon.
        var wonForm = sent[Array.IndexOf(answers, won)];
        var refusedForm = sent[Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.Conflict)];
        Assert.Equal(HttpStatusCode.Redirect, (await leader.PostAsync(link, wonForm)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await leader.PostAsync(link, refusedForm)).StatusCode);
        Assert.Single(await MailsAsync(Handler, number, "领导督促"));

        _app.Clock.Advance(Window);
        Assert.Equal(HttpStatusCode.Redirect, (await leader.PostAsync(link, WithNewRequestId(form, "仍未签收，请今天处理"))).StatusCode);
        Assert.Equal(2, (await MailsAsync(Handler, number, "领导督促")).Count);
    }

    [Fact]
    public async Task Six_urges_at_once_mail_the_handler_and_the_leader_once_and_any_officers_next_waits_for_the_window()
    {
        var officer = await _app.AsOfficerAsync("li.si@test.example");
        await _app.NameAsync("li.si@test.example", "李四");
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var at = _app.Clock.GetUtcNow();
        var bodies = Enumerable.Range(0, 6).Select(_ => new { note = "企业急需，请尽快办理", copyLeader = true, requestId = Guid.NewGuid() }).ToList();

        var answers = await Task.WhenAll(bodies.Select(b => officer.PostAsJsonAsync($"/api/cases/{number}/urge", b)));

        var won = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        var detail = (await answers.First(a => a.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains($"李四 已于 {Local(at)} 催办经办人，10 分钟内只催办一次：{Local(at + Window)} 后可再次催办", detail);
        Assert.Contains($"The handler was urged by 李四 at {Local(at)}; one urge per 10 minutes: the next may be sent from {Local(at + Window)}", detail);
        Assert.Single(await MailsAsync(Handler, number, "催办"));
        Assert.Single(await MailsAsync(Leader, number, "催办"));

        // The one that went, sent again, is answered as it was; another officer's, or the case page's, waits.
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/urge", bodies[Array.IndexOf(answers, won)])).StatusCode);
        var colleague = await _app.AsOfficerAsync("colleague@test.example");
        Assert.Equal(HttpStatusCode.Conflict, (await colleague.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = "请办理" })).StatusCode);
        var browser = await _app.SignInThroughFormAsync("li.si@test.example", "officer-password-1");
        var page = await browser.PostAsync($"/cases/{number}/urge",
            new FormUrlEncodedContent(new Dictionary<string, string>(FormFor(await browser.GetStringAsync($"/cases/{number}"), "urge")!) { ["note"] = "请办理" }));
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        Assert.Contains("后可再次催办", await page.Content.ReadAsStringAsync());
        Assert.Single(await MailsAsync(Handler, number, "催办"));

        _app.Clock.Advance(Window);
        Assert.Equal(HttpStatusCode.OK, (await colleague.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = "请办理" })).StatusCode);
        Assert.Equal(2, (await MailsAsync(Handler, number, "催办")).Count);
        Assert.Single(await MailsAsync(Leader, number, "催办"));
    }

    [Fact]
    public async Task A_co_handlers_part_has_a_window_of_its_own_and_an_urge_and_a_reminder_do_not_hold_each_other_up()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await OpenAsync(officer, JointPartExtensionTests.JointCase("fgj", ("gsgs", "请核实用水指标")));
        var number = opened.GetProperty("number").GetString()!;
        var partId = JointPartExtensionTests.IdOf(JointPartExtensionTests.Part(opened, "gsgs"));
        var partLeaderLink = PathOf(LinkIn(Assert.Single(await MailsAsync("gsgs.leader@anyue.example", number, "派单抄送"))));

        var lead = await officer.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = "请尽快签收" });
        var part = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/urge", new { note = "请尽快签收" });
        var reminded = await PostActionAsync(_app.Anonymous(), partLeaderLink, "remind", new() { ["note"] = "请尽快签收" });
        var partAgain = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{partId}/urge", new { note = "请尽快签收" });
        var remindedAgain = await PostActionAsync(_app.Anonymous(), partLeaderLink, "remind", new() { ["note"] = "请尽快签收" });

        Assert.Equal(HttpStatusCode.OK, lead.StatusCode);
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, reminded.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, partAgain.StatusCode);
        Assert.Contains("催办供水公司（协办）", (await partAgain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, remindedAgain.StatusCode);
        Assert.Single(await MailsAsync("gsgs.handler@anyue.example", number, "催办"));
        Assert.Single(await MailsAsync("gsgs.handler@anyue.example", number, "领导督促"));
        Assert.Single(await MailsAsync(Handler, number, "催办"));
    }
}
