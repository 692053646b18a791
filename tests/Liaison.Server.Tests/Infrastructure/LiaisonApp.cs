using System.Net.Http.Headers;
using System.Net.Http.Json;
using Liaison.Server.Data;
using Liaison.Server.Mail;
using Liaison.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

    private readonly List<HttpClient> _kestrelClients = [];

    private LiaisonApp(string connectionString, SmtpListener? smtp, Dictionary<string, string?> settings, string environment)
    {
        _environment = environment;
        ConnectionString = connectionString;
        Smtp = smtp;
        _settings = settings;
    }

    /// <summary>
    /// Where the real Kestrel server listens (<c>http://127.0.0.1:PORT/</c>), for a browser or another process.
    /// Only for an app started with <see cref="StartKestrelAsync"/>; the in-memory TestServer has no address.
    /// </summary>
    public Uri Address => _address ?? throw new InvalidOperationException(
        "This app runs on the in-memory TestServer; start it with LiaisonApp.StartKestrelAsync for a real address");

    private Uri? _address;

    public string ConnectionString { get; }

    public SmtpListener? Smtp { get; }

    /// <summary>What the server logged (Warning and above, as configured for tests).</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Starts on Monday 2026-03-02 09:00 in Shanghai.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero));

    /// <param name="emptyDatabase">
    /// Start on an empty database, so this start migrates and seeds it (and makes the data-protection key ring) itself.
    /// Otherwise the database is a copy of one a first app of this process migrated and seeded with the default settings:
    /// the same rows a start on an empty one makes, at the same fake instant, for a few milliseconds instead of a second.
    /// An app with <paramref name="runJobServer"/> always starts on an empty one: on a copy, the recurring jobs' next runs,
    /// computed when the copy's original was made, have passed, and its job server would fire them at once.
    /// </param>
    public static async Task<LiaisonApp> StartAsync(
        string name, bool withSmtp = true, bool runJobServer = false, Action<Dictionary<string, string?>>? configure = null,
        string environment = "Testing", bool emptyDatabase = false)
    {
        var app = await StartAsync(name, withSmtp, runJobServer, configure, environment, kestrelPort: null, emptyDatabase);
        _ = app.Server; // start now, so migrations and seeding happen before the test body
        return app;
    }

    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    /// <summary>Migrates and seeds a database with the default settings, then leaves it for <c>CREATE DATABASE … TEMPLATE</c>.</summary>
    private static async Task<string> CreateTemplateAsync()
    {
        string cs;
        await using (var app = await StartAsync("template", withSmtp: false, runJobServer: false, configure: null, "Testing", kestrelPort: null, emptyDatabase: true))
        {
            _ = app.Server;
            cs = app.ConnectionString;
        }

        return await (await PostgresServer.GetAsync()).DisconnectAllAsync(cs);
    }

    private static async Task<LiaisonApp> StartAsync(
        string name, bool withSmtp, bool runJobServer, Action<Dictionary<string, string?>>? configure, string environment,
        int? kestrelPort, bool emptyDatabase = false)
    {
        var pg = await PostgresServer.GetAsync();
        var cs = await pg.CreateDatabaseAsync(name, maxPoolSize: 40, template: emptyDatabase || runJobServer ? null : await Template.Value);
        var smtp = withSmtp ? new SmtpListener() : null;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Liaison"] = cs,
            ["Smtp:Host"] = smtp is null ? "" : "127.0.0.1",
            ["Smtp:Port"] = smtp?.Port.ToString() ?? "25",
            ["Smtp:Security"] = "None",
            // The SmtpServer listener stalls ~40 ms per pipelined message (bench/RESULTS.md, mail relay).
            ["Smtp:Pipelining"] = "false",
            ["Liaison:PublicBaseUrl"] = "https://liaison.test.example",
            ["Liaison:BootstrapAdmin:Email"] = AdminEmail,
            ["Liaison:BootstrapAdmin:Password"] = AdminPassword,
            ["Liaison:Jobs:RunServer"] = runJobServer ? "true" : "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests move the fake clock by days; a token must outlive that.
            ["Liaison:AccessTokenLifetime"] = "400.00:00:00",
            // Tests sign in hundreds of times from one address; SignInLimitsTests configures low limits to test them.
            ["Liaison:SignIn:ClientAttemptsPerWindow"] = "100000",
            ["Liaison:SignIn:AccountAttemptsPerWindow"] = "100000",
            ["Liaison:SignIn:LinkPostsPerWindow"] = "100000",
        };
        configure?.Invoke(settings);
        var app = new LiaisonApp(cs, smtp, settings, environment);
        if (kestrelPort is { } port)
        {
            app.UseKestrel(port);
        }

        return app;
    }

    /// <summary>
    /// The same server as <see cref="StartAsync"/> (fresh database, SMTP listener, fake clock, same settings), but on a
    /// real Kestrel listening on <c>http://127.0.0.1:PORT</c>, so a browser can reach it: see <see cref="Address"/>.
    /// <c>Liaison:PublicBaseUrl</c> is that address, so links in emails open on this server. <see cref="Anonymous"/>
    /// and the sign-in helpers then talk to it over the loopback network; <see cref="LiaisonApp.Server"/> is not available.
    /// </summary>
    public static async Task<LiaisonApp> StartKestrelAsync(
        string name, bool withSmtp = true, bool runJobServer = false, Action<Dictionary<string, string?>>? configure = null,
        string environment = "Testing")
    {
        // The port is chosen before start so PublicBaseUrl can name it; another process may grab it in between,
        // so a failed bind is retried on a new port (the database is kept: migrations and seeding are idempotent).
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var app = await StartAsync(name, withSmtp, runJobServer, settings =>
            {
                settings["Liaison:PublicBaseUrl"] = $"http://127.0.0.1:{port}";
                configure?.Invoke(settings);
            }, environment, kestrelPort: port);
            try
            {
                app.StartServer();
                app._address = new Uri($"http://127.0.0.1:{port}/");
                return app;
            }
            catch (Exception e) when (attempt < 3 && IsAddressInUse(e))
            {
                await app.DisposeAsync();
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            // A password hash of Identity's 100,000 rounds takes 70 ms of CPU, and the suite signs in thousands of times:
            // tests hash with 1,000 (a hash records its rounds, so one made either way verifies).
            s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1_000);
        });
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public HttpClient Anonymous()
    {
        if (_address is null)
        {
            return CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        }

        // On Kestrel the factory's clients would follow redirects in the socket handler; keep the TestServer behaviour.
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = _address };
        lock (_kestrelClients)
        {
            _kestrelClients.Add(client);
        }

        return client;
    }

    public Task<HttpClient> AsAdminAsync() => SignInAsync(AdminEmail, AdminPassword);

    /// <summary>
    /// Creates an officer account through the admin API (once per email), as if its holder had already changed the
    /// admin's password at the first sign-in and had its new-account notice long ago (<see cref="AccountInUseAsync"/>), and signs in as it.
    /// </summary>
    public async Task<HttpClient> AsOfficerAsync(string email = "officer@test.example")
    {
        const string password = "officer-password-1";
        var admin = await AsAdminAsync();
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "测试专员", password, role = "Officer" });
        if (created.StatusCode is not (System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException($"Could not create officer: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        if (created.StatusCode == System.Net.HttpStatusCode.Created)
        {
            await AccountInUseAsync(email);
        }

        return await SignInAsync(email, password);
    }

    /// <summary>Gives the account of <paramref name="email"/> its own display name (every officer a test creates is 测试专员).</summary>
    public Task NameAsync(string email, string displayName)
    {
        var normalized = email.Trim().ToUpperInvariant();
        return WithDbAsync(db => db.Users.Where(u => u.NormalizedEmail == normalized)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, displayName)));
    }

    /// <summary>
    /// Makes an account an admin just created (or reset) one already in use, as tests of something else want it: its
    /// holder changed the admin's password at the first sign-in (keeping the same one here, so the test knows it) and its
    /// new-account notice went out long ago (its outbox row is marked sent, so it takes no part in the test's mail). The
    /// forced change and the notice themselves are tested in Auth/FirstPasswordTests.
    /// </summary>
    public async Task AccountInUseAsync(string email)
    {
        var normalized = email.Trim().ToUpperInvariant();
        await WithDbAsync(db => db.Users.Where(u => u.NormalizedEmail == normalized)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.MustChangePassword, false)));
        var now = Clock.GetUtcNow();
        await WithDbAsync(db => db.Outbox
            .Where(m => m.Kind == Liaison.Cases.Digests.DigestKind.AccountCreated && m.ToAddress.ToUpper() == normalized && m.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Sent).SetProperty(m => m.SentAt, now)));
    }

    /// <summary>A browser-like client signed in through the sign-in form: it carries the cookie, not a bearer token.</summary>
    public async Task<HttpClient> SignInThroughFormAsync(string email, string password)
    {
        var browser = Anonymous();
        var login = await browser.GetStringAsync("/account/login");
        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Cases.CaseTestKit.TokenIn(login),
            ["email"] = email,
            ["password"] = password,
        }));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return browser;
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

    /// <summary>
    /// Returns once some connection to this app's database waits on a lock (a request blocked by a transaction the test
    /// holds open); fails after a minute.
    /// </summary>
    public async Task WaitUntilABackendWaitsOnALockAsync()
    {
        await using var probe = new Npgsql.NpgsqlConnection(ConnectionString);
        await probe.OpenAsync();
        await using var waiting = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", probe);
        for (var until = DateTime.UtcNow.AddMinutes(1); (long)(await waiting.ExecuteScalarAsync())! == 0; await Task.Delay(20))
        {
            Assert.True(DateTime.UtcNow < until, "the request never waited on a lock");
        }
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
        // The reader is closed before the next queries: Npgsql runs one command at a time per connection.
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                sb.AppendLine(r.GetString(0));
            }
        }

        var servers = await db.Database.SqlQueryRaw<string>("SELECT id || ' ' || coalesce(data::text,'') || ' ' || lastheartbeat::text AS \"Value\" FROM hangfire.server").ToListAsync();
        var outbox = await db.Outbox.Select(m => m.Status + " " + m.Attempts + " " + m.LastError).ToListAsync();
        return sb + " servers: " + string.Join("; ", servers) + " outbox: " + string.Join("; ", outbox);
    });

    /// <summary>Runs the workflow timer sweep once (what the minute job does), at the fake clock's time.</summary>
    public async Task<int> SweepTimersAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Liaison.Server.Workflows.WorkflowTimerJob>().SweepAsync(CancellationToken.None);
    }

    /// <summary>Runs the recomputation of provisional deadlines an admin's calendar save queued (what the job process's pump does), to the end.</summary>
    public async Task<int> RecomputeDeadlinesAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        return await services.GetRequiredService<Liaison.Server.Cases.DeadlineRecalculation>()
            .RunPendingAsync(services.GetRequiredService<LiaisonDbContext>(), CancellationToken.None);
    }

    public async Task<RelayReport> RelayMailAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxRelay>().RelayDueAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        lock (_kestrelClients)
        {
            _kestrelClients.ForEach(c => c.Dispose());
            _kestrelClients.Clear();
        }

        await base.DisposeAsync();
        if (Smtp is not null)
        {
            await Smtp.DisposeAsync();
        }

        // Each app's database has pools of its own (EF, Hangfire, the case-number counter) whose idle connections would
        // outlive the app by minutes: many test classes in one run would fill the shared server's max_connections.
        // Closing idle connections costs the apps still running a reconnect at most.
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static bool IsAddressInUse(Exception e) =>
        e is IOException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } }
        || (e.InnerException is { } inner && IsAddressInUse(inner))
        || (e is AggregateException a && a.InnerExceptions.Any(IsAddressInUse));

    private sealed record TokenResponse(string AccessToken);
}
