using System.Diagnostics;
using System.Globalization;
using Liaison.Bench.Load;
using Npgsql;

namespace Liaison.Bench.Million;

/// <summary>
/// What a sweep costs per fired timer, over a window that starts once the sweep is under way and ends when it is done:
/// the server's and PostgreSQL's CPU seconds, commits (<c>pg_stat_database.xact_commit</c>) and mails relayed meanwhile.
/// Statements per timer: run with <c>Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information</c>
/// in the environment (the server inherits it) and count "Executed DbCommand" in the server's log.
/// </summary>
public sealed class SweepProbe
{
    private readonly string _cs;
    private readonly long[] _dueIds;
    private readonly int _server;
    private readonly int? _postmaster;
    private Snapshot _start;

    private SweepProbe(string cs, long[] dueIds, int server, int? postmaster) => (_cs, _dueIds, _server, _postmaster) = (cs, dueIds, server, postmaster);

    private readonly record struct Snapshot(long Fired, long Commits, double ServerCpu, double PostgresCpu, long Ticks, long MailsSent);

    /// <summary>Waits until the sweep is under way, then takes the window's first reading.</summary>
    public static async Task<SweepProbe> StartAsync(string cs, long[] dueIds, int serverPid, int? postmasterPid)
    {
        var probe = new SweepProbe(cs, dueIds, serverPid, postmasterPid);
        await Task.Delay(TimeSpan.FromSeconds(3));
        probe._start = await probe.ReadAsync();
        return probe;
    }

    /// <summary>The window's last reading; a line with each figure per fired timer.</summary>
    public async Task<string> StopAsync()
    {
        var end = await ReadAsync();
        var fired = Math.Max(1, end.Fired - _start.Fired);
        var seconds = (end.Ticks - _start.Ticks) / (double)Stopwatch.Frequency;
        return string.Create(CultureInfo.InvariantCulture,
            $"Window: {fired:N0} timers in {seconds:F1} s ({fired / seconds:F0}/s). Per fired timer: server CPU {(end.ServerCpu - _start.ServerCpu) * 1000 / fired:F2} ms, " +
            $"PostgreSQL CPU {(end.PostgresCpu - _start.PostgresCpu) * 1000 / fired:F2} ms, commits {(end.Commits - _start.Commits) / (double)fired:F2}. Mails relayed meanwhile (the outbox relay shares the server): {(end.MailsSent - _start.MailsSent) / (double)fired:F2} per fired timer.");
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
