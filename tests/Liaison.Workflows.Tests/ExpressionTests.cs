using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Expressions;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Tests;

public class ExpressionTests
{
    private static RunResult RunLine(InputValue text, WorkflowRunner? runner = null, Dictionary<string, object?>? input = null, RunContext? ctx = null,
        Action<Flow>? declare = null)
    {
        var flow = new Flow();
        declare?.Invoke(flow);
        var def = flow.Add("w", "Elsa.WriteLine", ("text", text)).Build();
        return (runner ?? Harness.Runner()).Start(def, input, ctx);
    }

    private static void Vars(Flow f) => f.Var("Counter", "Int32", "41").Var("title", "String", "Road works");

    [Theory]
    [InlineData("getCounter() + 1", "42")]
    [InlineData("getVariable('Counter') * 2", "82")]
    [InlineData("variables.Counter - 1", "40")]
    [InlineData("getTitle().toUpperCase()", "ROAD WORKS")]
    [InlineData("`${getTitle()} #${getCounter()}`", "Road works #41")]
    [InlineData("return getCounter() > 40 ? 'big' : 'small';", "big")]
    [InlineData("const x = getCounter();\nif (x > 100) { return 'no'; }\nreturn 'x=' + x;", "x=41")]
    [InlineData("getCounter() + 1;", "42")]
    public void JavaScript_sees_variables_through_elsa_accessors(string script, string expected)
    {
        var result = RunLine(In.Js(script), declare: Vars);
        Assert.True(result.Status == WorkflowStatus.Finished, string.Join("\n", result.Incidents.Select(i => i.Message)));
        Assert.Equal([expected], result.WriteLines);
    }

    [Theory]
    [InlineData("setCounter(7); return getCounter();", 7)]
    [InlineData("setVariable('Counter', 8); return variables.Counter;", 8)]
    [InlineData("variables.Counter = 9; return getVariable('Counter');", 9)]
    public void JavaScript_writes_variables(string script, int expected)
    {
        var result = RunLine(In.Js(script), declare: Vars);
        Assert.Equal([expected.ToString()], result.WriteLines);
        Assert.Equal(expected, result.State.Variables["Counter"]!.GetValue<int>());
    }

    [Fact]
    public void JavaScript_reads_workflow_inputs()
    {
        var input = new Dictionary<string, object?> { ["caseNumber"] = "AYKF-2026-000123", ["items"] = new[] { 1, 2, 3 } };
        Assert.Equal(["AYKF-2026-000123/3"], RunLine(In.Js("getCaseNumber() + '/' + getInput('items').length"), input: input).WriteLines);
    }

    [Fact]
    public void Host_contributes_getCase_and_Case()
    {
        var options = new WorkflowRunnerOptions();
        options.ExpressionContributors.Add(new DelegateExpressionGlobalsContributor((g, ctx) =>
        {
            var c = ctx!.Get<SampleCase>();
            g.AddFunction("getCase", _ => c);
            g.AddLiquidValue("Case", c);
        }));
        var runner = Harness.Runner(options);
        var ctx = new RunContext().Set(new SampleCase("AYKF-2026-000007", "fgw", new[] { "a@anyue.example" }));

        Assert.Equal(["fgw:AYKF-2026-000007:1"],
            RunLine(In.Js("getCase().departmentCode + ':' + getCase().number + ':' + getCase().emails.length"), runner, ctx: ctx).WriteLines);
        Assert.Equal(["Case AYKF-2026-000007 to fgw"],
            RunLine(In.Liquid("Case {{ Case.Number }} to {{ Case.departmentCode }}"), runner, ctx: ctx).WriteLines);
    }

    [Fact]
    public void Scripts_and_templates_tell_the_runs_time_in_the_hosts_zone()
    {
        var options = new WorkflowRunnerOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai") };
        options.Scripts.Timeout = TimeSpan.FromMinutes(1);
        var (runner, clock) = Harness.Create(options);
        // 00:30 UTC is 08:30 in Shanghai; neither is the machine's clock.
        clock.SetUtcNow(new DateTimeOffset(2027, 1, 1, 0, 30, 0, TimeSpan.Zero));

        Assert.Equal(["2027-01-01T00:30:00.000Z 8"], RunLine(In.Js("new Date().toISOString() + ' ' + new Date().getHours()"), runner).WriteLines);
        Assert.Equal(["2027-01-01 08:30"], RunLine(In.Liquid("{{ 'now' | date: '%Y-%m-%d %H:%M' }}"), runner).WriteLines);
    }

    [Fact]
    public void Liquid_sees_Variables_and_Input()
    {
        var result = RunLine(In.Liquid("{{ Variables.title }} ({{ Variables.Counter | plus: 1 }}) for {{ Input.name }}"),
            input: new() { ["name"] = "Anyue Steel" }, declare: Vars);
        Assert.Equal(["Road works (42) for Anyue Steel"], result.WriteLines);
    }

