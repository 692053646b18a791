using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Liaison.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Hardening;

/// <summary>
/// Never a 500 for a caller's mistake: every JSON route of the OpenAPI document gets wrong types, nulls, 1 MB strings,
/// characters PostgreSQL cannot store, malformed JSON, wrong content types, paging and date extremes, unknown enum
/// values and deep nesting, as an admin (and anonymously where the route is anonymous). Each answer must be below 500,
/// each 4xx problem details, and a refused request must leave the database as it was. The sample is drawn with a fixed
/// seed; <c>LIAISON_FUZZ_SEED</c> draws another.
/// </summary>
public sealed class ApiFuzzTests(ApiFuzzTests.KestrelFixture fixture, ITestOutputHelper output) : IClassFixture<ApiFuzzTests.KestrelFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task No_route_answers_a_caller_mistake_with_a_500_and_a_refused_request_changes_nothing()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LIAISON_FUZZ_SEED"), out var s) ? s : 20261201;
        var admin = await _app.AsAdminAsync();
        var anonymous = _app.Anonymous();
        var known = await KnownValuesAsync(admin);
        var doc = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var database = await DatabaseFingerprint.CreateAsync(_app);
        var definition = JsonNode.Parse(await admin.GetStringAsync($"/api/workflow-definitions/{known["definitionId"]}"))!;
        var bodies = new Dictionary<string, JsonNode>
        {
            ["PUT /api/workflow-definitions/{definitionId}"] = definition,
            ["POST /api/workflow-definitions/validate"] = definition,
            ["POST /api/workflow-definitions/test-run"] = new JsonObject { ["definition"] = definition.DeepClone() },
        };
        var plan = ApiFuzz.Plan(doc, known, bodies, new Random(seed));

        var findings = new List<string>();
        var tried = 0;
        var byStatus = new SortedDictionary<int, int>();
        var before = await database.TakeAsync();
        foreach (var request in plan)
        {
            var client = request.Anonymous ? anonymous : admin;
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request.ToMessage());
            }
            catch (Exception e)
            {
                findings.Add($"{request}: the server threw instead of answering: {e.GetType().Name}: {e.Message}");
                continue;
            }

            tried++;
            var status = (int)response.StatusCode;
            byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                findings.Add($"{request}: {status} {Excerpt(body)}");
            }
            else if (status >= 400 && !RefusedByKestrel(request, response) && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                findings.Add($"{request}: {status} without problem details ({response.Content.Headers.ContentType}) {Excerpt(body)}");
            }
            else if (status >= 400 && !RefusedByKestrel(request, response) && !BilingualDetail(body))
            {
                findings.Add($"{request}: {status} without a detail in both languages {Excerpt(body)}");
            }

            if (request.Method != HttpMethod.Get)
            {
                var after = await database.TakeAsync();
                if (status >= 400 && after != before)
                {
                    findings.Add($"{request}: {status} but the database changed: {DatabaseFingerprint.Difference(before, after)}");
                }

                before = after;
            }
        }

        output.WriteLine($"seed {seed}: {tried} requests over {plan.Select(r => r.Operation).Distinct().Count()} operations; statuses {string.Join(", ", byStatus.Select(p => $"{p.Key}×{p.Value}"))}; {findings.Count} findings");
        foreach (var group in findings.GroupBy(f => f[..f.IndexOf(' ', f.IndexOf(' ') + 1)]))
        {
            output.WriteLine($"{group.Key}: {group.Count()}");
        }

        foreach (var error in _app.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).GroupBy(e => Excerpt(e.Text.Split('\n')[0])))
        {
            output.WriteLine($"logged {error.Count()}×: {error.Key}");
        }

        Assert.True(findings.Count == 0, $"seed {seed}, {tried} requests, {findings.Count} findings:\n" + string.Join("\n", findings.Take(60)));
        Assert.True(tried > 1000, $"only {tried} requests were tried");
    }

    /// <summary>A problem whose detail says what is wrong in Chinese, then in English ("中文 / English").</summary>
    private static bool BilingualDetail(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["detail"]?.GetValue<string>() is { } detail
                && System.Text.RegularExpressions.Regex.IsMatch(detail, @"\p{IsCJKUnifiedIdeographs}.* / \S");
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>The server on real Kestrel: what it does with a bad path or header is what production does, not the in-memory TestServer.</summary>
    public sealed class KestrelFixture : IAsyncLifetime
    {
        public LiaisonApp App { get; private set; } = null!;

        public async Task InitializeAsync() => App = await LiaisonApp.StartKestrelAsync(nameof(ApiFuzzTests));

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    /// <summary>
    /// Kestrel itself answers a request line it will not parse (a path holding U+0000, a line over 8 KB) with a bare
    /// 400 or 414, before any middleware: no application code runs, so no problem details can be written.
    /// </summary>
    private static bool RefusedByKestrel(FuzzRequest request, HttpResponseMessage response) =>
        response.Content.Headers.ContentLength == 0
        && ((response.StatusCode == HttpStatusCode.BadRequest && request.Url.Split('?')[0].Contains("%00"))
            || response.StatusCode == HttpStatusCode.RequestUriTooLong);

    private static string Excerpt(string body) => body.Length > 300 ? body[..300] + "…" : body;

    /// <summary>Ids that exist, so a route's handler is reached rather than its 404.</summary>
    private async Task<Dictionary<string, string>> KnownValuesAsync(HttpClient admin)
    {
        var number = (await OpenAsync(admin)).GetProperty("number").GetString()!;
        var known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["number"] = number,
            ["code"] = "fgj",
            ["year"] = "2026",
            ["partId"] = "1",
            ["visitId"] = "1",
            ["problemId"] = "1",
            ["eventName"] = "Resolved",
            ["bookmarkId"] = "x",
        };
        var enterprises = await admin.GetFromJsonAsync<JsonElement>("/api/enterprises");
        var items = enterprises.ValueKind == JsonValueKind.Array ? enterprises : enterprises.GetProperty("items");
        known["id:long"] = items[0].GetProperty("id").ToString();
        var definitions = await admin.GetFromJsonAsync<JsonElement>("/api/workflow-definitions");
        var defs = definitions.ValueKind == JsonValueKind.Array ? definitions : definitions.GetProperty("items");
        known["definitionId"] = defs[0].GetProperty("definitionId").GetString()!;
        var workflow = await admin.GetFromJsonAsync<JsonElement>($"/api/cases/{number}/workflow");
        known["id:guid"] = workflow.TryGetProperty("instanceId", out var instance) ? instance.ToString() : Guid.NewGuid().ToString();
        var templates = await admin.GetFromJsonAsync<JsonElement>("/api/mail-templates");
        var template = (templates.ValueKind == JsonValueKind.Array ? templates : templates.GetProperty("items"))[0];
        known["kind"] = template.GetProperty("kind").GetString()!;
        known["culture"] = template.GetProperty("culture").GetString()!;
        known["part"] = template.TryGetProperty("part", out var part) ? part.GetString()! : "subject";
        return known;
    }
}
