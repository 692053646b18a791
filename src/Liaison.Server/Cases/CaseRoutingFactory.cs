using System.Text.Json.Nodes;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Departments;
using Liaison.Cases.Routing;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Server.Calendar;
using Liaison.Server.Categories;
using Liaison.Server.Data;
using Liaison.Server.Departments;
using Liaison.Server.Workflows;
using Liaison.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Liaison.Server.Cases;

/// <summary>Builds what a case workflow run sees (<see cref="CaseRouting"/>) from the database.</summary>
public sealed class CaseRoutingFactory(CalendarService calendars, CategoryService categories, CaseMailer mailer, TimeProvider clock) : IRunContextFactory
{
    public const string CorrelationPrefix = PartCorrelation.CasePrefix;

    private static readonly CaseExpressionGlobals Globals = new();

    public async Task<RunContext> CreateAsync(LiaisonDbContext db, WorkflowInstanceRecord instance, CancellationToken ct)
    {
        if (!PartCorrelation.TryParse(instance.CorrelationId, out var caseId, out var partId))
        {
            return new RunContext();
        }

        var c = TakeReadAhead(db, caseId);
        if (c is null && ReadAheadTaken(db, caseId))
        {
            // An earlier run of the chunk had this case and may have left rows unsaved (links, timeline entries) that
            // this run's effects look for in the database: save them first.
            await db.SaveChangesAsync(ct);
        }

        c ??= await db.Cases.GetAsync(caseId, ct);
        return partId is { } id
            ? await CreateAsync(db, c, await db.Set<CasePart>().GetAsync(id, ct), ct)
            : await CreateAsync(db, c, ct);
    }

    /// <summary>
    /// A chunk of timers is about to run: read the cases of all its instances, their parts and their fired deadlines,
    /// a query each, in the chunk's transaction (its instances are locked, and only their runs record deadlines). A
    /// run then takes its case from here (<see cref="CreateAsync(LiaisonDbContext, WorkflowInstanceRecord, CancellationToken)"/>)
    /// instead of reading it.
    /// </summary>
    public async Task PrepareAsync(LiaisonDbContext db, IReadOnlyCollection<WorkflowInstanceRecord> instances, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not { } tx)
        {
            return;
        }

        var caseIds = instances
            .Select(i => PartCorrelation.TryParse(i.CorrelationId, out var caseId, out _) ? caseId : (long?)null)
            .OfType<long>()
            .Distinct()
            .ToArray();
        if (caseIds.Length == 0)
        {
            return;
        }

        // Tracked as they are read (a query tracks its rows for less than attaching them one by one later). A case the
        // chunk already tracks comes back as tracked, changes and all.
        var cases = await db.Cases.Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var parts = (await db.Set<CasePart>().Where(p => caseIds.Contains(p.CaseId)).OrderBy(p => p.Id).ToListAsync(ct)).ToLookup(p => p.CaseId);
        var fired = (await db.Set<CaseDeadlineFired>().AsNoTracking().Where(f => caseIds.Contains(f.CaseId)).ToListAsync(ct))
            .ToLookup(f => (f.CaseId, f.PartId));
        foreach (var caseId in caseIds)
        {
            foreach (var partId in parts[caseId].Select(p => p.Id).Prepend(0))
            {
                RememberFired(tx, caseId, partId, fired[(caseId, partId)]);
            }
        }

