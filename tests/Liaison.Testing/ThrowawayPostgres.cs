using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Liaison.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb into a temporary folder, a random loopback port, run as the <c>postgres</c>
/// user when we are root (initdb and postgres refuse root). Durable (fsync, synchronous commit, full-page writes: what
/// a benchmark of commits must measure) or fast (all three off: what tests want). Stopped and deleted on dispose; a
/// small watchdog does the same if this process dies first (test hosts do not always run exit handlers).
/// With the named environment variable set (an admin connection string) that server is used instead and left alone.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string? _root;
    private readonly string? _data;
    private readonly string? _bin;
    private readonly bool _asRoot;
    private string? _startOptions;

    private ThrowawayPostgres(string adminConnectionString, string? root, string? data, string? bin, bool asRoot)
    {
        AdminConnectionString = adminConnectionString;
        (_root, _data, _bin, _asRoot) = (root, data, bin, asRoot);
    }

    public string AdminConnectionString { get; }

    /// <summary>The postmaster's process id (from postmaster.pid), for CPU accounting; null for an external server.</summary>
    public int? PostmasterPid => _data is not null && File.Exists(Path.Combine(_data, "postmaster.pid"))
        && int.TryParse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).FirstOrDefault(), out var pid) ? pid : null;

    /// <summary>How the server was obtained, for the report.</summary>
    public string Description => _data is null
        ? "external server from LIAISON_BENCH_DB"
        : $"throwaway cluster in {_data} (initdb, {Path.GetFileName(Path.GetDirectoryName(_bin!))}), started for this run";

    /// <param name="durable">fsync and friends on (benchmarks) or off (tests).</param>
    /// <param name="externalVariable">Environment variable that may name an existing server to use instead.</param>
    public static async Task<ThrowawayPostgres> StartAsync(bool durable, string externalVariable, int maxConnections = 100)
    {
        var external = Environment.GetEnvironmentVariable(externalVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new ThrowawayPostgres(external, null, null, null, false);
        }

        var bin = FindBinDirectory(externalVariable);
        // /tmp is on the root disk here (ext4 on virtio), not tmpfs: with durable on, fsync reaches the device.
        var root = Path.Combine(Path.GetTempPath(), $"liaison-pg-{Guid.NewGuid():N}");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb and postgres refuse to run as root.
            await RunAsync("chown", ["postgres:postgres", root]);
        }

        var server = new ThrowawayPostgres("", root, data, bin, asRoot);
        // The watchdog: once this process is gone, stop the cluster and delete the folder (a no-op after a clean dispose).
        Process.Start(new ProcessStartInfo("bash", ["-c",
            $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; " +
            $"[ -d '{data}' ] && {string.Join(' ', server.Command("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]).Select(a => $"'{a}'"))} >/dev/null 2>&1; " +
            $"rm -rf '{root}'"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });

        string[] initdb = ["-D", data, "-U", "liaison", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"];
        await server.RunToolAsync("initdb", durable ? initdb : [.. initdb, "--no-sync"]);
        var port = FreePorts.Next();
        var sync = durable ? "on" : "off";
        var options = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync={sync} -c synchronous_commit={sync} " +
            $"-c full_page_writes={sync} -c max_connections={maxConnections} -c shared_buffers=128MB " +
            // For measurements only, e.g. "-c shared_preload_libraries=pg_stat_statements" (bench/Million/SweepProbe.cs).
            Environment.GetEnvironmentVariable("LIAISON_PG_OPTIONS");
        await server.RunToolAsync("pg_ctl", ["-D", data, "-l", Path.Combine(root, "postgres.log"), "-o", options, "-w", "-t", "60", "start"]);

        var cs = $"Host=127.0.0.1;Port={port};Username=liaison;Database=postgres;Pooling=false";
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
        }

        return new ThrowawayPostgres(cs, root, data, bin, asRoot) { _startOptions = options };
    }

    /// <summary>Stops the server (fast shutdown: clients get 57P01) and keeps its data, for a test of an outage.</summary>
    public Task StopAsync() => RunToolAsync("pg_ctl", ["-D", Data, "-m", "fast", "-w", "stop"]);

    /// <summary>Starts the server stopped by <see cref="StopAsync"/> again, on the same port with the same data.</summary>
    public Task StartAgainAsync() =>
        RunToolAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(_root!, "postgres.log"), "-o", _startOptions!, "-w", "-t", "60", "start"]);

    /// <summary>The server's log so far (refused connections, errors); empty for an external server.</summary>
    public string LogText()
    {
        var log = _root is null ? null : Path.Combine(_root, "postgres.log");
        if (log is null || !File.Exists(log))
        {
            return "";
        }

        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private string Data => _data ?? throw new InvalidOperationException("An external server cannot be stopped by a test");

    /// <summary>
    /// A fresh database named after <paramref name="prefix"/>, empty or a copy of <paramref name="template"/> (a database
    /// nobody is connected to); returns its (pooled) connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix, int maxPoolSize = 20, string? template = null)
    {
        var name = $"{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(24).ToArray())}_{Guid.NewGuid():N}";
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"" + (template is null ? "" : $" TEMPLATE \"{template}\""), conn);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = maxPoolSize }.ConnectionString;
    }

    /// <summary>
    /// Ends every session connected to the database of <paramref name="connectionString"/> (a pool left behind), so it
    /// can serve as a template; returns the database's name.
    /// </summary>
    public async Task<string> DisconnectAllAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", conn);
        cmd.Parameters.AddWithValue("name", name);
        await cmd.ExecuteScalarAsync();
        return name;
    }

    /// <summary>The durability settings and version actually in force, for the report.</summary>
    public async Task<string> SettingsAsync()
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings " +
            "WHERE name IN ('fsync','synchronous_commit','full_page_writes','wal_sync_method','commit_delay','shared_buffers','server_version')", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_data is null)
        {
            return;
        }

        try
        {
            await RunToolAsync("pg_ctl", ["-D", _data, "-m", "fast", "-w", "stop"]);
        }
        finally
        {
            try
            {
                Directory.Delete(_root!, recursive: true);
            }
            catch (IOException)
            {
                // The watchdog deletes it when this process exits.
            }
        }
    }

    private string[] Command(string tool, string[] args) =>
        _asRoot ? ["runuser", "-u", "postgres", "--", Path.Combine(_bin!, tool), .. args] : [Path.Combine(_bin!, tool), .. args];

    private Task RunToolAsync(string tool, string[] args)
    {
        var command = Command(tool, args);
        return RunAsync(command[0], command[1..]);
    }

    public static string FindBinDirectory(string externalVariable)
    {
        var configured = Environment.GetEnvironmentVariable("LIAISON_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException($"PostgreSQL binaries not found: install postgresql, set LIAISON_PG_BIN, or set {externalVariable}");
    }


    private static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stdout} {await stderr}");
        }
    }
}
