using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Tests;

/// <summary>
/// Issue 12, "Bounded expressions": each script that ran past its limits in the attack run is stopped by a named limit
/// with the default options, faults its run with an incident that names the limit, and leaves the runner usable.
/// </summary>
public class BoundedScriptTests
{
    private static RunResult Run(WorkflowRunner runner, InputValue text) =>
        runner.Start(new Flow().Add("evil", "Elsa.WriteLine", ("text", text)).Build());

    private static void AssertFaults(RunResult result, string limitName)
    {
        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        var incident = Assert.Single(result.Incidents);
        Assert.Equal("evil", incident.ActivityId);
        Assert.True(incident.Message.Contains(limitName, StringComparison.Ordinal), incident.Message);
    }

    private static void AssertStillUsable(WorkflowRunner runner)
    {
        Assert.Equal(["still fine"], Run(runner, In.Js("'still ' + 'fine'")).WriteLines);
        Assert.Equal(["still fine"], Run(runner, In.Liquid("still {{ 'fine' }}")).WriteLines);
    }

    [Fact]
    public void Catastrophic_regex_backtracking_is_stopped_by_the_regex_timeout()
    {
        var runner = Harness.Runner();

        var result = Run(runner, In.Js("/(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaa!')"));

        AssertFaults(result, "RegexTimeout");
        AssertStillUsable(runner);
    }

    [Theory]
    [InlineData("'x'.repeat(5e8)")]
    [InlineData("'x'.padStart(5e8, 'y')")]
    [InlineData("'x'.padEnd(5e8)")]
    [InlineData("[1, 2, 3].join('y'.repeat(600000))")]
    [InlineData("new Array(3).fill('x'.repeat(600000)).join('')")]
    [InlineData("'x'.repeat(600000).concat('y'.repeat(600000))")]
    [InlineData("const s = 'x'.repeat(1000); return s.replace(/x/g, s);")]
    [InlineData("const s = 'x'.repeat(1000); return s.replaceAll('x', s);")]
    [InlineData("const s = 'x'.repeat(1000); return s.replace(/x/g, () => s);")]
    [InlineData("const s = 'x'.repeat(1000); return s.replaceAll('x', () => s);")]
    [InlineData("const s = 'x'.repeat(1500); return s.replace(/x/g, \"$'\");")]
    [InlineData("const s = 'x'.repeat(20000); return s.replace(/(?=(x+))/g, '$1').length;")]
    [InlineData("new Array(30).fill(['x'.repeat(1e6)]).join('')")]
    [InlineData("JSON.stringify(new Array(30).fill('x'.repeat(100000)))")]
    [InlineData("JSON.stringify(new Array(30).fill({ toJSON: () => 'x'.repeat(100000) }))")]
    [InlineData("new Array(30).fill('x'.repeat(100000)).toLocaleString()")]
    public void Huge_string_is_refused_by_the_string_length_limit_before_it_is_allocated(string script)
    {
        var runner = Harness.Runner();

        AssertFaults(Run(runner, In.Js(script)), "MaxStringLength");
        AssertStillUsable(runner);
    }

    [Theory]
    [InlineData("'a-b-c'.replace(/-/g, '$&$&')", "a--b--c")]
    [InlineData("'a-b-c'.replaceAll('-', () => '+')", "a+b+c")]
    [InlineData("'x'.repeat(900).replace('x', 'y'.repeat(1000)).length", "1899")]
    [InlineData("['ab', 'cd', 3].join('-') + 'e'.concat('f', 1)", "ab-cd-3ef1")]
    [InlineData("[['a', 'b'], 'c', null].join('-')", "a,b-c-")]
    [InlineData("JSON.stringify({ a: [1, 'x\"y'], b: new Date(0) })", "{\"a\":[1,\"x\\\"y\"],\"b\":\"1970-01-01T00:00:00.000Z\"}")]
    [InlineData("typeof String.raw", "undefined")]
    [InlineData("'2026-12-07'.replace(/(\\d+)-(\\d+)-(\\d+)/, '$3/$2/$1')", "07/12/2026")]
    public void Guarded_string_builders_still_build_ordinary_strings(string script, string expected)
    {
        Assert.Equal([expected], Run(Harness.Runner(), In.Js(script)).WriteLines);
    }

