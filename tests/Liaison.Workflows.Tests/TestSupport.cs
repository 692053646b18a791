using System.Text.Json.Nodes;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Liaison.Workflows.Tests;

/// <summary>Small builder so each test states its graph in a few lines.</summary>
internal sealed class Flow
{
    private readonly WorkflowDefinition _def;

    public Flow(string definitionId = "test", int version = 1) =>
        _def = new WorkflowDefinition { Id = $"{definitionId}-v{version}", DefinitionId = definitionId, Name = definitionId, Version = version, Root = new Flowchart { Id = "fc" } };

    /// <summary>Marks the definition usable as an activity.</summary>
    public Flow UsableAsActivity()
    {
        _def.Extra["options"] = new JsonObject { ["usableAsActivity"] = true };
        return this;
    }

    public Flow Var(string name, string typeName = "Object", string? value = null, string? id = null)
    {
        _def.Variables.Add(new VariableDefinition { Id = id ?? name + "-id", Name = name, TypeName = typeName, Value = value });
        return this;
    }

    public Flow Add(string id, string type, params (string Name, InputValue Value)[] inputs)
    {
        var node = new ActivityNode { Id = id, Type = type };
        foreach (var (name, value) in inputs) node.Inputs[name] = value;
        _def.Root.Activities.Add(node);
        return this;
    }

    public Flow Line(string id, string text) => Add(id, "Elsa.WriteLine", ("text", In.Lit(text)));

    public Flow Raw(string activityId, string property, JsonNode value)
    {
        _def.Root.Activities.Single(a => a.Id == activityId).Extra[property] = value;
        return this;
    }

    public Flow Connect(string from, string to, string port = "Done")
    {
        _def.Root.Connections.Add(new Connection { SourceActivity = from, SourcePort = port, TargetActivity = to });
        return this;
    }

    public WorkflowDefinition Build() => _def;
}

internal static class In
{
    public static InputValue Lit(object? value) => InputValue.Literal(value switch
    {
        null => null,
        JsonNode n => n,
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        _ => JsonValue.Create(value.ToString()),
    });

    public static InputValue Js(string script) => InputValue.Of(ExpressionTypes.JavaScript, script);
    public static InputValue Liquid(string template) => InputValue.Of(ExpressionTypes.Liquid, template);
    public static InputValue Var(string name) => InputValue.Of(ExpressionTypes.Variable, name);
}

internal static class Harness
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    public static (WorkflowRunner Runner, FakeTimeProvider Clock) Create(WorkflowRunnerOptions? options = null, ActivityRegistry? registry = null)
    {
        var clock = new FakeTimeProvider(T0);
        return (new WorkflowRunner(registry ?? ActivityRegistry.CreateDefault(), clock, options ?? Unhurried()), clock);
    }

    /// <summary>
    /// The default limits but for the two measured in wall-clock time: the whole test run's (5 s) and a script's (2 s).
    /// A cold Jint or Fluid under a loaded test suite once took the first fixture past 5 s; what a test asserts must not
    /// depend on the machine's speed. Tests of those limits set their own.
    /// </summary>
    private static WorkflowRunnerOptions Unhurried()
    {
        var options = new WorkflowRunnerOptions();
        options.TestRun.TimeLimit = TimeSpan.FromMinutes(2);
        options.Scripts.Timeout = TimeSpan.FromMinutes(1);
        return options;
    }

    public static WorkflowRunner Runner(WorkflowRunnerOptions? options = null) => Create(options).Runner;

    public static TestRunResult RunAll(WorkflowDefinition def, WorkflowRunner? runner = null, IReadOnlyDictionary<string, object?>? input = null) =>
        TestRun.Run(runner ?? Runner(), def, input, resumeAll: true);

    public static string Lines(this TestRunResult r) => string.Join("; ", r.WriteLines);
    public static string Lines(this RunResult r) => string.Join("; ", r.WriteLines);

    /// <summary>A child resolver over a fixed set of definitions (latest version unless pinned).</summary>
    /// <remarks>Elsa's order: the pinned version id, else the pinned version, else the published one, else the latest.</remarks>
    public static Func<ChildWorkflowRequest, WorkflowDefinition?> Children(params WorkflowDefinition[] definitions) => r =>
    {
        var versions = definitions.Where(d => d.DefinitionId == r.DefinitionId).OrderByDescending(d => d.Version).ToList();
        return versions.FirstOrDefault(d => r.DefinitionVersionId != null && d.Id == r.DefinitionVersionId)
               ?? versions.FirstOrDefault(d => r.Version != null && d.Version == r.Version)
               ?? versions.FirstOrDefault(d => d.IsPublished)
               ?? versions.FirstOrDefault();
    };

    public static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));
}
