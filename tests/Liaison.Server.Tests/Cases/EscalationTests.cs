using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>The escalation ladder (督办) run by the workflow's timers, with a fake clock and the timer sweep.</summary>
public sealed class EscalationTests : IAsyncLifetime
{
    private const string Handler = "fgj.handler@anyue.example";
    private const string Leader = "fgj.leader@anyue.example";
    private const string Officer = "officer@test.example";
    private const string Zone = "leadership@anyue.example";
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(EscalationTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<int> CountAsync(string to, string subject) => (await MailsAsync(_app, to, subject)).Count;

    [Fact]
    public async Task Each_rung_fires_once_at_its_time()
    {
        // Opened Monday 2026-03-02 09:00 (factor-guarantee): accept by Tue 3rd 18:00, due Mon 9th 18:00.
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        Assert.Equal(0, await _app.SweepTimersAsync());

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 3, 18, 1, 0, China).ToUniversalTime());
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();
        Assert.Equal(1, await CountAsync(Handler, "【催签收】"));
        Assert.Equal(1, await CountAsync(Leader, "【催签收】"));
        // The handler is asked to accept; the leader, whose link only reminds the handler, to see that the handler does.
        var acceptNow = Assert.Single(await MailsAsync(_app, Handler, "【催签收】"));
        Assert.Contains("请立即签收", acceptNow.TextBody);
        Assert.Contains("立即签收：", acceptNow.TextBody);
        var leaderCopy = Assert.Single(await MailsAsync(_app, Leader, "【催签收】"));
        Assert.Contains("贵单位经办人尚未签收以下事项，已到签收期限。请督促经办人立即签收", leaderCopy.TextBody);
        Assert.Contains("查看事项 / 提醒经办人：", leaderCopy.TextBody);
        Assert.Contains(">查看事项 / 提醒经办人</a>", leaderCopy.HtmlBody);
        Assert.DoesNotContain("请立即签收", leaderCopy.TextBody);
        Assert.DoesNotContain("抄送贵单位分管领导", leaderCopy.TextBody);

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 6, 18, 1, 0, China).ToUniversalTime()); // one working day before the deadline
        await _app.SweepTimersAsync();
        Assert.Equal(1, await CountAsync(Handler, "【即将到期】"));
        Assert.Equal(0, await CountAsync(Leader, "【即将到期】"));
        // Still not accepted: the reminder says so, with the acceptance deadline.
        var dueSoon = Assert.Single(await MailsAsync(_app, Handler, "【即将到期】"));
        Assert.Contains("本事项尚未签收（签收期限：2026年3月3日（周二）18:00），请先签收。", dueSoon.TextBody);
        Assert.Contains("签收期限：2026年3月3日（周二）18:00（尚未签收）", dueSoon.TextBody);
        Assert.Contains("本事项尚未签收", dueSoon.HtmlBody);

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 9, 18, 1, 0, China).ToUniversalTime()); // the deadline
        await _app.SweepTimersAsync();
        Assert.Equal(1, await CountAsync(Handler, "【超期督办】"));
        Assert.Equal(1, await CountAsync(Leader, "【超期督办】"));
        Assert.Equal(0, await CountAsync(Zone, "【督办升级】"));

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 12, 18, 1, 0, China).ToUniversalTime()); // 3 working days overdue
        await _app.SweepTimersAsync();
        _app.Clock.Advance(TimeSpan.FromDays(10));
        await _app.SweepTimersAsync();

        Assert.Equal(1, await CountAsync(Zone, "【督办升级】"));
        Assert.Equal(1, await CountAsync(Officer, "【督办升级】"));
        Assert.Equal(1, await CountAsync(Handler, "【超期督办】"));
        Assert.Equal(1, await CountAsync(Handler, "【催签收】"));
        var c = await GetCaseAsync(_officer, number);
        var levels = c.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "escalated")
            .Select(e => e.GetProperty("data").GetProperty("level").GetString()).ToList();
        Assert.Equal(["accept", "yellow", "red", "zone"], levels);
        Assert.True(c.GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task A_timer_falling_due_while_a_person_acts_on_the_case_waits_for_the_case_before_it_takes_the_workflow()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var instance = await _app.WithDbAsync(db => db.Cases.Where(c => c.Number == number).Select(c => c.WorkflowInstanceId).SingleAsync());
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 3, 18, 1, 0, China).ToUniversalTime()); // the acceptance deadline passed
        // A person's action on the case holds its row, as CaseService locks it before it resumes the workflow.
        await using var action = await HeldLock.TakeAsync(_app, $"SELECT 1 FROM cases WHERE number = '{number}' FOR UPDATE");
        var sweeping = _app.SweepTimersAsync();
        await action.UntilWaitingAsync(1, sweeping);
        Assert.False(sweeping.IsCompleted);

        // The timer waits for the case without holding the workflow: the action takes the workflow next. The other way
        // round each would wait for the other until PostgreSQL aborted one (the person's click answered 409).
        await using (var probe = new NpgsqlConnection(_app.ConnectionString))
        {
            await probe.OpenAsync();
            await using var tx = await probe.BeginTransactionAsync();
            await using var take = new NpgsqlCommand("SELECT 1 FROM workflow_instances WHERE id = @id FOR UPDATE NOWAIT", probe, tx);
            take.Parameters.AddWithValue("id", instance!.Value);
            await take.ExecuteNonQueryAsync();
        }

        await action.ReleaseAsync();
        Assert.True(await sweeping >= 1);
        Assert.Equal(1, await CountAsync(Handler, "【催签收】"));
    }

    [Fact]
    public async Task The_ladder_runs_on_while_the_officer_sits_on_an_extension_request_and_each_rung_fires_once()
    {
        // Opened Monday 2 March (factor-guarantee): due Monday 9th 18:00. The handler asks for more time on Thursday;
        // the officer decides only the next Friday.
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 5, 10, 0, 0, China).ToUniversalTime());
        await PostActionAsync(browser, link, "extension", new() { ["days"] = "3", ["note"] = "等待上级批复" });

        foreach (var day in new[] { 6, 9, 12 })
        {
            _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, day, 18, 1, 0, China).ToUniversalTime());
            await _app.SweepTimersAsync();
        }

        Assert.Equal(1, await CountAsync(Handler, "【即将到期】"));
        Assert.Equal(1, await CountAsync(Leader, "【超期督办】"));
        Assert.Equal(1, await CountAsync(Zone, "【督办升级】"));
        Assert.Equal(1, await CountAsync(Officer, "【督办升级】"));
        // Each rung says the request waits for the zone, rather than urging one or escalating as if none was made.
        const string pending = "本事项已于3月5日申请延期3个工作日，待园区审批";
        var yellow = Assert.Single(await MailsAsync(_app, Handler, "【即将到期】"));
        Assert.Contains(pending + "；审批前请按现有期限继续办理。", yellow.TextBody);
        Assert.DoesNotContain("请在到期前通过链接申请延期", yellow.TextBody);
        Assert.Contains(pending, yellow.HtmlBody);
        Assert.Contains(pending, Assert.Single(await MailsAsync(_app, Handler, "【超期督办】")).TextBody);
        var zone = Assert.Single(await MailsAsync(_app, Zone, "【督办升级】"));
        Assert.Contains("责任部门已于3月5日申请延期3个工作日，待园区审批。", zone.TextBody);
        Assert.Contains("责任部门已于3月5日申请延期3个工作日，待园区审批。", zone.HtmlBody);

        // Denied late: back with the handler, and no rung of that deadline fires again.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 13, 9, 0, 0, China).ToUniversalTime());
        Assert.True((await _officer.PostAsJsonAsync($"/api/cases/{number}/extension-decision", new { approve = false, note = "请尽快办结" })).IsSuccessStatusCode);
        _app.Clock.Advance(TimeSpan.FromDays(10));
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();

        Assert.Equal(1, await CountAsync(Handler, "【即将到期】"));
        Assert.Equal(1, await CountAsync(Handler, "【超期督办】"));
        Assert.Equal(1, await CountAsync(Zone, "【督办升级】"));
        var levels = (await GetCaseAsync(_officer, number)).GetProperty("timeline").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "escalated").Select(e => e.GetProperty("data").GetProperty("level").GetString()).ToList();
        Assert.Equal(["yellow", "red", "zone"], levels);
    }

    [Fact]
    public async Task An_accepted_case_gets_no_acceptance_reminder()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        await PostActionAsync(_app.Anonymous(), link, "accept");

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 3, 18, 1, 0, China).ToUniversalTime());
        await _app.SweepTimersAsync();

        Assert.Equal(0, await CountAsync(Handler, "【催签收】"));
    }

    [Fact]
    public async Task Two_server_instances_sweeping_the_same_database_send_each_rung_once()
    {
        await OpenAsync(_officer);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 13, 9, 0, 0, China).ToUniversalTime()); // every rung is due
        await using var second = SecondServer();

        await Task.WhenAll(_app.SweepTimersAsync(), Workflows.Wf.SweepAsync(second.Services), _app.SweepTimersAsync(), Workflows.Wf.SweepAsync(second.Services));

        Assert.Equal(1, await CountAsync(Handler, "【催签收】"));
        Assert.Equal(1, await CountAsync(Handler, "【即将到期】"));
        Assert.Equal(1, await CountAsync(Handler, "【超期督办】"));
        Assert.Equal(1, await CountAsync(Zone, "【督办升级】"));
    }

    [Fact]
    public async Task Two_server_instances_sweeping_many_due_cases_in_chunks_escalate_each_case_once()
    {
        // More cases than one chunk of the sweep: several chunks, fired by two servers' sweeps at once.
        var numbers = new List<string>();
        for (var i = 0; i < Liaison.Server.Workflows.WorkflowTimerJob.ChunkSize + 7; i++)
        {
            numbers.Add((await OpenAsync(_officer)).GetProperty("number").GetString()!);
        }

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 3, 18, 1, 0, China).ToUniversalTime()); // every case's acceptance reminder is due
        await using var second = SecondServer();

        // Both servers sweep twice and relay the outbox after each sweep, all at once (issue 12's multi-node duplicate).
        var nodes = new[] { _app.Services, second.Services, _app.Services, second.Services };
        var fired = await Task.WhenAll(nodes.Select(async node =>
        {
            var count = await Workflows.Wf.SweepAsync(node);
            await Workflows.Wf.RelayAsync(node);
            return count;
        }));

        Assert.Equal(numbers.Count, fired.Sum());
        var escalations = await _app.WithDbAsync(db => db.Database.SqlQuery<string>($"""
            SELECT c.number || ' ' || (e.data::jsonb ->> 'level') AS "Value"
            FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'escalated'
            """).ToListAsync());
        Assert.Equal(numbers.Select(n => n + " accept").Order(), escalations.Order());
        foreach (var to in new[] { Handler, Leader })
        {
            var reminders = await MailsAsync(_app, to, "【催签收】");
            Assert.Equal(numbers.Count, reminders.Count);
            Assert.All(numbers, n => Assert.Single(reminders, m => m.Subject!.Contains(n)));
        }

        var received = _app.Smtp!.Received;
        Assert.Equal(received.Count, received.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(0, await _app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Status != Liaison.Server.Mail.OutboxStatus.Sent)));
    }

    [Fact]
    public async Task A_chunk_of_due_case_timers_is_read_and_locked_a_statement_at_a_time_for_the_whole_chunk()
    {
        const int cases = 12;
        for (var i = 0; i < cases; i++)
        {
            await OpenAsync(_officer);
        }

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 3, 18, 1, 0, China).ToUniversalTime()); // every case's acceptance reminder is due
        int fired;
        int commands;
        using (var counter = EfCommandCounter.Start())
        {
            fired = await Workflows.Wf.SweepAsync(_app.Services);
            commands = counter.Count;
        }

        // One claim and one chunk. For all of the chunk: lock its instances, consume its timers, read their cases, parts
        // and fired deadlines, and the names, departments and settings its runs and mails need (some already cached by
        // earlier tests); then save every timer's rows in one SaveChanges: 13 statements here, the claim included, when
        // this was written, whatever the number of timers. Saving once per timer added one per timer (24); firing the
        // timers one at a time took six each (lock, consume, case, fired deadlines, parts, save), and a chunk that fails
        // and falls back to one transaction per timer takes about ten each (124).
        Assert.Equal(cases, fired);
        Assert.InRange(commands, 1, 15);
        var escalated = await _app.WithDbAsync(db => db.CaseEvents.CountAsync(e => e.Kind == "escalated"));
        Assert.Equal(cases, escalated);
        Assert.Equal(cases * 2, (await MailsAsync(_app, Handler, "【催签收】")).Count + (await MailsAsync(_app, Leader, "【催签收】")).Count);
    }

    /// <summary>A second server on the same database and SMTP listener, its clock at the app's (it runs no jobs: the test drives its sweeps).</summary>
    private Workflows.RestartedServer SecondServer() => Workflows.RestartedServer.Start(_app.ConnectionString, _app.Clock.GetUtcNow(), new()
    {
        ["Liaison:PublicBaseUrl"] = "https://liaison.test.example",
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = _app.Smtp!.Port.ToString(),
        ["Smtp:Security"] = "None",
        ["Smtp:Pipelining"] = "false",
    });

    [Fact]
    public async Task Publishing_an_edited_workflow_changes_the_ladder_for_new_cases()
    {
        var admin = await _app.AsAdminAsync();
        var definition = await admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/workflow-definitions/case-routing");
        var wait = definition!["root"]!["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "wait")!;
        wait["overdueEscalationWorkingDays"]!["expression"]!["value"] = 1;
        var zone = definition["root"]!["activities"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "escalate-zone")!;
        zone["to"]!["expression"]!["value"] = "zone";
        Assert.True((await admin.PutAsJsonAsync("/api/workflow-definitions/case-routing", definition)).IsSuccessStatusCode);
        Assert.True((await admin.PostAsync("/api/workflow-definitions/case-routing/publish", null)).IsSuccessStatusCode);

        await OpenAsync(_officer);
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 10, 18, 1, 0, China).ToUniversalTime()); // 1 working day overdue

        await _app.SweepTimersAsync();

        Assert.Equal(1, await CountAsync(Zone, "【督办升级】"));
        Assert.Equal(0, await CountAsync(Officer, "【督办升级】"));
    }
}
