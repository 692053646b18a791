using System.Net;
using System.Text.RegularExpressions;
using Liaison.Server.Templates;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Templates;

/// <summary>The admins' template pages, through a browser-like client carrying the sign-in cookie.</summary>
public sealed partial class MailTemplatePagesTests(MailTemplatePagesTests.Fixture fixture) : IClassFixture<MailTemplatePagesTests.Fixture>
{
    public sealed class Fixture : AppFixture
    {
        protected override bool WithSmtp => false;
    }

    private LiaisonApp App => fixture.App;

    [Fact]
    public async Task Anonymous_visitors_sign_in_first_and_officers_are_forbidden()
    {
        var anonymous = await App.Anonymous().GetAsync("/admin/templates");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/account/login", anonymous.Headers.Location!.AbsolutePath);

        await App.AsOfficerAsync("pages.officer@test.example");
        var officer = await SignInAsync("pages.officer@test.example", "officer-password-1");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/admin/templates")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/admin/templates/dispatch/zh-CN")).StatusCode);

        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var list = await admin.GetStringAsync("/admin/templates");
        Assert.Contains("href=\"/admin/templates/dispatch/zh-CN\"", list);
        Assert.Contains("href=\"/admin/templates/closed/en\"", list);
        Assert.Contains("href=\"/admin/templates/rated-unsatisfied/zh-CN\"", list);
        Assert.Contains("企业不满意待决定（园区工作人员）", list);
        Assert.Contains("【企业不满意】", await admin.GetStringAsync("/admin/templates/rated-unsatisfied/zh-CN"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/templates/no-such-kind/zh-CN")).StatusCode);
        Assert.Contains("href=\"/admin/templates\"", await admin.GetStringAsync("/cases")); // in the admins' navigation
        Assert.DoesNotContain("href=\"/admin/templates\"", await officer.GetStringAsync("/cases"));
    }

    [Fact]
    public async Task Save_validates_all_three_parts_stores_them_and_reset_goes_back_to_shipped()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var page = await admin.GetStringAsync("/admin/templates/overdue/en");
        var fields = Fields(page);
        Assert.Contains("{{ Case.Number }}", fields["subject"]);
        Assert.Contains("<", fields["html"]);

        // An invalid subject: 400, the problem is shown, nothing is stored (not even the valid parts).
        var bad = await PostAsync(admin, "/admin/templates/overdue/en", fields, ("intent", "save"), ("subject", "Overdue {{ Case.Titel }}"), ("text", "Text {{ Case.Number }} {{ Link }}"));
        var badPage = await bad.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Matches("(?s)data-part=\"subject\"[^>]*>.*Case\\.Titel", badPage);
        Assert.Contains("Overdue {{ Case.Titel }}", WebUtility.HtmlDecode(badPage));
        Assert.Equal(0, await RowsAsync("overdue"));

        // Valid: only the changed part is stored (the others equal the shipped text), with CRLF normalised.
        var saved = await PostAsync(admin, "/admin/templates/overdue/en", fields, ("intent", "save"), ("subject", "Late: {{ Case.Number }}\r\n"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/admin/templates/overdue/en", saved.Headers.Location!.OriginalString);
        var rows = await App.WithDbAsync(db => db.Set<MailTemplateRecord>().Where(r => r.Kind == "overdue").ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal(("en", "subject", "Late: {{ Case.Number }}\n"), (row.Culture, row.Part, row.Source));
        Assert.Equal(LiaisonApp.AdminEmail, row.UpdatedBy);
        Assert.Contains("已修改：主题", RowOf(await admin.GetStringAsync("/admin/templates"), "overdue"));
        Assert.Equal("Late: {{ Case.Number }}\n", Fields(await admin.GetStringAsync("/admin/templates/overdue/en"))["subject"]);

        var reset = await PostAsync(admin, "/admin/templates/overdue/en", Fields(await admin.GetStringAsync("/admin/templates/overdue/en")), ("intent", "reset"));
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(0, await RowsAsync("overdue"));
        Assert.Equal(fields["subject"], Fields(await admin.GetStringAsync("/admin/templates/overdue/en"))["subject"]);
        Assert.DoesNotContain("已修改", RowOf(await admin.GetStringAsync("/admin/templates"), "overdue"));
    }

    [Fact]
    public async Task The_dispatch_mail_without_its_link_is_not_saved_and_the_page_and_the_preview_say_why()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var fields = Fields(await admin.GetStringAsync("/admin/templates/dispatch/zh-CN"));
        var withoutLink = new[] { ("html", fields["html"].Replace("{{ Link }}", "")), ("text", fields["text"].Replace("{{ Link }}", "")) };

        var saved = await PostAsync(admin, "/admin/templates/dispatch/zh-CN", fields, [("intent", "save"), .. withoutLink]);
        var previewed = await PostAsync(admin, "/admin/templates/dispatch/zh-CN", fields, [("intent", "preview"), .. withoutLink]);
        var english = new HttpRequestMessage(HttpMethod.Post, "/admin/templates/dispatch/zh-CN")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["intent"] = "save", ["html"] = withoutLink[0].Item2, ["text"] = withoutLink[1].Item2 }),
        };
        english.Headers.Add("Cookie", "liaison.lang=en");
        var inEnglish = await (await admin.SendAsync(english)).Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
        var page = await saved.Content.ReadAsStringAsync();
        Assert.Contains("模板有错误，未保存", page);
        foreach (var part in new[] { "html", "text" })
        {
            Assert.Matches($"<ul class=\"problems\" data-part=\"{part}\" id=\"problems-{part}\">\\s*<li>缺少 \\{{\\{{ Link }}}}：收件人将无法通过邮件办理</li>\\s*</ul>", page);
        }

        Assert.Contains("<li>{{ Link }} is missing: the recipients could not act from the mail</li>", inEnglish);
        Assert.Equal(0, await RowsAsync("dispatch"));
        Assert.Equal(HttpStatusCode.OK, previewed.StatusCode);
        Assert.Matches("data-part=\"html\"[^>]*>\\s*<li>缺少 \\{\\{ Link }}", await previewed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_edit_saved_before_the_shipped_text_changed_is_pointed_out_until_the_admin_saves_it_again()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var fields = Fields(await admin.GetStringAsync("/admin/templates/cancelled/zh-CN"));
        var saved = await PostAsync(admin, "/admin/templates/cancelled/zh-CN", fields, ("intent", "save"), ("text", "事项 {{ Case.Number }} 已撤销。{{ Link }}"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.DoesNotContain("默认模板已更新", RowOf(await admin.GetStringAsync("/admin/templates"), "cancelled"));
        Assert.DoesNotContain("data-shipped-changed", await admin.GetStringAsync("/admin/templates/cancelled/zh-CN"));

        // As if the edit were saved under an older release, whose shipped text differed.
        await App.WithDbAsync(db => db.Set<MailTemplateRecord>().Where(r => r.Kind == "cancelled")
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ShippedHash, new string('0', 64))));

        Assert.Contains("默认模板已更新", RowOf(await admin.GetStringAsync("/admin/templates"), "cancelled"));
        var page = await admin.GetStringAsync("/admin/templates/cancelled/zh-CN");
        var note = Regex.Match(page, "<details class=\"shipped-changed\" data-shipped-changed=\"(?<part>[a-z]+)\">.*?<pre class=\"mail\">(?<text>.*?)</pre>", RegexOptions.Singleline);
        Assert.True(note.Success, page);
        Assert.Equal("text", note.Groups["part"].Value);
        Assert.Equal(MailTemplateKeys.ShippedSource("cancelled", "zh-CN", Liaison.Cases.Notifications.MailPart.Text), WebUtility.HtmlDecode(note.Groups["text"].Value));
        Assert.Equal("事项 {{ Case.Number }} 已撤销。{{ Link }}", Fields(page)["text"]);
        var api = await (await App.AsAdminAsync()).GetStringAsync("/api/mail-templates");
        Assert.Contains("\"shippedChanged\":true", api);

        // Saving the edit again is the admin's answer to the new shipped text: the note goes.
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(admin, "/admin/templates/cancelled/zh-CN", Fields(page), ("intent", "save"))).StatusCode);
        Assert.DoesNotContain("默认模板已更新", RowOf(await admin.GetStringAsync("/admin/templates"), "cancelled"));
        Assert.DoesNotContain("data-shipped-changed", await admin.GetStringAsync("/admin/templates/cancelled/zh-CN"));
    }

    /// <summary>
    /// An edit saved before the shipped text's fingerprint was kept (e.g. the league table's old 11-column table) cannot
    /// be told apart from one that is up to date: the page says so, shows the current shipped text, and one part can be
    /// reset to it while the others keep their edits.
    /// </summary>
    [Fact]
    public async Task An_edit_of_unknown_basis_offers_the_current_shipped_text_and_a_reset_of_that_part_alone()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        const string path = "/admin/templates/league-table/zh-CN";
        var saved = await PostAsync(admin, path, Fields(await admin.GetStringAsync(path)), ("intent", "save"),
            ("subject", "红黄榜 {{ From }}"), ("html", "<p>旧的红黄榜 {{ CsvLink }}</p>"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(["html", "subject"], await PartsAsync("league-table", "zh-CN"));
        Assert.DoesNotContain("data-shipped-unknown", await admin.GetStringAsync(path));

        // As if the HTML edit were saved under a release that kept no fingerprint.
        await App.WithDbAsync(db => db.Set<MailTemplateRecord>().Where(r => r.Kind == "league-table" && r.Culture == "zh-CN" && r.Part == "html")
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ShippedHash, (string?)null)));
        var page = await admin.GetStringAsync(path);
        var note = Regex.Match(page, "<details class=\"shipped-changed\" data-shipped-unknown=\"(?<part>[a-z]+)\">.*?<pre class=\"mail\">(?<text>.*?)</pre>(?<rest>.*?)</details>", RegexOptions.Singleline);
        Assert.True(note.Success, page);
        Assert.Equal("html", note.Groups["part"].Value);
        Assert.Contains("默认模板可能已更新", page);
        Assert.Contains("data-shipped-unknown", RowOf(await admin.GetStringAsync("/admin/templates"), "league-table"));
        Assert.Equal(MailTemplateKeys.ShippedSource("league-table", "zh-CN", Liaison.Cases.Notifications.MailPart.Html), WebUtility.HtmlDecode(note.Groups["text"].Value));
        Assert.Contains("name=\"intent\" value=\"reset:html\"", note.Groups["rest"].Value);
        Assert.DoesNotContain("data-shipped-changed", page);
        var english = new HttpRequestMessage(HttpMethod.Get, path);
        english.Headers.Add("Cookie", "liaison.lang=en");
        Assert.Contains("Shipped text may have changed", await (await admin.SendAsync(english)).Content.ReadAsStringAsync());

        // Only the HTML goes back to the shipped text; the subject keeps its edit.
        var reset = await PostAsync(admin, path, Fields(page), ("intent", "reset:html"));
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(["subject"], await PartsAsync("league-table", "zh-CN"));
        var after = await admin.GetStringAsync(path);
        Assert.Contains("该部分已恢复为默认模板，其他部分未变", after);
        Assert.DoesNotContain("data-shipped-unknown", after);
        Assert.DoesNotContain("data-shipped-unknown", RowOf(await admin.GetStringAsync("/admin/templates"), "league-table"));
        Assert.Equal("红黄榜 {{ From }}", Fields(after)["subject"]);

        var bogus = await PostAsync(admin, path, Fields(after), ("intent", "reset:body"));
        Assert.Equal(HttpStatusCode.BadRequest, bogus.StatusCode);
        Assert.Equal(["subject"], await PartsAsync("league-table", "zh-CN"));
    }

    /// <summary>
    /// The league-table mail's HTML and text changed in this release (a ranked list read on phones): the migration gives
    /// edits of them with no fingerprint the previous text's, so the page points them out as behind the shipped text.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_league_table_mail_as_behind_the_shipped_text()
    {
        // The fingerprints are the previous release's text's (kept beside this test as it shipped in b63b9c2).
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.LeagueTableMailShippedHash),
            Liaison.Server.Data.Migrations.LeagueTableMailShippedHash.PreviousShipped, Liaison.Server.Data.Migrations.LeagueTableMailShippedHash.Statements(),
            "league-table", "en", ("subject", "League table {{ From }}"), ("html", "<p>The old table {{ CsvLink }}</p>"));
        Assert.Contains("data-shipped-changed=\"html\"", page);
        // The subject did not change in this release: whether it is behind stays unknown.
        Assert.Contains("data-shipped-unknown=\"subject\"", page);
        Assert.DoesNotContain("data-shipped-unknown=\"html\"", page);
    }

    /// <summary>
    /// The handler digest's, the 【待确认办结】's and the league table's HTML and text changed in this release: the
    /// migration gives edits of them with no fingerprint the previous text's (kept beside this test), so the page points
    /// them out as behind the shipped text.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_digest_resolved_and_league_table_mails_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.DigestAndResolvedMailShippedHash.PreviousShipped;
        Assert.Equal(12, migration.Length);
        var text = MailTemplateKeys.ShippedSource("handler-digest", "en", Liaison.Cases.Notifications.MailPart.Text) + "\nCall the zone office with any question.";
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.DigestAndResolvedMailShippedHash), migration,
            Liaison.Server.Data.Migrations.DigestAndResolvedMailShippedHash.Statements(), "handler-digest", "en", ("subject", "Cases {{ Date }}"), ("text", text));
        Assert.Contains("data-shipped-changed=\"text\"", page);
        // The subject did not change in this release: whether it is behind stays unknown.
        Assert.Contains("data-shipped-unknown=\"subject\"", page);
        Assert.DoesNotContain("data-shipped-unknown=\"text\"", page);
    }

    /// <summary>
    /// The co-handling reminders (即将到期, 领导督促, 催办) and the reopen mail changed in this release: the migration gives older edits
    /// of them with no fingerprint the previous text's, so the page points them out as behind the shipped text.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_co_handling_reminders_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.CoHandlingRemindersShippedHash.PreviousShipped;
        Assert.Equal(22, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.CoHandlingRemindersShippedHash), migration,
            Liaison.Server.Data.Migrations.CoHandlingRemindersShippedHash.Statements(), "officer-urge", "zh-CN", ("subject", "【催办】{{ Case.Number }}"));
        Assert.Contains("data-shipped-changed=\"subject\"", page);
    }

    /// <summary>
    /// The 【已销号】 and 【已改派】 mails changed in this release (the co-handlers' closing words, where a case went): the
    /// migration gives older edits of them with no fingerprint the previous text's, so the page points them out.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_closed_and_reassigned_away_mails_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.RoundEndMailsShippedHash.PreviousShipped;
        Assert.Equal(12, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.RoundEndMailsShippedHash), migration,
            Liaison.Server.Data.Migrations.RoundEndMailsShippedHash.Statements(), "closed", "en", ("text", "Closed: {{ Case.Number }}\n{{ Link }}"));
        Assert.Contains("data-shipped-changed=\"text\"", page);
    }

    /// <summary>
    /// The 【派单】, 【重办】, 【转交】 and 【协办意见已提交】 mails changed in this release (改派 and 重办 words, a part's handover):
    /// the migration gives older edits of them with no fingerprint the previous text's, so the page points them out.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_dispatch_reopen_handover_and_part_submitted_mails_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.S53MailWordsShippedHash.PreviousShipped;
        Assert.Equal(18, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.S53MailWordsShippedHash), migration,
            Liaison.Server.Data.Migrations.S53MailWordsShippedHash.Statements(), "handler-handover", "zh-CN", ("text", "转交：{{ Case.Number }}\n{{ Link }}"));
        Assert.Contains("data-shipped-changed=\"text\"", page);
    }

    /// <summary>
    /// The leader's copy of a co-handler's dispatch (重办 for a part) and the new leader's 【分管转交】 for a part changed in
    /// this release: the migration gives older edits of them with no fingerprint the previous text's.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_leaders_dispatch_copy_and_handover_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.S54PartMailWordsShippedHash.PreviousShipped;
        Assert.Equal(12, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.S54PartMailWordsShippedHash), migration,
            Liaison.Server.Data.Migrations.S54PartMailWordsShippedHash.Statements(), "leader-handover", "en", ("text", "Handed over: {{ Case.Number }}\n{{ Link }}"));
        Assert.Contains("data-shipped-changed=\"text\"", page);
    }

    /// <summary>The enterprise's 【事项进展】 carries its progress link since this release: older edits of it are pointed out.</summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_enterprises_change_notice_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.S54EnterpriseChangedLinkShippedHash.PreviousShipped;
        Assert.Equal(4, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.S54EnterpriseChangedLinkShippedHash), migration,
            Liaison.Server.Data.Migrations.S54EnterpriseChangedLinkShippedHash.Statements(), "enterprise-changed", "zh-CN", ("text", "事项进展：{{ Case.Number }}\n{{ Link }}"));
        Assert.Contains("data-shipped-changed=\"text\"", page);
    }

    /// <summary>The service team's copy tells of reopenings and cancellations since this release: older edits of it are pointed out.</summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_service_teams_copy_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.S55KeyEnterpriseUpdateShippedHash.PreviousShipped;
        Assert.Equal(4, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.S55KeyEnterpriseUpdateShippedHash), migration,
            Liaison.Server.Data.Migrations.S55KeyEnterpriseUpdateShippedHash.Statements(), "key-enterprise-update", "en", ("text", "Update: {{ Case.Number }} {{ Event.Label }}\n{{ Link }}"));
        Assert.Contains("data-shipped-changed=\"text\"", page);
    }

    /// <summary>
    /// The joint-case words changed in this release (the co-handler's extension request, the English subjects of a part
    /// asked again, the 【已改派】 for a part, the co-handlers in the officer's 【待确认办结】): older edits of them are pointed out.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_joint_case_mail_words_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.S55JointMailWordsShippedHash.PreviousShipped;
        Assert.Equal(18, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.S55JointMailWordsShippedHash), migration,
            Liaison.Server.Data.Migrations.S55JointMailWordsShippedHash.Statements(), "extension-requested", "zh-CN", ("text", "协办延期：{{ Case.Number }}\n{{ Link }}"));
        Assert.Contains("data-shipped-changed=\"text\"", page);
    }

    /// <summary>Every mail's HTML footer got darker for contrast in this release: older edits of any HTML part are pointed out.</summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_any_mails_html_as_behind_the_shipped_footer()
    {
        var migration = Liaison.Server.Data.Migrations.S56MailFooterContrastShippedHash.PreviousShipped;
        // Every HTML part shipped before, case mails and the digests and notices alike.
        Assert.Equal(MailTemplateKeys.Kinds.Count(k => k != "lead-extended") * 2, migration.Length);
        Assert.All(migration, p => Assert.Equal("html", p.Part));
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.S56MailFooterContrastShippedHash), migration,
            Liaison.Server.Data.Migrations.S56MailFooterContrastShippedHash.Statements(), "reopened", "zh-CN", ("html", "<p>{{ Case.Number }}</p><p><a href=\"{{ Link }}\">打开事项</a></p>"));
        Assert.Contains("data-shipped-changed=\"html\"", page);
    }

    /// <summary>
    /// The ladder's words changed in this release (a co-handler's red and zone notices speak of its part, a leader's
    /// copy asks them to see that the handler acts, a pending extension request is said, the handler digest's due-today
    /// and late-to-accept lines): older edits of them are pointed out.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_ladder_mail_words_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.S56LadderWordsShippedHash.PreviousShipped;
        Assert.Equal(26, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.S56LadderWordsShippedHash), migration,
            Liaison.Server.Data.Migrations.S56LadderWordsShippedHash.Statements(), "overdue", "zh-CN", ("text", "超期：{{ Case.Number }}\n{{ Link }}"));
        Assert.Contains("data-shipped-changed=\"text\"", page);
    }

    /// <summary>
    /// This release's mail words (the leader's copy of an insisted dispatch, the English co-handler's dispatch, the
    /// leader's 【主办部门变更】, a partly approved extension, the return for a withdrawn request): older edits are pointed out.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_this_releases_mail_words_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.S56MailWordsShippedHash.PreviousShipped;
        Assert.Equal(19, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.S56MailWordsShippedHash), migration,
            Liaison.Server.Data.Migrations.S56MailWordsShippedHash.Statements(), "lead-changed", "zh-CN", ("text", "主办部门变更：{{ Case.Number }}\n{{ Link }}"));
        Assert.Contains("data-shipped-changed=\"text\"", page);
    }

    /// <summary>
    /// The service team's copy tells of the 不满意 rating and its decision, and the officer's digest words its subject
    /// and opening for each reader, since this release: older edits of them are pointed out.
    /// </summary>
    [Fact]
    public async Task The_migration_points_out_older_edits_of_the_service_teams_copy_and_the_officers_digest_as_behind_the_shipped_text()
    {
        var migration = Liaison.Server.Data.Migrations.S56EnterpriseWordsShippedHash.PreviousShipped;
        Assert.Equal(10, migration.Length);
        var page = await EditedBeforeTheMigrationAsync(nameof(Liaison.Server.Data.Migrations.S56EnterpriseWordsShippedHash), migration,
            Liaison.Server.Data.Migrations.S56EnterpriseWordsShippedHash.Statements(), "officer-digest", "zh-CN", ("subject", "事项动态 {{ Date }}（{{ Count }}）"));
        Assert.Contains("data-shipped-changed=\"subject\"", page);
    }

    [Fact]
    public async Task Preview_shows_the_unsaved_edit_with_values_escaped_inside_a_sandboxed_frame()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var fields = Fields(await admin.GetStringAsync("/admin/templates/resolved/zh-CN"));
        var response = await PostAsync(admin, "/admin/templates/resolved/zh-CN", fields,
            ("intent", "preview"), ("subject", "预览 {{ Case.Title }}"), ("html", "<b>{{ Case.Title }}</b>"));
        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var frame = Regex.Match(page, "<iframe [^>]*sandbox(=\"\")? [^>]*data-preview=\"html\" srcdoc=\"([^\"]*)\"");
        Assert.True(frame.Success, page);
        // Decoding the attribute once gives the mail's HTML: the title's markup is escaped there, the template's is not.
        Assert.Equal("<b>新厂房用电报装 &lt;10kV 专线&gt;</b>", WebUtility.HtmlDecode(frame.Groups[2].Value));
        Assert.Contains("预览 新厂房用电报装 &lt;10kV 专线&gt;", page); // the subject, encoded for this page
        Assert.DoesNotContain("<10kV", page);
        Assert.Equal(0, await RowsAsync("resolved"));

        // The sample's deadlines fall at close of business, as real ones do.
        var due = await PostAsync(admin, "/admin/templates/resolved/zh-CN", fields,
            ("intent", "preview"), ("subject", "期限 {{ Case.AcceptBy }} / {{ Case.Due }}"), ("html", "<b>{{ Case.Title }}</b>"));
        Assert.Matches("期限 [^<]*18:00 / [^<]*18:00", await due.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_preview_that_falls_back_to_the_shipped_template_names_the_part_and_language_and_whether_it_was_the_draft()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

        // An unsaved subject that does not parse: the preview speaks of the draft, not of an edited (saved) template.
        var fields = Fields(await admin.GetStringAsync("/admin/templates/reopened/zh-CN"));
        var draft = await PostAsync(admin, "/admin/templates/reopened/zh-CN", fields, ("intent", "preview"), ("subject", "{% if Case.Urgent %}急"));
        var warnings = PreviewWarnings(await draft.Content.ReadAsStringAsync());
        Assert.Matches("^<li>主题（中文）：草稿无法使用，预览中改用了默认模板。原因：模板语法错误", warnings);
        Assert.DoesNotContain("reopened/zh-CN", warnings);
        Assert.DoesNotContain("修改的模板", warnings);

        var english = new HttpRequestMessage(HttpMethod.Post, "/admin/templates/reopened/zh-CN")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["intent"] = "preview", ["subject"] = "{% if Case.Urgent %}急" }),
        };
        english.Headers.Add("Cookie", "liaison.lang=en");
        Assert.Matches("^<li>Subject \\(Chinese\\): the draft could not be used, so the preview shows the shipped template instead\\. Why: ",
            PreviewWarnings(await (await admin.SendAsync(english)).Content.ReadAsStringAsync()));

        // A stored edit that no longer parses (as after a release that parses differently), previewed as it stands.
        await App.WithDbAsync(db =>
        {
            db.Add(new MailTemplateRecord { Kind = "reopened", Culture = "en", Part = "html", Source = "<p>{% if Case.Urgent %}</p>", UpdatedAt = App.Clock.GetUtcNow() });
            return db.SaveChangesAsync();
        });
        App.Services.GetRequiredService<MailTemplateOverrides>().Invalidate();
        var saved = await PostAsync(admin, "/admin/templates/reopened/en", Fields(await admin.GetStringAsync("/admin/templates/reopened/en")), ("intent", "preview"));
        Assert.Matches("^<li>HTML 正文（英文）：已保存的修改无法使用，预览和发出的邮件都改用了默认模板。原因：", PreviewWarnings(await saved.Content.ReadAsStringAsync()));
    }

    /// <summary>The preview's list of parts that fell back to the shipped template.</summary>
    private static string PreviewWarnings(string page) =>
        Regex.Match(page, "<div class=\"card\" id=\"preview\">\\s*<h2>[^<]*</h2>\\s*<ul class=\"problems\">\\s*(.*?)</ul>", RegexOptions.Singleline) is { Success: true } m
            ? m.Groups[1].Value
            : throw new Xunit.Sdk.XunitException("The preview warns of nothing: " + page);

    [Fact]
    public async Task The_variables_are_described_in_the_readers_language_those_of_the_shipped_template_first()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var chinese = await admin.GetStringAsync("/admin/templates/dispatch/zh-CN");
        var english = new HttpRequestMessage(HttpMethod.Get, "/admin/templates/dispatch/zh-CN");
        english.Headers.Add("Cookie", "liaison.lang=en");
        var inEnglish = WebUtility.HtmlDecode(await (await admin.SendAsync(english)).Content.ReadAsStringAsync());

        var used = VariableGroup(chinese, "used");
        var other = VariableGroup(chinese, "other");
        Assert.Matches("<h2>本邮件默认模板使用的变量（\\d+ 个）</h2>\\s*<dl class=\"facts\" data-variables=\"used\">", chinese);
        Assert.Matches("<h2>其他可用变量（\\d+ 个）</h2>\\s*<dl class=\"facts\" data-variables=\"other\">", chinese);
        Assert.True(chinese.IndexOf("data-variables=\"used\"", StringComparison.Ordinal) < chinese.IndexOf("data-variables=\"other\"", StringComparison.Ordinal));
        Assert.Matches("<dt class=\"wrap\"><code>Case.Title</code></dt>\\s*<dd>事项标题</dd>", used);
        Assert.Matches("<code>CoHandlers.Status</code></dt>\\s*<dd>该部门的办理状态[^<]*for 循环中读取）</dd>", used);
        Assert.Contains("<code>Link</code>", used);
        Assert.Contains("<code>Extension.Days</code>", other);
        Assert.DoesNotContain("<code>Extension.Days</code>", used);
        Assert.DoesNotContain("<code>Case.Title</code>", other);

        Assert.Contains("<h2>Used by this mail's shipped template (", inEnglish);
        Assert.Contains("<h2>Other variables (", inEnglish);
        Assert.Matches("<code>Case.Title</code></dt>\\s*<dd>The case's title</dd>", VariableGroup(inEnglish, "used"));
        Assert.Matches("<code>Link</code></dt>\\s*<dd>The recipient's personal link \\(for them only\\)", VariableGroup(inEnglish, "used"));

        // A digest: a list's members are described as read in a loop.
        var league = await admin.GetStringAsync("/admin/templates/league-table/zh-CN");
        Assert.Matches("<code>Rows.Department</code></dt>\\s*<dd>部门名称（列表各项的成员，在 for 循环中读取）</dd>", VariableGroup(league, "used"));
    }

    private static string VariableGroup(string page, string group) =>
        Regex.Match(page, $"<dl class=\"facts\" data-variables=\"{group}\">(.*?)</dl>", RegexOptions.Singleline) is { Success: true } m
            ? m.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"No '{group}' variables on the page");

    [Fact]
    public async Task The_digests_are_listed_apart_and_their_page_lists_their_own_variables_and_previews_a_sample_digest()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var list = await admin.GetStringAsync("/admin/templates");
        var digests = Regex.Match(list, "<table data-group=\"digests\">(.*?)</table>", RegexOptions.Singleline);
        Assert.True(digests.Success, list);
        Assert.Equal(["handler-digest", "officer-digest", "league-table", "work-handover", "account-created", "liaison-replaced"],
            Regex.Matches(digests.Groups[1].Value, "<tr data-kind=\"([^\"]+)\">").Select(m => m.Groups[1].Value));
        Assert.Contains("href=\"/admin/templates/league-table/en\"", digests.Groups[1].Value);
        Assert.DoesNotContain("data-kind=\"dispatch\"", digests.Groups[1].Value);

        var page = await admin.GetStringAsync("/admin/templates/officer-digest/zh-CN");
        var variables = Regex.Match(page, "<details data-variables>(.*?)</details>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("<code>NeedsDecision.Decision</code>", variables);
        Assert.Contains("<code>VisitsDue.LastVisited</code>", variables);
        Assert.DoesNotContain("<code>Case.Title</code>", variables);
        Assert.Contains("<code>Case.Title</code>", await admin.GetStringAsync("/admin/templates/dispatch/zh-CN"));

        var fields = Fields(page);
        Assert.Contains("{{ OwnCount }}", fields["subject"]);
        var response = await PostAsync(admin, "/admin/templates/officer-digest/zh-CN", fields,
            ("intent", "preview"), ("subject", "{{ Recipient.Name }} 待决定 {{ NeedsDecisionCount }} 件"));
        var preview = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<span data-preview=\"subject\">李娜 待决定 1 件</span>", preview);
        Assert.Contains("环评批复进度 &amp;amp; 材料", preview); // escaped in the mail, and the mail escaped into srcdoc
        Assert.Equal(0, await RowsAsync("officer-digest"));

        var saved = await PostAsync(admin, "/admin/templates/officer-digest/zh-CN", fields, ("intent", "save"), ("subject", "{{ Recipient.Name }} 的事项动态"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("已修改：主题", RowOf(await admin.GetStringAsync("/admin/templates"), "officer-digest"));
        await PostAsync(admin, "/admin/templates/officer-digest/zh-CN", Fields(await admin.GetStringAsync("/admin/templates/officer-digest/zh-CN")), ("intent", "reset"));
        Assert.Equal(0, await RowsAsync("officer-digest"));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_rejected()
    {
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var fields = Fields(await admin.GetStringAsync("/admin/templates/closed/zh-CN"));
        fields.Remove("__RequestVerificationToken");
        fields["subject"] = "销号 {{ Case.Number }}";
        fields["intent"] = "save";
        var response = await admin.PostAsync("/admin/templates/closed/zh-CN", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await RowsAsync("closed"));
    }

    private Task<List<string>> PartsAsync(string kind, string culture) =>
        App.WithDbAsync(db => db.Set<MailTemplateRecord>().Where(r => r.Kind == kind && r.Culture == culture).OrderBy(r => r.Part).Select(r => r.Part).ToListAsync());

    private Task<int> RowsAsync(string kind) => App.WithDbAsync(db => db.Set<MailTemplateRecord>().CountAsync(r => r.Kind == kind));

    private async Task<HttpClient> SignInAsync(string email, string password)
    {
        var browser = App.Anonymous();
        var login = await browser.GetStringAsync("/account/login");
        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenPattern().Match(login).Groups[1].Value),
            ["email"] = email,
            ["password"] = password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    /// <summary>The template form's token and textareas, as a browser would send them.</summary>
    [Fact]
    public async Task A_template_form_opened_before_another_admins_save_is_refused_and_that_save_stays()
    {
        const string path = "/admin/templates/returned/zh-CN";
        var a = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var b = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var pageA = await a.GetStringAsync(path);
        var pageB = await b.GetStringAsync(path);
        static string BasisIn(string page) => Regex.Match(page, "name=\"basis\" value=\"([^\"]+)\"").Groups[1].Value;

        var saved = await PostAsync(a, path, Fields(pageA), ("basis", BasisIn(pageA)), ("intent", "save"), ("subject", "甲改的主题 {{ Case.Number }}"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var refused = await PostAsync(b, path, Fields(pageB), ("basis", BasisIn(pageB)), ("intent", "save"), ("text", Fields(pageB)["text"] + "\n乙的补充"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("模板在您打开后已被他人修改，您的修改未保存。与现在保存的不同之处：主题、纯文本正文。", page);
        Assert.Contains("乙的补充", page); // the form keeps what was typed
        var rows = await App.WithDbAsync(db => db.Set<MailTemplateRecord>().Where(r => r.Kind == "returned").ToListAsync());
        Assert.Equal(("subject", "甲改的主题 {{ Case.Number }}"), (Assert.Single(rows).Part, rows[0].Source));

        // Saved again from the refused page, on purpose: it carries the version as it is now.
        var again = await PostAsync(b, path, Fields(page), ("basis", BasisIn(page)), ("intent", "save"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    [Fact]
    public async Task Two_saves_from_one_form_version_at_the_same_moment_end_with_one_refused()
    {
        // Both leave the form opened at one version; the template's lock is held here until both wait on it, so each
        // reads what is stored only after the other could have saved (the check before the lock let both land).
        const string path = "/admin/templates/extension-decided/zh-CN";
        var a = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var b = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var pageA = await a.GetStringAsync(path);
        var pageB = await b.GetStringAsync(path);
        static string BasisIn(string page) => Regex.Match(page, "name=\"basis\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal(BasisIn(pageA), BasisIn(pageB));

        Task<HttpResponseMessage> first, second;
        await using (var held = await HeldLock.TakeAsync(App, $"SELECT pg_advisory_xact_lock({Liaison.Server.Data.AdvisoryLocks.Template}, hashtext('extension-decided/zh-CN'))"))
        {
            first = PostAsync(a, path, Fields(pageA), ("basis", BasisIn(pageA)), ("intent", "save"), ("subject", "甲的主题 {{ Case.Number }}"));
            await held.UntilWaitingAsync(1, orDone: first);
            second = PostAsync(b, path, Fields(pageB), ("basis", BasisIn(pageB)), ("intent", "save"), ("subject", "乙的主题 {{ Case.Number }}"));
            await held.UntilWaitingAsync(2, orDone: second);
            await held.ReleaseAsync();
        }

        var answers = await Task.WhenAll(first, second);
        Assert.Equal(new[] { HttpStatusCode.Redirect, HttpStatusCode.Conflict }, answers.Select(r => r.StatusCode).Order());
        var refused = WebUtility.HtmlDecode(await answers.Single(r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadAsStringAsync());
        Assert.Contains("与现在保存的不同之处：主题。", refused);
        var row = Assert.Single(await App.WithDbAsync(db => db.Set<MailTemplateRecord>().Where(r => r.Kind == "extension-decided").ToListAsync()));
        // The one stored is the save that went first; the other's subject is on its refused page, not in the mails.
        var winner = answers[0].StatusCode == HttpStatusCode.Redirect ? "甲的主题 {{ Case.Number }}" : "乙的主题 {{ Case.Number }}";
        Assert.Equal(("subject", winner), (row.Part, row.Source));
    }

    [Fact]
    public async Task A_template_form_with_a_version_liaison_never_wrote_is_refused_and_saves_nothing()
    {
        const string path = "/admin/templates/due-reminder/en";
        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var page = await admin.GetStringAsync(path);

        var refused = await PostAsync(admin, path, Fields(page), ("basis", "not-a-version"), ("intent", "save"), ("subject", "Changed {{ Case.Number }}"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("表单的版本信息无效，您的修改未保存", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(0, await App.WithDbAsync(db => db.Set<MailTemplateRecord>().CountAsync(r => r.Kind == "due-reminder")));
    }

    private static Dictionary<string, string> Fields(string page)
    {
        var form = Regex.Match(page, "<form method=\"post\" action=\"/admin/templates/[^\"]+\" data-form=\"template\">(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, page);
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenPattern().Match(form.Groups[1].Value).Groups[1].Value),
        };
        foreach (Match m in Regex.Matches(form.Groups[1].Value, "<textarea [^>]*name=\"([a-z]+)\"[^>]*>(.*?)</textarea>", RegexOptions.Singleline))
        {
            fields[m.Groups[1].Value] = WebUtility.HtmlDecode(m.Groups[2].Value);
        }

        Assert.Equal(["__RequestVerificationToken", "subject", "html", "text"], fields.Keys);
        return fields;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, Dictionary<string, string> fields, params (string Name, string Value)[] changes)
    {
        var values = new Dictionary<string, string>(fields);
        foreach (var (name, value) in changes)
        {
            values[name] = value;
        }

        return browser.PostAsync(path, new FormUrlEncodedContent(values));
    }

    private static string RowOf(string page, string kind) =>
        Regex.Match(page, $"<tr data-kind=\"{kind}\">(.*?)</tr>", RegexOptions.Singleline) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException(page);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    /// <summary>
    /// A shipped-hash migration's check: each fingerprint it sets is the previous release's text's (kept beside this test
    /// in its folder) and not the text shipped now; then an admin's edit of <paramref name="kind"/> saved with no
    /// fingerprint (as edits were before it was kept) is given one by the migration's statements. Returns the edit's page.
    /// </summary>
    private async Task<string> EditedBeforeTheMigrationAsync(string migrationName, (string Kind, string Culture, string Part, string Hash)[] previous,
        IEnumerable<string> statements, string kind, string culture, params (string Name, string Value)[] edit)
    {
        foreach (var (k, c, part, hash) in previous)
        {
            Assert.True(MailTemplateKeys.TryParsePart(part, out var p));
            Assert.NotEqual(MailTemplateKeys.ShippedHash(k, c, p), hash);
            Assert.Equal(hash, MailTemplateKeys.HashOf(File.ReadAllText(Path.Combine(PreviousShippedFolder(migrationName), $"{k}.{c}.{part}.liquid"))));
        }

        var admin = await SignInAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var path = $"/admin/templates/{kind}/{culture}";
        var saved = await PostAsync(admin, path, Fields(await admin.GetStringAsync(path)), [("intent", "save"), .. edit]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        await App.WithDbAsync(db => db.Set<MailTemplateRecord>().Where(r => r.Kind == kind && r.Culture == culture)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ShippedHash, (string?)null)));

        foreach (var sql in statements)
        {
            await App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql));
        }

        return await admin.GetStringAsync(path);
    }

    /// <summary>
    /// The parts a template migration names, as the release before it shipped them (Templates/PreviousShipped/{migration}):
    /// the league table's before the phone layout; the handler digest's, the 【待确认办结】's and the league table's
    /// before the acceptance deadline, the withdrawn request and the 延期申请 label; the co-handling reminders' before
    /// they spoke of the part.
    /// </summary>
    private static string PreviousShippedFolder(string migration)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "tests", "Liaison.Server.Tests", "Templates", "PreviousShipped", migration);
            if (Directory.Exists(folder))
            {
                return folder;
            }
        }

        throw new InvalidOperationException("Templates/PreviousShipped not found above " + AppContext.BaseDirectory);
    }
}
