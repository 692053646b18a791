using Liaison.Cases.Digests;
using Liaison.Cases.Notifications;

namespace Liaison.Cases.Tests.Digests;

/// <summary>An admin's edit of a digest's template: checked before it is stored, used when it works, replaced when it does not.</summary>
public sealed class DigestTemplateEditTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 8, 30, 0, TimeSpan.FromHours(8));

    private sealed class Edits(Dictionary<(string Kind, string Culture, MailPart Part), string> sources) : ITemplateOverrides
    {
        public string? Find(string kind, string culture, MailPart part) => sources.GetValueOrDefault((kind, culture, part));
    }

    private static DigestMailRenderer With(string kind, MailPart part, string source, string culture = "zh-CN") =>
        new(new Edits(new() { [(kind, culture, part)] = source }));

    public static TheoryData<string, string, MailPart> ShippedTemplates()
    {
        var data = new TheoryData<string, string, MailPart>();
        foreach (var kind in DigestKind.All)
        foreach (var culture in CaseMailRenderer.Cultures)
        foreach (var part in Enum.GetValues<MailPart>())
        {
            data.Add(kind, culture, part);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedTemplates))]
    public void Every_shipped_digest_template_passes_the_checks_an_edit_must_pass(string kind, string culture, MailPart part)
    {
        var source = DigestMailRenderer.ShippedSource(kind, culture, part);

        Assert.Empty(new DigestMailRenderer().Validate(kind, source));
    }

    [Fact]
    public void An_edited_subject_is_used_and_the_other_parts_stay_shipped()
    {
        var renderer = With(DigestKind.Handler, MailPart.Subject, "{{ Recipient.Name }}：{{ OverdueCount }} 件超期，共 {{ Count }} 件");

        var mail = renderer.RenderSample(DigestKind.Handler, "zh-CN", Now);

        Assert.Equal("王建国：1 件超期，共 103 件", mail.Subject);
        Assert.Empty(mail.Warnings);
        Assert.Equal(new DigestMailRenderer().RenderSample(DigestKind.Handler, "zh-CN", Now).HtmlBody, mail.HtmlBody);
        // The English mail is a template of its own.
        Assert.StartsWith("[Daily cases]", renderer.RenderSample(DigestKind.Handler, "en", Now).Subject);
    }

    [Fact]
    public void An_edited_html_part_escapes_the_values_it_prints()
    {
        var renderer = With(DigestKind.Handler, MailPart.Html, "{% for c in Overdue %}<p>{{ c.Title }}</p>{% endfor %}");

        var html = renderer.RenderSample(DigestKind.Handler, "zh-CN", Now).HtmlBody;

        Assert.Equal("<p>新厂房用电报装 &lt;10kV 专线&gt;</p>", html);
    }

    [Fact]
    public void An_edit_that_fails_to_render_is_replaced_by_the_shipped_template_with_a_warning()
    {
        var renderer = With(DigestKind.LeagueTable, MailPart.Text, "{% for i in (1..1000000) %}x{% endfor %}");

        var mail = renderer.RenderSample(DigestKind.LeagueTable, "zh-CN", Now);

        Assert.Equal(new DigestMailRenderer().RenderSample(DigestKind.LeagueTable, "zh-CN", Now).TextBody, mail.TextBody);
        var warning = Assert.Single(mail.Warnings);
        Assert.StartsWith("league-table/zh-CN/Text:", warning.ToString());
        Assert.Contains("MaxSteps", warning.Why.En);
        Assert.Contains("MaxSteps", warning.Why.Zh);
    }

    [Fact]
    public void An_edit_that_does_not_parse_is_replaced_by_the_shipped_template_with_a_warning()
    {
        var mail = With(DigestKind.Officer, MailPart.Subject, "{% if Count %}").RenderSample(DigestKind.Officer, "zh-CN", Now);

        Assert.Equal(new DigestMailRenderer().RenderSample(DigestKind.Officer, "zh-CN", Now).Subject, mail.Subject);
        Assert.Contains("officer-digest/zh-CN/Subject", Assert.Single(mail.Warnings).ToString());
    }

    [Fact]
    public void A_misspelt_member_of_a_loop_item_is_named_with_the_nearest_known_name()
    {
        var problems = new DigestMailRenderer().Validate(DigestKind.Officer,
            "{% for c in Changed %}{{ c.Titel }}{% for e in c.Changes %}{{ e.Wht }}{% endfor %}{% endfor %}{{ Recipent.Name }}");

        Assert.Contains("未知变量：Changed.Titel（是否应为 Changed.Title） / Unknown variable: Changed.Titel (did you mean Changed.Title?)", problems);
        Assert.Contains("未知变量：Changed.Changes.Wht（是否应为 Changed.Changes.What） / Unknown variable: Changed.Changes.Wht (did you mean Changed.Changes.What?)", problems);
        Assert.Contains(problems, p => p.StartsWith("未知变量：Recipent", StringComparison.Ordinal));
    }

    [Fact]
    public void A_variable_of_another_digest_is_unknown_in_this_one()
    {
        var renderer = new DigestMailRenderer();

        Assert.Empty(renderer.Validate(DigestKind.Handler, "{{ DueSoonCount }}"));
        Assert.Contains(renderer.Validate(DigestKind.LeagueTable, "{{ DueSoonCount }}"), p => p.Contains("Unknown variable: DueSoonCount", StringComparison.Ordinal));
        Assert.Empty(renderer.Validate(DigestKind.LeagueTable, "{% for r in Rows %}{{ r.Co.SubmitRate }}{{ r.Rating.Rate }}{% endfor %}{{ KeyService.SolvedRate }}"));
    }

    [Fact]
    public void Syntax_errors_runaway_loops_and_empty_templates_are_refused()
    {
        var renderer = new DigestMailRenderer();

        Assert.StartsWith("模板语法错误", Assert.Single(renderer.Validate(DigestKind.Handler, "{% for c in Overdue %}")));
        Assert.Contains("MaxSteps", Assert.Single(renderer.Validate(DigestKind.Handler, "{% for i in (1..1000000) %}x{% endfor %}")));
        Assert.Equal("模板为空 / The template is empty", Assert.Single(renderer.Validate(DigestKind.Handler, "  ")));
    }

    [Fact]
    public void Unknown_kinds_are_refused()
    {
        Assert.Throws<ArgumentException>(() => DigestMailRenderer.ShippedSource(CaseMailKind.Dispatch, "zh-CN", MailPart.Subject));
        Assert.Throws<ArgumentException>(() => new DigestMailRenderer().Validate("weekly-news", "{{ Count }}"));
    }

    [Fact]
    public void Known_names_list_the_loop_items_members()
    {
        var names = new DigestMailRenderer().KnownNames(DigestKind.Handler);

        Assert.Contains("Overdue.Link", names);
        Assert.Contains("Other.CoHandling", names);
        Assert.Contains("Recipient.Name", names);
        Assert.DoesNotContain("Rows", names);
    }
}
