using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;

namespace Liaison.Bench.Load;

/// <summary>
/// The mixed profile of the load driver: what a working day looks like. Each client draws its next step: 30 % officers
/// open a case, 30 % a liaison accepts a dispatched case through the personal link in its mail (GET the link page, POST
/// the form), 30 % officers list cases (the API's first page), 10 % officers reassign an open case. Each step is timed
/// apart; the check counts each accepted case's acceptances (exactly one) and each reassignment's effect.
/// </summary>
public static partial class MixedProfile
{

    public sealed record Result(Dictionary<string, List<double>> Millis, int Failures, TimeSpan Elapsed, List<string> Accepted, List<string> Reassigned)
    {
        public string Rows()
        {
            var lines = new List<string>();
            foreach (var (step, ms) in Millis.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var sorted = ms.Order().ToArray();
                double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {step} | {sorted.Length} | {sorted.Length / Elapsed.TotalSeconds:F1}/s | {P(0.50):F1} ms | {P(0.99):F1} ms |"));
            }

            return string.Join('\n', lines);
        }
    }

    public static async Task<Result> RunAsync(Uri server, string cs, string officerToken, int clients, TimeSpan duration)
    {
        var millis = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var opened = new ConcurrentQueue<string>();
        var accepted = new ConcurrentBag<string>();
        var reassigned = new ConcurrentBag<string>();
        var failures = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            // Each client is one browser (a cookie jar for the link pages) and one API client.
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            {
                BaseAddress = server,
                Timeout = TimeSpan.FromSeconds(60),
            };
            browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", officerToken);
            var random = new Random(c);
            var i = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                var draw = random.Next(100);
                var step = draw < 30 || opened.IsEmpty ? "open" : draw < 60 ? "accept" : draw < 90 ? "list" : "reassign";
                var t0 = Stopwatch.GetTimestamp();
                bool ok;
                switch (step)
                {
                    case "open":
                        var number = await OpenAsync(browser, c, i);
                        ok = number is not null;
                        if (number is not null) opened.Enqueue(number);
                        break;
                    case "accept":
                        ok = !opened.TryDequeue(out var toAccept) || await AcceptAsync(browser, cs, toAccept, accepted);
                        break;
                    case "list":
                        ok = (await browser.GetAsync("/api/cases?page=1")).StatusCode == HttpStatusCode.OK;
                        break;
                    default:
                        ok = !opened.TryDequeue(out var toMove) || await ReassignAsync(browser, toMove, c + i, reassigned);
                        break;
                }

                var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (ok) millis.GetOrAdd(step, _ => []).Add(ms);
                else Interlocked.Increment(ref failures);
                i++;
            }
        })));
        total.Stop();
        return new Result(millis.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()), failures, total.Elapsed, [.. accepted], [.. reassigned]);
    }

    private static async Task<string?> OpenAsync(HttpClient http, int client, int i)
    {
        var response = await http.PostAsJsonAsync("/api/cases", LoadDriver.NewCase($"混合压测 {client}-{i}", client + i));
        return response.StatusCode == HttpStatusCode.Created
            ? (await response.Content.ReadFromJsonAsync<JsonObject>())!["number"]!.GetValue<string>()
            : null;
    }

    /// <summary>The liaison's way: the personal link from the dispatch mail, its page, then its form.</summary>
    private static async Task<bool> AcceptAsync(HttpClient browser, string cs, string number, ConcurrentBag<string> accepted)
    {
        var token = await LinkTokenAsync(cs, number);
        if (token is null || !await ActThroughLinkAsync(browser, token, new() { ["action"] = "accept" })) return false;
        accepted.Add(number);
        return true;
    }

    /// <summary>
    /// Opens the link page, then posts its form with <paramref name="fields"/> (action, note, …) as the liaison's phone
    /// would; true when the server took the action (redirected back to the page).
    /// </summary>
    internal static async Task<bool> ActThroughLinkAsync(HttpClient browser, string token, Dictionary<string, string> fields)
    {
        var page = await browser.GetStringAsync($"/l/{token}");
        // Link pages carry no antiforgery token since their posts became cross-site-checked (CrossSitePosts); a page that
        // still has one gets it back.
        if (AntiforgeryToken().Match(page) is { Success: true } antiforgery)
        {
            fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value);
        }

        fields["requestId"] = Guid.NewGuid().ToString();
        using var form = new FormUrlEncodedContent(fields);
        var response = await browser.PostAsync($"/l/{token}", form);
        return response.StatusCode == HttpStatusCode.Redirect;
    }

    private static async Task<bool> ReassignAsync(HttpClient http, string number, int n, ConcurrentBag<string> reassigned)
    {
        var response = await http.PostAsJsonAsync($"/api/cases/{number}/reassign",
            new { departmentCode = LoadDriver.Departments[n % LoadDriver.Departments.Length] == "zjj" ? "fgj" : "zjj", note = "压测改派" });
        if (response.StatusCode is HttpStatusCode.OK) reassigned.Add(number);
        // A case just opened to zjj cannot be reassigned to zjj again: a clear 4xx is a correct answer too.
        return response.StatusCode is HttpStatusCode.OK || (int)response.StatusCode is >= 400 and < 500;
    }

    /// <summary>The dispatch mail's personal link (the driver reads the outbox as a mailbox would receive it).</summary>
    internal static async Task<string?> LinkTokenAsync(string cs, string number)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT m.text_body FROM mail_outbox m JOIN cases c ON c.id = m.case_id
            WHERE c.number = $1 AND m.kind = 'dispatch' ORDER BY m.created_at DESC LIMIT 1
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = number });
        return await cmd.ExecuteScalarAsync() is string body && LinkInMail().Match(body) is { Success: true } m ? m.Groups[1].Value : null;
    }

    /// <summary>Each accepted case was accepted exactly once (one timeline entry), and its status says so.</summary>
    public static async Task<string> CheckAsync(string cs, Result result)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n > 1)
            FROM (SELECT c.number, count(e.id) AS n FROM cases c JOIN case_events e ON e.case_id = c.id AND e.kind = 'accept'
                  WHERE c.number = ANY($1) GROUP BY c.number) x
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = result.Accepted.ToArray() });
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (once, twice) = (reader.GetInt64(0), reader.GetInt64(1));
        var ok = once == result.Accepted.Count && twice == 0 && result.Failures == 0;
        return $"{(ok ? "OK" : "MISMATCH")} — {result.Accepted.Count} link accepts answered, {once} cases accepted exactly once, {twice} more than once; " +
               $"{result.Reassigned.Count} reassigned; {result.Failures} steps failed";
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex(@"/l/([A-Za-z0-9_\-]+)")]
    private static partial Regex LinkInMail();
}
