using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for the whole test run: initdb into a temporary folder, a random port, stopped and
/// deleted when the process exits. With <c>LIAISON_TEST_DB</c> set (an admin connection string), that server is used
/// instead. Each test class asks for its own database.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private PostgresServer(string adminConnectionString) => AdminConnectionString = adminConnectionString;

    public string AdminConnectionString { get; }

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(24).ToArray())}_{Guid.NewGuid():N}";
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 40 }.ConnectionString;
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("LIAISON_TEST_DB");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external);
        }

        var bin = FindBinDirectory();
        var root = Path.Combine(Path.GetTempPath(), $"liaison-test-pg-{Guid.NewGuid():N}");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb and postgres refuse to run as root.
            await RunAsync("chown", $"postgres:postgres {root}");
        }

        await RunAsync(Exe(bin, "initdb", asRoot), $"{Prefix(bin, "initdb", asRoot)}-D {data} -U liaison --auth=trust -E UTF8 --no-sync --locale=C.UTF-8");
        var port = FreePort();
        var postgres = Process.Start(new ProcessStartInfo(Exe(bin, "postgres", asRoot),
            $"{Prefix(bin, "postgres", asRoot)}-D {data} -p {port} -k {root} -c listen_addresses=127.0.0.1 " +
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=128MB")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("Could not start postgres");
        postgres.OutputDataReceived += (_, _) => { };
        postgres.ErrorDataReceived += (_, _) => { };
        postgres.BeginOutputReadLine();
        postgres.BeginErrorReadLine();
        // The test host may exit without running ProcessExit handlers, so a small watchdog outlives it: once this
        // process is gone it stops the cluster (fast shutdown) and deletes the folder.
        Process.Start(new ProcessStartInfo("bash", ["-c",
            $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; " +
            $"pkill -INT -f -- 'postgres -D {data} '; sleep 3; pkill -KILL -f -- 'postgres -D {data} '; rm -rf '{root}'"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });

        var cs = $"Host=127.0.0.1;Port={port};Username=liaison;Database=postgres;Pooling=false";
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var conn = new NpgsqlConnection(cs);
                await conn.OpenAsync();
                return new PostgresServer(cs);
            }
            catch (Exception) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !postgres.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private static string Exe(string bin, string tool, bool asRoot) => asRoot ? "runuser" : Path.Combine(bin, tool);

    private static string Prefix(string bin, string tool, bool asRoot) => asRoot ? $"-u postgres -- {Path.Combine(bin, tool)} " : "";

    private static string FindBinDirectory()
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
            ?? throw new InvalidOperationException("PostgreSQL binaries not found: install postgresql, set LIAISON_PG_BIN, or set LIAISON_TEST_DB");
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static async Task RunAsync(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"Could not start {file}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {args} failed ({p.ExitCode}): {await stdout} {await stderr}");
        }
    }
}
