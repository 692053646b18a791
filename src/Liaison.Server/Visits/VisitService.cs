using System.ComponentModel;
using System.Globalization;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Categories;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Enterprises;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Visits;

/// <summary>
/// Visits to enterprises (走访) and the cases their problems raise; shared by the API and the pages. Any officer or
/// admin may log a visit (squads do, in practice). A problem raises at most one case: its row is locked and its case
/// set inside the case's own opening transaction (<see cref="CaseService.OpenOrigin"/>).
/// </summary>
public sealed class VisitService(
    LiaisonDbContext db, CaseService cases, EnterpriseService enterprises, CategoryService categories, CalendarService calendars, TimeProvider clock)
{
    /// <summary>A visit may be logged up to this many days after it took place.</summary>
    public const int MaxDaysAgo = 366;

    /// <summary>Today in the zone (Asia/Shanghai by default), from the clock.</summary>
    public DateOnly Today() => Today(clock, calendars);

    public static DateOnly Today(TimeProvider clock, CalendarService calendars) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), calendars.TimeZone).DateTime);

    public async Task<ServiceResult<EnterpriseVisit>> LogAsync(long enterpriseId, string officerId, VisitInput input, CancellationToken ct)
    {
        var enterprise = await db.Set<RegisteredEnterprise>().AsNoTracking().Where(e => e.Id == enterpriseId).Select(e => new { e.Id }).FirstOrDefaultAsync(ct);
        if (enterprise is null)
        {
            return EnterpriseService.NotFound(enterpriseId);
        }

        // A request id seen before: another enterprise's is refused at once; this enterprise's answers with the visit it
        // logged when the body reads as that visit (a double tap, a retry), else it is refused (the form sent again after
        // a change: the change would be silently dropped), whether or not the body is valid now.
        var earlier = await EarlierAsync(input.RequestId, ct);
        if (earlier is not null && earlier.EnterpriseId != enterpriseId)
        {
            return IdUsedElsewhere;
        }

        var v = new Validation();
        var visitedOn = ReadDate(input.VisitedOn, v);
        var findings = v.Required("findings", input.Findings, EnterpriseVisit.MaxFindingsLength);
        var officers = await ReadOfficersAsync(input.Officers, officerId, v, ct);
        var problems = await ReadProblemsAsync(input.Problems, v, ct);
        if (earlier is not null)
        {
            return Repeats(earlier, visitedOn, findings, officers, problems) ? earlier : ChangedSinceSent;
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var visit = new EnterpriseVisit
        {
            EnterpriseId = enterpriseId,
            VisitedOn = visitedOn!.Value,
            Findings = findings,
            LoggedById = officerId,
            CreatedAt = clock.GetUtcNow(),
            Officers = officers.Select(id => new VisitOfficer { OfficerId = id }).ToList(),
            Problems = problems,
            RequestId = input.RequestId,
        };
        db.Add(visit);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (input.RequestId is not null
            && ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ix_enterprise_visits_request_id" })
        {
            // The same form sent twice at once: the other one logged it (this one again, or with other content).
            db.DiscardChanges();
            var other = (await EarlierAsync(input.RequestId, ct))!;
            return other.EnterpriseId != enterpriseId ? IdUsedElsewhere
                : Repeats(other, visitedOn, findings, officers, problems) ? other : ChangedSinceSent;
        }

        return visit;
    }

    /// <summary>The visit a request with <paramref name="requestId"/> logged already, with its officers and problems; null: a new request.</summary>
    private async Task<EnterpriseVisit?> EarlierAsync(Guid? requestId, CancellationToken ct) =>
        requestId is not { } id ? null
            : await db.Set<EnterpriseVisit>().AsNoTracking().Include(x => x.Officers).Include(x => x.Problems).AsSplitQuery()
                .FirstOrDefaultAsync(x => x.RequestId == id, ct);

    /// <summary>
    /// Whether a request carrying <paramref name="earlier"/>'s request id asks for that visit again (read as it was then:
    /// text trimmed, the same officers in any order, the same problems in order) rather than for another with the id reused.
    /// </summary>
    private static bool Repeats(EnterpriseVisit earlier, DateOnly? visitedOn, string findings, List<string> officers, List<VisitProblem> problems) =>
        earlier.VisitedOn == visitedOn
        && earlier.Findings == findings
        && earlier.Officers.Select(o => o.OfficerId).Order(StringComparer.Ordinal).SequenceEqual(officers.Order(StringComparer.Ordinal))
        && earlier.Problems.OrderBy(p => p.Position).Select(p => (p.Title, p.Description, p.DepartmentCode, p.Category))
            .SequenceEqual(problems.Select(p => (p.Title, p.Description, p.DepartmentCode, p.Category)));

    private static readonly ServiceError IdUsedElsewhere =
        new ServiceError.Conflict(new("此请求编号（requestId）已用于另一次走访登记", "This requestId was already used to log another visit"));

    /// <summary>A form sent again with its request id after a change: the first sending was logged, the change is not.</summary>
    private static readonly ServiceError ChangedSinceSent = new ServiceError.Conflict(new(
        "这次走访登记已经提交过，这次的内容与上次不同：上次提交的已经保存，这次的修改未保存。请查看已保存的走访记录，需要时另行登记",
        "This visit was sent before with other content: that one was logged, this change was not. See the logged visit, and log another if needed"));

    /// <summary>An enterprise's visits, newest first, with where it stands against its cadence.</summary>
    public async Task<ServiceResult<EnterpriseVisitsDto>> ListAsync(long enterpriseId, CancellationToken ct)
    {
        var e = await db.Set<RegisteredEnterprise>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == enterpriseId, ct);
        if (e is null)
        {
            return EnterpriseService.NotFound(enterpriseId);
        }

        var visits = await db.Set<EnterpriseVisit>().AsNoTracking().Where(x => x.EnterpriseId == enterpriseId)
            .OrderByDescending(x => x.VisitedOn).ThenByDescending(x => x.Id)
            .Include(x => x.Officers).Include(x => x.Problems).AsSplitQuery().ToListAsync(ct);
        var names = await OfficersAsync(visits.SelectMany(x => x.Officers.Select(o => o.OfficerId)), ct);
        var cadence = VisitCadenceStatus.Of(e.IsKey, visits.FirstOrDefault()?.VisitedOn, e.VisitEveryDays, Today());
        return new EnterpriseVisitsDto(e.Id, e.Name, e.IsKey, e.VisitEveryDays, cadence, visits.Select(x => new VisitSummaryDto(
            x.Id, x.VisitedOn, Refs(x.Officers, names), x.Findings, x.Problems.Count, x.Problems.Count(p => p.CaseId is not null))).ToList());
    }

    public async Task<ServiceResult<VisitDto>> GetAsync(long visitId, CancellationToken ct)
    {
        var visit = await db.Set<EnterpriseVisit>().AsNoTracking().Include(x => x.Officers).Include(x => x.Problems.OrderBy(p => p.Position))
            .AsSplitQuery().FirstOrDefaultAsync(x => x.Id == visitId, ct);
        if (visit is null)
        {
            return NotFound(visitId);
        }

        var enterprise = await db.Set<RegisteredEnterprise>().AsNoTracking().Where(e => e.Id == visit.EnterpriseId)
            .Select(e => new { e.Name, e.IsKey }).SingleAsync(ct);
        var names = await OfficersAsync(visit.Officers.Select(o => o.OfficerId).Append(visit.LoggedById), ct);
        var caseIds = visit.Problems.Select(p => p.CaseId).OfType<long>().ToList();
        var raised = await db.Cases.AsNoTracking().Where(c => caseIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Number, c.Status }).ToDictionaryAsync(c => c.Id, ct);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        var all = await categories.ListAsync(ct);
        return new VisitDto(
            visit.Id, visit.EnterpriseId, enterprise.Name, enterprise.IsKey, visit.VisitedOn, visit.Findings,
            names.GetValueOrDefault(visit.LoggedById) ?? new OfficerRef(visit.LoggedById, "", visit.LoggedById),
            Refs(visit.Officers, names),
            visit.Problems.OrderBy(p => p.Position).Select(p =>
            {
                var c = p.CaseId is { } id ? raised.GetValueOrDefault(id) : null;
                var category = all.FirstOrDefault(x => x.Code == p.Category);
                return new VisitProblemDto(p.Id, p.Title, p.Description, p.DepartmentCode,
                    p.DepartmentCode is null ? null : departments.GetValueOrDefault(p.DepartmentCode), p.Category,
                    category is null ? null : new Text(category.NameZh, category.Name), c?.Number, c?.Status);
            }).ToList(),
            visit.CreatedAt);
    }

    /// <summary>
    /// Turns a problem into a case (one click): opened for the visit's enterprise, by <paramref name="officerId"/>, with
    /// the department and category the problem names or <paramref name="input"/> gives. A problem raises one case. Asked
    /// again for the department its case went to (clicking twice, or a hundred times at once), it answers that case
    /// (<see cref="RaisedCase.Repeated"/>); asked for another department, it refuses (<see cref="RaisedForAnother"/>),
    /// as a second case would be the same problem twice. A request sent again with its request id answers as it did
    /// the first time.
    /// </summary>
    public async Task<ServiceResult<RaisedCase>> RaiseCaseAsync(long visitId, long problemId, string officerId, RaiseCaseInput input, CancellationToken ct)
    {
        var found = await FindProblemAsync(visitId, problemId, ct);
        if (found.Error is { } error)
        {
            return error;
        }

        // What the body says is checked before a repeat answers: a wrong body is the caller's mistake whether or not
        // the case exists already, and only a right one is the same request again. A repeat may name a department
        // deactivated since the case was raised: the request was right when first sent.
        var v = new Validation();
        var repeat = found.Value.Problem.CaseId is not null;
        if (Validation.Optional(input.DepartmentCode) is { } given
            && !await db.Departments.AsNoTracking().AnyAsync(d => d.Code == given && (d.Active || repeat), ct))
        {
            v.Add("departmentCode", $"没有代码为 {given} 的在用部门", $"no active department has the code '{given}'");
        }

        if (Validation.Optional(input.Category) is { } named && await categories.FindAsync(named, ct) is null)
        {
            v.Add("category", await categories.UnknownAsync(named, ct));
        }

        CaseService.PriorityOf(input.Priority, v);

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var (problem, enterpriseId) = found.Value;
        var department = Validation.Optional(input.DepartmentCode) ?? problem.DepartmentCode;
        var category = Validation.Optional(input.Category) ?? problem.Category;
        if (problem.CaseId is { } existing && (input.RequestId is null || department is null || category is null))
        {
            // With its request id, the open itself tells a replay (the case it opened) from another request.
            return await RaisedAlreadyAsync(existing, department, ct);
        }

        if (department is null)
        {
            v.Add("departmentCode", "必填：此问题未指定责任部门，请选择", "is required: the problem names no department; choose one");
        }

        if (category is null)
        {
            v.Add("category", "必填：此问题未指定类别，请选择", "is required: the problem names no category; choose one");
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var open = new CaseService.OpenCase(
            problem.Title, problem.Description, category, input.Priority, department, null, RequestId: input.RequestId, EnterpriseId: enterpriseId);
        return await OpenAsync(problem, visitId, officerId, open, ct);
    }

    /// <summary>
    /// The new-case form opened for a problem (<c>/cases/new?visitProblemId=</c>) was sent: the case as the officer
    /// completed it, for the visit's enterprise whatever the form says, raised once as by <see cref="RaiseCaseAsync"/>.
    /// </summary>
    public async Task<ServiceResult<RaisedCase>> RaiseCaseFromFormAsync(long problemId, string officerId, CaseService.OpenCase typed, CancellationToken ct)
    {
        var found = await FindProblemAsync(null, problemId, ct);
        if (found.Error is { } error)
        {
            return error;
        }

        var (problem, enterpriseId) = found.Value;
        if (problem.CaseId is { } existing && typed.RequestId is null)
        {
            return await RaisedAlreadyAsync(existing, typed.DepartmentCode, ct);
        }

        return await OpenAsync(problem, problem.VisitId, officerId, typed with { Enterprise = null, EnterpriseId = enterpriseId }, ct);
    }

    /// <summary>The new-case form's fields for a problem: its title, description, department, category and enterprise.</summary>
    public async Task<(VisitProblem Problem, long EnterpriseId)?> ProblemForFormAsync(long problemId, CancellationToken ct)
    {
        var found = await FindProblemAsync(null, problemId, ct);
        return found.Error is null ? found.Value : null;
    }

    /// <summary>How often a click that finds its problem being raised by another looks again (about 10 s in all).</summary>
    private const int Attempts = 40;

    private async Task<ServiceResult<RaisedCase>> OpenAsync(VisitProblem problem, long visitId, string officerId, CaseService.OpenCase open, CancellationToken ct)
    {
        var visitedOn = await db.Set<EnterpriseVisit>().Where(x => x.Id == visitId).Select(x => x.VisitedOn).SingleAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await OpenOnceAsync(problem, visitId, visitedOn, officerId, open, ct);
            }
            catch (Exception ex) when (RowsBusyException.Is(ex))
            {
                // Another click is raising this problem's case right now. Waiting on its row lock would hold a pooled
                // connection per click (a hundred clicks, a hundred connections): let go, then look again.
                db.DiscardChanges();
                if (await db.Set<VisitProblem>().Where(p => p.Id == problem.Id).Select(p => p.CaseId).SingleAsync(ct) is { } raised)
                {
                    if (open.RequestId is null)
                    {
                        return await RaisedAlreadyAsync(raised, open.DepartmentCode, ct);
                    }

                    // Raised now: once more, so that the open tells this request's replay (the case it opened) from another's.
                    continue;
                }

                if (attempt == Attempts)
                {
                    return new ServiceError.Conflict(new Text("此问题正在转为事项，请稍后刷新查看", "this problem's case is being opened right now; refresh in a moment"));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
    }

    private async Task<ServiceResult<RaisedCase>> OpenOnceAsync(
        VisitProblem problem, long visitId, DateOnly visitedOn, string officerId, CaseService.OpenCase open, CancellationToken ct)
    {
        var origin = new CaseService.OpenOrigin(
            async token =>
            {
                // The problem's row, locked until the case commits or rolls back; a concurrent click finds it locked and
                // gives way at once (the row exists: it was read before, and problems are not deleted while raised).
                var current = await db.Database
                    .SqlQuery<long?>($"SELECT case_id AS \"Value\" FROM visit_problems WHERE id = {problem.Id} FOR UPDATE SKIP LOCKED")
                    .ToListAsync(token);
                return current switch
                {
                    [] => throw new RowsBusyException(),
                    [null] => null,
                    _ => AlreadyRaised,
                };
            },
            async (c, actor, now, token) =>
            {
                await db.Set<VisitProblem>().Where(p => p.Id == problem.Id && p.CaseId == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(p => p.CaseId, c.Id), token);
                CaseTimeline.Add(db, c, now, CaseEventKinds.FromVisit, actor, data: new
                {
                    visitId,
                    problemId = problem.Id,
                    visitedOn = visitedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                });
            });
        var opened = await cases.OpenAsync(officerId, open, ct, origin: origin);
        if (ReferenceEquals(opened.Error, AlreadyRaised) && open.RequestId is not null)
        {
            // The open looked for its request id before another click's commit and found the problem raised after it:
            // that commit may be this request's own first sending. Once more: the problem's case and its request id
            // commit together, so the request id is found now if it is this request's.
            db.DiscardChanges();
            opened = await cases.OpenAsync(officerId, open, ct, origin: origin);
        }

        if (ReferenceEquals(opened.Error, AlreadyRaised))
        {
            db.DiscardChanges();
            var caseId = await db.Set<VisitProblem>().Where(p => p.Id == problem.Id).Select(p => p.CaseId).SingleAsync(ct);
            return await RaisedAlreadyAsync(caseId!.Value, open.DepartmentCode, ct);
        }

        return opened.Error is { } error ? error : new RaisedCase(opened.Value!, false);
    }

    private static readonly ServiceError AlreadyRaised = new ServiceError.Conflict(new Text("此问题已转为事项", "this problem has already raised its case"));

    /// <summary>
    /// The problem raised <paramref name="caseId"/> already: asked again for its department (or for none), that case;
    /// asked for another department, a conflict naming the case and where it went. The case's department now is what
    /// counts: after a reassignment the problem is with the new one.
    /// </summary>
    private async Task<ServiceResult<RaisedCase>> RaisedAlreadyAsync(long caseId, string? department, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().SingleAsync(x => x.Id == caseId, ct);
        if (Validation.Optional(department) is not { } asked || string.Equals(asked, c.DepartmentCode, StringComparison.Ordinal))
        {
            return new RaisedCase(c, true);
        }

        var name = await db.Departments.AsNoTracking().Where(d => d.Code == c.DepartmentCode).Select(d => d.Name).FirstOrDefaultAsync(ct) ?? c.DepartmentCode;
        return new RaisedForAnother(c.Number, c.DepartmentCode, new Text(
            $"此问题已转为事项 {c.Number}（责任部门：{name}），一个问题只立一件事项。如需改由其他部门办理，请在该事项页面改派。",
            $"This problem was already raised as case {c.Number}, for {name}: a problem raises one case. To have another department handle it, reassign that case on its page."));
    }

    private async Task<ServiceResult<(VisitProblem Problem, long EnterpriseId)>> FindProblemAsync(long? visitId, long problemId, CancellationToken ct)
    {
        var row = await (
            from p in db.Set<VisitProblem>().AsNoTracking()
            join visit in db.Set<EnterpriseVisit>() on p.VisitId equals visit.Id
            where p.Id == problemId && (visitId == null || p.VisitId == visitId)
            select new { Problem = p, visit.EnterpriseId }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return new ServiceError.NotFound(visitId is { } id
                ? new Text($"走访记录 {id} 中没有编号为 {problemId} 的问题", $"visit {id} has no problem with the id {problemId}")
                : new Text($"没有编号为 {problemId} 的走访问题", $"no visit problem has the id {problemId}"));
        }

        return (row.Problem, row.EnterpriseId);
    }

    private DateOnly? ReadDate(string? input, Validation v)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            v.Add("visitedOn", "必填：走访日期（yyyy-MM-dd）", "is required (yyyy-MM-dd)");
            return null;
        }

        if (!DateOnly.TryParseExact(input.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            v.Add("visitedOn", $"不是有效日期（yyyy-MM-dd）：{input}", $"must be a date as yyyy-MM-dd, got '{input}'");
            return null;
        }

        var today = Today();
        if (date > today)
        {
            v.Add("visitedOn", $"走访日期不能晚于今天（{today:yyyy-MM-dd}）", $"must not be in the future (today is {today:yyyy-MM-dd})");
        }
        else if (date < today.AddDays(-MaxDaysAgo))
        {
            v.Add("visitedOn", $"只能登记 {MaxDaysAgo} 天内的走访", $"must be within the last {MaxDaysAgo} days");
        }

        return date;
    }

    /// <summary>The officers who went: those named (by id or email) and always the one logging.</summary>
    private async Task<List<string>> ReadOfficersAsync(IReadOnlyList<string?>? named, string loggedBy, Validation v, CancellationToken ct)
    {
        var ids = new List<string> { loggedBy };
        if (named is { Count: > EnterpriseVisit.MaxOfficers })
        {
            v.Add("officers", $"走访人员最多 {EnterpriseVisit.MaxOfficers} 位", $"at most {EnterpriseVisit.MaxOfficers} officers");
            return ids;
        }

        var found = await enterprises.FindOfficersAsync(named ?? [], ct);
        for (var i = 0; i < (named?.Count ?? 0); i++)
        {
            var officer = named![i]?.Trim();
            if (string.IsNullOrEmpty(officer))
            {
                continue;
            }

            if (EnterpriseService.TryOfficer(found, officer, out var user))
            {
                if (!ids.Contains(user.Id)) ids.Add(user.Id);
            }
            else
            {
                v.Add($"officers[{i}]", EnterpriseService.UnknownOfficer(officer));
            }
        }

        return ids;
    }

    private async Task<List<VisitProblem>> ReadProblemsAsync(IReadOnlyList<VisitProblemInput?>? input, Validation v, CancellationToken ct)
    {
        var problems = new List<VisitProblem>();
        if (input is null)
        {
            return problems;
        }

        if (input.Count > EnterpriseVisit.MaxProblems)
        {
            v.Add("problems", $"每次走访最多登记 {EnterpriseVisit.MaxProblems} 个问题", $"at most {EnterpriseVisit.MaxProblems} problems a visit");
            return problems;
        }

        var codes = input.Select(p => Validation.Optional(p?.DepartmentCode)).OfType<string>().Distinct().ToList();
        var active = await db.Departments.AsNoTracking().Where(d => codes.Contains(d.Code) && d.Active).Select(d => d.Code).ToListAsync(ct);
        for (var i = 0; i < input.Count; i++)
        {
            var field = $"problems[{i}]";
            if (input[i] is not { } p)
            {
                v.Add(field, "必填", "is required");
                continue;
            }

            var title = v.RequiredLine($"{field}.title", p.Title, 200);
            var description = v.Required($"{field}.description", p.Description, 4000);
            var department = Validation.Optional(p.DepartmentCode);
            if (department is not null && !active.Contains(department))
            {
                v.Add($"{field}.departmentCode", $"没有代码为 {department} 的在用部门", $"no active department has the code '{department}'");
            }

            var category = Validation.Optional(p.Category);
            if (category is not null && await categories.FindAsync(category, ct) is null)
            {
                v.Add($"{field}.category", await categories.UnknownAsync(category, ct));
            }

            problems.Add(new VisitProblem { Title = title, Description = description, DepartmentCode = department, Category = category, Position = i });
        }

        return problems;
    }

    private async Task<Dictionary<string, OfficerRef>> OfficersAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await db.Users.AsNoTracking().Where(u => list.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => new OfficerRef(u.Id, u.Email ?? "", u.DisplayName), ct);
    }

    private static List<OfficerRef> Refs(IEnumerable<VisitOfficer> officers, IReadOnlyDictionary<string, OfficerRef> names) =>
        officers.Select(o => names.GetValueOrDefault(o.OfficerId)).OfType<OfficerRef>().OrderBy(o => o.DisplayName, StringComparer.Ordinal).ToList();

    public static ServiceError.NotFound NotFound(long visitId) => new(new Text($"没有编号为 {visitId} 的走访记录", $"no visit has the id {visitId}"));
}

