using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Liaison.Server.Auth;
using Liaison.Server.Hosting;
using Liaison.Server.Mail;

namespace Liaison.Server.Jobs;

/// <summary>
/// Hangfire on PostgreSQL in the application database (schema <c>hangfire</c>). Hangfire only triggers work:
/// every job is safe to run twice, because correctness comes from the database (row locks, unique keys, state checks).
/// </summary>
public static class HangfireSetup
{
    public const string Schema = "hangfire";

    public static IServiceCollection AddLiaisonJobs(this IServiceCollection services, string connectionString, LiaisonOptions.JobsOptions jobs)
    {
        // Our own storage singleton: Hangfire.AspNetCore would otherwise hand out the static JobStorage.Current,
        // which is whichever host configured Hangfire last (several hosts share a process in the tests).
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            PrepareSchemaIfNecessary = true,
            // A long job keeps its claim alive instead of being handed to a second worker after a timeout.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
            QueuePollInterval = TimeSpan.FromSeconds(1),
        };
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions));
        services.AddHangfire((sp, c) => c
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        // The pumps fire timers and send mail as soon as they are due; any process may nudge them, job processes run them.
        services.AddSingleton<OutboxPump>();
        services.AddSingleton<Liaison.Server.Workflows.WorkflowTimerPump>();
        services.AddSingleton<Liaison.Server.Cases.DeadlineRecomputePump>();
        if (jobs.RunServer)
        {
            services.AddHostedService(sp => sp.GetRequiredService<OutboxPump>());
            services.AddHostedService(sp => sp.GetRequiredService<Liaison.Server.Workflows.WorkflowTimerPump>());
            services.AddHostedService(sp => sp.GetRequiredService<Liaison.Server.Cases.DeadlineRecomputePump>());
            services.AddHangfireServer((sp, o) =>
            {
                o.WorkerCount = jobs.WorkerCount;
                // This host's own activator: the process-wide default may belong to another (disposed) host.
                o.Activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
            });
        }

        return services;
    }

    /// <summary>Registers (or updates) the recurring jobs; idempotent, so every instance may call it at start.</summary>
    public static void RegisterRecurringJobs(IServiceProvider services)
    {
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<OutboxRelayJob>(OutboxRelayJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        Liaison.Server.Digests.DigestJob.Register(recurring, services);
    }

    /// <summary>The dashboard at <c>/hangfire</c>: admins only (the endpoint policy authenticates; the filter double-checks).</summary>
    public static IEndpointConventionBuilder MapJobDashboard(this IEndpointRouteBuilder app) =>
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new AdminOnlyDashboardFilter()],
            DashboardTitle = "Liaison jobs",
            AppPath = "/",
        }).RequireAuthorization(Policies.Admin);

    private sealed class AdminOnlyDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
    }
}
