using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Templates;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Templates;

/// <summary>The admins' template API: listing, validation before storing, reset, preview and who may use it.</summary>
public sealed class MailTemplatesApiTests(MailTemplatesApiTests.Fixture fixture) : IClassFixture<MailTemplatesApiTests.Fixture>
{
    public sealed class Fixture : AppFixture
    {
        protected override bool WithSmtp => false;
    }

    private LiaisonApp App => fixture.App;

    [Fact]
    public async Task Only_admins_may_use_the_api()
    {
        var anonymous = App.Anonymous();
        var officer = await App.AsOfficerAsync("templates.officer@test.example");
        var admin = await App.AsAdminAsync();
        var put = new { source = "{{ Case.Number }}" };
        var requests = new Func<HttpClient, Task<HttpResponseMessage>>[]
        {
            c => c.GetAsync("/api/mail-templates"),
            c => c.GetAsync("/api/mail-templates/closed/zh-CN/subject"),
            c => c.PutAsJsonAsync("/api/mail-templates/closed/zh-CN/subject", put),
            c => c.DeleteAsync("/api/mail-templates/closed/zh-CN/subject"),
            c => c.PostAsJsonAsync("/api/mail-templates/closed/zh-CN/preview", new { subject = "x" }),
        };
        foreach (var send in requests)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await send(anonymous)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await send(officer)).StatusCode);
        }

        Assert.Equal(0, await RowsAsync("closed"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/mail-templates")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/mail-templates/closed/zh-CN/subject")).StatusCode);
    }

    [Fact]
    public async Task The_unsatisfied_rating_notice_previews_in_both_languages_with_the_enterprises_comment()
    {
        var admin = await App.AsAdminAsync();

        var zh = await admin.PostAsJsonAsync("/api/mail-templates/rated-unsatisfied/zh-CN/preview", new { });
        var en = await admin.PostAsJsonAsync("/api/mail-templates/rated-unsatisfied/en/preview", new { });

        Assert.Equal(HttpStatusCode.OK, zh.StatusCode);
        var zhMail = await zh.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("【紧急】【企业不满意】", zhMail.GetProperty("subject").GetString()); // the sample case is urgent
        Assert.Contains("企业意见：电压仍不稳定 & 设备无法开机。", zhMail.GetProperty("text").GetString());
        Assert.Contains("电压仍不稳定 &amp; 设备无法开机", zhMail.GetProperty("html").GetString());
        Assert.Contains("/cases/AYKF-2026-000123#rating", zhMail.GetProperty("html").GetString());
        Assert.Equal(HttpStatusCode.OK, en.StatusCode);
        var enMail = await en.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("[Urgent] [Enterprise unsatisfied]", enMail.GetProperty("subject").GetString());
        Assert.Contains("Enterprise's comment: The voltage is still unstable", enMail.GetProperty("text").GetString());
    }

    [Fact]
    public async Task List_has_every_kind_culture_and_part_and_flags_the_edited_ones()
    {
        var admin = await App.AsAdminAsync();
        var saved = await admin.PutAsJsonAsync("/api/mail-templates/reopened/en/text", new { source = "Reopened: {{ Case.Number }} {{ Link }}" });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var list = await admin.GetFromJsonAsync<List<JsonElement>>("/api/mail-templates");
        // The design's sixteen kinds, joint cases' part-submitted, part-added, lead-extended and lead-changed, the holiday schedule's deadline-moved, key enterprises' three, the enterprise's answer to its rating
        // and its cancellation and change notices, the officer, handler and leader handovers, the officer's urging, the officer's notice of
        // an unsatisfied rating, the three digests, the work handover notice, the new account's notice and the replaced
        // liaison's notice, each in two languages and three parts.
        Assert.Equal(38 * 2 * 3, list!.Count);
        Assert.Equal(38 * 2 * 3, list.Select(e => $"{e.GetProperty("kind")}/{e.GetProperty("culture")}/{e.GetProperty("part")}").Distinct().Count());
        Assert.Equal(["handler-digest", "officer-digest", "league-table", "work-handover", "account-created", "liaison-replaced"],
            list.Select(e => e.GetProperty("kind").GetString()).Distinct().TakeLast(6));
        Assert.Contains(list, e => e.GetProperty("kind").GetString() == "part-submitted" && e.GetProperty("culture").GetString() == "en");
        Assert.Equal(6, list.Count(e => e.GetProperty("kind").GetString() == "rated-unsatisfied"));
        var edited = Assert.Single(list, e => e.GetProperty("kind").GetString() == "reopened" && e.GetProperty("overridden").GetBoolean());
        Assert.Equal("en", edited.GetProperty("culture").GetString());
        Assert.Equal("text", edited.GetProperty("part").GetString());
        Assert.Equal(LiaisonApp.AdminEmail, edited.GetProperty("updatedBy").GetString());
        Assert.Contains(list, e => e.GetProperty("kind").GetString() == "dispatch" && e.GetProperty("culture").GetString() == "zh-CN"
            && e.GetProperty("part").GetString() == "html" && !e.GetProperty("overridden").GetBoolean());
    }

    [Fact]
    public async Task An_invalid_template_is_a_400_listing_the_problems_and_nothing_is_stored()
    {
        var admin = await App.AsAdminAsync();
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates/returned/zh-CN/subject");

        var misspelt = await admin.PutAsJsonAsync("/api/mail-templates/returned/zh-CN/subject", new { source = "退回 {{ Case.Titel }}" });
        var problem = await misspelt.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        var messages = problem.GetProperty("errors").GetProperty("source").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains("Case.Titel") && m.Contains("Case.Title"));

        var broken = await admin.PutAsJsonAsync("/api/mail-templates/returned/zh-CN/subject", new { source = "退回 {% if Case.Urgent %}紧急" });
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("Liquid", (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("source")[0].GetString());

        var empty = await admin.PutAsJsonAsync("/api/mail-templates/returned/zh-CN/subject", new { source = (string?)null });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        Assert.Equal(0, await RowsAsync("returned"));
        var after = await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates/returned/zh-CN/subject");
        Assert.False(after.GetProperty("overridden").GetBoolean());
        Assert.Equal(before.GetProperty("shippedSource").GetString(), after.GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_edit_that_no_longer_prints_the_link_is_a_400_naming_it_and_nothing_is_stored()
    {
        var admin = await App.AsAdminAsync();
        var shipped = (await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates/dispatch/zh-CN/html")).GetProperty("shippedSource").GetString()!;

        var response = await admin.PutAsJsonAsync("/api/mail-templates/dispatch/zh-CN/html", new { source = shipped.Replace("{{ Link }}", "") });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var messages = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("source").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(["缺少 {{ Link }}：收件人将无法通过邮件办理 / {{ Link }} is missing: the recipients could not act from the mail"], messages);
        Assert.Equal(0, await RowsAsync("dispatch"));
        // A digest's listed cases keep theirs, whatever the loop's item is called.
        var digest = await admin.PutAsJsonAsync("/api/mail-templates/handler-digest/en/text", new { source = "{% for c in Overdue %}{{ c.Title }}{% endfor %}" });
        Assert.Contains("{{ c.Link }} is missing from {% for c in Overdue %}", (await digest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("source").ToString());
        Assert.Equal(0, await RowsAsync("handler-digest"));

        // A part whose shipped text prints no link may do without one.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/mail-templates/dispatch/zh-CN/subject", new { source = "【派单】{{ Case.Number }}" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/mail-templates/dispatch/zh-CN/subject")).StatusCode);
    }

    [Fact]
    public async Task Delete_restores_the_shipped_template()
    {
        var admin = await App.AsAdminAsync();
        const string edit = "<p>{{ Recipient.Name }}，事项 {{ Case.Number }} 已撤销。<a href=\"{{ Link }}\">查看</a></p>";
        var saved = await admin.PutAsJsonAsync("/api/mail-templates/cancelled/zh-CN/html", new { source = edit });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var current = await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates/cancelled/zh-CN/html");
        Assert.True(current.GetProperty("overridden").GetBoolean());
        Assert.Equal(edit, current.GetProperty("source").GetString());
        var shipped = current.GetProperty("shippedSource").GetString()!;
        Assert.NotEqual(edit, shipped);
        Assert.Contains("{{", shipped);
        Assert.Equal(1, await RowsAsync("cancelled"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/mail-templates/cancelled/zh-CN/html")).StatusCode);

        var reset = await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates/cancelled/zh-CN/html");
        Assert.False(reset.GetProperty("overridden").GetBoolean());
        Assert.Equal(shipped, reset.GetProperty("source").GetString());
        Assert.Equal(0, await RowsAsync("cancelled"));
    }

    [Fact]
    public async Task Admins_saving_and_resetting_one_template_at_once_take_turns_and_none_gets_an_error()
    {
        var admin = await App.AsAdminAsync();
        var sources = Enumerable.Range(1, 6).Select(i => $"<p>{{{{ Recipient.Name }}}}：第 {i} 稿 <a href=\"{{{{ Link }}}}\">办理</a></p>").ToList();

        var answers = await Task.WhenAll(sources.Select(source => admin.PutAsJsonAsync("/api/mail-templates/leader-reminder/zh-CN/html", new { source }))
            .Append(admin.DeleteAsync("/api/mail-templates/leader-reminder/zh-CN/html")).Append(admin.DeleteAsync("/api/mail-templates/leader-reminder/zh-CN/html")));

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.NotFound, a.StatusCode.ToString()));
        Assert.True(await RowsAsync("leader-reminder") <= 1);
        var current = await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates/leader-reminder/zh-CN/html");
        Assert.True(!current.GetProperty("overridden").GetBoolean() || sources.Contains(current.GetProperty("source").GetString()!));
    }

    [Fact]
    public async Task An_edit_with_the_basis_of_an_earlier_read_is_a_409_naming_the_part_and_keeps_the_other_save()
    {
        var admin = await App.AsAdminAsync();
        const string path = "/api/mail-templates/accept-reminder/en/subject";
        var read = await admin.GetFromJsonAsync<JsonElement>(path);
        var basis = read.GetProperty("basis").GetString();
        Assert.False(string.IsNullOrEmpty(basis));

        var first = await admin.PutAsJsonAsync(path, new { source = "First {{ Case.Number }}", basis });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var stale = await admin.PutAsJsonAsync(path, new { source = "Second {{ Case.Number }}", basis });

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("changed by someone else after you read it", problem.GetProperty("detail").GetString());
        Assert.Equal(new[] { "subject" }, problem.GetProperty("differs").EnumerateArray().Select(e => e.GetString()));
        var now = await admin.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("First {{ Case.Number }}", now.GetProperty("source").GetString());
        Assert.Equal(now.GetProperty("basis").GetString(), problem.GetProperty("basis").GetString());
        Assert.NotEqual(basis, now.GetProperty("basis").GetString());

        // The same text as stored now goes through (nothing would be undone); so does an edit without a basis, or with the current one.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(path, new { source = "First {{ Case.Number }}", basis })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(path, new { source = "Third {{ Case.Number }}", basis = now.GetProperty("basis").GetString() })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync(path, new { source = "Fourth {{ Case.Number }}" })).StatusCode);
        // Another part's save is no reason to refuse this one: each part has its own version.
        var text = await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates/accept-reminder/en/text");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/mail-templates/accept-reminder/en/text",
            new { source = text.GetProperty("source").GetString() + "\nMore.", basis = text.GetProperty("basis").GetString() })).StatusCode);
    }

    [Fact]
    public async Task An_edit_with_a_basis_liaison_never_gave_is_a_400_naming_the_basis_and_nothing_is_stored()
    {
        var admin = await App.AsAdminAsync();

        var refused = await admin.PutAsJsonAsync("/api/mail-templates/progress-report-due/zh-CN/subject", new { source = "改 {{ Case.Number }}", basis = "yesterday" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("is not a template version Liaison gives", problem.GetProperty("errors").GetProperty("basis")[0].GetString());
        Assert.Equal(0, await RowsAsync("progress-report-due"));
    }

    [Fact]
    public async Task Unknown_kind_culture_or_part_is_a_404_problem()
    {
        var admin = await App.AsAdminAsync();
        foreach (var path in new[] { "no-such-kind/zh-CN/subject", "dispatch/fr/subject", "dispatch/zh-CN/footer", "dispatch/zh-CN/1" })
        {
            var get = await admin.GetAsync($"/api/mail-templates/{path}");
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"/api/mail-templates/{path}", new { source = "{{ Case.Number }}" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/mail-templates/{path}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/mail-templates/dispatch/fr/preview", new { })).StatusCode);
        Assert.Equal(0, await App.WithDbAsync(db => db.Set<MailTemplateRecord>().CountAsync(r => r.Kind == "dispatch")));
    }

    [Fact]
    public async Task Preview_renders_sample_data_with_html_values_escaped_and_stores_nothing()
    {
        var admin = await App.AsAdminAsync();
        var response = await admin.PostAsJsonAsync("/api/mail-templates/escalation-zone/zh-CN/preview", new
        {
            html = "<p>{{ Case.Title }}</p><p>{{ Note }}</p><a href=\"{{ Link }}\">查看</a>",
            text = "{{ Case.Title }} / {{ Note }} {{ Link }}",
        });
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("<p>新厂房用电报装 &lt;10kV 专线&gt;</p><p>材料 A &amp; B 已补齐。</p><a href=\"https://liaison.example/l/SAMPLE-LINK\">查看</a>",
            preview.GetProperty("html").GetString());
        Assert.Equal("新厂房用电报装 <10kV 专线> / 材料 A & B 已补齐。 https://liaison.example/l/SAMPLE-LINK", preview.GetProperty("text").GetString());
        // Parts not given are the current ones (here the shipped subject).
        Assert.Contains("AYKF-2026-000123", preview.GetProperty("subject").GetString());
        Assert.Empty(preview.GetProperty("problems").EnumerateObject());

        var invalid = await (await admin.PostAsJsonAsync("/api/mail-templates/escalation-zone/en/preview", new { subject = "{{ Case.Numbr }}" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Case.Number", invalid.GetProperty("problems").GetProperty("subject")[0].GetString());
        Assert.Equal(0, await RowsAsync("escalation-zone"));
    }

    [Fact]
    public async Task A_digest_template_is_checked_against_the_digests_variables_and_previewed_with_a_sample_digest()
    {
        var admin = await App.AsAdminAsync();
        var shipped = await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates/handler-digest/zh-CN/subject");
        Assert.False(shipped.GetProperty("overridden").GetBoolean());
        Assert.Contains("{{ Count }}", shipped.GetProperty("source").GetString());

        // A case mail's variable is not a digest's; a loop item's misspelt member is named with the right one.
        async Task<List<string>> ProblemsAsync(string source)
        {
            var response = await admin.PutAsJsonAsync("/api/mail-templates/handler-digest/zh-CN/text", new { source });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("source")
                .EnumerateArray().Select(m => m.GetString()!).ToList();
        }

        Assert.Contains(await ProblemsAsync("{{ Case.Number }}"), m => m.Contains("Unknown variable: Case", StringComparison.Ordinal));
        Assert.Contains(await ProblemsAsync("{% for c in Overdue %}{{ c.Titel }}{% endfor %}"),
            m => m.Contains("Overdue.Titel", StringComparison.Ordinal) && m.Contains("Overdue.Title", StringComparison.Ordinal));
        Assert.Equal(0, await RowsAsync("handler-digest"));

        // Each listed case keeps its link (MailTemplateLinks).
        const string edit = "{{ Recipient.Name }}：{% for c in Overdue %}{{ c.Number }} 超期 {{ c.OverdueDays }} 天 {{ c.Link }}；{% endfor %}"
            + "{% for c in DueSoon %}{{ c.Link }}；{% endfor %}{% for c in Other %}{{ c.Link }}；{% endfor %}共 {{ Count }} 件";
        var saved = await admin.PutAsJsonAsync("/api/mail-templates/handler-digest/zh-CN/text", new { source = edit });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.True((await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("overridden").GetBoolean());
        Assert.Equal(1, await RowsAsync("handler-digest"));

        // The preview fills every section with made-up cases; the stored edit is the current text part.
        var preview = await (await admin.PostAsJsonAsync("/api/mail-templates/handler-digest/zh-CN/preview", new { html = "<p>{{ Other.size }} {{ Omitted }}</p>" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        const string sample = "https://liaison.example/l/SAMPLE-LINK";
        Assert.Equal($"王建国：AYKF-2026-000121 超期 3 天 {sample}；{sample}；{sample}；共 103 件", preview.GetProperty("text").GetString());
        Assert.Equal("<p>1 100</p>", preview.GetProperty("html").GetString());
        Assert.StartsWith("【每日待办】", preview.GetProperty("subject").GetString());

        var league = await (await admin.PostAsJsonAsync("/api/mail-templates/league-table/en/preview", new { }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(league.GetProperty("problems").EnumerateObject());
        Assert.Contains("自然资源和规划局", league.GetProperty("html").GetString());
        Assert.Equal(0, await RowsAsync("league-table"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/mail-templates/handler-digest/zh-CN/text")).StatusCode);
        Assert.Equal(0, await RowsAsync("handler-digest"));
    }

    private Task<int> RowsAsync(string kind) => App.WithDbAsync(db => db.Set<MailTemplateRecord>().CountAsync(r => r.Kind == kind));
}