        _readAhead = (tx.TransactionId, cases, parts, []);
    }

    /// <summary>
    /// Locks the cases of the timers' instances (a part's instance names its case in its correlation id, as the case's
    /// own does), in id order, as <c>CaseService</c> locks a case before it resumes its workflow and a schedule's
    /// recomputation locks its chunk's cases: one order everywhere, so a timer meeting a person's action takes turns.
    /// </summary>
    public async Task LockOwnersOfTimersAsync(LiaisonDbContext db, IReadOnlyCollection<string> bookmarkIds, CancellationToken ct)
    {
        var ids = bookmarkIds.ToArray();
        await db.Database.ExecuteSqlAsync($"""
            SELECT c.id FROM cases c
            WHERE c.id = ANY(ARRAY(
                SELECT substring(w.correlation_id FROM '^case:([0-9]+)')::bigint
                FROM workflow_bookmarks b JOIN workflow_instances w ON w.id = b.instance_id
                WHERE b.id = ANY({ids}) AND w.correlation_id LIKE 'case:%'))
            ORDER BY c.id
            FOR UPDATE OF c
            """, ct);
    }

    // What PrepareAsync read for a chunk's runs, in its transaction; each case is handed out once.
    private (Guid Transaction, Dictionary<long, Case> Cases, ILookup<long, CasePart> Parts, HashSet<long> Taken)? _readAhead;

    private bool ReadAheadTaken(LiaisonDbContext db, long caseId) =>
        _readAhead is { } ahead && db.Database.CurrentTransaction?.TransactionId == ahead.Transaction && ahead.Taken.Contains(caseId);

    /// <summary>
    /// The case as the chunk read it, tracked with its parts, the first time a run of the chunk asks for it. A later
    /// run gets it from the DbContext as the earlier run left it (or from the database, if the chunk cleared the
    /// DbContext meanwhile). Null: not read ahead, or taken already.
    /// </summary>
    private Case? TakeReadAhead(LiaisonDbContext db, long caseId)
    {
        if (_readAhead is not { } ahead || db.Database.CurrentTransaction?.TransactionId != ahead.Transaction || !ahead.Cases.Remove(caseId, out var c))
        {
            return null;
        }

        ahead.Taken.Add(caseId);
        if (db.StateOf(c) == EntityState.Detached)
        {
            // The chunk cleared the DbContext since the read (untouched rows are still as read, under the chunk's locks).
            if (db.Cases.IsTracked(caseId))
            {
                return null;
            }

            db.Cases.Attach(c);
        }

        var parts = ahead.Parts[caseId].ToList();
        var partSet = db.Set<CasePart>();
        partSet.AttachRange(parts.Where(p => db.StateOf(p) == EntityState.Detached && !partSet.IsTracked(p.Id)));
        if (parts.All(p => db.StateOf(p) != EntityState.Detached))
        {
            mailer.KnowParts(caseId, parts);
        }

        return c;
    }

    /// <summary>
    /// A case inserted in the current transaction, with its parts (tracked): it has no fired deadlines and no other
    /// parts, so its runs in this transaction need not read them.
    /// </summary>
    public void Opened(LiaisonDbContext db, long caseId, List<CasePart> parts)
    {
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("A case is opened in a transaction.");
        foreach (var partId in parts.Select(p => p.Id).Prepend(0))
        {
            RememberFired(tx, caseId, partId, []);
        }

        mailer.KnowParts(caseId, parts);
    }

    /// <param name="parts">The co-handlers' parts to dispatch: all of them when the case is opened (the routing's first run),
    /// the ones the officer asks again on a reopening (重办).</param>
    /// <param name="calendar">The calendar to route with; null: the zone's current one (a year being stored is not in it yet).</param>
    public async Task<RunContext> CreateAsync(
        LiaisonDbContext db, Case c, CancellationToken ct, IReadOnlyList<CasePart>? parts = null, WorkingCalendar? calendar = null)
    {
        var snapshot = Snapshot(c, await FiredAsync(db, c.Id, 0, ct));
        snapshot.Parts = parts?.Select(p => new CasePartRef(p.Id, p.DepartmentCode, p.Task)).ToList() ?? [];
        snapshot.Returned = await ReturnedAsync(db, c, ct);
        return Context(await RoutingAsync(db, snapshot, ct, calendar));
    }

    /// <summary>A co-handler's part's workflow sees the part as its case: the part's department, handler, round, deadlines and status.</summary>
    public async Task<RunContext> CreateAsync(LiaisonDbContext db, Case c, CasePart part, CancellationToken ct, WorkingCalendar? calendar = null)
    {
        var snapshot = Snapshot(c, await FiredAsync(db, c.Id, part.Id, ct));
        var dispatched = part.AssignmentRound > 0;
        snapshot.LeadDueAt = c.DueAt;
        snapshot.Status = part.AsCaseStatus;
        snapshot.DepartmentCode = part.DepartmentCode;
        snapshot.AssignedDepartmentCode = dispatched ? part.DepartmentCode : null;
        snapshot.Handler = dispatched ? new Person(part.HandlerName, part.HandlerEmail, part.HandlerCulture) : null;
        snapshot.Leader = part.LeaderEmail is null ? null : new Person(part.LeaderName ?? "", part.LeaderEmail, part.LeaderCulture);
        snapshot.AssignmentRound = part.AssignmentRound;
        snapshot.AcceptBy = part.AcceptBy;
        snapshot.DueAt = part.DueAt;
        snapshot.NextProgressReportAt = part.NextProgressReportAt;
        snapshot.PendingExtensionDays = part.PendingExtensionDays;
        snapshot.PartId = part.Id;
        snapshot.Task = part.Task;
        return Context(await RoutingAsync(db, snapshot, ct, calendar));
    }

    private async Task<IEnumerable<string>> FiredAsync(LiaisonDbContext db, long caseId, long partId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is { } current && _fired.TryGetValue((caseId, partId), out var known) && known.Transaction == current.TransactionId)
        {
            // Read in this transaction, under the instance's lock, and kept current since (PrepareAsync, RecordedFired).
            return known.Keys.Select(k => CaseSnapshot.EscalationKey(k.Kind, k.Deadline)).ToList();
        }

        var rows = await db.Set<CaseDeadlineFired>().Where(f => f.CaseId == caseId && f.PartId == partId).ToListAsync(ct);
        if (db.Database.CurrentTransaction is { } tx)
        {
            RememberFired(tx, caseId, partId, rows);
        }

        return rows.Select(f => CaseSnapshot.EscalationKey(f.Kind, f.Deadline));
    }

    private void RememberFired(IDbContextTransaction tx, long caseId, long partId, IEnumerable<CaseDeadlineFired> rows) =>
        _fired[(caseId, partId)] = (tx.TransactionId, rows.Select(f => (f.Kind, Micros(f.Deadline))).ToHashSet());

    // The deadline-fired rows read for a run, by (case, part), with the transaction that read them.
    private readonly Dictionary<(long CaseId, long PartId), (Guid Transaction, HashSet<(string Kind, DateTimeOffset Deadline)> Keys)> _fired = [];

    /// <summary>
    /// Whether this deadline has fired, when this scope knows for certain: the run's rows were read in the current
    /// transaction, which holds the instance's lock (only a run of the instance records its deadlines), and every row
    /// recorded since went through <see cref="RecordedFired"/>. Null when it does not know: ask the database.
    /// </summary>
    public bool? HasFired(LiaisonDbContext db, long caseId, long partId, string kind, DateTimeOffset deadline) =>
        db.Database.CurrentTransaction is { } tx && _fired.TryGetValue((caseId, partId), out var read) && read.Transaction == tx.TransactionId
            ? read.Keys.Contains((kind, Micros(deadline)))
            : null;

    /// <summary>A deadline-fired row added in the current transaction.</summary>
    public void RecordedFired(long caseId, long partId, string kind, DateTimeOffset deadline)
    {
        if (_fired.TryGetValue((caseId, partId), out var read))
        {
            read.Keys.Add((kind, Micros(deadline)));
        }
    }

    // PostgreSQL keeps microseconds: compare as the unique key does.
    private static DateTimeOffset Micros(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero);

    private async Task<CaseRouting> RoutingAsync(LiaisonDbContext db, CaseSnapshot snapshot, CancellationToken ct, WorkingCalendar? calendar = null) => new()
    {
        Case = snapshot,
        Calendar = calendar ?? await calendars.GetAsync(ct),
        Categories = await categories.ListAsync(ct),
        Departments = _departments ??= await ActiveDepartmentsAsync(db, ct),
    };

    private Dictionary<string, DepartmentContact>? _departments;

    // The departments whose dispatch locks the scope's read of them holds, and the transaction that holds them.
    private (Guid Transaction, HashSet<string> Codes)? _dispatchLocks;

    /// <summary>
    /// A case open's read of the departments (the scope's first), under the dispatch locks of the departments it names
    /// (<see cref="DepartmentLocks"/>): its dispatches to them need no read of their own. Does nothing when the scope
    /// read them already or has no transaction; the dispatches then read under the lock themselves.
    /// </summary>
    public async Task ReadDepartmentsForDispatchAsync(LiaisonDbContext db, IReadOnlyCollection<string> dispatchTo, CancellationToken ct)
    {
        if (_departments is not null || db.Database.CurrentTransaction is not { } tx
            || await DepartmentLocks.ReadAllForDispatchAsync(db, dispatchTo, ct) is not { } all)
        {
            return;
        }

        mailer.KnowDepartments(all);
        _departments = Contacts(all.Where(d => d.Active));
        _dispatchLocks = (tx.TransactionId, dispatchTo.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Whether this scope read the department under its dispatch lock in the current transaction (what the routing holds is current).</summary>
    public bool HoldsDispatchLock(LiaisonDbContext db, string code) =>
        _dispatchLocks is { } held && db.Database.CurrentTransaction?.TransactionId == held.Transaction && held.Codes.Contains(code);

    /// <summary>The active department with this code (from the scope's one read of all departments); null if none.</summary>
    public async Task<DepartmentContact?> ActiveDepartmentAsync(LiaisonDbContext db, string code, CancellationToken ct) =>
        (_departments ??= await ActiveDepartmentsAsync(db, ct)).GetValueOrDefault(code);

    /// <summary>
    /// The active departments' contacts, read once per scope (one request, or one chunk of a timer sweep), not once per
    /// run. Every department is read (a few dozen rows): the mailer takes their names from the same read.
    /// </summary>
    private async Task<Dictionary<string, DepartmentContact>> ActiveDepartmentsAsync(LiaisonDbContext db, CancellationToken ct)
    {
        var all = await db.Departments.AsNoTracking().ToListAsync(ct);
        mailer.KnowDepartments(all);
        return Contacts(all.Where(d => d.Active));
    }

    /// <summary>
    /// A try-it run routes the caller's case, or <see cref="SampleCase"/> sent to a sample department, with the
    /// database's active departments (the shipped sample departments when there are none) and calendar. Nothing is
    /// stored: the case's changes stay in the snapshot and its effects go into the result.
    /// People's decisions are not invented: their bookmarks stay pending, so resumeAll fires the deadline timers and
    /// stops at the first person.
    /// </summary>
    public async Task<TestRunContext> CreateForTestRunAsync(LiaisonDbContext db, JsonObject? subject, CancellationToken ct)
    {
        var shipped = SampleDepartments.Create(clock.GetUtcNow());
        var departments = Contacts(await db.Departments.AsNoTracking().Where(d => d.Active).OrderBy(d => d.Code).ToListAsync(ct));
        if (departments.Count == 0)
        {
            departments = Contacts(shipped);
        }

        // The first shipped sample department still active, else the first active one: a department the admin knows.
        var sampleDepartment = shipped.Select(d => d.Code).FirstOrDefault(departments.ContainsKey) ?? departments.Keys.First();
        var sample = SampleCase.Create(sampleDepartment);
        var snapshot = sample;
        if (subject is not null)
        {
            (snapshot, var errors) = TestRunCase.Read(subject, sample, departments);
            if (errors is not null)
            {
                return new TestRunContext { Errors = errors };
            }
        }

        var routing = new CaseRouting
        {
            Case = snapshot!,
            Calendar = await calendars.GetAsync(ct),
            Categories = await categories.ListAsync(ct),
            Departments = departments,
        };
        return new TestRunContext
        {
            Context = Context(routing),
            Resumable = b => !CaseRoutingActivities.WaitsForAPerson(b),
            Describe = () => TestRunCase.ToJson(routing.Case),
            IsSample = subject is null,
        };
    }

    private static RunContext Context(CaseRouting routing)
    {
        var context = new RunContext().Set(routing);
        context.ExpressionContributors.Add(Globals);
        return context;
    }

    private static Dictionary<string, DepartmentContact> Contacts(IEnumerable<Department> departments) => departments.ToDictionary(d => d.Code, ContactOf);

    /// <summary>A department as the routing sees it: its name and its two liaisons.</summary>
    internal static DepartmentContact ContactOf(Department d) => new(d.Code, d.Name,
        new Person(d.Handler.Name, d.Handler.Email, d.Handler.Culture),
        new Person(d.Leader.Name, d.Leader.Email, d.Leader.Culture));

    /// <summary>
    /// The round its handler returned, while the case waits for the officer (an insist runs its clock on from it):
    /// the return's time from the timeline, one read for a returned case only.
    /// </summary>
    private static async Task<ReturnedRound?> ReturnedAsync(LiaisonDbContext db, Case c, CancellationToken ct)
    {
        if (c.Status != CaseStatus.Returned || c.RoundDepartmentCode is not { } department)
        {
            return null;
        }

        var at = await db.Set<CaseEvent>().Where(e => e.CaseId == c.Id && e.PartId == null && e.Kind == CaseActions.Return)
            .MaxAsync(e => (DateTimeOffset?)e.At, ct);
        // A stored basis that is not the deadline in force (none is, for rows from before bases) gives nothing to go on.
        var basis = DeadlineRecalculation.ReadBasis(c.DueAtBasis) is { } b && b.Due == c.DueAt ? b : null;
        return at is { } returnedAt ? new ReturnedRound(department, returnedAt, basis, c.OriginalDueAt) : null;
    }

    private static CaseSnapshot Snapshot(Case c, IEnumerable<string> fired) => new()
    {
        Id = c.Id,
        Number = c.Number,
        Title = c.Title,
        Category = c.Category,
        Priority = c.Priority,
        Status = c.Status,
        DepartmentCode = c.DepartmentCode,
        AssignedDepartmentCode = c.AssignmentRound > 0 ? c.DepartmentCode : null,
        Handler = c.AssignmentRound > 0 ? new Person(c.HandlerName, c.HandlerEmail, c.HandlerCulture) : null,
        Leader = c.LeaderEmail is null ? null : new Person(c.LeaderName ?? "", c.LeaderEmail, c.LeaderCulture),
        AssignmentRound = c.AssignmentRound,
        AcceptBy = c.AcceptBy,
        DueAt = c.DueAt,
        NextProgressReportAt = c.NextProgressReportAt,
        IsKeyEnterprise = c.Enterprise.IsKey,
        EnterpriseName = c.Enterprise.Name,
        PendingExtensionDays = c.PendingExtensionDays,
        FiredEscalations = fired.ToHashSet(),
    };
}
