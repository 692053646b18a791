using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Tests;

/// <summary>Behaviours of Elsa's own scenario tests, replayed on our JSON files of the same shape.</summary>
public class ElsaScenarioTests
{
    [Fact]
    public void Implicit_loop_with_counter()
    {
        var result = Harness.RunAll(WorkflowDefinitionJson.Parse(Harness.Fixture("implicit-loop.json")));

        Assert.Equal("Do something; Retry; Do something; Done", result.Lines());
        Assert.Equal(WorkflowStatus.Finished, result.Status);
    }

    [Fact]
    public void Join_any_chain_runs_the_end_once()
    {
        var result = Harness.RunAll(WorkflowDefinitionJson.Parse(Harness.Fixture("join-any.json")));

        Assert.Equal("Start; End", result.Lines());
        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Single(result.Journal, j => j.ActivityId == "joinBoth");
    }

    [Fact]
    public void Join_all_waits_for_both_lines_then_ends()
    {
        // join-all-1: Start forks to "Line 1" and a delayed "Line 2"; a WaitAll join precedes "End".
        var def = new Flow()
            .Line("start", "Start").Line("l1", "Line 1")
            .Add("delay", "Elsa.Delay", ("timeSpan", In.Lit("00:00:01"))).Line("l2", "Line 2")
            .Add("join", "Elsa.FlowJoin", ("mode", In.Lit("WaitAll"))).Line("end", "End")
            .Connect("start", "l1").Connect("start", "delay").Connect("delay", "l2")
            .Connect("l1", "join").Connect("l2", "join").Connect("join", "end").Build();

        var result = Harness.RunAll(def);

        Assert.Equal("Start; Line 1; Line 2; End", result.Lines());
        Assert.Equal(WorkflowStatus.Finished, result.Status);
    }

    [Fact]
    public void Fork_decision_join_waitall_is_blocked_by_the_skipped_branch()
    {
        var result = Harness.RunAll(WorkflowDefinitionJson.Parse(Harness.Fixture("fork-decision-join-waitall.json")));

        Assert.Equal("A; C; B; D", result.Lines()); // F never runs: E was skipped so WaitAll cannot be met
        Assert.Equal(WorkflowStatus.Faulted, result.Status); // the False branch ends in Elsa.Fault
        Assert.Equal("boom", Assert.Single(result.Incidents).ActivityId);
        Assert.Contains("that went south", result.Incidents[0].Message);
    }

    [Fact]
    public void Fork_decision_implicit_join_runs_after_the_live_branches()
    {
        // fork-decision-join-none: the same fork, but an implicit join (no FlowJoin) before F.
        var def = new Flow()
            .Line("a", "A").Line("b", "B").Line("c", "C").Line("d", "D")
            .Add("decide", "Elsa.FlowDecision", ("condition", In.Js("return false;")))
            .Line("e", "E").Line("f", "F").Line("g", "G")
            .Connect("a", "c").Connect("a", "b").Connect("a", "d").Connect("d", "decide")
            .Connect("decide", "e", "True").Connect("decide", "g", "False")
            .Connect("b", "f").Connect("c", "f").Connect("e", "f").Build();

        var result = Harness.RunAll(def);

        // Skipping E completes F's inbound set synchronously, before G (queued after) runs.
        Assert.Equal("A; C; B; D; F; G", result.Lines());
        Assert.Single(result.Journal, j => j.ActivityId == "f");
    }
}
