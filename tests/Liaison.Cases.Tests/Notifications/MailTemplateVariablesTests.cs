using Liaison.Cases.Digests;
using Liaison.Cases.Notifications;

namespace Liaison.Cases.Tests.Notifications;

/// <summary>What the admins' edit page says about each template variable, and which ones a shipped template reads.</summary>
public sealed class MailTemplateVariablesTests
{
    private static readonly DigestMailRenderer Digests = new();

    public static TheoryData<string, string> EveryKindAndCulture()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in CaseMailKind.All.Concat(DigestKind.All))
        foreach (var culture in CaseMailRenderer.Cultures)
        {
            data.Add(kind, culture);
        }

        return data;
    }

    private static IReadOnlyList<string> KnownNames(string kind) =>
        DigestKind.All.Contains(kind) ? Digests.KnownNames(kind) : CaseMailRenderer.KnownNames;

    private static IReadOnlyList<string> ShippedReads(string kind, string culture) =>
        DigestKind.All.Contains(kind) ? DigestMailRenderer.ShippedReads(kind, culture) : CaseMailRenderer.ShippedReads(kind, culture);

    [Fact]
    public void Every_case_mail_variable_is_described_in_Chinese_and_in_English()
    {
        Assert.Equal(CaseMailRenderer.KnownNames, CaseMailRenderer.Variables.Select(v => v.Name));
        Assert.All(CaseMailRenderer.Variables, v =>
        {
            Assert.False(string.IsNullOrWhiteSpace(v.Description?.Zh), v.Name);
            Assert.False(string.IsNullOrWhiteSpace(v.Description?.En), v.Name);
        });
        Assert.Equal(new("事项标题", "The case's title"), CaseMailRenderer.Variables.Single(v => v.Name == "Case.Title").Description);
    }

    [Fact]
    public void Case_mail_descriptions_describe_known_names_only()
    {
        Assert.All(CaseMailValues.Descriptions.Keys, name => Assert.Contains(name, CaseMailRenderer.KnownNames));
        Assert.Null(CaseMailValues.Describe("Case.Titel"));
    }

    [Theory]
    [MemberData(nameof(DigestKinds))]
    public void Every_digest_variable_is_described_in_Chinese_and_in_English(string kind)
    {
        var variables = Digests.Variables(kind);
        Assert.Equal(Digests.KnownNames(kind), variables.Select(v => v.Name));
        Assert.All(variables, v =>
        {
            Assert.False(string.IsNullOrWhiteSpace(v.Description?.Zh), v.Name);
            Assert.False(string.IsNullOrWhiteSpace(v.Description?.En), v.Name);
        });
    }

    public static TheoryData<string> DigestKinds() => new(DigestKind.All);

    [Fact]
    public void Digest_descriptions_describe_names_some_kind_offers_only()
    {
        var known = DigestKind.All.SelectMany(k => Digests.KnownNames(k)).ToHashSet(StringComparer.Ordinal);
        foreach (var key in DigestMailRenderer.Named.Keys)
        {
            var colon = key.IndexOf(':');
            Assert.Contains(colon < 0 ? key : key[(colon + 1)..], colon < 0 ? known : Digests.KnownNames(key[..colon]));
        }

        foreach (var (list, items) in DigestMailRenderer.Items)
        {
            Assert.Contains(list, known);
            // A member is in use when some list or object with the same kind of item offers it.
            var holders = DigestMailRenderer.Items.Where(i => i.Value.Members == items.Members).Select(i => i.Key).ToList();
            Assert.All(items.Members.Keys, member => Assert.Contains(holders, h => known.Contains($"{h}.{member}")));
        }

        Assert.Null(DigestMailRenderer.Describe(DigestKind.Handler, "Overdue.Titel"));
        Assert.Null(DigestMailRenderer.Describe(DigestKind.Handler, "Case.Title"));
    }

    [Fact]
    public void A_list_and_its_members_say_they_are_read_in_a_for_loop()
    {
        Assert.Equal(new("该部门已超期时为真（列表各项的成员，在 for 循环中读取）", "True when its part is late (a member of each list item, read inside a for loop)"),
            CaseMailValues.Describe("CoHandlers.Late"));
        // Within the description's own brackets when it has them.
        Assert.Equal("该部门的办理状态（用邮件的语言，超期时前面加“超期”；列表各项的成员，在 for 循环中读取）", CaseMailValues.Describe("CoHandlers.Status")!.Value.Zh);
        Assert.Contains("for 循环", CaseMailValues.Describe("CoHandlers")!.Value.Zh);
        Assert.Contains("for loop", DigestMailRenderer.Describe(DigestKind.Officer, "NeedsDecision.Title")!.Value.En);
        Assert.StartsWith("事项标题", DigestMailRenderer.Describe(DigestKind.Officer, "NeedsDecision.Title")!.Value.Zh);
        Assert.DoesNotContain("循环", CaseMailValues.Describe("Case.Title")!.Value.Zh);
        Assert.DoesNotContain("loop", DigestMailRenderer.Describe(DigestKind.LeagueTable, "Totals.Received")!.Value.En);
    }

    [Fact]
    public void ReadBy_names_each_variable_once_with_a_loop_item_read_as_its_list()
    {
        const string source = """
            {{ Case.Title }} {% if Link and case.title %}{{ Link }}{% endif %}
            {% for h in CoHandlers %}{{ h.Status }}{% unless forloop.last %}、{% endunless %}{% endfor %}
            {% for c in Changed %}{% for e in c.Changes %}{{ e.At }}{% endfor %}{{ c.Title }}{% endfor %}
            {% assign who = Recipient.Name %}{{ who }}{% for i in (1..3) %}{{ i }}{% endfor %}
            {% if Overdue.size > 0 %}{{ Overdue.first.Title }}{% endif %}
            """;

        Assert.Equal(
            ["Case.Title", "Link", "CoHandlers", "CoHandlers.Status", "Changed", "Changed.Changes", "Changed.Changes.At", "Changed.Title", "Recipient.Name", "Overdue", "Overdue.Title"],
            MailTemplateVariables.ReadBy(source));
        Assert.Empty(MailTemplateVariables.ReadBy("{% if Case.Title %}"));
    }

    [Fact]
    public void The_shipped_dispatch_mail_reads_the_case_the_link_the_co_handlers_status_and_the_return_it_follows_but_no_extension()
    {
        var reads = CaseMailRenderer.ShippedReads(CaseMailKind.Dispatch, "zh-CN");

        Assert.Superset(new HashSet<string> { "Case.Title", "Recipient.Name", "Link", "Insisted", "Insist.WorkingDaysLeft", "CoHandlers", "CoHandlers.Status", "Case.AcceptBy",
                "Return.Department", "Return.Note", "Reason.Label" },
            reads.ToHashSet());
        Assert.DoesNotContain("Extension.Days", reads);
        Assert.DoesNotContain("Reason.Code", reads);
        Assert.DoesNotContain("h.Status", reads);
    }

    [Fact]
    public void The_shipped_digests_read_their_lists_members_through_their_loops()
    {
        var officer = DigestMailRenderer.ShippedReads(DigestKind.Officer, "en");
        Assert.Superset(new HashSet<string> { "NeedsDecision.Title", "NeedsDecision.Changes.At", "Changed.Changes.Note", "VisitsDue.Enterprise", "WorkbenchLink" },
            officer.ToHashSet());
        Assert.DoesNotContain("c.Title", officer);

        var league = DigestMailRenderer.ShippedReads(DigestKind.LeagueTable, "zh-CN");
        Assert.Superset(new HashSet<string> { "Rows.Department", "Rows.Co.Any", "Totals.Received", "CsvLink" }, league.ToHashSet());
        Assert.DoesNotContain("Overdue.Title", league);
    }

    [Theory]
    [MemberData(nameof(EveryKindAndCulture))]
    public void A_shipped_template_reads_only_variables_its_kind_offers(string kind, string culture)
    {
        var reads = ShippedReads(kind, culture);

        Assert.NotEmpty(reads);
        Assert.All(reads, name => Assert.Contains(name, KnownNames(kind)));
    }
}
