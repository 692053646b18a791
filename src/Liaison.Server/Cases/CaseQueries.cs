using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Server.Calendar;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Enterprises;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>Which of a department's cases the case list's department filter finds.</summary>
public enum DepartmentRole
{
    /// <summary>Those it leads (主办) or co-handles (协办).</summary>
    Any,

    /// <summary>Those it leads (主办).</summary>
    Lead,

    /// <summary>Those it co-handles (协办).</summary>
    Co,
}

public static class DepartmentRoles
{
    /// <summary>The names the API and the page take: any (also empty), lead, co.</summary>
    public static string Name(DepartmentRole role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? value, out DepartmentRole role)
    {
        role = DepartmentRole.Any;
        if (string.IsNullOrWhiteSpace(value)) return true;
        foreach (var r in Enum.GetValues<DepartmentRole>())
        {
            if (string.Equals(Name(r), value.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                role = r;
                return true;
            }
        }

        return false;
    }
}

/// <summary>The case list's order.</summary>
public enum CaseListSort
{
    /// <summary>Newest first (最新受理的在前), the default.</summary>
    Newest,

    /// <summary>
    /// The cases whose resolve deadline runs (dispatched, accepted, in progress, returned: those that can be overdue)
    /// first, soonest deadline first, so the most overdue lead; then the others (resolved, closed, cancelled) newest first.
    /// </summary>
    Due,

    /// <summary>Last changed first (<see cref="Case.UpdatedAt"/>).</summary>
    Updated,
}

public static class CaseListSorts
{
    /// <summary>The names the API and the page take: newest (also empty), due, updated.</summary>
    public static string Name(CaseListSort sort) => sort.ToString().ToLowerInvariant();

    public static bool TryParse(string? value, out CaseListSort sort)
    {
        sort = CaseListSort.Newest;
        return string.IsNullOrWhiteSpace(value) || EnumNames.TryParse(value, out sort);
    }

    /// <summary>What the list's caption says of its order.</summary>
    public static Text Caption(CaseListSort sort) => sort switch
    {
        CaseListSort.Due => new("办结期限最近的在前（已超期的最前；已办结、已销号、已撤销的在后，最新受理的在前）",
            "Soonest resolve deadline first (the most overdue at the top; resolved, closed and cancelled cases after them, newest first)"),
        CaseListSort.Updated => new("最近有变动的在前", "Last changed first"),
        _ => new("最新受理的在前", "Newest first"),
    };
}

/// <summary>Reads cases for the API and the officer's pages: the filtered list and one case with its timeline.</summary>
public sealed class CaseQueries(LiaisonDbContext db, CalendarService calendars, CaseRoutingFactory routing, TimeProvider clock, Categories.CategoryService categories)
{
    public const int PageSize = 50;

    /// <summary>The most cases a page of the API's list may ask for (<c>pageSize</c>).</summary>
    public const int MaxPageSize = 200;

    /// <summary>
    /// A credit code prefix in the search matching more register entries than this is refused (type more of it): the
    /// search reads their cases by the cases' enterprise index, which a prefix every entry shares would make a whole-table read.
    /// </summary>
    public const int MaxCreditCodeMatches = 200;

    public const int MaxSearchLength = 100;

    public const int MaxPage = 100_000;

    /// <summary>The officer filter's word for the caller.</summary>
    public const string Me = "me";

    /// <summary>The status filter's word for every case not yet closed or cancelled (在办).</summary>
    public const string OpenStatus = "open";

    /// <summary>Matches counted at most; beyond it the list says "more than 10,000" (<see cref="CasePage.TotalIsExact"/>).</summary>
    public int CountLimit { get; set; } = 10_000;

    /// <summary>One page of cases, newest first; what is wrong with the filter when it cannot be applied.</summary>
    /// <param name="role">
    /// With <paramref name="departmentCode"/>: <c>any</c> (default) the cases the department leads or co-handles (协办),
    /// <c>lead</c> only those it leads (主办), <c>co</c> only those it co-handles.
    /// </param>
    /// <param name="enterpriseId">The cases of this register entry (<c>cases.enterprise_id</c>), as its page links to them.</param>
    /// <param name="officer">The cases an officer is responsible for: <c>me</c> (<paramref name="me"/>, the caller's account id) or an account's email.</param>
    /// <param name="pageSize">Cases a page: <see cref="PageSize"/> for the list, more for an export (<see cref="CaseExport"/>), 0 for the count alone.</param>
    /// <param name="decision">Only the cases waiting for an officer's decision (<see cref="WaitingForDecision"/>), or (false) the others.</param>
    /// <param name="more">The dispatch meeting's filters: category, priority, opened between two dates, key enterprise.</param>
    public async Task<ServiceResult<CasePage>> ListAsync(
        string? status, string? departmentCode, bool? overdue, string? q, int? page, CancellationToken ct, string? role = null, long? enterpriseId = null,
        string? officer = null, string? me = null, int pageSize = PageSize, bool? decision = null, CaseListMore? more = null, string? sort = null,
        bool? involved = null)
    {
        var v = new Validation();
        if (!CaseListSorts.TryParse(sort, out var order))
        {
            v.Add("sort", $"排序方式无效：{sort?.Trim()}（可用 newest 最新受理的在前、due 办结期限最近的在前、updated 最近有变动的在前）",
                $"unknown sort '{sort?.Trim()}': use newest (newest first, the default), due (soonest resolve deadline first) or updated (last changed first)");
        }

        var query = db.Cases.AsNoTracking();
        if (more is not null)
        {
            query = await MoreAsync(query, more, v, ct);
        }

        var waiting = decision is null ? null : WaitingForDecision(db);
        if (decision is { } waits)
        {
            query = waits ? query.Where(c => waiting!.Contains(c.Id)) : query.Where(c => !waiting!.Contains(c.Id));
        }

        if (Validation.Optional(officer) is { } wanted)
        {
            var officerId = string.Equals(wanted, Me, StringComparison.OrdinalIgnoreCase) ? me
                : await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == wanted.ToUpperInvariant()).Select(u => u.Id).FirstOrDefaultAsync(ct);
            if (officerId is null)
            {
                v.Add("officer", $"没有邮箱为 {wanted} 的账号（或用 me 表示自己）", $"no account has the email '{wanted}' (or use me for yourself)");
            }
            else
            {
                // Inlined, not a parameter: a prepared statement's generic plan assumes every officer holds an average
                // share of the cases, and where one officer holds most of them (a zone with a few officers, the bench's
                // million) it builds the whole "awaiting a decision" set or walks every open case for an officer with
                // none (19–46 ms at a million cases, 0.4 ms planned for the officer). The id is an account's, never text
                // from the request, and officers are few: each gets a statement of its own.
                query = query.Where(c => c.OfficerId == EF.Constant(officerId));
            }
        }

