using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Liaison.Server.Digests;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>满意率 in the league table: counted for the lead at confirmation, by the rating's time, unrated and expired windows left out.</summary>
public sealed class SatisfactionLeagueTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(SatisfactionLeagueTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void At(int month, int day, int hour) => _app.Clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, 0, 0, China).ToUniversalTime());

    private async Task RateAsync(string number, string score)
    {
        var path = (await EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RatingTestKit.RateAsync(_app.Anonymous(), path, score)).StatusCode);
    }

    /// <summary>
    /// The week of Monday 9 March: fgj's cases rated 满意, 基本满意 and 不满意 on Tuesday 10th, one confirmed on the 9th
    /// and not rated (its window still open), one confirmed on Monday 2nd whose window closed unrated on the 9th at 18:00.
    /// A 满意 rated the week before (on the 6th) is not in this week; a jxj case rated 满意 counts for jxj.
    /// </summary>
    [Fact]
    public async Task Satisfaction_rate_for_a_week_with_mixed_ratings_in_json_csv_and_the_weekly_mail()
    {
        At(3, 2, 10);
        var enterprise = await RegisterAsync(_officer, 21);
        var expired = await OpenForAsync(_officer, enterprise);
        var earlier = await OpenForAsync(_officer, enterprise);
        await ConfirmAsync(_app, _officer, expired);
        await ConfirmAsync(_app, _officer, earlier);
        At(3, 6, 10);
        await RateAsync(earlier, "satisfied");

        At(3, 9, 10);
        var cases = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var number = await OpenForAsync(_officer, enterprise);
            await ConfirmAsync(_app, _officer, number);
            cases.Add(number);
        }

        var jxj = await OpenForAsync(_officer, enterprise, "jxj");
        await ResolveAsync(_app, jxj, handler: "jxj.handler@anyue.example");
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{jxj}/confirm", new { note = "同意" })).StatusCode);

        At(3, 10, 10);
        await RateAsync(cases[0], "satisfied");
        await RateAsync(cases[1], "fairly-satisfied");
        await RateAsync(cases[2], "unsatisfied");
        await RateAsync(jxj, "satisfied");
        // cases[3]: no rating (its window is open until Monday 16th); `expired` closed on the 9th at 18:00.

        At(3, 16, 9); // Monday: the weekly mail for 9–15 March
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DigestService>().SendLeagueTableAsync();
        }

        var json = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-09&to=2026-03-15");
        JsonElement Row(string code) => json.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("departmentCode").GetString() == code).GetProperty("satisfaction");
        string Counts(JsonElement s) => string.Join(',', new[] { "satisfied", "fairlySatisfied", "unsatisfied", "rated", "expired" }.Select(p => s.GetProperty(p).GetInt32()));

        Assert.Equal("1,1,1,3,1", Counts(Row("fgj")));
        Assert.Equal(2.0 / 3, Row("fgj").GetProperty("rate").GetDouble(), 6);
        Assert.Equal("1,0,0,1,0", Counts(Row("jxj")));
        Assert.Equal(1.0, Row("jxj").GetProperty("rate").GetDouble());
        Assert.Equal(JsonValueKind.Null, Row("gdgs").GetProperty("rate").ValueKind); // nothing rated: no rate, not 0%
        Assert.Equal("2,1,1,4,1", Counts(json.GetProperty("totals").GetProperty("satisfaction")));
        // The week before holds the earlier 满意 only.
        var before = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-02&to=2026-03-08");
        Assert.Equal("1,0,0,1,0", Counts(before.GetProperty("totals").GetProperty("satisfaction")));

        var csv = Encoding.UTF8.GetString(await _officer.GetByteArrayAsync("/api/reports/league-table.csv?from=2026-03-09&to=2026-03-15"));
        var lines = csv.Split("\r\n");
        Assert.EndsWith(",企业满意 Satisfied,企业基本满意 Fairly satisfied,企业不满意 Unsatisfied,企业已评价 Rated,满意率 Satisfaction rate,评价期满未评价 Rating windows expired", lines[0]);
        Assert.EndsWith(",1,1,1,3,67%,1", lines.Single(l => l.StartsWith("fgj,")));
        Assert.EndsWith(",0,0,0,0,,0", lines.Single(l => l.StartsWith("gdgs,")));

        var mail = Assert.Single(await MailsAsync(_app, "leadership@anyue.example", "【红黄榜】"), m => m.Subject!.Contains("2026年3月9日"));
        Assert.Contains("发展和改革局：满意 1，基本满意 1，不满意 1，满意率 67%，期满未评 1", mail.TextBody);
        Assert.Contains("合计：满意 2，基本满意 1，不满意 1，满意率 75%，期满未评 1", mail.TextBody);
        Assert.Contains("企业满意率", mail.HtmlBody);
    }
}
