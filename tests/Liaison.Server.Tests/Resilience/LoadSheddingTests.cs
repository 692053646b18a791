using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Http;
using Liaison.Server.Tests.Cases;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Liaison.Server.Tests.Resilience;

/// <summary>
/// Load shedding (<see cref="RequestAdmission"/>): a server at capacity lets a bounded queue of requests wait their turn
/// and answers the rest 503 with Retry-After at once, before they touch the database; a request that waits too long
/// gets the same answer. The health check is never shed. Capacity is made scarce on purpose: one request at a time,
/// one waiting, the one being served held by a table lock a test connection takes.
/// </summary>
public sealed class LoadSheddingTests
{
    [Fact]
    public async Task At_capacity_one_request_waits_its_turn_the_next_is_answered_503_at_once_and_nothing_changes()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(LoadSheddingTests), withSmtp: false, configure: s =>
        {
            s["Liaison:Http:MaxConcurrentRequests"] = "1";
            s["Liaison:Http:RequestQueueLimit"] = "1";
            s["Liaison:Http:RequestQueueTimeout"] = "00:00:30";
        });
        var officer = await app.AsOfficerAsync();
        var browser = await app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var admission = app.Services.GetRequiredService<RequestAdmission>();
        var casesBefore = await app.WithDbAsync(db => db.Cases.CountAsync());

        // The one request served blocks on a lock this test holds; the second waits for its turn.
        await using var holder = new NpgsqlConnection(app.ConnectionString);
        await holder.OpenAsync();
        var locking = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE departments IN ACCESS EXCLUSIVE MODE", holder, locking))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var served = officer.GetAsync("/api/departments");
        await UntilAsync(() => admission.Statistics().Serving == 1, "the first request is served");
        var waiting = officer.GetAsync("/api/cases");
        await UntilAsync(() => admission.Statistics().Waiting == 1, "the second request waits");

        // Full: shed at once, the API with problem details, a page with the static busy page; the health check still answers.
        var open = await officer.PostAsJsonAsync("/api/cases", CaseTestKit.NewCase());
        var openBody = await open.Content.ReadAsStringAsync();
        var page = await browser.GetAsync("/cases");
        var pageBody = await page.Content.ReadAsStringAsync();
        var health = await app.Anonymous().GetAsync("/health");

        // The waiting request's patience runs out on the (fake) clock.
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        var timedOut = await waiting;
        await locking.CommitAsync();
        var first = await served;
        var shedCount = admission.Statistics().Shed;
        var casesWhileFull = await app.WithDbAsync(db => db.Cases.CountAsync());

        // Capacity is back: the same open now succeeds.
        var openAgain = await officer.PostAsJsonAsync("/api/cases", CaseTestKit.NewCase());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, open.StatusCode);
        Assert.Equal("application/problem+json", open.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(RequestAdmission.RetryAfterSeconds), open.Headers.RetryAfter?.Delta);
        Assert.Equal(503, JsonDocument.Parse(openBody).RootElement.GetProperty("status").GetInt32());
        Assert.Contains("系统繁忙", openBody);
        Assert.Contains("busy", openBody);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(page.Headers.RetryAfter);
        Assert.Contains("系统繁忙", pageBody);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.StatusCode);
        Assert.Equal(3, shedCount);
        Assert.Equal(casesBefore, casesWhileFull);
        Assert.Equal(HttpStatusCode.Created, openAgain.StatusCode);
        Assert.Equal(casesBefore + 1, await app.WithDbAsync(db => db.Cases.CountAsync()));
        Assert.Contains(app.Logs.Entries, e => e.Text.Contains("At capacity") && e.Text.Contains("Liaison:Http"));
    }

    [Fact]
    public async Task By_default_as_many_requests_are_served_at_once_as_the_pool_has_connections_and_four_times_that_may_wait()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(LoadSheddingTests) + "Defaults", withSmtp: false);
        var admission = app.Services.GetRequiredService<RequestAdmission>();
        var pool = new NpgsqlConnectionStringBuilder(app.ConnectionString).MaxPoolSize;

        Assert.Equal(pool, admission.MaxConcurrent);
        Assert.Equal(4 * pool, admission.QueueLimit);
        Assert.Equal(TimeSpan.FromSeconds(5), admission.QueueTimeout);
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 1500, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