/// <param name="VisitedOn">The local day of the visit, yyyy-MM-dd; not in the future.</param>
/// <param name="RequestId">
/// Optional: sent again with the same id and content (a double tap, a retry), the visit is logged once; the id with other
/// content, or used for another enterprise's visit, is refused (409) and nothing changes.
/// </param>
public sealed record VisitInput(
    string? VisitedOn,
    [property: Description(
        "The officers who went, besides the one logging (always counted): each an active officer account's id (the `id` a read gives) "
        + "or its email, either in any case.")]
    List<string?>? Officers,
    string? Findings, List<VisitProblemInput?>? Problems = null, Guid? RequestId = null);

/// <param name="DepartmentCode">Optional: the department the problem should go to.</param>
/// <param name="Category">Optional: the case category. With both, one click opens and dispatches its case.</param>
public sealed record VisitProblemInput(string? Title, string? Description, string? DepartmentCode = null, string? Category = null);

/// <summary>Fills or overrides what the problem names; <c>priority</c>: normal (default) or urgent.</summary>
/// <param name="RequestId">
/// Optional idempotency key: sent again with the same id and content, the answer is the one the first request got; the
/// id with other content, or used for another request, is refused (409).
/// </param>
public sealed record RaiseCaseInput(string? DepartmentCode = null, string? Category = null, string? Priority = null, Guid? RequestId = null);