        if (enterpriseId is { } enterprise)
        {
            query = query.Where(c => c.EnterpriseId == enterprise);
        }

        if (!string.IsNullOrWhiteSpace(status))
        {
            if (string.Equals(status.Trim(), OpenStatus, StringComparison.OrdinalIgnoreCase))
            {
                query = query.Where(c => CaseStatuses.Open.Contains(c.Status));
            }
            else if (CaseStatuses.TryParse(status, out var s))
            {
                query = query.Where(c => c.Status == s);
            }
            else
            {
                v.Add("status", $"状态筛选无效：{status}（可用 open 表示全部在办）",
                    $"unknown status '{status}': use open (every status before closed), dispatched, accepted, in-progress, returned, resolved, closed or cancelled");
            }
        }

        if (!DepartmentRoles.TryParse(role, out var departmentRole))
        {
            v.Add("role", $"部门角色筛选无效：{role}（可用 any、lead、co）", $"unknown role '{role}': use any, lead or co");
        }

        var department = string.IsNullOrWhiteSpace(departmentCode) ? null : departmentCode.Trim();
        // An unknown code is a mistake (a typo, a stale bookmark), not a department with no cases: said, as an unknown officer is.
        if (department is not null && !await db.Departments.AsNoTracking().AnyAsync(d => d.Code == department, ct))
        {
            v.Add("departmentCode", $"没有编码为 {department} 的部门", $"no department has the code '{department}'");
        }

        if (departmentRole != DepartmentRole.Any && department is null)
        {
            // Lead or co-handling is said of a department: without one it would filter nothing, silently.
            v.Add("role", "“仅主办/仅协办”须先选择部门", $"role={DepartmentRoles.Name(departmentRole)} (lead or co-handling only) needs a department (departmentCode)");
        }

        if (involved == true && department is null)
        {
            v.Add("involved", "“含曾经办理的”须先选择部门", "involved (including the cases it handled before) needs a department (departmentCode)");
        }

        var now = clock.GetUtcNow();
        if (overdue is { } o)
        {
            query = query.Where(o ? CaseStatuses.OverdueAt(now) : CaseStatuses.NotOverdueAt(now));
        }

        q = q?.Trim();
        v.MaxLength("q", q, MaxSearchLength);
        if (!string.IsNullOrEmpty(q))
        {
            var term = LikePattern.Containing(q);
            // Also the cases of the register entries whose credit code starts with the text (the whole code, or 6 characters
            // or more): their ids from the register's prefix index, then their cases from the cases' enterprise index, one
            // more arm of the trigram indexes' bitmap OR. A register entry's cases, whatever code the case was opened with.
            var coded = CreditCodeSearch.Prefix(q) is { } prefix
                ? await CreditCodeSearch.Starting(db.Set<Liaison.Cases.Enterprises.RegisteredEnterprise>().AsNoTracking(), prefix)
                    .Select(e => (long?)e.Id).Take(MaxCreditCodeMatches + 1).ToListAsync(ct)
                : [];
            if (coded.Count > MaxCreditCodeMatches)
            {
                v.Add("q", $"以 {q} 开头的统一社会信用代码超过 {MaxCreditCodeMatches} 家企业：请多输入几位，或输入完整的信用代码",
                    $"more than {MaxCreditCodeMatches} enterprises have a credit code starting with '{q}': type more of it, or the whole code");
            }
            else if (coded.Count > 0)
            {
                query = query.Where(c => EF.Functions.ILike(c.Title, term, LikePattern.Escape) || EF.Functions.ILike(c.Number, term, LikePattern.Escape)
                    || EF.Functions.ILike(c.Enterprise.Name, term, LikePattern.Escape) || coded.Contains(c.EnterpriseId));
            }
            else
            {
                query = query.Where(c => EF.Functions.ILike(c.Title, term, LikePattern.Escape) || EF.Functions.ILike(c.Number, term, LikePattern.Escape) || EF.Functions.ILike(c.Enterprise.Name, term, LikePattern.Escape));
            }
        }

