using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Workflows;

/// <summary>Timers are bookmark rows fired by sweeps: several processes sweeping at once share the work and fire each timer once.</summary>
public sealed class TimerSweepTests(TimerSweepTests.Fixture fixture) : IClassFixture<TimerSweepTests.Fixture>
{
    public sealed class Fixture : AppFixture
    {
        protected override bool WithSmtp => false;
    }

    [Fact]
    public async Task Three_processes_sweeping_at_once_fire_every_due_timer_exactly_once()
    {
        var app = fixture.App;
        await Wf.PublishAsync(app.Services, Wf.Json("sweep-race",
            [Wf.Start(), Wf.Delay("delay", TimeSpan.FromMinutes(5)), Wf.WriteLine("write", "fired"), Wf.End()],
            "start->delay", "delay->write", "write->end"));
        var instances = new List<Guid>();
        for (var i = 0; i < 120; i++)
        {
            instances.Add((await Wf.StartAsync(app.Services, "sweep-race")).Id);
        }

        var later = app.Clock.GetUtcNow().AddMinutes(6);
        app.Clock.SetUtcNow(later);
        await using var second = RestartedServer.Start(app.ConnectionString, later);
        await using var third = RestartedServer.Start(app.ConnectionString, later);

        var fired = await Task.WhenAll(new[] { app.Services, second.Services, third.Services }
            .SelectMany(s => new[] { s, s })
            .Select(s => Task.Run(() => Wf.SweepAsync(s))));
        var writes = await Wf.DbAsync(app.Services, db => db.Set<WorkflowJournalRecord>()
            .Where(j => instances.Contains(j.InstanceId) && j.ActivityId == "write").GroupBy(j => j.InstanceId).Select(g => g.Count()).ToListAsync());
        var finished = await Wf.DbAsync(app.Services, db => db.Set<WorkflowInstanceRecord>()
            .CountAsync(i => instances.Contains(i.Id) && i.Status == WorkflowStatus.Finished));

        Assert.Equal(120, fired.Sum());
        Assert.Equal(120, writes.Count);
        Assert.All(writes, count => Assert.Equal(1, count));
        Assert.Equal(120, finished);
        Assert.Empty(await Wf.DbAsync(app.Services, db => db.Set<WorkflowBookmarkRecord>().Where(b => instances.Contains(b.InstanceId)).ToListAsync()));
    }

    [Fact]
    public async Task A_timer_claimed_by_a_sweeper_that_died_is_fired_once_its_claim_lapses()
    {
        var app = fixture.App;
        await Wf.PublishAsync(app.Services, Wf.Json("sweep-claim",
            [Wf.Start(), Wf.Delay("delay", TimeSpan.FromMinutes(1)), Wf.WriteLine("write", "fired"), Wf.End()],
            "start->delay", "delay->write", "write->end"));
        var started = await Wf.StartAsync(app.Services, "sweep-claim");
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var timer = (await Wf.BookmarksAsync(app.Services, started.Id)).Single();
        // A sweeper claimed it and died before firing it.
        await Wf.DbAsync(app.Services, db => db.Set<WorkflowBookmarkRecord>().Where(b => b.Id == timer.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.ClaimedUntil, app.Clock.GetUtcNow() + WorkflowTimerJob.ClaimFor)));

        var job = app.Services.GetRequiredService<WorkflowTimerJob>();
        var whileClaimed = await Wf.SweepAsync(app.Services);
        // The pump sleeps until the next timer no sweep holds: counting this one, due now, it swept again at once, and
        // again, until the claim lapsed.
        var nextWhileClaimed = await job.NextDueAsync(CancellationToken.None);
        app.Clock.Advance(WorkflowTimerJob.ClaimFor + TimeSpan.FromSeconds(1));
        var nextAfterLapse = await job.NextDueAsync(CancellationToken.None);
        var afterLapse = await Wf.SweepAsync(app.Services);

        Assert.Equal(0, whileClaimed);
        Assert.True(nextWhileClaimed is null || nextWhileClaimed > timer.ResumeAt, $"next due {nextWhileClaimed}, the claimed timer's {timer.ResumeAt}");
        Assert.True(nextAfterLapse <= timer.ResumeAt, $"next due {nextAfterLapse}, the lapsed timer's {timer.ResumeAt}");
        Assert.Equal(1, afterLapse);
        Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(app.Services, started.Id)).Status);
    }

    [Fact]
    public async Task A_chunk_in_which_one_timer_fails_still_fires_the_others_exactly_once()
    {
        var app = fixture.App;
        await Wf.PublishAsync(app.Services, Wf.Json("sweep-broken",
            [Wf.Start(), Wf.Delay("delay", TimeSpan.FromMinutes(5)), Wf.WriteLine("write", "fired"), Wf.End()],
            "start->delay", "delay->write", "write->end"));
        var instances = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            instances.Add((await Wf.StartAsync(app.Services, "sweep-broken")).Id);
        }

        // The fourth instance cannot be saved: its timer fails inside the chunk, after three others were resumed in it.
        var broken = instances[3];
        // DDL takes no parameters: the instance id (a Guid) is written into the trigger's condition.
        var refuse = $"""
            CREATE FUNCTION test_refuse_instance() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
            CREATE TRIGGER test_refuse BEFORE UPDATE ON workflow_instances FOR EACH ROW WHEN (NEW.id = '{broken}') EXECUTE FUNCTION test_refuse_instance();
            """;
        await Wf.DbAsync(app.Services, db => db.Database.ExecuteSqlRawAsync(refuse));
        try
        {
            app.Clock.Advance(TimeSpan.FromMinutes(6));
            await Wf.SweepAsync(app.Services);
            var afterFailure = await WritesAsync(app, instances);
            Assert.Equal(9, afterFailure.Count);
            Assert.All(afterFailure, kv => Assert.Equal(1, kv.Value));
            Assert.DoesNotContain(broken, afterFailure.Keys);
            Assert.Single(await Wf.BookmarksAsync(app.Services, broken));
        }
        finally
        {
            await Wf.DbAsync(app.Services, db => db.Database.ExecuteSqlRawAsync(
                "DROP TRIGGER test_refuse ON workflow_instances; DROP FUNCTION test_refuse_instance();"));
        }

        // Its claim lapses; the next sweep fires it, and nothing else again.
        app.Clock.Advance(WorkflowTimerJob.ClaimFor + TimeSpan.FromSeconds(1));
        await Wf.SweepAsync(app.Services);
        var writes = await WritesAsync(app, instances);
        Assert.Equal(10, writes.Count);
        Assert.All(writes, kv => Assert.Equal(1, kv.Value));
        Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(app.Services, broken)).Status);
    }

    private static Task<Dictionary<Guid, int>> WritesAsync(LiaisonApp app, List<Guid> instances) =>
        Wf.DbAsync(app.Services, db => db.Set<WorkflowJournalRecord>()
            .Where(j => instances.Contains(j.InstanceId) && j.ActivityId == "write")
            .GroupBy(j => j.InstanceId)
            .ToDictionaryAsync(g => g.Key, g => g.Count()));
}
