using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>The enterprise's rating form sent twice answers as the first time; a cancelled case says it cannot be rated.</summary>
public sealed class RatingRepeatTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task The_same_rating_sent_again_with_its_request_id_answers_as_the_first_and_another_rating_is_still_refused()
    {
        var officer = await _app.AsOfficerAsync();
        var number = await OpenForAsync(officer, await RegisterAsync(officer, 41_101));
        await ConfirmAsync(_app, officer, number);
        var path = (await EnterpriseLinksAsync(_app, number))[^1].Path;
        var browser = _app.Anonymous();
        var form = FormFor(await browser.GetStringAsync(path), "rate")!;
        Assert.True(Guid.TryParse(form["requestId"], out _));
        form["score"] = "satisfied";
        form["comment"] = "很好";

        var first = await browser.PostAsync(path, new FormUrlEncodedContent(form));
        var again = await browser.PostAsync(path, new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("评价已提交，感谢您的反馈！", await browser.GetStringAsync(path));
        // Another rating, with the same form's id or a new page's, is not taken: the first stands.
        var changed = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["score"] = "unsatisfied" }));
        var other = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["requestId"] = Guid.NewGuid().ToString() }));
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Contains("已评价，感谢您的反馈", await other.Content.ReadAsStringAsync());
        var rated = (await GetCaseAsync(officer, number)).GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "enterprise-rated");
        Assert.Equal(1, rated);
    }

    [Fact]
    public async Task A_rating_posted_on_a_cancelled_case_says_it_was_cancelled()
    {
        var officer = await _app.AsOfficerAsync();
        var number = await OpenForAsync(officer, await RegisterAsync(officer, 41_102));
        var path = (await EnterpriseLinksAsync(_app, number))[0].Path;
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业撤回诉求" })).StatusCode);

        var refused = await _app.Anonymous().PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["score"] = "satisfied", ["requestId"] = Guid.NewGuid().ToString(),
        }));

        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("该事项已撤销，无需评价", page);
        Assert.DoesNotContain("园区确认办结后才能评价", page);
    }
}
