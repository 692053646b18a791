using System.Text.RegularExpressions;
using Liaison.Cases.Digests;
using Liaison.Cases.Notifications;

namespace Liaison.Cases.Tests.Notifications;

/// <summary>An admin's edit must keep printing the links its shipped text prints.</summary>
public sealed class MailTemplateLinksTests
{
    public static TheoryData<string, string, MailPart> EveryShippedPart()
    {
        var data = new TheoryData<string, string, MailPart>();
        foreach (var kind in CaseMailKind.All.Concat(DigestKind.All))
        foreach (var culture in CaseMailRenderer.Cultures)
        foreach (var part in Enum.GetValues<MailPart>())
        {
            data.Add(kind, culture, part);
        }

        return data;
    }

    private static string Shipped(string kind, string culture, MailPart part) => DigestKind.All.Contains(kind)
        ? DigestMailRenderer.ShippedSource(kind, culture, part)
        : CaseMailRenderer.ShippedSource(kind, culture, part);

    [Theory]
    [MemberData(nameof(EveryShippedPart))]
    public void A_shipped_part_keeps_its_links_and_misses_each_when_it_no_longer_prints_them(string kind, string culture, MailPart part)
    {
        var shipped = Shipped(kind, culture, part);
        var printed = Regex.Matches(shipped, @"\{\{[^}]*Link[^}]*\}\}").Select(m => m.Value).Distinct().ToList();

        var withoutLinks = Regex.Replace(shipped, @"\{\{[^}]*Link[^}]*\}\}", "");

        Assert.Empty(MailTemplateLinks.Missing(shipped, shipped));
        var missing = MailTemplateLinks.Missing(shipped, withoutLinks);
        Assert.Equal(printed.Count == 0, missing.Count == 0);
        Assert.All(printed, p => Assert.Contains(missing, m => m.StartsWith("缺少 " + p, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_dispatch_mail_without_its_link_is_named_in_both_languages_and_one_of_its_two_is_enough()
    {
        var shipped = CaseMailRenderer.ShippedSource(CaseMailKind.Dispatch, "zh-CN", MailPart.Html);
        Assert.Equal(2, Regex.Count(shipped, @"\{\{ Link \}\}"));

        var problem = Assert.Single(MailTemplateLinks.Missing(shipped, shipped.Replace("{{ Link }}", "")));
        var buttonOnly = MailTemplateLinks.Missing(shipped, shipped.Replace("<span style=\"word-break:break-all;\">{{ Link }}</span>", ""));

        Assert.Equal("缺少 {{ Link }}：收件人将无法通过邮件办理 / {{ Link }} is missing: the recipients could not act from the mail", problem);
        Assert.Empty(buttonOnly);
        // In another case, or with a filter, it is still printed.
        Assert.Empty(MailTemplateLinks.Missing(shipped, "<a href=\"{{ link | strip }}\">签收</a>"));
    }

    [Theory]
    [InlineData("{% if Link %}请通过链接办理{% endif %}")]
    [InlineData("{% comment %}{{ Link }}{% endcomment %}")]
    [InlineData("{{ 'Link' }} {{ Case.Number }}")]
    public void Mentioning_the_link_without_printing_it_is_not_enough(string edited)
    {
        Assert.Single(MailTemplateLinks.Missing("{% if Link %}{{ Link }}{% endif %}", edited));
    }

    [Fact]
    public void A_listed_cases_link_counts_under_any_item_name_and_is_missed_per_list()
    {
        const string shipped = "{% for c in Overdue %}{{ c.Link }}{% endfor %}{% for c in Other %}{{ c.Link }}{% endfor %}{{ WorkbenchLink }}";
        const string edited = "{% for item in Overdue %}{{ item.Title }} {{ item.Link }}{% endfor %}{% for c in Other %}{{ c.Title }}{% endfor %}{{ WorkbenchLink }}";

        var problem = Assert.Single(MailTemplateLinks.Missing(shipped, edited));

        Assert.Equal("缺少 {{ c.Link }}（{% for c in Other %} 中每一项的链接）：收件人将无法通过邮件办理 / {{ c.Link }} is missing from {% for c in Other %}: "
            + "the recipients could not act from the mail", problem);
        // A link printed in the wrong list does not stand in for it.
        Assert.Single(MailTemplateLinks.Missing(shipped, "{% for c in Overdue %}{{ c.Link }}{% endfor %}{% for c in Overdue %}{{ c.Link }}{% endfor %}{{ WorkbenchLink }}"));
    }
}
