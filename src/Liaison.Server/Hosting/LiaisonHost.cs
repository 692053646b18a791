using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Liaison.Cases.Routing;
using Liaison.Server.Admin;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Categories;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Liaison.Server.Departments;
using Liaison.Server.Enterprises;
using Liaison.Server.EnterpriseView;
using Liaison.Server.Digests;
using Liaison.Server.Designer;
using Liaison.Server.Http;
using Liaison.Server.Jobs;
using Liaison.Server.Links;
using Liaison.Server.Mail;
using Liaison.Server.Pages;
using Liaison.Server.Templates;
using Liaison.Server.Visits;
using Liaison.Server.Workbench;
using Liaison.Server.Workflows;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Npgsql;
using Scalar.AspNetCore;

namespace Liaison.Server.Hosting;

/// <summary>The composition root: every service and every route of the server, in one readable place.</summary>
public static class LiaisonHost
{
    public static void ConfigureServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        var connectionString = config.GetConnectionString("Liaison")
            ?? throw new InvalidOperationException("ConnectionStrings:Liaison is not configured");

        services.Configure<LiaisonOptions>(config.GetSection(LiaisonOptions.Section));
        services.Configure<SmtpOptions>(config.GetSection(SmtpOptions.Section));
        var liaison = config.GetSection(LiaisonOptions.Section).Get<LiaisonOptions>() ?? new LiaisonOptions();
        var smtp = config.GetSection(SmtpOptions.Section).Get<SmtpOptions>() ?? new SmtpOptions();
        if (liaison.CloseOfBusiness == TimeOnly.MinValue)
        {
            throw new InvalidOperationException("Liaison:CloseOfBusiness must be a time of day after 00:00, e.g. 18:00 or 17:30.");
        }

