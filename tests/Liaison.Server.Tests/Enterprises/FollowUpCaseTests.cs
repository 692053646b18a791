using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>
/// 重办 after the close (the enterprise was not satisfied) opens a follow-up case: the officer's pages of the two link to
/// each other, and the original counts the reopening as the league table does.
/// </summary>
public sealed class FollowUpCaseTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(FollowUpCaseTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void At(int month, int day, int hour) =>
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, 0, 0, China).ToUniversalTime());

    [Fact]
    public async Task The_original_and_its_follow_up_link_to_each_other_and_the_original_counts_the_reopening_as_the_league_table_does()
    {
        At(3, 2, 10);
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 31));
        await ConfirmAsync(_app, _officer, number);
        At(3, 3, 10);
        var rating = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RateAsync(_app.Anonymous(), rating, "unsatisfied", "仍未通电")).StatusCode);
        var decided = await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请现场复测" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var followUp = (await decided.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("followUpCaseNumber").GetString()!;

        // The league table counts one reopening against the department; the original says the same, the follow-up none.
        var league = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-02&to=2026-03-08");
        var fgj = league.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("departmentCode").GetString() == "fgj");
        Assert.Equal(1, fgj.GetProperty("reopenings").GetInt32());
        Assert.Equal(1, (await GetCaseAsync(_officer, number)).GetProperty("reopenings").GetInt32());
        Assert.Equal(0, (await GetCaseAsync(_officer, followUp)).GetProperty("reopenings").GetInt32());

        var original = await _officer.GetStringAsync($"/cases/{number}");
        Assert.Contains("<dd>0 / 0 / 1</dd>", original);
        Assert.Matches($"<a href=\"/cases/{followUp}\" data-follow-up[^>]*>{followUp}</a>", original);
        var next = await _officer.GetStringAsync($"/cases/{followUp}");
        Assert.Contains("<dd>0 / 0 / 0</dd>", next);
        Assert.Matches($"<a href=\"/cases/{number}\" data-original-case[^>]*>{number}</a>", next);
        Assert.DoesNotContain("data-follow-up", next);
    }
}
