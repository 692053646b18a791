namespace Liaison.Server.Hosting;

/// <summary>
/// The garbage collector's gen0 budget: how much the server allocates between two young collections. The workstation
/// GC's default is 6 MB. A timer chunk holds its cases, instances and mails for about 0.1 s, so with 6 MB they outlived
/// young collections and were promoted, and collecting them again kept gen1 collections and a background GC thread busy
/// in a timer sweep. With 32 MB the server spent about a quarter less CPU per fired timer, with the same largest RSS
/// (bench/RESULTS.md (g), "The GC's gen0 budget"). Only the environment sets it (<see cref="Variable"/>): the
/// runtimeconfig has no key for it. <c>./liaison run</c>, the image and the bench's server set it; whoever starts the
/// server some other way sets it too, and the server says at start-up when it is missing.
/// </summary>
public static class GcBudget
{
    public const string Variable = "DOTNET_GCgen0size";

    /// <summary>32 MB, in the hexadecimal the runtime reads.</summary>
    public const string Recommended = "0x2000000";

    private const long RecommendedBytes = 32L * 1024 * 1024;

    /// <summary>The gen0 budget this process runs with, as the runtime reports it.</summary>
    public static long Gen0Bytes =>
        GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var value) ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public static void Report(ILogger log)
    {
        var bytes = Gen0Bytes;
        if (bytes < RecommendedBytes)
        {
            log.LogWarning("The GC's gen0 budget is {Megabytes} MB; set {Variable}={Recommended} in the server's environment (32 MB: about a quarter less CPU per fired timer, see docs/scaling.md)",
                bytes / (1024 * 1024), Variable, Recommended);
        }
        else
        {
            log.LogInformation("The GC's gen0 budget is {Megabytes} MB", bytes / (1024 * 1024));
        }
    }
}
