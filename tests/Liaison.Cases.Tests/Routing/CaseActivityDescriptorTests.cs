using Liaison.Cases.Routing;
using Liaison.Workflows.Activities;

namespace Liaison.Cases.Tests.Routing;

/// <summary>The designer's palette in the admin's language: the case activities as the engine's own are.</summary>
public sealed class CaseActivityDescriptorTests
{
    private static readonly IReadOnlyList<ActivityDescriptor> CaseActivities =
        new ActivityRegistry().AddCaseActivities().Descriptors;

    [Fact]
    public void Every_case_activity_and_input_is_described_in_Chinese_and_in_English()
    {
        Assert.NotEmpty(CaseActivities);
        foreach (var d in CaseActivities)
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
    public void Every_outcome_of_a_case_activity_has_a_label_in_both_languages()
    {
        foreach (var d in CaseActivities)
        {
            foreach (var outcome in d.Outcomes)
            {
                Assert.True(d.OutcomeLabels.TryGetValue(outcome, out var label), $"{d.Type} has no label for {outcome}");
                Assert.True(IsChinese(label.ZhCn) && label.En.Length > 0, $"{d.Type}.{outcome}: {label}");
            }
        }

        var wait = CaseActivities.Single(d => d.Type == "Liaison.WaitForLiaison");
        Assert.Contains("Accepted", wait.Outcomes); // the identifier in the JSON is unchanged
        Assert.Equal("已签收", wait.OutcomeLabels["Accepted"].ZhCn);
        Assert.Equal("确认销号", CaseActivities.Single(d => d.Type == "Liaison.WaitForOfficer").OutcomeLabels["Confirmed"].ZhCn);
    }

    [Fact]
    public void Every_value_of_a_case_input_with_choices_has_its_meaning_in_both_languages()
    {
        var withChoices = CaseActivities.SelectMany(d => d.Inputs.Where(i => i.Choices is not null).Select(i => (d.Type, Input: i))).ToList();
        Assert.Equal(6, withChoices.Count); // a status, two mail kinds, two audiences, a decision
        foreach (var (type, input) in withChoices)
        {
            foreach (var value in input.Choices!)
            {
                Assert.True(input.ChoiceLabels!.TryGetValue(value, out var label), $"{type}.{input.Name} has no label for {value}");
                Assert.True(IsChinese(label.ZhCn) && label.En.Length > 0, $"{type}.{input.Name}.{value}: {label}");
            }
        }

        // The meanings the rest of Liaison already gives them: a mail kind's, a status's.
        var notify = Input("Liaison.Notify", "template");
        Assert.Equal(new LocalizedText("逾期（红灯）", "Overdue (red)"), notify.ChoiceLabels!["overdue"]);
        Assert.Equal("办理中", Input("Liaison.SetCaseStatus", "status").ChoiceLabels!["in-progress"].ZhCn);
        Assert.Equal("经办人", Input("Liaison.Escalate", "to").ChoiceLabels!["handler"].ZhCn);
        Assert.Equal("延期申请", Input("Liaison.WaitForOfficer", "decision").ChoiceLabels!["extension"].ZhCn);
    }

    [Fact]
    public void An_input_with_choices_leaves_its_values_to_the_designers_list_of_them()
    {
        foreach (var d in CaseActivities)
        {
            foreach (var input in d.Inputs.Where(i => i.Choices is not null))
            {
                foreach (var value in input.Choices!)
                {
                    var named = new System.Text.RegularExpressions.Regex($@"(?<![\w-]){System.Text.RegularExpressions.Regex.Escape(value)}(?![\w-])");
                    Assert.False(named.IsMatch(input.Description.ZhCn) || named.IsMatch(input.Description.En),
                        $"{d.Type}.{input.Name}'s description names {value}: {input.Description}");
                }
            }
        }
    }

    private static InputDescriptor Input(string type, string name) => CaseActivities.Single(d => d.Type == type).Inputs.Single(i => i.Name == name);

    private static bool IsChinese(string? text) => text is not null && text.Any(c => c is >= '\u4e00' and <= '\u9fff');
}
