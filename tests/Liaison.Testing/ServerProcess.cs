using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Liaison.Testing;

/// <summary>
/// The real server as its own process, started the way <c>./liaison run</c> starts it (the built server of this clone, in
/// the configuration the caller was built in); its output goes to a log file. For the load driver and for tests that
/// need several processes (separate connection pools, separate memory).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string AdminEmail = "admin@anyue.example";
    public const string AdminPassword = "liaison-admin-2026";

    /// <summary>
    /// The runtime settings only the environment gives, as <c>./liaison run</c> and the image set them
    /// (Liaison.Server.Hosting.RuntimeSettings; a test checks they agree): the GC's gen0 budget, the tiering delay and threshold.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RuntimeEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_GCgen0size"] = "0x2000000",
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
        ["DOTNET_TC_CallCountThreshold"] = "0x200",
    };

    private readonly Process _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _maxRssKb;

    private ServerProcess(Process process, int port, string logFile, DateTimeOffset started)
    {
        _process = process;
        Port = port;
        LogFile = logFile;
        Started = started;
        _sampling = SampleRssAsync();
    }

    public string LogFile { get; }

    /// <summary>When the process was started (before it answered /health).</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The largest resident set (VmRSS, kB) seen so far, sampled every 200 ms from the start.</summary>
    public long MaxRssKb => Interlocked.Read(ref _maxRssKb);

    public int Id => _process.Id;

    /// <summary>The loopback port it listens on (http://127.0.0.1:Port).</summary>
    public int Port { get; }

    /// <summary>
    /// The server's entry assembly, relative to its project folder: the build's, or <c>LIAISON_SERVER_DLL</c> (another
    /// build to run instead, e.g. a ReadyToRun publish for a benchmark).
    /// </summary>
    public static string ServerDll =>
        Environment.GetEnvironmentVariable("LIAISON_SERVER_DLL") is { Length: > 0 } other ? other : Path.Combine("bin", Configuration(), "net10.0", "Liaison.Server.dll");

    /// <param name="jobs">Run the job side too (Hangfire server, timer and outbox pumps), as one production process would.</param>
    /// <param name="settings">Configuration on top (keys as in appsettings, e.g. <c>Liaison:Database:MaxPoolSize</c>).</param>
    public static async Task<ServerProcess> StartAsync(string connectionString, int port, bool jobs = true, IReadOnlyDictionary<string, string>? settings = null)
    {
        var log = Path.Combine(Path.GetTempPath(), $"liaison-server-{port}-{Guid.NewGuid():N}.log");
        // The built server run directly, in its project folder as `dotnet run` runs it, so Id is the server itself (for
        // dotnet-trace and dotnet-counters).
        var project = Path.Combine(RepositoryRoot(), "src", "Liaison.Server");
        var psi = new ProcessStartInfo("dotnet", [ServerDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["ConnectionStrings__Liaison"] = connectionString;
        psi.Environment["Liaison__PublicBaseUrl"] = $"http://127.0.0.1:{port}";
        psi.Environment["Liaison__BootstrapAdmin__Email"] = AdminEmail;
        psi.Environment["Liaison__BootstrapAdmin__Password"] = AdminPassword;
        psi.Environment["Liaison__Jobs__RunServer"] = jobs ? "true" : "false";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        // The runtime settings ./liaison run and the image set, unless the caller's environment says otherwise.
        foreach (var (variable, value) in RuntimeEnvironment)
        {
            psi.Environment[variable] = Environment.GetEnvironmentVariable(variable) ?? value;
        }
        // The driver acts through many personal links from one address: lift the per-client link-post rate limit.
        psi.Environment["Liaison__SignIn__LinkPostsPerWindow"] = "1000000";
        psi.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var started = DateTimeOffset.UtcNow;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("The server did not start.");
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (writer) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, port, log, started);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow.AddMinutes(3);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited ({process.ExitCode}); see {log}.");
            }

            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(500);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"The server did not answer /health within 3 minutes; see {log}.");
    }

    /// <summary>
    /// Creates an officer account as the bootstrap admin, signs in as it with the admin's first password and changes it
    /// to <paramref name="password"/> (the server asks that before anything else), and signs in again; returns its bearer
    /// token. Tokens are protected with keys kept in the database, so the token works on every process of the same database.
    /// </summary>
    public static async Task<string> NewOfficerTokenAsync(HttpClient http, string email, string password, string displayName)
    {
        var first = password + "-first";
        var admin = await TokenAsync(http, AdminEmail, AdminPassword);
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { email, password = first, displayName, role = "officer" }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var created = await http.SendAsync(create);
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating the officer: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        using var change = new HttpRequestMessage(HttpMethod.Post, "/api/auth/password")
        {
            Content = JsonContent.Create(new { currentPassword = first, newPassword = password }),
        };
        change.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http, email, first));
        using var changed = await http.SendAsync(change);
        if (!changed.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Changing the officer's first password: {changed.StatusCode} {await changed.Content.ReadAsStringAsync()}");
        }

        return await TokenAsync(http, email, password);
    }

    /// <summary>Signs in through <c>POST /api/auth/login</c>; returns the bearer token.</summary>
    public static async Task<string> TokenAsync(HttpClient http, string email, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body?["accessToken"]?.GetValue<string>() ?? throw new InvalidOperationException($"Sign-in failed: {response.StatusCode}");
    }

    /// <summary>What the server wrote to its standard output and error so far.</summary>
    public string LogText()
    {
        using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>The clone's root: the first folder above this assembly (or the current folder) with Liaison.sln.</summary>
    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Liaison.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Liaison.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Debug or Release: the caller's own build configuration, which built the server alongside it.</summary>
    private static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>
    /// The figure of a <c>/proc/PID/status</c> line such as <c>VmRSS:\t  309176 kB</c> when it starts with
    /// <paramref name="field"/>; null otherwise, or when it cannot be read (an exiting process). At 10 GB the figure
    /// fills its column and follows the tab with no space.
    /// </summary>
    public static long? StatusKb(string line, string field)
    {
        if (!line.StartsWith(field, StringComparison.Ordinal))
        {
            return null;
        }

        var fields = line.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 && long.TryParse(fields[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var kb)
            ? kb
            : null;
    }

    private async Task SampleRssAsync()
    {
        var status = $"/proc/{_process.Id}/status";
        while (!_stop.IsCancellationRequested && File.Exists(status))
        {
            try
            {
                var kb = File.ReadLines(status).Select(l => StatusKb(l, "VmRSS:")).FirstOrDefault(v => v is not null);
                if (kb > _maxRssKb)
                {
                    Interlocked.Exchange(ref _maxRssKb, kb.Value);
                }

                await Task.Delay(200, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
