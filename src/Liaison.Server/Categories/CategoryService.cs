using Liaison.Cases.Common;
using Liaison.Cases.Sla;
using Liaison.Server.Audit;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Categories;

/// <summary>
/// The case categories with their time limits: the shipped defaults (DESIGN §2) overridden by what admins stored.
/// Rebuilt from the database at most once a minute (so instances sharing a database converge) and at once after a
/// local change. A change applies to dispatches from then on; deadlines already set keep their basis.
/// </summary>
public sealed class CategoryService
{
    private readonly RefreshingValue<IReadOnlyList<CaseCategory>> _categories;
    private readonly TimeProvider _clock;

    public CategoryService(IServiceScopeFactory scopes, TimeProvider clock)
    {
        _clock = clock;
        _categories = new RefreshingValue<IReadOnlyList<CaseCategory>>(clock, TimeSpan.FromMinutes(1), async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
            var stored = await db.Set<CaseCategoryRecord>().AsNoTracking().ToDictionaryAsync(r => r.Code, StringComparer.Ordinal, ct);
            return CaseCategories.Defaults.Select(d => stored.TryGetValue(d.Code, out var r) ? FromRecord(r) : d).ToList();
        });
    }

    /// <summary>Every category, in the shipped order.</summary>
    public Task<IReadOnlyList<CaseCategory>> ListAsync(CancellationToken ct = default) => _categories.GetAsync(ct);

    /// <summary>The category with this code (trimmed), or null.</summary>
    public async Task<CaseCategory?> FindAsync(string? code, CancellationToken ct = default)
    {
        var trimmed = code?.Trim() ?? "";
        return (await ListAsync(ct)).FirstOrDefault(c => c.Code == trimmed);
    }

    /// <summary>
    /// What is wrong with a field naming no category (required) or an unknown one (one of …, each by its name and the
    /// code an API client sends).
    /// </summary>
    public async Task<Text> UnknownAsync(string? given, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(given))
        {
            return new Text("必填：请选择类别", "is required: choose a category");
        }

        var all = await ListAsync(ct);
        return new Text("类别无效，可选：" + string.Join("、", all.Select(c => $"{c.NameZh}（{c.Code}）")),
            "must be one of " + string.Join(", ", all.Select(c => $"{c.Name} ({c.Code})")));
    }

    /// <summary>Forget the cached list (after a local change).</summary>
    public void Invalidate() => _categories.Invalidate();

    /// <summary>Sets a category's names and limits; refused whole when any field is wrong.</summary>
    /// <param name="unreadable">
    /// The form's fields that were not numbers (a page's form), refused already: their errors come first, and the rest
    /// is checked as well, so every error shows at once.
    /// </param>
    public async Task<ServiceResult<CaseCategory>> UpdateAsync(LiaisonDbContext db, string code, CategoryInput input, Actor actor, CancellationToken ct,
        Validation? unreadable = null)
    {
        if (CaseCategories.FindDefault(code) is null)
        {
            return new ServiceError.NotFound(new Text($"没有代码为 {code} 的类别", $"No category has the code '{code}'"));
        }

        var v = unreadable ?? new Validation();
        var nameZh = v.RequiredLine("nameZh", input.NameZh, 100);
        var name = v.RequiredLine("name", input.Name, 200);
        var accept = Limit(v, "acceptWithinWorkingDays", input.AcceptWithinWorkingDays);
        var resolve = Limit(v, "resolveWithinWorkingDays", input.ResolveWithinWorkingDays);
        // A limit missing or unreadable stands in as one in range, so the others are still checked, and nothing is said of it twice.
        var problems = SlaPolicy.Problems(accept ?? 1, resolve ?? SlaPolicy.MaxWorkingDays, input.ProgressReportEveryWorkingDays)
            .Where(p => (accept is not null || p.Field != "acceptWithinWorkingDays") && (resolve is not null || p.Field != "resolveWithinWorkingDays"))
            .ToList();
        foreach (var (field, message) in problems)
        {
            v.Add(field, message);
        }

        var resolveInRange = resolve is not null && problems.All(p => p.Field != "resolveWithinWorkingDays");

        var lead = input.CoHandlerLeadWorkingDays ?? SlaPolicy.DefaultCoHandlerLeadWorkingDays;
        // Its upper bound is the resolve limit: checked against a resolve limit that stands, not one refused above (an
        // unreadable lead time was said already).
        if (!v.Errors.ContainsKey("coHandlerLeadWorkingDays") && (lead < 0 || (resolveInRange && lead >= resolve!.Value)))
        {
            v.Add("coHandlerLeadWorkingDays", resolveInRange ? LeadTimeRange(resolve!.Value) : new Text("不能为负数", "cannot be negative"));
        }

        // A report due less often than the case is would first fall due after the case, when the escalation ladder has
        // taken over (WaitForLiaison asks for reports up to the resolve deadline only). A category's own rule: the
        // policies derived from one (a co-handler's shorter limit, a workflow's ChangeDeadline) keep the interval as it is.
        if (input.ProgressReportEveryWorkingDays is { } every && resolveInRange && every > resolve!.Value
            && problems.All(p => p.Field != "progressReportEveryWorkingDays"))
        {
            v.Add("progressReportEveryWorkingDays", new Text(
                $"进展报告间隔（{every} 个工作日）不能长于办结时限（{resolve.Value} 个工作日）：否则第一次进展报告要到办结期限之后才到期",
                $"the progress report interval ({English.Count(every, "working day", "working days")}) cannot be longer than the resolve limit ({English.Count(resolve.Value, "working day", "working days")}): the first report would fall due after the case does"));
        }

        EditBasis.Check(v, input.Basis);

        // Saves of categories take turns, so each checks its names against the others' as committed: no unique index can,
        // as the shipped categories have no rows until an admin changes them.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AdvisoryLocks.TakeAsync(db, AdvisoryLocks.Categories, "names", ct);
        var stored = await db.Set<CaseCategoryRecord>().ToDictionaryAsync(r => r.Code, StringComparer.Ordinal, ct);
        var others = CaseCategories.Defaults.Where(d => d.Code != code).Select(d => stored.TryGetValue(d.Code, out var r) ? FromRecord(r) : d).ToList();
        RefuseTakenName(v, "nameZh", nameZh, others, c => c.NameZh);
        RefuseTakenName(v, "name", name, others, c => c.Name);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var record = stored.GetValueOrDefault(code);
        var before = record is null ? CaseCategories.FindDefault(code)! : FromRecord(record);
        // Saved from a form (or a read) of the category as it was before someone else's save, which it would undo.
        if (EditBasis.IsStale(input.Basis, BasisOf(before)))
        {
            return new ServiceError.Conflict(Stale);
        }
        if (record is null)
        {
            record = new CaseCategoryRecord { Code = code, NameZh = nameZh, Name = name };
            db.Add(record);
        }

        record.NameZh = nameZh;
        record.Name = name;
        record.AcceptWithinWorkingDays = accept!.Value;
        record.ResolveWithinWorkingDays = resolve!.Value;
        record.ProgressReportEveryWorkingDays = input.ProgressReportEveryWorkingDays;
        record.CoHandlerLeadWorkingDays = lead;
        record.UpdatedAt = _clock.GetUtcNow();
        record.UpdatedBy = actor.Name;
        var after = FromRecord(record);
        AuditLog.Add(db, _clock, actor, AuditActions.CategoryChanged, code, new AuditChanges()
            .Field("nameZh", before.NameZh, after.NameZh)
            .Field("name", before.Name, after.Name)
            .Field("acceptWithinWorkingDays", before.Sla.AcceptWithinWorkingDays, after.Sla.AcceptWithinWorkingDays)
            .Field("resolveWithinWorkingDays", before.Sla.ResolveWithinWorkingDays, after.Sla.ResolveWithinWorkingDays)
            .Field("progressReportEveryWorkingDays", before.Sla.ProgressReportEveryWorkingDays, after.Sla.ProgressReportEveryWorkingDays)
            .Field("coHandlerLeadWorkingDays", before.Sla.CoHandlerLeadWorkingDays, after.Sla.CoHandlerLeadWorkingDays));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Invalidate();
        return after;
    }

    /// <summary>The category's version as a read shows it (<see cref="CategoryDto.Basis"/>): its names and limits.</summary>
    public static string BasisOf(CaseCategory c) => EditBasis.Of(
        c.NameZh, c.Name, c.Sla.AcceptWithinWorkingDays, c.Sla.ResolveWithinWorkingDays, c.Sla.ProgressReportEveryWorkingDays, c.Sla.CoHandlerLeadWorkingDays);

    public static readonly Text Stale = new(
        "事项类别在您打开后已被他人修改，您的修改未保存：请重新打开后再改",
        "the category was changed by someone else after you opened it; your changes were not saved: open it again and redo them");

    /// <summary>The lead time a resolve limit of <paramref name="resolve"/> working days allows: 0 up to one day less.</summary>
    private static Text LeadTimeRange(int resolve) => resolve == 1
        ? new Text("应为 0：办结时限只有 1 个工作日，无法设协办提前量", "must be 0: with a resolve limit of 1 working day no lead time is possible")
        : new Text($"应为 0 至 {resolve - 1} 个工作日（须短于 {resolve} 个工作日的办结时限）",
            $"must be 0–{resolve - 1} working days (shorter than the resolve limit of {resolve} working days)");

    /// <summary>
    /// Adds an error to <paramref name="field"/> when another category has <paramref name="name"/> already
    /// (<see cref="Names.Same"/>): two of one name would be two identical entries in the lists officers pick a category from.
    /// </summary>
    private static void RefuseTakenName(Validation v, string field, string name, IEnumerable<CaseCategory> others, Func<CaseCategory, string> nameOf)
    {
        if (name.Length == 0 || v.Errors.ContainsKey(field))
        {
            return;
        }

        if (others.FirstOrDefault(c => Names.Same(nameOf(c), name)) is { } other)
        {
            v.Add(field, new Text($"名称已被“{nameOf(other)}”（{other.Code}）使用", $"the name is already used by \"{nameOf(other)}\" ({other.Code})"));
        }
    }

    private static CaseCategory FromRecord(CaseCategoryRecord r) => new(r.Code, r.NameZh, r.Name,
        new SlaPolicy(r.AcceptWithinWorkingDays, r.ResolveWithinWorkingDays, r.ProgressReportEveryWorkingDays)
        {
            CoHandlerLeadWorkingDays = r.CoHandlerLeadWorkingDays,
        });

    private static int? Limit(Validation v, string field, int? value)
    {
        if (value is null && !v.Errors.ContainsKey(field))
        {
            v.Add(field, "必填", "is required");
        }

        return value;
    }
}

