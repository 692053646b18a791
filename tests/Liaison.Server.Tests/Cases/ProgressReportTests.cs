using System.Net.Http.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Data;
using Liaison.Server.Workflows;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// The progress-report clock of long-running categories (DESIGN: a progress note resets it): asked again every period
/// while the handler is silent, started again by a progress note (the lead's or a co-handler's own) and by a reopening.
/// </summary>
public sealed class ProgressReportTests : IAsyncLifetime
{
    private const string Subject = "【请报进展】";
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(ProgressReportTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<T> DbAsync<T>(Func<LiaisonDbContext, Task<T>> read)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<LiaisonDbContext>());
    }

    /// <summary>When the case's workflow asks the lead's handler for a report next (its timer).</summary>
    private Task<DateTimeOffset> NextReportAsync(string number) =>
        DbAsync(db => ReportTimer(db, db.Cases.Where(c => c.Number == number).Select(c => c.WorkflowInstanceId)));

    /// <summary>When the part's workflow asks the co-handler for a report next.</summary>
    private Task<DateTimeOffset> NextPartReportAsync(string number, string department) =>
        DbAsync(db => ReportTimer(db, db.Set<CasePart>().Where(p => p.DepartmentCode == department && db.Cases.Any(c => c.Id == p.CaseId && c.Number == number))
            .Select(p => p.WorkflowInstanceId)));

    private static Task<DateTimeOffset> ReportTimer(LiaisonDbContext db, IQueryable<Guid?> instance) =>
        db.Set<WorkflowBookmarkRecord>().Where(b => instance.Contains(b.InstanceId) && b.Key == "ProgressReportDue")
            .Select(b => b.ResumeAt!.Value).SingleAsync();

    private async Task SweepAtAsync(DateTimeOffset at)
    {
        _app.Clock.SetUtcNow(at.ToUniversalTime());
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();
    }

    private async Task<string> LinkAsync(string to, string number) =>
        PathOf(LinkIn((await MailsAsync(_app, to, number)).Single(m => m.Subject!.Contains("派单"))));

    [Fact]
    public async Task A_silent_handler_is_asked_every_period_until_the_resolve_deadline()
    {
        // Bankruptcy: resolve within 30 working days, a report every 10.
        var number = (await OpenAsync(_officer, NewCase(category: "bankruptcy"))).GetProperty("number").GetString()!;
        await PostActionAsync(_app.Anonymous(), await LinkAsync("fgj.handler@anyue.example", number), "accept");
        var first = await NextReportAsync(number);

        var row = await DbAsync(db => db.Database.SqlQuery<long>($"SELECT xmin::text::bigint AS \"Value\" FROM cases WHERE number = {number}").SingleAsync());
        await SweepAtAsync(first.AddMinutes(1));
        Assert.Single(await MailsAsync(_app, "fgj.handler@anyue.example", Subject));
        var second = await NextReportAsync(number);
        // The timer's run did not write the case's row: it holds the workflow's lock, and a person's action on the case
        // takes the case's lock first, then the workflow's (a write here made the two wait for each other).
        Assert.Equal(row, await DbAsync(db => db.Database.SqlQuery<long>($"SELECT xmin::text::bigint AS \"Value\" FROM cases WHERE number = {number}").SingleAsync()));
        Assert.True(second > first.AddDays(10), $"{first} → {second}");

        await SweepAtAsync(second.AddMinutes(1));
        Assert.Equal(2, (await MailsAsync(_app, "fgj.handler@anyue.example", Subject)).Count);
        // The next would fall on the resolve deadline: the ladder's notices take over there, not a third request.
        var due = (await GetCaseAsync(_officer, number)).GetProperty("dueAt").GetDateTimeOffset();
        await SweepAtAsync(due.AddDays(20));
        Assert.Equal(2, (await MailsAsync(_app, "fgj.handler@anyue.example", Subject)).Count);
        Assert.Single(await MailsAsync(_app, "fgj.handler@anyue.example", "【超期督办】"));
    }

    [Fact]
    public async Task A_progress_note_starts_the_clock_again_and_a_reopening_does_too()
    {
        var number = (await OpenAsync(_officer, NewCase(category: "legacy-issue"))).GetProperty("number").GetString()!;
        var link = await LinkAsync("fgj.handler@anyue.example", number);
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        var first = await NextReportAsync(number);

        // A note two days before the report is due: the next is due a period after the note, and nothing is asked at the old date.
        _app.Clock.SetUtcNow(first.AddDays(-2).ToUniversalTime());
        await PostActionAsync(browser, link, "progress", new() { ["note"] = "已召开债权人会议" });
        var afterNote = await NextReportAsync(number);
        Assert.True(afterNote > first.AddDays(10));
        await SweepAtAsync(first.AddMinutes(1));
        Assert.Empty(await MailsAsync(_app, "fgj.handler@anyue.example", Subject));

        // Resolved, then reopened past the date the note set: the reopening starts a new period, so nothing is asked at once.
        await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已化解" });
        _app.Clock.SetUtcNow(afterNote.AddDays(1).ToUniversalTime());
        Assert.True((await _officer.PostAsJsonAsync($"/api/cases/{number}/reopen", new { note = "企业反映仍未解决" })).IsSuccessStatusCode);
        var reopened = await NextReportAsync(number);
        Assert.True(reopened > afterNote.AddDays(10), $"{afterNote} → {reopened}");
        await SweepAtAsync(afterNote.AddDays(1).AddMinutes(1));
        Assert.Empty(await MailsAsync(_app, "fgj.handler@anyue.example", Subject));
        await SweepAtAsync(reopened.AddMinutes(1));
        Assert.Single(await MailsAsync(_app, "fgj.handler@anyue.example", Subject));
    }

    [Fact]
    public async Task A_co_handlers_progress_note_starts_its_own_clock_again()
    {
        var body = new
        {
            title = "历史遗留用地问题",
            description = "土地证与规划许可需同时协调。",
            category = "legacy-issue",
            priority = "normal",
            departmentCode = "zrzyj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
            coDepartments = new[] { new { departmentCode = "zjj", task = "核查施工许可" } },
        };
        var number = (await OpenAsync(_officer, body)).GetProperty("number").GetString()!;
        var link = await LinkAsync("zjj.handler@anyue.example", number);
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        var first = await NextPartReportAsync(number, "zjj");

        _app.Clock.SetUtcNow(first.AddDays(-2).ToUniversalTime());
        await PostActionAsync(browser, link, "progress", new() { ["note"] = "已调取档案" });
        var next = await NextPartReportAsync(number, "zjj");
        Assert.True(next > first.AddDays(10), $"{first} → {next}");

        await SweepAtAsync(first.AddMinutes(1));
        Assert.Empty(await MailsAsync(_app, "zjj.handler@anyue.example", Subject));
        await SweepAtAsync(next.AddMinutes(1));
        Assert.Single(await MailsAsync(_app, "zjj.handler@anyue.example", Subject));
    }
}
