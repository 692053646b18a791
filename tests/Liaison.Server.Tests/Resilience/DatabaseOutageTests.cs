using System.Net;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Testing;

namespace Liaison.Server.Tests.Resilience;

/// <summary>
/// PostgreSQL goes away under a running server and comes back: requests answer a retryable 503 with Retry-After
/// (problem details for the API, a page for pages), never a 500; health goes unhealthy and back.
/// On a cluster of its own, since the test stops it.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task While_postgres_is_down_requests_get_503_with_retry_after_and_health_is_unhealthy_and_both_recover()
    {
        await using var pg = await ThrowawayPostgres.StartAsync(durable: false, externalVariable: "LIAISON_OUTAGE_TEST_DB_UNUSED", maxConnections: 60);
        var cs = await pg.CreateDatabaseAsync("outage");
        await using var app = await LiaisonApp.StartAsync(nameof(DatabaseOutageTests), withSmtp: false,
            configure: s => s["ConnectionStrings:Liaison"] = cs);
        var officer = await app.AsOfficerAsync();
        var browser = await app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health")).StatusCode);

        await pg.StopAsync();
        var api = await officer.GetAsync("/api/cases");
        var apiBody = await api.Content.ReadAsStringAsync();
        var page = await browser.GetAsync("/cases");
        var pageBody = await page.Content.ReadAsStringAsync();
        var health = await app.Anonymous().GetAsync("/health");
        var healthBody = await health.Content.ReadAsStringAsync();

        await pg.StartAgainAsync();
        // Connections that died with the server are dropped as they are found: the first requests may still see one.
        var recovered = new List<HttpStatusCode>();
        for (var i = 0; i < 10 && recovered.LastOrDefault() != HttpStatusCode.OK; i++)
        {
            recovered.Add((await officer.GetAsync("/api/cases")).StatusCode);
        }

        var healthAfter = await app.Anonymous().GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), api.Headers.RetryAfter?.Delta);
        Assert.Equal(503, JsonDocument.Parse(apiBody).RootElement.GetProperty("status").GetInt32());
        Assert.Contains("数据库暂时不可用", apiBody);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(page.Headers.RetryAfter);
        Assert.Contains("数据库暂时不可用", pageBody);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("Unhealthy", healthBody);
        Assert.Equal(HttpStatusCode.OK, recovered.Last());
        Assert.All(recovered, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"answered {s}"));
        Assert.Equal(HttpStatusCode.OK, healthAfter.StatusCode);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Text.Contains("Unhandled exception") || e.Text.Contains("An unhandled exception"));
    }
}
