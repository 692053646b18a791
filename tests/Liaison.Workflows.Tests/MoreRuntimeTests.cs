using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Tests;

public class MoreRuntimeTests
{
    [Fact]
    public void Obsolete_inputs_are_tolerated_and_canStartWorkflow_picks_the_start()
    {
        const string json = """
            { "id": "d1", "definitionId": "d", "version": 1,
              "root": { "type": "Elsa.Flowchart", "id": "fc",
                "activities": [
                  { "id": "other", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "not first" } } },
                  { "id": "wait", "type": "Elsa.Delay", "nodeId": "Workflow1:fc:wait",
                    "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "00:00:01" }, "memoryReference": { "id": "wait:input-1" } },
                    "strategy": { "typeName": "DelayStrategy", "expression": { "type": "Literal", "value": "Auto" } },
                    "autoBlockingThreshold": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "00:00:10" } },
                    "customProperties": { "canStartWorkflow": true, "runAsynchronously": false, "mergeMode": "Race" } },
                  { "id": "after", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "after" } } } ],
                "connections": [ { "source": { "activity": "wait", "port": "Done" }, "target": { "activity": "after", "port": "In" } },
                                 { "source": { "activity": "after", "port": "Done" }, "target": { "activity": "other", "port": "In" } } ] } }
            """;
        var result = Harness.RunAll(WorkflowDefinitionJson.Parse(json));

        Assert.Equal("after; not first", result.Lines());
        Assert.Equal("wait", result.Journal[0].ActivityId);
    }

    [Fact]
    public void Invalid_loop_faults_when_taken()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Line("a", "a").Line("b", "b")
            .Add("d", "Elsa.FlowDecision", ("condition", In.Lit(true)))
            .Connect("start", "a").Connect("start", "b").Connect("a", "d").Connect("b", "d").Connect("d", "b", "True").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Contains("Invalid loop", Assert.Single(result.Incidents).Message);
    }

    [Fact]
    public void Liquid_syntax_error_faults()
    {
        var def = new Flow().Add("w", "Elsa.WriteLine", ("text", In.Liquid("{{ Variables.x "))).Build();
        var result = Harness.Runner().Start(def);
        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Contains("Liquid", Assert.Single(result.Incidents).Message);
    }

    [Fact]
    public void Cancel_removes_every_bookmark()
    {
        var def = new Flow().Add("e", "Elsa.Event", ("eventName", In.Lit("x"))).Build();
        var runner = Harness.Runner();
        var started = runner.Start(def);

        var cancelled = runner.Cancel(started.State);

        Assert.Equal(WorkflowStatus.Cancelled, cancelled.Status);
        Assert.Equal([started.NewBookmarks.Single().Id], cancelled.RemovedBookmarkIds);
        Assert.Throws<BookmarkNotFoundException>(() => runner.Resume(def, cancelled.State, started.NewBookmarks.Single().Id));
        Assert.Equal(WorkflowStatus.Suspended, started.State.Status); // the input state is untouched
    }

    [Fact]
    public void Resume_does_not_modify_the_given_state()
    {
        var def = new Flow().Add("e", "Elsa.Event", ("eventName", In.Lit("x"))).Line("w", "w").Connect("e", "w").Build();
        var runner = Harness.Runner();
        var started = runner.Start(def);
        var before = started.State.ToJson();

        runner.Resume(def, started.State, started.NewBookmarks.Single().Id);

        Assert.Equal(before, started.State.ToJson());
    }

    [Fact]
    public void A_faulted_run_removes_its_bookmarks_and_keeps_earlier_effects()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Add("wait", "Elsa.Event", ("eventName", In.Lit("x")))
            .Add("mail", "Elsa.SendEmail", ("to", In.Lit("a@anyue.example")))
            .Add("bad", "Elsa.WriteLine", ("text", In.Js("throw new Error('broken template')")))
            .Connect("start", "wait").Connect("start", "mail").Connect("mail", "bad").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Empty(result.State.Bookmarks);
        Assert.Empty(result.NewBookmarks);
        Assert.Single(result.Effects);
        Assert.Contains("broken template", result.Incidents.Single().Message);
        Assert.Equal("bad", result.State.Incidents.Single().ActivityId);
    }
}

public class ConcurrencyTests
{
    [Fact]
    public void One_runner_serves_many_threads()
    {
        var def = WorkflowDefinitionJson.Parse(Harness.Fixture("implicit-loop.json"));
        var runner = Harness.Runner();
        var lines = new string[64];

        Parallel.For(0, lines.Length, i => lines[i] = runner.Start(def).Lines());

        Assert.All(lines, l => Assert.Equal("Do something; Retry; Do something; Done", l));
    }
}

public class TriggerTests
{
    [Fact]
    public void A_triggering_activity_wins_over_the_default_start()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Line("normal", "normal")
            .Add("hook", "Elsa.Event", ("eventName", In.Lit("imported"))).Line("triggered", "triggered")
            .Connect("start", "normal").Connect("hook", "triggered").Build();
        var runner = Harness.Runner();

        Assert.Equal("normal", runner.Start(def).Lines());

        var started = runner.Start(def, triggerActivityId: "hook");
        Assert.Equal("hook", started.State.StartActivityId);
        var resumed = runner.Resume(def, WorkflowInstanceState.FromJson(started.State.ToJson()), started.NewBookmarks.Single().Id);
        Assert.Equal("triggered", resumed.Lines());

        Assert.Throws<WorkflowDefinitionException>(() => runner.Start(def, triggerActivityId: "nope"));
    }
}
