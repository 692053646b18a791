using Liaison.Cases.Enterprises;

namespace Liaison.Cases.Tests.Enterprises;

public class UnifiedSocialCreditCodeTests
{
    private const string Charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    // GB 32100-2015 §5, written out again here rather than calling the code under test.
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private static string WithCheckCharacter(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += Charset.IndexOf(first17[i]) * Weights[i];
        var check = 31 - sum % 31;
        return first17 + Charset[check == 31 ? 0 : check];
    }

    private static IEnumerable<string> GeneratedCodes(int count)
    {
        var random = new Random(32100);
        for (var n = 0; n < count; n++)
        {
            yield return WithCheckCharacter(new string(Enumerable.Range(0, 17).Select(_ => Charset[random.Next(Charset.Length)]).ToArray()));
        }
    }

    private static string ErrorFor(string? input)
    {
        Assert.False(UnifiedSocialCreditCode.TryParse(input, out var code, out var error));
        Assert.Null(code);
        return error;
    }

    // Codes printed on public business licences.
    [Theory]
    [InlineData("91350100M000100Y43")]
    [InlineData("914403001922038216")]
    [InlineData("91440300708461136T")]
    public void Accepts_real_codes(string input)
    {
        Assert.True(UnifiedSocialCreditCode.TryParse(input, out var code, out var error), error);
        Assert.Equal(input, code.Value);
        Assert.Equal("", error);
    }

    [Fact]
    public void Accepts_codes_built_by_the_standard()
    {
        foreach (var input in GeneratedCodes(500))
        {
            Assert.True(UnifiedSocialCreditCode.TryParse(input, out _, out var error), $"{input}: {error}");
        }
    }

    [Fact]
    public void Accepts_a_code_whose_check_character_is_zero()
    {
        // 31 - (sum mod 31) is 31 when the sum divides by 31; the standard writes that as 0.
        var input = GeneratedCodes(2000).First(c => c[17] == '0');

        Assert.True(UnifiedSocialCreditCode.IsValid(input));
        Assert.False(UnifiedSocialCreditCode.IsValid(input[..17] + "Y"));
    }

    [Fact]
    public void Detects_every_single_character_mistake()
    {
        foreach (var valid in GeneratedCodes(20).Append("91350100M000100Y43"))
        {
            for (var position = 0; position < 18; position++)
            {
                foreach (var replacement in Charset.Where(c => c != valid[position]))
                {
                    var typo = valid[..position] + replacement + valid[(position + 1)..];
                    Assert.False(UnifiedSocialCreditCode.IsValid(typo), typo);
                }
            }
        }
    }

    [Fact]
    public void Trims_and_upper_cases()
    {
        var code = UnifiedSocialCreditCode.Parse("  91350100m000100y43\t");

        Assert.Equal("91350100M000100Y43", code.Value);
        Assert.Equal("91350100M000100Y43", code.ToString());
    }

    [Fact]
    public void Exposes_the_parts_of_the_code()
    {
        var code = UnifiedSocialCreditCode.Parse("91350100M000100Y43");

        Assert.Equal('9', code.RegistrationAuthority);
        Assert.Equal('1', code.OrganisationCategory);
        Assert.Equal("350100", code.AdministrativeDivision);
        Assert.Equal("M000100Y4", code.OrganisationCode);
        Assert.Equal('3', code.CheckCharacter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Requires_a_code(string? input)
    {
        var error = ErrorFor(input);

        Assert.Contains("不能为空", error);
        Assert.Contains("is required", error);
    }

    [Theory]
    [InlineData("91350100M000100Y4", 17)]
    [InlineData("91350100M000100Y433", 19)]
    [InlineData("9135 0100 M000 100Y 43", 22)] // inner spaces are not removed: a code is never written that way
    public void Refuses_the_wrong_length(string input, int length)
    {
        var error = ErrorFor(input);

        Assert.Contains($"实际为{length}位", error);
        Assert.Contains($"must be 18 characters, got {length}", error);
    }

    [Theory]
    [InlineData("91350100M000100I43", 16, 'I')]
    [InlineData("9135010OM000100Y43", 8, 'O')]
    [InlineData("Z1350100M000100Y43", 1, 'Z')]
    [InlineData("91350100M000100S43", 16, 'S')]
    [InlineData("91350100M0001V0Y43", 14, 'V')]
    [InlineData("91350100M000100Y4-", 18, '-')]
    [InlineData("９1350100M000100Y43", 1, '９')] // full-width digit from a Chinese input method
    public void Refuses_a_character_outside_the_code_alphabet(string input, int position, char bad)
    {
        var error = ErrorFor(input);

        Assert.Contains($"第{position}位“{bad}”", error);
        Assert.Contains($"character {position} '{bad}' is not allowed", error);
    }

    [Theory]
    [InlineData("91350100M000100Y44")]
    [InlineData("91350100M000100Y4Y")]
    [InlineData("91350100M001000Y43")] // two digits swapped
    public void Refuses_a_wrong_check_character(string input)
    {
        var error = ErrorFor(input);

        Assert.Contains("统一社会信用代码校验位错误", error);
        Assert.Contains("check character is wrong", error);
    }

    [Fact]
    public void Parse_throws_with_the_readable_message()
    {
        var thrown = Assert.Throws<FormatException>(() => UnifiedSocialCreditCode.Parse("91350100M000100Y44"));

        Assert.Contains("check character is wrong", thrown.Message);
    }

    [Fact]
    public void Computes_the_check_character()
    {
        Assert.Equal('3', UnifiedSocialCreditCode.ComputeCheckCharacter("91350100M000100Y4"));
        Assert.Throws<ArgumentException>(() => UnifiedSocialCreditCode.ComputeCheckCharacter("91350100M000100Y"));
        Assert.Throws<ArgumentException>(() => UnifiedSocialCreditCode.ComputeCheckCharacter("91350100M000100I4"));
    }

    [Fact]
    public void Codes_are_equal_by_value()
    {
        Assert.Equal(UnifiedSocialCreditCode.Parse("91350100M000100Y43"), UnifiedSocialCreditCode.Parse(" 91350100m000100y43"));
        Assert.NotEqual(UnifiedSocialCreditCode.Parse("91350100M000100Y43"), UnifiedSocialCreditCode.Parse("914403001922038216"));
    }
}
