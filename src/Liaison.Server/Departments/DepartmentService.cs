using System.Text.RegularExpressions;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Departments;
using Liaison.Server.Audit;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Departments;

/// <summary>Reads and changes the departments and their two liaisons; shared by the API and the admin pages.</summary>
public sealed partial class DepartmentService(LiaisonDbContext db, LiaisonChange liaisons, TimeProvider clock)
{
    public async Task<List<Department>> ListAsync(bool? active, CancellationToken ct)
    {
        var query = db.Departments.AsNoTracking();
        if (active is { } a)
        {
            query = query.Where(d => d.Active == a);
        }

        return await query.OrderBy(d => d.Id).ToListAsync(ct);
    }

    public async Task<ServiceResult<Department>> GetAsync(string code, CancellationToken ct) =>
        await db.Departments.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct) is { } d ? d : NotFound(code);

    public async Task<ServiceResult<Department>> CreateAsync(DepartmentInput input, Actor actor, CancellationToken ct)
    {
        var v = new Validation();
        var code = v.RequiredLine("code", input.Code, 32);
        if (code.Length > 0 && !CodePattern().IsMatch(code))
        {
            v.Add("code", "只能包含小写字母、数字和连字符，以字母开头，2–32 位", "must be 2–32 lowercase letters, digits or hyphens, starting with a letter");
        }

        var fields = Read(input, v);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        if (await db.Departments.AnyAsync(d => d.Code == code, ct))
        {
            return DuplicateCode(code);
        }

        if (await NameTakenAsync(fields.Name, code, v, ct))
        {
            return new ServiceError.Invalid(v);
        }

        var now = clock.GetUtcNow();
        var department = new Department
        {
            Code = code,
            Name = fields.Name,
            Handler = fields.Handler,
            Leader = fields.Leader,
            Active = input.Active ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Departments.Add(department);
        AuditLog.Add(db, clock, actor, AuditActions.DepartmentCreated, code, Changes(null, Snapshot.Of(department)));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            return unique.ConstraintName == NameIndex ? NameTakenMeanwhile(fields.Name) : DuplicateCode(code);
        }

        return department;
    }

    /// <summary>
    /// Changes a department. A new handler or leader takes over the department's open cases and co-handling parts in
    /// the same transaction (<see cref="LiaisonChange"/>); <paramref name="actor"/> (the admin) is named on their timelines
    /// and in the change log.
    /// </summary>
    public async Task<ServiceResult<DepartmentSaved>> UpdateAsync(string code, DepartmentInput input, Actor actor, CancellationToken ct)
    {
        // A case being handled right now (its row locked) makes the handover give way: all of it rolls back and runs again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await UpdateOnceAsync(code, input, actor, ct);
            }
            catch (Exception ex) when (RowsBusyException.Is(ex))
            {
                db.DiscardChanges();
                if (attempt == HandoverAttempts)
                {
                    return new ServiceError.Conflict(new Text("该部门的事项正在办理，请稍后再保存", "some of the department's cases are being handled right now; save again in a moment"));
                }

                // Real time, not the clock: a pause for the other transaction to commit, not a deadline.
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), ct);
            }
        }
    }

    /// <summary>Tries of a save whose handover finds a case locked, about 1.3 s of pauses in all, before it answers 409.</summary>
    internal const int HandoverAttempts = 12;

    private async Task<ServiceResult<DepartmentSaved>> UpdateOnceAsync(string code, DepartmentInput input, Actor actor, CancellationToken ct)
    {
        var v = new Validation();
        if (input.Code is { } bodyCode && bodyCode.Trim() != code)
        {
            v.Add("code", "部门代码不能修改", "the department code cannot be changed");
        }

        var fields = Read(input, v);
        EditBasis.Check(v, input.Basis);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // First: the cases being dispatched to the department commit before its handover looks for them (DepartmentLocks).
        await DepartmentLocks.LockForChangeAsync(db, code, ct);
        // Locked: two admins saving the same department at once move its cases one after the other.
        var department = (await db.Departments.FromSql($"SELECT * FROM departments WHERE code = {code} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (department is null)
        {
            return NotFound(code);
        }

        // Saved from a form (or a read) of the department as it was before someone else's save: that save's new handler
        // would be replaced by the old one again, its cases handed over a second time. Checked under the row's lock.
        if (EditBasis.IsStale(input.Basis, BasisOf(department)))
        {
            return new ServiceError.Conflict(Stale);
        }

        // After the department is found: an unknown one is a 404 under any name.
        if (await NameTakenAsync(fields.Name, code, v, ct))
        {
            return new ServiceError.Invalid(v);
        }

        if (input.Active == false && department.Active && await OpenWorkAsync(code, ct) is { Count: > 0 } open)
        {
            // Its cases would wait on a department nobody can dispatch to again: they are reassigned first. Named, so
            // the admin can find them (the first few, oldest first).
            var shown = string.Join("、", open.Take(OpenWorkShown));
            var more = open.Count > OpenWorkShown ? "…" : "";
            return new ServiceError.Conflict(new Text(
                $"该部门还有在办事项或协办任务（{shown}{more}），请先改派或撤回后再停用",
                $"the department still has open cases or co-handling parts ({shown.Replace("、", ", ")}{more}): reassign or drop them before deactivating it"));
        }

        var before = Snapshot.Of(department);
        department.Name = fields.Name;
        department.Handler = fields.Handler;
        department.Leader = fields.Leader;
        department.Active = input.Active ?? department.Active;
        if (Describe(before.Handler) != Describe(department.Handler) || Describe(before.Leader) != Describe(department.Leader))
        {
            // Once an admin has named real people, the row is no longer sample data (a save that keeps them changes nothing).
            department.IsSample = false;
        }
        department.UpdatedAt = clock.GetUtcNow();
        var handedOver = await liaisons.ApplyAsync(db, department, actor.Name, ct);
        AuditLog.Add(db, clock, actor, AuditActions.DepartmentChanged, code, Changes(before, Snapshot.Of(department)));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: NameIndex })
        {
            db.DiscardChanges();
            return NameTakenMeanwhile(fields.Name);
        }

        await tx.CommitAsync(ct);
        return new DepartmentSaved(department, handedOver);
    }

    /// <summary>
    /// The department's version as a read shows it (<see cref="DepartmentDto.Basis"/>): its name, liaisons and whether it
    /// is active. A save naming another one is refused (<see cref="Stale"/>).
    /// </summary>
    public static string BasisOf(Department d) => EditBasis.Of(
        d.Name, d.Handler.Name, d.Handler.Email, d.Handler.Culture, d.Leader.Name, d.Leader.Email, d.Leader.Culture, d.Active);

    public static readonly Text Stale = new(
        "部门信息在您打开后已被他人修改，您的修改未保存：请重新打开后再改",
        "the department was changed by someone else after you opened it; your changes were not saved: open it again and redo them");

    /// <summary>
    /// The unique index on the folded name (migration <c>DepartmentNameFold</c>: letter case and full-width forms aside,
    /// as <see cref="Names.Same"/>): two departments of one name are two identical entries in every list an officer picks from.
    /// </summary>
    internal const string NameIndex = "ix_departments_folded_name";

    /// <summary>
    /// Adds an error to <c>name</c> when another department (active or not) has it already (<see cref="Names.Same"/>); the
    /// unique index has the last word when two admins save the same name at once.
    /// </summary>
    private async Task<bool> NameTakenAsync(string name, string code, Validation v, CancellationToken ct)
    {
        // A zone has a few dozen departments: compared here by the one rule for names (Names.Same), which the index
        // folds the same way.
        var others = await db.Departments.AsNoTracking().Where(d => d.Code != code)
            .OrderBy(d => d.Id).Select(d => new { d.Code, d.Name, d.Active }).ToListAsync(ct);
        var other = others.FirstOrDefault(d => Names.Same(d.Name, name));
        if (other is null)
        {
            return false;
        }

        v.Add("name", other.Active
            ? new Text($"名称已被“{other.Name}”（{other.Code}）使用", $"the name is already used by \"{other.Name}\" ({other.Code})")
            : new Text($"名称已被已停用的“{other.Name}”（{other.Code}）使用", $"the name is already used by the inactive department \"{other.Name}\" ({other.Code})"));
        return true;
    }

    private static ServiceError.Conflict NameTakenMeanwhile(string name) =>
        new(new Text($"另一个部门刚刚以“{name}”为名保存，请刷新后换一个名称", $"another department was just saved with the name \"{name}\"; reload and choose another name"));

    /// <summary>How many of a department's open cases a refused deactivation names.</summary>
    private const int OpenWorkShown = 10;

    /// <summary>How many open cases the department leads or co-handles: what a new handler or leader would take over.</summary>
    public Task<int> OpenWorkCountAsync(string code, CancellationToken ct) =>
        OpenWork(code).CountAsync(ct);

    private IQueryable<Case> OpenWork(string code) =>
        db.Cases.Where(c => CaseStatuses.Open.Contains(c.Status) && (c.DepartmentCode == code
            || db.Set<CasePart>().Any(p => p.CaseId == c.Id && p.DepartmentCode == code && CasePart.OpenStatuses.Contains(p.Status))));

    /// <summary>The numbers of the cases the department leads or co-handles while they are open, oldest first; one past those shown at most.</summary>
    private async Task<List<string>> OpenWorkAsync(string code, CancellationToken ct) =>
        await OpenWork(code).OrderBy(c => c.Id).Select(c => c.Number).Take(OpenWorkShown + 1).ToListAsync(ct);

    /// <summary>What the change log compares; the liaisons are replaced, never changed in place, so holding them is enough.</summary>
    private sealed record Snapshot(string Name, DepartmentLiaison Handler, DepartmentLiaison Leader, bool Active)
    {
        public static Snapshot Of(Department d) => new(d.Name, d.Handler, d.Leader, d.Active);
    }

    private static AuditChanges Changes(Snapshot? before, Snapshot after) => new AuditChanges { RecordEmpty = before is null }
        .Field("name", before?.Name, after.Name)
        .Field("handler", Describe(before?.Handler), Describe(after.Handler))
        .Field("leader", Describe(before?.Leader), Describe(after.Leader))
        .Field("active", before?.Active, after.Active);

    private static string? Describe(DepartmentLiaison? p) => p is null ? null : $"{p.Name} <{p.Email}> {p.Culture}";

    private static (string Name, DepartmentLiaison Handler, DepartmentLiaison Leader) Read(DepartmentInput input, Validation v)
    {
        var name = v.RequiredLine("name", input.Name, 100);
        var handler = ReadPerson("handler", input.Handler, v);
        var leader = ReadPerson("leader", input.Leader, v);
        if (handler.Email.Length > 0 && EmailAddress.Same(handler.Email, leader.Email))
        {
            v.Add("leader.email", "分管领导应是经办人以外的另一人：签收提醒、逾期通知要抄送分管领导",
                "must be someone other than the handler: acceptance reminders and overdue notices copy the leader");
        }

        return (name, handler, leader);
    }

    private static DepartmentLiaison ReadPerson(string field, PersonInput? p, Validation v)
    {
        if (p is null)
        {
            v.Add(field, "必填", "is required");
            return new DepartmentLiaison { Name = "", Email = "" };
        }

        var name = v.RequiredLine($"{field}.name", p.Name, 100);
        var email = v.RequiredLine($"{field}.email", p.Email, 254);
        if (email.Length > 0 && !EmailAddress.IsValid(email))
        {
            v.Add($"{field}.email", "邮箱地址格式不正确", "is not a valid email address");
        }

        var culture = string.IsNullOrWhiteSpace(p.Culture) ? Cultures.Chinese : p.Culture.Trim();
        if (!Cultures.All.Contains(culture))
        {
            v.Add($"{field}.culture", CultureChoices);
        }

        return new DepartmentLiaison { Name = name, Email = email, Culture = culture };
    }

    /// <summary>A mail or page language other than the two: named as the language lists name them, with the code the API takes.</summary>
    internal static readonly Text CultureChoices = new("只能是中文（zh-CN）或英文（en）", "must be Chinese (zh-CN) or English (en)");

    private static ServiceError.NotFound NotFound(string code) =>
        new(new Text($"没有代码为 {code} 的部门", $"no department has the code '{code}'"));

    private static ServiceError.Conflict DuplicateCode(string code) =>
        new(new Text($"部门代码 {code} 已存在", $"a department with the code '{code}' already exists"));

    [GeneratedRegex("^[a-z][a-z0-9-]{1,31}$")]
    private static partial Regex CodePattern();
}

