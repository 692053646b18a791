using Liaison.Cases.Departments;
using Liaison.Cases.Enterprises;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Liaison.Server.Data;

/// <summary>What runs once at start, before requests: migrations, sample data, roles, the first admin.</summary>
public static class DatabaseStartup
{
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var options = sp.GetRequiredService<IOptions<LiaisonOptions>>().Value;
        var db = sp.GetRequiredService<LiaisonDbContext>();
        var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseStartup));

        if (options.Database.MigrateOnStart)
        {
            // EF Core reads its history table before it creates it, and logs that failed read as an error ("fail:") on
            // every fresh database. Creating the table first (EF's own idempotent script) makes the read succeed.
            if (await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(ct))
            {
                await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
            }

            // EF Core takes a database lock while migrating, so instances starting together are safe. Most starts have
            // nothing to apply, and MigrateAsync would still build the design-time model to compare it with the last
            // migration's snapshot: about 0.4 s of CPU and 10 MB that stay resident. So it runs only when a migration is
            // pending. FoundationTests checks that the model has no change without a migration.
            if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
            {
                await db.Database.MigrateAsync(ct);
            }
        }

        await SeedDepartmentsAsync(db, sp.GetRequiredService<TimeProvider>(), log, ct);
        await SeedEnterprisesAsync(db, sp.GetRequiredService<TimeProvider>(), log, ct);
        await EnsureRolesAsync(sp.GetRequiredService<RoleManager<IdentityRole>>());
        await EnsureBootstrapAdminAsync(db, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<UserManager<LiaisonUser>>(), options.BootstrapAdmin, log);
    }

    /// <summary>Seeds the sample departments into an empty table only; a restart or a second instance adds nothing.</summary>
    private static async Task SeedDepartmentsAsync(LiaisonDbContext db, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        if (await db.Departments.AnyAsync(ct))
        {
            return;
        }

        var samples = SampleDepartments.Create(clock.GetUtcNow());
        db.Departments.AddRange(samples);
        AuditLog.Add(db, clock, Actor.Server, AuditActions.SamplesSeeded, "departments", new AuditChanges().Field("created", null, samples.Count));
        try
        {
            await db.SaveChangesAsync(ct);
            log.LogInformation("Seeded the sample departments (IsSample = true); admins should replace the people");
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another instance seeded them first.
            db.DiscardChanges();
        }
    }

    /// <summary>Seeds the sample key enterprises into an empty register only, as the departments are seeded.</summary>
    private static async Task SeedEnterprisesAsync(LiaisonDbContext db, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        if (await db.Set<RegisteredEnterprise>().AnyAsync(ct))
        {
            return;
        }

        db.AddRange(SampleEnterprises.Create(clock.GetUtcNow()));
        AuditLog.Add(db, clock, Actor.Server, AuditActions.SamplesSeeded, "enterprises", new AuditChanges().Field("created", null, SampleEnterprises.Count));
        try
        {
            await db.SaveChangesAsync(ct);
            log.LogInformation("Seeded {Count} sample key enterprises (IsSample = true)", SampleEnterprises.Count);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.DiscardChanges();
        }
    }

    private static async Task EnsureRolesAsync(RoleManager<IdentityRole> roles)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }

    private static async Task EnsureBootstrapAdminAsync(
        LiaisonDbContext db, TimeProvider clock, UserManager<LiaisonUser> users, LiaisonOptions.BootstrapAdminOptions boot, ILogger log)
    {
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(boot.Email) || string.IsNullOrEmpty(boot.Password))
        {
            log.LogWarning("No admin exists and Liaison:BootstrapAdmin:Email/Password are not set: nobody can sign in as admin");
            return;
        }

        var user = await users.FindByEmailAsync(boot.Email);
        var existed = user is not null;
        if (user is null)
        {
            user = new LiaisonUser { UserName = boot.Email, Email = boot.Email, EmailConfirmed = true, DisplayName = "管理员 Admin" };
            var created = await users.CreateAsync(user, boot.Password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException(
                    "Liaison:BootstrapAdmin could not be created: " + string.Join("; ", created.Errors.Select(e => e.Description)));
            }
        }

        // Saved with the role: the change log's first account entry, by the server.
        AuditLog.Add(db, clock, Actor.Server, existed ? AuditActions.AccountChanged : AuditActions.AccountCreated, boot.Email,
            new AuditChanges { RecordEmpty = true }.Field("role", null, Roles.Admin));
        await users.AddToRoleAsync(user, Roles.Admin);
        log.LogInformation("Created the bootstrap admin {Email}", boot.Email);
    }
}
