using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;

namespace Liaison.Server.Tests.Hardening;

/// <summary>
/// Issue 12 §7: for every route of the OpenAPI document and every page, who gets in: anonymous callers, officers and
/// admins. The expectations are written here, apart from the code that enforces them.
/// </summary>
public sealed partial class AuthorizationMatrixTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private enum Who { Anyone, Officer, Admin }

    /// <summary>Admin-only APIs: accounts, the outbox, mail templates, workflows, and changing departments, categories and calendars.</summary>
    private static Who Expected(string method, string path)
    {
        if ((method, path) is ("POST", "/api/auth/login") or ("POST", "/api/auth/refresh") || path.StartsWith("/openapi", StringComparison.Ordinal))
        {
            return Who.Anyone;
        }

        string[] adminOnly = ["/api/users", "/api/admin/", "/api/mail-templates", "/api/workflow-definitions", "/api/workflow-instances", "/api/activity-descriptors"];
        string[] adminWrites = ["/api/departments", "/api/categories", "/api/calendar/years"];
        return adminOnly.Any(p => path.StartsWith(p, StringComparison.Ordinal))
            || (method != "GET" && adminWrites.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
            ? Who.Admin
            : Who.Officer;
    }

    private static readonly Dictionary<string, string> Samples = new(StringComparer.Ordinal)
    {
        ["number"] = "AYKF-2026-000001", ["id"] = "1", ["code"] = "fgj", ["kind"] = "dispatch", ["culture"] = "zh-CN", ["part"] = "subject",
        ["year"] = "2026", ["definitionId"] = "case-routing", ["bookmarkId"] = "x", ["eventName"] = "x", ["partId"] = "1",
        ["visitId"] = "1", ["problemId"] = "1", ["documentName"] = "v1",
    };

    private static string Fill(string template) => Placeholder().Replace(template, m =>
        m.Groups[1].Value == "id" && (template.StartsWith("/api/workflow-instances", StringComparison.Ordinal) || template.StartsWith("/api/admin/outbox", StringComparison.Ordinal))
            ? Guid.Empty.ToString()
            : Samples.TryGetValue(m.Groups[1].Value, out var v) ? v : "x");

    [Fact]
    public async Task Every_api_route_answers_each_role_as_the_matrix_says()
    {
        var anonymous = _app.Anonymous();
        var officer = await _app.AsOfficerAsync();
        var admin = await _app.AsAdminAsync();
        var doc = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var checkedRoutes = 0;
        var wrong = new List<string>();

        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        foreach (var op in path.Value.EnumerateObject())
        {
            var method = op.Name.ToUpperInvariant();
            var url = Fill(path.Name);
            var expected = Expected(method, path.Name);
            // Signing out revokes the caller's tokens (every later call would be a 401): only strangers try it here.
            var callers = (method, path.Name) is ("POST", "/api/auth/logout")
                ? new[] { (Who.Anyone, anonymous) }
                : [(Who.Anyone, anonymous), (Who.Officer, officer), (Who.Admin, admin)];
            foreach (var (who, client) in callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                var status = (await client.SendAsync(request)).StatusCode;
                var allowed = expected <= who;
                var ok = allowed
                    ? status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    : status == (who == Who.Anyone ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden);
                if (!ok)
                {
                    wrong.Add($"{method} {url} as {who}: {(int)status} (expected {(allowed ? "in" : "refused")}, route for {expected})");
                }
            }

            checkedRoutes++;
        }

        Assert.True(checkedRoutes > 60, $"only {checkedRoutes} routes in the document");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Pages_send_strangers_to_sign_in_and_officers_away_from_the_admin_pages()
    {
        await _app.AsOfficerAsync("pages-officer@test.example");
        var officer = await _app.SignInThroughFormAsync("pages-officer@test.example", "officer-password-1");
        var admin = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var anonymous = _app.Anonymous();
        string[] officerPages = ["/workbench", "/cases", "/cases/new", "/enterprises", "/enterprises/new", "/ratings"];
        string[] adminPages = ["/admin", "/admin/departments", "/admin/users", "/admin/categories", "/admin/calendar", "/admin/templates", "/admin/audit", "/designer", "/hangfire"];
        var wrong = new List<string>();

        foreach (var page in officerPages.Concat(adminPages))
        {
            var stranger = await anonymous.GetAsync(page);
            if (stranger.StatusCode != HttpStatusCode.Redirect || !stranger.Headers.Location!.OriginalString.Contains("/account/login", StringComparison.Ordinal))
            {
                // Hangfire's dashboard answers strangers 401 itself, without a page to sign in from.
                if (!(page == "/hangfire" && stranger.StatusCode == HttpStatusCode.Unauthorized))
                {
                    wrong.Add($"{page} as a stranger: {(int)stranger.StatusCode} {stranger.Headers.Location}");
                }
            }

            var officerAnswer = await officer.GetAsync(page);
            var asOfficer = officerAnswer.StatusCode;
            var officerAllowed = officerPages.Contains(page);
            if (officerAllowed ? asOfficer != HttpStatusCode.OK : asOfficer is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized))
            {
                wrong.Add($"{page} as an officer: {(int)asOfficer}");
            }
            else if (!officerAllowed && !(await officerAnswer.Content.ReadAsStringAsync()).Contains("此页面仅限管理员使用"))
            {
                // A page saying so, as every admin page does, not a JSON problem.
                wrong.Add($"{page} as an officer: {(int)asOfficer} without the admin pages' 403 page ({officerAnswer.Content.Headers.ContentType})");
            }

            var asAdmin = await admin.GetAsync(page);
            if (asAdmin.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)asAdmin.StatusCode >= 500)
            {
                wrong.Add($"{page} as an admin: {(int)asAdmin.StatusCode}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Outside_development_there_is_no_dev_mailbox_and_the_api_description_is_for_signed_in_people()
    {
        await using var production = await LiaisonApp.StartAsync(nameof(Outside_development_there_is_no_dev_mailbox_and_the_api_description_is_for_signed_in_people),
            environment: "Production");

        Assert.Equal(HttpStatusCode.NotFound, (await production.Anonymous().GetAsync("/dev/mailbox")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await production.Anonymous().GetAsync($"/dev/mailbox/{Guid.NewGuid()}")).StatusCode);
        // A security review: the whole admin API's map was public in Production.
        Assert.Equal(HttpStatusCode.Unauthorized, (await production.Anonymous().GetAsync("/openapi/v1.json")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await production.Anonymous().GetAsync("/api-docs")).StatusCode);
    }

    [GeneratedRegex(@"\{([A-Za-z]+)(:[^}]*)?\??\}")]
    private static partial Regex Placeholder();
}
