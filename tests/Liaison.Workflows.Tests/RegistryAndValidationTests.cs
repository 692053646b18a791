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
    public void Each_activitys_name_is_its_own_in_each_language_so_the_palette_tells_them_apart()
    {
        var descriptors = ActivityRegistry.CreateDefault().Descriptors;

        Assert.Empty(descriptors.GroupBy(d => d.DisplayName.ZhCn).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(descriptors.GroupBy(d => d.DisplayName.En).Where(g => g.Count() > 1).Select(g => g.Key));
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
    public void Every_built_in_activity_and_input_is_described_in_Chinese_and_in_English()
    {
        foreach (var d in ActivityRegistry.CreateDefault().Descriptors)
        {
            Assert.True(IsChinese(d.Description.ZhCn), $"{d.Type} has no Chinese description: '{d.Description.ZhCn}'");
            Assert.False(string.IsNullOrWhiteSpace(d.Description.En), $"{d.Type} has no English description");
            foreach (var i in d.Inputs)
            {
                Assert.True(IsChinese(i.Description.ZhCn), $"{d.Type}.{i.Name} has no Chinese description: '{i.Description.ZhCn}'");
                Assert.False(string.IsNullOrWhiteSpace(i.Description.En), $"{d.Type}.{i.Name} has no English description");
            }
        }
    }

    [Fact]
    public void Every_outcome_of_a_built_in_activity_has_a_label_and_keeps_its_identifier()
    {
        var byType = ActivityRegistry.CreateDefault().Descriptors.ToDictionary(d => d.Type);
        foreach (var d in byType.Values)
        {
            foreach (var outcome in d.Outcomes)
            {
                Assert.True(d.OutcomeLabels.TryGetValue(outcome, out var label), $"{d.Type} has no label for {outcome}");
                Assert.True(IsChinese(label.ZhCn) && label.En.Length > 0, $"{d.Type}.{outcome}: {label}");
            }
        }

        Assert.Equal(["True", "False"], byType["Elsa.FlowDecision"].Outcomes);
        Assert.Equal(("是", "否"), (byType["Elsa.FlowDecision"].OutcomeLabels["True"].ZhCn, byType["Elsa.FlowDecision"].OutcomeLabels["False"].ZhCn));
        Assert.Equal("完成", byType["Elsa.WriteLine"].OutcomeLabels["Done"].ZhCn); // inherited from Activity.Done
        Assert.Equal("默认", byType["Elsa.FlowSwitch"].OutcomeLabels["Default"].ZhCn); // an outcome its configuration gives it
        Assert.Equal("子流程故障", byType["Elsa.ExecuteWorkflow"].OutcomeLabels["Faulted"].ZhCn);
    }

    [Fact]
    public void Descriptions_and_outcome_labels_serialise_with_locale_keys()
    {
        var json = JsonSerializer.SerializeToNode(ActivityRegistry.CreateDefault().Descriptors, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var delay = json.AsArray().Single(d => d!["type"]!.GetValue<string>() == "Elsa.Delay")!;
        Assert.Equal("等待一段时间（由系统定时器计时）。", delay["description"]!["zh-CN"]!.GetValue<string>());
        Assert.Equal("Waits for a time span (a timer the host schedules).", delay["description"]!["en"]!.GetValue<string>());
        Assert.Equal("等待多长时间，如 00:00:05 或 PT5S。", delay["inputs"]![0]!["description"]!["zh-CN"]!.GetValue<string>());
        Assert.Equal("完成", delay["outcomeLabels"]!["Done"]!["zh-CN"]!.GetValue<string>());
        Assert.Equal("Done", delay["outcomes"]![0]!.GetValue<string>());
    }

    /// <summary>Has Chinese characters (a Chinese field that fell back to the English has none).</summary>
    internal static bool IsChinese(string? text) => text is not null && text.Any(c => c is >= '\u4e00' and <= '\u9fff');

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
        Assert.All(errors, e => Assert.Contains($"'{e.ActivityId}'", e.LocalizedMessage.En));
        // The admin reading Chinese gets Chinese, naming the same activity; Message carries both, as problem details do.
        Assert.All(errors, e => Assert.Contains($"“{e.ActivityId}”", e.LocalizedMessage.ZhCn));
        Assert.All(errors, e => Assert.True(DescriptorTests.IsChinese(e.LocalizedMessage.ZhCn), e.LocalizedMessage.ZhCn));
        Assert.All(errors, e => Assert.Equal($"{e.LocalizedMessage.ZhCn} / {e.LocalizedMessage.En}", e.Message));
        Assert.Contains(errors, e => e.LocalizedMessage.ZhCn == "活动“decide”缺少必填的输入“条件（condition）”。");
        Assert.Contains(errors, e => e.LocalizedMessage.ZhCn == "活动“decide”（Elsa.FlowDecision）没有结果端口 Maybe；它的结果端口有 True、False。");
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