    [Fact]
    public void Variable_expression_reads_by_name_or_id()
    {
        Assert.Equal(["Road works"], RunLine(In.Var("title"), declare: Vars).WriteLines);
        Assert.Equal(["41"], RunLine(In.Var("Counter-id"), declare: Vars).WriteLines);
    }

    [Fact]
    public void Script_error_faults_with_an_incident_naming_the_activity()
    {
        var result = RunLine(In.Js("getNothing()"));
        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        var incident = Assert.Single(result.Incidents);
        Assert.Equal("w", incident.ActivityId);
        Assert.Contains("Activity 'w'", incident.Message);
        Assert.Contains("getNothing", incident.Message);
    }

    [Fact]
    public void Syntax_error_faults_clearly()
    {
        var result = RunLine(In.Js("return (;"));
        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        Assert.Contains("syntax error", Assert.Single(result.Incidents).Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_liquid_syntax_error_faults_with_its_line_and_column_on_one_line()
    {
        var result = RunLine(In.Liquid("Case {{ Case.Number }}\nto {% if x %} no end"));
        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        var message = Assert.Single(result.Incidents).Message;
        Assert.Matches(@"Liquid syntax error at line 2, column \d+: '\{% endif %\}' was expected", message);
        Assert.DoesNotContain("Source:", message);
        Assert.DoesNotContain("\n", message);
    }

    [Fact]
    public void Script_globals_do_not_leak_between_runs()
    {
        var runner = Harness.Runner();
        Assert.Equal(WorkflowStatus.Faulted, RunLine(In.Js("leaked = 1; return 'set';"), runner).Status); // strict mode
        var second = RunLine(In.Js("typeof leaked"), runner);
        Assert.Equal(["undefined"], second.WriteLines);
    }

    public sealed record SampleCase(string Number, string DepartmentCode, string[] Emails);
}

public class SandboxTests
{
    private static RunResult Run(WorkflowRunner runner, string script)
    {
        var def = new Flow().Add("evil", "Elsa.WriteLine", ("text", In.Js(script))).Build();
        return runner.Start(def);
    }

    private static void AssertFaults(RunResult result, string expectedFragment)
    {
        Assert.Equal(WorkflowStatus.Faulted, result.Status);
        var incident = Assert.Single(result.Incidents);
        Assert.Equal("evil", incident.ActivityId);
        Assert.Contains(expectedFragment, incident.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertStillUsable(WorkflowRunner runner)
    {
        var ok = runner.Start(new Flow().Add("w", "Elsa.WriteLine", ("text", In.Js("'still ' + 'fine'"))).Build());
        Assert.Equal(["still fine"], ok.WriteLines);
    }

    [Theory]
    [InlineData("importNamespace('System.IO').File.ReadAllText('/etc/passwd')", "importNamespace")]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd')", "System")]
    [InlineData("clrHelper.getType()", "clrHelper")]
    public void No_way_to_reach_dotnet(string script, string fragment)
    {
        var runner = Harness.Runner();
        var result = Run(runner, script);
        AssertFaults(result, fragment);
        AssertStillUsable(runner);
    }

    [Fact]
    public void No_clr_bridge_is_installed()
    {
        var result = Run(Harness.Runner(), "[typeof importNamespace, typeof System, typeof getVariable.GetType, typeof host].join(',')");
        Assert.Equal(["undefined,undefined,undefined,undefined"], result.WriteLines);
    }

    [Fact]
    public void Endless_loop_hits_the_statement_limit()
    {
        var runner = Harness.Runner();
        AssertFaults(Run(runner, "while(true){}"), "MaxStatements");
        AssertStillUsable(runner);
    }

    [Fact]
    public void Endless_loop_hits_the_time_limit()
    {
        var options = new WorkflowRunnerOptions();
        options.Scripts.MaxStatements = int.MaxValue;
        options.Scripts.Timeout = TimeSpan.FromMilliseconds(300);
        var runner = Harness.Runner(options);
        AssertFaults(Run(runner, "while(true){}"), "time limit");
        AssertStillUsable(runner);
    }

    [Fact]
    public void Huge_allocation_hits_the_memory_limit()
    {
        var options = new WorkflowRunnerOptions();
        options.Scripts.MaxStatements = int.MaxValue;
        options.Scripts.Timeout = TimeSpan.FromSeconds(10);
        var runner = Harness.Runner(options);
        AssertFaults(Run(runner, "const a = []; while (true) { a.push('x'.repeat(10000) + a.length); }"), "memory limit");
        AssertStillUsable(runner);
    }

    [Fact]
    public void Deep_recursion_hits_the_recursion_limit()
    {
        var runner = Harness.Runner();
        AssertFaults(Run(runner, "function f(n) { return f(n + 1) + 1; } return f(0);"), "recursion limit");
        AssertStillUsable(runner);
    }
}
