using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Hosting;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>催办: the officer urges the handler of a case that is with them; a mail, a timeline entry, no change of state.</summary>
public sealed class CaseUrgeTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Handler = "fgj.handler@anyue.example";
    private const string Leader = "fgj.leader@anyue.example";
    private readonly LiaisonApp _app = fixture.App;

    private static List<JsonElement> Urges(JsonElement c) =>
        c.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == CaseEventKinds.Urged).ToList();

    [Fact]
    public async Task The_handler_gets_the_officers_note_with_a_working_link_once_per_request_and_the_leader_when_copied()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var request = new { note = "企业下周要开工，请尽快出具意见", copyLeader = true, requestId = Guid.NewGuid() };

        var first = await officer.PostAsJsonAsync($"/api/cases/{number}/urge", request);
        var again = await officer.PostAsJsonAsync($"/api/cases/{number}/urge", request);
        // Another urge waits out the cool-down (NudgeCoolDownTests).
        _app.Clock.Advance(LiaisonOptions.DefaultNudgeCoolDown);
        var plain = await officer.PostAsync($"/api/cases/{number}/urge", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var c = await GetCaseAsync(officer, number);
        Assert.Equal("dispatched", c.GetProperty("status").GetString());
        var urges = Urges(c);
        Assert.Equal(2, urges.Count);
        Assert.Equal(("officer@test.example", "企业下周要开工，请尽快出具意见"), (urges[0].GetProperty("actor").GetString(), urges[0].GetProperty("note").GetString()));
        var toHandler = await MailsAsync(_app, Handler, "【催办】");
        Assert.Equal(2, toHandler.Count);
        var withNote = Assert.Single(toHandler, m => m.TextBody!.Contains("催办意见：企业下周要开工，请尽快出具意见"));
        Assert.Single(toHandler, m => !m.TextBody!.Contains("催办意见"));
        Assert.Single(await MailsAsync(_app, Leader, "【催办】"));
        // The mail threads with the case's first one and its link works.
        Assert.NotNull(withNote.InReplyTo);
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), PathOf(LinkIn(withNote)), "accept")).StatusCode);
    }

    [Fact]
    public async Task An_officer_without_a_display_name_is_named_in_the_urge_by_their_email_as_the_timeline_names_them()
    {
        const string nameless = "nameless.officer@test.example";
        var officer = await _app.AsOfficerAsync(nameless);
        await _app.NameAsync(nameless, "");
        // A department of its own: the class's other tests count the mails to theirs.
        var number = (await OpenAsync(officer, NewCase("sfj"))).GetProperty("number").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = "请尽快签收" })).StatusCode);

        var urged = Assert.Single(await MailsAsync(_app, "sfj.handler@anyue.example", "【催办】"), m => m.Subject!.Contains(number));
        Assert.Contains($"园区工作人员 {nameless} 催办以下事项", urged.TextBody);
    }

    [Fact]
    public async Task One_request_id_sent_at_once_for_eight_cases_urges_one_and_the_others_are_told_it_was_used()
    {
        var officer = await _app.AsOfficerAsync();
        var numbers = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            numbers.Add((await OpenAsync(officer)).GetProperty("number").GetString()!);
        }

        var requestId = Guid.NewGuid();
        var answers = await Task.WhenAll(numbers.Select(n => officer.PostAsJsonAsync($"/api/cases/{n}/urge", new { note = "请尽快办理", requestId })));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Contains("requestId", await refused.Content.ReadAsStringAsync());
        }

        var urged = 0;
        foreach (var n in numbers)
        {
            urged += Urges(await GetCaseAsync(officer, n)).Count;
        }

        Assert.Equal(1, urged);
    }

    [Fact]
    public async Task Only_a_case_with_its_handler_is_urged_and_a_long_note_is_refused()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;

        var tooLong = await officer.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = new string('催', 2001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("note", out _));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业已撤回诉求" })).StatusCode);
        var ended = await officer.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = "请办理" });
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        Assert.Contains("Not allowed while the case is", await ended.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsJsonAsync("/api/cases/AYKF-2026-999999/urge", new { note = "x" })).StatusCode);
        Assert.Empty(Urges(await GetCaseAsync(officer, number)));
    }

    [Fact]
    public async Task A_co_handler_whose_part_is_open_is_urged_on_its_own_link_and_a_submitted_part_is_not()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await OpenAsync(officer, JointLeadViewTests.JointCase("zjj", ("gsgs", "请核实用水指标"), ("gdgs", "请核实用电容量")));
        var number = opened.GetProperty("number").GetString()!;
        var parts = opened.GetProperty("coDepartments").EnumerateArray().ToDictionary(p => p.GetProperty("departmentCode").GetString()!, p => p.GetProperty("id").GetInt64());
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var page = await browser.GetStringAsync($"/cases/{number}");
        var form = FormFor(page, $"part-urge-{parts["gsgs"]}")!;

        var urged = await browser.PostAsync($"/cases/{number}/parts/{parts["gsgs"]}/urge",
            new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["note"] = "主办部门在等贵单位意见" }));
        var twice = await browser.PostAsync($"/cases/{number}/parts/{parts["gsgs"]}/urge",
            new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["note"] = "主办部门在等贵单位意见" }));

        Assert.Equal(HttpStatusCode.Redirect, urged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, twice.StatusCode);
        var mail = Assert.Single(await MailsAsync(_app, "gsgs.handler@anyue.example", "【催办·协办】"));
        Assert.Contains("主办部门在等贵单位意见", mail.TextBody);
        // About the part: its task, the lead, its submit deadline, and what is asked (协办意见, not the case's resolution).
        Assert.Contains("协办任务：请核实用水指标", mail.TextBody);
        Assert.Contains("主办部门：住房和城乡建设局（贵单位协办）", mail.TextBody);
        Assert.Contains("提交期限：", mail.TextBody);
        Assert.Contains("按期提交协办意见", mail.TextBody);
        Assert.DoesNotContain("办结", mail.TextBody);
        Assert.Contains(">提交期限</td>", mail.HtmlBody);
        Assert.Empty(await MailsAsync(_app, "gdgs.handler@anyue.example", "催办"));
        Assert.Empty(await MailsAsync(_app, "zjj.handler@anyue.example", "催办"));
        var entry = Assert.Single(Urges(await GetCaseAsync(officer, number)));
        Assert.Equal(parts["gsgs"], entry.GetProperty("partId").GetInt64());
        // The mail carries the co-handler's own link: it accepts the part.
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), PathOf(LinkIn(mail)), "accept")).StatusCode);
        Assert.Equal("accepted", (await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray()
            .Single(p => p.GetProperty("id").GetInt64() == parts["gsgs"]).GetProperty("status").GetString());

        // A part its department has submitted is not urged.
        var partLink = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", "【派单·协办】"))));
        await PostActionAsync(_app.Anonymous(), partLink, "accept");
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), partLink, "submit", new() { ["note"] = "用电容量满足" })).StatusCode);
        var refused = await officer.PostAsJsonAsync($"/api/cases/{number}/parts/{parts["gdgs"]}/urge", new { note = "请办理" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Empty(await MailsAsync(_app, "gdgs.handler@anyue.example", "催办"));
    }

    [Fact]
    public async Task The_case_page_offers_it_while_the_case_is_with_the_handler()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("czj", title: "页面催办"))).GetProperty("number").GetString()!;
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");

        var form = FormFor(await browser.GetStringAsync($"/cases/{number}"), CaseActions.Urge)!;
        var response = await browser.PostAsync($"/cases/{number}/urge",
            new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["note"] = "请本周内签收", ["copyLeader"] = "true" }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/cases/{number}", response.Headers.Location?.OriginalString);
        Assert.Single(Urges(await GetCaseAsync(officer, number)));
        Assert.Single(await MailsAsync(_app, "czj.leader@anyue.example", "【催办】"));
        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.Contains("已催办，经办人将收到邮件", page);
        Assert.Contains("<td role=\"cell\">园区催办</td>", page);
        Assert.Contains("已抄送分管领导", page);
    }
}
