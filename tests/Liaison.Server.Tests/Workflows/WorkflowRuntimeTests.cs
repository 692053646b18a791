using System.Text.Json.Nodes;
using System.Data.Common;
using Liaison.Server.Audit;
using Liaison.Server.Data;
using Liaison.Server.Mail;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Workflows;

public sealed class WorkflowRuntimeTests(WorkflowRuntimeTests.Fixture fixture) : IClassFixture<WorkflowRuntimeTests.Fixture>
{
    public sealed class Fixture : AppFixture;

    private LiaisonApp App => fixture.App;

    private IServiceProvider Services => fixture.App.Services;

    private static string EventThenWrite(string definitionId, string text = "after") => Wf.Json(definitionId,
        [Wf.Start(), Wf.Event("wait", "go"), Wf.WriteLine("write", text), Wf.End()],
        "start->wait", "wait->write", "write->end");

    [Fact]
    public async Task A_started_instance_is_persisted_waiting_and_resumes_to_the_end()
    {
        await Wf.PublishAsync(Services, EventThenWrite("persist"));

        var started = await Wf.StartAsync(Services, "persist", correlationId: "case-17");
        var waiting = await Wf.InstanceAsync(Services, started.Id);
        var bookmark = Assert.Single(await Wf.BookmarksAsync(Services, started.Id));
        var resumed = await Wf.RaiseAsync(Services, started.Id, "go");
        var finished = await Wf.InstanceAsync(Services, started.Id);
        var journal = await Wf.JournalAsync(Services, started.Id);
        var again = await Wf.ResumeAsync(Services, bookmark.Id);

        Assert.Equal(WorkflowStatus.Suspended, waiting.Status);
        Assert.Equal("case-17", waiting.CorrelationId);
        Assert.Equal(("wait", "Elsa.Event", "go"), (bookmark.ActivityId, bookmark.Kind, bookmark.Key));
        Assert.Single(Wf.State(waiting).Bookmarks);
        Assert.Equal(ResumeOutcome.Resumed, resumed.Outcome);
        Assert.Equal(WorkflowStatus.Finished, finished.Status);
        Assert.NotNull(finished.FinishedAt);
        Assert.Empty(await Wf.BookmarksAsync(Services, started.Id));
        Assert.Equal(["start", "wait", "wait", "write", "end"], journal.Select(j => j.ActivityId));
        Assert.Equal("after", Wf.InputText(journal.Single(j => j.ActivityId == "write"), "text"));
        Assert.Equal(ResumeOutcome.AlreadyResumed, again.Outcome);
        Assert.Throws<WorkflowAlreadyResumedException>(() => again.EnsureResumed());
    }

    [Fact]
    public async Task Resuming_by_kind_and_key_needs_a_pending_bookmark_of_that_key()
    {
        await Wf.PublishAsync(Services, EventThenWrite("by-key"));
        var started = await Wf.StartAsync(Services, "by-key");

        var wrongKey = await Wf.RaiseAsync(Services, started.Id, "stop");
        var unknown = await Wf.RaiseAsync(Services, Guid.NewGuid(), "go");
        var right = await Wf.RaiseAsync(Services, started.Id, "go");
        var afterEnd = await Wf.RaiseAsync(Services, started.Id, "go");

        Assert.Equal(ResumeOutcome.AlreadyResumed, wrongKey.Outcome);
        Assert.Equal(ResumeOutcome.InstanceNotFound, unknown.Outcome);
        Assert.Equal(ResumeOutcome.Resumed, right.Outcome);
        Assert.Equal(ResumeOutcome.NotResumable, afterEnd.Outcome);
    }

    [Fact]
    public async Task An_instance_stays_on_its_version_after_a_new_version_is_published()
    {
        Assert.Equal(1, await Wf.PublishAsync(Services, EventThenWrite("pinned", "from v1")));
        var old = await Wf.StartAsync(Services, "pinned");
        Assert.Equal(2, await Wf.PublishAsync(Services, EventThenWrite("pinned", "from v2")));
        var fresh = await Wf.StartAsync(Services, "pinned");

        await Wf.RaiseAsync(Services, old.Id, "go");
        await Wf.RaiseAsync(Services, fresh.Id, "go");
        var oldWrite = (await Wf.JournalAsync(Services, old.Id)).Single(j => j.ActivityId == "write");
        var freshWrite = (await Wf.JournalAsync(Services, fresh.Id)).Single(j => j.ActivityId == "write");

        Assert.Equal(1, old.DefinitionVersion);
        Assert.Equal(2, fresh.DefinitionVersion);
        Assert.Equal("from v1", Wf.InputText(oldWrite, "text"));
        Assert.Equal("from v2", Wf.InputText(freshWrite, "text"));
    }