/// <summary>
/// A problem asked to raise a case for one department had raised its case for another already (two officers choosing
/// differently, two tabs, one request per department): nothing was opened; <see cref="CaseNumber"/> is the case it became.
/// </summary>
public sealed record RaisedForAnother(string CaseNumber, string DepartmentCode, Text Message) : ServiceError(Message);

/// <param name="Repeated">The problem had raised this case before: nothing was opened now.</param>
public sealed record RaisedCase(Case Case, bool Repeated);

public sealed record EnterpriseVisitsDto(
    long EnterpriseId, string EnterpriseName, bool IsKey, int VisitEveryDays, VisitCadenceStatus Cadence, IReadOnlyList<VisitSummaryDto> Visits);

public sealed record VisitSummaryDto(long Id, DateOnly VisitedOn, IReadOnlyList<OfficerRef> Officers, string Findings, int Problems, int CasesRaised);

public sealed record VisitDto(
    long Id, long EnterpriseId, string EnterpriseName, bool EnterpriseIsKey, DateOnly VisitedOn, string Findings, OfficerRef LoggedBy,
    IReadOnlyList<OfficerRef> Officers, IReadOnlyList<VisitProblemDto> Problems, DateTimeOffset CreatedAt);

/// <param name="CaseNumber">The case it raised, if any.</param>
public sealed record VisitProblemDto(
    long Id, string Title, string Description, string? DepartmentCode, string? DepartmentName, string? Category, Text? CategoryName,
    string? CaseNumber, CaseStatus? CaseStatus)
{
    public bool ReadyToDispatch => DepartmentCode is not null && Category is not null;
}
