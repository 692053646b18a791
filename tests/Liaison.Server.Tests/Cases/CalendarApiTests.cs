using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

public sealed class CalendarApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Theory]
    [InlineData("2026-02-13T10:00", 1, "2026-02-14T18:00:00+08:00")] // make-up Saturday before the Spring Festival
    [InlineData("2026-02-13T10:00", 2, "2026-02-24T18:00:00+08:00")] // 15th–23rd off
    [InlineData("2026-02-14T09:00", 1, "2026-02-24T18:00:00+08:00")] // from the make-up Saturday itself
    [InlineData("2026-09-30T10:00", 1, "2026-10-08T18:00:00+08:00")] // National Day 1st–7th off
    [InlineData("2026-09-30T10:00", 3, "2026-10-10T18:00:00+08:00")] // make-up Saturday 10th
    [InlineData("2026-09-18T10:00", 1, "2026-09-20T18:00:00+08:00")] // make-up Sunday 20th
    [InlineData("2026-03-02T20:00", 1, "2026-03-03T18:00:00+08:00")] // the start day never counts
    public async Task Due_dates_follow_the_2026_schedule(string from, int days, string expected)
    {
        var officer = await _app.AsOfficerAsync();

        var due = await officer.GetFromJsonAsync<JsonElement>($"/api/calendar/due?from={from}&workingDays={days}");

        Assert.Equal(expected, due.GetProperty("due").GetString());
        Assert.False(due.GetProperty("provisional").GetBoolean());
    }

    [Fact]
    public async Task A_schedule_put_at_another_years_address_is_400_on_year_naming_both_years()
    {
        var admin = await _app.AsAdminAsync();
        // The body is a 2028 schedule that says 2029: its days are not in 2029, but the mistake is the year.
        var body = """
            { "year": 2029, "version": "cn-2028-x", "source": "测试 test",
              "holidays": [ { "name": "New Year's Day", "nameZh": "元旦", "days": ["2028-01-01"] } ], "workdays": [] }
            """;

        var response = await admin.PutAsync("/api/calendar/years/2028", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["year"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal("地址中的年份是 2028，请求体中的 year 却是 2029：两者应为同一年 / the address is for 2028 but the body's year is 2029: they must be the same year",
            Assert.Single(errors.GetProperty("year").EnumerateArray()).GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/calendar/years/2028")).StatusCode);
    }

    [Fact]
    public async Task A_deadline_in_a_year_without_a_schedule_is_provisional_weekends_only()
    {
        var officer = await _app.AsOfficerAsync();

        var due = await officer.GetFromJsonAsync<JsonElement>("/api/calendar/due?from=2026-12-30T10:00&workingDays=3");

        // 31st, then 2027-01-01 (a Friday, counted: no 2027 schedule yet), then Monday the 4th.
        Assert.Equal("2027-01-04T18:00:00+08:00", due.GetProperty("due").GetString());
        Assert.True(due.GetProperty("provisional").GetBoolean());
    }

    [Theory]
    [InlineData("from=yesterday&workingDays=1")]
    [InlineData("from=2026-02-13T10:00&workingDays=0")]
    [InlineData("from=2026-02-13T10:00&workingDays=abc")]
    [InlineData("workingDays=1")]
    public async Task Bad_queries_are_400(string query)
    {
        var officer = await _app.AsOfficerAsync();

        var response = await officer.GetAsync($"/api/calendar/due?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_from_whose_offsets_plus_the_address_turned_into_a_space_says_to_give_a_local_time()
    {
        var officer = await _app.AsOfficerAsync();

        // Unescaped, the '+' of +02:00 arrives as a space.
        var response = await officer.GetAsync("/api/calendar/due?from=2026-12-08T10:00+02:00&workingDays=1");
        var escaped = await officer.GetFromJsonAsync<JsonElement>("/api/calendar/due?from=2026-12-08T10:00%2B02:00&workingDays=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("from 的时差无法识别：地址中的“+”会被读作空格。请给出不带时差的本地时间（例如 2026-12-08T10:00），或将 + 写作 %2B（2026-12-08T10:00%2B02:00） / "
            + "from's offset could not be read: a '+' in an address is read as a space. Give a local time without an offset (e.g. 2026-12-08T10:00), or write the + as %2B (2026-12-08T10:00%2B02:00)",
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        // 10:00 at +02:00 is 16:00 in the zone: one working day on is the next day's close of business.
        Assert.Equal("2026-12-09T18:00:00+08:00", escaped.GetProperty("due").GetString());
    }

    [Fact]
    public async Task A_schedule_put_without_a_year_is_for_the_addresss_year_and_a_far_too_long_version_is_not_echoed_whole()
    {
        var admin = await _app.AsAdminAsync();
        static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
        const string WithoutYear = """
            { "version": "cn-2031-test", "source": "测试 test",
              "holidays": [ { "name": "New Year's Day", "nameZh": "元旦", "days": ["2031-01-01"] } ], "workdays": [] }
            """;
        var pasted = "cn-2031-" + new string('v', 10_000);

        var tooLong = await admin.PutAsync("/api/calendar/years/2031", Body(WithoutYear.Replace("cn-2031-test", pasted)));
        var stored = await admin.PutAsync("/api/calendar/years/2031", Body(WithoutYear));

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var refusal = await tooLong.Content.ReadAsStringAsync();
        Assert.Contains("cn-2031-vvvvvvvvvvvv…", refusal);
        Assert.DoesNotContain(new string('v', 100), refusal);
        Assert.True(stored.StatusCode == HttpStatusCode.Accepted, await stored.Content.ReadAsStringAsync());
        var schedule = await admin.GetFromJsonAsync<JsonElement>("/api/calendar/years/2031");
        Assert.Equal(2031, schedule.GetProperty("year").GetInt32());
        Assert.Equal("cn-2031-test", schedule.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Anonymous_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().GetAsync("/api/calendar/due?from=2026-02-13T10:00&workingDays=1")).StatusCode);
    }
}

/// <summary>Adding a year's schedule recomputes the provisional deadlines of open cases.</summary>
public sealed class CalendarYearTests
{
    private const string Year2027 = """
        { "year": 2027, "version": "cn-2027-test", "source": "测试用安排 test schedule",
          "holidays": [ { "name": "New Year's Day", "nameZh": "元旦", "days": ["2027-01-01", "2027-01-02", "2027-01-03"] } ],
          "workdays": [] }
        """;

    [Fact]
    public async Task Adding_2027_recomputes_a_provisional_case_and_records_it()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests));
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        var opened = await OpenAsync(officer);
        var number = opened.GetProperty("number").GetString()!;
        // 29th, 30th, 31st, 1st (counted provisionally), 4th.
        Assert.Equal("2027-01-04T18:00:00+08:00", opened.GetProperty("dueAt").GetString());
        Assert.True(opened.GetProperty("provisional").GetBoolean());
        // Accept by the 29th, in 2026's loaded schedule: certain, so only the resolve deadline is marked provisional.
        var dispatch = (await MailsAsync(app, "fgj.handler@anyue.example", opened.GetProperty("number").GetString()!)).Single(m => m.Subject!.Contains("派单"));
        Assert.Matches("签收期限：[^\n]+\n", dispatch.TextBody);
        Assert.DoesNotMatch("签收期限：[^\n]*暂定", dispatch.TextBody);
        Assert.Matches("办结期限：[^\n]+（暂定）", dispatch.TextBody);
        var linkPage = await app.Anonymous().GetStringAsync(PathOf(LinkIn(dispatch)));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(linkPage, "（暂定）"));

        var byOfficer = await officer.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"));
        var wrongYear = await admin.PutAsync("/api/calendar/years/2028", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"));
        var broken = await admin.PutAsync("/api/calendar/years/2027", new StringContent("{\"year\":2027,\"holidays\":[{\"days\":[\"2027-13-01\"]}]}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, byOfficer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongYear.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.True((await GetCaseAsync(officer, number)).GetProperty("provisional").GetBoolean());

        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync("/api/calendar/years/2027/recompute")).StatusCode);

        var response = await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"));
        var queued = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Stored at once; the cases are recomputed in the background (here: by the test, as a job process would).
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/calendar/years/2027/recompute", response.Headers.Location?.OriginalString);
        Assert.Equal("queued", queued.GetProperty("state").GetString());
        Assert.Equal("cn-2027-test", queued.GetProperty("version").GetString());
        Assert.True((await GetCaseAsync(officer, number)).GetProperty("provisional").GetBoolean());
        var listed = await officer.GetFromJsonAsync<JsonElement>("/api/calendar/years");
        Assert.Equal("queued", listed.EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == 2027).GetProperty("recompute").GetProperty("state").GetString());

        Assert.Equal(1, await app.RecomputeDeadlinesAsync());
        var state = await officer.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027/recompute");
        var c = await GetCaseAsync(officer, number);

        Assert.Equal("done", state.GetProperty("state").GetString());
        Assert.Equal(1, state.GetProperty("candidates").GetInt32());
        Assert.Equal(1, state.GetProperty("checked").GetInt32());
        Assert.Equal(1, state.GetProperty("recomputedCases").GetInt32());
        Assert.Equal(0, await app.RecomputeDeadlinesAsync()); // nothing left to do
        Assert.Equal("2027-01-05T18:00:00+08:00", c.GetProperty("dueAt").GetString());
        Assert.False(c.GetProperty("provisional").GetBoolean());
        Assert.Contains("deadline-recomputed", c.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        var due = await officer.GetFromJsonAsync<JsonElement>("/api/calendar/due?from=2026-12-30T10:00&workingDays=3");
        Assert.Equal("2027-01-05T18:00:00+08:00", due.GetProperty("due").GetString());
        // The waiting handler's deadline timer moved with the deadline.
        var workflow = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/workflow");
        var resolveDue = workflow.GetProperty("bookmarks").EnumerateArray().Single(b => b.GetProperty("key").GetString() == "ResolveDue");
        Assert.Equal("2027-01-05T18:00:00+08:00", resolveDue.GetProperty("resumeAt").GetString());
        // The reminder one working day before follows the new schedule too (the 4th, not New Year's Day).
        var reminder = workflow.GetProperty("bookmarks").EnumerateArray().Single(b => b.GetProperty("key").GetString() == "ReminderDue");
        Assert.Equal("2027-01-04T18:00:00+08:00", reminder.GetProperty("resumeAt").GetString());
        // The original deadline the league table scores against moved too (no extension had moved the deadline away from
        // it): resolved on the 5th, after the provisional 4th, the case is on time.
        Assert.Equal("2027-01-05T18:00:00+08:00", c.GetProperty("originalDueAt").GetString());
        var link = PathOf(LinkIn((await MailsAsync(app, "fgj.handler@anyue.example", number)).Single(m => m.Subject!.Contains("派单"))));
        await PostActionAsync(app.Anonymous(), link, "accept");
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 5, 10, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        await PostActionAsync(app.Anonymous(), link, "resolve", new() { ["note"] = "已办结" });
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Liaison.Server.Data.LiaisonDbContext>();
        Assert.True(await db.CaseEvents.Where(e => e.Kind == "resolve").Select(e => e.OnTime).SingleAsync());
    }

    [Fact]
    public async Task The_enterprise_hears_once_when_the_recomputation_moves_its_cases_resolve_deadline_and_not_when_the_date_stays()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Enterprise");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        // Due on the 4th, counted over New Year's Day provisionally: the 2027 schedule moves it to the 5th.
        var moved = await Enterprises.RatingTestKit.OpenForAsync(officer, await Enterprises.RatingTestKit.RegisterAsync(officer, 91));
        // Opened on the 4th: its five working days cross no holiday, so the date stays and only its provisional mark goes.
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var kept = await Enterprises.RatingTestKit.OpenForAsync(officer, await Enterprises.RatingTestKit.RegisterAsync(officer, 92));
        var keptDue = (await GetCaseAsync(officer, kept)).GetProperty("dueAt").GetString();
        Task<List<MimeKit.MimeMessage>> NoticesAsync(string number) => MailsAsync(app, Enterprises.RatingTestKit.NoticeEmail, "【事项进展】" + number);

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(1, await app.RecomputeDeadlinesAsync());
        // The same schedule saved again recomputes again: nothing moves, nothing is mailed twice.
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await app.RecomputeDeadlinesAsync();

        var told = Assert.Single(await NoticesAsync(moved));
        Assert.EndsWith("（办结期限调整）", told.Subject);
        Assert.Contains("办结期限已调整如下", told.TextBody);
        Assert.Contains("办结期限：2027年1月5日（周二）18:00\n", told.TextBody);
        Assert.Contains("原办结期限：2027年1月4日（周一）18:00", told.TextBody);
        Assert.Empty(await NoticesAsync(kept));
        Assert.Equal(keptDue, (await GetCaseAsync(officer, kept)).GetProperty("dueAt").GetString());
        Assert.False((await GetCaseAsync(officer, kept)).GetProperty("provisional").GetBoolean());
        // In the recomputation's commit, with the case's own mails: its timeline names it.
        Assert.Contains((await GetCaseAsync(officer, moved)).GetProperty("timeline").EnumerateArray(),
            e => e.GetProperty("kind").GetString() == "email" && e.GetProperty("note").GetString()!.StartsWith("enterprise-changed"));
    }

    [Fact]
    public async Task The_lead_and_the_co_handler_whose_own_deadline_moved_hear_once_and_no_one_else()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Holders");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        // The lead due on the 4th and the co-handler on the 1st, both counted over New Year's Day provisionally.
        var body = JsonSerializer.SerializeToNode(NewCase("zrzyj"))!.AsObject();
        body["coDepartments"] = new JsonArray(new JsonObject { ["departmentCode"] = "gdgs", ["task"] = "请确认接入方案" });
        var joint = (await OpenAsync(officer, body)).GetProperty("number").GetString()!;
        // Resolved against its provisional deadline, waiting for the officer's confirmation: its clock no longer runs.
        var resolved = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        await app.WithDbAsync(db => db.Cases.Where(c => c.Number == resolved).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CaseStatus.Resolved)));
        // Opened on the 4th: its five working days cross no holiday, so the date stays and only its provisional mark goes.
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var kept = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        Task<List<MimeKit.MimeMessage>> MovedAsync(string to, string number) => MailsAsync(app, to, "期限调整】" + number);

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await app.RecomputeDeadlinesAsync();
        // The same schedule saved again recomputes again: nothing moves, nothing is mailed twice.
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await app.RecomputeDeadlinesAsync();

        var lead = Assert.Single(await MovedAsync("zrzyj.handler@anyue.example", joint));
        Assert.StartsWith("【期限调整】", lead.Subject);
        Assert.Contains("2027 年节假日安排已公布或更正", lead.TextBody);
        Assert.Contains("办结期限由 2027年1月4日（周一）18:00 调整为 2027年1月5日（周二）18:00。", lead.TextBody);
        Assert.Contains("原办结期限：2027年1月4日（周一）18:00", lead.TextBody);
        // Accepted by the 29th either way: the acceptance deadline did not move, so it is not said to have.
        Assert.DoesNotContain("签收期限", lead.TextBody);
        var part = Assert.Single(await MovedAsync("gdgs.handler@anyue.example", joint));
        Assert.StartsWith("【协办期限调整】", part.Subject);
        Assert.Contains("提交期限由 2027年1月1日（周五）18:00 调整为 2027年1月4日（周一）18:00。", part.TextBody);
        Assert.Contains("协办任务：请确认接入方案", part.TextBody);
        // Each with a link of its own to act on, to the case and to the part.
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync(PathOf(LinkIn(lead)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync(PathOf(LinkIn(part)))).StatusCode);
        // As an extension's decision, the handler's: the leaders are not copied.
        Assert.Empty(await MovedAsync("zrzyj.leader@anyue.example", joint));
        Assert.Empty(await MovedAsync("gdgs.leader@anyue.example", joint));
        // Not for a case waiting for the officer, nor for a date that only lost its provisional mark.
        Assert.Empty(await MovedAsync("fgj.handler@anyue.example", resolved));
        Assert.Empty(await MovedAsync("fgj.handler@anyue.example", kept));
        Assert.Contains("deadline-recomputed", (await GetCaseAsync(officer, kept)).GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        // In the recomputation's commit, on the case's timeline with its other mails.
        Assert.Contains((await GetCaseAsync(officer, joint)).GetProperty("timeline").EnumerateArray(),
            e => e.GetProperty("kind").GetString() == "email" && e.GetProperty("note").GetString()!.StartsWith("deadline-moved → "));
    }

    [Fact]
    public async Task Adding_2027_recomputes_the_co_handlers_provisional_deadlines_and_moves_their_timers()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Joint");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        var body = JsonSerializer.SerializeToNode(NewCase("zrzyj"))!.AsObject();
        body["coDepartments"] = new JsonArray(new JsonObject { ["departmentCode"] = "gdgs", ["task"] = "请确认接入方案" });
        var opened = await OpenAsync(officer, body);
        var number = opened.GetProperty("number").GetString()!;
        // Five working days for the lead (29th, 30th, 31st, 1st counted provisionally, 4th), four for the co-handler.
        var part = Assert.Single(opened.GetProperty("coDepartments").EnumerateArray());
        Assert.Equal("2027-01-01T18:00:00+08:00", part.GetProperty("dueAt").GetString());

        var response = await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"));
        await app.RecomputeDeadlinesAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, (await officer.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027/recompute")).GetProperty("recomputedCases").GetInt32());
        var c = await GetCaseAsync(officer, number);
        Assert.Equal("2027-01-05T18:00:00+08:00", c.GetProperty("dueAt").GetString());
        var recomputed = Assert.Single(c.GetProperty("coDepartments").EnumerateArray());
        Assert.Equal("2027-01-04T18:00:00+08:00", recomputed.GetProperty("dueAt").GetString());
        Assert.Equal(2, c.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "deadline-recomputed"));
        // The officer's timeline: the lead's resolve deadline, the co-handler's submit deadline, each from where it was.
        var page = await (await app.SignInThroughFormAsync("officer@test.example", "officer-password-1")).GetStringAsync($"/cases/{number}");
        Assert.Contains("节假日安排已加载，签收期限 2026-12-29 18:00，办结期限 2027-01-04 18:00 → 2027-01-05 18:00", page);
        Assert.Contains("节假日安排已加载，签收期限 2026-12-29 18:00，提交期限 2027-01-01 18:00 → 2027-01-04 18:00", page);
        // The co-handler's own workflow waits on the new date.
        var partInstance = await app.WithDbAsync(db => db.Set<CasePart>().Select(p => p.WorkflowInstanceId).SingleAsync());
        var timers = await app.WithDbAsync(db => db.Set<WorkflowBookmarkRecord>()
            .Where(b => b.InstanceId == partInstance && b.ResumeAt != null).Select(b => b.ResumeAt).ToListAsync());
        Assert.Contains(new DateTimeOffset(2027, 1, 4, 18, 0, 0, TimeSpan.FromHours(8)), timers);
        // The reminder one working day before: the 31st, as the 2027 schedule has it (the 1st is New Year's Day).
        Assert.Contains(new DateTimeOffset(2026, 12, 31, 18, 0, 0, TimeSpan.FromHours(8)), timers);
        Assert.DoesNotContain(new DateTimeOffset(2027, 1, 1, 18, 0, 0, TimeSpan.FromHours(8)), timers);
    }

    [Fact]
    public async Task Adding_2027_moves_the_timers_of_an_extension_request_waiting_for_the_officer()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Extension");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(app, "fgj.handler@anyue.example", number)).Single(m => m.Subject!.Contains("派单"))));
        await PostActionAsync(app.Anonymous(), link, "accept");
        await PostActionAsync(app.Anonymous(), link, "extension", new() { ["days"] = "3", ["note"] = "等待上级批复" });
        // Provisionally due on the 4th, the reminder on New Year's Day; the officer's wait holds them.
        Assert.Equal(["2027-01-01T18:00:00+08:00", "2027-01-04T18:00:00+08:00"], await LadderAsync());

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(1, await app.RecomputeDeadlinesAsync());

        // The new deadline is the 5th, its reminder the 4th: the officer's timers moved with it, one of each.
        Assert.Equal("2027-01-05T18:00:00+08:00", (await GetCaseAsync(officer, number)).GetProperty("dueAt").GetString());
        Assert.Equal(["2027-01-04T18:00:00+08:00", "2027-01-05T18:00:00+08:00"], await LadderAsync());
        // Still the officer's to decide, from the new date: approved, three working days after the 5th.
        Assert.True((await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true })).IsSuccessStatusCode);
        Assert.Equal("2027-01-08T18:00:00+08:00", (await GetCaseAsync(officer, number)).GetProperty("dueAt").GetString());

        // The reminder and red-notice timers of the workflow, in time order.
        async Task<string[]> LadderAsync()
        {
            var workflow = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/workflow");
            return workflow.GetProperty("bookmarks").EnumerateArray()
                .Where(b => b.GetProperty("key").GetString() is "ReminderDue" or "ResolveDue")
                .Select(b => b.GetProperty("resumeAt").GetString()!).Order().ToArray();
        }
    }

    [Fact]
    public async Task An_extension_approved_before_2027_was_loaded_counts_again_from_the_deadline_it_extends()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Extended");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(app, "fgj.handler@anyue.example", number)).Single(m => m.Subject!.Contains("派单"))));
        await PostActionAsync(app.Anonymous(), link, "accept");
        await PostActionAsync(app.Anonymous(), link, "extension", new() { ["days"] = "3", ["note"] = "等待上级批复" });
        Assert.True((await officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = true })).IsSuccessStatusCode);
        // Provisionally the 4th (New Year's Day counted), three working days more: the 7th.
        var extended = await GetCaseAsync(officer, number);
        Assert.Equal("2027-01-07T18:00:00+08:00", extended.GetProperty("dueAt").GetString());
        Assert.Equal("2027-01-04T18:00:00+08:00", extended.GetProperty("originalDueAt").GetString());

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(1, await app.RecomputeDeadlinesAsync());

        // The deadline extended is the 5th now, so the extension ends on the 8th (counted from the provisional 4th, it
        // stayed the 7th), and the original deadline the resolution is scored against is the 5th.
        var c = await GetCaseAsync(officer, number);
        Assert.Equal("2027-01-08T18:00:00+08:00", c.GetProperty("dueAt").GetString());
        Assert.False(c.GetProperty("provisional").GetBoolean());
        Assert.Equal("2027-01-05T18:00:00+08:00", c.GetProperty("originalDueAt").GetString());
        var workflow = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/workflow");
        Assert.Equal("2027-01-08T18:00:00+08:00", workflow.GetProperty("bookmarks").EnumerateArray()
            .Single(b => b.GetProperty("key").GetString() == "ResolveDue").GetProperty("resumeAt").GetString());
    }

    [Fact]
    public async Task A_recomputation_commits_a_chunk_at_a_time_and_resumes_after_the_last_committed_chunk()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Chunks");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            numbers.Add((await OpenAsync(officer)).GetProperty("number").GetString()!);
        }

        // One case that ended keeps its deadline as it was.
        var cancelled = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "重复立案" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        // Chunks of two, each in its own scope, as a process that stops after the first chunk and one that starts later.
        Task<RecomputeStep> ChunkAsync() => app.WithDbAsync(db =>
        {
            using var scope = app.Services.CreateScope();
            return ActivatorUtilities.CreateInstance<DeadlineRecalculation>(scope.ServiceProvider, 2).RunChunkAsync(db, CancellationToken.None);
        });

        Assert.Equal(RecomputeStep.Advanced, await ChunkAsync());
        var halfway = await officer.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027/recompute");
        Assert.Equal("running", halfway.GetProperty("state").GetString());
        Assert.Equal(3, halfway.GetProperty("candidates").GetInt32());
        Assert.Equal(2, halfway.GetProperty("checked").GetInt32());
        Assert.Equal(2, halfway.GetProperty("recomputedCases").GetInt32());
        Assert.False((await GetCaseAsync(officer, numbers[1])).GetProperty("provisional").GetBoolean());
        Assert.True((await GetCaseAsync(officer, numbers[2])).GetProperty("provisional").GetBoolean());

        Assert.Equal(RecomputeStep.Finished, await ChunkAsync());
        Assert.Equal(RecomputeStep.Idle, await ChunkAsync());

        var done = await officer.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027/recompute");
        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal(3, done.GetProperty("checked").GetInt32());
        Assert.Equal(3, done.GetProperty("recomputedCases").GetInt32());
        foreach (var number in numbers)
        {
            await AssertRecomputedOnceAsync(officer, number, "2027-01-05T18:00:00+08:00");
        }

        var ended = await GetCaseAsync(officer, cancelled);
        Assert.Equal("2027-01-04T18:00:00+08:00", ended.GetProperty("dueAt").GetString());
        Assert.DoesNotContain("deadline-recomputed", ended.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task A_job_process_recomputes_on_its_own_after_the_save()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Pump", runJobServer: true);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;

        var response = await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // The save wakes the pump; wait on its state, and give up after a minute.
        var state = default(JsonElement);
        for (var until = DateTime.UtcNow.AddMinutes(1); DateTime.UtcNow < until; await Task.Delay(50))
        {
            state = await officer.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027/recompute");
            if (state.GetProperty("state").GetString() == "done")
            {
                break;
            }
        }

        Assert.Equal("done", state.GetProperty("state").GetString());
        Assert.Equal(1, state.GetProperty("recomputedCases").GetInt32());
        Assert.Equal("2027-01-05T18:00:00+08:00", (await GetCaseAsync(officer, number)).GetProperty("dueAt").GetString());
    }

    [Fact]
    public async Task Replacing_a_loaded_year_moves_the_open_deadlines_computed_with_it()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Replace");
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await app.RecomputeDeadlinesAsync();
        // Due on 8 December 2026, before the year: no 2027 schedule can move it.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var early = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        // Resolved against its deadline, waiting for the officer's confirmation: whether it was on time stays as it was.
        var resolved = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        await app.WithDbAsync(db => db.Cases.Where(c => c.Number == resolved).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CaseStatus.Resolved)));
        var opened = await OpenAsync(officer);
        var number = opened.GetProperty("number").GetString()!;
        // 29th, 30th, 31st, 4th, 5th: computed with the loaded 2027 schedule, not provisional.
        Assert.Equal("2027-01-05T18:00:00+08:00", opened.GetProperty("dueAt").GetString());
        Assert.False(opened.GetProperty("provisional").GetBoolean());

        // The same dates under a new version: the case is looked at and left as it is.
        var same = Year2027.Replace("\"cn-2027-test\"", "\"cn-2027-test-1\"");
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(same, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await app.RecomputeDeadlinesAsync();
        var unchanged = await admin.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027/recompute");
        Assert.Equal((1, 0), (unchanged.GetProperty("checked").GetInt32(), unchanged.GetProperty("recomputedCases").GetInt32()));

        // A corrected notice: the 4th is a holiday too.
        var corrected = Year2027.Replace("\"cn-2027-test\"", "\"cn-2027-test-2\"").Replace("\"2027-01-03\"]", "\"2027-01-03\", \"2027-01-04\"]");
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(corrected, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await app.RecomputeDeadlinesAsync();

        var state = await admin.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027/recompute");
        Assert.Equal(("cn-2027-test-2", 1, 1), (state.GetProperty("version").GetString(), state.GetProperty("checked").GetInt32(), state.GetProperty("recomputedCases").GetInt32()));
        await AssertRecomputedOnceAsync(officer, number, "2027-01-06T18:00:00+08:00");
        foreach (var (other, dueAt) in new[] { (early, "2026-12-08T18:00:00+08:00"), (resolved, "2027-01-05T18:00:00+08:00") })
        {
            var untouched = await GetCaseAsync(officer, other);
            Assert.Equal(dueAt, untouched.GetProperty("dueAt").GetString());
            Assert.DoesNotContain("deadline-recomputed", untouched.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        }
    }

    [Fact]
    public async Task A_schedule_without_holidays_or_with_another_years_version_is_400_and_makes_no_deadline_final()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Refused");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        async Task<List<string>> RefusedAsync(int year, string json)
        {
            var response = await admin.PutAsync($"/api/calendar/years/{year}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("schedule").EnumerateArray().Select(m => m.GetString()!).ToList();
        }

        // What was saved: no Spring Festival, and the 2026 schedule's version (shipped).
        var both = await RefusedAsync(2027, """{"year":2027,"version":"cn-2026-v1","source":"x","holidays":[],"workdays":[]}""");
        var reused = await RefusedAsync(2027, Year2027.Replace("\"cn-2027-test\"", "\"CN-2026-v1\""));

        Assert.Equal(2, both.Count);
        Assert.Equal("holidays: 没有列出任何法定节假日；国务院办公厅的年度安排总有元旦、春节等假日，请对照通知补全 / lists no holidays; "
            + "the State Council's schedule for a year always has some (New Year's Day, the Spring Festival, …): complete it from the notice", both[0]);
        Assert.Equal("version: “cn-2026-v1” 已是 2026 年安排的版本号，每年的安排须有自己的版本号（例如 cn-2027-v1） / "
            + "'cn-2026-v1' is already the version of the 2026 schedule; each year's schedule needs its own (e.g. cn-2027-v1)", both[1]);
        Assert.StartsWith("version: “CN-2026-v1” 已是 2026 年安排的版本号", Assert.Single(reused));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/calendar/years/2027/recompute")).StatusCode);
        Assert.Equal(0, await app.RecomputeDeadlinesAsync());
        Assert.True((await GetCaseAsync(officer, number)).GetProperty("provisional").GetBoolean());

        // A version an admin gave another year is taken too; a year saved again under its own version is not refused.
        var year2028 = Year2027.Replace("2027", "2028");
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2028", new StringContent(year2028, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.StartsWith("version: “cn-2028-test” 已是 2028 年安排的版本号", Assert.Single(await RefusedAsync(2027, Year2027.Replace("cn-2027-test", "cn-2028-test"))));
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2028", new StringContent(year2028, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        var shipped2026 = await admin.GetStringAsync("/api/calendar/years/2026");
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2026", new StringContent(shipped2026, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await app.RecomputeDeadlinesAsync();
        Assert.False((await GetCaseAsync(officer, number)).GetProperty("provisional").GetBoolean());
    }

    [Fact]
    public async Task A_configured_close_of_business_sets_new_deadlines_and_a_schedule_change_keeps_the_hour_of_older_ones()
    {
        var monday = new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime();
        await using var at18 = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Close");
        at18.Clock.SetUtcNow(monday);
        var older = (await OpenAsync(await at18.AsOfficerAsync())).GetProperty("number").GetString()!;
        // The zone moves its close of business to 17:30: the same database under a server configured anew.
        await using var at1730 = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Close2", configure: s =>
        {
            s["ConnectionStrings:Liaison"] = at18.ConnectionString;
            s["Liaison:CloseOfBusiness"] = "17:30";
        });
        at1730.Clock.SetUtcNow(monday);
        var officer = await at1730.AsOfficerAsync();
        var admin = await at1730.AsAdminAsync();

        var opened = await OpenAsync(officer);
        var preview = await officer.GetFromJsonAsync<JsonElement>("/api/calendar/due?from=2026-12-28T09:00&workingDays=5");

        // 29th, 30th, 31st, 1st (provisional), 4th.
        Assert.Equal("2027-01-04T17:30:00+08:00", opened.GetProperty("dueAt").GetString());
        Assert.Equal("2027-01-04T17:30:00+08:00", preview.GetProperty("due").GetString());
        Assert.Equal("2027-01-04T18:00:00+08:00", (await GetCaseAsync(officer, older)).GetProperty("dueAt").GetString());

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await at1730.RecomputeDeadlinesAsync();

        // New Year's Day is a holiday: each deadline moves a day and keeps the hour it was given.
        var number = opened.GetProperty("number").GetString()!;
        await AssertRecomputedOnceAsync(officer, number, "2027-01-05T17:30:00+08:00");
        await AssertRecomputedOnceAsync(officer, older, "2027-01-05T18:00:00+08:00");
    }

    [Theory]
    [InlineData("00:00")]
    [InlineData("six pm")]
    public async Task A_close_of_business_that_is_no_time_of_day_stops_the_start(string value)
    {
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            LiaisonApp.StartAsync(nameof(CalendarYearTests) + "BadClose", withSmtp: false, configure: s => s["Liaison:CloseOfBusiness"] = value));

        Assert.Contains("Liaison:CloseOfBusiness", error.ToString());
    }

    /// <summary>
    /// A deadline names the calendar version it was computed with, so one version means one schedule: the same days
    /// again under the year's version are accepted (idempotent), other days under it are refused with a 409 in both
    /// languages that changes nothing, the shipped years' versions included; a new version is accepted.
    /// </summary>
    [Fact]
    public async Task A_changed_schedule_under_the_version_the_year_already_has_is_409_and_changes_nothing()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "SameVersion");
        var admin = await app.AsAdminAsync();
        Task<HttpResponseMessage> PutAsync(int year, string json) =>
            admin.PutAsync($"/api/calendar/years/{year}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, (await PutAsync(2027, Year2027)).StatusCode);
        await app.RecomputeDeadlinesAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await PutAsync(2027, Year2027)).StatusCode);
        // Only the source corrected: the same days, the same schedule.
        Assert.Equal(HttpStatusCode.Accepted, (await PutAsync(2027, Year2027.Replace("测试用安排 test schedule", "国办发明电〔2026〕1号"))).StatusCode);
        await app.RecomputeDeadlinesAsync();

        var changed = Year2027.Replace("\"2027-01-03\"]", "\"2027-01-03\", \"2027-01-04\"]");
        var refused = await PutAsync(2027, changed);
        var sameVersionOtherCase = await PutAsync(2027, changed.Replace("cn-2027-test", "CN-2027-TEST"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, sameVersionOtherCase.StatusCode);
        var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("2027 年的安排已以版本号“cn-2027-test”保存，且与此次提交的假日或调休上班日不同", detail);
        Assert.Contains("修改安排须使用新的版本号（例如 cn-2027-test-v2）", detail);
        Assert.Contains(" / the 2027 schedule is already stored as 'cn-2027-test' with other holidays or make-up working days", detail);
        var stored = await admin.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027");
        Assert.Equal(3, stored.GetProperty("holidays")[0].GetProperty("days").GetArrayLength());
        Assert.Equal("done", (await admin.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027/recompute")).GetProperty("state").GetString());

        // The shipped 2026 schedule's version belongs to the shipped days too.
        var shipped2026 = await admin.GetStringAsync("/api/calendar/years/2026");
        Assert.Equal(HttpStatusCode.Conflict, (await PutAsync(2026, shipped2026.Replace("\"2026-10-10\"", "\"2026-10-11\""))).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await PutAsync(2027, changed.Replace("cn-2027-test", "cn-2027-test-v2"))).StatusCode);
    }

    [Fact]
    public async Task A_save_while_the_last_chunk_of_a_run_commits_queues_a_new_run()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Race");
        var admin = await app.AsAdminAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsync("/api/calendar/years/2027", new StringContent(Year2027, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        // A job process ends the run: its last chunk holds the year's row until it commits.
        await using var chunk = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await chunk.OpenAsync();
        await using var tx = await chunk.BeginTransactionAsync();
        await using (var finish = new Npgsql.NpgsqlCommand("UPDATE calendar_years SET recompute_candidates = 0, recompute_finished_at = now() WHERE year = 2027", chunk, tx))
        {
            Assert.Equal(1, await finish.ExecuteNonQueryAsync());
        }

        var corrected = Year2027.Replace("\"cn-2027-test\"", "\"cn-2027-test-2\"");
        var saving = admin.PutAsync("/api/calendar/years/2027", new StringContent(corrected, System.Text.Encoding.UTF8, "application/json"));
        await app.WaitUntilABackendWaitsOnALockAsync();

        await tx.CommitAsync();
        var saved = await saving;

        Assert.Equal(HttpStatusCode.Accepted, saved.StatusCode);
        var state = await admin.GetFromJsonAsync<JsonElement>("/api/calendar/years/2027/recompute");
        Assert.Equal(("cn-2027-test-2", "queued"), (state.GetProperty("version").GetString(), state.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Two_first_saves_of_a_year_at_once_both_succeed_and_the_later_one_wins()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Insert");
        var admin = await app.AsAdminAsync();
        var year2028 = Year2027.Replace("2027", "2028");
        // Another admin's first save of 2028, not yet committed.
        await using var other = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var insert = new Npgsql.NpgsqlCommand("""
            INSERT INTO calendar_years (year, json, version, updated_at, recompute_cursor, recompute_checked, recomputed_cases, recompute_requested_at)
            VALUES (2028, @json, 'cn-2028-other', now(), 0, 0, 0, now())
            """, other, tx))
        {
            insert.Parameters.AddWithValue("json", YearSchedule.Parse(year2028.Replace("cn-2028-test", "cn-2028-other")).ToJson());
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        var saving = admin.PutAsync("/api/calendar/years/2028", new StringContent(year2028, System.Text.Encoding.UTF8, "application/json"));
        await app.WaitUntilABackendWaitsOnALockAsync();
        await tx.CommitAsync();
        var saved = await saving;

        Assert.Equal(HttpStatusCode.Accepted, saved.StatusCode);
        var state = await admin.GetFromJsonAsync<JsonElement>("/api/calendar/years/2028/recompute");
        Assert.Equal(("cn-2028-test", "queued"), (state.GetProperty("version").GetString(), state.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Saving_a_schedule_that_moves_no_deadline_leaves_provisional_cases_alone()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(CalendarYearTests) + "Unchanged");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 28, 9, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime());
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();
        var number = (await OpenAsync(officer)).GetProperty("number").GetString()!;
        // The 2026 schedule as shipped, under a new version: no date in it moves the case's deadline (2027-01-04, provisional).
        var year2026 = (await admin.GetFromJsonAsync<JsonObject>("/api/calendar/years/2026"))!;
        year2026["version"] = "cn-2026-resaved";

        var response = await admin.PutAsync("/api/calendar/years/2026", new StringContent(year2026.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        await app.RecomputeDeadlinesAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var state = await admin.GetFromJsonAsync<JsonElement>("/api/calendar/years/2026/recompute");
        Assert.Equal(("done", 1, 0), (state.GetProperty("state").GetString(), state.GetProperty("checked").GetInt32(), state.GetProperty("recomputedCases").GetInt32()));
        var c = await GetCaseAsync(officer, number);
        Assert.Equal("2027-01-04T18:00:00+08:00", c.GetProperty("dueAt").GetString());
        Assert.True(c.GetProperty("provisional").GetBoolean());
        Assert.DoesNotContain("deadline-recomputed", c.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    /// <summary>The case is due at <paramref name="dueAt"/>, not provisionally, with one recomputation on its timeline and its deadline timer moved there.</summary>
    private static async Task AssertRecomputedOnceAsync(HttpClient officer, string number, string dueAt)
    {
        var c = await GetCaseAsync(officer, number);
        Assert.Equal(dueAt, c.GetProperty("dueAt").GetString());
        Assert.False(c.GetProperty("provisional").GetBoolean());
        Assert.Single(c.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "deadline-recomputed");
        var workflow = await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/workflow");
        var resolveDue = workflow.GetProperty("bookmarks").EnumerateArray().Single(b => b.GetProperty("key").GetString() == "ResolveDue");
        Assert.Equal(dueAt, resolveDue.GetProperty("resumeAt").GetString());
    }
}

/// <summary>The version a refused schedule change suggests instead of the one the year already has.</summary>
public sealed class CalendarNextVersionTests
{
    [Theory]
    [InlineData("cn-2026-v1", "cn-2026-v2")]
    [InlineData("cn-2026-V9", "cn-2026-V10")]
    [InlineData("cn-2027-test", "cn-2027-test-v2")]
    // A year at the end is the schedule's name, not a version number: not the next year's.
    [InlineData("cn-2026", "cn-2026-v2")]
    [InlineData("v", "v-v2")]
    public void A_version_number_after_a_v_goes_up_and_anything_else_gets_v2(string version, string next) =>
        Assert.Equal(next, Liaison.Server.Calendar.CalendarYearStore.NextVersion(version));
}