    [Theory]
    [InlineData("let a = []; for (let i = 0; i < 30000; i++) a = [a]; return a.join('-').length;")]
    [InlineData("let a = []; for (let i = 0; i < 30000; i++) a = [a]; return JSON.stringify(a).length;")]
    public void Arrays_nested_thousands_deep_fault_the_script_and_leave_the_engine_usable(string script)
    {
        var runner = Harness.Runner();

        Assert.NotEmpty(Run(runner, In.Js(script)).Incidents);
        AssertStillUsable(runner);
    }

    [Theory]
    [InlineData("Atomics")]
    [InlineData("SharedArrayBuffer")]
    [InlineData("ArrayBuffer")]
    [InlineData("Uint8Array")]
    [InlineData("DataView")]
    [InlineData("WeakRef")]
    public void Globals_the_limits_cannot_bound_are_not_there(string name)
    {
        // Atomics.wait blocked a thread past the script timeout (checked between statements); a buffer is allocated whole.
        Assert.Equal(["undefined"], Run(Harness.Runner(), In.Js($"typeof {name}")).WriteLines);
    }

    [Theory]
    [InlineData("new Array(5e8).fill(0).length")]
    [InlineData("const a = []; a.length = 4e9; return a.map(x => x).length;")]
    public void Huge_array_is_refused_by_the_array_size_limit(string script)
    {
        var runner = Harness.Runner();

        AssertFaults(Run(runner, In.Js(script)), "MaxArraySize");
        AssertStillUsable(runner);
    }

    [Fact]
    public void Liquid_loop_over_more_steps_than_allowed_is_stopped_by_the_step_limit()
    {
        var runner = Harness.Runner();

        var result = Run(runner, In.Liquid("{% for i in (1..100000) %}x{% endfor %}"));

        AssertFaults(result, "LiquidMaxSteps");
        AssertStillUsable(runner);
    }

    [Fact]
    public void Liquid_range_too_large_to_build_is_refused_before_it_is_built()
    {
        var runner = Harness.Runner();

        // Fluid builds a range's numbers as one array before the loop's first step: a billion would be gigabytes.
        var result = Run(runner, In.Liquid("{% for i in (1..1000000000) %}x{% endfor %}{{ (5..-999999999) | size }}"));

        AssertFaults(result, "a range of 1000000000 numbers is over the limit of 100000");
        AssertStillUsable(runner);
    }

    [Fact]
    public void Liquid_replace_is_measured_before_it_builds_its_text()
    {
        var runner = Harness.Runner();

        // 65,536 characters, each replaced by all of them: 4 billion characters, more than a string can hold, so Fluid's
        // own replace would fail on memory (after a 200 MB allocation at a tenth of that); measured first, it is refused.
        var result = Run(runner, In.Liquid(
            "{% assign s = 'x' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}{{ s | replace: 'x', s | size }}"));

        AssertFaults(result, "a filter's text of 4294967296 characters is over the limit of 1000000");
        Assert.Equal(["a-b-c"], Run(runner, In.Liquid("{{ 'a b c' | replace: ' ', '-' }}")).WriteLines);
    }

    [Fact]
    public void Liquid_join_is_measured_before_it_builds_its_text()
    {
        var runner = Harness.Runner();

        // 65,536 characters split into as many items and joined by all of them: 4 billion characters (a read of the change).
        var result = Run(runner, In.Liquid(
            "{% assign s = 'x' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}{% assign a = s | split: '' %}{{ a | join: s | size }}"));

        AssertFaults(result, "a filter's text of 4294967296 characters is over the limit of 1000000");
        Assert.Equal(["a-b-c"], Run(runner, In.Liquid("{{ 'a b c' | split: ' ' | join: '-' }}")).WriteLines);
    }