        if (page is < 1 or > MaxPage)
        {
            v.Add("page", $"页码须在 1 到 {MaxPage} 之间", $"page must be a whole number from 1 to {MaxPage}");
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var p = page ?? 1;
        var newest = order == CaseListSort.Newest;
        // No page to read: the count alone was asked for (pageSize 0), or the page is past the last match.
        bool Nothing(int counted) => pageSize == 0 || (counted <= CountLimit && (p - 1) * pageSize >= counted);
        int counted;
        List<long> pageIds = [];
        // Another order than newest first reads its page from these (each a set of matches, none in two), by SortedPageAsync.
        IReadOnlyList<IQueryable<Case>> sides = [query];
        if (decision == true && waiting is not null && officer is null && enterpriseId is null && string.IsNullOrWhiteSpace(status) && department is null && overdue is null
            && string.IsNullOrEmpty(q) && (more is null || more.IsEmpty))
        {
            // "Awaiting a decision" alone: counted and paged from the waiting ids themselves (index ranges), not by walking
            // every case newest first and probing the waiting set (120 ms for page 1,000 at a million cases, 30,000 waiting).
            counted = await waiting.Take(CountLimit + 1).CountAsync(ct);
            if (newest && !Nothing(counted))
            {
                pageIds = await waiting.OrderByDescending(id => id).Skip((p - 1) * pageSize).Take(pageSize).ToListAsync(ct);
            }
        }
        else if (department is null && (!string.IsNullOrEmpty(q) || decision == true || pageSize >= CountLimit))
        {
            // An export (a page as large as the count's limit) reads its matches' ids here too, in no order: asked for
            // "ORDER BY id DESC LIMIT 10000", PostgreSQL expects to stop early and walks the whole id index newest first
            // when fewer than 10,000 match (overdue=true: every one of a million index entries for 3,468 matches).
            // A search reads the ids of its matches (up to CountLimit + 1, in no order, from the trigram indexes) and
            // pages them here. Asked for "ORDER BY id DESC LIMIT 50", PostgreSQL may walk the whole table newest first,
            // expecting many matches: trigram estimates are rough, and 100 matches at a million cases took 2.4 s that way.
            // "Awaiting a decision" with another filter too: the waiting set is built once, for the count and the page.
            var matching = await query.Select(c => c.Id).Take(CountLimit + 1).ToListAsync(ct);
            counted = matching.Count;
            if (counted <= CountLimit)
            {
                // Another order sorts these matches (by their ids: at most CountLimit), not the filter again.
                sides = [db.Cases.AsNoTracking().Where(c => matching.Contains(c.Id))];
            }

            if (newest)
            {
                pageIds = counted <= CountLimit
                    ? [.. matching.OrderDescending().Skip((p - 1) * pageSize).Take(pageSize)]
                    : pageSize == 0 ? []
                    // A broad search (more than CountLimit matches) finds a page newest first quickly: matches are everywhere.
                    : await query.OrderByDescending(c => c.Id).Select(c => c.Id).Skip((p - 1) * pageSize).Take(pageSize).ToListAsync(ct);
            }
        }
        else if (department is null)
        {
            // Counting stops after CountLimit: a broad filter over a large zone would otherwise count every case on every page.
            counted = await query.Take(CountLimit + 1).CountAsync(ct);
            // The page's ids first, then its rows: skipping to a deep page reads ids (from an index, where the filter
            // allows), not whole cases.
            if (newest && !Nothing(counted))
            {
                pageIds = await query.OrderByDescending(c => c.Id).Select(c => c.Id).Skip((p - 1) * pageSize).Take(pageSize).ToListAsync(ct);
            }
        }
        else if (involved == true)
        {
            // The cases the department was ever dispatched (派单, as lead or co-handler, now or before: a case it returned,
            // had reassigned away or whose part it returned), from the partial index of the dispatch entries
            // (department_code, case_id), newest first and only as deep as the page needs. A case dispatched to it
            // several times (five returns) is one case.
            var dispatched = db.CaseEvents.Where(e => e.Kind == CaseEventKinds.Dispatched && e.DepartmentCode == department);
            dispatched = departmentRole switch
            {
                DepartmentRole.Lead => dispatched.Where(e => e.PartId == null),
                DepartmentRole.Co => dispatched.Where(e => e.PartId != null),
                _ => dispatched,
            };
            // Counted from the entries (a nested loop over the index, 32 ms for 10,001 at a million cases); a page as a
            // semi-join, which PostgreSQL merges newest first with the cases' ids (0.2 ms for page 1), where "DISTINCT …
            // ORDER BY id DESC" de-duplicated all 36,000 of a department's entries before sorting (120 ms).
            counted = await dispatched.Join(query, e => e.CaseId, c => c.Id, (_, c) => c.Id).Distinct().Take(CountLimit + 1).CountAsync(ct);
            var involvedCases = query.Where(c => dispatched.Select(e => e.CaseId).Contains(c.Id));
            if (newest && !Nothing(counted))
            {
                pageIds = await involvedCases.OrderByDescending(c => c.Id).Select(c => c.Id).Skip((p - 1) * pageSize).Take(pageSize).ToListAsync(ct);
            }

            sides = [involvedCases];
        }
        else
        {
            // A department's cases: those it leads and those it co-handles (协办), each read newest first by its own index,
            // cases (department_code, id) and case_parts (department_code, case_id), only as deep as the page needs; then
            // the page's rows. One `department_code = x OR id IN (…)` would filter every case instead (1.2 s for page
            // 1,000 at a million cases). A case it both leads and co-handles (the lead reassigned into a co-handler's
            // department) is listed once.
            var led = query.Where(c => c.DepartmentCode == department);
            var coHandled = query.Join(db.Set<CasePart>().Where(x => x.DepartmentCode == department), c => c.Id, x => x.CaseId, (c, _) => c);
            sides = departmentRole switch
            {
                DepartmentRole.Lead => [led],
                DepartmentRole.Co => [coHandled],
                _ => [led, coHandled.Where(c => c.DepartmentCode != department)],
            };
            IQueryable<long> Newest(int n) => sides.Select(side => side.Select(c => c.Id).OrderByDescending(id => id).Take(n)).Aggregate(Queryable.Concat);

            counted = await Newest(CountLimit + 1).Take(CountLimit + 1).CountAsync(ct);
            if (newest && !Nothing(counted))
            {
                pageIds = await Newest(p * pageSize).OrderByDescending(id => id).Skip((p - 1) * pageSize).Take(pageSize).ToListAsync(ct);
            }
        }

        if (!newest && !Nothing(counted))
        {
            pageIds = await SortedPageAsync(sides, order, (p - 1) * pageSize, pageSize, ct);
        }

        var byId = pageIds.Count == 0 ? new Dictionary<long, Case>() : await db.Cases.AsNoTracking().Where(c => pageIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        // In the page's order (a case gone meanwhile, deleted by nothing today, is left out).
        List<Case> rows = [.. pageIds.Where(byId.ContainsKey).Select(id => byId[id])];
        var exact = counted <= CountLimit;
        return new CasePage(p, pageSize, Math.Min(counted, CountLimit), exact, await SummariesAsync(db, rows, now, ct, withDecisions: decision == true));
    }

    /// <summary>
    /// The ids of a page in another order than newest first: each side's first matches in that order, from an index
    /// (cases (updated_at, id); for the deadline, the partial index of the cases whose deadline runs, (due_at, id)), only
    /// as deep as the page, merged and paged. Ties go by id, so a case is on one page only. By deadline, the cases whose
    /// deadline runs come first; a page past them takes the others newest first.
    /// </summary>
    private static async Task<List<long>> SortedPageAsync(IReadOnlyList<IQueryable<Case>> sides, CaseListSort order, int skip, int take, CancellationToken ct)
    {
        var depth = skip + take;
        if (order == CaseListSort.Updated)
        {
            return await sides
                .Select(side => side.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Take(depth).Select(c => new SortKey { Id = c.Id, At = c.UpdatedAt }))
                .Aggregate(Queryable.Concat)
                .OrderByDescending(k => k.At).ThenByDescending(k => k.Id).Skip(skip).Take(take).Select(k => k.Id).ToListAsync(ct);
        }

        // PostgreSQL puts a missing deadline (a case not dispatched yet) after the others, ascending.
        // The statuses as constants, not a parameter: the partial index's predicate must be seen to hold whatever plan is used.
        var running = sides
            .Select(side => side.Where(c => EF.Constant(CaseStatuses.ClockRunning).Contains(c.Status)).OrderBy(c => c.DueAt).ThenBy(c => c.Id).Take(depth).Select(c => new SortKey { Id = c.Id, At = c.DueAt }))
            .Aggregate(Queryable.Concat);
        var runningCount = await running.Take(depth).CountAsync(ct);
        var ids = runningCount > skip
            ? await running.OrderBy(k => k.At).ThenBy(k => k.Id).Skip(skip).Take(take).Select(k => k.Id).ToListAsync(ct)
            : [];
        if (ids.Count < take)
        {
            // Fewer running than the page's end: runningCount is all of them; the page goes on with the others.
            var otherSkip = Math.Max(0, skip - runningCount);
            var more = take - ids.Count;
            ids.AddRange(await sides
                .Select(side => side.Where(c => !EF.Constant(CaseStatuses.ClockRunning).Contains(c.Status)).Select(c => c.Id).OrderByDescending(id => id).Take(otherSkip + more))
                .Aggregate(Queryable.Concat)
                .OrderByDescending(id => id).Skip(otherSkip).Take(more).ToListAsync(ct));
        }

        return ids;
    }

    /// <summary>A match's id and the time it is sorted by.</summary>
    private sealed class SortKey
    {
        public long Id { get; init; }

        public DateTimeOffset? At { get; init; }
    }

    /// <summary>
    /// The dispatch meeting's filters (<see cref="CaseListMore"/>), each refused in words when its value is unknown. The
    /// opened dates are the zone's local days, both included. Key enterprise: as the case says (重点企业 on its page),
    /// from a partial index of those cases; opened dates from the index on created_at.
    /// </summary>
    private async Task<IQueryable<Case>> MoreAsync(IQueryable<Case> query, CaseListMore more, Validation v, CancellationToken ct)
    {
        if (Validation.Optional(more.Category) is { } category)
        {
            var known = await categories.ListAsync(ct);
            if (known.FirstOrDefault(c => string.Equals(c.Code, category, StringComparison.OrdinalIgnoreCase)) is { } found)
            {
                query = query.Where(c => c.Category == found.Code);
            }
            else
            {
                var codes = string.Join(", ", known.Select(c => c.Code));
                v.Add("category", $"没有代码为 {category} 的类别（可用：{codes}）", $"no category has the code '{category}': use one of {codes}");
            }
        }

        if (Validation.Optional(more.Priority) is { } priority)
        {
            if (EnumNames.TryParse<CasePriority>(priority, out var p))
            {
                query = query.Where(c => c.Priority == p);
            }
            else
            {
                v.Add("priority", $"紧急程度只能是“普通”或“紧急”（normal/urgent），不是 {priority}", $"urgency must be normal or urgent, not '{priority}'");
            }
        }

        var from = LocalDay(more.OpenedFrom, "openedFrom", "受理日期（起）", "openedFrom", v);
        var to = LocalDay(more.OpenedTo, "openedTo", "受理日期（止）", "openedTo", v);
        if (from is { } f && to is { } t && t < f)
        {
            v.Add("openedTo", "受理日期（止）不能早于受理日期（起）", "openedTo must not be before openedFrom");
        }
        else
        {
            if (from is { } start)
            {
                var since = StartOf(start);
                query = query.Where(c => c.CreatedAt >= since);
            }

            if (to is { } end)
            {
                var before = StartOf(end.AddDays(1));
                query = query.Where(c => c.CreatedAt < before);
            }
        }

        if (more.Key is { } key)
        {
            query = query.Where(c => c.Enterprise.IsKey == key);
        }

        return query;
    }

    /// <summary>The days the opened-date filters take: any case's, and far from the ends of the calendar (9999-12-31 + 1 day).</summary>
    private static readonly DateOnly FirstDay = new(2000, 1, 1), LastDay = new(2099, 12, 31);

    /// <summary>A date as the filters take it (2026-03-02); null, with the mistake said, when it is none or out of range.</summary>
    private static DateOnly? LocalDay(string? text, string field, string zh, string en, Validation v)
    {
        if (Validation.Optional(text) is not { } value)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
            && day >= FirstDay && day <= LastDay)
        {
            return day;
        }

        v.Add(field, $"{zh}须是 2000-01-01 至 2099-12-31 之间的日期，如 2026-03-02，不是 {value}",
            $"{en} must be a date from 2000-01-01 to 2099-12-31 such as 2026-03-02, not '{value}'");
        return null;
    }

