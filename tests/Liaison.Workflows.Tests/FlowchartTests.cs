using System.Text.Json.Nodes;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Tests;

public class FlowchartTests
{
    [Fact]
    public void Sequence_runs_in_order_and_finishes()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Line("a", "A").Line("b", "B").Add("end", "Elsa.End")
            .Connect("start", "a").Connect("a", "b").Connect("b", "end").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(["A", "B"], result.WriteLines);
        Assert.Equal(["start", "a", "b", "end"], result.Journal.Select(j => j.ActivityId));
        Assert.Equal([1L, 2, 3, 4], result.Journal.Select(j => j.Sequence));
        Assert.Equal("A", result.Journal[1].Inputs["text"]);
        Assert.Equal(["Done"], result.Journal[1].Outcomes);
    }

    [Fact]
    public void Empty_flowchart_finishes_at_once()
    {
        var result = Harness.Runner().Start(new Flow().Build());
        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Empty(result.Journal);
    }

    [Theory]
    [InlineData(true, "yes")]
    [InlineData(false, "no")]
    [InlineData("True", "yes")]
    [InlineData("False", "no")]
    public void Decision_follows_the_literal_condition(object condition, string expected)
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Add("d", "Elsa.FlowDecision", ("condition", In.Lit(condition)))
            .Line("yes", "yes").Line("no", "no")
            .Connect("start", "d").Connect("d", "yes", "True").Connect("d", "no", "False").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal([expected], result.WriteLines);
        Assert.Equal(WorkflowStatus.Finished, result.Status);
    }

    [Fact]
    public void Decision_with_javascript_condition_on_input()
    {
        var def = new Flow()
            .Add("d", "Elsa.FlowDecision", ("condition", In.Js("getInput('amount') > 100")))
            .Line("big", "big").Line("small", "small")
            .Connect("d", "big", "True").Connect("d", "small", "False").Build();
        var runner = Harness.Runner();

        Assert.Equal(["big"], runner.Start(def, new Dictionary<string, object?> { ["amount"] = 150 }).WriteLines);
        Assert.Equal(["small"], runner.Start(def, new Dictionary<string, object?> { ["amount"] = 5 }).WriteLines);
    }

    [Fact]
    public void Loop_with_counter_runs_until_the_condition_holds()
    {
        var def = new Flow()
            .Var("counter", "Int32", "0")
            .Add("start", "Elsa.Start").Line("work", "Do something")
            .Add("inc", "Elsa.SetVariable", ("value", In.Js("getCounter() + 1")))
            .Raw("inc", "variable", new JsonObject { ["id"] = "counter-id", ["name"] = "counter" })
            .Add("check", "Elsa.FlowDecision", ("condition", In.Js("getCounter() > 2")))
            .Line("retry", "Retry").Line("done", "Done")
            .Connect("start", "work").Connect("work", "inc").Connect("inc", "check")
            .Connect("check", "retry", "False").Connect("retry", "work").Connect("check", "done", "True").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal("Do something; Retry; Do something; Retry; Do something; Done", result.Lines());
        Assert.Equal(3, result.State.Variables["counter"]!.GetValue<int>());
    }

    [Fact]
    public void Fan_out_runs_branches_breadth_first_in_connection_order()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Line("a", "A").Line("b", "B").Line("c", "C").Line("a2", "A2").Line("b2", "B2")
            .Connect("start", "a").Connect("start", "b").Connect("start", "c").Connect("a", "a2").Connect("b", "b2").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal("A; B; C; A2; B2", result.Lines());
        Assert.Equal(WorkflowStatus.Finished, result.Status);
    }

    [Fact]
    public void Implicit_join_runs_once_after_both_branches()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Line("a", "A").Line("b", "B").Line("b2", "B2").Line("join", "Joined")
            .Connect("start", "a").Connect("start", "b").Connect("b", "b2").Connect("a", "join").Connect("b2", "join").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal("A; B; B2; Joined", result.Lines());
    }

    [Fact]
    public void Dead_branch_is_skipped_and_does_not_block_the_merge()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Add("d", "Elsa.FlowDecision", ("condition", In.Lit(false)))
            .Line("t1", "T1").Line("t2", "T2").Line("f1", "F1").Line("merge", "Merged").Line("after", "After")
            .Connect("start", "d").Connect("d", "t1", "True").Connect("t1", "t2").Connect("d", "f1", "False")
            .Connect("t2", "merge").Connect("f1", "merge").Connect("merge", "after").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal("F1; Merged; After", result.Lines());
        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.DoesNotContain(result.Journal, j => j.ActivityId is "t1" or "t2");
    }

    [Fact]
    public void Skipped_path_skips_its_end_node_too()
    {
        // The only way to the end is on the dead branch: the workflow still finishes (nothing pending).
        var def = new Flow()
            .Add("d", "Elsa.FlowDecision", ("condition", In.Lit(true))).Line("yes", "yes").Add("end", "Elsa.End")
            .Connect("d", "yes", "True").Connect("d", "end", "False").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.DoesNotContain(result.Journal, j => j.ActivityId == "end");
    }

    [Fact]
    public void WaitAll_join_waits_for_every_branch()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Line("a", "A")
            .Add("wait", "Elsa.Delay", ("timeSpan", In.Lit("00:00:05"))).Line("b", "B")
            .Add("join", "Elsa.FlowJoin", ("mode", In.Lit("WaitAll"))).Line("end", "End")
            .Connect("start", "a").Connect("start", "wait").Connect("wait", "b")
            .Connect("a", "join").Connect("b", "join").Connect("join", "end").Build();
        var runner = Harness.Runner();

        var first = runner.Start(def);
        Assert.Equal(WorkflowStatus.Suspended, first.Status);
        Assert.Equal("A", first.Lines());

        var second = runner.Resume(def, first.State, first.NewBookmarks.Single().Id);
        Assert.Equal("B; End", second.Lines());
        Assert.Equal(WorkflowStatus.Finished, second.Status);
    }

    [Fact]
    public void WaitAny_join_continues_once_and_cancels_the_other_branch()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start")
            .Add("accepted", "Elsa.Event", ("eventName", In.Lit("accepted")))
            .Add("timeout", "Elsa.Delay", ("timeSpan", In.Lit("01:00:00")))
            .Add("join", "Elsa.FlowJoin", ("mode", In.Lit("WaitAny"))).Line("next", "Next")
            .Connect("start", "accepted").Connect("start", "timeout")
            .Connect("accepted", "join").Connect("timeout", "join").Connect("join", "next").Build();
        var runner = Harness.Runner();

        var first = runner.Start(def);
        Assert.Equal(2, first.NewBookmarks.Count);
        var ev = first.NewBookmarks.Single(b => b.Kind == "Elsa.Event");
        var timer = first.NewBookmarks.Single(b => b.Kind == "Elsa.Delay");

        var second = runner.Resume(def, first.State, ev.Id);

        Assert.Equal("Next", second.Lines());
        Assert.Equal(WorkflowStatus.Finished, second.Status);
        Assert.Contains(timer.Id, second.RemovedBookmarkIds);
        Assert.Contains(ev.Id, second.RemovedBookmarkIds);
        Assert.Empty(second.State.Bookmarks);
        Assert.Contains(second.Journal, j => j.ActivityId == "timeout" && j.Kind == JournalEventKind.Cancelled);
    }

    [Fact]
    public void End_completes_immediately_and_cancels_waiting_branches()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Add("wait", "Elsa.Event", ("eventName", In.Lit("x"))).Line("a", "A")
            .Add("end", "Elsa.End").Line("never", "never")
            .Connect("start", "wait").Connect("start", "a").Connect("a", "end").Connect("a", "never").Build();

        var result = Harness.Runner().Start(def);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal("A", result.Lines());
        Assert.Empty(result.State.Bookmarks);
        Assert.Empty(result.NewBookmarks); // created and cancelled within the run: the host never sees it
    }

    [Fact]
    public void Several_outcomes_at_once_run_their_connections_in_parallel()
    {
        var registry = Activities.ActivityRegistry.CreateDefault().Register<Fixtures.SplitBoth>();
        var def = new Flow()
            .Add("s", "Test.SplitBoth").Line("l", "L").Line("r", "R").Line("m", "M")
            .Connect("s", "l", "Left").Connect("s", "r", "Right").Connect("l", "m").Connect("r", "m").Build();

        var result = Harness.Create(registry: registry).Runner.Start(def);

        Assert.Equal("L; R; M", result.Lines());
    }

    [Fact]
    public void Runaway_loop_faults_instead_of_spinning()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start").Line("a", "again")
            .Add("d", "Elsa.FlowDecision", ("condition", In.Lit(true)))
            .Connect("start", "a").Connect("a", "d").Connect("d", "a", "True").Build();
        var runner = Harness.Runner(new WorkflowRunnerOptions { MaxActivitiesPerRun = 100 });

        var result = runner.Start(def);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        var incident = Assert.Single(result.Incidents);
        Assert.Equal("Runaway: more than 100 activities executed without waiting.", incident.Message);
        Assert.Equal(100, result.Journal.Count);
    }

    [Fact]
    public void Loop_through_a_wait_resumes_across_serialised_state()
    {
        // Each iteration waits on a timer; the state goes through JSON between runs like the host's json column.
        var def = new Flow()
            .Var("n", "Int32", "0")
            .Add("start", "Elsa.Start")
            .Add("tick", "Elsa.Delay", ("timeSpan", In.Lit("00:01:00")))
            .Add("inc", "Elsa.SetVariable", ("value", In.Js("getN() + 1")))
            .Raw("inc", "variable", new JsonObject { ["id"] = "n-id" })
            .Add("more", "Elsa.FlowDecision", ("condition", In.Js("getN() < 3")))
            .Add("out", "Elsa.WriteLine", ("text", In.Js("`ticked ${getN()} times`")))
            .Connect("start", "tick").Connect("tick", "inc").Connect("inc", "more")
            .Connect("more", "tick", "True").Connect("more", "out", "False").Build();
        var runner = Harness.Runner();

        var result = runner.Start(def);
        var resumes = 0;
        while (result.Status == WorkflowStatus.Suspended)
        {
            var state = WorkflowInstanceState.FromJson(result.State.ToJson());
            result = runner.Resume(def, state, state.Bookmarks.Single().Id);
            resumes++;
        }

        Assert.Equal(3, resumes);
        Assert.Equal("ticked 3 times", result.Lines());
        Assert.Equal(WorkflowStatus.Finished, result.Status);
    }
}
