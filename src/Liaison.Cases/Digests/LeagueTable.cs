using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;

namespace Liaison.Cases.Digests;

/// <summary>红 (red), 黄 (yellow) or 绿 (green, no marking) on the league table.</summary>
public enum LeagueMark
{
    Red,
    Yellow,
    Green,
}

/// <summary>Thresholds of the red/yellow marking; see README.md in this folder.</summary>
public sealed record LeagueRules(double RedBelow = 0.6, double YellowBelow = 0.9);

/// <summary>One department's line of the league table (红黄榜) for a period.</summary>
public sealed record LeagueRow(
    string DepartmentCode,
    string DepartmentName,
    int Received,
    int Accepted,
    int AcceptedOnTime,
    int Resolved,
    int ResolvedOnTime,
    int OverdueNow,
    int Returns,
    int Extensions,
    int Reopenings,
    double? MedianWorkingDaysToResolve,
    LeagueMark Mark)
{
    public double? AcceptOnTimeRate => Accepted == 0 ? null : (double)AcceptedOnTime / Accepted;

    public double? ResolveOnTimeRate => Resolved == 0 ? null : (double)ResolvedOnTime / Resolved;

    /// <summary>The department's co-handling parts (协办) of joint cases; the columns above count only its lead (主办) work.</summary>
    public CoHandlingCounts CoHandling { get; init; } = CoHandlingCounts.Zero;

    /// <summary>The enterprises' ratings of the cases the department led (满意率); not part of the marking.</summary>
    public SatisfactionCounts Satisfaction { get; init; } = SatisfactionCounts.Zero;

    /// <summary>Returns the officer insisted on (坚持原派): the case went back to this department, counted against it; not part of the marking.</summary>
    public int Insists { get; init; }
}

/// <summary>
/// One department's co-handling parts (协办) of joint cases in a period, or the total's; see README.md in this folder.
/// </summary>
/// <param name="Received">Distinct cases on which a part was dispatched to the department.</param>
/// <param name="Submitted">Parts submitted (协办意见), each on time or not by the part's original deadline.</param>
/// <param name="Overridden">Parts the lead resolved over after their deadline passed without them (recorded against the co-handler).</param>
/// <param name="OverdueNow">Parts still open now past their submit deadline; independent of the period.</param>
public sealed record CoHandlingCounts(
    int Received,
    int Accepted,
    int AcceptedOnTime,
    int Submitted,
    int SubmittedOnTime,
    int Overridden,
    int OverdueNow,
    int Returns,
    int Extensions)
{
    public static readonly CoHandlingCounts Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public double? AcceptOnTimeRate => Accepted == 0 ? null : (double)AcceptedOnTime / Accepted;

    /// <summary>On time out of every part that came due: a part resolved over (never submitted) counts as late.</summary>
    public double? SubmitOnTimeRate => Submitted + Overridden == 0 ? null : (double)SubmittedOnTime / (Submitted + Overridden);

    public static CoHandlingCounts operator +(CoHandlingCounts a, CoHandlingCounts b) => new(
        a.Received + b.Received, a.Accepted + b.Accepted, a.AcceptedOnTime + b.AcceptedOnTime, a.Submitted + b.Submitted,
        a.SubmittedOnTime + b.SubmittedOnTime, a.Overridden + b.Overridden, a.OverdueNow + b.OverdueNow, a.Returns + b.Returns,
        a.Extensions + b.Extensions);
}

public sealed record LeagueTableResult(DateOnly From, DateOnly To, DateTimeOffset GeneratedAt, LeagueRules Rules, IReadOnlyList<LeagueRow> Rows, LeagueRow Totals);

/// <summary>
/// Computes the league table from the cases' timelines, so each event is scored against the department that held
/// the case when it happened (a case returned by one department and reassigned to another counts the return
/// against the first, and its later acceptance and resolution for the second). Definitions: README.md.
/// </summary>
public static class LeagueTable
{
    /// <summary>The timeline entries the league table scores.</summary>
    public static readonly string[] ScoringKinds =
        [CaseEventKinds.Dispatched, CaseActions.Accept, CaseActions.Return, CaseActions.Extension, CaseActions.Resolve, CaseEventKinds.Reopened,
         CaseActions.Submit, CaseEventKinds.PartOverridden, CaseEventKinds.Insisted, CaseEventKinds.AcceptOverdue,
         CaseEventKinds.RatingReopened];

