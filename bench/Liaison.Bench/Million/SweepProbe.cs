using System.Diagnostics;
using System.Globalization;
using Liaison.Bench.Load;
using Npgsql;

namespace Liaison.Bench.Million;

/// <summary>
/// What a sweep costs per fired timer, over a window that starts once the sweep is under way and ends when it is done:
/// the server's and PostgreSQL's CPU seconds, commits and rollbacks (<c>pg_stat_database</c>) and mails relayed meanwhile.
/// Its readings are cheap at any size (statistics views and an indexed count of the due cases), so the probe does not
/// load the sweep it measures: an earlier version counted all sent mail, about 1.5 s of PostgreSQL's time per reading at a million cases.
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

    private readonly record struct Snapshot(long Fired, long Commits, long Rollbacks, double ServerCpu, double PostgresCpu, long Ticks, long MailsSent,
        long CaseUpdates, long CaseHotUpdates, long InstanceUpdates, long InstanceHotUpdates);

    /// <summary>
    /// Waits until the sweep is under way (3 s, or half of the due timers fired, whichever comes first: a warm
    /// sweep can be over in 3 s), then takes the window's first reading.
    /// </summary>
    public static async Task<SweepProbe> StartAsync(string cs, long[] dueIds, int serverPid, int? postmasterPid)
    {
        var probe = new SweepProbe(cs, dueIds, serverPid, postmasterPid);
        var until = Stopwatch.GetTimestamp() + 3 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < until && (await probe.ReadAsync()).Fired < dueIds.Length / 2)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        probe._statements = await StatementStats.ResetAsync(cs);
        probe._start = await probe.ReadAsync();
        return probe;
    }

    /// <summary>Fewer timers than this in the window give no per-timer figures: the sweep ended before the window opened.</summary>
    private const int MinWindow = 100;

    /// <summary>The window's last reading; a line with each figure per fired timer.</summary>
    public async Task<string> StopAsync()
    {
        var end = await ReadAsync();
        var fired = Math.Max(1, end.Fired - _start.Fired);
        var seconds = (end.Ticks - _start.Ticks) / (double)Stopwatch.Frequency;
        if (fired < MinWindow)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Window: only {end.Fired - _start.Fired:N0} timers fired after it opened ({_start.Fired:N0} before): too few for per-timer figures.");
        }

        return (_statements ? await StatementStats.ReportAsync(_cs, fired, "timer") : "") + string.Create(CultureInfo.InvariantCulture,
            $"Window: {fired:N0} timers in {seconds:F1} s ({fired / seconds:F0}/s). Per fired timer: server CPU {(end.ServerCpu - _start.ServerCpu) * 1000 / fired:F2} ms, " +
            $"PostgreSQL CPU {(end.PostgresCpu - _start.PostgresCpu) * 1000 / fired:F2} ms, commits {(end.Commits - _start.Commits) / (double)fired:F2}, rollbacks {(end.Rollbacks - _start.Rollbacks) / (double)fired:F2}. Outbox rows updated meanwhile (the relay, which shares the server, updates each mail it sends once): {(end.MailsSent - _start.MailsSent) / (double)fired:F2} per fired timer. " +
            $"Updates in place (HOT, no index entries): cases {Hot(end.CaseHotUpdates - _start.CaseHotUpdates, end.CaseUpdates - _start.CaseUpdates)}, " +
            $"workflow instances {Hot(end.InstanceHotUpdates - _start.InstanceHotUpdates, end.InstanceUpdates - _start.InstanceUpdates)}.");

        static string Hot(long hot, long all) => string.Create(CultureInfo.InvariantCulture, $"{hot:N0} of {all:N0}");
    }

    private bool _statements;

    private async Task<Snapshot> ReadAsync()
    {
        await using var conn = new NpgsqlConnection(_cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM case_deadlines_fired WHERE case_id = ANY($1)),
                   (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'mail_outbox'),
                   (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'cases'), (SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'cases'),
                   (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'workflow_instances'),
                   (SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'workflow_instances')
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = _dueIds });
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (fired, sent) = (reader.GetInt64(0), reader.GetInt64(1));
        var (caseUpdates, caseHot, instanceUpdates, instanceHot) = (reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        var (commits, rollbacks) = await LoadDriver.TransactionsAsync(_cs);
        return new Snapshot(fired, commits, rollbacks, LoadDriver.CpuSeconds([_server]), LoadDriver.PostgresCpuSeconds(_postmaster),
            Stopwatch.GetTimestamp(), sent, caseUpdates, caseHot, instanceUpdates, instanceHot);
    }
}