/// <summary>A category's names and limits as an admin sends them (API body and admin form).</summary>
/// <param name="Basis">Optional: the category's <see cref="CategoryDto.Basis"/> as read; when someone has saved it since, nothing is saved (409).</param>
public sealed record CategoryInput(
    string? NameZh, string? Name, int? AcceptWithinWorkingDays, int? ResolveWithinWorkingDays, int? ProgressReportEveryWorkingDays,
    int? CoHandlerLeadWorkingDays, string? Basis = null);

/// <summary>A category as the API shows it.</summary>
public sealed record CategoryDto(
    string Code, string NameZh, string Name, int AcceptWithinWorkingDays, int ResolveWithinWorkingDays, int? ProgressReportEveryWorkingDays,
    int CoHandlerLeadWorkingDays)
{
    /// <summary>The category's version: sent back with a change (<see cref="CategoryInput.Basis"/>), a save since refuses it.</summary>
    public string Basis { get; init; } = "";

    public static CategoryDto From(CaseCategory c) => new(c.Code, c.NameZh, c.Name, c.Sla.AcceptWithinWorkingDays, c.Sla.ResolveWithinWorkingDays,
        c.Sla.ProgressReportEveryWorkingDays, c.Sla.CoHandlerLeadWorkingDays) { Basis = CategoryService.BasisOf(c) };
}
