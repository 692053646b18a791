using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Hosting;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Tests.Browser;

/// <summary>The Kestrel-hosted app the browser tests use behaves like the in-memory one, on a real loopback port.</summary>
public sealed class KestrelAppTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    [Fact]
    public async Task Listens_on_loopback_and_serves_the_api_over_the_network()
    {
        Assert.Equal("127.0.0.1", _app.Address.Host);
        Assert.NotEqual(0, _app.Address.Port);

        using var raw = new HttpClient();
        var health = await raw.GetAsync(new Uri(_app.Address, "/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var admin = await _app.AsAdminAsync();
        Assert.Equal(_app.Address, admin.BaseAddress);
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal(LiaisonApp.AdminEmail, me.GetProperty("email").GetString());

        // Anonymous() keeps the in-memory behaviour: redirects are answered, not followed.
        var redirect = await _app.Anonymous().GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
    }

    [Fact]
    public async Task Shares_services_database_clock_and_public_url_with_the_test()
    {
        var options = _app.Services.GetRequiredService<IOptions<LiaisonOptions>>().Value;
        Assert.Equal(_app.Address.GetLeftPart(UriPartial.Authority), options.PublicBaseUrl.TrimEnd('/'));
        Assert.Same(_app.Clock, _app.Services.GetRequiredService<TimeProvider>());
        Assert.True(await _app.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == LiaisonApp.AdminEmail)));
        Assert.NotNull(_app.Smtp);
    }
}
