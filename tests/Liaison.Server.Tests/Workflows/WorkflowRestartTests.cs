using Liaison.Server.Audit;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Workflows;

/// <summary>What happens across server starts: file import, timers that fell due while no server ran, Hangfire for real.</summary>
public sealed class WorkflowRestartTests
{
    private static readonly string[] Delay1H = ["start->delay", "delay->write", "write->end"];

    [Fact]
    public async Task Workflow_files_are_imported_at_start_only_when_newer()
    {
        var folder = Directory.CreateTempSubdirectory("liaison-workflows-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "routing.json"), Versioned("routing", 3, "v3"));
            await File.WriteAllTextAsync(Path.Combine(folder, "draft.json"), Versioned("draft-only", 1, "d", published: false));
            await File.WriteAllTextAsync(Path.Combine(folder, "broken.json"), "{ not json");
            await File.WriteAllTextAsync(Path.Combine(folder, "invalid.json"),
                Wf.Json("invalid", [Wf.Start(), Wf.Activity("x", "Acme.Unknown")], "start->x"));
            var settings = new Dictionary<string, string?> { [WorkflowImporter.PathSetting] = folder };

            await using var app = await LiaisonApp.StartAsync(nameof(WorkflowRestartTests) + "Import", withSmtp: false, emptyDatabase: true,
                configure: s => s[WorkflowImporter.PathSetting] = folder);
            var afterFirst = await VersionsAsync(app.Services);

            await using (RestartedServer.Start(app.ConnectionString, app.Clock.GetUtcNow(), settings))
            {
            }

            var afterRestart = await VersionsAsync(app.Services);
            await File.WriteAllTextAsync(Path.Combine(folder, "routing.json"), Versioned("routing", 4, "v4"));
            await using (RestartedServer.Start(app.ConnectionString, app.Clock.GetUtcNow(), settings))
            {
            }

            var afterNewer = await VersionsAsync(app.Services);

            Assert.Equal(["draft-only:1:draft", "routing:3:published"], afterFirst);
            Assert.Equal(afterFirst, afterRestart);
            Assert.Equal(["draft-only:1:draft", "routing:3:old", "routing:4:published"], afterNewer);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_shipped_version_after_an_admins_own_is_added_as_a_draft_and_waits_while_an_admins_draft_is_open()
    {
        var folder = Directory.CreateTempSubdirectory("liaison-workflows-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "routing.json"), Versioned("routing", 3, "shipped v3"));
            var settings = new Dictionary<string, string?> { [WorkflowImporter.PathSetting] = folder };
            await using var app = await LiaisonApp.StartAsync(nameof(WorkflowRestartTests) + "Shipped", withSmtp: false, emptyDatabase: true,
                configure: s => s[WorkflowImporter.PathSetting] = folder);
            // The zone's admin changes the shipped workflow: their version 4 is in force.
            Assert.Equal(4, await Wf.PublishAsync(app.Services, Versioned("routing", 0, "zone own")));

            // The next release ships its own version 4: it does not replace the zone's, it waits as draft 5.
            await File.WriteAllTextAsync(Path.Combine(folder, "routing.json"), Versioned("routing", 4, "shipped v4"));
            await RestartAsync();
            var afterShipped = await RowsAsync();
            await RestartAsync();

            Assert.Equal(["3:shipped v3:shipped 3", "4:zone own:published", "5:shipped v4:shipped 4:draft:latest"], afterShipped);
            Assert.Equal(afterShipped, await RowsAsync()); // imported once
            // The admins' start page says so.
            var admin = await app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
            Assert.Contains("内置流程 routing 有新版本（内置第 4 版），因本园区修改过此流程，已作为第 5 版草稿加入", await admin.GetStringAsync("/admin"));

            // Discarded, it stays out: in the history, not the latest, and not brought back by the next start.
            await Wf.DbAsync(app.Services, async db =>
                await app.Services.GetRequiredService<WorkflowDefinitionStore>().DiscardDraftAsync(db, "routing", Actor.Server, default));
            await RestartAsync();
            Assert.Equal(["3:shipped v3:shipped 3", "4:zone own:published:latest", "5:shipped v4:shipped 4:draft"], await RowsAsync());
            Assert.DoesNotContain("data-warning=\"shipped-draft\"", await admin.GetStringAsync("/admin"));

            // While an admin's draft is open, a shipped version waits for the next start after it is published.
            await Wf.DbAsync(app.Services, async db =>
                await app.Services.GetRequiredService<WorkflowDefinitionStore>().SaveDraftAsync(db, WorkflowDefinitionJson.Parse(Versioned("routing", 0, "zone draft")), Actor.Server, default));
            await File.WriteAllTextAsync(Path.Combine(folder, "routing.json"), Versioned("routing", 5, "shipped v5"));
            await RestartAsync();
            Assert.Equal(4, (await RowsAsync()).Count);
            await Wf.DbAsync(app.Services, async db => await app.Services.GetRequiredService<WorkflowDefinitionStore>().PublishAsync(db, "routing", Actor.Server, default));
            await RestartAsync();
            Assert.Equal("7:shipped v5:shipped 5:draft:latest", (await RowsAsync())[^1]);

            async Task RestartAsync()
            {
                await using (RestartedServer.Start(app.ConnectionString, app.Clock.GetUtcNow(), settings))
                {
                }
            }

            // Each version: its number, its text, where it came from, and whether it is published, a draft, the latest.
            Task<List<string>> RowsAsync() => Wf.DbAsync(app.Services, async db =>
                (await db.Set<WorkflowDefinitionRecord>().AsNoTracking().Where(d => d.DefinitionId == "routing").OrderBy(d => d.Version).ToListAsync())
                .Select(d => string.Join(':', new[]
                {
                    d.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    System.Text.RegularExpressions.Regex.Match(d.Json, "(shipped v\\d|zone \\w+)").Value,
                    d.ShippedVersion is { } n ? $"shipped {n}" : d.IsPublished ? "published" : null,
                    d.ShippedVersion is not null && d.IsPublished ? "published" : null,
                    d.IsDraft && !d.IsPublished ? "draft" : null,
                    d.IsLatest ? "latest" : null,
                }.OfType<string>()))
                .ToList());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_timer_due_while_the_server_was_down_fires_once_after_start()
    {
        string connectionString;
        Guid instanceId;
        DateTimeOffset stoppedAt;
        await using (var app = await LiaisonApp.StartAsync(nameof(WorkflowRestartTests) + "Down", withSmtp: false))
        {
            await Wf.PublishAsync(app.Services, Wf.Json("down",
                [Wf.Start(), Wf.Delay("delay", TimeSpan.FromHours(1)), Wf.WriteLine("write", "woke"), Wf.End()], Delay1H));
            instanceId = (await Wf.StartAsync(app.Services, "down")).Id;
            connectionString = app.ConnectionString;
            stoppedAt = app.Clock.GetUtcNow();
        }

        // The server comes back three hours later.
        await using var restarted = RestartedServer.Start(connectionString, stoppedAt.AddHours(3));
        var fired = await Wf.SweepAsync(restarted.Services);
        var again = await Wf.SweepAsync(restarted.Services);

        Assert.Equal(1, fired);
        Assert.Equal(0, again);
        Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(restarted.Services, instanceId)).Status);
        Assert.Single(await Wf.JournalAsync(restarted.Services, instanceId), j => j.ActivityId == "write");
    }

    [Fact]
    public async Task A_short_delay_completes_through_the_timer_pump_of_a_job_process()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(WorkflowRestartTests) + "Hangfire", withSmtp: false, runJobServer: true);
        // The pump sleeps on the fake clock until the timer is due: moving the clock past it wakes it.
        app.Clock.SetUtcNow(TimeProvider.System.GetUtcNow());
        await Wf.PublishAsync(app.Services, Wf.Json("hangfire",
            [Wf.Start(), Wf.Delay("delay", TimeSpan.FromSeconds(1)), Wf.WriteLine("write", "done"), Wf.End()], Delay1H));

        var started = await Wf.StartAsync(app.Services, "hangfire");
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        var deadline = TimeProvider.System.GetUtcNow().AddMinutes(3);
        var status = started.Status;
        while (status != WorkflowStatus.Finished && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(250);
            status = (await Wf.InstanceAsync(app.Services, started.Id)).Status;
        }

        var diag = await Wf.DbAsync(app.Services, async db =>
        {
            var conn = db.Database.GetDbConnection();
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT j.id || ' ' || coalesce(j.statename, '(no state yet)') || ' ' || j.invocationdata::text || ' ' || coalesce((SELECT string_agg(s.name || ':' || coalesce(s.reason, '') || left(coalesce(s.data::text, ''), 400), ' | ' ORDER BY s.id) FROM hangfire.state s WHERE s.jobid = j.id), '') FROM hangfire.job j";
            var list = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) list.Add(reader.GetString(0));
            return string.Join("\n", list);
        });
        Assert.Equal(WorkflowStatus.Suspended, started.Status);
        Assert.True(status == WorkflowStatus.Finished, diag);
        Assert.Single(await Wf.JournalAsync(app.Services, started.Id), j => j.ActivityId == "write");
    }

    private static string Versioned(string definitionId, int version, string text, bool published = true)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Wf.Json(definitionId,
            [Wf.Start(), Wf.WriteLine("write", text), Wf.End()], "start->write", "write->end"))!;
        node["version"] = version;
        node["isPublished"] = published;
        return node.ToJsonString();
    }

    private static Task<List<string>> VersionsAsync(IServiceProvider services) => Wf.DbAsync(services, async db =>
        (await db.Set<WorkflowDefinitionRecord>().AsNoTracking()
            .Where(d => d.DefinitionId != "hello-world")
            .OrderBy(d => d.DefinitionId).ThenBy(d => d.Version).ToListAsync())
        .Select(d => $"{d.DefinitionId}:{d.Version}:{(d.IsPublished ? "published" : d.IsDraft ? "draft" : "old")}")
        .ToList());
}
