using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Enterprises;
using Liaison.Server.EnterpriseView;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;
using static Liaison.Server.Tests.Enterprises.RatingTestKit;

namespace Liaison.Server.Tests.Hardening;

/// <summary>
/// The personal links' posts (<c>/l/{token}</c>, <c>/e/{token}</c>) take no antiforgery token; a post another site's
/// page sent is refused (<c>CrossSitePosts</c>), and one from the page itself, or from a client that says nothing of
/// where it posts from, still acts.
/// </summary>
public sealed class CrossSiteLinkPostTests : IAsyncLifetime
{
    private const string Refused = "此操作由其他网站的页面发出，已被拒绝，没有任何改动。";
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CrossSiteLinkPostTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Posts the page's form for <paramref name="action"/> with the given headers, as a browser's form (it asks for HTML) unless told.</summary>
    private async Task<HttpResponseMessage> PostAsync(string path, string action, (string Name, string Value)[] headers, string accept = "text/html,application/xhtml+xml,*/*;q=0.8",
        Dictionary<string, string>? fields = null)
    {
        var browser = _app.Anonymous();
        var form = FormFor(await browser.GetStringAsync(path), action) ?? throw new InvalidOperationException($"No '{action}' form at {path}");
        foreach (var (k, v) in fields ?? [])
        {
            form[k] = v;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await browser.SendAsync(request);
    }

    private async Task<string> StatusAsync(string number) => (await GetCaseAsync(_officer, number)).GetProperty("status").GetString()!;

    [Fact]
    public async Task A_liaison_links_post_from_another_sites_page_is_refused_and_changes_nothing()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));
        var timeline = (await GetCaseAsync(_officer, number)).GetProperty("timeline").GetArrayLength();

        foreach (var headers in new (string, string)[][]
        {
            [("Origin", "https://evil.example")],
            // The public address's name inside another site's, and the public host on another scheme or port.
            [("Origin", "https://liaison.test.example.evil.example")],
            [("Origin", "http://liaison.test.example")],
            [("Origin", "https://liaison.test.example:8443")],
            [("Origin", "not an origin")],
            // Without an Origin, or with the opaque one, the browser's own word for where the post comes from.
            [("Sec-Fetch-Site", "cross-site")],
            [("Origin", "null"), ("Sec-Fetch-Site", "cross-site")],
            // A sibling subdomain's page hiding its origin (no-referrer) is another site too.
            [("Origin", "null"), ("Sec-Fetch-Site", "same-site")],
            // A same-site Sec-Fetch-Site does not outweigh an Origin naming another site.
            [("Origin", "https://evil.example"), ("Sec-Fetch-Site", "same-origin")],
        })
        {
            var response = await PostAsync(link, "accept", headers);

            var page = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{string.Join(", ", headers)}: {response.StatusCode}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(Refused, page);
        }

        // A script or an API client gets problem details, in both languages.
        var api = await PostAsync(link, "accept", [("Origin", "https://evil.example")], accept: "application/json");
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        var detail = (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains(Refused, detail);
        Assert.Contains("another website", detail);

        Assert.Equal("dispatched", await StatusAsync(number));
        Assert.Equal(timeline, (await GetCaseAsync(_officer, number)).GetProperty("timeline").GetArrayLength());
    }

    [Fact]
    public async Task A_liaison_links_post_from_its_own_page_or_a_plain_client_acts()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, number)).Single()));

        // The request's own origin (the in-process server's http://localhost).
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(link, "accept", [("Origin", "http://localhost"), ("Sec-Fetch-Site", "same-origin")])).StatusCode);
        Assert.Equal("accepted", await StatusAsync(number));
        // The configured public address (behind a proxy the request's own may differ), in capitals and with its default port.
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(link, "progress", [("Origin", "HTTPS://Liaison.Test.Example:443")], fields: new() { ["note"] = "一" })).StatusCode);
        Assert.Equal("in-progress", await StatusAsync(number));
        // What a browser sends from the page itself, whose no-referrer policy hides its origin.
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(link, "progress", [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")], fields: new() { ["note"] = "二" })).StatusCode);
        // curl, an old client: nothing said of where the post comes from.
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(link, "progress", [], fields: new() { ["note"] = "三" })).StatusCode);
        var progress = (await GetCaseAsync(_officer, number)).GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "progress");
        Assert.Equal(3, progress);
    }

    [Fact]
    public async Task An_enterprise_links_rating_from_another_sites_page_is_refused_and_its_own_page_rates()
    {
        var number = await OpenForAsync(_officer, await RegisterAsync(_officer, 45));
        await ConfirmAsync(_app, _officer, number);
        var path = (await EnterpriseLinksAsync(_app, number))[^1].Path;

        foreach (var headers in new (string, string)[][] { [("Origin", "https://evil.example")], [("Sec-Fetch-Site", "cross-site")] })
        {
            var response = await PostAsync(path, "rate", headers, fields: new() { ["score"] = "unsatisfied", ["comment"] = "伪造的评价" });

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains(Refused, await response.Content.ReadAsStringAsync());
        }

        Assert.Null(await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(x => x.Id == r.CaseId && x.Number == number)).Select(r => r.RatedAt).SingleAsync()));
        var rated = await PostAsync(path, "rate", [("Origin", "https://liaison.test.example"), ("Sec-Fetch-Site", "same-origin")], fields: new() { ["score"] = "satisfied" });
        Assert.Equal(HttpStatusCode.Redirect, rated.StatusCode);
        Assert.Equal(RatingScore.Satisfied,
            await _app.WithDbAsync(db => db.Set<CaseRating>().Where(r => db.Cases.Any(x => x.Id == r.CaseId && x.Number == number)).Select(r => r.Score).SingleAsync()));
    }
}
