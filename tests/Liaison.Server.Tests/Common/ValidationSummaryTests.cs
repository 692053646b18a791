using Liaison.Server.Common;

namespace Liaison.Server.Tests.Common;

public sealed class ValidationSummaryTests
{
    [Fact]
    public void A_required_field_reads_as_a_sentence_in_English_and_keeps_its_colon_in_Chinese()
    {
        var v = new Validation();
        v.Required("note", "  ", 100);

        var summary = v.Summary();

        Assert.Equal("说明：必填", summary.Zh);
        Assert.Equal("Note is required", summary.En);
    }

    [Fact]
    public void A_message_that_is_no_predicate_still_follows_its_label_after_a_colon()
    {
        var v = new Validation();
        v.Add("reasonCode", "请选择", "choose one");
        v.Add("days", "必须是整数", "must be a whole number of days");

        var summary = v.Summary();

        Assert.Equal("退回原因：请选择；延期天数：必须是整数", summary.Zh);
        Assert.Equal("Reason: choose one; Days must be a whole number of days", summary.En);
    }
}
