using Hangfire;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Liaison.Server.Workflows;

/// <summary>Wires the workflow runtime into the host: services, routes and start-up work.</summary>
public static class WorkflowRuntimeSetup
{
    /// <summary>
    /// Registers the engine (registry and runner as singletons, on the DI <see cref="TimeProvider"/>), the durable host,
    /// the timer jobs and the Elsa.SendEmail handler. <paramref name="registerDomainActivities"/> adds the domain's activity types.
    /// </summary>
    public static IServiceCollection AddWorkflowRuntime(this IServiceCollection services, Action<ActivityRegistry>? registerDomainActivities = null)
    {
        services.AddSingleton(_ =>
        {
            var registry = ActivityRegistry.CreateDefault();
            registerDomainActivities?.Invoke(registry);
            return registry;
        });
        services.AddSingleton(sp => new WorkflowRunner(sp.GetRequiredService<ActivityRegistry>(), sp.GetRequiredService<TimeProvider>(), RunnerOptions(sp)));
        services.AddSingleton<WorkflowDefinitionStore>();
        services.AddScoped<WorkflowHost>();
        services.AddScoped<WorkflowImporter>();
        services.AddTransient<WorkflowTimerJob>();
        services.AddSingleton<WorkflowTimerScheduler>();
        services.ConfigureDbContext<LiaisonDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<WorkflowTimerScheduler>()));
        services.AddScoped<IWorkflowEffectHandler, OutboxEmailHandler>();
        services.TryAddScoped<IRunContextFactory, EmptyRunContextFactory>();
        return services;
    }

    /// <summary>
    /// The engine's limits from configuration section <c>Liaison:Workflows</c> (MaxActivitiesPerRun, Scripts:*, TestRun:*);
    /// anything not configured keeps the defaults in <see cref="WorkflowRunnerOptions"/> (docs/hardening.md lists them).
    /// </summary>
    private static WorkflowRunnerOptions RunnerOptions(IServiceProvider sp)
    {
        var options = new WorkflowRunnerOptions();
        sp.GetRequiredService<IConfiguration>().GetSection("Liaison:Workflows").Bind(options);
        options.TimeZone = sp.GetRequiredService<CalendarService>().TimeZone;
        return options;
    }

    /// <summary>Imports the shipped workflow files and registers the timer sweep. Runs after the database migrations.</summary>
    public static async Task PrepareWorkflowsAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<WorkflowImporter>().ImportAsync(ct);
        }

        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<WorkflowTimerJob>(
            WorkflowTimerJob.SweepRecurringId, j => j.SweepAsync(CancellationToken.None), Cron.Minutely());
    }
}
