using System.Text.Json.Nodes;
using Liaison.Server.Audit;
using Liaison.Server.Data;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Workflows;

/// <summary>Child workflows on PostgreSQL: a parent and its children commit together, and a child's end resumes its parent once.</summary>
public sealed class ChildWorkflowTests(ChildWorkflowTests.Fixture fixture) : IClassFixture<ChildWorkflowTests.Fixture>
{
    public sealed class Fixture : AppFixture;

    private IServiceProvider Services => fixture.App.Services;

    /// <summary>A child that waits for the event "go", then outputs "&lt;Name&gt; done".</summary>
    private static string Part(string id) => UsableAsActivity(Wf.Json(id,
        [Wf.Event("wait", "go"), Wf.Activity("out", "Elsa.SetOutput", ("outputName", Wf.Literal("Result")), ("outputValue", Wf.Script("getInput('Name') + ' done'")))],
        "wait->out"));

    private static string UsableAsActivity(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        o["options"] = new JsonObject { ["usableAsActivity"] = true };
        return o.ToJsonString();
    }

    private static JsonObject Run(string id, string child, string name) => Wf.Activity(id, "Elsa.ExecuteWorkflow",
        ("workflowDefinitionId", Wf.Literal(child)), ("input", Wf.Literal(new JsonObject { ["Name"] = name }.ToJsonString(), "Object")));

    /// <summary>Forks to three children A, B and C, joins them (WaitAll) and writes their outputs.</summary>
    private static string ThreeParts(string id, string child) => Wf.Json(id,
        [Wf.Start(), Wf.Activity("fork", "Elsa.FlowFork", ("branches", Wf.Literal("[\"A\",\"B\",\"C\"]", "String[]"))),
         Run("runA", child, "A"), Run("runB", child, "B"), Run("runC", child, "C"),
         Wf.Activity("join", "Elsa.FlowJoin", ("mode", Wf.Literal("WaitAll"))),
         Wf.Activity("write", "Elsa.WriteLine", ("text", Wf.Script("['runA','runB','runC'].map(a => getOutputFrom(a).Result).join(', ')"))),
         Wf.End()],
        "start->fork", "fork:A->runA", "fork:B->runB", "fork:C->runC", "runA->join", "runB->join", "runC->join", "join->write", "write->end");

    private Task<List<WorkflowInstanceRecord>> ChildrenAsync(Guid parent) => Wf.DbAsync(Services, db =>
        db.Set<WorkflowInstanceRecord>().AsNoTracking().Where(i => i.ParentInstanceId == parent).OrderBy(i => i.ParentActivityId).ToListAsync());

    private async Task<Guid> StartThreePartsAsync(string prefix)
    {
        await Wf.PublishAsync(Services, Part(prefix + "-part"));
        await Wf.PublishAsync(Services, ThreeParts(prefix, prefix + "-part"));
        return (await Wf.StartAsync(Services, prefix, correlationId: "case-" + prefix)).Id;
    }

    [Fact]
    public async Task Three_children_start_with_their_parent_and_their_outputs_resume_it_once()
    {
        var parent = await StartThreePartsAsync("three");
        var children = await ChildrenAsync(parent);
        var waiting = await Wf.InstanceAsync(Services, parent);

        foreach (var child in children)
        {
            Assert.Equal(ResumeOutcome.Resumed, (await Wf.RaiseAsync(Services, child.Id, "go")).Outcome);
        }

        var finished = await Wf.InstanceAsync(Services, parent);
        var journal = await Wf.JournalAsync(Services, parent);

        Assert.Equal(WorkflowStatus.Suspended, waiting.Status);
        Assert.Equal(3, children.Count);
        Assert.Equal(["runA", "runB", "runC"], children.Select(c => c.ParentActivityId));
        Assert.All(children, c => Assert.Equal((1, "case-three", "three-part"), (c.Depth, c.CorrelationId, c.DefinitionId)));
        Assert.All(await Task.WhenAll(children.Select(c => Wf.InstanceAsync(Services, c.Id))), c => Assert.Equal(WorkflowStatus.Finished, c.Status));
        Assert.Equal(WorkflowStatus.Finished, finished.Status);
        Assert.Equal("A done, B done, C done", Wf.InputText(journal.Single(j => j.ActivityId == "write"), "text"));
        Assert.Single(journal, j => j.ActivityId == "end");
        Assert.Equal(2, journal.Count(j => j.ActivityId == "runB"));
    }

