using System.Net.Http.Headers;
using System.Net.Http.Json;
using Liaison.Server.Data;
using Liaison.Server.Mail;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>
/// The real server in process, on its own fresh PostgreSQL database and a real SMTP listener, with a fake clock.
/// The Hangfire server is off unless asked for: tests run jobs directly so they are deterministic.
/// </summary>
public sealed class LiaisonApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.example";
    public const string AdminPassword = "admin-password-1";

    private readonly Dictionary<string, string?> _settings;

    private readonly string _environment;

    private LiaisonApp(string connectionString, SmtpListener? smtp, Dictionary<string, string?> settings, string environment)
    {
        _environment = environment;
        ConnectionString = connectionString;
        Smtp = smtp;
        _settings = settings;
    }

    public string ConnectionString { get; }

    public SmtpListener? Smtp { get; }

    /// <summary>Starts on Monday 2026-03-02 09:00 in Shanghai.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero));

    public static async Task<LiaisonApp> StartAsync(
        string name, bool withSmtp = true, bool runJobServer = false, Action<Dictionary<string, string?>>? configure = null,
        string environment = "Testing")
    {
        var pg = await PostgresServer.GetAsync();
        var cs = await pg.CreateDatabaseAsync(name);
        var smtp = withSmtp ? new SmtpListener() : null;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Liaison"] = cs,
            ["Smtp:Host"] = smtp is null ? "" : "127.0.0.1",
            ["Smtp:Port"] = smtp?.Port.ToString() ?? "25",
            ["Smtp:Security"] = "None",
            ["Liaison:PublicBaseUrl"] = "https://liaison.test.example",
            ["Liaison:BootstrapAdmin:Email"] = AdminEmail,
            ["Liaison:BootstrapAdmin:Password"] = AdminPassword,
            ["Liaison:Jobs:RunServer"] = runJobServer ? "true" : "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        configure?.Invoke(settings);
        var app = new LiaisonApp(cs, smtp, settings, environment);
        _ = app.Server; // start now, so migrations and seeding happen before the test body
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public Task<HttpClient> AsAdminAsync() => SignInAsync(AdminEmail, AdminPassword);

    /// <summary>Creates an officer account through the admin API (once per email) and signs in as it.</summary>
    public async Task<HttpClient> AsOfficerAsync(string email = "officer@test.example")
    {
        const string password = "officer-password-1";
        var admin = await AsAdminAsync();
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "测试专员", password, role = "Officer" });
        if (created.StatusCode is not (System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException($"Could not create officer: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        return await SignInAsync(email, password);
    }

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<LiaisonDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<LiaisonDbContext>());
    }

    public async Task<OutboxMessage> QueueMailAsync(OutgoingMail mail)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        var row = scope.ServiceProvider.GetRequiredService<Outbox>().Add(db, mail);
        await db.SaveChangesAsync();
        return row;
    }

    /// <summary>Hangfire's jobs and their state history, for a failing test's message.</summary>
    public Task<string> DescribeJobsAsync() => WithDbAsync(async db =>
    {
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT j.id || ' ' || coalesce(j.statename, '') || ' ' || j.invocationdata || ' ' ||
                   coalesce((SELECT string_agg(s.name || ':' || coalesce(s.reason, '') || coalesce(s.data::text, ''), ' | ' ORDER BY s.id)
                             FROM hangfire.state s WHERE s.jobid = j.id), '')
            FROM hangfire.job j ORDER BY j.id
            """;
        var sb = new System.Text.StringBuilder();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            sb.AppendLine(r.GetString(0));
        }

        var servers = await db.Database.SqlQueryRaw<string>("SELECT id || ' ' || coalesce(data::text,'') || ' ' || lastheartbeat::text AS \"Value\" FROM hangfire.server").ToListAsync();
        var outbox = await db.Outbox.Select(m => m.Status + " " + m.Attempts + " " + m.LastError).ToListAsync();
        return sb + " servers: " + string.Join("; ", servers) + " outbox: " + string.Join("; ", outbox);
    });

    public async Task<RelayReport> RelayMailAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxRelay>().RelayDueAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Smtp is not null)
        {
            await Smtp.DisposeAsync();
        }
    }

    private sealed record TokenResponse(string AccessToken);
}