        // Checked here, not at the first send: a sender the relay cannot parse would stop every mail with no row saying why.
        if (!MimeKit.MailboxAddress.TryParse(smtp.From, out var from) || string.IsNullOrEmpty(from.Address) || !from.Address.Contains('@'))
        {
            throw new InvalidOperationException($"Smtp:From must be a mail address, e.g. \"安岳经开区点对点联络 <liaison@anyue.example>\"; it is \"{smtp.From}\".");
        }

        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<OutboxKickInterceptor>();
        var appConnectionString = ConnectionPools.ForApplication(WithPreparedStatements(connectionString), liaison.Database);
        // Load shedding in front of that pool (Http/RequestAdmission.cs).
        var poolSize = new NpgsqlConnectionStringBuilder(appConnectionString).MaxPoolSize;
        services.AddSingleton(sp => RequestAdmission.From(
            liaison.Http, poolSize, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RequestAdmission>>()));
        var strictQueries = builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing");
        services.AddDbContext<LiaisonDbContext>((sp, o) => o
            .UseNpgsql(appConnectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history")
                .ExecutionStrategy(dependencies => new ReadRetryExecutionStrategy(dependencies)))
            .UseSnakeCaseNamingConvention()
            // Every unordered Take is on purpose: "count up to N" (CaseQueries, the enterprise page) and a search's
            // matching ids, read in no order and paged after. EF warned on each at every start.
            .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.RowLimitingOperationWithoutOrderByWarning)
                // A First with neither an order nor a filter may answer differently from one run to the next: an error in
                // development and the tests, so the test that runs it names the query (elsewhere EF's warning is logged).
                .Throw(strictQueries ? [Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.FirstWithoutOrderByAndFilterWarning] : [])
                // A failed save or statement is the caller's to judge: a unique key that answers a repeat (a double
                // submit, a request id sent again, a code taken) is handled and is no error. What nobody handles is
                // logged where it ends: ASP.NET's unhandled-request line, the workflow host, the timer sweep, the pumps
                // and Hangfire's failed jobs, each with the database's exception.
                .Log((Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, LogLevel.Debug),
                    (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, LogLevel.Debug)))
            .AddInterceptors(sp.GetRequiredService<OutboxKickInterceptor>()),
            // Built once: options built per request cost each request a few per cent of its CPU (bench/RESULTS.md (e)).
            optionsLifetime: ServiceLifetime.Singleton);

        services.AddIdentityCore<LiaisonUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                // No lockout on wrong passwords (anyone could lock anyone out): SignInService throttles instead.
                o.Lockout.AllowedForNewUsers = false;
            })
            .AddRoles<IdentityRole>()
            .AddClaimsPrincipalFactory<LiaisonClaimsFactory>()
            .AddEntityFrameworkStores<LiaisonDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();

        // API clients send a bearer token; browser pages carry the Identity cookie. One policy scheme picks.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = "Liaison";
                o.DefaultChallengeScheme = "Liaison";
            })
            .AddPolicyScheme("Liaison", "Bearer or cookie", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? IdentityConstants.BearerScheme
                    : IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, o => o.BearerTokenExpiration = liaison.AccessTokenLifetime)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.Cookie.Name = "liaison.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // The API answers 401/403; only pages redirect to the sign-in form.
            o.Events.OnRedirectToLogin = ctx => ApiAware(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status401Unauthorized);
            // A signed-in officer opening an admins' page (the job dashboard, the designer) gets the admin pages' 403 page.
            o.Events.OnRedirectToAccessDenied = ctx => HttpMethods.IsGet(ctx.Request.Method) && !PageErrors.IsMachines(ctx.HttpContext)
                ? AdminPages.Forbidden().ExecuteAsync(ctx.HttpContext)
                : ApiAware(ctx.HttpContext, null, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Officer, p => p.RequireRole(Roles.Officer, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
        // One key ring in the database: a cookie or form from one instance (or from before a restart) is read by all.
        var keyRing = services.AddDataProtection().SetApplicationName("Liaison").PersistKeysToDbContext<LiaisonDbContext>();
        if (liaison.DataProtection.CertificatePath is { Length: > 0 } certificatePath)
        {
            // Keys written from now on are encrypted; those written before stay readable until they expire (90 days).
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(certificatePath,
                liaison.DataProtection.CertificatePassword is { Length: > 0 } password ? password : null);
            keyRing.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
        services.AddAntiforgery();
        services.AddLiaisonSessions(config); // sign-in throttling, rate limits, session revocation, antiforgery (Auth/SessionSecurity.cs)
        services.AddScoped<UserService>();
        services.AddScoped<HandoverNotice>();
        services.AddScoped<AccountWelcome>();
        services.AddScoped<DepartmentService>();
        services.AddScoped<LiaisonChange>();
        services.AddScoped<ReplacedLiaisonNotice>();
        services.AddScoped<EnterpriseService>();
        services.AddVisits();

        // Pages are Razor components rendered once on the server (RazorComponentResult); no interactive runtime.
        services.AddRazorComponents();
        // Chinese stays readable in the page source: only markup-significant characters are escaped.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddHttpContextAccessor();
        services.AddScoped<Ui>();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            if (c.ProblemDetails.Status is { } status && c.ProblemDetails.Detail is null)
            {
                c.ProblemDetails.Detail = Problems.DetailOf(status, c.HttpContext);
            }
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
            o.SerializerOptions.Converters.Add(new LocalTimeJsonConverter(Liaison.Cases.Calendar.WorkingCalendar.ResolveTimeZone(liaison.TimeZone)));
        });
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddSingleton<Outbox>();
        services.AddScoped<OutboxRelay>();
        services.AddScoped<OutboxRelayJob>();
        if (smtp.UsesDevMailbox && builder.Environment.IsDevelopment())
        {
            services.AddSingleton<IMailTransport, DevMailboxTransport>();
        }
        else if (smtp.UsesDevMailbox)
        {
            // Not Development and no SMTP host: mail waits in the outbox rather than being marked sent and lost.
            services.AddSingleton<IMailTransport, HeldMailTransport>();
        }
        else
        {
            services.AddSingleton<IMailTransport, SmtpMailTransport>();
        }

        services.AddLiaisonJobs(ConnectionPools.ForHangfire(appConnectionString, liaison.Database, liaison.Jobs), liaison.Jobs);
        services.AddWorkflowRuntime(registry => registry.AddCaseActivities());
        services.AddCases();
        services.AddEnterpriseView();
        services.AddMailTemplates();
        services.AddDigests(config);

        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }

        // Link tokens never reach a log line, whatever the providers and levels (LogRedaction).
        services.AddLogRedaction();
    }

    /// <summary>
    /// The application's statements are the same few hundred texts over and over: Npgsql prepares each one on a
    /// connection after its second use, so PostgreSQL parses and plans it once per connection instead of per call
    /// (bench/RESULTS.md, section e). An explicit <c>Max Auto Prepare</c> in the connection string wins; 0 turns it off.
    /// </summary>
    public static string WithPreparedStatements(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            b.MaxAutoPrepare = 100;
            b.AutoPrepareMinUsages = 2;
        }

        return b.ConnectionString;
    }

    public static void MapRoutes(WebApplication app)
    {
        app.UseForwardedHeadersFromTrustedProxies();
        app.UseReadOnlyRequests();
        app.UseSecurityHeaders(SecurityHeaders.PublicHttps(app.Services.GetRequiredService<IOptions<LiaisonOptions>>().Value.PublicBaseUrl));
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (PageErrors.IsPage(http) && http.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed
                    or StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType)
            {
                await PageErrors.WriteAsync(http, http.Response.StatusCode,
                    http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType ? Problems.UnsupportedContentType(http) : null);
                return;
            }

            // The API's answer: problem details with the status's detail (AddProblemDetails above); a client that accepts
            // no JSON (a CSV download's) gets the detail as plain text, as the framework's own handler falls back.
            var problem = new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = http.Response.StatusCode } };
            if (!await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(problem))
            {
                await http.Response.WriteAsync(Problems.DetailOf(http.Response.StatusCode, http) ?? $"Status Code: {http.Response.StatusCode}");
            }
        });
        // The pages' stylesheet and scripts; the designer's files are served by its own endpoint, for admins only.
        var site = Path.Combine(app.Environment.WebRootPath ?? Path.Combine(app.Environment.ContentRootPath, "wwwroot"), "site");
        if (!Directory.Exists(site))
        {
            throw new InvalidOperationException(
                $"The pages' files are not at {site}. Run the server from a `dotnet publish` folder (README, configuration), "
                + "or with `./liaison run`; a `dotnet build` output has no wwwroot outside Development.");
        }

        app.UseStaticFiles(new StaticFileOptions { RequestPath = "/site", FileProvider = new PhysicalFileProvider(site) });
        // Everything past the static files may need the database: admitted up to its capacity, shed beyond.
        var admission = app.Services.GetRequiredService<RequestAdmission>();
        app.Use((http, next) => admission.InvokeAsync(http, next));
        app.UseRequestCharset();
        // A personal link's post from another site's page: refused before its body is read or anything counted.
        app.UseCrossSitePostRefusal();
        app.UseAuthentication();
        app.UseLiaisonSessions();
        app.UseRequiredPasswordChange(); // an admin-set password: nothing but changing it (Auth/RequiredPasswordChange.cs)
        app.UseAuthorization();
        app.UseMiddleware<NulCharacterGuard>();
        app.UseMiddleware<FormLineBreaks>(); // CRLF as LF in form text, counted as the browser's maxlength counts
        app.UseAntiforgery();

        // The API's map is open to anyone on a developer's machine (and in the tests); elsewhere to signed-in people only.
        var openApi = app.MapOpenApi();
        var apiDocs = app.MapScalarApiReference("/api-docs");
        if (app.Environment.IsDevelopment() || app.Environment.IsEnvironment("Testing"))
        {
            openApi.AllowAnonymous();
            apiDocs.AllowAnonymous();
        }
        else
        {
            openApi.RequireAuthorization();
            apiDocs.RequireAuthorization();
        }
        app.MapHealth();
        app.MapAuthApi();
        app.MapAccountPages();
        app.MapLanguageSwitch();
        app.MapDepartmentsApi();
        app.MapEnterprisesApi();
        app.MapOutboxApi();
        app.MapOutboxPages();
        app.MapAuditApi();
        app.MapAuditPages();
        app.MapWorkbenchPages();
        app.MapWorkflowsApi();
        app.MapCalendarApi();
        app.MapCasesApi();
        app.MapCategoriesApi();
        app.MapReportsApi();
        app.MapLeagueTablePages();
        app.MapLinkPages();
        app.MapEnterpriseView();
        app.MapCasePages();
        app.MapEnterprisePages();
        app.MapVisits();
        app.MapMailTemplates();
        app.MapAdminPages();
        app.MapWorkflowInstancePages();
        app.MapJobDashboard();
        app.MapJobDashboardStatsGet();
        app.MapDesigner();
        if (app.Environment.IsDevelopment())
        {
            app.MapDevMailbox();
        }
    }

    /// <summary>Start-up work that needs the database, before the first request.</summary>
    public static async Task PrepareAsync(WebApplication app)
    {
        RuntimeSettings.Report(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RuntimeSettings)));
        if (!app.Services.GetRequiredService<IMailTransport>().Sends)
        {
            app.Logger.LogWarning("No SMTP host is configured (Smtp:Host) outside Development: mail is kept in the outbox and not sent until one is");
        }

        if (app.Services.GetRequiredService<IOptions<LiaisonOptions>>().Value.SampleLeadershipEmail is { } sample)
        {
            app.Logger.LogWarning("Liaison:ZoneLeadership is not configured: top-level escalations and the weekly league table go to the sample address {Email}", sample);
        }
        await DatabaseStartup.PrepareAsync(app.Services);
        HangfireSetup.RegisterRecurringJobs(app.Services);
        await app.Services.PrepareWorkflowsAsync();
    }

    private static Task ApiAware(HttpContext http, string? redirect, int status)
    {
        if (redirect is null || PageErrors.IsMachines(http))
        {
            http.Response.StatusCode = status;
        }
        else
        {
            http.Response.Redirect(redirect);
        }

        return Task.CompletedTask;
    }
}