    [Fact]
    public async Task A_publish_is_used_by_the_next_start_although_the_previous_version_is_cached()
    {
        Assert.Equal(1, await Wf.PublishAsync(Services, EventThenWrite("cached", "from v1")));
        var old = await Wf.StartAsync(Services, "cached");
        // Warms both caches: "which version is published" and the parsed v1 (a resume by bookmark id).
        var warm = await Wf.StartAsync(Services, "cached");
        var warmResumed = await Wf.ResumeAsync(Services, Assert.Single(await Wf.BookmarksAsync(Services, warm.Id)).Id, "go");

        Assert.Equal(2, await Wf.PublishAsync(Services, EventThenWrite("cached", "from v2")));
        var fresh = await Wf.StartAsync(Services, "cached");
        var oldResumed = await Wf.ResumeAsync(Services, Assert.Single(await Wf.BookmarksAsync(Services, old.Id)).Id, "go");
        var freshResumed = await Wf.ResumeAsync(Services, Assert.Single(await Wf.BookmarksAsync(Services, fresh.Id)).Id, "go");

        Assert.Equal(ResumeOutcome.Resumed, warmResumed.Outcome);
        Assert.Equal((1, 1, 2), (old.DefinitionVersion, warm.DefinitionVersion, fresh.DefinitionVersion));
        Assert.Equal((ResumeOutcome.Resumed, WorkflowStatus.Finished), (oldResumed.Outcome, oldResumed.Instance!.Status));
        Assert.Equal((ResumeOutcome.Resumed, WorkflowStatus.Finished), (freshResumed.Outcome, freshResumed.Instance!.Status));
        Assert.Equal("from v1", Wf.InputText((await Wf.JournalAsync(Services, old.Id)).Single(j => j.ActivityId == "write"), "text"));
        Assert.Equal("from v2", Wf.InputText((await Wf.JournalAsync(Services, fresh.Id)).Single(j => j.ActivityId == "write"), "text"));
    }

    [Fact]
    public async Task A_publish_rolled_back_with_the_callers_transaction_is_not_served_from_the_cache()
    {
        Assert.Equal(1, await Wf.PublishAsync(Services, EventThenWrite("rolled-back", "from v1")));
        await Wf.StartAsync(Services, "rolled-back");
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            var store = scope.ServiceProvider.GetRequiredService<WorkflowDefinitionStore>();
            await using var tx = await db.Database.BeginTransactionAsync();
            await store.SaveDraftAsync(db, Liaison.Workflows.Definitions.WorkflowDefinitionJson.Parse(EventThenWrite("rolled-back", "rolled back")), Actor.Server, default);
            Assert.Empty((await store.PublishAsync(db, "rolled-back", Actor.Server, default)).Errors);
            var inside = await scope.ServiceProvider.GetRequiredService<WorkflowHost>()
                .StartAsync(db, "rolled-back", new Dictionary<string, object?>(), null, null, default);
            Assert.Equal(2, inside.DefinitionVersion);
            await tx.RollbackAsync();
        }

        var afterRollback = await Wf.StartAsync(Services, "rolled-back");
        // v2 again, with other content: neither cache may still hold the rolled-back v2.
        Assert.Equal(2, await Wf.PublishAsync(Services, EventThenWrite("rolled-back", "from v2")));
        var fresh = await Wf.StartAsync(Services, "rolled-back");
        await Wf.RaiseAsync(Services, fresh.Id, "go");