    /// <summary>The zone's local midnight starting <paramref name="day"/>.</summary>
    private DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, calendars.TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// The ids of the cases waiting for an officer's decision (待园区决定), as the officer's digest counts them: returned
    /// (退回) or resolved (办结，待确认), an extension request pending (申请延期), a co-handler's part returned or its
    /// extension request pending, or an unsatisfied rating not decided yet. Each from a small index: the cases' status,
    /// and partial indexes on the pending requests and the undecided ratings.
    /// </summary>
    internal static IQueryable<long> WaitingForDecision(LiaisonDbContext db) =>
        db.Cases.Where(c => c.Status == CaseStatus.Returned || c.Status == CaseStatus.Resolved).Select(c => c.Id)
            .Union(db.Cases.Where(c => c.PendingExtensionDays != null && CaseStatuses.WithHandler.Contains(c.Status)).Select(c => c.Id))
            .Union(db.Set<CasePart>().Where(p => p.Status == PartStatus.Returned).Select(p => p.CaseId))
            .Union(db.Set<CasePart>().Where(p => p.PendingExtensionDays != null && CasePart.OpenStatuses.Contains(p.Status)).Select(p => p.CaseId))
            .Union(db.Set<EnterpriseView.CaseRating>().Where(r => r.Decision == null && r.Score == Liaison.Cases.Enterprises.RatingScore.Unsatisfied)
                .Select(r => r.CaseId));

