using Liaison.Server.Mail;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Tests.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Resilience;

/// <summary>
/// Issue 12's "a multi-node escalation run sent 1 duplicate mail": three server hosts on one database sweep the same
/// due escalations and relay the outbox at the same time, twice each. Every case is escalated once, and every
/// reminder reaches each recipient once, with a Message-ID of its own.
/// </summary>
public sealed class MultiNodeEscalationTests
{
    private const int Cases = 30;
    private const string Handler = "fgj.handler@anyue.example";
    private const string Leader = "fgj.leader@anyue.example";

    [Fact]
    public async Task Three_nodes_sweeping_and_relaying_at_once_send_each_escalation_mail_once()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(MultiNodeEscalationTests));
        var officer = await app.AsOfficerAsync();
        var numbers = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            numbers.Add((await OpenAsync(officer)).GetProperty("number").GetString()!);
        }

        await app.RelayMailAsync();
        var dispatched = app.Smtp!.Received.Count;

        // Opened Monday 2026-03-02 09:00: acceptance is due Tuesday 18:00. Every node's clock a minute past it.
        var due = new DateTimeOffset(2026, 3, 3, 18, 1, 0, TimeSpan.FromHours(8)).ToUniversalTime();
        app.Clock.SetUtcNow(due);
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = app.Smtp.Port.ToString(),
            ["Smtp:Security"] = "None",
            ["Smtp:Pipelining"] = "false",
            ["Liaison:PublicBaseUrl"] = "https://liaison.test.example",
        };
        await using var second = RestartedServer.Start(app.ConnectionString, due, settings);
        await using var third = RestartedServer.Start(app.ConnectionString, due, settings);

        var nodes = new[] { app.Services, second.Services, third.Services };
        await Task.WhenAll(nodes.SelectMany(node => new[] { node, node }).Select(node => Task.Run(async () =>
        {
            await Wf.SweepAsync(node);
            await RelayAsync(node);
        })));
        await Task.WhenAll(nodes.Select(RelayAsync));

        var reminders = app.Smtp.Received.Skip(dispatched).Where(m => m.Subject.Contains("【催签收】")).ToList();
        foreach (var number in numbers)
        {
            foreach (var to in new[] { Handler, Leader })
            {
                var count = reminders.Count(m => m.Subject.Contains(number) && m.To.Mailboxes.Any(b => b.Address == to));
                Assert.True(count == 1, $"{number} to {to}: {count} reminders");
            }
        }

        var received = app.Smtp.Received;
        Assert.Equal(received.Count, received.Select(m => m.MessageId).Distinct().Count());
        var escalations = await app.WithDbAsync(db => db.CaseEvents.CountAsync(e => e.Kind == "escalated"));
        Assert.Equal(Cases, escalations);
        Assert.Equal(0, await app.WithDbAsync(db => db.Outbox.CountAsync(m => m.Status != OutboxStatus.Sent)));
    }

    private static async Task RelayAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OutboxRelay>().RelayDueAsync();
    }
}