    [Fact]
    public async Task A_faulted_child_takes_the_faulted_port_and_an_unhandled_fault_faults_the_parent()
    {
        await Wf.PublishAsync(Services, UsableAsActivity(Wf.Json("broken", [Wf.Event("wait", "go"), Wf.Activity("boom", "Elsa.Fault", ("message", Wf.Literal("no land")))], "wait->boom")));
        await Wf.PublishAsync(Services, Wf.Json("handles", [Wf.Start(), Run("run", "broken", "x"), Wf.WriteLine("ok", "ok"), Wf.WriteLine("bad", "handled")],
            "start->run", "run->ok", "run:Faulted->bad"));
        await Wf.PublishAsync(Services, Wf.Json("ignores", [Wf.Start(), Run("run", "broken", "x"), Wf.WriteLine("ok", "ok")], "start->run", "run->ok"));
        var handles = await Wf.StartAsync(Services, "handles");
        var ignores = await Wf.StartAsync(Services, "ignores");

        await Wf.RaiseAsync(Services, (await ChildrenAsync(handles.Id)).Single().Id, "go");
        await Wf.RaiseAsync(Services, (await ChildrenAsync(ignores.Id)).Single().Id, "go");

        Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(Services, handles.Id)).Status);
        Assert.Equal(["start", "run", "run", "bad"], (await Wf.JournalAsync(Services, handles.Id)).Select(j => j.ActivityId));
        Assert.Equal(WorkflowStatus.Faulted, (await Wf.InstanceAsync(Services, ignores.Id)).Status);
        Assert.Contains(await Wf.IncidentsAsync(Services, ignores.Id), i => i.ActivityId == "run" && i.Message.Contains("no land"));
    }

    [Fact]
    public async Task Cancelling_a_parent_cancels_its_waiting_children()
    {
        var parent = await StartThreePartsAsync("cancel");

        var cancelled = await Wf.DbAsync(Services, db => Services.GetRequiredService<WorkflowHost>().CancelAsync(db, parent, default));
        var children = await ChildrenAsync(parent);

        Assert.True(cancelled);
        Assert.Equal(WorkflowStatus.Cancelled, (await Wf.InstanceAsync(Services, parent)).Status);
        Assert.Equal(3, children.Count);
        Assert.All(children, c => Assert.Equal(WorkflowStatus.Cancelled, c.Status));
        Assert.Empty(await Wf.DbAsync(Services, db => db.Set<WorkflowBookmarkRecord>().Where(b => b.InstanceId == parent || children.Select(c => c.Id).Contains(b.InstanceId)).ToListAsync()));
    }

    [Fact]
    public async Task Children_finished_by_two_servers_at_once_resume_their_parent_exactly_once_each()
    {
        await Wf.PublishAsync(Services, Part("race-part"));
        await Wf.PublishAsync(Services, ThreeParts("race", "race-part"));
        await using var other = RestartedServer.Start(fixture.App.ConnectionString, fixture.App.Clock.GetUtcNow());
        var parents = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            parents.Add((await Wf.StartAsync(Services, "race")).Id);
        }

        // Every child is finished twice over, by both servers at the same moment.
        var raises = new List<Task<ResumeResult>>();
        foreach (var parent in parents)
        {
            foreach (var child in await ChildrenAsync(parent))
            {
                raises.Add(Task.Run(() => Wf.RaiseAsync(Services, child.Id, "go")));
                raises.Add(Task.Run(() => Wf.RaiseAsync(other.Services, child.Id, "go")));
            }
        }

        var results = await Task.WhenAll(raises);

        Assert.Equal(12, results.Count(r => r.Outcome == ResumeOutcome.Resumed));
        foreach (var parent in parents)
        {
            var journal = await Wf.JournalAsync(Services, parent);
            Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(Services, parent)).Status);
            Assert.Single(journal, j => j.ActivityId == "end");
            Assert.Single(journal, j => j.ActivityId == "write");
            Assert.Equal("A done, B done, C done", Wf.InputText(journal.Single(j => j.ActivityId == "write"), "text"));
            Assert.All(new[] { "runA", "runB", "runC" }, a => Assert.Equal(2, journal.Count(j => j.ActivityId == a)));
        }
    }

    [Fact]
    public async Task A_crash_between_a_child_finishing_and_its_parent_resuming_loses_nothing()
    {
        await Wf.PublishAsync(Services, Part("crash-part"));
        await Wf.PublishAsync(Services, Wf.Json("crash", [Wf.Start(), Run("run", "crash-part", "solo"), Wf.WriteLine("write", "parent resumed"), Wf.End()],
            "start->run", "run->write", "write->end"));
        var parent = await Wf.StartAsync(Services, "crash");
        var child = (await ChildrenAsync(parent.Id)).Single();
        var bookmark = (await Wf.BookmarksAsync(Services, child.Id)).Single();

        // The child's run and its parent's resume share one transaction: the process dies before it commits.
        WorkflowStatus parentInsideTransaction;
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            await scope.ServiceProvider.GetRequiredService<WorkflowHost>().ResumeAsync(db, bookmark.Id, null, default);
            parentInsideTransaction = (await db.Set<WorkflowInstanceRecord>().AsNoTracking().SingleAsync(i => i.Id == parent.Id)).Status;
        }

        var afterCrash = (await Wf.InstanceAsync(Services, parent.Id), await Wf.InstanceAsync(Services, child.Id));
        await using var restarted = RestartedServer.Start(fixture.App.ConnectionString, fixture.App.Clock.GetUtcNow());
        var retried = await Wf.ResumeAsync(restarted.Services, bookmark.Id);
        var journal = await Wf.JournalAsync(Services, parent.Id);

        Assert.Equal(WorkflowStatus.Finished, parentInsideTransaction);
        Assert.Equal((WorkflowStatus.Suspended, WorkflowStatus.Suspended), (afterCrash.Item1.Status, afterCrash.Item2.Status));
        Assert.Equal(ResumeOutcome.Resumed, retried.Outcome);
        Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(Services, parent.Id)).Status);
        Assert.Equal(["start", "run", "run", "write", "end"], journal.Select(j => j.ActivityId));
    }

    [Fact]
    public async Task A_workflow_activity_runs_the_child_version_pinned_at_publish_unless_it_asks_for_the_latest()
    {
        string Versioned(string text) => UsableAsActivity(Wf.Json("pinned-child",
            [Wf.Activity("out", "Elsa.SetOutput", ("outputName", Wf.Literal("Said")), ("outputValue", Wf.Literal(text)))]));
        JsonObject Node(string id, bool latest)
        {
            var node = Wf.Activity(id, "pinned-child");
            node["workflowDefinitionId"] = "pinned-child";
            if (latest)
            {
                node["useLatest"] = true;
            }

            return node;
        }

        await Wf.PublishAsync(Services, Versioned("v1"));
        await Wf.PublishAsync(Services, Wf.Json("pinning", [Wf.Start(), Node("pinnedRun", false), Node("latestRun", true)], "start->pinnedRun", "start->latestRun"));
        await Wf.PublishAsync(Services, Versioned("v2"));

        var parent = await Wf.StartAsync(Services, "pinning");
        var children = await ChildrenAsync(parent.Id);
        var stored = await Wf.DbAsync(Services, db => db.Set<WorkflowDefinitionRecord>().AsNoTracking().SingleAsync(d => d.DefinitionId == "pinning" && d.IsPublished));
        var pinnedNode = WorkflowDefinitionJson.Parse(stored.Json).Root.Activities.Single(a => a.Id == "pinnedRun");

        Assert.Equal(1, pinnedNode.GetProperty("version")!.GetValue<int>());
        Assert.Equal(2, children.Single(c => c.ParentActivityId == "latestRun").DefinitionVersion);
        Assert.Equal(1, children.Single(c => c.ParentActivityId == "pinnedRun").DefinitionVersion);
        Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(Services, parent.Id)).Status);
        Assert.Equal("v1", Wf.State(await Wf.InstanceAsync(Services, children.Single(c => c.ParentActivityId == "pinnedRun").Id)).Output["Said"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publishing_refuses_a_missing_child_and_a_workflow_that_runs_itself()
    {
        await Wf.PublishAsync(Services, UsableAsActivity(Wf.Json("loop-b", [Wf.WriteLine("w", "b")])));
        await Wf.PublishAsync(Services, UsableAsActivity(Wf.Json("loop-a", [Run("toB", "loop-b", "x")])));

        var cycle = await PublishErrorsAsync(UsableAsActivity(Wf.Json("loop-b", [Run("toA", "loop-a", "x")])));
        var missing = await PublishErrorsAsync(Wf.Json("orphan", [Wf.Start(), Run("nowhere", "no-such-workflow", "x")], "start->nowhere"));

        var error = Assert.Single(cycle);
        Assert.Equal(("toA", "workflow-cycle"), (error.ActivityId, error.Code));
        Assert.Contains("loop-b → loop-a → loop-b", error.Message);
        Assert.Contains(missing, e => e.ActivityId == "nowhere" && e.Code == "unknown-workflow");
    }

    [Fact]
    public async Task A_for_each_whose_body_waits_runs_once_per_item_and_keeps_what_the_body_changed()
    {
        var json = JsonNode.Parse(Wf.Json("each", [
            Wf.Start(),
            Wf.Activity("loop", "Elsa.ForEach", ("items", Wf.Literal("[\"a\",\"b\",\"c\"]", "Object"))),
            Wf.Activity("write", "Elsa.WriteLine", ("text", Wf.Script("getSeen()")))],
            "start->loop", "loop->write"))!.AsObject();
        json["variables"] = new JsonArray(new JsonObject { ["id"] = "seen", ["name"] = "Seen", ["typeName"] = "String", ["value"] = "" });
        json["root"]!["activities"]![1]!["body"] = new JsonObject
        {
            ["type"] = "Elsa.Sequence", ["id"] = "body",
            ["activities"] = new JsonArray(
                Wf.Event("wait", "next"),
                Wf.Activity("keep", "Elsa.SetVariable", ("value", Wf.Script("getSeen() + getCurrentValue()"))).Also(a => a["variable"] = new JsonObject { ["id"] = "seen" })),
        };
        await Wf.PublishAsync(Services, json.ToJsonString());
        var parent = await Wf.StartAsync(Services, "each");

        var bodies = new List<WorkflowInstanceRecord>();
        for (var round = 0; round < 3; round++)
        {
            var body = (await ChildrenAsync(parent.Id)).Single(c => c.Status == WorkflowStatus.Suspended);
            bodies.Add(body);
            Assert.Equal(ResumeOutcome.Resumed, (await Wf.RaiseAsync(Services, body.Id, "next")).Outcome);
        }

        var journal = await Wf.JournalAsync(Services, parent.Id);
        Assert.Equal(WorkflowStatus.Finished, (await Wf.InstanceAsync(Services, parent.Id)).Status);
        Assert.Equal("abc", Wf.InputText(journal.Single(j => j.ActivityId == "write"), "text"));
        Assert.Equal(3, bodies.Select(b => b.Id).Distinct().Count());
        Assert.All(bodies, b => Assert.Equal(("loop:body", "each"), (Wf.State(b).BodyPath, b.DefinitionId)));
    }

    private async Task<IReadOnlyList<Liaison.Workflows.Validation.ValidationError>> PublishErrorsAsync(string json)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<WorkflowDefinitionStore>();
        var draft = await store.SaveDraftAsync(db, WorkflowDefinitionJson.Parse(json), Actor.Server, default);
        return (await store.PublishAsync(db, draft.DefinitionId, Actor.Server, default)).Errors;
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
