using Liaison.Cases.Common;

namespace Liaison.Cases.Tests.Common;

public sealed class NamesTests
{
    [Theory]
    [InlineData("安岳燃气（集团）有限公司", "安岳燃气(集团)有限公司")]
    [InlineData(" 经济和信息化局 ", "经济和信息化局")]
    [InlineData("Statistics Bureau", "statistics BUREAU")]
    [InlineData("ＡＢＣ　Ltd", "ABC Ltd")]
    public void Spaces_around_case_and_full_width_forms_do_not_make_another_name(string a, string b) => Assert.True(Names.Same(a, b));

    [Theory]
    [InlineData("经济和信息化局", "经济信息化局")]
    [InlineData("安岳燃气有限公司", "安岳燃气（集团）有限公司")]
    [InlineData("ABC Ltd", "ABCLtd")]
    public void Other_names_stay_other(string a, string b) => Assert.False(Names.Same(a, b));
}
