using System.Net;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Hardening;

/// <summary>
/// A browser sends a textarea's line breaks as CRLF but counts each as one character for maxlength: the server counts
/// them as the browser did, and keeps the text with plain line breaks, on every form.
/// </summary>
public sealed class FormLineBreakTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    /// <summary>1,999 characters as the browser counts them (1,500 and 499 line breaks), 2,498 as CRLF sends them.</summary>
    private static readonly string[] Lines = Enumerable.Repeat("甲乙丙", 500).ToArray();

    private static string Note(JsonElement c, string kind) =>
        c.GetProperty("timeline").EnumerateArray().Last(e => e.GetProperty("kind").GetString() == kind).GetProperty("note").GetString()!;

    [Fact]
    public async Task A_link_forms_note_within_the_browsers_maxlength_is_taken_with_its_line_breaks_counted_once()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, "fgj.handler@anyue.example", number)).Single()));
        var browser = _app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, link, "accept")).StatusCode);

        var response = await PostActionAsync(browser, link, "progress", new() { ["note"] = string.Join("\r\n", Lines) });

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        Assert.Equal(string.Join("\n", Lines), Note(await GetCaseAsync(officer, number), "progress"));
    }

    [Fact]
    public async Task An_officer_forms_note_within_the_browsers_maxlength_is_taken_with_its_line_breaks_counted_once()
    {
        var api = await _app.AsOfficerAsync();
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var number = (await OpenAsync(api)).GetProperty("number").GetString()!;
        var page = await browser.GetStringAsync($"/cases/{number}");
        var requestId = System.Text.RegularExpressions.Regex.Match(page, "action=\"/cases/[^\"]+/notes\".*?name=\"requestId\" value=\"([^\"]+)\"",
            System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;

        var response = await browser.PostAsync($"/cases/{number}/notes", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(page), ["requestId"] = requestId, ["note"] = string.Join("\r\n", Lines),
        }));

        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(string.Join("\n", Lines), Note(await GetCaseAsync(api, number), "officer-note"));
    }
}
