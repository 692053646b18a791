using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Liaison.Server.Http;
using Liaison.Server.Tests.Cases;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests.Resilience;

/// <summary>
/// A request's body is read before sign-in is known (<see cref="RequestAdmission"/>), so it is bounded there: by its
/// address (1 MB, the CSV import 4 MB) and by time (30 s for the whole body). A security review parked 20 MB per
/// connection on disk, unsigned, at an address that does not exist, and kept it there by trickling the last bytes.
/// </summary>
public sealed class RequestBodyLimitTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(RequestBodyLimitTests), withSmtp: false);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_body_over_the_limit_is_413_before_sign_in_and_the_route_are_known()
    {
        var stranger = await _app.Anonymous().PostAsync("/nothing-here", new ByteArrayContent(new byte[2 * 1024 * 1024]));
        var problem = await stranger.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, stranger.StatusCode);
        Assert.Equal("请求体过大：此地址最多接受 1 MB，没有任何改动 / The request body is too large: this address takes at most 1 MB; nothing changed",
            problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_personal_links_form_over_the_limit_gets_a_page_leading_back_to_the_link()
    {
        var token = new string('A', 43);
        var form = new FormUrlEncodedContent([new("action", "progress"), new("note", new string('x', 1_100_000))]);

        var response = await _app.Anonymous().PostAsync($"/l/{token}", form);
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("请求体过大：此地址最多接受 1 MB", page);
        Assert.Contains($"href=\"/l/{token}\"", page);
    }

    [Fact]
    public async Task A_body_sent_without_its_length_is_counted_as_it_comes_and_nothing_changes()
    {
        var officer = await _app.AsOfficerAsync();
        var before = await _app.WithDbAsync(db => db.Cases.CountAsync());
        var open = JsonSerializer.SerializeToNode(CaseTestKit.NewCase(), JsonSerializerOptions.Web)!;
        open["description"] = new string('x', 1024 * 1024);
        var content = new StringContent(open.ToJsonString(), Encoding.UTF8, "application/json");
        content.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases") { Content = new ChunkedContent(content) };

        var response = await officer.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before, await _app.WithDbAsync(db => db.Cases.CountAsync()));
    }

    [Fact]
    public async Task The_csv_import_takes_a_file_larger_than_other_addresses_take()
    {
        var officer = await _app.AsOfficerAsync();
        var csv = new StringBuilder("统一社会信用代码,企业名称,地址,产业链\r\n");
        while (csv.Length < 1536 * 1024 / 3)
        {
            csv.Append("# 备注行，导入时跳过的说明文字\r\n");
        }

        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString()));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var import = await officer.PostAsync("/api/enterprises/import", file);
        var elsewhere = await officer.PostAsync("/api/enterprises", new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())));

        Assert.True(Encoding.UTF8.GetByteCount(csv.ToString()) > RequestBodyLimits.Default.MaxBytes);
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, import.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_mail_templates_three_parts_may_be_larger_than_other_forms()
    {
        // 200,000 Chinese characters are 1.2 MB as JSON escapes (a form's three parts of 100,000 each are 2.7 MB): over
        // 1 MB, the template's own length check answers, not the body limit.
        var admin = await _app.AsAdminAsync();

        var response = await admin.PutAsJsonAsync("/api/mail-templates/dispatch/zh-CN/text", new { source = new string('长', 200_000) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_body_that_stops_coming_is_408_when_its_time_is_up()
    {
        var body = new StalledContent();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = body };

        var sending = _app.Anonymous().SendAsync(request);
        await body.FirstBytesSent.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await LoadSheddingTests.UntilAsync(() => _app.Services.GetRequiredService<RequestAdmission>().BodiesArriving == 1, "the body is being read");
        _app.Clock.Advance(RequestBodyLimits.Default.Timeout + TimeSpan.FromSeconds(1));
        var response = await sending.WaitAsync(TimeSpan.FromMinutes(1));
        body.Release.TrySetResult();
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.StartsWith("请求体在 30 秒内未发送完", problem.GetProperty("detail").GetString());
    }

    /// <summary>The inner content with no length, so it goes chunked and the server counts what arrives.</summary>
    private sealed class ChunkedContent(HttpContent inner) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>Sends a few bytes of a login, then nothing until released.</summary>
    private sealed class StalledContent : HttpContent
    {
        public TaskCompletionSource FirstBytesSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync("{\"email\":"u8.ToArray());
            await stream.FlushAsync();
            FirstBytesSent.TrySetResult();
            await Release.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
