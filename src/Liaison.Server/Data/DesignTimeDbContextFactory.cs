using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Liaison.Server.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the server or reaching a database.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<LiaisonDbContext>
{
    public LiaisonDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LiaisonDbContext>()
            .UseNpgsql("Host=localhost;Database=liaison_design", o => o.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .Options);
}
