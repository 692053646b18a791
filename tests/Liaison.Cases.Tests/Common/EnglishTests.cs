using Liaison.Cases.Common;

namespace Liaison.Cases.Tests.Common;

public class EnglishTests
{
    [Theory]
    [InlineData(0, "0 cases")]
    [InlineData(1, "1 case")]
    [InlineData(2, "2 cases")]
    [InlineData(11, "11 cases")]
    [InlineData(21, "21 cases")] // English has no "twenty-one case": only exactly one is singular
    public void One_is_singular_and_every_other_count_is_plural(long n, string expected) =>
        Assert.Equal(expected, English.Count(n, "case", "cases"));

    [Fact]
    public void The_plural_is_the_one_given_not_derived() =>
        Assert.Equal(["1 key enterprise", "2 key enterprises", "2 people"],
            [English.Count(1, "key enterprise", "key enterprises"), English.Count(2, "key enterprise", "key enterprises"), English.Count(2, "person", "people")]);

    [Fact]
    public void A_number_format_is_kept()
    {
        Assert.Equal("12,345 mails", English.Count(12345, "mail", "mails", "N0"));
        Assert.Equal("1 mail", English.Count(1, "mail", "mails", "N0"));
        Assert.Equal("12345 mails", English.Count(12345, "mail", "mails"));
    }

    [Theory]
    [InlineData(1, "was")]
    [InlineData(0, "were")]
    [InlineData(4, "were")]
    public void A_verb_agrees_with_the_count(long n, string expected) => Assert.Equal(expected, English.Word(n, "was", "were"));
}
