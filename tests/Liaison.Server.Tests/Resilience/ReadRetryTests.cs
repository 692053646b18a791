using System.Net;
using System.Net.Http.Json;
using Liaison.Server.Tests.Cases;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Tests.Resilience;

/// <summary>
/// A blip: PostgreSQL drops the server's pooled connections (a backend killed, a failover, an idle timeout on a proxy).
/// A read is retried on a fresh connection and the caller never sees it; a write is not retried (its commit could have
/// happened) and answers 503 with Retry-After, as before, so the client retries it with its requestId.
/// Alone in its collection: another test class's app, when it stops, closes every idle pooled connection of the process
/// (LiaisonApp.DisposeAsync), which would leave nothing for this test to drop.
/// </summary>
[Collection(nameof(ReadRetryTests))]
public sealed class ReadRetryTests(ReadRetryTests.Fixture fixture) : IClassFixture<ReadRetryTests.Fixture>
{
    public sealed class Fixture : AppFixture
    {
        protected override bool WithSmtp => false;
    }

    [CollectionDefinition(nameof(ReadRetryTests), DisableParallelization = true)]
    public sealed class Alone;

    [Fact]
    public async Task A_read_on_connections_the_database_dropped_is_retried_and_answers_200()
    {
        var app = fixture.App;
        var officer = await app.AsOfficerAsync();
        var number = (await CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/cases")).StatusCode);

        var dropped = await DropConnectionsAsync(app.ConnectionString);
        var list = await officer.GetAsync("/api/cases");
        await DropConnectionsAsync(app.ConnectionString);
        var page = await officer.GetAsync($"/api/cases/{number}");

        Assert.True(dropped > 0, "no pooled connection to drop");
        Assert.True(list.StatusCode == HttpStatusCode.OK, $"{(int)list.StatusCode}: {await list.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(app.Logs.Entries, e => e.Category.Contains("EntityFrameworkCore") && e.Text.Contains("retry", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_write_on_a_dropped_connection_is_not_retried_and_answers_503_and_its_retry_opens_one_case()
    {
        var app = fixture.App;
        var officer = await app.AsOfficerAsync();
        await CaseTestKit.OpenAsync(officer);
        var before = await app.WithDbAsync(db => db.Cases.CountAsync());
        var body = new
        {
            title = "连接中断时立案", description = "写入不重试。", category = "factor-guarantee", priority = "normal", departmentCode = "fgj",
            requestId = Guid.NewGuid(), enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = "91350100M000100Y43", contact = "王经理" },
        };

        var dropped = await DropConnectionsAsync(app.ConnectionString);
        var first = await officer.PostAsJsonAsync("/api/cases", body);
        var again = await officer.PostAsJsonAsync("/api/cases", body);

        // The bearer check reads the session first: with the read retried, the open itself is what meets the dropped
        // connection, and a write is not retried.
        Assert.True(dropped > 0, "no pooled connection to drop");
        Assert.True(first.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)first.StatusCode}: {await first.Content.ReadAsStringAsync()}");
        Assert.NotNull(first.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(before + 1, await app.WithDbAsync(db => db.Cases.CountAsync()));
    }

    /// <summary>Terminates every other backend of the app's database and waits until they are gone; returns how many.</summary>
    private static async Task<int> DropConnectionsAsync(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var conn = new NpgsqlConnection(b.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", conn);
        return (int)(long)(await cmd.ExecuteScalarAsync())!;
    }
}