    /// <summary>
    /// The rows as the case list shows them, in their order. Joint cases' co-handler counts come from one grouped query
    /// for all of them, not one per row.
    /// </summary>
    /// <param name="withDecisions">
    /// Also what each case waits for an officer to decide, its co-handlers' requests and an unsatisfied rating included
    /// (two more reads, of the page's ids only): the "awaiting a decision" lists. Otherwise only what the case's own row says.
    /// </param>
    internal static async Task<List<CaseSummaryDto>> SummariesAsync(LiaisonDbContext db, IReadOnlyList<Case> rows, DateTimeOffset now, CancellationToken ct,
        bool withDecisions = false)
    {
        var ids = rows.Select(c => c.Id).ToList();
        var coHandlers = ids.Count == 0
            ? []
            // A withdrawn part (撤回协办) no longer co-handles: not counted, as the enterprise's page does not list it.
            : await db.Set<CasePart>().AsNoTracking().Where(x => ids.Contains(x.CaseId) && x.Status != PartStatus.Dropped).GroupBy(x => x.CaseId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var parts = withDecisions && ids.Count > 0
            ? (await db.Set<CasePart>().AsNoTracking()
                .Where(x => ids.Contains(x.CaseId) && (x.Status == PartStatus.Returned || (x.PendingExtensionDays != null && CasePart.OpenStatuses.Contains(x.Status))))
                .OrderBy(x => x.Id).Select(x => new { x.CaseId, x.DepartmentCode, x.Status, x.PendingExtensionDays }).ToListAsync(ct))
            : [];
        var names = parts.Count == 0
            ? []
            : await db.Departments.AsNoTracking().Where(d => parts.Select(x => x.DepartmentCode).Contains(d.Code)).ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        var unsatisfied = withDecisions && ids.Count > 0
            ? (await db.Set<EnterpriseView.CaseRating>().AsNoTracking()
                .Where(r => ids.Contains(r.CaseId) && r.Decision == null && r.Score == Liaison.Cases.Enterprises.RatingScore.Unsatisfied)
                .Select(r => r.CaseId).ToListAsync(ct)).ToHashSet()
            : [];
        return rows.Select(c =>
        {
            var awaiting = new List<Text>(OwnDecision(c));
            foreach (var part in parts.Where(x => x.CaseId == c.Id))
            {
                var name = names.GetValueOrDefault(part.DepartmentCode, part.DepartmentCode);
                awaiting.Add(part.Status == PartStatus.Returned
                    ? new($"协办部门 {name} 退回", $"Part returned by {name}")
                    : new($"协办部门 {name} 申请延期 {part.PendingExtensionDays} 个工作日", $"{name} asks for {English.Count(part.PendingExtensionDays ?? 0, "more working day", "more working days")} for its part"));
            }

            if (unsatisfied.Contains(c.Id))
            {
                awaiting.Add(new("企业评价不满意，待决定是否重办", "The enterprise is unsatisfied: reopen or not"));
            }

            return CaseSummaryDto.From(c, now) with { CoHandlers = coHandlers.GetValueOrDefault(c.Id), Awaiting = awaiting };
        }).ToList();
    }

    /// <summary>What the case's own row says an officer must decide: a return, a resolution to confirm, an extension request.</summary>
    private static IEnumerable<Text> OwnDecision(Case c)
    {
        if (c.Status == CaseStatus.Returned)
        {
            yield return new("部门退回，待改派或坚持原派", "Returned: reassign it or insist on the same department");
        }
        else if (c.Status == CaseStatus.Resolved)
        {
            yield return new("已办结，待确认销号或重办", "Resolved: confirm and close it, or reopen it");
        }
        else if (c.PendingExtensionDays is { } days && CaseStatuses.IsWithHandler(c.Status))
        {
            yield return new($"申请延期 {days} 个工作日，待审批", $"Asks for {English.Count(days, "more working day", "more working days")}: approve or deny");
        }
    }

    /// <summary>How many of a case's latest workflow incidents its page shows.</summary>
    public const int IncidentsShown = 5;

    /// <summary>
    /// The latest incidents of a case's workflows (the lead's and each co-handler's, found as the admins' instance list
    /// finds them) since the case last changed: a fault an action ran into is rolled back with the action, so the person
    /// acting is given its number, and the officer following the case sees it here until the case moves on.
    /// </summary>
    /// <summary>
    /// Whether the register entry has a notice contact with an email: the enterprise gets its progress link then, and the
    /// officer can send it again (<see cref="EnterpriseView.EnterpriseNotices.ResendAsync"/>).
    /// </summary>
    public Task<bool> HasNoticeEmailAsync(long? enterpriseId, CancellationToken ct) => EnterpriseView.EnterpriseNotices.CanMailAsync(db, enterpriseId, ct);

    /// <summary>The chief service officer's name of each of these register entries that has one.</summary>
    public async Task<Dictionary<long, string>> ChiefServiceOfficersAsync(IReadOnlyCollection<long> enterpriseIds, CancellationToken ct) =>
        await db.Set<Liaison.Cases.Enterprises.RegisteredEnterprise>().AsNoTracking()
            .Where(e => enterpriseIds.Contains(e.Id) && e.ChiefServiceOfficerId != null)
            .Join(db.Users, e => e.ChiefServiceOfficerId, u => u.Id, (e, u) => new { e.Id, u.DisplayName })
            .ToDictionaryAsync(e => e.Id, e => e.DisplayName, ct);

    /// <summary>Whether the case may be handed over (移交): it has not ended, or it is closed with a 不满意 rating to decide.</summary>
    public async Task<bool> MayHandOverAsync(string number, CancellationToken ct) =>
        await db.Cases.AsNoTracking().Where(c => c.Number == number).Select(c => new { c.Id, c.Status }).FirstOrDefaultAsync(ct) is { } c
        && (!CaseStatuses.Ended.Contains(c.Status) || await CaseService.AwaitsRatingDecisionAsync(db, c.Id, c.Status, ct));

    /// <summary>The ids of the co-handlers' parts a reopening of the case may ask again (<see cref="CaseService.AskableAgain(LiaisonDbContext, long, string)"/>).</summary>
    public async Task<IReadOnlyList<long>> AskableAgainAsync(string number, CancellationToken ct) =>
        await db.Cases.AsNoTracking().Where(c => c.Number == number).Select(c => new { c.Id, c.DepartmentCode }).FirstOrDefaultAsync(ct) is { } c
            ? await CaseService.AskableAgain(db, c.Id, c.DepartmentCode).Select(p => p.Id).ToListAsync(ct)
            : [];

    /// <summary>The number of the case a request id opened, or null when it opened none (unused, or used for something else).</summary>
    public Task<string?> OpenedByAsync(Guid requestId, CancellationToken ct) =>
        db.Set<CaseActionRequest>().Where(r => r.RequestId == requestId && r.Action == "open")
            .Join(db.Cases, r => r.CaseId, c => c.Id, (r, c) => c.Number).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<CaseIncident>> IncidentsAsync(string number, CancellationToken ct)
    {
        var found = await db.Cases.AsNoTracking().Where(c => c.Number == number).Select(c => new { c.Id, c.UpdatedAt }).FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return [];
        }

        var instances = InstancesOfCase(db, found.Id);
        return await db.Set<Workflows.WorkflowIncidentRecord>().AsNoTracking()
            .Where(x => x.At >= found.UpdatedAt && instances.Any(i => i.Id == x.InstanceId))
            .OrderByDescending(x => x.Id)
            .Select(x => new CaseIncident(x.Id, x.InstanceId, x.At, x.Message)).Take(IncidentsShown).ToListAsync(ct);
    }

    /// <summary>
    /// A case's workflow instances: the lead's by the case's correlation id, each co-handler's by its part's row (their
    /// correlation ids name the part: case:{id}/part:{part}).
    /// </summary>
    public static IQueryable<Workflows.WorkflowInstanceRecord> InstancesOfCase(LiaisonDbContext db, long caseId)
    {
        var lead = PartCorrelation.CasePrefix + caseId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var parts = db.Set<CasePart>().Where(p => p.CaseId == caseId && p.WorkflowInstanceId != null).Select(p => p.WorkflowInstanceId!.Value);
        return db.Set<Workflows.WorkflowInstanceRecord>().Where(i => i.CorrelationId == lead || parts.Contains(i.Id));
    }

    /// <summary>The case with its whole timeline, or null when no case has that number.</summary>
    public async Task<CaseDto?> GetAsync(string number, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.Number == number, ct);
        if (c is null)
        {
            return null;
        }

