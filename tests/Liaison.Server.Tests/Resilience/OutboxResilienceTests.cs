using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Liaison.Server.Data;
using Liaison.Server.Mail;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Liaison.Server.Tests.Resilience;

/// <summary>
/// The outbox under fault: a relay that dies half-way through a batch, an SMTP server away for a day, and the admin's
/// retry of mail that was refused. A fresh server and database per test.
/// </summary>
public sealed class OutboxResilienceTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(OutboxResilienceTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<OutboxMessage> Queue(int i) =>
        _app.QueueMailAsync(new OutgoingMail($"h{i}@anyue.example", "张三", $"【派单】事项 {i}", "正文", null, "dispatch"));

    /// <summary>Runs the app's relay once with <paramref name="transport"/> in front of the real SMTP listener.</summary>
    private async Task<RelayReport> RelayThroughAsync(IMailTransport transport)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var relay = new OutboxRelay(sp.GetRequiredService<LiaisonDbContext>(), transport, sp.GetRequiredService<IOptions<SmtpOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<OutboxRelay>>());
        return await relay.RelayDueAsync();
    }

    private IMailTransport RealTransport => _app.Services.GetRequiredService<IMailTransport>();

    [Fact]
    public async Task A_relay_that_dies_after_k_of_n_mails_resends_none_of_the_k()
    {
        const int n = 12, k = 5;
        for (var i = 0; i < n; i++)
        {
            await Queue(i);
        }

        // The process "dies" after the SMTP server accepted k mails, before it sends the next.
        var dying = new DyingTransport(RealTransport, acceptBeforeDeath: k);
        await Assert.ThrowsAsync<ProcessDied>(() => RelayThroughAsync(dying));
        await _app.Smtp!.WaitForAsync(k);
        var sentAfterCrash = await _app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Status == OutboxStatus.Sent));

        var restart = await _app.RelayMailAsync();
        await _app.Smtp.WaitForAsync(n);

        Assert.Equal(k, sentAfterCrash);
        Assert.Equal(n - k, restart.Sent);
        Assert.Equal(n, _app.Smtp.Received.Count);
        Assert.Equal(n, _app.Smtp.Received.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Mail_queued_while_smtp_is_unreachable_for_a_day_is_all_delivered_once_when_it_returns()
    {
        for (var i = 0; i < 3; i++)
        {
            await Queue(i);
        }

        var down = new SwitchableTransport(RealTransport) { Down = true };
        var start = _app.Clock.GetUtcNow();
        var runs = 0;
        while (_app.Clock.GetUtcNow() - start < TimeSpan.FromDays(1))
        {
            await RelayThroughAsync(down);
            runs++;
            _app.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var afterADay = await _app.WithDbAsync(db => db.Outbox.AsNoTracking().ToListAsync());
        down.Down = false;
        _app.Clock.Advance(OutboxRelay.MaxBackOff);
        var back = await RelayThroughAsync(down);
        await _app.Smtp!.WaitForAsync(3);

        Assert.True(runs >= 144);
        Assert.All(afterADay, m => Assert.Equal(OutboxStatus.Pending, m.Status));
        Assert.All(afterADay, m => Assert.True(m.Attempts > 10, $"only {m.Attempts} attempts in a day"));
        Assert.All(afterADay, m => Assert.True(m.NextAttemptAt - _app.Clock.GetUtcNow() <= OutboxRelay.MaxBackOff));
        Assert.Equal(3, back.Sent);
        Assert.Equal(3, _app.Smtp.Received.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(3, _app.Smtp.Received.Count);
    }

    [Fact]
    public async Task A_4xx_answered_for_a_day_never_fails_the_mail_and_it_is_delivered_afterwards()
    {
        var row = await Queue(1);
        _app.Smtp!.FailNext(451, times: 40);

        for (var hour = 0; hour < 30; hour++)
        {
            await _app.RelayMailAsync();
            _app.Clock.Advance(TimeSpan.FromHours(1));
        }

        var stuck = await _app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == row.Id));
        for (var hour = 0; hour < 20 && !_app.Smtp.Received.Any(); hour++)
        {
            await _app.RelayMailAsync();
            _app.Clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(OutboxStatus.Pending, stuck.Status);
        Assert.Equal(451, stuck.LastSmtpStatus);
        Assert.Equal(row.MessageId, Assert.Single(_app.Smtp.Received).MessageId);
        Assert.Equal(OutboxStatus.Sent, (await _app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == row.Id))).Status);
    }

    [Fact]
    public async Task An_admin_retries_a_refused_mail_and_it_is_sent_with_the_same_message_id()
    {
        _app.Smtp!.FailNext(550);
        var row = await Queue(1);
        await _app.RelayMailAsync();
        var admin = await _app.AsAdminAsync();
        var officer = await _app.AsOfficerAsync();

        var byOfficer = await officer.PostAsync($"/api/admin/outbox/{row.Id}/retry", null);
        var retried = await admin.PostAsync($"/api/admin/outbox/{row.Id}/retry", null);
        var item = await retried.Content.ReadFromJsonAsync<JsonElement>();
        var report = await _app.RelayMailAsync();
        var again = await admin.PostAsync($"/api/admin/outbox/{row.Id}/retry", null);
        var unknown = await admin.PostAsync($"/api/admin/outbox/{Guid.NewGuid()}/retry", null);

        Assert.Equal(HttpStatusCode.Forbidden, byOfficer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("pending", item.GetProperty("status").GetString());
        Assert.Equal(1, report.Sent);
        Assert.Equal(row.MessageId, Assert.Single(await _app.Smtp.WaitForAsync(1)).MessageId);
        // A sent mail is not sent again by a retry; an unknown one is 404.
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task An_admin_retries_every_failed_mail_at_once_and_sent_mail_is_left_alone()
    {
        _app.Smtp!.FailNext(550, times: 3);
        for (var i = 0; i < 3; i++)
        {
            await Queue(i);
        }

        await _app.RelayMailAsync();
        await Queue(9);
        await _app.RelayMailAsync();
        await _app.Smtp.WaitForAsync(1);
        var admin = await _app.AsAdminAsync();

        var response = await admin.PostAsync("/api/admin/outbox/retry-failed", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var report = await _app.RelayMailAsync();
        await _app.Smtp.WaitForAsync(4);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, body.GetProperty("retried").GetInt32());
        Assert.Equal(3, report.Sent);
        Assert.Equal(4, _app.Smtp.Received.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(4, _app.Smtp.Received.Count);
    }

    [Fact]
    public async Task The_admin_outbox_page_lists_failed_mail_with_a_retry_button_that_works()
    {
        _app.Smtp!.FailNext(550);
        var row = await Queue(1);
        await _app.RelayMailAsync();
        var browser = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

        var page = await browser.GetStringAsync("/admin/outbox");
        var posted = await browser.PostAsync($"/admin/outbox/{row.Id}/retry", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Cases.CaseTestKit.TokenIn(page),
        }));
        var stored = await _app.WithDbAsync(db => db.Outbox.AsNoTracking().SingleAsync(m => m.Id == row.Id));

        Assert.Contains("【派单】事项 1", page);
        Assert.Contains($"action=\"/admin/outbox/{row.Id}/retry\"", page);
        // A refused case mail links to its case (what was waiting goes first, so the refusal falls on the case's mail).
        var officer = await _app.AsOfficerAsync();
        await _app.RelayMailAsync();
        _app.Smtp!.FailNext(550);
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        await _app.RelayMailAsync();
        Assert.Contains($"<a href=\"/cases/{number}\" data-case-link>事项 {number}</a>", await browser.GetStringAsync("/admin/outbox"));
        Assert.Contains("action=\"/admin/outbox/retry-failed\"", page);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(OutboxStatus.Pending, stored.Status);
    }

    [Theory]
    [InlineData(550, "5.1.1 user unknown", "550 5.1.1 user unknown")]
    [InlineData(550, "550 5.1.1 user unknown", "550 5.1.1 user unknown")] // the code already leads the text: said once
    [InlineData(null, "connection refused", "connection refused")]
    [InlineData(451, null, "451")]
    public void The_outbox_page_gives_the_smtp_code_once(int? code, string? error, string shown)
    {
        var mail = new OutboxItemDto(Guid.NewGuid(), "<m@x>", "dispatch", "a@b.example", "s", OutboxStatus.Failed, 1, DateTimeOffset.UnixEpoch, null, code, error, null, null);

        Assert.Equal(shown, OutboxAdminModel.ErrorOf(mail));
    }

    private sealed class ProcessDied : Exception;

    /// <summary>Passes k mails to the real transport, then throws on the next (a kill -9 between two mails, as far as the relay can tell).</summary>
    private sealed class DyingTransport(IMailTransport inner, int acceptBeforeDeath) : IMailTransport
    {
        private readonly int _acceptBeforeDeath = acceptBeforeDeath;
        private int _accepted;

        public string Name => inner.Name;

        public async Task<IMailSession> OpenAsync(CancellationToken ct) => new Session(this, await inner.OpenAsync(ct));

        private sealed class Session(DyingTransport owner, IMailSession inner) : IMailSession
        {
            public async Task SendAsync(MimeMessage message, CancellationToken ct)
            {
                if (owner._accepted == owner._acceptBeforeDeath)
                {
                    throw new ProcessDied();
                }

                await inner.SendAsync(message, ct);
                owner._accepted++;
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>Connection refused while <see cref="Down"/>; the real transport otherwise.</summary>
    private sealed class SwitchableTransport(IMailTransport inner) : IMailTransport
    {
        public bool Down { get; set; }

        public string Name => inner.Name;

        public Task<IMailSession> OpenAsync(CancellationToken ct) =>
            Down ? throw new SocketException((int)SocketError.ConnectionRefused) : inner.OpenAsync(ct);
    }
}
