using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Tests;

/// <summary>Elsa's token merge modes, read from <c>customProperties.mergeMode</c>; without one the counter rule applies.</summary>
public class MergeModeTests
{
    private static Flow Mode(Flow flow, string id, string mode) => flow.Raw(id, "customProperties", new JsonObject { ["mergeMode"] = mode });

    /// <summary>A decision sends one branch to "a" and leaves "b" dead; both lead to "m".</summary>
    private static WorkflowDefinition DeadBranch(string? mode)
    {
        var flow = new Flow().Add("d", "Elsa.FlowDecision", ("condition", In.Lit(true))).Line("a", "a").Line("b", "b").Line("m", "m")
            .Connect("d", "a", "True").Connect("d", "b", "False").Connect("a", "m").Connect("b", "m");
        return (mode is null ? flow : Mode(flow, "m", mode)).Build();
    }

    /// <summary>A fork runs "a" and "b", both lead to "m".</summary>
    private static WorkflowDefinition BothBranches(string mode) => Mode(new Flow()
        .Add("f", "Elsa.FlowFork", ("branches", In.Lit(new JsonArray("A", "B")))).Line("a", "a").Line("b", "b").Line("m", "m")
        .Connect("f", "a", "A").Connect("f", "b", "B").Connect("a", "m").Connect("b", "m"), "m", mode).Build();

    [Fact]
    public void Without_a_merge_mode_and_with_stream_a_dead_branch_does_not_block()
    {
        Assert.Equal("a; m", Harness.RunAll(DeadBranch(null)).Lines());
        Assert.Equal("a; m", Harness.RunAll(DeadBranch("Stream")).Lines());
    }

    [Fact]
    public void Merge_waits_for_every_branch_and_a_dead_branch_blocks_it()
    {
        var dead = Harness.RunAll(DeadBranch("Merge"));

        Assert.Equal(("a", WorkflowStatus.Finished), (dead.Lines(), dead.Status));
        Assert.Equal("a; b; m", Harness.RunAll(BothBranches("Merge")).Lines());
    }

    [Fact]
    public void Cascade_runs_once_per_arrival()
    {
        Assert.Equal("a; b; m; m", Harness.RunAll(BothBranches("Cascade")).Lines());
    }

    [Fact]
    public void Race_runs_on_the_first_arrival_and_cancels_the_slower_branch()
    {
        var def = Mode(new Flow()
            .Add("f", "Elsa.FlowFork", ("branches", In.Lit(new JsonArray("Slow", "Fast"))))
            .Add("slow", "Elsa.Delay", ("timeSpan", In.Lit("01:00:00"))).Line("fast", "fast").Line("m", "m")
            .Connect("f", "slow", "Slow").Connect("f", "fast", "Fast").Connect("slow", "m").Connect("fast", "m"), "m", "Race").Build();

        var result = TestRun.Run(Harness.Runner(), def);

        Assert.Equal(("fast; m", WorkflowStatus.Finished), (result.Lines(), result.Status));
        Assert.Contains(result.Journal, j => j.ActivityId == "slow" && j.Kind == JournalEventKind.Cancelled);
    }

    [Fact]
    public void Converge_also_waits_for_the_loop_back_edge()
    {
        // start -> x -> y -> back to x: x needs the start's token and the back-edge's, so it never runs.
        var def = Mode(new Flow().Line("start", "start").Line("x", "x").Line("y", "y")
            .Connect("start", "x").Connect("x", "y").Connect("y", "x"), "x", "Converge").Build();
        var merge = Mode(new Flow().Line("start", "start").Line("x", "x").Line("y", "y").Add("stop", "Elsa.End")
            .Connect("start", "x").Connect("x", "y").Connect("y", "stop"), "x", "Merge").Build();

        Assert.Equal("start", Harness.RunAll(def).Lines());
        Assert.Equal("start; x; y", Harness.RunAll(merge).Lines());
    }
}