        var events = await TimelineAsync(c.Id, ct);
        var department = await db.Departments.AsNoTracking().Where(d => d.Code == c.DepartmentCode).Select(d => d.Name).FirstOrDefaultAsync(ct);
        var parts = await db.Set<CasePart>().AsNoTracking().Where(p => p.CaseId == c.Id).OrderBy(p => p.Id).ToListAsync(ct);
        var calendar = c.PendingExtensionDays is not null || parts.Any(p => p.PendingExtensionDays is not null) ? await calendars.GetAsync(ct) : null;
        var dto = CaseDto.From(c, department, events, clock.GetUtcNow());
        // A part's pending extension is capped by the lead's deadline less the category's lead time.
        var sla = parts.Any(p => p.PendingExtensionDays is not null) ? (await categories.FindAsync(c.Category, ct))?.Sla : null;
        return dto with
        {
            CoDepartments = parts.Select(p => CoDepartmentDto.From(p, c, calendar, sla)).ToList(),
            Officer = await OfficerAsync(c.OfficerId, ct),
            Enterprise = dto.Enterprise with { ChiefServiceOfficer = await ChiefServiceOfficerAsync(c, ct) },
            // As Liaison.ExtendDeadline will move it: the working days asked, after the current resolve deadline.
            PendingExtension = dto.PendingExtension is { } pending && calendar is not null && c.DueAt is { } due
                ? IfApproved(pending, ExtendDeadline.IfApproved(calendar, due, pending.Days))
                : dto.PendingExtension,
        };
    }

    private static ExtensionRequestDto IfApproved(ExtensionRequestDto pending, Deadline after) =>
        pending with { DueAtIfApproved = after.Due, ProvisionalIfApproved = after.Provisional };

    /// <summary>
    /// A case just opened in this scope, described from what the open tracked (the case, its department, its parts)
    /// and the timeline it appended (<see cref="CaseTimeline.NewTimeline"/>) instead of reading it all back. Null when
    /// the case was not opened here (a repeated request id returns the earlier case, untracked): read it then.
    /// </summary>
    public async Task<CaseDto?> DescribeOpenedAsync(Case c, CancellationToken ct)
    {
        if (db.StateOf(c) == EntityState.Detached)
        {
            return null;
        }

        var events = CaseTimeline.NewTimeline(db, c) ?? await TimelineAsync(c.Id, ct);
        var department = (await routing.ActiveDepartmentAsync(db, c.DepartmentCode, ct))?.Name;
        // The open added its parts itself: the tracker lists them without a change detection over all it holds.
        var parts = db.ChangeTracker.WithoutDetection(() => db.Set<CasePart>().Local.Where(p => p.CaseId == c.Id).OrderBy(p => p.Id).ToList())
            .Select(p => CoDepartmentDto.From(p, c)).ToList();
        // The request's session check read the officer's account already (ScopeReads): no round trip for it.
        var officer = db.Reads.AccountOf(c.OfficerId) is { } a ? new PersonRef(a.DisplayName, a.Email ?? "") : await OfficerAsync(c.OfficerId, ct);
        return CaseDto.From(c, department, events, clock.GetUtcNow()) with { CoDepartments = parts, Officer = officer };
    }

    /// <summary>The park officers a case may be handed over to or filtered by: every active account, by name.</summary>
    public Task<List<OfficerRef>> OfficersAsync(CancellationToken ct) => Auth.Accounts.ListActiveAsync(db, ct);

    /// <summary>
    /// The enterprise's chief service officer (首席服务员) today: the register's, when the case's enterprise is registered
    /// and the register names one (a chief handed over or named after the case was opened); otherwise the name the case
    /// was opened with (typed for an enterprise the register knows less about, or not registered at all).
    /// </summary>
    private async Task<string?> ChiefServiceOfficerAsync(Case c, CancellationToken ct)
    {
        if (c.EnterpriseId is not { } enterpriseId)
        {
            return c.Enterprise.ChiefServiceOfficer;
        }

        var current = await db.Set<Liaison.Cases.Enterprises.RegisteredEnterprise>().AsNoTracking()
            .Where(e => e.Id == enterpriseId && e.ChiefServiceOfficerId != null)
            .Join(db.Users, e => e.ChiefServiceOfficerId, u => u.Id, (_, u) => new { u.DisplayName, u.Email })
            .FirstOrDefaultAsync(ct);
        return current is null ? c.Enterprise.ChiefServiceOfficer
            : string.IsNullOrEmpty(current.DisplayName) ? current.Email : current.DisplayName;
    }

    private Task<PersonRef?> OfficerAsync(string officerId, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.Id == officerId).Select(u => new PersonRef(u.DisplayName, u.Email ?? "")).FirstOrDefaultAsync(ct);

    private Task<List<CaseEvent>> TimelineAsync(long caseId, CancellationToken ct) =>
        db.CaseEvents.AsNoTracking().Where(e => e.CaseId == caseId).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);

    public static ServiceError.NotFound NotFound(string number) => new(new Text($"没有编号为 {number} 的事项", $"No case numbered '{number}'"));
}

/// <summary>The case list's filters for the dispatch meeting (调度会), as sent (checked by <see cref="CaseQueries.ListAsync"/>).</summary>
/// <param name="Category">A category's code (project-landing, factor-guarantee, …).</param>
/// <param name="Priority">normal or urgent.</param>
/// <param name="OpenedFrom">Opened on or after this local date (yyyy-MM-dd).</param>
/// <param name="OpenedTo">Opened on or before this local date (yyyy-MM-dd).</param>
/// <param name="Key">Only the cases of key enterprises (重点企业, true), or only the others (false).</param>
public sealed record CaseListMore(string? Category = null, string? Priority = null, string? OpenedFrom = null, string? OpenedTo = null, bool? Key = null)
{
    public bool IsEmpty => string.IsNullOrWhiteSpace(Category) && string.IsNullOrWhiteSpace(Priority) && string.IsNullOrWhiteSpace(OpenedFrom)
        && string.IsNullOrWhiteSpace(OpenedTo) && Key is null;
}

/// <param name="Total">Matching cases, exact up to the count limit (<see cref="CaseQueries.CountLimit"/>); the limit when <paramref name="TotalIsExact"/> is false.</param>
/// <param name="TotalIsExact">False when more cases match than the count limit (Total is then a lower bound).</param>
public sealed record CasePage(int Page, int PageSize, int Total, bool TotalIsExact, List<CaseSummaryDto> Items)
{
    /// <summary>Pages when the total is exact; otherwise the pages the counted cases fill (a lower bound).</summary>
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public bool HasNext => TotalIsExact ? Page < Pages : Items.Count == PageSize;
}

public sealed record PersonRef(string Name, string Email);

