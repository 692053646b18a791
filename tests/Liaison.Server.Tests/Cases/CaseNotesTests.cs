using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>备注: an officer's note on the timeline, for officers only.</summary>
public sealed class CaseNotesTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private static List<JsonElement> Notes(JsonElement c) =>
        c.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == CaseEventKinds.OfficerNote).ToList();

    [Fact]
    public async Task An_officers_note_goes_on_the_timeline_once_per_request_and_the_liaison_does_not_see_it()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, NewCase("jtysj", title: "备注测试"))).GetProperty("number").GetString()!;
        var body = new { note = "已电话联系企业王经理，材料周五补齐", requestId = Guid.NewGuid() };

        var first = await officer.PostAsJsonAsync($"/api/cases/{number}/notes", body);
        var again = await officer.PostAsJsonAsync($"/api/cases/{number}/notes", body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var c = await GetCaseAsync(officer, number);
        var note = Assert.Single(Notes(c));
        Assert.Equal(("officer@test.example", "已电话联系企业王经理，材料周五补齐"), (note.GetProperty("actor").GetString(), note.GetProperty("note").GetString()));
        Assert.Equal("dispatched", c.GetProperty("status").GetString());

        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "jtysj.handler@anyue.example", "【派单】"))));
        var liaisonPage = await _app.Anonymous().GetStringAsync(link);
        Assert.Contains(number, liaisonPage);
        Assert.DoesNotContain("王经理，材料周五补齐", liaisonPage);
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var casePage = await browser.GetStringAsync($"/cases/{number}");
        Assert.Contains("<td role=\"cell\">园区备注</td>", casePage);
        Assert.Contains("已电话联系企业王经理，材料周五补齐", casePage);
    }

    [Fact]
    public async Task A_note_is_required_and_an_ended_case_still_takes_one()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业撤回" })).StatusCode);

        var empty = await officer.PostAsJsonAsync($"/api/cases/{number}/notes", new { note = "  " });
        var tooLong = await officer.PostAsJsonAsync($"/api/cases/{number}/notes", new { note = new string('注', 2001) });
        var unknown = await officer.PostAsJsonAsync("/api/cases/AYKF-2026-999999/notes", new { note = "x" });
        var afterEnd = await officer.PostAsJsonAsync($"/api/cases/{number}/notes", new { note = "企业回访：问题已自行解决" });

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.True((await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("note", out _));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterEnd.StatusCode);
        Assert.Equal("企业回访：问题已自行解决", Assert.Single(Notes(await GetCaseAsync(officer, number))).GetProperty("note").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().PostAsJsonAsync($"/api/cases/{number}/notes", new { note = "x" })).StatusCode);
    }

    [Fact]
    public async Task The_case_page_adds_a_note_from_its_form()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var page = await browser.GetStringAsync($"/cases/{number}");
        var token = System.Text.RegularExpressions.Regex.Match(page, "<form method=\"post\" action=\"/cases/[^\"]+/notes\"[^>]*>(.*?)</form>",
            System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;

        var response = await browser.PostAsync($"/cases/{number}/notes", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(token),
            ["note"] = "已现场走访",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/cases/{number}", response.Headers.Location?.OriginalString);
        Assert.Contains("备注已添加", await browser.GetStringAsync($"/cases/{number}"));
        Assert.Single(Notes(await GetCaseAsync(officer, number)));

        // An empty note is asked for by the form's own word for it (备注), not the decision forms' 说明.
        var empty = await browser.PostAsync($"/cases/{number}/notes", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(token),
            ["note"] = " ",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var refused = await empty.Content.ReadAsStringAsync();
        Assert.Contains("备注：必填", refused);
        Assert.DoesNotContain("说明：必填", refused);
        Assert.Single(Notes(await GetCaseAsync(officer, number)));
    }
}