    [Fact]
    public void Liquid_text_doubled_by_a_filter_is_stopped_at_the_value_limit_not_at_the_memory_limit()
    {
        var runner = Harness.Runner();

        // Forty doublings are forty steps and would be ten trillion characters.
        var result = Run(runner, In.Liquid("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}ok"));

        AssertFaults(result, "a filter's text of 1310720 characters is over the limit of 1000000");
        AssertStillUsable(runner);
    }

    [Fact]
    public void Liquid_output_past_the_size_limit_is_stopped_by_the_output_limit()
    {
        var runner = Harness.Runner();

        // Sixteen doublings are a few steps and 655,360 characters, printed twice: past the million of output.
        var result = Run(runner, In.Liquid("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}{{ s }}{{ s }}"));

        AssertFaults(result, "LiquidMaxOutputLength");
        AssertStillUsable(runner);
    }

    [Fact]
    public void Test_run_with_resume_all_and_a_runaway_loop_is_capped_as_a_whole()
    {
        // Every resume runs 300 activities without waiting and then waits on a timer again: each run stays under
        // MaxActivitiesPerRun, and resumeAll would go on for 1000 resumes (300,000 activities) without a cap.
        var options = new WorkflowRunnerOptions();
        options.TestRun.MaxActivities = 2_000;
        var runner = Harness.Runner(options);
        var def = new Flow()
            .Var("n", "Int32", "0")
            .Add("start", "Elsa.Start")
            .Add("tick", "Elsa.Delay", ("timeSpan", In.Lit("00:01:00")))
            .Add("inc", "Elsa.SetVariable", ("value", In.Js("getN() + 1")))
            .Raw("inc", "variable", new JsonObject { ["id"] = "n-id" })
            .Add("d", "Elsa.FlowDecision", ("condition", In.Js("getN() % 150 != 0")))
            .Connect("start", "tick").Connect("tick", "inc").Connect("inc", "d")
            .Connect("d", "inc", "True").Connect("d", "tick", "False")
            .Build();

        var result = TestRun.Run(runner, def, resumeAll: true);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        var incident = Assert.Single(result.Incidents);
        Assert.Contains("TestRun:MaxActivities", incident.Message, StringComparison.Ordinal);
        Assert.InRange(result.Journal.Count, 1_000, 2_000);
    }

    [Fact]
    public void Test_run_of_an_endless_while_activity_is_capped_as_a_whole()
    {
        var options = new WorkflowRunnerOptions();
        options.TestRun.MaxActivities = 500;
        var runner = Harness.Runner(options);
        var body = JsonNode.Parse("""{ "id": "say", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "again" } } }""")!;
        var def = new Flow().Add("loop", "Elsa.While", ("condition", In.Lit(true))).Raw("loop", "body", body).Build();

        var result = TestRun.Run(runner, def, resumeAll: true);

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Contains(result.Incidents, i => i.Message.Contains("TestRun:MaxActivities", StringComparison.Ordinal));
    }

    [Fact]
    public void Doubling_a_string_statement_by_statement_is_stopped_by_the_memory_limit()
    {
        var runner = Harness.Runner();

        AssertFaults(Run(runner, In.Js("let s = 'x'.repeat(1000000); while (true) { s += s; }")), "MemoryLimit");
        AssertStillUsable(runner);
    }

    [Fact]
    public void Test_run_whose_request_was_cancelled_stops_at_the_next_activity()
    {
        var def = new Flow().Add("loop", "Elsa.While", ("condition", In.Lit(true)))
            .Raw("loop", "body", JsonNode.Parse("""{ "id": "say", "type": "Elsa.WriteLine", "text": { "typeName": "String", "expression": { "type": "Literal", "value": "again" } } }""")!)
            .Build();

        var result = TestRun.Run(Harness.Runner(), def, resumeAll: true, cancellationToken: new CancellationToken(canceled: true));

        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Contains(result.Incidents, i => i.Message.Contains("cancelled", StringComparison.Ordinal));
        Assert.Empty(result.WriteLines);
    }
}