public sealed record CaseSummaryDto(
    string Number, string Title, CaseStatus Status, string Category, CasePriority Priority, string Department, PersonRef Handler,
    DateTimeOffset? AcceptBy, DateTimeOffset? DueAt, bool Provisional, bool Overdue, string Enterprise, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// Joint case (联办): how many co-handling departments it has (<see cref="Department"/> leads), a withdrawn part (撤回协办)
    /// not counted; 0 for a single-department case.
    /// </summary>
    public int CoHandlers { get; init; }

    /// <summary>What it waits for an officer to decide (待园区决定), each in both languages; empty when nothing.</summary>
    public IReadOnlyList<Text> Awaiting { get; init; } = [];

    /// <summary>The enterprise's unified social credit code.</summary>
    public string EnterpriseCreditCode { get; init; } = "";

    /// <summary>The account of the park officer responsible for it (the export names them).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string OfficerId { get; init; } = "";

    /// <summary>The enterprise's register entry, if any: the export names its chief service officer as the register has it now.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long? EnterpriseId { get; init; }

    /// <summary>The case's enterprise is a key one (as the list's <c>key</c> filter reads it), with this chief service officer when not registered.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public (bool IsKey, string? Chief) KeyEnterprise { get; init; }

    public static CaseSummaryDto From(Case c, DateTimeOffset now) => new(
        c.Number, c.Title, c.Status, c.Category, c.Priority, c.DepartmentCode, new PersonRef(c.HandlerName, c.HandlerEmail),
        c.AcceptBy, c.DueAt, c.Provisional, CaseStatuses.IsOverdue(c, now), c.Enterprise.Name, c.CreatedAt)
    {
        EnterpriseCreditCode = c.Enterprise.CreditCode,
        OfficerId = c.OfficerId,
        EnterpriseId = c.EnterpriseId,
        KeyEnterprise = (c.Enterprise.IsKey, c.Enterprise.ChiefServiceOfficer),
    };
}

/// <param name="Kind">What happened: see <see cref="CaseEventKinds"/>; a handler's action is named by the action (<c>accept</c>, …).</param>
/// <param name="Actor">Who: an officer's or liaison's email, <c>workflow</c> or <c>system</c>.</param>
public sealed record TimelineEntryDto(DateTimeOffset At, string Kind, string Actor, string? Note, JsonElement? Data)
{
    /// <summary>Joint case: the co-handler's part the entry belongs to (<see cref="CoDepartmentDto.Id"/>); null for the lead or the case.</summary>
    public long? PartId { get; init; }

    public static TimelineEntryDto From(CaseEvent e) =>
        new(e.At, e.Kind, e.Actor, e.Note, e.Data is null ? null : JsonDocument.Parse(e.Data).RootElement.Clone()) { PartId = e.PartId };
}

/// <summary>The enterprise as the case was opened for it; <see cref="Id"/> is its register entry (/api/enterprises/{id}).</summary>
public sealed record CaseEnterpriseDto(string Name, string CreditCode, string? Contact, bool IsKey, string? ChiefServiceOfficer)
{
    public long? Id { get; init; }
}

public sealed record ExtensionRequestDto(int Days, string? Reason)
{
    /// <summary>The resolve deadline if the officer approves: the current one plus the days asked (on the case's own read).</summary>
    public DateTimeOffset? DueAtIfApproved { get; init; }

    /// <summary>That deadline falls in a year whose holiday schedule is not loaded yet (computed with weekends only).</summary>
    public bool ProvisionalIfApproved { get; init; }
}

/// <summary>A co-handler's extension request (申请延期) awaiting the officer.</summary>
/// <param name="DueAtIfApproved">The part's submit deadline if the officer approves: its deadline plus the days asked.</param>
/// <param name="LaterThanLead">That date is after the lead's resolve deadline (the officer can then grant at most <paramref name="MostDays"/>).</param>
/// <param name="ProvisionalIfApproved">That date falls in a year whose holiday schedule is not loaded yet.</param>
/// <param name="MostDays">The most working days an approval may grant: the part is never due after the lead's resolve
/// deadline less the category's lead time (0: the lead's deadline must move first); null when the lead has no deadline.</param>
/// <param name="LatestDueAt">That latest submit deadline: the lead's resolve deadline less the lead time; null with <paramref name="MostDays"/>.</param>
/// <param name="LeadDaysNeeded">When all the days asked are more than <paramref name="MostDays"/> and the lead's deadline can
/// move (the lead holds the case): the working days an approval with <c>extendLead</c> moves it; null otherwise.</param>
/// <param name="LeadDueAtIfApproved">The lead's resolve deadline after that move.</param>
public sealed record PartExtensionRequestDto(int Days, string? Reason, DateTimeOffset? DueAtIfApproved, bool LaterThanLead, bool ProvisionalIfApproved = false,
    int? MostDays = null, DateTimeOffset? LatestDueAt = null, int? LeadDaysNeeded = null, DateTimeOffset? LeadDueAtIfApproved = null);

/// <summary>How a deadline was computed: <see cref="WorkingDays"/> working days after <see cref="Start"/>, by <see cref="CalendarVersion"/>.</summary>
public sealed record DeadlineBasisDto(DateTimeOffset Start, int WorkingDays, string CalendarVersion, bool Provisional)
{
    public static DeadlineBasisDto? Parse(string? json) =>
        DeadlineRecalculation.ReadBasis(json) is { } d ? new DeadlineBasisDto(d.Start, d.WorkingDays, d.CalendarVersion, d.Provisional) : null;
}

/// <summary>A workflow incident of a case: its number (流程故障 #N, as the person acting was told), its instance, when and what.</summary>
public sealed record CaseIncident(long Id, Guid InstanceId, DateTimeOffset At, string Message);