public sealed record PersonDto(string Name, string Email, string Culture);

public sealed record DepartmentDto(string Code, string Name, PersonDto Handler, PersonDto Leader, bool Active, bool Sample)
{
    /// <summary>The department's version: sent back with a change (<see cref="DepartmentInput.Basis"/>), a save since refuses it.</summary>
    public string Basis { get; init; } = "";

    public static DepartmentDto From(Department d) => new(
        d.Code,
        d.Name,
        new PersonDto(d.Handler.Name, d.Handler.Email, d.Handler.Culture),
        new PersonDto(d.Leader.Name, d.Leader.Email, d.Leader.Culture),
        d.Active,
        d.IsSample) { Basis = DepartmentService.BasisOf(d) };
}

public sealed record PersonInput(string? Name, string? Email, string? Culture);

/// <param name="Basis">
/// Optional, on a change: the department's <see cref="DepartmentDto.Basis"/> as read; when someone has saved it since,
/// the change is refused (409) and nothing is handed over.
/// </param>
public sealed record DepartmentInput(string? Code, string? Name, PersonInput? Handler, PersonInput? Leader, bool? Active, string? Basis = null);

/// <param name="HandedOver">Open cases and co-handling parts that went to a new handler or leader in the save.</param>
public sealed record DepartmentSaved(Department Department, int HandedOver);
