using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Designer;
using Liaison.Server.Tests.Infrastructure;

namespace Liaison.Server.Tests;

/// <summary>
/// /designer is for admins only, its files included (no static-file middleware hands them out); paths that are not files
/// get the app; a server without the built designer says how to build it instead of failing; the app learns the zone to
/// show times in from the server's setting.
/// </summary>
public sealed class DesignerAccessTests : IAsyncLifetime
{
    // A stand-in for the Vite build, so these tests do not depend on npm (the browser tests use the real build).
    private readonly string _built = Directory.CreateTempSubdirectory("liaison-designer-").FullName;
    private readonly string _empty = Directory.CreateTempSubdirectory("liaison-designer-empty-").FullName;
    private LiaisonApp _app = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_built, "assets"));
        await File.WriteAllTextAsync(Path.Combine(_built, "index.html"),
            "<!doctype html><title>designer</title><div id=\"root\"></div><script type=\"module\" src=\"/designer/assets/index-abc.js\"></script>");
        await File.WriteAllTextAsync(Path.Combine(_built, "assets", "index-abc.js"), "console.log('designer')");
        _app = await LiaisonApp.StartAsync(nameof(DesignerAccessTests), withSmtp: false, configure: s =>
        {
            s[DesignerEndpoints.PathSetting] = _built;
            s["Liaison:TimeZone"] = "Europe/Berlin";
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_built, recursive: true);
        Directory.Delete(_empty, recursive: true);
    }

    [Theory]
    [InlineData("/designer")]
    [InlineData("/designer/")]
    [InlineData("/designer/index.html")]
    [InlineData("/designer/assets/index-abc.js")]
    public async Task Anonymous_browsers_are_sent_to_sign_in(string path)
    {
        var response = await _app.Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("http://localhost/account/login?", location);
        Assert.Contains("returnUrl=" + Uri.EscapeDataString(path), location, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/designer")]
    [InlineData("/designer/index.html")]
    [InlineData("/designer/assets/index-abc.js")]
    public async Task Officers_are_refused(string path)
    {
        var officer = await _app.AsOfficerAsync();

        var response = await officer.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("designer", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admins_get_the_app_its_files_and_the_app_for_its_own_routes()
    {
        var admin = await _app.AsAdminAsync();

        foreach (var path in new[] { "/designer", "/designer/", "/designer/index.html", "/designer/definitions/case-routing" })
        {
            var page = await admin.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<div id=\"root\">", await page.Content.ReadAsStringAsync());
            Assert.True(page.Headers.CacheControl is { NoCache: true }, page.Headers.CacheControl?.ToString());
        }

        // The page carries the antiforgery token without the log warning that a header was overridden.
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Text.Contains("have been overridden"));

        var script = await admin.GetAsync("/designer/assets/index-abc.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal("console.log('designer')", await script.Content.ReadAsStringAsync());
        Assert.Contains("immutable", script.Headers.CacheControl?.ToString());

        // A missing bundle is a 404, not the app's HTML under a script's name; nothing outside the folder is reachable.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/designer/assets/index-gone.js")).StatusCode);
        var escape = await admin.GetAsync("/designer/..%2F..%2Fappsettings.json");
        Assert.NotEqual(HttpStatusCode.OK, escape.StatusCode);
    }

    [Fact]
    public async Task The_app_is_told_the_configured_time_zone_with_the_account()
    {
        var admin = await _app.AsAdminAsync();

        var me = await admin.GetFromJsonAsync<JsonElement>("/api/auth/me");

        // What the designer reads before it renders (src/designer/src/i18n.ts, settle): Liaison:TimeZone, not Asia/Shanghai.
        Assert.Equal("Europe/Berlin", me.GetProperty("timeZone").GetString());
        Assert.Equal(LiaisonApp.AdminEmail, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Without_a_build_admins_are_told_how_to_build_it()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(DesignerAccessTests) + "Empty", withSmtp: false,
            configure: s => s[DesignerEndpoints.PathSetting] = _empty);
        var admin = await app.AsAdminAsync();

        var response = await admin.GetAsync("/designer");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("流程设计器尚未构建", body);
        Assert.Contains("npm ci &amp;&amp; npm run build", body);
    }
}
