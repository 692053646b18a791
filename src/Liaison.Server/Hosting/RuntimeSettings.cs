namespace Liaison.Server.Hosting;

/// <summary>
/// Runtime settings the server wants that only the environment can give (the runtimeconfig has no key for them), so
/// every launcher sets them: <c>./liaison run</c>, the image, and the bench's and the multi-process tests' servers (a
/// test checks they agree with <see cref="All"/>). Whoever starts the server some other way sets them too; the server
/// says at start-up when one is missing.
/// </summary>
public static class RuntimeSettings
{
    /// <summary>An environment variable the runtime reads at start, and the value the server is measured with.</summary>
    public sealed record Setting(string Variable, string Recommended, string Effect);

    /// <summary>
    /// The garbage collector's gen0 budget: how much the server allocates between two young collections. The
    /// workstation GC's default is 6 MB. A timer chunk holds its cases, instances and mails for about 0.1 s, so with
    /// 6 MB they outlived young collections and were promoted, and collecting them again kept gen1 collections and a
    /// background GC thread busy in a timer sweep. With 32 MB (the hexadecimal the runtime reads) the server spent
    /// about a quarter less CPU per fired timer, with the same largest RSS (bench/RESULTS.md (g), "The GC's gen0 budget").
    /// </summary>
    public static readonly Setting Gen0Budget = new("DOTNET_GCgen0size", "0x2000000",
        "the GC's 32 MB gen0 budget: about a quarter less CPU per fired timer");

    /// <summary>
    /// Tiered compilation's call-counting delay. By default the runtime starts counting a method's calls (30 promote it
    /// to optimised code) only after 100 ms without new methods being compiled, and every new method restarts that wait.
    /// A server that starts with work due (a timer sweep catching up after downtime) keeps meeting new methods for
    /// seconds, so its hot paths ran unoptimised much of that time: about 1.5 times the CPU per fired timer. With no delay they
    /// are promoted as soon as they are hot (bench/RESULTS.md (g), "The tiering delay").
    /// </summary>
    public static readonly Setting TieringDelay = new("DOTNET_TC_CallCountingDelayMs", "0",
        "hot code optimised at once after a start: about a third less CPU per timer in a sweep that catches up after downtime");

    /// <summary>
    /// How many calls promote a method to optimised code (the runtime's default is 30; the value is hexadecimal, 0x200 =
    /// 512). Without a delay, every method called 30 times while the server starts was optimised too: dependency
    /// injection, configuration, migrations, routing, code that never runs again. At 512 a start cost about 28 % less
    /// CPU (the tiered compiler's thread 1.2 s instead of 3.3 s), so less of it overlaps a sweep that catches up after
    /// downtime, and the paths that run hot (a fired timer, an open) are still optimised within their first few hundred
    /// runs (bench/RESULTS.md (g), "The call-count threshold").
    /// </summary>
    public static readonly Setting TieringThreshold = new("DOTNET_TC_CallCountThreshold", "0x200",
        "only code called 512 times is optimised: about 28 % less CPU to start, and hot paths optimised all the same");

    public static IReadOnlyList<Setting> All { get; } = [Gen0Budget, TieringDelay, TieringThreshold];

    private const long RecommendedGen0Bytes = 32L * 1024 * 1024;

    /// <summary>The gen0 budget this process runs with, as the runtime reports it.</summary>
    public static long Gen0Bytes =>
        GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var value) ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    /// <summary>The value the runtime read at start for an environment-only setting (its DOTNET_ or legacy COMPlus_ variable), or null for the default.</summary>
    private static string? Read(Setting setting) =>
        Environment.GetEnvironmentVariable(setting.Variable) ?? Environment.GetEnvironmentVariable("COMPlus_" + setting.Variable["DOTNET_".Length..]);

    public static void Report(ILogger log)
    {
        var bytes = Gen0Bytes;
        if (bytes < RecommendedGen0Bytes)
        {
            Missing(log, Gen0Budget, $"the GC's gen0 budget is {bytes / (1024 * 1024)} MB");
        }
        else
        {
            log.LogInformation("The GC's gen0 budget is {Megabytes} MB", bytes / (1024 * 1024));
        }

        ReportVariable(log, TieringDelay, "Tiered compilation counts calls without delay",
            "tiered compilation's call-counting delay", "the default (100 ms)");
        ReportVariable(log, TieringThreshold, "Tiered compilation optimises a method after 512 calls",
            "tiered compilation's call-count threshold", "the default (30)");
    }

    /// <summary>Logs <paramref name="set"/> when the runtime read the recommended value, and a warning naming what it read otherwise.</summary>
    private static void ReportVariable(ILogger log, Setting setting, string set, string what, string byDefault)
    {
        var value = Read(setting);
        if (value is not null && value.Trim().Equals(setting.Recommended, StringComparison.OrdinalIgnoreCase))
        {
            log.LogInformation("{Setting}", set);
        }
        else
        {
            Missing(log, setting, $"{what} is {value ?? byDefault}");
        }
    }

    private static void Missing(ILogger log, Setting setting, string found) =>
        log.LogWarning("{Found}; set {Variable}={Recommended} in the server's environment ({Effect}; see docs/scaling.md)",
            found, setting.Variable, setting.Recommended, setting.Effect);
}
