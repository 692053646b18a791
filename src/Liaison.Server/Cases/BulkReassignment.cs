using System.Security.Cryptography;
using System.Text;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>
/// 批量转交: several cases to one department at once (a department's work moved elsewhere, two townships merged). Each
/// case goes through the single case's reassignment (<see cref="CaseService.DecideAsync"/>, 改派) in its own scope and
/// transaction, so it gets exactly what one reassignment gives (checks, timeline entry, mails, timers, ended links).
/// Each case on its own: one that cannot move (closed, cancelled, already there) does not hold the others back, as an
/// officer moving a department's work expects; the answer says which moved and why the others did not.
/// </summary>
public sealed class BulkReassignment(IServiceScopeFactory scopes, LiaisonDbContext db)
{
    /// <summary>Cases in one request at most: a list page's largest page (<see cref="CaseQueries.MaxPageSize"/>).</summary>
    public const int MaxCases = CaseQueries.MaxPageSize;

    public async Task<ServiceResult<BulkReassignResult>> ReassignAsync(
        IReadOnlyList<string?>? cases, string? departmentCode, string? reason, Guid? requestId, string officer, CancellationToken ct)
    {
        var v = new Validation();
        var numbers = (cases ?? []).Select(n => n?.Trim()).Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).Distinct(StringComparer.Ordinal).ToList();
        if (numbers.Count == 0)
        {
            v.Add("cases", "请至少选择一件事项", "choose at least one case");
        }
        else if (numbers.Count > MaxCases)
        {
            v.Add("cases", $"一次最多转交 {MaxCases} 件事项，本次有 {numbers.Count} 件：请分批转交",
                $"at most {MaxCases} cases can be moved at once, not {numbers.Count}: move them in batches");
        }

        var code = departmentCode?.Trim();
        var department = string.IsNullOrEmpty(code) ? null
            : await db.Departments.AsNoTracking().Where(d => d.Code == code && d.Active).Select(d => d.Name).FirstOrDefaultAsync(ct);
        if (string.IsNullOrEmpty(code))
        {
            v.Add("departmentCode", "必填：请选择接手的部门", "is required: choose the department that takes the cases over");
        }
        else if (department is null)
        {
            v.Add("departmentCode", $"没有代码为 {code} 的在用部门", $"no active department has the code '{code}'");
        }

        // The departments that lose the cases are told why; so is the timeline.
        var note = reason?.Trim();
        if (string.IsNullOrEmpty(note))
        {
            v.Add("reason", "必填：请说明转交理由（如职能调整、乡镇合并）", "is required: say why the cases move (a change of remit, a merger)");
        }

        v.MaxLength("reason", note, 2000);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var results = new List<BulkReassignItem>(numbers.Count);
        foreach (var number in numbers)
        {
            results.Add(await ReassignOneAsync(number, code!, note!, requestId, officer, ct));
        }

        return new BulkReassignResult(code!, department!, results);
    }

    private async Task<BulkReassignItem> ReassignOneAsync(string number, string code, string note, Guid? requestId, string officer, CancellationToken ct)
    {
        // Its own scope: a refusal's half-made changes, or one case's tracked rows, never reach the next case's commit.
        await using var scope = scopes.CreateAsyncScope();
        var caseDb = scope.ServiceProvider.GetRequiredService<LiaisonDbContext>();
        Guid? own = requestId is { } batch ? ForCase(batch, number) : null;
        var department = await caseDb.Cases.AsNoTracking().Where(c => c.Number == number).Select(c => c.DepartmentCode).FirstOrDefaultAsync(ct);
        if (department == code && !(own is { } sent && await caseDb.Set<CaseActionRequest>().AnyAsync(r => r.RequestId == sent, ct)))
        {
            // Already there, and not by this batch's earlier sending (which answers as it did, below). A returned case
            // would be insisted on (坚持原派, counted against the department that returned it): a decision for its own
            // page, with the return's reason in view, not for a batch.
            return Refused(number, new ServiceError.Conflict(new("事项已在该部门", "The case is already with that department")));
        }

        var cases = scope.ServiceProvider.GetRequiredService<CaseService>();
        var result = await cases.DecideAsync(number, CaseActions.Reassign, officer, new CaseService.OfficerDecision(note, code, null, RequestId: own), ct);
        return result.Error is { } error ? Refused(number, error) : new BulkReassignItem(number, true, result.Repeated, null, null);
    }

    /// <summary>
    /// The batch's request id was sent before with another department or reason: said so a page user can act on it (the
    /// form went back with the browser and was sent again), not as the single reassignment's "request id used".
    /// </summary>
    internal static readonly Text SentBeforeOtherwise = new(
        "此批转交已用其他部门或理由提交过（请求编号 requestId 相同）：请重新打开事项列表后再选择并提交",
        "this batch was sent before with another department or reason (the same requestId): open the case list again, choose and send anew");

    private static BulkReassignItem Refused(string number, ServiceError error) => new(number, false, false,
        ReferenceEquals(error, CaseService.RequestIdReused) ? SentBeforeOtherwise : error.Message, error switch
    {
        ServiceError.NotFound => StatusCodes.Status404NotFound,
        ServiceError.Invalid => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status409Conflict,
    });

    /// <summary>
    /// Each case's own request id, derived from the batch's: sent again, every case that moved answers as moved once
    /// (the single reassignment's replay), and one refused then is tried again.
    /// </summary>
    internal static Guid ForCase(Guid batch, string number)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"bulk-reassign/{batch:D}/{number}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}

/// <summary>What a batch did: the department the cases went to, and each case's outcome in the order sent.</summary>
public sealed record BulkReassignResult(string DepartmentCode, string DepartmentName, IReadOnlyList<BulkReassignItem> Cases)
{
    public int Moved => Cases.Count(c => c.Moved);

    public int Refused => Cases.Count(c => !c.Moved);
}

/// <param name="Moved">Reassigned now, or by the same request sent before (<paramref name="Repeated"/>).</param>
/// <param name="Why">Why not, when it did not move.</param>
/// <param name="Status">The status its single reassignment would answer with (404 unknown, 400, 409).</param>
public sealed record BulkReassignItem(string Number, bool Moved, bool Repeated, Text? Why, int? Status);
