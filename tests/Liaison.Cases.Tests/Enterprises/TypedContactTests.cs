using Liaison.Cases.Enterprises;

namespace Liaison.Cases.Tests.Enterprises;

public class TypedContactTests
{
    [Theory]
    [InlineData("王经理 13800000000", "王经理", "13800000000", null)]
    [InlineData("王经理13800000000", "王经理", "13800000000", null)]
    [InlineData("王经理，138-0000-0000", "王经理", "138-0000-0000", null)]
    [InlineData("联系人：李会计（０８３２）１２３４５６７", "李会计", "(0832)1234567", null)]
    [InlineData("王经理 邮箱wang@x.cn 手机13800000000", "王经理", "13800000000", "wang@x.cn")]
    [InlineData("Contact: Ms Li, tel 0832-1234567", "Ms Li", "0832-1234567", null)]
    [InlineData("李会计 (0832) 1234567", "李会计", "(0832) 1234567", null)]
    [InlineData("Ms Li, li@lemon.example", "Ms Li", null, "li@lemon.example")]
    [InlineData("张总 +86 138 0000 0000 zhang@lemon.example", "张总", "+86 138 0000 0000", "zhang@lemon.example")]
    [InlineData("13800000000", TypedContact.UnnamedContact, "13800000000", null)]
    [InlineData("王经理 / wang.jl@lemon-tech.example.cn", "王经理", null, "wang.jl@lemon-tech.example.cn")]
    public void A_typed_line_gives_the_registers_name_phone_and_email(string typed, string name, string? phone, string? email) =>
        Assert.Equal((name, phone, email), TypedContact.Parse(typed));

    [Theory]
    [InlineData("<i>经理</i> 13800000000", "<i>经理</i>", "13800000000", null)]
    [InlineData("联系人：<b>王经理</b>，电话 13800000000", "<b>王经理</b>", "13800000000", null)]
    [InlineData("<a href=\"x\">Ms Li</a> li@lemon.example", "<a href=\"x\">Ms Li</a>", null, "li@lemon.example")]
    // An email in angle brackets is no markup: the brackets left around it go, as other separators do.
    [InlineData("王经理 <wang@x.cn>", "王经理", null, "wang@x.cn")]
    [InlineData("王经理 < 13800000000 >", "王经理", "13800000000", null)]
    public void Text_that_looks_like_markup_is_kept_as_typed_not_read_as_words(string typed, string name, string? phone, string? email) =>
        Assert.Equal((name, phone, email), TypedContact.Parse(typed));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("王经理")]
    [InlineData("王经理 1234")] // four digits: not a phone number
    [InlineData("王经理 wang@")]
    public void A_line_without_a_phone_or_an_email_is_not_a_contact(string? typed) => Assert.Null(TypedContact.Parse(typed));

    [Fact]
    public void A_name_longer_than_the_register_keeps_is_not_guessed() =>
        Assert.Null(TypedContact.Parse(new string('长', 101) + " 13800000000"));
}
