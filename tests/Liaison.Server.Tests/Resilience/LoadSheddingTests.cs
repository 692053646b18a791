using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Http;
using Liaison.Server.Tests.Cases;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
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

    [Fact]
    public async Task A_client_that_sends_its_body_slowly_holds_no_turn_until_the_body_has_arrived()
    {
        using var admission = new RequestAdmission(1, 0, TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger<RequestAdmission>.Instance);
        var body = new SlowBody("{\"title\":\"项目用电报装\"}"u8.ToArray());
        var slow = new DefaultHttpContext();
        slow.Request.Method = "POST";
        slow.Request.Body = body;
        slow.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());
        var received = "";
        var sending = admission.InvokeAsync(slow, async http => received = await new StreamReader(http.Request.Body).ReadToEndAsync());

        // The body is being read and has not all arrived: another request is served meanwhile, not shed.
        await body.FirstRead.Task;
        var whileSending = admission.Statistics();
        var other = new DefaultHttpContext();
        var otherServed = false;
        await admission.InvokeAsync(other, _ =>
        {
            otherServed = true;
            return Task.CompletedTask;
        });
        body.Rest.SetResult();
        await sending;

        Assert.Equal(0, whileSending.Serving);
        Assert.True(otherServed);
        Assert.Equal(200, other.Response.StatusCode);
        Assert.Equal("{\"title\":\"项目用电报装\"}", received);
        Assert.Equal(0, admission.Statistics().Shed);
    }

    [Theory]
    [InlineData(0, 10, 5)]
    [InlineData(100_001, 10, 5)]
    [InlineData(10, -1, 5)]
    [InlineData(10, 10, -1)]
    [InlineData(10, 10, 3600)]
    public void Limits_out_of_range_stop_the_server_at_start_with_the_setting_named(int max, int queue, int timeoutSeconds)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new RequestAdmission(
            max, queue, TimeSpan.FromSeconds(timeoutSeconds), TimeProvider.System, NullLogger<RequestAdmission>.Instance));

        Assert.Contains("Liaison:Http", error.Message);
    }

    /// <summary>A request body whose first read returns nothing until the rest is released: a client sending slowly.</summary>
    private sealed class SlowBody(byte[] content) : MemoryStream(content)
    {
        public TaskCompletionSource FirstRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Rest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            FirstRead.TrySetResult();
            await Rest.Task.WaitAsync(ct);
            return await base.ReadAsync(buffer, ct);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    }

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    internal static async Task UntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 1500, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
