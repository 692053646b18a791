using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Liaison.Bench.Load;
using Liaison.Server.Digests;
using Liaison.Testing;
using Npgsql;

namespace Liaison.Bench.Million;

/// <summary>
/// Issue 9 item 4, "a million cases": a throwaway PostgreSQL (fsync on); the real server writes template cases of
/// every shape (<see cref="TemplateCases"/>); the generator clones them by COPY (<see cref="CaseGenerator"/>) up to
/// <c>--small</c> cases, <c>--due</c> of them due now, and the real server (jobs on) is started to sweep them (cold);
/// then, on that running server, <c>--due</c> more cases whose first timer falls due at one instant (warm: a day's
/// deadlines at 18:00). Then up to <c>--cases</c>, another <c>--due</c> due now, the sweep again, the case list with
/// each filter, the league table, the daily digests and the warm sweep again. The server's RSS is sampled throughout.
/// </summary>
/// <remarks>
/// Run: <c>bench/run.sh million [--cases 1000000] [--small 100000] [--due 10000] [--mail-days 90] [--requests 50]</c>.
/// The sweep alone, with its cost per fired timer (<see cref="SweepProbe"/>): <c>bench/run.sh million --small 12000 --due 10000 --sweep-only 1</c>.
/// </remarks>
public static class MillionBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var total = Durable.DurableCycleBench.IntArg(args, "--cases", 1_000_000);
        var small = Math.Min(total, Durable.DurableCycleBench.IntArg(args, "--small", 100_000));
        var due = Durable.DurableCycleBench.IntArg(args, "--due", 10_000);
        var mailDays = Durable.DurableCycleBench.IntArg(args, "--mail-days", 90);
        var requests = Durable.DurableCycleBench.IntArg(args, "--requests", 50);
        var report = new BenchReport();
        var Line = report.Line;
        var failed = new List<string>();

        await using var pg = await ThrowawayPostgres.StartAsync(durable: true, externalVariable: "LIAISON_BENCH_DB", maxConnections: 200);
        var cs = await pg.CreateDatabaseAsync("liaison_million", maxPoolSize: 50);
        var port = FreePorts.Next();
        // The daily digests are due from 08:30 zone time (Asia/Shanghai): from midnight instead, so the digest step sends
        // them whatever the hour of the run (on a working day).
        Environment.SetEnvironmentVariable("Liaison__Digests__SendAt", "00:00");

        // 1. Templates, written by the product.
        var stopwatch = Stopwatch.StartNew();
        List<(string Number, Shape Shape)> written;
        string officer;
        string? dayNote;
        await using (var server = await ServerProcess.StartAsync(cs, port, jobs: true))
        {
            using var http = Client(port);
            // Before any case exists: a schedule change queues the recomputation of every open case's provisional
            // deadlines (--schedule-change 1 measures that, below), which is no part of the steps measured here.
            using (var admin = await AdminClientAsync(port))
            {
                dayNote = await MakeTodayAWorkingDayAsync(admin);
            }

            officer = await LoadDriver.SetUpOfficerAsync(http);
            written = await TemplateCases.WriteAsync(http.BaseAddress!, cs, officer);
            Console.WriteLine(await LoadDriver.MailSentOnceAsync(cs));
        }

        var templatesTook = stopwatch.Elapsed;
        Console.WriteLine($"{written.Count} template cases in {templatesTook.TotalSeconds:F0} s");
        var generator = await CaseGenerator.LoadAsync(cs, written);

        // 2. The small database and its sweep.
        var first = await generator.AddAsync(small - written.Count, due, mailDays, seed: 1);
        Console.WriteLine($"Generated {first.Cases} cases ({first.Rows} rows) in {first.Elapsed.TotalSeconds:F0} s");
        var firstVacuum = await VacuumAsync(cs);
        var smallSize = await ScalarAsync<string>(cs, "SELECT pg_size_pretty(pg_database_size(current_database()))");
        Sweep smallSweep;
        long smallRss;
        var sweepOnly = Durable.DurableCycleBench.IntArg(args, "--sweep-only", 0) > 0;
        string probeLine, warmProbeLine;
        string? scheduleChange = null;
        Sweep smallWarm, bigWarm;
        await using (var server = await ServerProcess.StartAsync(cs, port, jobs: true))
        {
            // --trace S: a thread-time sample of the server's first S seconds of the small sweep (bench/results/sweep-cpu.nettrace).
            var traceSeconds = Durable.DurableCycleBench.IntArg(args, "--trace", 0);
            var tracing = traceSeconds > 0
                ? LoadDriver.TraceAsync(server.Id, "dotnet-sampled-thread-time", TimeSpan.FromSeconds(traceSeconds), "bench/results/sweep-cpu.nettrace")
                : Task.CompletedTask;
            // Each sweep's cost per fired timer; --sweep-only 1 reports the first two and stops there.
            var probe = await SweepProbe.StartAsync(cs, first.DueIds, server.Id, pg.PostmasterPid);
            (smallSweep, probeLine) = await SweepAsync(cs, first.DueIds, server.Started, probe);
            await tracing;
            (smallWarm, warmProbeLine) = await WarmSweepAsync(generator, cs, due, mailDays, seed: 3, server.Id, pg.PostmasterPid);
            smallRss = server.MaxRssKb;
            // --schedule-change 1: an admin adds the 2027 schedule; the open cases' provisional deadlines are recomputed in the background.
            if (Durable.DurableCycleBench.IntArg(args, "--schedule-change", 0) > 0)
            {
                scheduleChange = await ScheduleChangeAsync(port, officer, cs, server);
                Console.WriteLine(scheduleChange);
            }
        }

        Console.WriteLine(smallSweep.Row($"{small:N0}"));
        if (sweepOnly)
        {
            Line($"# Sweep only — {report.Started:yyyy-MM-dd HH:mm} UTC");
            Line();
            Line($"PostgreSQL: {pg.Description}");
            Line($"Settings: {await pg.SettingsAsync()}");
            Line($"Load average (1/5/15 min) before: {report.LoadBefore}; after: {BenchReport.LoadAverage()}");
            Line();
            Line("| Cases | Due | Escalated | Exactly once | Mail queued | Server start → health | Start → first escalation | Sweep (first → last escalation, mail queued) | Rate |");
            Line("|---:|---:|---:|---|---:|---:|---:|---:|---:|");
            Line(smallSweep.Row($"{small:N0}"));
            Line();
            Line(smallSweep.PaceLine($"{small:N0}"));
            Line();
            Line(probeLine);
            Line();
            WarmTable(report, [(smallWarm, $"{small + due:N0}")]);
            Line();
            Line(smallWarm.PaceLine($"{small + due:N0}"));
            Line();
            Line(warmProbeLine);
            Line(string.Create(CultureInfo.InvariantCulture, $"Server RSS max: {smallRss / 1024.0:F0} MB."));
            if (scheduleChange is not null)
            {
                Line();
                Line(scheduleChange);
            }

            await report.SaveAsync();
            return smallSweep.Ok && smallWarm.Ok ? 0 : 1;
        }

        // 3. The whole database: its sweep, then the list, the league table and the digests.
        var second = await generator.AddAsync(total - small, due, mailDays, seed: 2);
        Console.WriteLine($"Generated {second.Cases} cases ({second.Rows} rows) in {second.Elapsed.TotalSeconds:F0} s");
        var secondVacuum = await VacuumAsync(cs);
        var size = await ScalarAsync<string>(cs, "SELECT pg_size_pretty(pg_database_size(current_database()))");
        var counts = await ScalarAsync<string>(cs, """
            SELECT string_agg(status || ' ' || n, ', ' ORDER BY n DESC) FROM (SELECT status, count(*) AS n FROM cases GROUP BY status) s
            """);
        Sweep bigSweep;
        string bigProbeLine, bigWarmProbeLine;
        List<Timing> list, workbench, exports, outbox, league;
        Timing digest, rollup;
        (long Pending, long Sent, TimeSpan Took) relay;
        long bigRss;
        string steps;
        await using (var server = await ServerProcess.StartAsync(cs, port, jobs: true))
        {
            await using var rss = new RssSteps(server.Id);
            void Step(string name) => rss.Step(name);
            var probe = await SweepProbe.StartAsync(cs, second.DueIds, server.Id, pg.PostmasterPid);
            (bigSweep, bigProbeLine) = await SweepAsync(cs, second.DueIds, server.Started, probe);
            Step("sweep");
            using var http = Client(port);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", officer);
            list = await CaseListAsync(http, requests);
            exports = await CaseExportAsync(http, Math.Max(3, requests / 5));
            using var admin = await AdminClientAsync(port);
            workbench = await WorkbenchAsync(http, admin, requests);
            outbox = await OutboxListAsync(admin, requests);
            Step("case lists");
            rollup = await RollUpAsync(cs);
            Step("league roll-up");
            league = await LeagueTableAsync(http);
            Step("league table");
            digest = await DigestAsync(cs, dayNote);
            Step("digests");
            // Last: the lists, the league table and the digests run with the same mail backlog as before this step
            // existed, and without its 10,000 cases written by COPY moments before (unvacuumed, in the trigram indexes'
            // pending lists). They do include the 100,000 phase's warm burst, 10,000 more open cases.
            (bigWarm, bigWarmProbeLine) = await WarmSweepAsync(generator, cs, due, mailDays, seed: 4, server.Id, pg.PostmasterPid);
            Step("warm sweep");
            relay = await RelayDrainAsync(cs);
            Step("relay");
            bigRss = server.MaxRssKb;
            steps = rss.ToString();
            Console.WriteLine($"RSS max by step (MB): {steps}");
            // --hold S: keep the server and the database S seconds more for a look with psql (EXPLAIN), then tear down.
            if (Durable.DurableCycleBench.IntArg(args, "--hold", 0) is > 0 and var hold)
            {
                Console.WriteLine($"Holding {hold} s: psql \"{cs}\"");
                await Task.Delay(TimeSpan.FromSeconds(hold));
            }
        }

        // 4. The report.
        var ratio = bigSweep.Seconds / Math.Max(0.001, smallSweep.Seconds);
        // The warm sweeps' ratio too: the cold ones also carry each restarted server's warm-up, which varies from run to run.
        var warmRatio = bigWarm.Seconds / Math.Max(0.001, smallWarm.Seconds);
        Line($"# A million cases — {report.Started:yyyy-MM-dd HH:mm} UTC");
        Line();
        Line($"PostgreSQL: {pg.Description}");
        Line($"Settings: {await pg.SettingsAsync()}");
        Line($"Server: `dotnet {ServerProcess.ServerDll}` in src/Liaison.Server (Development, jobs on), restarted for each sweep.");
        Line($"Load average (1/5/15 min) before: {report.LoadBefore}; after: {BenchReport.LoadAverage()}");
        Line();
        Line("## Generator");
        Line();
        Line($"Templates: {written.Count} cases ({generator.TemplateCount} read back; {Enum.GetValues<Shape>().Length} shapes × 29 departments) written through the API and the link pages in {templatesTook.TotalSeconds:F0} s.");
        Line(string.Create(CultureInfo.InvariantCulture,
            $"Clones by COPY: {first.Cases:N0} cases ({first.Rows:N0} rows) in {first.Elapsed.TotalSeconds:F0} s, then {second.Cases:N0} ({second.Rows:N0} rows) in {second.Elapsed.TotalSeconds:F0} s: " +
            $"**{(first.Cases + second.Cases) / (first.Elapsed + second.Elapsed).TotalSeconds:F0} cases/s**, {(templatesTook + first.Elapsed + second.Elapsed).TotalMinutes:F1} min with the templates."));
        Line($"Database: {smallSize} at {small:N0} cases, {size} at {total:N0}. Mail bodies kept for cases opened in the last {mailDays} days.");
        Line($"Cases by status: {counts}.");
        Line();
        Line("## Sweep: due timers escalated");
        Line();
        Line("| Cases | Due | Escalated | Exactly once | Mail queued | Server start → health | Start → first escalation | Sweep (first → last escalation, mail queued) | Rate |");
        Line("|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        Line(smallSweep.Row($"{small:N0}"));
        Line(bigSweep.Row($"{total:N0}"));
        Line();
        Line(smallSweep.PaceLine($"{small:N0}"));
        Line(bigSweep.PaceLine($"{total:N0}"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"Ratio of the sweeps, {total:N0} / {small:N0}: **{ratio:F2}** (target ≤ 1.2)."));
        Line();
        WarmTable(report, [(smallWarm, $"{small + due:N0}"), (bigWarm, $"{total + due:N0}")]);
        Line();
        Line(smallWarm.PaceLine($"{small + due:N0}"));
        Line(bigWarm.PaceLine($"{total + due:N0}"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"Ratio of the warm sweeps, {total + due:N0} / {small + due:N0}: **{warmRatio:F2}** (target ≤ 1.2)."));
        Line();
        Line("Each sweep's cost, over a window from 3 s after the start (or from half the due timers fired, if sooner) to its end (the server's and PostgreSQL's CPU from /proc, commits from pg_stat_database):");
        Line();
        Line($"- cold, {small:N0}: {probeLine}");
        Line($"- cold, {total:N0}: {bigProbeLine}");
        Line($"- warm, {small + due:N0}: {warmProbeLine}");
        Line($"- warm, {total + due:N0}: {bigWarmProbeLine}");
        Line();
        Line($"## Case list, `GET /api/cases`, {requests} requests each, one client, at {total:N0} cases");
        Line();
        Line("| Filter | Total | p50 | p99 | Max |");
        Line("|---|---:|---:|---:|---:|");
        list.ForEach(t => Line(t.Row()));
        Line();
        Line($"## The officer's workbench, `GET /workbench`, and what awaits their decision, {requests} requests each, one client, at {total:N0} cases");
        Line();
        Line("| Page or list, as | Total or bytes | p50 | p99 | Max |");
        Line("|---|---:|---:|---:|---:|");
        workbench.ForEach(t => Line(t.Row()));
        Line();
        Line($"## The case list as CSV, `GET /api/cases/export.csv` (every match, at most 10,000), {Math.Max(3, requests / 5)} requests each, one client");
        Line();
        Line("| Filter | Rows | p50 | p99 | Max |");
        Line("|---|---:|---:|---:|---:|");
        exports.ForEach(t => Line(t.Row()));
        Line();
        Line($"## The admin's outbox list, `GET /api/admin/outbox` (500 newest) and `GET /admin/outbox` (the page), {requests} requests each, one client");
        Line();
        Line("| List | Rows or bytes | p50 | p99 | Max |");
        Line("|---|---:|---:|---:|---:|");
        outbox.ForEach(t => Line(t.Row()));
        Line();
        Line("## League table, `GET /api/reports/league-table`");
        Line();
        Line(rollup.Detail);
        Line();
        Line("| Period | Total | p50 | p99 | Max |");
        Line("|---|---:|---:|---:|---:|");
        league.ForEach(t => Line(t.Row()));
        Line();
        if (scheduleChange is not null)
        {
            Line($"## A schedule change at {small + due:N0} cases (`--schedule-change 1`)");
            Line();
            Line(scheduleChange);
            Line();
        }

        Line("## Daily digests (Hangfire job `digests-daily`, triggered)");
        Line();
        Line(digest.Detail);
        Line();
        Line($"## The mail relay at {total + 2 * due:N0} cases");
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"After the warm sweep, {relay.Pending:N0} mails were pending; the relay (the pump and Hangfire's job, to the bench's mailbox) sent {relay.Sent:N0} in {relay.Took.TotalSeconds:F1} s{(relay.Took >= TimeSpan.FromMinutes(10) ? " (gave up waiting: mail still due)" : "")}: **{relay.Sent / Math.Max(0.001, relay.Took.TotalSeconds):F0} mails/s** (target ≥ 200)."));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture,
            $"## Server RSS (VmRSS of the server process, sampled every 200 ms): max **{smallRss / 1024.0:F0} MB** in the {small:N0} sweep, **{bigRss / 1024.0:F0} MB** at {total:N0} (sweep, lists, league table, digests)"));
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"RSS max by step at {total:N0} (MB): {steps}."));
        Line();
        var targets = new (string Name, bool Ok)[]
        {
            ($"sweep ≤ 5 s at {small:N0}", smallSweep.Seconds <= 5 && smallSweep.Ok),
            ($"sweep ≤ 5 s at {total:N0}", bigSweep.Seconds <= 5 && bigSweep.Ok),
            ($"warm sweep ≤ 5 s at {small:N0}", smallWarm.Seconds <= 5 && smallWarm.Ok),
            ($"warm sweep ≤ 5 s at {total:N0}", bigWarm.Seconds <= 5 && bigWarm.Ok),
            ("exactly once", smallSweep.Ok && bigSweep.Ok && smallWarm.Ok && bigWarm.Ok),
            ("sweep ratio ≤ 1.2", ratio <= 1.2),
            ("warm sweep ratio ≤ 1.2", warmRatio <= 1.2),
            ("case list p99 ≤ 100 ms", list.All(t => t.P(0.99) <= 100)),
            ("workbench p99 ≤ 100 ms (ours)", workbench.All(t => t.P(0.99) <= 100)),
            ("outbox lists p99 ≤ 100 ms", outbox.All(t => t.P(0.99) <= 100)),
            ("league table ≤ 1 s", league.All(t => t.Max <= 1000)),
            ("RSS ≤ 250 MB", Math.Max(smallRss, bigRss) <= 250 * 1024),
            ("relay ≥ 200 mails/s", relay.Sent / Math.Max(0.001, relay.Took.TotalSeconds) >= 200),
        };
        Line("Targets: " + string.Join("; ", targets.Select(t => $"{t.Name}: **{(t.Ok ? "pass" : "FAIL")}**")) + ".");
        await report.SaveAsync();
        return smallSweep.Ok && bigSweep.Ok && smallWarm.Ok && bigWarm.Ok ? 0 : 1;
    }

    /// <summary>How far ahead of its writing the warm burst falls due: room for writing 10,000 cases and VACUUM (ANALYZE).</summary>
    private static readonly TimeSpan WarmLead = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A sweep on a running, warmed-up server (the sweep before it compiled its code): <paramref name="due"/> more
    /// cases, written while it runs, whose first timer falls due at one instant, as a day's deadlines do at 18:00.
    /// Waits for that instant, then measures as <see cref="SweepAsync"/> does (from the first escalation to the last).
    /// </summary>
    private static async Task<(Sweep Sweep, string Probe)> WarmSweepAsync(CaseGenerator generator, string cs, int due, int mailDays, int seed,
        int serverPid, int? postmasterPid)
    {
        var dueAt = DateTimeOffset.UtcNow + WarmLead;
        var added = await generator.AddAsync(due, due, mailDays, seed, dueAt);
        // The burst stands for cases opened over the days before their deadline, which autovacuum would have vacuumed
        // meanwhile. Written in seconds, they left it to vacuum them within its next minute, inside the sweep or not
        // (in a profiled run, a fifth of PostgreSQL's CPU in the sweep's window): done here, before the sweep.
        var vacuum = await VacuumAsync(cs);
        var ahead = dueAt - DateTimeOffset.UtcNow;
        Console.WriteLine($"Warm burst: {added.Cases} cases written in {added.Elapsed.TotalSeconds:F1} s, VACUUM (ANALYZE) {vacuum.TotalSeconds:F1} s, due in {ahead.TotalSeconds:F1} s");
        if (ahead > TimeSpan.Zero)
        {
            await Task.Delay(ahead);
        }

        var window = await SweepProbe.StartAsync(cs, added.DueIds, serverPid, postmasterPid);
        var (sweep, probe) = await SweepAsync(cs, added.DueIds, dueAt, window);
        return (sweep with { Late = ahead <= TimeSpan.Zero }, probe);
    }

    private static void WarmTable(BenchReport report, IEnumerable<(Sweep Sweep, string Cases)> rows)
    {
        var line = report.Line;
        line("Warm: the same server after that sweep; the due cases' first timer falls due at one instant (a day's deadlines at 18:00).");
        line();
        line("| Cases | Due | Escalated | Exactly once | Mail queued | Due → first escalation | Sweep (first → last escalation, mail queued) | Rate |");
        line("|---:|---:|---:|---|---:|---:|---:|---:|");
        foreach (var (sweep, cases) in rows)
        {
            line(sweep.WarmRow(cases));
        }
    }

    /// <summary>
    /// VACUUM (ANALYZE) after a bulk load, as autovacuum would have done over the two years the data stands for: COPY
    /// leaves the visibility map unset, so index-only scans (the league table's) would read the heap for every row,
    /// which a database that grew by use does not (a year's league table: 2.1 s with a million heap fetches, 1.2 s without).
    /// </summary>
    private static Task<TimeSpan> VacuumAsync(string cs) => MaintainAsync(cs, "VACUUM (ANALYZE)");

    /// <summary>Runs a maintenance command (VACUUM, ANALYZE, the roll-up's reset) on its own connection without a time limit; says and returns how long it took.</summary>
    private static async Task<TimeSpan> MaintainAsync(string cs, string command)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(command, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
        Console.WriteLine($"{command} in {stopwatch.Elapsed.TotalSeconds:F0} s");
        return stopwatch.Elapsed;
    }

    /// <summary>A client signed in as the bootstrap admin.</summary>
    private static async Task<HttpClient> AdminClientAsync(int port)
    {
        var admin = Client(port);
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await ServerProcess.TokenAsync(admin, ServerProcess.AdminEmail, ServerProcess.AdminPassword));
        return admin;
    }

    private static HttpClient Client(int port) => new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };

    private static async Task<T> ScalarAsync<T>(string cs, string sql, params object[] parameters)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        foreach (var p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed record Sweep(int Due, long Escalated, long Duplicates, long Mails, TimeSpan ToHealth, TimeSpan ToFirst, double Seconds, string Mix)
    {
        /// <summary>Cases fired in each half second from the first (see <see cref="PaceAsync"/>).</summary>
        public string Pace { get; init; } = "";

        /// <summary>A line under a table: the sweep's pace.</summary>
        public string PaceLine(string cases) => $"Cases fired per half second from the first ({cases}): {Pace}.";

        public bool Ok => Escalated == Due && Duplicates == 0;

        /// <summary>A warm burst written too slowly: it fell due before all of it was written.</summary>
        public bool Late { get; init; }

        /// <summary>A row of the cold table: server start → health, start → first escalation, then the sweep.</summary>
        public string Row(string cases) => Cells(cases, $"{ToHealth.TotalSeconds:F1} s | {ToFirst.TotalSeconds:F1} s");

        /// <summary>A row of the warm table: due → first escalation, then the sweep.</summary>
        public string WarmRow(string cases) => Cells(cases, $"{ToFirst.TotalSeconds:F1} s");

        private string Cells(string cases, string timing) => string.Create(CultureInfo.InvariantCulture,
            $"| {cases} | {Due:N0} | {Escalated:N0} ({Mix}) | {(Duplicates == 0 ? "yes" : $"**no: {Duplicates} repeated**")} | {Mails:N0} | {timing} | " +
            $"**{Seconds:F1} s**{(Late ? " (written late)" : "")} | {Escalated / Math.Max(0.001, Seconds):F0}/s |");
    }

    /// <summary>
    /// Waits until every due case is escalated (or nothing moves for a minute), then reads what the sweep wrote: one
    /// deadline-fired row, one <c>escalated</c> timeline entry and its mail per case, times from the database.
    /// </summary>
    /// <param name="probe">Stopped once the wait is over, before the checks, so its window leaves out the checks' reads
    /// (about 7 s of PostgreSQL's time at a million cases); its line is returned with the sweep.</param>
    private static async Task<(Sweep Sweep, string ProbeLine)> SweepAsync(string cs, long[] dueIds, DateTimeOffset processStarted, SweepProbe probe)
    {
        var health = DateTimeOffset.UtcNow - processStarted;
        long fired = 0, seen = -1;
        var still = Stopwatch.StartNew();
        while (fired < dueIds.Length && still.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(250);
            fired = await ScalarAsync<long>(cs, "SELECT count(DISTINCT case_id) FROM case_deadlines_fired WHERE case_id = ANY($1)", dueIds);
            if (fired != seen) still.Restart();
            seen = fired;
        }

        var probeLine = await probe.StopAsync();

        // Mail is queued in the same transaction as the escalation: once all are escalated, all mail is queued.
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            WITH e AS (SELECT case_id, data->>'level' AS level, count(*) AS n FROM case_events
                       WHERE case_id = ANY($1) AND kind = 'escalated' GROUP BY case_id, data->>'level')
            SELECT (SELECT count(DISTINCT case_id) FROM e),
                   (SELECT coalesce(sum(n - 1), 0) FROM e) + (SELECT count(*) FROM (SELECT case_id FROM e GROUP BY case_id HAVING count(*) > 1) x),
                   (SELECT count(*) FROM mail_outbox WHERE case_id = ANY($1) AND created_at >= $2),
                   (SELECT min(fired_at) FROM case_deadlines_fired WHERE case_id = ANY($1)),
                   (SELECT max(created_at) FROM mail_outbox WHERE case_id = ANY($1) AND created_at >= $2),
                   (SELECT max(fired_at) FROM case_deadlines_fired WHERE case_id = ANY($1)),
                   (SELECT string_agg(level || ' ' || n, ', ' ORDER BY level) FROM (SELECT level, count(*) AS n FROM e GROUP BY level) l)
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = dueIds });
        cmd.Parameters.Add(new NpgsqlParameter { Value = processStarted });
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        var firstAt = r.IsDBNull(3) ? processStarted : r.GetFieldValue<DateTimeOffset>(3);
        var lastMail = r.IsDBNull(4) ? firstAt : r.GetFieldValue<DateTimeOffset>(4);
        var lastFired = r.IsDBNull(5) ? firstAt : r.GetFieldValue<DateTimeOffset>(5);
        var last = lastMail > lastFired ? lastMail : lastFired;
        var sweep = new Sweep(dueIds.Length, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), health, firstAt - processStarted, (last - firstAt).TotalSeconds,
            r.IsDBNull(6) ? "none" : r.GetString(6));
        await r.DisposeAsync();
        return (sweep with { Pace = await PaceAsync(conn, dueIds, firstAt, lastFired) }, probeLine);
    }

    /// <summary>How many of the due cases fired in each half second from the first: where a sweep was slow (its start, its end).</summary>
    private static async Task<string> PaceAsync(NpgsqlConnection conn, long[] dueIds, DateTimeOffset firstAt, DateTimeOffset lastFired)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT coalesce(string_agg(coalesce(n, 0)::text, ' ' ORDER BY slot), '')
            FROM generate_series(0, $3) slot
            LEFT JOIN (SELECT floor(extract(epoch FROM fired_at - $2) * 2)::int AS slot, count(DISTINCT case_id) AS n
                       FROM case_deadlines_fired WHERE case_id = ANY($1) GROUP BY 1) b USING (slot)
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = dueIds });
        cmd.Parameters.Add(new NpgsqlParameter { Value = firstAt });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (int)Math.Floor((lastFired - firstAt).TotalSeconds * 2) });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed record Timing(string Name, string Total, double[] Millis, string Detail = "")
    {
        public double P(double q)
        {
            var sorted = Millis.Order().ToArray();
            return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        }

        public double Max => Millis.Length == 0 ? 0 : Millis.Max();

        public string Row() => string.Create(CultureInfo.InvariantCulture, $"| {Name} | {Total} | {P(0.5):F1} ms | {P(0.99):F1} ms | {Max:F1} ms |");
    }

    private static async Task<Timing> TimeAsync(HttpClient http, string name, string url, int n)
    {
        var millis = new double[n];
        var total = "?";
        for (var i = 0; i < n; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            millis[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
            if (i == 0)
            {
                total = url.Contains(".csv", StringComparison.Ordinal) ? $"{body.Count(ch => ch == '\n') - 1:N0} rows"
                    : body.StartsWith('[') ? $"{System.Text.Json.Nodes.JsonNode.Parse(body)!.AsArray().Count:N0} rows"
                    : body.StartsWith('{') ? System.Text.Json.Nodes.JsonNode.Parse(body)?["total"]?.ToString() ?? $"{body.Length:N0} bytes"
                    : $"{body.Length:N0} bytes";
            }
        }

        return new Timing(name, total, millis);
    }

    /// <summary>Every filter of the list, alone, on page 1 and page 1,000 (one warm-up request each first).</summary>
    private static async Task<List<Timing>> CaseListAsync(HttpClient http, int n)
    {
        (string Name, string Query)[] filters =
        [
            ("none", ""), ("status=dispatched", "status=dispatched"), ("status=closed", "status=closed"),
            ("departmentCode=zjj", "departmentCode=zjj"), ("overdue=true", "overdue=true"), ("overdue=false", "overdue=false"),
            ("q=enterprise name", "q=" + Uri.EscapeDataString("川渝食品")), ("q=case number", "q=" + Uri.EscapeDataString("-2026-0001")),
            ("status=accepted&departmentCode=fgj", "status=accepted&departmentCode=fgj"), ("officer=me", "officer=me"),
            ("decision=true", "decision=true"), ("status=open", "status=open"),
        ];
        var timings = new List<Timing>();
        foreach (var (name, query) in filters)
        {
            foreach (var page in new[] { 1, 1000 })
            {
                var url = $"/api/cases?{query}{(query.Length == 0 ? "" : "&")}page={page}";
                await TimeAsync(http, name, url, 1);
                timings.Add(await TimeAsync(http, $"{name}, page {page}", url, n));
            }
        }

        return timings;
    }

    /// <summary>
    /// The officer's workbench: five of the list's counts (officer=me with decision, overdue and open; decision for
    /// everyone) and their key enterprises due a visit, in one page; and the officer's "awaiting my decision" list. As
    /// the bench's officer, who is the officer of every generated case (the worst case), and as an officer with none
    /// (the admin): a prepared statement's generic plan, made for the first, read the whole waiting set for the second.
    /// </summary>
    private static async Task<List<Timing>> WorkbenchAsync(HttpClient officer, HttpClient none, int n)
    {
        var timings = new List<Timing>();
        foreach (var (who, http) in new[] { ("the officer of every case", officer), ("an officer with none", none) })
        {
            foreach (var (name, url) in new[] { ("the workbench (page)", "/workbench"), ("officer=me&decision=true", "/api/cases?officer=me&decision=true") })
            {
                await TimeAsync(http, name, url, 1);
                timings.Add(await TimeAsync(http, $"{name}, {who}", url, n));
            }
        }

        return timings;
    }

    /// <summary>The case list's CSV export: a department's accepted cases, and every overdue case (thousands of rows at 1 M cases).</summary>
    private static async Task<List<Timing>> CaseExportAsync(HttpClient http, int n)
    {
        var timings = new List<Timing>();
        foreach (var (name, query) in new[] { ("status=accepted&departmentCode=fgj", "status=accepted&departmentCode=fgj"), ("overdue=true", "overdue=true") })
        {
            var url = $"/api/cases/export.csv?{query}";
            await TimeAsync(http, name, url, 1);
            timings.Add(await TimeAsync(http, name, url, n));
        }

        return timings;
    }

    /// <summary>The admin's outbox: the API's list with each status filter, and the page (refused, then waiting mail).</summary>
    private static async Task<List<Timing>> OutboxListAsync(HttpClient admin, int n)
    {
        var timings = new List<Timing>();
        foreach (var (name, url) in new[]
                 {
                     ("all", "/api/admin/outbox"), ("status=sent", "/api/admin/outbox?status=sent"),
                     ("status=pending", "/api/admin/outbox?status=pending"), ("status=failed", "/api/admin/outbox?status=failed"),
                     ("the page", "/admin/outbox"),
                 })
        {
            await TimeAsync(admin, name, url, 1);
            timings.Add(await TimeAsync(admin, name, url, n));
        }

        return timings;
    }

    private static async Task<List<Timing>> LeagueTableAsync(HttpClient http)
    {
        var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime).AddDays(-1);
        return
        [
            await TimeAsync(http, "a week (default)", "/api/reports/league-table", 3),
            await TimeAsync(http, "a year (366 days)", $"/api/reports/league-table?from={yesterday.AddDays(-365):yyyy-MM-dd}&to={yesterday:yyyy-MM-dd}", 3),
        ];
    }

    /// <summary>
    /// How fast the relay empties the outbox of a large database: the mails still pending when it is called (the warm
    /// sweep's), waited for until none is left (at most 10 minutes), and how many were sent meanwhile.
    /// </summary>
    private static async Task<(long Pending, long Sent, TimeSpan Took)> RelayDrainAsync(string cs)
    {
        // Due mail only: a mail waiting out a retry's back-off is not the relay's to send yet.
        const string Pending = "SELECT count(*) FROM mail_outbox WHERE status = 'Pending' AND next_attempt_at <= now()";
        const string Sent = "SELECT count(*) FROM mail_outbox WHERE status = 'Sent'";
        var (pending, sentBefore) = (await ScalarAsync<long>(cs, Pending), await ScalarAsync<long>(cs, Sent));
        var stopwatch = Stopwatch.StartNew();
        while (await ScalarAsync<long>(cs, Pending) > 0 && stopwatch.Elapsed < TimeSpan.FromMinutes(10))
        {
            await Task.Delay(100);
        }

        var took = stopwatch.Elapsed;
        return (pending, await ScalarAsync<long>(cs, Sent) - sentBefore, took);
    }

    /// <summary>Triggers the daily digest job as an admin would from the dashboard, and waits for Hangfire to finish it.</summary>
    /// <param name="dayNote">What <see cref="MakeTodayAWorkingDayAsync"/> did, if anything, for the report.</param>
    private static async Task<Timing> DigestAsync(string cs, string? dayNote)
    {
        var before = await ScalarAsync<long>(cs, "SELECT count(*) FROM digest_sends");
        var (jobId, state, elapsed, perform) = await TriggerAsync(cs, DigestJob.DailyId);
        var sends = await ScalarAsync<long>(cs, "SELECT count(*) FROM digest_sends") - before;
        var items = await ScalarAsync<long>(cs, "SELECT coalesce(sum(items), 0) FROM digest_sends");
        var detail = (dayNote is null ? "" : dayNote + " ") + string.Create(CultureInfo.InvariantCulture,
            $"Job {jobId}: **{state}** in **{elapsed.TotalSeconds:F1} s** from trigger ({perform}); {sends} digests queued listing {items:N0} cases in all.")
            // The job sends on the zone's working days after the send time only; the bench moved the send time to midnight
            // and makes a weekend day a worked one, so what remains is a holiday or a digest already sent today.
            + (sends == 0 ? " Nothing was sent: no digest was due (a holiday in the zone, or today's digests already sent)." : "");
        return new Timing("digest", sends.ToString(CultureInfo.InvariantCulture), [elapsed.TotalMilliseconds], detail);
    }

    /// <summary>
    /// The daily digests go out on the zone's working days only, and the server runs on the real clock. On a weekend
    /// day the bench makes today a worked weekend day (调休上班) through <c>PUT /api/calendar/years/{year}</c>, as an
    /// admin would, so the digest step measures the digests whatever the day of the run (unless the run crosses the zone's
    /// midnight). Returns a note for the report, or null when today is a weekday (a statutory holiday on a weekday stays
    /// one: the step then says it sent nothing).
    /// </summary>
    private static async Task<string?> MakeTodayAWorkingDayAsync(HttpClient admin)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        if (today.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
        {
            return null;
        }

        var day = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var current = await admin.GetAsync($"/api/calendar/years/{today.Year}");
        var schedule = current.IsSuccessStatusCode
            ? JsonNode.Parse(await current.Content.ReadAsStringAsync())!.AsObject()
            : new JsonObject { ["year"] = today.Year, ["version"] = "bench", ["source"] = "bench", ["holidays"] = new JsonArray(), ["workdays"] = new JsonArray() };
        if (schedule["holidays"]!.AsArray().Any(h => h!["days"]!.AsArray().Any(d => (string?)d == day)))
        {
            return $"Today ({day}) is a statutory holiday in the zone: the digests are not sent.";
        }

        var workdays = schedule["workdays"]!.AsArray();
        if (workdays.Any(d => (string?)d == day))
        {
            return null;
        }

        workdays.Add(day);
        schedule["version"] = $"{(string?)schedule["version"]}-bench-{day}";
        using var put = await admin.PutAsync($"/api/calendar/years/{today.Year}", new StringContent(schedule.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        if (!put.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Making {day} a working day: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }

        return $"Today ({day}) is a weekend day in the zone: the bench made it a worked day (调休上班) through the calendar API before writing the cases.";
    }

    /// <summary>
    /// An admin adds the 2027 schedule (none is shipped, so deadlines in 2027 are provisional) at the small phase's size:
    /// how long the save takes, how long the job process's pump then takes to recompute the open cases' provisional
    /// deadlines (timeline entry and timers moved for each), and the case list's latency meanwhile, one officer
    /// listing page 1 over and over.
    /// </summary>
    private static async Task<string> ScheduleChangeAsync(int port, string officer, string cs, ServerProcess server)
    {
        const string year2027 = """
            { "year": 2027, "version": "cn-2027-bench", "source": "bench: 元旦 and 春节 as a 2027 notice might have them",
              "holidays": [ { "name": "New Year's Day", "nameZh": "元旦", "days": ["2027-01-01", "2027-01-02", "2027-01-03"] },
                            { "name": "Spring Festival", "nameZh": "春节", "days": ["2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"] } ],
              "workdays": ["2027-02-13", "2027-02-14"] }
            """;
        var provisional = await ScalarAsync<long>(cs, "SELECT count(*) FROM cases WHERE " + Liaison.Server.Data.LiaisonDbContext.OpenProvisionalCases);
        using var admin = await AdminClientAsync(port);
        using var http = Client(port);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", officer);
        var cpu = LoadDriver.CpuSeconds([server.Id]);
        var t0 = Stopwatch.GetTimestamp();
        using var put = await admin.PutAsync("/api/calendar/years/2027", new StringContent(year2027, System.Text.Encoding.UTF8, "application/json"));
        var saved = Stopwatch.GetElapsedTime(t0);
        if (put.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"PUT /api/calendar/years/2027: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }

        var lists = new List<double>();
        JsonNode state;
        while (true)
        {
            lists.Add((await TimeAsync(http, "", "/api/cases?page=1", 1)).Millis[0]);
            state = JsonNode.Parse(await admin.GetStringAsync("/api/calendar/years/2027/recompute"))!;
            if ((string?)state["state"] == "done")
            {
                break;
            }
        }

        var took = Stopwatch.GetElapsedTime(t0);
        var list = new Timing("", "", lists.ToArray());
        var changed = (int)state["recomputedCases"]!;
        return string.Create(CultureInfo.InvariantCulture,
            $"Schedule change (`PUT /api/calendar/years/2027`, {provisional:N0} open cases with a provisional deadline): saved in {saved.TotalMilliseconds:F0} ms (202); " +
            $"recomputed in the background in **{took.TotalSeconds:F1} s**: {(int)state["checked"]!:N0} cases looked at, {changed:N0} changed " +
            $"({changed / Math.Max(0.001, took.TotalSeconds):F0} cases/s, {(LoadDriver.CpuSeconds([server.Id]) - cpu) * 1000 / Math.Max(1, changed):F1} ms of server CPU each). " +
            $"Meanwhile the case list's page 1 answered {lists.Count} times: p50 {list.P(0.5):F1} ms, p99 {list.P(0.99):F1} ms, max {list.Max:F1} ms.");
    }

    /// <summary>
    /// Triggers the league table's daily roll-up (<see cref="LeagueRollup"/>) as its hourly job would after the data's
    /// two years had passed: the first run rolls up every day before today. The hourly run (minute 10) may already have
    /// run while only the templates existed, marking the days before today rolled up before the clones' two years were
    /// copied in (a run from 07:09 UTC did: 0 rows). A database that grew by use rolled each day up as it passed, so
    /// the bench starts the roll-up afresh.
    /// </summary>
    private static async Task<Timing> RollUpAsync(string cs)
    {
        await MaintainAsync(cs, "DELETE FROM league_days; UPDATE league_rollup_state SET rolled_before = NULL WHERE id = 1");
        var (jobId, state, elapsed, perform) = await TriggerAsync(cs, LeagueRollupJob.RecurringId);
        var rows = await ScalarAsync<long>(cs, "SELECT count(*) FROM league_days");
        var entries = await ScalarAsync<long>(cs, "SELECT coalesce(sum(count), 0) FROM league_days");
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"Roll-up job {jobId} (`{LeagueRollupJob.RecurringId}`, first run): **{state}** in **{elapsed.TotalSeconds:F1} s** ({perform}); {entries:N0} scored entries in {rows:N0} day rows.");
        return new Timing("roll-up", rows.ToString(CultureInfo.InvariantCulture), [elapsed.TotalMilliseconds], detail);
    }

    /// <summary>Triggers a recurring job and waits (up to 10 minutes) for its first attempt to end.</summary>
    private static async Task<(string JobId, string State, TimeSpan Elapsed, string Perform)> TriggerAsync(string cs, string recurringId)
    {
        var options = new PostgreSqlStorageOptions { SchemaName = Liaison.Server.Jobs.HangfireSetup.Schema, PrepareSchemaIfNecessary = false };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(cs, options), options);
        var t0 = Stopwatch.StartNew();
        var jobId = new RecurringJobManager(storage).TriggerJob(recurringId);
        var monitoring = storage.GetMonitoringApi();
        string state = "?";
        while (t0.Elapsed < TimeSpan.FromMinutes(10))
        {
            await Task.Delay(250);
            // The first attempt is the measurement: a failure is rescheduled (retried), which is not waited for.
            var states = monitoring.JobDetails(jobId)?.History.Select(h => h.StateName).ToList() ?? [];
            state = states.FirstOrDefault(s => s is "Succeeded" or "Failed" or "Deleted") ?? "?";
            if (state != "?") break;
        }

        var elapsed = t0.Elapsed;
        var history = monitoring.JobDetails(jobId)?.History.FirstOrDefault(h => h.StateName == state);
        var perform = history?.Data.TryGetValue("PerformanceDuration", out var ms) == true ? $"{ms} ms performing"
            : history?.Data.TryGetValue("ExceptionMessage", out var error) == true ? $"failed: {error}" : "";
        return (jobId, state, elapsed, perform);
    }
}
