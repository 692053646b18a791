using Liaison.Cases.Notifications;

namespace Liaison.Cases.Tests.Notifications;

/// <summary>
/// Issue 12, "Bounded expressions", for an admin's mail templates (checked on save and in the preview): a loop too
/// large and output too large are both stopped and named, and a sent mail falls back to the shipped template.
/// </summary>
public class MailTemplateLimitTests
{
    // Sixteen doublings: a few dozen steps and 655,360 characters, printed twice: past the million of output.
    private const string Doubling = "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}{{ s }}{{ s }}";

    private static readonly CaseMailRenderer Renderer = new();

    private static CaseMailModel Model() => new() { CaseNumber = "AYKF-2026-000001", Title = "限额", RecipientName = "张三", LinkUrl = "https://liaison.example/l/x" };

    [Fact]
    public void A_loop_of_more_iterations_than_steps_is_named_as_the_step_limit()
    {
        var problem = Assert.Single(Renderer.Validate("{% for i in (1..100000) %}x{% endfor %}"));

        Assert.Contains("MaxSteps", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_past_the_size_limit_is_stopped_and_named()
    {
        var problem = Assert.Single(Renderer.Validate(Doubling));

        Assert.Contains("MaxOutputLength", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sent_mail_whose_edited_template_overflows_falls_back_to_the_shipped_one()
    {
        var renderer = new CaseMailRenderer(new Overrides { [("dispatch", CaseMailRenderer.Chinese, MailPart.Html)] = Doubling });

        var mail = renderer.Render("dispatch", CaseMailRenderer.Chinese, Model());

        Assert.Contains("MaxOutputLength", Assert.Single(mail.Warnings).Why.En, StringComparison.Ordinal);
        Assert.Contains("AYKF-2026-000001", mail.HtmlBody, StringComparison.Ordinal);
        Assert.True(mail.HtmlBody.Length < 1_000_000);
    }

    [Fact]
    public void A_sent_mail_whose_edited_template_runs_out_of_steps_still_gets_the_shipped_one()
    {
        // Fluid counts steps per context: the shipped template after a stopped edit needs a budget of its own.
        var renderer = new CaseMailRenderer(new Overrides { [("dispatch", CaseMailRenderer.Chinese, MailPart.Text)] = "{% for i in (1..100000) %}x{% endfor %}" });

        var mail = renderer.Render("dispatch", CaseMailRenderer.Chinese, Model());

        Assert.Contains("MaxSteps", Assert.Single(mail.Warnings).Why.En, StringComparison.Ordinal);
        Assert.Contains("AYKF-2026-000001", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("AYKF-2026-000001", mail.HtmlBody, StringComparison.Ordinal);
    }

    private sealed class Overrides : Dictionary<(string Kind, string Culture, MailPart Part), string>, ITemplateOverrides
    {
        public string? Find(string kind, string culture, MailPart part) => TryGetValue((kind, culture, part), out var s) ? s : null;
    }
}