    /// <summary>
    /// Writes an entry's score as it is recorded, so the database can add up the league table without replaying
    /// timelines: the department whose round the entry belongs to, the round's start and, for an acceptance or a
    /// resolution, whether it met that round's deadline as dispatched. Call it after the case's round fields are
    /// current (<see cref="Case.RoundDepartmentCode"/> and friends, set when a round is dispatched). Entries outside
    /// a round, or of kinds not scored, stay unscored.
    /// </summary>
    /// <remarks>
    /// A co-handler's part of a joint case (<see cref="CasePart"/>) is scored against the part's round the same way;
    /// its submission (<see cref="CaseActions.Submit"/>) is on time by the part's original due date.
    /// </remarks>
    public static void Score(CaseEvent e, IAssignment a)
    {
        if (a.RoundDepartmentCode is not { } department || a.RoundStartedAt is not { } start || !ScoringKinds.Contains(e.Kind)) return;
        e.DepartmentCode = department;
        e.RoundStartedAt = start;
        e.OnTime = e.Kind switch
        {
            // A round whose acceptance deadline passed unaccepted was counted late then (AcceptOverdue): its acceptance is not counted again.
            CaseActions.Accept => a.RoundAcceptMissed ? null : a.RoundAcceptBy is not { } acceptBy || e.At <= acceptBy,
            CaseEventKinds.AcceptOverdue => false,
            // A part the lead resolved over is late when its own deadline had passed, and not counted when it had not.
            CaseActions.Resolve or CaseActions.Submit or CaseEventKinds.PartOverridden => a.OriginalDueAt is not { } due || e.At <= due,
            _ => null,
        };
    }

    /// <summary>
    /// The table from each department's counts (computed here or by the database): marks, order and names.
    /// </summary>
    /// <param name="departments">Code and name of every department to show, in display order.</param>
    /// <param name="counts">Counts per department code; departments met only here are added after the listed ones.</param>
    /// <param name="total">The counts over every department (its median is over every counted resolution).</param>
    public static LeagueTableResult Build(
        IEnumerable<(string Code, string Name)> departments, IReadOnlyDictionary<string, LeagueCounts> counts, LeagueCounts total,
        DateOnly from, DateOnly to, DateTimeOffset now, LeagueRules? rules = null)
    {
        rules ??= new LeagueRules();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (code, name) in departments)
        {
            if (names.TryAdd(code, name)) order.Add(code);
        }