public sealed record CaseDto(
    string Number, string Title, string Description, CaseStatus Status, string Category, CasePriority Priority,
    string Department, string? DepartmentName, PersonRef Handler, PersonRef? Leader, int AssignmentRound,
    DateTimeOffset? AcceptBy, DateTimeOffset? DueAt, DateTimeOffset? OriginalDueAt, bool Provisional, bool Overdue,
    DeadlineBasisDto? AcceptByBasis, DeadlineBasisDto? DueAtBasis,
    CaseEnterpriseDto Enterprise, ExtensionRequestDto? PendingExtension, int Returns, int Extensions, int Reopenings,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<string> AllowedActions, IReadOnlyList<TimelineEntryDto> Timeline)
{
    /// <summary>The routing workflow instance (admins can open it at /admin/workflow-instances/{id}); null before it started.</summary>
    public Guid? WorkflowInstanceId { get; init; }

    /// <summary>
    /// Long-running categories (遗留问题, 破产): when the handler's next progress report is due, while the case is
    /// accepted or in progress (the workflow asks again each period from there while they stay silent); null otherwise.
    /// </summary>
    public DateTimeOffset? NextProgressReportAt { get; init; }

    /// <summary>Joint case (联办): the co-handling departments' parts; empty for a single-department case.</summary>
    public IReadOnlyList<CoDepartmentDto> CoDepartments { get; init; } = [];

    /// <summary>The park officer responsible for the case (园区工作人员), who opened it or took it over; null if the account is gone.</summary>
    public PersonRef? Officer { get; init; }

    /// <summary>
    /// What a decision on the case is based on: send it back as <c>basis</c> with a decision (reassign, extension decision,
    /// confirm, reopen, urge, cancel), and the decision is refused with 409, changing nothing, when the case changed
    /// meanwhile (another officer's decision, the handler's accept, return, extension request or resolve). A progress
    /// note, an urge or a note does not change it. Opaque: compare and send it as read.
    /// </summary>
    [System.ComponentModel.Description(
        "What a decision on the case is based on: send it back as `basis` with a decision (reassign, extension-decision, confirm, reopen, "
        + "urge, cancel); when the case changed since (another decision, the handler's accept, return, extension request or resolve; not a "
        + "progress note, an urge or a note), the decision is refused with 409. Opaque: send it as read.")]
    public string Basis { get; init; } = "";

    public static CaseDto From(Case c, string? departmentName, IEnumerable<CaseEvent> events, DateTimeOffset now) => new(
        c.Number, c.Title, c.Description, c.Status, c.Category, c.Priority, c.DepartmentCode, departmentName,
        new PersonRef(c.HandlerName, c.HandlerEmail), c.LeaderEmail is null ? null : new PersonRef(c.LeaderName ?? "", c.LeaderEmail),
        c.AssignmentRound, c.AcceptBy, c.DueAt, c.OriginalDueAt, c.Provisional, CaseStatuses.IsOverdue(c, now),
        DeadlineBasisDto.Parse(c.AcceptByBasis), DeadlineBasisDto.Parse(c.DueAtBasis),
        new CaseEnterpriseDto(c.Enterprise.Name, c.Enterprise.CreditCode, c.Enterprise.Contact, c.Enterprise.IsKey, c.Enterprise.ChiefServiceOfficer)
        {
            Id = c.EnterpriseId,
        },
        c.PendingExtensionDays is { } days ? new ExtensionRequestDto(days, c.PendingExtensionReason) : null,
        c.ReturnCount, c.ExtensionCount, ReopeningsIn(events), c.CreatedAt, c.UpdatedAt,
        CaseActions.OfficerActions.Where(a => CaseActions.WhyNot(c, a) is null).ToList(),
        events.Select(TimelineEntryDto.From).ToList())
    {
        WorkflowInstanceId = c.WorkflowInstanceId,
        NextProgressReportAt = c.Status is CaseStatus.Accepted or CaseStatus.InProgress ? c.NextProgressReportAt : null,
        Basis = DecisionBasis.Of(c),
    };

    /// <summary>
    /// The lead's re-handlings (重办) as the league table counts them (<see cref="CaseEventKinds.Reopenings"/>): a reopen
    /// of the resolved case, and a reopen after the close on the enterprise's unsatisfied rating (a follow-up case).
    /// </summary>
    private static int ReopeningsIn(IEnumerable<CaseEvent> events) =>
        events.Count(e => e.PartId is null && CaseEventKinds.Reopenings.Contains(e.Kind));
}

/// <summary>A co-handling department's part of a joint case, as the officer sees it.</summary>
/// <param name="Status">dispatched, accepted, in-progress, returned, submitted, overridden (the lead resolved without it) or dropped.</param>
public sealed record CoDepartmentDto(
    string DepartmentCode, string? Task, string Status, PersonRef? Handler, int AssignmentRound, DateTimeOffset? AcceptBy, DateTimeOffset? DueAt,
    DateTimeOffset? AcceptedAt, DateTimeOffset? SubmittedAt, string? Submission, string? Attachments, string? EndedReason)
{
    /// <summary>The part's id: the officer reassigns or drops it at <c>/api/cases/{number}/parts/{id}/…</c>.</summary>
    public long Id { get; init; }

    /// <summary>What the officer may do to the part now: <c>reassign</c> (a returned part), <c>drop</c>.</summary>
    public IReadOnlyList<string> AllowedActions { get; init; } = [];

    /// <summary>The co-handler's extension request awaiting the officer; null when none is pending.</summary>
    public PartExtensionRequestDto? PendingExtension { get; init; }

    /// <summary>The submit deadline falls in a year whose holiday schedule is not loaded yet (computed with weekends only).</summary>
    public bool Provisional { get; init; }

    /// <summary>What a decision on the part is based on, as the case's <see cref="CaseDto.Basis"/>: send it back as <c>basis</c> with the part's decisions.</summary>
    [System.ComponentModel.Description(
        "What a decision on this part is based on: send it back as `basis` with the part's decisions (reassign, drop, extension-decision, "
        + "urge); when the part changed since, the decision is refused with 409. Opaque: send it as read.")]
    public string Basis { get; init; } = "";

    /// <param name="c">The part's case (the lead's deadline is compared with a pending extension's).</param>
    /// <param name="calendar">Needed to tell a pending extension's date; null when the part has none pending.</param>
    /// <param name="sla">The case's category's policy (its lead time caps a pending extension); null when the part has none pending.</param>
    public static CoDepartmentDto From(CasePart p, Case c, WorkingCalendar? calendar = null, SlaPolicy? sla = null) => new(
        p.DepartmentCode, p.Task, CasePart.Name(p.Status), p.AssignmentRound > 0 ? new PersonRef(p.HandlerName, p.HandlerEmail) : null, p.AssignmentRound,
        p.AcceptBy, p.DueAt, p.AcceptedAt, p.SubmittedAt, p.SubmissionNote, p.SubmissionAttachments, p.EndedReason)
    {
        Id = p.Id,
        AllowedActions = CaseActions.OfficerPartActions.Where(a => CaseActions.WhyNot(p, a) is null).ToList(),
        PendingExtension = Pending(p, c, calendar, sla),
        Provisional = p.Provisional,
        Basis = DecisionBasis.Of(p),
    };

    private static PartExtensionRequestDto? Pending(CasePart p, Case c, WorkingCalendar? calendar, SlaPolicy? sla)
    {
        if (p.PendingExtensionDays is not { } days)
        {
            return null;
        }

        // As Liaison.ExtendDeadline will move it: the working days asked, after the part's current deadline.
        var after = calendar is not null && p.DueAt is { } due ? ExtendDeadline.IfApproved(calendar, due, days) : null;
        // As the approval caps it (CaseService): never past the lead's deadline less the lead time.
        var most = calendar is not null && sla is not null && p.DueAt is { } current ? SlaDeadlines.PartExtensionLimit(calendar, current, c.DueAt, sla) : null;
        var latest = most is not null ? SlaDeadlines.LatestPartDue(calendar!, c.DueAt!.Value, sla!) : (DateTimeOffset?)null;
        // As an approval of all asked with extendLead would move the lead's deadline (CaseService.LeadMoveForAsync).
        var lead = most < days && CaseStatuses.IsWithHandler(c.Status) ? SlaDeadlines.LeadDaysNeeded(calendar!, p.DueAt!.Value, days, c.DueAt!.Value, sla!) : (int?)null;
        return new PartExtensionRequestDto(days, p.PendingExtensionReason, after?.Due, after?.Due > c.DueAt, after?.Provisional == true, most, latest,
            lead, lead is { } moving ? calendar!.AddWorkingDays(c.DueAt!.Value, moving).Due : null);
    }
}
