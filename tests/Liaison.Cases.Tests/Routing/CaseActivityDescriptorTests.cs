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

    private static bool IsChinese(string? text) => text is not null && text.Any(c => c is >= '\u4e00' and <= '\u9fff');
}
