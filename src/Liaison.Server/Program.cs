using Liaison.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
LiaisonHost.ConfigureServices(builder);

var app = builder.Build();
LiaisonHost.MapRoutes(app);
await LiaisonHost.PrepareAsync(app);
app.Run();

/// <summary>Visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