        order.AddRange(counts.Keys.Where(code => !names.ContainsKey(code)).Order(StringComparer.Ordinal));
        var position = order.Select((code, i) => (code, i)).ToDictionary(x => x.code, x => x.i);
        var rows = order
            .Select(code => Row(code, names.GetValueOrDefault(code, code), counts.GetValueOrDefault(code) ?? LeagueCounts.Zero, rules))
            .OrderBy(r => r.Mark)
            .ThenByDescending(r => r.OverdueNow + r.CoHandling.OverdueNow)
            .ThenBy(r => Worst(r) ?? 2)
            .ThenBy(r => position[r.DepartmentCode])
            .ToList();
        return new LeagueTableResult(from, to, now, rules, rows, Row("", "合计 / Total", total, rules));
    }

    private static LeagueRow Row(string code, string name, LeagueCounts n, LeagueRules rules)
    {
        var row = new LeagueRow(code, name, n.Received, n.Accepted, n.AcceptedOnTime, n.Resolved, n.ResolvedOnTime, n.OverdueNow,
            n.Returns, n.Extensions, n.Reopenings, n.MedianWorkingDaysToResolve, LeagueMark.Green) { CoHandling = n.CoHandling, Insists = n.Insists };
        return row with { Mark = Mark(n.OverdueNow + n.CoHandling.OverdueNow, Worst(row), rules) };
    }

    /// <param name="cases">Cases with their timelines loaded (at least the scoring events).</param>
    /// <param name="departments">Code and name of every department to show, in display order; departments met only in the data are added.</param>
    /// <param name="from">First local day of the period.</param>
    /// <param name="to">Last local day of the period, inclusive.</param>
    /// <param name="parts">The co-handling parts of joint cases, by case id (for the parts overdue now).</param>
    public static LeagueTableResult Compute(
        IEnumerable<Case> cases, IEnumerable<(string Code, string Name)> departments, DateOnly from, DateOnly to,
        DateTimeOffset now, WorkingCalendar calendar, LeagueRules? rules = null, ILookup<long, CasePart>? parts = null)
    {
        var table = new Accumulator(departments, from, to, now, calendar, rules);
        foreach (var c in cases) table.Add(c, parts?[c.Id]);
        return table.Result();
    }

    /// <summary>
    /// The league table built one case at a time, so a caller can feed it cases in batches (a year of a large zone)
    /// without holding them all: it keeps only the departments' tallies.
    /// </summary>
    public sealed class Accumulator
    {
        private readonly Dictionary<string, Tally> _tallies = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
        private readonly DateOnly _from;
        private readonly DateOnly _to;
        private readonly DateTimeOffset _now;
        private readonly DateTimeOffset _start;
        private readonly DateTimeOffset _end;
        private readonly WorkingCalendar _calendar;
        private readonly LeagueRules _rules;

        /// <param name="departments">Code and name of every department to show, in display order; departments met only in the data are added.</param>
        /// <param name="from">First local day of the period.</param>
        /// <param name="to">Last local day of the period, inclusive.</param>
        public Accumulator(IEnumerable<(string Code, string Name)> departments, DateOnly from, DateOnly to, DateTimeOffset now,
            WorkingCalendar calendar, LeagueRules? rules = null)
        {
            (_from, _to, _now, _calendar, _rules) = (from, to, now, calendar, rules ?? new LeagueRules());
            _start = DigestSchedule.At(calendar, from, TimeOnly.MinValue);
            _end = DigestSchedule.At(calendar, to.AddDays(1), TimeOnly.MinValue);
            foreach (var (code, name) in departments)
            {
                _names.TryAdd(code, name);
                _tallies.TryAdd(code, new Tally());
            }
        }

        private bool InPeriod(DateTimeOffset at) => at >= _start && at < _end && at <= _now;

        private Tally For(string code) => _tallies.TryGetValue(code, out var t) ? t : _tallies[code] = new Tally();

        /// <summary>Scores one case with its timeline loaded (at least the scoring events) and, for a joint case, its parts.</summary>
        public void Add(Case c, IEnumerable<CasePart>? parts = null)
        {
            // A joint case's co-handlers each have their own rounds (entries name their part); the lead's have no part.
            // A department counts a case received once as lead and once as co-handler (the lead may be reassigned to a
            // department that co-handles the same case).
            var rounds = new Dictionary<long, Round>();
            // Rounds (by part, 0 the lead's) whose acceptance deadline passed unaccepted: counted late then, their acceptance not again.
            var missed = new HashSet<long>();
            var received = new HashSet<(string, bool)>();
            var lastResolve = new Dictionary<string, (bool OnTime, int Days)>(StringComparer.Ordinal);
            foreach (var e in c.Timeline.OrderBy(e => e.At).ThenBy(e => e.Id))
            {
                var co = e.PartId is not null;
                if (e.Kind == CaseEventKinds.Dispatched && ReadRound(e) is { } r)
                {
                    rounds[e.PartId ?? 0] = r;
                    missed.Remove(e.PartId ?? 0);
                    if (InPeriod(e.At) && received.Add((r.Department, co)))
                    {
                        if (co) For(r.Department).CoReceived++;
                        else For(r.Department).Received++;
                    }

                    continue;
                }

                if (e.Kind == CaseEventKinds.DeadlineChanged && !co && rounds.TryGetValue(0, out var current) && ReopenedDue(e) is { } reopenedDue)
                {
                    // A reopening gives the re-handling a deadline of its own to be scored against (an extension does not).
                    rounds[0] = current with { DueAt = reopenedDue };
                    continue;
                }

                if (e.Kind == CaseEventKinds.AcceptOverdue && rounds.TryGetValue(e.PartId ?? 0, out var late) && missed.Add(e.PartId ?? 0) && InPeriod(e.At))
                {
                    if (co) For(late.Department).CoAccepted++;
                    else For(late.Department).Accepted++;
                    continue;
                }

                if (!rounds.TryGetValue(e.PartId ?? 0, out var round) || !InPeriod(e.At)) continue;
                var t = For(round.Department);
                var acceptedOnTime = round.AcceptBy is not { } acceptBy || e.At <= acceptBy;
                var dueOnTime = round.DueAt is not { } due || e.At <= due;
                switch (e.Kind, co)
                {
                    case (CaseActions.Accept, false) when !missed.Contains(0):
                        t.Accepted++;
                        if (acceptedOnTime) t.AcceptedOnTime++;
                        break;
                    case (CaseActions.Return, false):
                        t.Returns++;
                        break;
                    case (CaseEventKinds.Insisted, false):
                        // The officer sent a returned case back to the department that returned it (坚持原派): against it.
                        t.Insists++;
                        break;
                    case (CaseActions.Extension, false):
                        t.Extensions++;
                        break;
                    case (_, false) when CaseEventKinds.Reopenings.Contains(e.Kind):
                        // 重办 before the close, or after it on the enterprise's unsatisfied rating (as a follow-up case):
                        // re-handling, against the department whose round it was.
                        t.Reopenings++;
                        break;
                    case (CaseActions.Resolve, false):
                        // Scored against the round's original deadline (extensions do not move it; a reopening sets the re-handling's).
                        lastResolve[round.Department] = (dueOnTime, _calendar.WorkingDaysBetween(round.Start, e.At));
                        break;
                    case (CaseActions.Accept, true) when !missed.Contains(e.PartId!.Value):
                        t.CoAccepted++;
                        if (acceptedOnTime) t.CoAcceptedOnTime++;
                        break;
                    case (CaseActions.Return, true):
                        t.CoReturns++;
                        break;
                    case (CaseActions.Extension, true):
                        t.CoExtensions++;
                        break;
                    case (CaseActions.Submit, true):
                        t.CoSubmitted++;
                        if (dueOnTime) t.CoSubmittedOnTime++;
                        break;
                    case (CaseEventKinds.PartOverridden, true):
                        // Only when the part was already late: a lead that goes ahead before the co-handler's deadline
                        // takes nothing from the co-handler's rate.
                        if (!dueOnTime) t.CoOverridden++;
                        break;
                }
            }

            foreach (var (department, resolve) in lastResolve)
            {
                var t = For(department);
                t.Resolved++;
                if (resolve.OnTime) t.ResolvedOnTime++;
                t.ResolveDays.Add(resolve.Days);
            }

            if (CaseStatuses.IsWithHandler(c.Status) && c.DueAt < _now)
            {
                For(c.DepartmentCode).OverdueNow++;
            }

            // A part still open on a case that has not ended, past its submit deadline.
            if (CaseStatuses.Ended.Contains(c.Status)) return;
            foreach (var part in parts ?? [])
            {
                if (part.IsOpen && part.DueAt < _now) For(part.DepartmentCode).CoOverdueNow++;
            }
        }

        public LeagueTableResult Result()
        {
            var total = new Tally();
            foreach (var t in _tallies.Values) total.Add(t);
            return Build(_tallies.Keys.Select(code => (code, _names.GetValueOrDefault(code, code))), _tallies.ToDictionary(p => p.Key, p => p.Value.Counts()), total.Counts(), _from, _to, _now, _rules);
        }
    }

    /// <summary>
    /// Red when a case is overdue now or the worse on-time rate is below <see cref="LeagueRules.RedBelow"/>;
    /// yellow when it is below <see cref="LeagueRules.YellowBelow"/>; otherwise green. No rate yet counts as on time.
    /// </summary>
    public static LeagueMark Mark(int overdueNow, double? worstRate, LeagueRules rules) =>
        overdueNow > 0 || worstRate < rules.RedBelow ? LeagueMark.Red
        : worstRate < rules.YellowBelow ? LeagueMark.Yellow
        : LeagueMark.Green;

    /// <summary>The worst of the department's on-time rates, lead and co-handling; null when there is none.</summary>
    public static double? Worst(LeagueRow r) =>
        new[] { r.AcceptOnTimeRate, r.ResolveOnTimeRate, r.CoHandling.AcceptOnTimeRate, r.CoHandling.SubmitOnTimeRate }.Min();

    /// <summary>The median of a histogram (value → how many times it occurs), as <see cref="Median(IReadOnlyCollection{int})"/> would give.</summary>
    public static double? MedianOfHistogram(SortedDictionary<int, int> histogram)
    {
        var n = histogram.Values.Sum();
        if (n == 0) return null;
        int? lower = null;
        var seen = 0;
        foreach (var (value, count) in histogram)
        {
            // The sorted list's elements at (n - 1) / 2 and n / 2: the same one when n is odd.
            if (lower is null && seen + count > (n - 1) / 2) lower = value;
            if (seen + count > n / 2) return (lower!.Value + value) / 2.0;
            seen += count;
        }

        throw new InvalidOperationException("unreachable: the counts add up to n");
    }

    public static double? Median(IReadOnlyCollection<int> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    private sealed record Round(string Department, DateTimeOffset Start, DateTimeOffset? AcceptBy, DateTimeOffset? DueAt);

    // A deadline change's data: { reason, dueAt: { due, … }, originalDueAt } (CaseEffectHandler); the new deadline of a reopening.
    private static DateTimeOffset? ReopenedDue(CaseEvent e) => Read(e, root =>
        root.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String && reason.GetString() == "reopen"
            ? Due(root, "dueAt")
            : null);

    // The dispatched entry's data: { department, round, acceptBy: { due, … }, dueAt: { due, … } } (CaseEffectHandler);
    // an insist's round also { insisted: { scoredDueAt } }, the deadline its resolution is scored against.
    private static Round? ReadRound(CaseEvent e) => Read(e, root =>
        root.TryGetProperty("department", out var dep) && dep.ValueKind == JsonValueKind.String
            ? new Round(dep.GetString()!, e.At, Due(root, "acceptBy"), ScoredDue(root) ?? Due(root, "dueAt"))
            : null);

    private static DateTimeOffset? ScoredDue(JsonElement root) =>
        root.TryGetProperty("insisted", out var insisted) && insisted.ValueKind == JsonValueKind.Object
        && insisted.TryGetProperty("scoredDueAt", out var scored) && scored.ValueKind == JsonValueKind.String && scored.TryGetDateTimeOffset(out var at) ? at : null;

    /// <summary>What <paramref name="read"/> finds in the entry's data; nothing for an entry without data or with data that is not JSON.</summary>
    private static T? Read<T>(CaseEvent e, Func<JsonElement, T?> read)
    {
        if (e.Data is null) return default;
        try
        {
            using var doc = JsonDocument.Parse(e.Data);
            return read(doc.RootElement);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static DateTimeOffset? Due(JsonElement root, string name) =>
        root.TryGetProperty(name, out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("due", out var due)
        && due.TryGetDateTimeOffset(out var at) ? at : null;

    private sealed class Tally
    {
        public int Received, Accepted, AcceptedOnTime, Resolved, ResolvedOnTime, OverdueNow, Returns, Extensions, Reopenings, Insists;
        public int CoReceived, CoAccepted, CoAcceptedOnTime, CoSubmitted, CoSubmittedOnTime, CoOverridden, CoOverdueNow, CoReturns, CoExtensions;
        public List<int> ResolveDays { get; } = [];

        public void Add(Tally o)
        {
            Received += o.Received; Accepted += o.Accepted; AcceptedOnTime += o.AcceptedOnTime; Resolved += o.Resolved;
            ResolvedOnTime += o.ResolvedOnTime; OverdueNow += o.OverdueNow; Returns += o.Returns; Extensions += o.Extensions;
            Reopenings += o.Reopenings; Insists += o.Insists; ResolveDays.AddRange(o.ResolveDays);
            CoReceived += o.CoReceived; CoAccepted += o.CoAccepted; CoAcceptedOnTime += o.CoAcceptedOnTime; CoSubmitted += o.CoSubmitted;
            CoSubmittedOnTime += o.CoSubmittedOnTime; CoOverridden += o.CoOverridden; CoOverdueNow += o.CoOverdueNow; CoReturns += o.CoReturns;
            CoExtensions += o.CoExtensions;
        }

        public LeagueCounts Counts() => new(Received, Accepted, AcceptedOnTime, Resolved, ResolvedOnTime, OverdueNow, Returns,
            Extensions, Reopenings, Median(ResolveDays))
        {
            CoHandling = new(CoReceived, CoAccepted, CoAcceptedOnTime, CoSubmitted, CoSubmittedOnTime, CoOverridden, CoOverdueNow, CoReturns, CoExtensions),
            Insists = Insists,
        };
    }
}

/// <summary>One department's (or the total's) counts for a period, before marking.</summary>
public sealed record LeagueCounts(
    int Received,
    int Accepted,
    int AcceptedOnTime,
    int Resolved,
    int ResolvedOnTime,
    int OverdueNow,
    int Returns,
    int Extensions,
    int Reopenings,
    double? MedianWorkingDaysToResolve)
{
    public static readonly LeagueCounts Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0, null);

    /// <summary>Returned cases the officer sent back to the department that returned them (坚持原派), counted against it.</summary>
    public int Insists { get; init; }

    /// <summary>The department's co-handling parts (协办); the counts above are its lead (主办) work only.</summary>
    public CoHandlingCounts CoHandling { get; init; } = CoHandlingCounts.Zero;
}
