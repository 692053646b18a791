using System.Diagnostics;
using System.Globalization;
using Liaison.Bench.Load;
using Npgsql;

namespace Liaison.Bench.Million;

/// <summary>
/// What a sweep costs per fired timer, over a window that starts once the sweep is under way and ends when it is done:
/// the server's and PostgreSQL's CPU seconds, commits (<c>pg_stat_database.xact_commit</c>) and Npgsql commands
/// (round trips; an EF SaveChanges batch counts once), read with <c>dotnet-counters</c> (its "Npgsql" event counters).
/// </summary>
public sealed class SweepProbe
{
    private readonly string _cs;
    private readonly long[] _dueIds;
    private readonly int _server;
    private readonly int? _postmaster;
    private readonly string _countersFile = Path.Combine(Path.GetTempPath(), $"liaison-sweep-counters-{Guid.NewGuid():N}.csv");
    private Process? _counters;
    private Snapshot _start;
    private long _firedAtCountersStart;

    private SweepProbe(string cs, long[] dueIds, int server, int? postmaster) => (_cs, _dueIds, _server, _postmaster) = (cs, dueIds, server, postmaster);

    private readonly record struct Snapshot(long Fired, long Commits, double ServerCpu, double PostgresCpu, long Ticks, long MailsSent);

    /// <summary>Starts dotnet-counters on the server, waits until it samples, then takes the window's first reading.</summary>
    public static async Task<SweepProbe> StartAsync(string cs, long[] dueIds, int serverPid, int? postmasterPid)
    {
        var probe = new SweepProbe(cs, dueIds, serverPid, postmasterPid);
        probe._firedAtCountersStart = (await probe.ReadAsync()).Fired;
        // The tool itself (not `dotnet tool run`, which would stand between it and the SIGINT that makes it flush and stop).
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var tool = Directory.Exists(Path.Combine(packages, "dotnet-counters"))
            ? Directory.EnumerateFiles(Path.Combine(packages, "dotnet-counters"), "dotnet-counters.dll", SearchOption.AllDirectories).OrderDescending().FirstOrDefault()
            : null;
        if (tool is not null)
        {
            probe._counters = Process.Start(new ProcessStartInfo("dotnet", [tool, "collect", "-p", serverPid.ToString(CultureInfo.InvariantCulture),
                "--counters", "Npgsql", "--refresh-interval", "1", "--format", "csv", "-o", probe._countersFile])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        probe._start = await probe.ReadAsync();
        return probe;
    }

    /// <summary>The window's last reading, the counters stopped; a line per figure per fired timer.</summary>
    public async Task<string> StopAsync()
    {
        var end = await ReadAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var commands = "n/a";
        if (_counters is { HasExited: false })
        {
            // dotnet-counters stops on Ctrl+C and flushes its file.
            using (var interrupt = Process.Start("kill", ["-INT", _counters.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }

            if (!_counters.WaitForExit(10_000))
            {
                _counters.Kill();
            }
        }

        var fired = Math.Max(1, end.Fired - _start.Fired);
        if (File.Exists(_countersFile))
        {
            var totals = File.ReadLines(_countersFile)
                .Where(l => l.Contains("Total Commands", StringComparison.OrdinalIgnoreCase) || l.Contains("total-commands", StringComparison.OrdinalIgnoreCase))
                .Select(l => double.TryParse(l.Split(',')[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN)
                .Where(v => !double.IsNaN(v))
                .ToList();
            // From the first sample (about a second after dotnet-counters starts) to the last: a slight overcount per timer.
            if (totals.Count >= 2)
            {
                commands = string.Create(CultureInfo.InvariantCulture, $"{(totals[^1] - totals[0]) / Math.Max(1, end.Fired - _firedAtCountersStart):F1}");
            }

            else
            {
                commands = $"n/a ({string.Join("; ", File.ReadLines(_countersFile).Take(4))})";
            }

            File.Delete(_countersFile);
        }
        else
        {
            commands = $"n/a (no {_countersFile})";
        }

        var seconds = (end.Ticks - _start.Ticks) / (double)Stopwatch.Frequency;
        return string.Create(CultureInfo.InvariantCulture,
            $"Window: {fired:N0} timers in {seconds:F1} s ({fired / seconds:F0}/s). Per fired timer: server CPU {(end.ServerCpu - _start.ServerCpu) * 1000 / fired:F2} ms, " +
            $"PostgreSQL CPU {(end.PostgresCpu - _start.PostgresCpu) * 1000 / fired:F2} ms, commits {(end.Commits - _start.Commits) / (double)fired:F2}, " +
            $"Npgsql commands {commands}. Mails relayed meanwhile (the outbox relay shares the server): {(end.MailsSent - _start.MailsSent) / (double)fired:F2} per fired timer.");
    }

    private async Task<Snapshot> ReadAsync()
    {
        await using var conn = new NpgsqlConnection(_cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM case_deadlines_fired WHERE case_id = ANY($1)), (SELECT count(*) FROM mail_outbox WHERE status = 'Sent')", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = _dueIds });
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (fired, sent) = (reader.GetInt64(0), reader.GetInt64(1));
        return new Snapshot(fired, await LoadDriver.CommitsAsync(_cs), LoadDriver.CpuSeconds([_server]), LoadDriver.CpuSeconds(LoadDriver.PostgresPids(_postmaster)),
            Stopwatch.GetTimestamp(), sent);
    }
}