        Assert.Equal(1, afterRollback.DefinitionVersion);
        Assert.Equal(2, fresh.DefinitionVersion);
        Assert.Equal("from v2", Wf.InputText((await Wf.JournalAsync(Services, fresh.Id)).Single(j => j.ActivityId == "write"), "text"));
    }

    [Fact]
    public async Task Fifty_concurrent_resumes_of_one_bookmark_resume_it_once()
    {
        await Wf.PublishAsync(Services, EventThenWrite("fifty"));
        var started = await Wf.StartAsync(Services, "fifty");
        var bookmark = Assert.Single(await Wf.BookmarksAsync(Services, started.Id));

        // Each caller has its own scope and DbContext, as separate requests would.
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Wf.ResumeAsync(Services, bookmark.Id, "go"))));
        var journal = await Wf.JournalAsync(Services, started.Id);

        Assert.Equal(1, results.Count(r => r.Outcome == ResumeOutcome.Resumed));
        Assert.Equal(49, results.Count(r => r.Outcome == ResumeOutcome.AlreadyResumed));
        Assert.Single(journal, j => j.ActivityId == "write");
        Assert.Single(journal, j => j.ActivityId == "wait" && j.Kind == JournalEventKind.Completed);
        Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(Services, started.Id)).Status);
    }

    [Fact]
    public async Task A_timer_and_a_resume_racing_resume_once()
    {
        // Whichever of the timer and the event arrives first continues; WaitAny cancels the other.
        await Wf.PublishAsync(Services, Wf.Json("race",
            [Wf.Start(), Wf.Delay("timer", TimeSpan.FromHours(1)), Wf.Event("action", "go"),
             Wf.Activity("join", "Elsa.FlowJoin", ("mode", Wf.Literal("WaitAny"))), Wf.WriteLine("write", "once"), Wf.End()],
            "start->timer", "start->action", "timer->join", "action->join", "join->write", "write->end"));
        var instances = new List<WorkflowInstanceRecord>();
        for (var i = 0; i < 10; i++)
        {
            instances.Add(await Wf.StartAsync(Services, "race"));
        }

        App.Clock.Advance(TimeSpan.FromHours(1));

        foreach (var instance in instances)
        {
            var timer = (await Wf.BookmarksAsync(Services, instance.Id)).Single(b => b.ResumeAt != null);
            var fire = Task.Run(() => Wf.FireAsync(Services, timer.Id));
            var action = Task.Run(() => Wf.RaiseAsync(Services, instance.Id, "go"));
            await Task.WhenAll(fire, action);
            var (fired, acted) = (await fire, await action);
            var journal = await Wf.JournalAsync(Services, instance.Id);

            Assert.True(fired ^ acted.Resumed, $"timer fired: {fired}, action: {acted.Outcome}");
            Assert.Single(journal, j => j.ActivityId == "write");
            Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(Services, instance.Id)).Status);
        }
    }

    [Fact]
    public async Task A_timer_fires_through_the_sweep_once_it_is_due_and_only_once()
    {
        await Wf.PublishAsync(Services, Wf.Json("timer",
            [Wf.Start(), Wf.Delay("delay", TimeSpan.FromHours(2)), Wf.WriteLine("write", "late"), Wf.End()],
            "start->delay", "delay->write", "write->end"));
        var started = await Wf.StartAsync(Services, "timer");
        var timer = Assert.Single(await Wf.BookmarksAsync(Services, started.Id));
        var hangfireJobs = await TimerJobsAsync(timer.Id);

        var early = await Wf.FireAsync(Services, timer.Id);
        App.Clock.Advance(TimeSpan.FromHours(2));
        await Wf.SweepAsync(Services);
        var afterSweep = await Wf.InstanceAsync(Services, started.Id);
        var secondSweep = await Wf.SweepAsync(Services);
        var duplicateJob = await Wf.FireAsync(Services, timer.Id);

        Assert.Equal(App.Clock.GetUtcNow(), timer.ResumeAt);
        Assert.Equal(0, hangfireJobs); // a timer is its bookmark row: no Hangfire job of its own
        Assert.False(early);
        Assert.Equal(WorkflowStatus.Finished, afterSweep.Status);
        Assert.Equal(0, secondSweep);
        Assert.False(duplicateJob);
        Assert.Single(await Wf.JournalAsync(Services, started.Id), j => j.ActivityId == "write");
    }

    [Fact]
    public async Task A_failed_commit_leaves_the_instance_as_before_the_run_and_it_can_resume_later()
    {
        await Wf.PublishAsync(Services, Wf.Json("failing-commit",
            [Wf.Start(), Wf.Event("wait", "go"),
             Wf.Activity("mail", "Elsa.SendEmail", ("to", Wf.Literal("ops@anyue.example")), ("subject", Wf.Literal("hi")), ("body", Wf.Literal("text"))),
             Wf.Delay("delay", TimeSpan.FromDays(1)), Wf.End()],
            "start->wait", "wait->mail", "mail->delay", "delay->end"));
        var started = await Wf.StartAsync(Services, "failing-commit", correlationId: "commit-test");
        var before = await Wf.InstanceAsync(Services, started.Id);
        var bookmark = Assert.Single(await Wf.BookmarksAsync(Services, started.Id));
        var journalBefore = (await Wf.JournalAsync(Services, started.Id)).Count;
        var mailBefore = await MailCountAsync();

        // The process "dies" at commit: every statement of the run has executed, the COMMIT fails.
        await using (var scope = Services.CreateAsyncScope())
        {
            var options = new DbContextOptionsBuilder<LiaisonDbContext>()
                .UseNpgsql(App.ConnectionString)
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(new FailingCommit())
                .Options;
            await using var db = new LiaisonDbContext(options);
            var host = scope.ServiceProvider.GetRequiredService<WorkflowHost>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => host.ResumeAsync(db, bookmark.Id, null, default));
        }

        var after = await Wf.InstanceAsync(Services, started.Id);
        Assert.Equal((before.Status, before.State, before.RowVersion), (after.Status, after.State, after.RowVersion));
        Assert.Equal([bookmark.Id], (await Wf.BookmarksAsync(Services, started.Id)).Select(b => b.Id));
        Assert.Equal(journalBefore, (await Wf.JournalAsync(Services, started.Id)).Count);
        Assert.Equal(mailBefore, await MailCountAsync());

        var retried = await Wf.ResumeAsync(Services, bookmark.Id);
        var bookmarks = await Wf.BookmarksAsync(Services, started.Id);
        Assert.Equal(ResumeOutcome.Resumed, retried.Outcome);
        Assert.Equal("delay", Assert.Single(bookmarks).ActivityId);
        Assert.Equal(mailBefore + 1, await MailCountAsync());
    }

    [Fact]
    public async Task A_runaway_loop_faults_the_instance_with_a_persisted_incident()
    {
        await Wf.PublishAsync(Services, Wf.Json("runaway",
            [Wf.Start(), Wf.WriteLine("a", "a"), Wf.WriteLine("b", "b")],
            "start->a", "a->b", "b->a"));

        var started = await Wf.StartAsync(Services, "runaway");
        var instance = await Wf.InstanceAsync(Services, started.Id);
        var incident = Assert.Single(await Wf.IncidentsAsync(Services, started.Id));

        Assert.Equal(WorkflowStatus.Faulted, instance.Status);
        Assert.StartsWith("Runaway", incident.Message);
        Assert.Single(Wf.State(instance).Incidents);
        Assert.Empty(await Wf.BookmarksAsync(Services, started.Id));
    }

    [Fact]
    public async Task A_script_that_breaks_the_sandbox_faults_the_instance_with_a_persisted_incident()
    {
        await Wf.PublishAsync(Services, Wf.Json("sandbox",
            [Wf.Start(), Wf.Event("wait", "go"), Wf.Activity("spin", "Elsa.WriteLine", ("text", Wf.Script("while (true) {} ; 'never'"))), Wf.End()],
            "start->wait", "wait->spin", "spin->end"));
        var started = await Wf.StartAsync(Services, "sandbox");

        var resumed = await Wf.RaiseAsync(Services, started.Id, "go");
        var instance = await Wf.InstanceAsync(Services, started.Id);
        var incident = Assert.Single(await Wf.IncidentsAsync(Services, started.Id));

        Assert.Equal(ResumeOutcome.Resumed, resumed.Outcome);
        Assert.Equal(WorkflowStatus.Faulted, instance.Status);
        Assert.Equal("spin", incident.ActivityId);
        Assert.Contains("spin", incident.Message);
        Assert.Equal(ResumeOutcome.NotResumable, (await Wf.RaiseAsync(Services, started.Id, "go")).Outcome);
    }

    [Fact]
    public async Task SendEmail_queues_one_outbox_row_per_valid_recipient_and_the_relay_delivers_them()
    {
        await Wf.PublishAsync(Services, Wf.Json("mail",
            [Wf.Start(),
             Wf.Activity("mail", "Elsa.SendEmail",
                 ("to", Wf.Literal("handler@anyue.example, not-an-address")),
                 ("cc", Wf.Literal("leader@anyue.example")),
                 ("subject", Wf.Literal("新事项 / New case")),
                 ("body", Wf.Literal("<p>请签收 / Please accept</p>"))),
             Wf.End()],
            "start->mail", "mail->end"));
        App.Smtp!.Clear();

        var started = await Wf.StartAsync(Services, "mail");
        var rows = await Wf.DbAsync(Services, db => db.Outbox.AsNoTracking().Where(m => m.Kind == OutboxEmailHandler.MailKind && m.Subject == "新事项 / New case").ToListAsync());
        var incident = Assert.Single(await Wf.IncidentsAsync(Services, started.Id));
        await App.RelayMailAsync();
        var received = await App.Smtp.WaitForAsync(2, TimeSpan.FromSeconds(30));

        Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(Services, started.Id)).Status);
        Assert.Equal(["handler@anyue.example", "leader@anyue.example"], rows.Select(r => r.ToAddress).Order());
        Assert.All(rows, r => Assert.Equal("请签收 / Please accept", r.TextBody));
        Assert.Contains("not-an-address", incident.Message);
        Assert.Equal(["handler@anyue.example", "leader@anyue.example"],
            received.Select(m => m.To.Mailboxes.Single().Address).Order());
    }

    [Fact]
    public async Task A_liquid_mail_body_encodes_what_it_inserts_so_a_cases_text_adds_no_markup_and_the_text_part_reads_as_typed()
    {
        var liquid = (string source) => new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Liquid", ["value"] = source } };
        await Wf.PublishAsync(Services, Wf.Json("mail-liquid",
            [Wf.Start(),
             Wf.Activity("html", "Elsa.SendEmail", ("to", Wf.Literal("html@anyue.example")), ("subject", liquid("【新事项】{{ Input.Title }}")),
                 ("body", liquid("<p>事项：{{ Input.Title }}</p>"))),
             Wf.Activity("plain", "Elsa.SendEmail", ("to", Wf.Literal("plain@anyue.example")), ("subject", Wf.Literal("plain")),
                 ("body", liquid("事项：{{ Input.Title }}"))),
             Wf.End()],
            "start->html", "html->plain", "plain->end"));
        const string title = "电力 & 燃气 <a href=\"https://evil.example\">点此办理</a>";

        await Wf.StartAsync(Services, "mail-liquid", input: new Dictionary<string, object?> { ["Title"] = title });
        var rows = await Wf.DbAsync(Services, db => db.Outbox.AsNoTracking()
            .Where(m => m.ToAddress == "html@anyue.example" || m.ToAddress == "plain@anyue.example").ToDictionaryAsync(m => m.ToAddress));

        var html = rows["html@anyue.example"];
        Assert.Equal("【新事项】" + title, html.Subject);
        Assert.DoesNotContain("<a", html.HtmlBody);
        Assert.StartsWith("<p>事项：电力 &amp; 燃气 &lt;a href=", html.HtmlBody);
        Assert.Equal("事项：" + title, html.TextBody);
        var plain = rows["plain@anyue.example"];
        Assert.Null(plain.HtmlBody);
        Assert.Equal("事项：" + title, plain.TextBody);
    }

    private Task<int> MailCountAsync() => Wf.DbAsync(Services, db => db.Outbox.CountAsync());

    private Task<int> TimerJobsAsync(string bookmarkId) => Wf.DbAsync(Services, async db =>
    {
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%WorkflowTimerJob%' AND arguments::text LIKE @id";
        var p = cmd.CreateParameter();
        p.ParameterName = "id";
        p.Value = $"%{bookmarkId}%";
        cmd.Parameters.Add(p);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync());
    });

    private sealed class FailingCommit : DbTransactionInterceptor
    {
        public override ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("Simulated crash at commit");
    }
}
