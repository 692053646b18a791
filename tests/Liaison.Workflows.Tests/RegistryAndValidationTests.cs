using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Tests.Fixtures;
using Liaison.Workflows.Validation;

namespace Liaison.Workflows.Tests;

public class DescriptorTests
{
    [Fact]
    public void Descriptors_come_from_the_classes()
    {
        var registry = ActivityRegistry.CreateDefault().Register<TestHumanTask>();
        var byType = registry.Descriptors.ToDictionary(d => d.Type);

        var writeLine = byType["Elsa.WriteLine"];
        Assert.Equal(("Primitives", "输出一行", "Write Line"), (writeLine.Category, writeLine.DisplayName.ZhCn, writeLine.DisplayName.En));
        var text = Assert.Single(writeLine.Inputs);
        Assert.Equal(("text", "String", false), (text.Name, text.TypeName, text.Required));
        Assert.Equal(["Done"], writeLine.Outcomes);

        Assert.Equal(["True", "False"], byType["Elsa.FlowDecision"].Outcomes);
        Assert.Empty(byType["Elsa.End"].Outcomes);
        Assert.Equal("WaitAny", byType["Elsa.FlowJoin"].Inputs.Single().DefaultValue);
        Assert.Equal("TimeSpan", byType["Elsa.Delay"].Inputs.Single().TypeName);

        var task = byType["Liaison.TestHumanTask"];
        Assert.Equal(["Accepted", "Returned", "ResolveDue"], task.Outcomes);
        Assert.Equal(["handler", "dueIn"], task.Inputs.Select(i => i.Name));
        Assert.True(task.Inputs[0].Required);
        Assert.Equal("等待联络人", task.DisplayName.ZhCn);
    }

    [Fact]
    public void Descriptors_serialise_with_locale_keys()
    {
        var json = JsonSerializer.SerializeToNode(ActivityRegistry.CreateDefault().Descriptors, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var start = json.AsArray().Single(d => d!["type"]!.GetValue<string>() == "Elsa.Start")!;
        Assert.Equal("开始", start["displayName"]!["zh-CN"]!.GetValue<string>());
        Assert.Equal("Start", start["displayName"]!["en"]!.GetValue<string>());
    }

    [Fact]
    public void Registering_a_second_class_under_the_same_type_name_fails()
    {
        var registry = ActivityRegistry.CreateDefault();
        registry.Register<TestHumanTask>(); // idempotent for the same class
        Assert.Throws<InvalidOperationException>(() => registry.Register<Impostor>());
    }

    [Activity("Elsa.WriteLine")]
    private sealed class Impostor : Activity
    {
        public override void Execute(Runtime.ActivityContext context) { }
    }
}

public class ValidationTests
{
    private static readonly ActivityRegistry Registry = ActivityRegistry.CreateDefault();

    [Fact]
    public void A_correct_definition_has_no_errors()
    {
        var def = Definitions.WorkflowDefinitionJson.Parse(Harness.Fixture("implicit-loop.json"));
        Assert.Empty(WorkflowValidator.Validate(def, Registry));
    }

    [Fact]
    public void Errors_name_the_activities()
    {
        var def = new Flow()
            .Var("count", "Int32", "0")
            .Add("start", "Elsa.Start")
            .Add("alien", "Acme.Teleport")
            .Add("decide", "Elsa.FlowDecision")
            .Add("mail", "Elsa.SendEmail", ("subject", In.Lit("hi")))
            .Add("set", "Elsa.SetVariable", ("value", In.Lit(1))).Raw("set", "variable", new JsonObject { ["id"] = "nope" })
            .Line("orphan", "nobody comes here")
            .Add("bad", "Elsa.WriteLine", ("text", In.Js("return (;")))
            .Connect("start", "decide").Connect("decide", "mail", "Maybe").Connect("start", "ghost")
            .Connect("start", "set").Connect("start", "alien").Connect("start", "bad").Build();

        var errors = WorkflowValidator.Validate(def, Registry);

        void Has(string activityId, string code) =>
            Assert.True(errors.Any(e => e.ActivityId == activityId && e.Code == code), $"expected {code} on {activityId}; got:\n{string.Join("\n", errors)}");
        Has("alien", "unknown-type");
        Has("decide", "missing-input");
        Has("mail", "missing-input");
        Has("decide", "unknown-port");
        Has("ghost", "dangling-connection");
        Has("set", "unknown-variable");
        Has("orphan", "unreachable");
        Has("bad", "invalid-input");
        Assert.All(errors, e => Assert.Contains($"'{e.ActivityId}'", e.Message));
    }

    [Fact]
    public void Duplicate_ids_are_reported()
    {
        var def = new Flow().Add("x", "Elsa.Start").Add("x", "Elsa.End").Connect("x", "x").Build();
        Assert.Contains(WorkflowValidator.Validate(def, Registry), e => e.Code == "duplicate-id" && e.ActivityId == "x");
    }

    [Fact]
    public void A_loop_into_the_middle_of_a_branch_is_reported()
    {
        // d -> b jumps back into b without b dominating d: not a proper loop.
        var def = new Flow()
            .Add("start", "Elsa.Start").Line("a", "a").Line("b", "b")
            .Add("d", "Elsa.FlowDecision", ("condition", In.Lit(true)))
            .Connect("start", "a").Connect("start", "b").Connect("a", "d").Connect("b", "d").Connect("d", "b", "True").Build();

        Assert.Contains(WorkflowValidator.Validate(def, Registry), e => e.Code == "invalid-loop" && e.ActivityId == "d");
    }
}
