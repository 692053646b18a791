using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Tests;

/// <summary>Child workflows, outputs and Elsa's composition activities, run in memory through the test run.</summary>
public class CompositionTests
{
    private static WorkflowDefinition Child(string id = "child") => new Flow(id).UsableAsActivity()
        .Line("hello", "child ran")
        .Add("out", "Elsa.SetOutput", ("outputName", In.Lit("Answer")), ("outputValue", In.Js("getInput('Question') + '!'")))
        .Connect("hello", "out").Build();

    private static TestRunResult Run(WorkflowDefinition parent, params WorkflowDefinition[] children) =>
        TestRun.Run(Harness.Runner(), parent, resumeAll: true, resolveChild: Harness.Children(children));

    [Fact]
    public void Execute_workflow_waits_for_the_child_and_gets_its_output()
    {
        var parent = new Flow("parent").Var("Answer", "String")
            .Line("before", "before")
            .Add("run", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", In.Lit("child")), ("input", In.Lit(new JsonObject { ["Question"] = "why" })))
            .Add("keep", "Elsa.SetVariable", ("value", In.Js("getLastResult().Answer")))
            .Raw("keep", "variable", new JsonObject { ["id"] = "Answer-id" })
            .Add("after", "Elsa.WriteLine", ("text", In.Js("'after: ' + getAnswer()")))
            .Connect("before", "run").Connect("run", "keep").Connect("keep", "after").Build();

        var result = Run(parent, Child());

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal("before; child ran; after: why!", result.Lines());
        var child = Assert.Single(result.Children);
        Assert.Equal(("child", "run", WorkflowStatus.Finished), (child.DefinitionId, child.ParentActivityId, child.Status));
        Assert.Equal("why!", child.Output["Answer"]!.GetValue<string>());
    }

    [Fact]
    public void A_workflow_used_as_an_activity_takes_its_inputs_and_continues_along_the_child_outcome()
    {
        var child = new Flow("approve").UsableAsActivity()
            .Add("decide", "Elsa.FlowDecision", ("condition", In.Js("getInput('Amount') > 100")))
            .Add("no", "Elsa.Complete", ("outcomes", In.Lit(new JsonArray("Rejected"))))
            .Add("yes", "Elsa.Complete", ("outcomes", In.Lit(new JsonArray("Approved"))))
            .Connect("decide", "yes", "True").Connect("decide", "no", "False").Build();
        var parent = new Flow("parent")
            .Add("approval", "approve", ("Amount", new InputValue { TypeName = "Int32", Expression = new InputExpression { Type = "Literal", Value = 150 } }))
            .Raw("approval", "workflowDefinitionId", "approve")
            .Line("ok", "approved").Line("ko", "rejected")
            .Connect("approval", "ok", "Approved").Connect("approval", "ko", "Rejected").Build();

        var result = Run(parent, child);

        Assert.Equal("approved", result.Lines());
        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(["Approved"], result.Children.Single().Outcomes);
    }

    [Fact]
    public void Three_children_finish_and_the_parent_joins_them_once()
    {
        var child = new Flow("part").UsableAsActivity()
            .Add("wait", "Elsa.Delay", ("timeSpan", In.Lit("00:00:05")))
            .Add("out", "Elsa.SetOutput", ("outputName", In.Lit("Done")), ("outputValue", In.Js("getInput('Name')")))
            .Connect("wait", "out").Build();
        var flow = new Flow("parent").Add("fork", "Elsa.FlowFork", ("branches", In.Lit(new JsonArray("A", "B", "C"))));
        foreach (var name in new[] { "A", "B", "C" })
            flow.Add("run" + name, "Elsa.ExecuteWorkflow", ("workflowDefinitionId", In.Lit("part")), ("input", In.Lit(new JsonObject { ["Name"] = name })))
                .Connect("fork", "run" + name, name).Connect("run" + name, "join");
        flow.Add("join", "Elsa.FlowJoin", ("mode", In.Lit("WaitAll"))).Line("end", "all parts done").Connect("join", "end");

        var result = Run(flow.Build(), child);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal("all parts done", result.Lines());
        Assert.Equal(["A", "B", "C"], result.Children.Select(c => c.Output["Done"]!.GetValue<string>()));
        Assert.Single(result.Journal, j => j.ActivityId == "end");
    }

    [Fact]
    public void A_faulted_child_takes_the_faulted_port_or_faults_the_parent()
    {
        var child = new Flow("broken").UsableAsActivity().Add("boom", "Elsa.Fault", ("message", In.Lit("no land"))).Build();
        var handled = new Flow("parent")
            .Add("run", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", In.Lit("broken")))
            .Line("ok", "ok").Line("bad", "child failed")
            .Connect("run", "ok").Connect("run", "bad", "Faulted").Build();
        var unhandled = new Flow("parent2")
            .Add("run", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", In.Lit("broken"))).Line("ok", "ok").Connect("run", "ok").Build();

        var first = Run(handled, child);
        var second = Run(unhandled, child);

        Assert.Equal(("child failed", WorkflowStatus.Finished), (first.Lines(), first.Status));
        Assert.Equal(WorkflowStatus.Faulted, second.Status);
        Assert.Contains(second.State.Incidents, i => i.ActivityId == "run" && i.Message.Contains("no land"));
    }

    [Fact]
    public void A_missing_child_definition_faults_the_parent_activity_naming_it()
    {
        var parent = new Flow("parent").Add("run", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", In.Lit("nowhere"))).Build();

        var result = Run(parent);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Contains(result.Incidents, i => i.Message.Contains("'nowhere' has no published version"));
    }

    [Fact]
    public void Ending_the_parent_cancels_the_child_it_waited_for()
    {
        var child = new Flow("slow").UsableAsActivity().Add("wait", "Elsa.Delay", ("timeSpan", In.Lit("01:00:00"))).Line("late", "child finished").Connect("wait", "late").Build();
        var parent = new Flow("parent").Add("fork", "Elsa.FlowFork", ("branches", In.Lit(new JsonArray("Child", "Stop"))))
            .Add("run", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", In.Lit("slow")))
            .Add("soon", "Elsa.Delay", ("timeSpan", In.Lit("00:00:01"))).Add("end", "Elsa.End")
            .Connect("fork", "run", "Child").Connect("fork", "soon", "Stop").Connect("soon", "end").Build();

        var result = Run(parent, child);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal(WorkflowStatus.Cancelled, result.Children.Single().Status);
        Assert.Empty(result.WriteLines);
    }

    [Fact]
    public void Dispatch_workflow_goes_on_without_waiting()
    {
        var child = new Flow("later").UsableAsActivity()
            .Add("wait", "Elsa.Delay", ("timeSpan", In.Lit("00:01:00"))).Line("done", "child done").Connect("wait", "done").Build();
        var parent = new Flow("parent").Add("go", "Elsa.DispatchWorkflow", ("workflowDefinitionId", In.Lit("later"))).Line("next", "parent went on")
            .Connect("go", "next").Build();

        var once = TestRun.Run(Harness.Runner(), parent, resolveChild: Harness.Children(child));

        Assert.Equal(WorkflowStatus.Finished, once.Status);
        Assert.Equal("parent went on", once.Lines());
        Assert.Equal(WorkflowStatus.Suspended, once.Children.Single().Status);
    }

    [Fact]
    public void A_workflow_that_runs_itself_stops_at_the_nesting_limit()
    {
        var self = new Flow("self").UsableAsActivity().Add("again", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", In.Lit("self"))).Build();

        var result = Run(self, self);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Equal(ChildWorkflows.MaxDepth, result.Children.Count);
        Assert.Contains(result.Incidents, i => i.Message.Contains($"deeper than {ChildWorkflows.MaxDepth}"));
    }

    [Fact]
    public void Flow_switch_matches_first_or_any_else_default()
    {
        WorkflowDefinition Switch(string mode, int value) => new Flow("s").Var("N", "Int32", value.ToString())
            .Add("sw", "Elsa.FlowSwitch", ("mode", In.Lit(mode)))
            .Raw("sw", "cases", new JsonArray(
                new JsonObject { ["label"] = "Big", ["condition"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "getN() > 10" } },
                new JsonObject { ["label"] = "Even", ["condition"] = new JsonObject { ["type"] = "JavaScript", ["value"] = "getN() % 2 == 0" } }))
            .Line("big", "big").Line("even", "even").Line("other", "other")
            .Connect("sw", "big", "Big").Connect("sw", "even", "Even").Connect("sw", "other", "Default").Build();

        Assert.Equal("big", Harness.RunAll(Switch("MatchFirst", 12)).Lines());
        Assert.Equal("big; even", Harness.RunAll(Switch("MatchAny", 12)).Lines());
        Assert.Equal("other", Harness.RunAll(Switch("MatchAny", 7)).Lines());
    }

    [Fact]
    public void Run_javascript_returns_a_result_and_chooses_its_outcome()
    {
        var def = new Flow("js")
            .Add("js", "Elsa.RunJavaScript", ("script", In.Lit("setOutcome('Yes'); return 6 * 7;")), ("possibleOutcomes", In.Lit(new JsonArray("Yes", "No"))))
            .Add("yes", "Elsa.WriteLine", ("text", In.Js("'yes ' + getOutputFrom('js')")))
            .Line("no", "no")
            .Connect("js", "yes", "Yes").Connect("js", "no", "No").Build();

        Assert.Equal("yes 42", Harness.RunAll(def).Lines());
    }

    [Fact]
    public void Set_name_and_correlate_change_the_instance()
    {
        var def = new Flow("n").Add("name", "Elsa.SetName", ("value", In.Lit("Case 7"))).Add("corr", "Elsa.Correlate", ("correlationId", In.Lit("case-7")))
            .Connect("name", "corr").Build();

        var result = Harness.RunAll(def);

        Assert.Equal(("Case 7", "case-7"), (result.State.Name, result.State.CorrelationId));
    }

    [Fact]
    public void A_sequence_root_runs_its_children_in_order_and_waits_between_them()
    {
        const string json = """
            { "id": "seq-1", "definitionId": "seq", "name": "seq", "version": 1,
              "root": { "type": "Elsa.Sequence", "id": "root", "activities": [
                { "id": "a", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "one" } } },
                { "id": "d", "type": "Elsa.Delay", "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "00:00:01" } } },
                { "id": "c", "type": "Elsa.FlowDecision", "condition": { "typeName": "Boolean", "expression": { "type": "Literal", "value": false } } },
                { "id": "b", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "two" } } } ] } }
            """;
        var def = WorkflowDefinitionJson.Parse(json);

        var once = TestRun.Run(Harness.Runner(), def);
        var all = Harness.RunAll(def);

        Assert.Equal(("one", WorkflowStatus.Suspended), (once.Lines(), once.Status));
        Assert.Equal(("one; two", WorkflowStatus.Finished), (all.Lines(), all.Status));
        var written = WorkflowDefinitionJson.ToJsonNode(def)["root"]!.AsObject();
        Assert.Equal("Elsa.Sequence", written["type"]!.GetValue<string>());
        Assert.False(written.ContainsKey("connections"));
    }

    [Fact]
    public void The_validator_checks_bodies_children_and_cycles_through_them()
    {
        var def = WorkflowDefinitionJson.Parse("""
            { "definitionId": "outer", "name": "outer", "version": 1, "root": { "type": "Elsa.Flowchart", "id": "root", "activities": [
              { "id": "loop", "type": "Elsa.ForEach", "items": { "typeName": "Object", "expression": { "type": "Literal", "value": "[1]" } },
                "body": { "type": "Elsa.Sequence", "id": "body", "activities": [
                  { "id": "mystery", "type": "Acme.Unknown" },
                  { "id": "again", "type": "Elsa.ExecuteWorkflow", "workflowDefinitionId": { "typeName": "String", "expression": { "type": "Literal", "value": "inner" } } } ] } } ] } }
            """);
        var inner = new Flow("inner").UsableAsActivity().Add("back", "Elsa.ExecuteWorkflow", ("workflowDefinitionId", In.Lit("outer"))).Build();
        var sequence = WorkflowDefinitionJson.Parse("""
            { "definitionId": "seq", "root": { "type": "Elsa.Sequence", "id": "s", "activities": [ { "id": "a", "type": "Elsa.WriteLine" }, { "id": "b", "type": "Elsa.WriteLine" } ] } }
            """);

        var errors = Liaison.Workflows.Validation.WorkflowValidator.Validate(def, Activities.ActivityRegistry.CreateDefault(), new Liaison.Workflows.Validation.WorkflowCatalog([inner]));

        Assert.Contains(errors, e => e.ActivityId == "mystery" && e.Code == "unknown-type");
        Assert.Contains(errors, e => e.Code == "workflow-cycle" && e.Message.Contains("outer → inner → outer"));
        Assert.Empty(Liaison.Workflows.Validation.WorkflowValidator.Validate(sequence, Activities.ActivityRegistry.CreateDefault()));
    }

    [Fact]
    public void Execute_and_dispatch_describe_the_same_inputs_and_differ_in_waiting_by_default()
    {
        var registry = Activities.ActivityRegistry.CreateDefault();
        var execute = registry.Find("Elsa.ExecuteWorkflow")!.Descriptor;
        var dispatch = registry.Find("Elsa.DispatchWorkflow")!.Descriptor;

        Assert.Equal(["correlationId", "input", "waitForCompletion", "workflowDefinitionId"], execute.Inputs.Select(i => i.Name).Order());
        Assert.Equal(execute.Inputs.Select(i => i.Name).Order(), dispatch.Inputs.Select(i => i.Name).Order());
        Assert.Equal(true, execute.Inputs.Single(i => i.Name == "waitForCompletion").DefaultValue);
        Assert.Equal(false, dispatch.Inputs.Single(i => i.Name == "waitForCompletion").DefaultValue);
        Assert.Equal(["Done", "Faulted", "Cancelled"], execute.Outcomes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_fork_with_wait_any_goes_on_after_the_first_branch_whether_join_mode_is_raw_or_wrapped(bool raw)
    {
        var fork = new JsonObject
        {
            ["id"] = "fork", ["type"] = "Elsa.Fork",
            ["branches"] = new JsonArray(
                new JsonObject { ["id"] = "quick", ["type"] = "Elsa.WriteLine", ["text"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "quick" } } },
                new JsonObject { ["id"] = "slow", ["type"] = "Elsa.Event", ["eventName"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "never" } } }),
            ["joinMode"] = raw ? "WaitAny" : new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "WaitAny" } },
        };
        var def = WorkflowDefinitionJson.Parse(new JsonObject
        {
            ["definitionId"] = "fork", ["root"] = new JsonObject { ["type"] = "Elsa.Sequence", ["id"] = "s", ["activities"] = new JsonArray(fork,
                new JsonObject { ["id"] = "after", ["type"] = "Elsa.WriteLine", ["text"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "after" } } }) },
        });

        var result = TestRun.Run(Harness.Runner(), def);

        Assert.Equal(("quick; after", WorkflowStatus.Finished), (result.Lines(), result.Status));
        Assert.Equal(WorkflowStatus.Cancelled, result.Children.Single(c => c.BodyPath == "fork:branches[1]").Status);
    }
}
