using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests;

public sealed class JobsTests
{
    [Fact]
    public async Task A_job_process_relays_mail_queued_through_the_api_end_to_end()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(JobsTests), runJobServer: true);
        var admin = await app.AsAdminAsync();

        var response = await admin.PostAsJsonAsync("/api/admin/outbox/test", new { to = "ops@anyue.example" });
        // The commit wakes the outbox pump, which sends it. Waits on arrival, not on a timer.
        IReadOnlyList<MimeKit.MimeMessage> arrived;
        try
        {
            arrived = await app.Smtp!.WaitForAsync(1, TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("No mail arrived. Hangfire jobs: " + await app.DescribeJobsAsync());
            throw;
        }

        var received = Assert.Single(arrived);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("ops@anyue.example", received.To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task The_dashboard_is_for_admins_only()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(JobsTests) + "Dash", withSmtp: false);
        var officer = await app.AsOfficerAsync();
        var admin = await app.AsAdminAsync();

        var anonymous = await app.Anonymous().GetAsync("/hangfire");
        var byOfficer = await officer.GetAsync("/hangfire");
        var byAdmin = await admin.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("http://localhost/account/login", anonymous.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, byOfficer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Contains("Liaison jobs", await byAdmin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_outbox_sweep_is_registered_as_a_recurring_job()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(JobsTests) + "Rec", withSmtp: false);

        var ids = await app.WithDbAsync(async db =>
        {
            var conn = db.Database.GetDbConnection();
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT value FROM hangfire.set WHERE key = 'recurring-jobs'";
            var list = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                list.Add(reader.GetString(0));
            }

            return list;
        });

        Assert.Contains("outbox-relay", ids);
    }
}
