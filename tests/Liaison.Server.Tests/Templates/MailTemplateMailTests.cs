using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Templates;
using Liaison.Server.Tests.Infrastructure;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Templates;

/// <summary>An admin's template edit reaches the next case email, over real SMTP.</summary>
public sealed class MailTemplateMailTests : IAsyncLifetime
{
    private const string Handler = "fgj.handler@anyue.example";

    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(MailTemplateMailTests));
        _officer = await _app.AsOfficerAsync();
        _admin = await _app.AsAdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_edited_subject_is_used_for_the_next_case_email_and_delete_brings_back_the_shipped_one()
    {
        // The first mail loads the templates (none edited yet).
        var first = await OpenNumberAsync();
        Assert.StartsWith("【派单】" + first, SubjectTo(await MailsAsync(_app, Handler, first)));

        var saved = await _admin.PutAsJsonAsync("/api/mail-templates/dispatch/zh-CN/subject", new { source = "【模板测试】{{ Case.Number }} 请于 {{ Case.AcceptBy }} 前签收" });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var second = await OpenNumberAsync();
        var subject = SubjectTo(await MailsAsync(_app, Handler, second));
        Assert.StartsWith($"【模板测试】{second} 请于 2026年3月", subject);
        Assert.EndsWith("前签收", subject);

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/mail-templates/dispatch/zh-CN/subject")).StatusCode);
        var third = await OpenNumberAsync();
        Assert.StartsWith("【派单】" + third, SubjectTo(await MailsAsync(_app, Handler, third)));
    }

    [Fact]
    public async Task An_edit_made_by_another_instance_is_picked_up_within_a_minute_without_reading_the_table_per_mail()
    {
        var first = await OpenNumberAsync();
        Assert.StartsWith("【派单】", SubjectTo(await MailsAsync(_app, Handler, first)));

        // Another instance writes the table; this one has not been told.
        await _app.WithDbAsync(async db =>
        {
            db.Add(new MailTemplateRecord
            {
                Kind = "dispatch", Culture = "zh-CN", Part = "subject", Source = "【他处修改】{{ Case.Number }}",
                UpdatedAt = _app.Clock.GetUtcNow(), UpdatedBy = "other-instance",
            });
            return await db.SaveChangesAsync();
        });

        var second = await OpenNumberAsync();
        Assert.StartsWith("【派单】", SubjectTo(await MailsAsync(_app, Handler, second)));

        _app.Clock.Advance(MailTemplateOverrides.RefreshInterval + TimeSpan.FromSeconds(1));
        var third = await OpenNumberAsync();
        Assert.Equal("【他处修改】" + third, SubjectTo(await MailsAsync(_app, Handler, third)));
    }

    private async Task<string> OpenNumberAsync() => (await OpenAsync(_officer)).GetProperty("number").GetString()!;

    private static string SubjectTo(List<MimeKit.MimeMessage> mails) => Assert.Single(mails).Subject ?? "";
}
