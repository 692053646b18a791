using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Liaison.Server.Tests;

public sealed class FoundationTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;

    public async Task InitializeAsync() => _app = await LiaisonApp.StartAsync(nameof(FoundationTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Migrations_create_the_schema_on_an_empty_database()
    {
        var pending = await _app.WithDbAsync(async db => (await db.Database.GetPendingMigrationsAsync()).ToList());
        var applied = await _app.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList());

        Assert.Empty(pending);
        Assert.NotEmpty(applied);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync()));
    }

    [Fact]
    public async Task The_model_has_no_change_without_a_migration()
    {
        // The start-up migrates only when a migration is pending, so EF's own check at MigrateAsync (the model against
        // the last migration's snapshot) no longer runs at every start: this test runs it instead.
        Assert.False(await _app.WithDbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges())),
            "The model has changes no migration holds: add one with `dotnet ef migrations add <Name> --project src/Liaison.Server`.");
    }

    [Fact]
    public async Task The_29_sample_departments_are_seeded_once_even_after_a_restart()
    {
        Assert.Equal(29, await _app.WithDbAsync(db => db.Departments.CountAsync(d => d.IsSample)));

        // A second server on the same database (a restart, or another instance) seeds nothing more.
        await using var again = new SecondInstance(_app.ConnectionString);
        await again.StartAsync();

        Assert.Equal(29, await _app.WithDbAsync(db => db.Departments.CountAsync()));
    }

    [Fact]
    public async Task Health_reports_the_database()
    {
        var response = await _app.Anonymous().GetAsync("/health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_document_lists_the_routes()
    {
        var doc = await _app.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/departments", out _));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/auth/login", out _));
    }

    [Fact]
    public async Task Unknown_api_route_is_a_problem_details_404()
    {
        var response = await _app.Anonymous().GetAsync("/api/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_sign_in_cookie_and_form_token_from_one_instance_work_on_another()
    {
        // Both read the key ring from the database, as several server processes (or one after a restart) do.
        var form = await _app.Anonymous().GetAsync("/account/login");
        var login = await form.Content.ReadAsStringAsync();
        var token = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(login, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        var antiforgeryCookie = CookiesOf(form);
        await using var other = new SecondInstance(_app.ConnectionString, _app.Clock);
        await other.StartAsync();
        var elsewhere = other.Client();

        // The form token and its cookie, issued by the first instance, let the second one sign the admin in.
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["email"] = LiaisonApp.AdminEmail, ["password"] = LiaisonApp.AdminPassword,
            }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie);
        var signedIn = await elsewhere.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        // Its sign-in cookie opens the first instance's pages.
        var cases = new HttpRequestMessage(HttpMethod.Get, "/cases");
        cases.Headers.Add("Cookie", CookiesOf(signedIn));
        Assert.Equal(HttpStatusCode.OK, (await _app.Anonymous().SendAsync(cases)).StatusCode);
        Assert.Equal(1, await _app.WithDbAsync(db => db.DataProtectionKeys.CountAsync()));
    }

    private static string CookiesOf(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.Select(c => c.Split(';')[0]) : []);

    /// <summary>Another server process on the same database, started the normal way.</summary>
    private sealed class SecondInstance(string connectionString, TimeProvider? clock = null) : IAsyncDisposable
    {
        private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? _factory;

        public Task StartAsync()
        {
            _factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("ConnectionStrings:Liaison", connectionString);
                b.UseSetting("Liaison:Jobs:RunServer", "false");
                b.UseSetting("Logging:LogLevel:Default", "Warning");
                if (clock is not null)
                {
                    b.ConfigureServices(s => s.AddSingleton(clock));
                }
            });
            _ = _factory.Server;
            return Task.CompletedTask;
        }

        public HttpClient Client() => _factory!.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        public async ValueTask DisposeAsync()
        {
            if (_factory is not null)
            {
                await _factory.DisposeAsync();
            }
        }
    }
}
