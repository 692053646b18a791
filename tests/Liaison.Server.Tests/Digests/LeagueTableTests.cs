using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Liaison.Server.Data.Migrations;
using Liaison.Server.Digests;
using Liaison.Server.Tests.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Digests;

/// <summary>The league table (红黄榜) over a crafted week of real cases: the weekly mail, the JSON and CSV reports.</summary>
public sealed class LeagueTableTests : IAsyncLifetime
{
    private const string Fgj = "fgj.handler@anyue.example";
    private const string Period = "from=2026-03-02&to=2026-03-10";
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(LeagueTableTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void At(int month, int day, int hour)
    {
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, month, day, hour, 0, 0, China).ToUniversalTime());
        if (_rollUpEachDay)
        {
            RollUpAsync().GetAwaiter().GetResult();
        }
    }

    /// <summary>When set, the league table's daily roll-up runs every time the test's clock moves (as the hourly job would).</summary>
    private bool _rollUpEachDay;

    private async Task RollUpAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LeagueRollupJob>().RunAsync(CancellationToken.None);
    }

    private async Task<(string Number, string Link)> OpenAsync(string department, string handler)
    {
        var number = (await Liaison.Server.Tests.Cases.CaseTestKit.OpenAsync(_officer, NewCase(department))).GetProperty("number").GetString()!;
        return (number, PathOf(LinkIn((await MailsAsync(_app, handler, number)).Single())));
    }

    private async Task ActAsync(string link, string action, Dictionary<string, string>? fields = null) =>
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(_app.Anonymous(), link, action, fields)).StatusCode);

    private async Task DecideAsync(string number, string action, object body) =>
        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/{action}", body)).StatusCode);

    private async Task<DigestRunReport> RunWeeklyAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DigestService>().SendLeagueTableAsync();
    }

    /// <summary>
    /// Opened Monday 2nd 09:00 (factor-guarantee: accept by Tue 3rd 18:00, resolve by Mon 9th 18:00):
    /// fgj 1 on time; fgj 2 accepted late, extended, resolved after its original deadline; fgj 3 returned and
    /// reassigned to gdgs, which handles it on time; jxj 4 resolved, reopened, resolved again on time; jxj 5 never accepted.
    /// </summary>
    private async Task CraftAsync()
    {
        var (c1, l1) = await OpenAsync("fgj", Fgj);
        var (c2, l2) = await OpenAsync("fgj", Fgj);
        var (c3, l3) = await OpenAsync("fgj", Fgj);
        var (c4, l4) = await OpenAsync("jxj", "jxj.handler@anyue.example");
        await OpenAsync("jxj", "jxj.handler@anyue.example");

        At(3, 2, 10);
        await ActAsync(l1, "accept");
        await ActAsync(l4, "accept");
        await ActAsync(l3, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "应由供电公司办理" });
        await DecideAsync(c3, "reassign", new { departmentCode = "gdgs", note = "改派供电公司" });
        var l3b = PathOf(LinkIn((await MailsAsync(_app, "gdgs.handler@anyue.example", c3)).Single()));

        At(3, 3, 9);
        await ActAsync(l1, "resolve", new() { ["note"] = "已办结" });
        await ActAsync(l3b, "accept");
        await ActAsync(l4, "resolve", new() { ["note"] = "已办结" });
        await DecideAsync(c4, "reopen", new { note = "企业反映仍未解决" });

        At(3, 4, 9);
        await ActAsync(l2, "accept"); // late: due Tuesday 18:00
        await ActAsync(l2, "extension", new() { ["days"] = "3", ["note"] = "等待上级批复" });
        await DecideAsync(c2, "extension-decision", new { approve = true });

        At(3, 5, 9);
        await ActAsync(l4, "resolve", new() { ["note"] = "再次办结" });
        At(3, 6, 9);
        await ActAsync(l3b, "resolve", new() { ["note"] = "已接电" });

        At(3, 9, 9); // Monday: the weekly mail
        Assert.Equal(2, (await RunWeeklyAsync()).Sent);
        Assert.Equal(0, (await RunWeeklyAsync()).Sent);

        At(3, 10, 9);
        Assert.Null((await RunWeeklyAsync()).Date); // not on Tuesday
        await ActAsync(l2, "resolve", new() { ["note"] = "已办结" }); // within the extension, after the original deadline
        At(3, 10, 10);
    }

    [Fact]
    public async Task A_reopened_case_is_scored_against_the_new_deadline_the_reopen_gave()
    {
        At(3, 2, 9);
        var (number, link) = await OpenAsync("fgj", Fgj); // resolve by Monday 9th 18:00
        At(3, 2, 10);
        await ActAsync(link, "accept");
        At(3, 6, 9);
        await ActAsync(link, "resolve", new() { ["note"] = "已办结" });
        At(3, 9, 10);
        await DecideAsync(number, "reopen", new { note = "企业反映仍未解决" });
        Assert.True((await GetCaseAsync(_officer, number)).GetProperty("dueAt").GetDateTimeOffset() > new DateTimeOffset(2026, 3, 12, 0, 0, 0, China));

        // After the first round's deadline, within the one the reopen set: handled again in time.
        At(3, 11, 9);
        await ActAsync(link, "resolve", new() { ["note"] = "再次办结" });

        var json = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-09&to=2026-03-15");
        var fgj = json.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("departmentCode").GetString() == "fgj");
        Assert.Equal((1, 1, 1), (fgj.GetProperty("resolved").GetInt32(), fgj.GetProperty("resolvedOnTime").GetInt32(), fgj.GetProperty("reopenings").GetInt32()));
        // The replay of the timelines (LeagueTable.Compute) agrees, both weeks.
        Assert.All(await TablesAsync([(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8)), (new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 15))]),
            t => Assert.Equal(t.Sql, t.Replay));
    }

    [Fact]
    public async Task A_round_not_accepted_by_its_deadline_counts_late_in_the_acceptance_rate_once()
    {
        At(3, 2, 9);
        var (number, link) = await OpenAsync("fgj", Fgj); // accept by Tuesday 3rd 18:00
        At(3, 3, 19);
        await _app.SweepTimersAsync(); // the acceptance deadline's reminder
        await _app.SweepTimersAsync();

        var timeline = (await GetCaseAsync(_officer, number)).GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Single(timeline, k => k == CaseEventKinds.AcceptOverdue);
        Assert.Equal((1, 0), await AcceptedAsync("from=2026-03-02&to=2026-03-08"));

        // Accepted late the next week: counted once, in the week its deadline passed.
        At(3, 9, 9);
        await ActAsync(link, "accept");
        Assert.Equal((1, 0), await AcceptedAsync("from=2026-03-02&to=2026-03-08"));
        Assert.Equal((0, 0), await AcceptedAsync("from=2026-03-09&to=2026-03-15"));
        Assert.All(await TablesAsync([(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8)), (new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 15))]),
            t => Assert.Equal(t.Sql, t.Replay));

        async Task<(int, int)> AcceptedAsync(string period)
        {
            var json = await _officer.GetFromJsonAsync<JsonElement>($"/api/reports/league-table?{period}");
            var fgj = json.GetProperty("rows").EnumerateArray().SingleOrDefault(r => r.GetProperty("departmentCode").GetString() == "fgj");
            return fgj.ValueKind == JsonValueKind.Undefined ? (0, 0) : (fgj.GetProperty("accepted").GetInt32(), fgj.GetProperty("acceptedOnTime").GetInt32());
        }
    }

    [Fact]
    public async Task League_table_numbers_weekly_mail_json_and_csv()
    {
        await CraftAsync();

        // Weekly mail: once to the zone leadership (sample fallback) and once to each admin.
        var leadership = Assert.Single(await MailsAsync(_app, "leadership@anyue.example", "【红黄榜】"));
        Assert.Single(await MailsAsync(_app, LiaisonApp.AdminEmail, "【红黄榜】"));
        Assert.Contains("2026年3月2日（周一）至2026年3月8日（周日）", leadership.Subject);
        Assert.Contains("红榜 发展和改革局：收到 3，按时签收 1/2（50%）", leadership.TextBody);
        // The leadership has no account: the mail's CSV link is signed for the week and works without signing in.
        Assert.DoesNotContain("/api/reports/league-table.csv", leadership.TextBody);
        var shared = Regex.Match(leadership.TextBody!, @"https://liaison\.test\.example(/reports/league-table\.csv\?from=2026-03-02&to=2026-03-08&sig=[A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.NotEmpty(shared);
        var download = await _app.Anonymous().GetAsync(shared);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/csv", download.Content.Headers.ContentType!.MediaType);
        Assert.True(download.Headers.CacheControl?.NoStore, download.Headers.ToString());
        Assert.Equal(await (await _officer.GetAsync("/api/reports/league-table.csv?from=2026-03-02&to=2026-03-08")).Content.ReadAsByteArrayAsync(),
            await download.Content.ReadAsByteArrayAsync());

        var json = await _officer.GetFromJsonAsync<JsonElement>($"/api/reports/league-table?{Period}");
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        string Row(string code)
        {
            var r = rows.Single(x => x.GetProperty("departmentCode").GetString() == code);
            return string.Join(',', new[] { "mark", "received", "accepted", "acceptedOnTime", "resolved", "resolvedOnTime", "overdueNow", "returns", "extensions", "reopenings", "medianWorkingDaysToResolve" }
                .Select(p => r.GetProperty(p).ToString()));
        }

        Assert.Equal("red,3,2,1,2,1,0,1,1,0,3.5", Row("fgj"));
        Assert.Equal("green,1,1,1,1,1,0,0,0,0,4", Row("gdgs"));
        Assert.Equal("red,2,1,1,1,1,1,0,0,1,3", Row("jxj"));
        Assert.Equal("green,0,0,0,0,0,0,0,0,0,", Row("czj"));
        Assert.Equal(["jxj", "fgj", "gdgs"], rows.Take(3).Select(r => r.GetProperty("departmentCode").GetString()));
        Assert.Equal(0.5, rows.Single(r => r.GetProperty("departmentCode").GetString() == "fgj").GetProperty("acceptOnTimeRate").GetDouble());
        var totals = json.GetProperty("totals");
        Assert.Equal((6, 4, 3, 4, 3, 1, 3.5), (totals.GetProperty("received").GetInt32(), totals.GetProperty("accepted").GetInt32(),
            totals.GetProperty("acceptedOnTime").GetInt32(), totals.GetProperty("resolved").GetInt32(), totals.GetProperty("resolvedOnTime").GetInt32(),
            totals.GetProperty("overdueNow").GetInt32(), totals.GetProperty("medianWorkingDaysToResolve").GetDouble()));

        var csv = await _officer.GetAsync($"/api/reports/league-table.csv?{Period}");
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n");
        Assert.StartsWith("部门代码 Department code,部门 Department,标记 Mark,收到 Received,签收 Accepted,按时签收 Accepted on time", lines[0]);
        // The lead's columns (insisted after returns: none here), then the co-handling ones (none here).
        Assert.Contains("fgj,发展和改革局,红 Red,3,2,1,50%,2,1,50%,0,1,0,1,0,3.5,0,0,0,,0,0,0,,0,0,0,0,0,0,0,,0", lines);
        Assert.Contains(",合计 / Total,,6,4,3,75%,4,3,75%,1,1,0,1,1,3.5,0,0,0,,0,0,0,,0,0,0,0,0,0,0,,0", lines);
    }

    [Fact]
    public async Task The_league_table_page_shows_the_same_numbers_for_any_period_with_its_csv()
    {
        await CraftAsync();
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        Assert.Contains("href=\"/reports/league-table\"", await browser.GetStringAsync("/cases"));

        var page = await browser.GetStringAsync($"/reports/league-table?{Period}");
        var lead = Regex.Match(page, "<table data-table=\"lead\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(["jxj", "fgj", "gdgs"], Regex.Matches(lead, "data-department=\"([a-z]+)\"").Select(m => m.Groups[1].Value).Take(3));
        var fgj = Regex.Match(lead, "<tr data-department=\"fgj\" data-mark=\"red\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        var cells = Regex.Matches(fgj, "<t[dh][^>]*>(.*?)</t[dh]>", RegexOptions.Singleline).Select(m => Regex.Replace(m.Groups[1].Value, "<[^>]+>", "").Trim()).ToList();
        Assert.Equal(["发展和改革局", "红榜", "3", "2（1）", "50%", "2（1）", "50%", "0", "1", "0", "1", "0", "3.5"], cells);
        Assert.Matches("<tr data-department=\"total\"[^>]*>\\s*<th scope=\"row\">合计</th>", lead);
        Assert.DoesNotContain("data-table=\"co-handling\"", page); // no joint cases here
        Assert.Contains("value=\"2026-03-02\"", page);
        // In English, English brackets.
        await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" }));
        var english = await browser.GetStringAsync($"/reports/league-table?{Period}");
        Assert.Contains("<td>2 (1)</td>", english);
        Assert.DoesNotContain("（", Regex.Match(english, "<table data-table=\"lead\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value);
        await browser.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "zh-CN", ["returnUrl"] = "/" }));

        // The CSV link downloads with the page's sign-in.
        var csvUrl = WebUtility.HtmlDecode(Regex.Match(page, "href=\"(/api/reports/league-table\\.csv[^\"]*)\"").Groups[1].Value);
        Assert.Equal("/api/reports/league-table.csv?from=2026-03-02&to=2026-03-10", csvUrl);
        var csv = await browser.GetAsync(csvUrl);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);

        // By default, last week as the Monday mail reported it (Tuesday 10th: Monday 2nd to Sunday 8th), its link selected.
        var byDefault = await browser.GetStringAsync("/reports/league-table");
        Assert.Contains("value=\"2026-03-02\"", byDefault);
        Assert.Contains("value=\"2026-03-08\"", byDefault);
        Assert.Equal(["last-week"], Regex.Matches(byDefault, "data-period=\"([a-z-]+)\" aria-current=\"page\"").Select(m => m.Groups[1].Value));
        // Next to the period's fields, this week so far: Monday 9th to today, Tuesday 10th.
        Assert.Contains("href=\"/reports/league-table?from=2026-03-09&amp;to=2026-03-10\"", byDefault);
        Assert.Contains(">本周至今</a>", byDefault);
        // This month and this year so far, last week (the Monday mail's) and last month.
        Assert.Contains("href=\"/reports/league-table?from=2026-03-01&amp;to=2026-03-10\" data-period=\"this-month\">本月至今</a>", byDefault);
        Assert.Contains("href=\"/reports/league-table?from=2026-01-01&amp;to=2026-03-10\" data-period=\"this-year\">本年至今</a>", byDefault);
        Assert.Contains("href=\"/reports/league-table?from=2026-03-02&amp;to=2026-03-08\" data-period=\"last-week\" aria-current=\"page\">上周</a>", byDefault);
        Assert.Contains("href=\"/reports/league-table?from=2026-02-01&amp;to=2026-02-28\" data-period=\"last-month\">上月</a>", byDefault);
        var thisYear = await browser.GetStringAsync("/reports/league-table?from=2026-01-01&to=2026-03-10");
        Assert.Equal(["this-year"], Regex.Matches(thisYear, "data-period=\"([a-z-]+)\" aria-current=\"page\"").Select(m => m.Groups[1].Value));
        Assert.Empty(Regex.Matches(page, "data-period=\"[a-z-]+\" aria-current")); // the 2nd to the 10th: none of them

        var wrong = await browser.GetAsync("/reports/league-table?from=2026-03-10&to=2026-03-02");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var wrongPage = await wrong.Content.ReadAsStringAsync();
        // The page names its own fields, not the API's parameters (which the API keeps).
        Assert.Contains("开始日期不能晚于结束日期", wrongPage);
        Assert.DoesNotContain("（from）", wrongPage);
        var api = await _officer.GetAsync("/api/reports/league-table?from=2026-03-10&to=2026-03-02");
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains("开始日期（from）不能晚于结束日期（to）", (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.DoesNotContain("data-table=", wrongPage);
        Assert.Equal(HttpStatusCode.Redirect, (await _app.Anonymous().GetAsync("/reports/league-table")).StatusCode);
    }

    /// <summary>
    /// 重办 after the enterprise rated a closed case 不满意 opens a follow-up case: a reopening of the department whose
    /// round the case was in, as a 重办 before the close is (DESIGN: reopen counts as re-handling), and the follow-up is
    /// a case received. The migration stamps entries written before it as the product does.
    /// </summary>
    [Fact]
    public async Task A_reopening_after_an_unsatisfied_rating_counts_as_a_reopening_of_the_department()
    {
        At(3, 2, 9);
        var enterprise = await RatingTestKit.RegisterAsync(_officer, 31);
        var number = await RatingTestKit.OpenForAsync(_officer, enterprise);
        await RatingTestKit.ConfirmAsync(_app, _officer, number);
        At(3, 3, 10);
        var rating = (await RatingTestKit.EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RatingTestKit.RateAsync(_app.Anonymous(), rating, "unsatisfied", "仍未通电")).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision", new { decision = "reopen", note = "请现场复测" })).StatusCode);
        (DateOnly From, DateOnly To)[] week = [(new(2026, 3, 2), new(2026, 3, 8))];

        var tables = await TablesAsync(week);

        var (sql, replay) = Assert.Single(tables);
        Assert.Equal(replay, sql);
        var fgj = JsonDocument.Parse(sql).RootElement.GetProperty("Rows").EnumerateArray().Single(r => r.GetProperty("DepartmentCode").GetString() == "fgj");
        Assert.Equal(1, fgj.GetProperty("Reopenings").GetInt32());
        Assert.Equal(2, fgj.GetProperty("Received").GetInt32()); // the case and its follow-up
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
                "UPDATE case_events SET department_code = NULL, round_started_at = NULL WHERE kind = 'rating-reopened'"));
            Assert.NotEqual(tables, await TablesAsync(week));
            await db.Database.ExecuteSqlRawAsync(LeagueRatingReopened.BackfillSql);
        }

        Assert.Equal(tables, await TablesAsync(week));
    }

    /// <summary>
    /// The database adds up the scores each entry was given when it was written; replaying the timelines with
    /// LeagueTable.Compute (the definition, README.md) must give the same table, for periods that cut rounds in
    /// different places. The migration's backfill must score existing entries exactly as the product does.
    /// </summary>
    [Fact]
    public async Task Sql_counts_equal_replaying_the_timelines_and_the_backfill_scores_like_the_product()
    {
        await CraftAsync();
        // And a case returned and insisted back to the same department, which receives it twice (counted once).
        var (c6, l6) = await OpenAsync("czj", "czj.handler@anyue.example");
        await ActAsync(l6, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属本部门" });
        await DecideAsync(c6, "reassign", new { departmentCode = "czj", note = "请继续办理" });
        var l6b = PathOf(LinkIn((await MailsAsync(_app, "czj.handler@anyue.example", c6)).Last(m => m.Subject!.Contains("派单"))));
        await ActAsync(l6b, "accept");
        await ActAsync(l6b, "resolve", new() { ["note"] = "已办结" });
        (DateOnly From, DateOnly To)[] periods =
        [
            (new(2026, 3, 2), new(2026, 3, 8)), (new(2026, 3, 3), new(2026, 3, 3)), (new(2026, 3, 2), new(2026, 3, 10)),
            (new(2026, 3, 5), new(2026, 3, 10)), (new(2026, 2, 1), new(2026, 3, 1)),
        ];

        async Task<List<string>> ScoresAsync()
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            var entries = await db.CaseEvents.AsNoTracking().OrderBy(e => e.Id).Select(e => $"{e.Id} {e.Kind} {e.DepartmentCode} {e.OnTime} {e.RoundStartedAt:O} {e.NextSameAt:O}").ToListAsync();
            var cases = await db.Cases.AsNoTracking().OrderBy(c => c.Id).Select(c => $"{c.Id} {c.RoundDepartmentCode} {c.RoundStartedAt:O} {c.RoundAcceptBy:O}").ToListAsync();
            return [.. entries, .. cases];
        }

        var tables = await TablesAsync(periods);
        foreach (var (sql, replay) in tables)
        {
            Assert.Equal(replay, sql);
        }

        Assert.Contains("\"Received\":6", tables[0].Sql);
        Assert.Contains("\"Resolved\":5", tables[2].Sql);
        Assert.Contains("\"Received\":0", tables[4].Sql);
        Assert.Matches("\"DepartmentCode\":\"czj\",\"DepartmentName\":\"[^\"]*\",\"Received\":1,\"Accepted\":1,", tables[2].Sql);
        // The insist counts against czj, which returned the case (the tables above are equal, so the replay agrees).
        Assert.Equal(1, JsonDocument.Parse(tables[2].Sql).RootElement.GetProperty("Rows").EnumerateArray()
            .Single(r => r.GetProperty("DepartmentCode").GetString() == "czj").GetProperty("Insists").GetInt32());
        Assert.Equal(1, JsonDocument.Parse(tables[2].Sql).RootElement.GetProperty("Totals").GetProperty("Insists").GetInt32());

        var scores = await ScoresAsync();
        Assert.Contains(scores, s => s.Contains(" insisted czj "));
        Assert.Contains(scores, s => s.Contains(" resolve gdgs False ") || s.Contains(" resolve gdgs True "));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE case_events SET department_code = NULL, on_time = NULL, round_started_at = NULL, next_same_at = NULL;
                UPDATE cases SET round_department_code = NULL, round_started_at = NULL, round_accept_by = NULL;
                """);
            Assert.Equal("green,0", (await scope.ServiceProvider.GetRequiredService<DigestService>().ComputeLeagueTableAsync(new(2026, 3, 2), new(2026, 3, 8)))
                .Rows.Where(r => r.DepartmentCode == "gdgs").Select(r => $"{r.Mark.ToString().ToLowerInvariant()},{r.Received}").Single());
            await db.Database.ExecuteSqlRawAsync(LeagueScores.BackfillSql);
            await db.Database.ExecuteSqlRawAsync(LeagueNextSame.BackfillSql);
            await db.Database.ExecuteSqlRawAsync(LeagueInsists.BackfillSql);
        }

        Assert.Equal(scores, await ScoresAsync());
        Assert.Equal(tables, await TablesAsync(periods));
    }

    /// <summary>
    /// The same week with the daily roll-up running as the days pass: reopened case 4's first resolution (3rd) is rolled
    /// up before its second (5th) supersedes it, and the periods read rolled-up days and fresh entries together.
    /// </summary>
    [Fact]
    public async Task With_the_daily_roll_up_the_sql_still_equals_the_replay()
    {
        _rollUpEachDay = true;
        await CraftAsync();
        _rollUpEachDay = false;
        (DateOnly From, DateOnly To)[] periods =
        [
            (new(2026, 3, 2), new(2026, 3, 8)), (new(2026, 3, 3), new(2026, 3, 3)), (new(2026, 3, 2), new(2026, 3, 10)),
            (new(2026, 3, 5), new(2026, 3, 10)), (new(2026, 2, 1), new(2026, 3, 1)), (new(2026, 1, 1), new(2026, 12, 31)),
        ];

        var tables = await TablesAsync(periods);

        foreach (var (sql, replay) in tables)
        {
            Assert.Equal(replay, sql);
        }

        Assert.Contains("\"Resolved\":4", tables[2].Sql);
        // The roll-up really was read: everything before today (Tuesday 10th) is in it, and case 4's first
        // resolution counts as superseded by the second.
        Assert.Equal(new DateOnly(2026, 3, 10), await _app.WithDbAsync(db => LeagueRollup.RolledBeforeAsync(db, CancellationToken.None)));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<LeagueDay>()
            .Where(d => d.Kind == "resolve" && d.DepartmentCode == "jxj" && d.Day == new DateOnly(2026, 3, 3) && d.NextDay == new DateOnly(2026, 3, 5))
            .SumAsync(d => d.Count)));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Set<LeagueDay>()
            .Where(d => d.Kind == "resolve" && d.DepartmentCode == "jxj" && d.Day == new DateOnly(2026, 3, 3) && d.NextDay == null)
            .SumAsync(d => d.Count)));
    }

    /// <summary>The league table as the database adds it up and as the replay (LeagueTable.Compute) gives it, per period, as JSON.</summary>
    private async Task<List<(string Sql, string Replay)>> TablesAsync((DateOnly From, DateOnly To)[] periods)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<LiaisonDbContext>();
        var calendar = await services.GetRequiredService<CalendarService>().GetAsync();
        var settings = services.GetRequiredService<IOptions<DigestOptions>>().Value;
        var cases = await db.Cases.AsNoTracking().Include(c => c.Timeline).ToListAsync();
        var parts = (await db.Set<CasePart>().AsNoTracking().ToListAsync()).ToLookup(p => p.CaseId);
        var departments = await db.Departments.AsNoTracking().Where(d => d.Active).OrderBy(d => d.Id).Select(d => new { d.Code, d.Name }).ToListAsync();
        var result = new List<(string, string)>();
        foreach (var (from, to) in periods)
        {
            var sql = await services.GetRequiredService<DigestService>().ComputeLeagueTableAsync(from, to);
            var replay = LeagueTable.Compute(cases, departments.Select(d => (d.Code, d.Name)), from, to, _app.Clock.GetUtcNow(), calendar,
                new LeagueRules(settings.RedBelow, settings.YellowBelow), parts);
            result.Add((JsonSerializer.Serialize(sql), JsonSerializer.Serialize(replay)));
        }

        return result;
    }

    [Fact]
    public async Task A_co_handlers_part_not_accepted_by_its_deadline_counts_late_once_for_the_co_handler_only()
    {
        At(3, 2, 9);
        var j = await OpenJointAsync("zrzyj", "sthjj"); // both accept by Tuesday 3rd 18:00
        At(3, 2, 10);
        await ActAsync(j.Lead, "accept");
        At(3, 3, 19);
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();

        var overdue = (await GetCaseAsync(_officer, j.Number)).GetProperty("timeline").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == CaseEventKinds.AcceptOverdue).ToList();
        Assert.Single(overdue); // the part's; the lead accepted in time
        Assert.Equal(((1, 1), (1, 0)), await AcceptedAsync("from=2026-03-02&to=2026-03-08"));

        // Accepted late the next week: not counted again.
        At(3, 9, 9);
        await ActAsync(j.Parts["sthjj"], "accept");
        Assert.Equal(((1, 1), (1, 0)), await AcceptedAsync("from=2026-03-02&to=2026-03-08"));
        Assert.Equal(((0, 0), (0, 0)), await AcceptedAsync("from=2026-03-09&to=2026-03-15"));
        Assert.All(await TablesAsync([(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8)), (new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 15))]),
            t => Assert.Equal(t.Sql, t.Replay));

        // (zrzyj as lead: accepted, on time), (sthjj as co-handler: accepted, on time).
        async Task<((int, int), (int, int))> AcceptedAsync(string period)
        {
            var rows = (await _officer.GetFromJsonAsync<JsonElement>($"/api/reports/league-table?{period}")).GetProperty("rows").EnumerateArray().ToList();
            var lead = rows.SingleOrDefault(r => r.GetProperty("departmentCode").GetString() == "zrzyj");
            var co = rows.SingleOrDefault(r => r.GetProperty("departmentCode").GetString() == "sthjj");
            return (
                lead.ValueKind == JsonValueKind.Undefined ? (0, 0) : (lead.GetProperty("accepted").GetInt32(), lead.GetProperty("acceptedOnTime").GetInt32()),
                co.ValueKind == JsonValueKind.Undefined ? (0, 0)
                    : (co.GetProperty("coHandling").GetProperty("accepted").GetInt32(), co.GetProperty("coHandling").GetProperty("acceptedOnTime").GetInt32()));
        }
    }

    [Fact]
    public async Task A_part_the_lead_resolved_over_before_its_deadline_is_not_counted_late()
    {
        At(3, 11, 9);
        var j = await OpenJointAsync("zrzyj", "sthjj"); // sthjj accepts by Thursday 12th 18:00, submits by Tuesday 17th 18:00
        At(3, 11, 10);
        await ActAsync(j.Lead, "accept");
        // Within its time it is not silent: the lead may not resolve over it yet.
        Assert.Equal(HttpStatusCode.Conflict, (await PostActionAsync(_app.Anonymous(), j.Lead, "resolve", new() { ["note"] = "已办结", ["overrideReason"] = "企业已自行解决环评问题" })).StatusCode);
        At(3, 13, 9); // its acceptance deadline passed unaccepted: now it may, before its submit deadline
        await ActAsync(j.Lead, "resolve", new() { ["note"] = "已办结", ["overrideReason"] = "企业已自行解决环评问题" });
        Assert.Equal("resolved", (await _officer.GetFromJsonAsync<JsonElement>($"/api/cases/{j.Number}")).GetProperty("status").GetString());

        var json = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-09&to=2026-03-15");
        var co = json.GetProperty("rows").EnumerateArray().Single(x => x.GetProperty("departmentCode").GetString() == "sthjj").GetProperty("coHandling");
        Assert.Equal((0, 0, JsonValueKind.Null), (co.GetProperty("submitted").GetInt32(), co.GetProperty("overridden").GetInt32(), co.GetProperty("submitOnTimeRate").ValueKind));
        Assert.All(await TablesAsync([(new DateOnly(2026, 3, 9), new DateOnly(2026, 3, 15))]), t => Assert.Equal(t.Sql, t.Replay));
    }

    private async Task<(string Number, string Lead, Dictionary<string, string> Parts)> OpenJointAsync(string lead, params string[] co)
    {
        var body = new
        {
            title = "新厂房无法投产",
            description = "用地、施工许可、供电需同时协调。",
            category = "factor-guarantee",
            priority = "normal",
            departmentCode = lead,
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
            coDepartments = co.Select(c => new { departmentCode = c, task = (string?)null }).ToArray(),
        };
        var number = (await Liaison.Server.Tests.Cases.CaseTestKit.OpenAsync(_officer, body)).GetProperty("number").GetString()!;
        async Task<string> LinkOf(string department) =>
            PathOf(LinkIn((await MailsAsync(_app, $"{department}.handler@anyue.example", number)).Single(m => m.Subject!.Contains("派单"))));
        var parts = new Dictionary<string, string>();
        foreach (var c in co) parts[c] = await LinkOf(c);
        return (number, await LinkOf(lead), parts);
    }

    /// <summary>
    /// Joint cases opened Wednesday 11th 09:00 (accept by Thu 12th 18:00; co-handlers submit by Tue 17th 18:00, the
    /// lead resolves by Wed 18th 18:00). J1, lead zrzyj: gdgs accepts and submits on time; zjj accepts on time and
    /// submits late; sthjj accepts late and never submits, so the lead resolves over it. J2, lead fgj with co-handler
    /// gdgs: fgj returns the case and the officer reassigns the lead to gdgs, which then leads and co-handles the same
    /// case; its part stays open past its deadline. The table counts each department's lead and co-handling apart,
    /// in the SQL and the replay alike, in the JSON, the CSV and the weekly mail.
    /// </summary>
    [Fact]
    public async Task Co_handling_parts_are_counted_apart_from_lead_work_and_the_sql_equals_the_replay()
    {
        await CraftAsync();
        At(3, 11, 9);
        var j1 = await OpenJointAsync("zrzyj", "gdgs", "zjj", "sthjj");
        var j2 = await OpenJointAsync("fgj", "gdgs");

        At(3, 11, 10);
        await ActAsync(j1.Lead, "accept");
        await ActAsync(j1.Parts["gdgs"], "accept");
        await ActAsync(j1.Parts["zjj"], "accept");
        await ActAsync(j2.Lead, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "应由供电公司主办" });
        // A case from before a co-handler was kept from also leading (now its part is dropped first): the lead went to
        // the co-handling department while its part stayed open. Such cases still count each role apart.
        var gdgsPart = (await _officer.GetFromJsonAsync<JsonElement>($"/api/cases/{j2.Number}")).GetProperty("coDepartments").EnumerateArray()
            .Single(p => p.GetProperty("departmentCode").GetString() == "gdgs").GetProperty("id").GetInt64();
        await _app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE case_parts SET status = 'Dropped' WHERE id = {gdgsPart}"));
        await DecideAsync(j2.Number, "reassign", new { departmentCode = "gdgs", note = "改由供电公司主办" });
        await _app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE case_parts SET status = 'Dispatched' WHERE id = {gdgsPart}"));
        var j2Lead = PathOf(LinkIn((await MailsAsync(_app, "gdgs.handler@anyue.example", j2.Number)).Last(m => m.Subject!.Contains("派单"))));
        Assert.NotEqual(j2.Parts["gdgs"], j2Lead);
        await ActAsync(j2Lead, "accept");

        At(3, 12, 9);
        await ActAsync(j1.Parts["gdgs"], "submit", new() { ["note"] = "10kV 接入方案已确认" });
        // zjj asks for more time for its part, granted: its submission is still scored against the original deadline.
        // (The lead's deadline moves first: a part is never due after the lead's less the lead time.)
        At(3, 12, 10);
        await ActAsync(j1.Lead, "extension", new() { ["days"] = "2", ["note"] = "需协调多个部门" });
        await DecideAsync(j1.Number, "extension-decision", new { approve = true });
        await ActAsync(j1.Parts["zjj"], "extension", new() { ["days"] = "2", ["note"] = "需等待省住建厅批复" });
        var zjjPart = (await _officer.GetFromJsonAsync<JsonElement>($"/api/cases/{j1.Number}")).GetProperty("coDepartments").EnumerateArray()
            .Single(p => p.GetProperty("departmentCode").GetString() == "zjj").GetProperty("id").GetInt64();
        await DecideAsync(j1.Number, $"parts/{zjjPart}/extension-decision", new { approve = true });
        At(3, 13, 9);
        await ActAsync(j1.Parts["sthjj"], "accept"); // late: due Thursday 18:00

        At(3, 16, 9); // Monday: the weekly mail for 9th–15th shows gdgs's co-handling
        await RunWeeklyAsync();
        var weekly = (await MailsAsync(_app, "leadership@anyue.example", "【红黄榜】")).Last();
        Assert.Contains("2026年3月9日", weekly.Subject);
        Assert.Contains("；协办：收到 2，按时签收 1/1（100%），按时提交 1/1（100%），逾期未提交（主办先行办结） 0，当前超期 0，退回 0", weekly.TextBody);
        Assert.Contains("协办（联办事项）", weekly.HtmlBody);

        At(3, 18, 9);
        await ActAsync(j1.Parts["zjj"], "submit", new() { ["note"] = "施工许可已核实" }); // late: due Tuesday 18:00
        At(3, 18, 10);
        await ActAsync(j1.Lead, "resolve", new() { ["note"] = "已办结", ["overrideReason"] = "生态环境局未回复，不影响投产" });
        At(3, 20, 10);

        (DateOnly, DateOnly)[] periods =
        [
            (new(2026, 3, 11), new(2026, 3, 20)), (new(2026, 3, 9), new(2026, 3, 15)), (new(2026, 3, 16), new(2026, 3, 20)),
            (new(2026, 3, 2), new(2026, 3, 20)), (new(2026, 3, 11), new(2026, 3, 11)),
        ];
        var tables = await TablesAsync(periods);
        foreach (var (sql, replay) in tables)
        {
            Assert.Equal(replay, sql);
        }

        var json = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-11&to=2026-03-20");
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        string Co(string code)
        {
            var co = rows.Single(x => x.GetProperty("departmentCode").GetString() == code).GetProperty("coHandling");
            return string.Join(',', new[] { "received", "accepted", "acceptedOnTime", "submitted", "submittedOnTime", "overridden", "overdueNow", "returns", "submitOnTimeRate", "extensions" }
                .Select(p => co.GetProperty(p).ToString()));
        }

        string Lead(string code)
        {
            var r = rows.Single(x => x.GetProperty("departmentCode").GetString() == code);
            return string.Join(',', new[] { "mark", "received", "accepted", "acceptedOnTime", "resolved", "resolvedOnTime", "overdueNow", "returns" }
                .Select(p => r.GetProperty(p).ToString()));
        }

        // gdgs received J2 twice: once as co-handler (its part, open past its deadline) and once as the reassigned lead.
        Assert.Equal("2,1,1,1,1,0,1,0,1,0", Co("gdgs"));
        Assert.Equal("red,1,1,1,0,0,1,0", Lead("gdgs")); // J2 as lead: accepted, not resolved by Wednesday 18th
        Assert.Equal("1,1,1,1,0,0,0,0,0,1", Co("zjj"));
        Assert.Equal("red,0,0,0,0,0,0,0", Lead("zjj"));
        Assert.Equal("1,1,0,0,0,1,0,0,0,0", Co("sthjj"));
        Assert.Equal("0,0,0,0,0,0,0,0,,0", Co("zrzyj"));
        Assert.Equal("green,1,1,1,1,1,0,0", Lead("zrzyj"));
        Assert.Equal("green,1,0,0,0,0,0,1", Lead("fgj")); // returned J2 as lead; its earlier cases are before the period
        var totals = json.GetProperty("totals").GetProperty("coHandling");
        Assert.Equal((4, 3, 2, 2, 1, 1, 1, 1), (totals.GetProperty("received").GetInt32(), totals.GetProperty("accepted").GetInt32(),
            totals.GetProperty("acceptedOnTime").GetInt32(), totals.GetProperty("submitted").GetInt32(), totals.GetProperty("submittedOnTime").GetInt32(),
            totals.GetProperty("overridden").GetInt32(), totals.GetProperty("overdueNow").GetInt32(), totals.GetProperty("extensions").GetInt32()));

        var bytes = await (await _officer.GetAsync("/api/reports/league-table.csv?from=2026-03-11&to=2026-03-20")).Content.ReadAsByteArrayAsync();
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n");
        Assert.StartsWith("部门代码 Department code,部门 Department,标记 Mark,收到 Received,签收 Accepted,按时签收 Accepted on time", lines[0]);
        // The enterprise-satisfaction columns (none rated here) follow the co-handling ones.
        const string NoRatings = ",0,0,0,0,,0";
        Assert.Contains(",协办按时提交率 On-time submit rate,协办当前超期 Parts overdue now,协办退回 Parts returned,协办延期申请 Parts' extension requests,", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("gdgs,") && l.EndsWith(",2,1,1,100%,1,1,0,100%,1,0,0" + NoRatings));
        Assert.Contains(lines, l => l.StartsWith("sthjj,") && l.EndsWith(",1,1,0,0%,0,0,1,0%,0,0,0" + NoRatings));
        Assert.Contains(lines, l => l.StartsWith("zjj,") && l.EndsWith(",1,1,1,100%,1,0,0,0%,0,0,1" + NoRatings));

        // Existing databases: the migration re-links a joint case's dispatches per role as the product now does.
        async Task<List<string>> NextSameAsync() => await _app.WithDbAsync(db =>
            db.CaseEvents.AsNoTracking().OrderBy(e => e.Id).Select(e => $"{e.Id} {e.NextSameAt:O}").ToListAsync());
        var linked = await NextSameAsync();
        await _app.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE case_events SET next_same_at = NULL");
            await db.Database.ExecuteSqlRawAsync(LeagueNextSame.BackfillSql);
            await db.Database.ExecuteSqlRawAsync(LeagueCoHandling.BackfillSql);
            return 0;
        });
        Assert.Equal(linked, await NextSameAsync());
        Assert.Equal(tables, await TablesAsync(periods));
    }

    /// <summary>
    /// The weekly mail's signed CSV link downloads exactly its week without an account; a changed period, a missing or
    /// damaged signature is refused (404) and an expired link is gone (410), as a page for a browser and as problem
    /// details otherwise, and the officers' API still wants a sign-in.
    /// </summary>
    [Fact]
    public async Task The_weekly_mails_csv_link_works_without_an_account_for_its_week_only_until_it_expires()
    {
        At(3, 9, 9);
        Assert.Equal(2, (await RunWeeklyAsync()).Sent);
        var mail = Assert.Single(await MailsAsync(_app, "leadership@anyue.example", "【红黄榜】"));
        var link = PathOf(Regex.Match(mail.TextBody!, @"https://\S+/reports/league-table\.csv\?\S+").Value);
        Assert.StartsWith("/reports/league-table.csv?from=2026-03-02&to=2026-03-08&sig=", link);
        Assert.Contains(link, WebUtility.HtmlDecode(mail.HtmlBody));
        var admin = Assert.Single(await MailsAsync(_app, LiaisonApp.AdminEmail, "【红黄榜】"));
        Assert.Contains("/reports/league-table.csv?from=2026-03-02&to=2026-03-08&sig=", admin.TextBody);

        var anonymous = _app.Anonymous();
        var ok = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("league-table-2026-03-02-2026-03-08.csv", ok.Content.Headers.ContentDisposition!.FileNameStar ?? ok.Content.Headers.ContentDisposition.FileName);
        var header = Encoding.UTF8.GetString(await ok.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n")[0];
        Assert.StartsWith("部门代码 Department code", header);
        // The co-handling column counts a part resolved over only after its deadline, and says so.
        Assert.Contains(",协办逾期未提交（主办先行办结） Parts not submitted by their deadline (lead resolved),", header);

        var sig = link[(link.IndexOf("&sig=", StringComparison.Ordinal) + 5)..];
        var otherWeek = $"/reports/league-table.csv?from=2026-01-01&to=2026-03-08&sig={sig}";
        var damaged = link[..^4] + (link[^4] == 'A' ? "B" : "A") + link[^3..];
        foreach (var bad in new[] { otherWeek, damaged, "/reports/league-table.csv?from=2026-03-02&to=2026-03-08", "/reports/league-table.csv?sig=%%%" })
        {
            var refused = await anonymous.GetAsync(bad);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
            Assert.Contains("链接无效", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }

        var page = new HttpRequestMessage(HttpMethod.Get, damaged);
        page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        var refusedPage = await anonymous.SendAsync(page);
        Assert.Equal(HttpStatusCode.NotFound, refusedPage.StatusCode);
        Assert.Equal("text/html", refusedPage.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<h1>链接无效</h1>", await refusedPage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/reports/league-table.csv?from=2026-03-02&to=2026-03-08")).StatusCode);

        // Still valid on the 31st day after the mail, gone after it.
        At(4, 9, 8);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(link)).StatusCode);
        At(4, 9, 10);
        var gone = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Contains("已过期", (await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var goneRequest = new HttpRequestMessage(HttpMethod.Get, link);
        goneRequest.Headers.Accept.ParseAdd("text/html");
        var gonePage = await anonymous.SendAsync(goneRequest);
        Assert.Equal(HttpStatusCode.Gone, gonePage.StatusCode);
        Assert.Contains("<h1>链接已过期</h1>", await gonePage.Content.ReadAsStringAsync());
    }

    /// <summary>Last week, Monday to Sunday in the zone's time, as the page's 上周 and the Monday mail have it.</summary>
    [Fact]
    public async Task Default_period_is_last_week_monday_to_sunday_in_the_json_and_the_csv()
    {
        // Sunday 15 March, 23:00 in Asia/Shanghai: this week is still the 9th to the 15th.
        At(3, 15, 23);

        var json = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table");
        var csv = await _officer.GetAsync("/api/reports/league-table.csv");

        Assert.Equal(("2026-03-02", "2026-03-08"), (json.GetProperty("from").GetString(), json.GetProperty("to").GetString()));
        Assert.Equal("league-table-2026-03-02-2026-03-08.csv", csv.Content.Headers.ContentDisposition!.FileName);
        // Monday 16th, 07:00 in Asia/Shanghai (still Sunday in UTC): last week is the one just ended.
        At(3, 16, 7);
        json = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table");
        Assert.Equal(("2026-03-09", "2026-03-15"), (json.GetProperty("from").GetString(), json.GetProperty("to").GetString()));
        // One bound given: the 7 days up to "to", or "from" up to yesterday, as before.
        json = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?to=2026-03-11");
        Assert.Equal(("2026-03-05", "2026-03-11"), (json.GetProperty("from").GetString(), json.GetProperty("to").GetString()));
        json = await _officer.GetFromJsonAsync<JsonElement>("/api/reports/league-table?from=2026-03-11");
        Assert.Equal(("2026-03-11", "2026-03-15"), (json.GetProperty("from").GetString(), json.GetProperty("to").GetString()));
    }

    [Fact]
    public async Task Anonymous_callers_get_401_and_bad_periods_400()
    {
        var anonymous = _app.Anonymous();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/reports/league-table?{Period}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/reports/league-table.csv?{Period}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _officer.GetAsync("/api/reports/league-table?from=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _officer.GetAsync("/api/reports/league-table.csv?from=2026-03-10&to=2026-03-02")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _officer.GetAsync("/api/reports/league-table?from=2024-01-01&to=2026-03-02")).StatusCode);
    }
}
