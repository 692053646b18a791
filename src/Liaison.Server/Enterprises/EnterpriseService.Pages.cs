using Liaison.Cases.Cases;
using Liaison.Server.Auth;
using Liaison.Server.Cases;
using Liaison.Server.Common;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Enterprises;

/// <summary>What the register's pages read beside the entries: an enterprise's cases and the officers to choose from.</summary>
public sealed partial class EnterpriseService
{
    /// <summary>
    /// Every case of the enterprise (<c>cases.enterprise_id</c>), open ones first, newest first within each, summarised as
    /// the officer's case list shows them (deadline, provisional, overdue, co-handlers).
    /// </summary>
    public async Task<List<CaseSummaryDto>> ListCasesAsync(long enterpriseId, CancellationToken ct)
    {
        var rows = await db.Cases.AsNoTracking().Where(c => c.EnterpriseId == enterpriseId)
            .OrderBy(c => CaseStatuses.Open.Contains(c.Status) ? 0 : 1).ThenByDescending(c => c.Id)
            .ToListAsync(ct);
        var ids = rows.Select(c => c.Id).ToList();
        var coHandlers = ids.Count == 0
            ? []
            : await db.Set<CasePart>().AsNoTracking().Where(p => ids.Contains(p.CaseId)).GroupBy(p => p.CaseId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var now = clock.GetUtcNow();
        return rows.Select(c => CaseSummaryDto.From(c, now) with { CoHandlers = coHandlers.GetValueOrDefault(c.Id) }).ToList();
    }

    /// <summary>
    /// A form that could not be read whole (<paramref name="unreadable"/>) is refused, with every other field's problems
    /// too, so the officer sees them all at once; nothing is saved.
    /// </summary>
    public async Task<ServiceResult<T>> RefuseAsync<T>(EnterpriseInput input, Validation unreadable, CancellationToken ct)
    {
        Read(input, unreadable, await FindOfficersAsync(input, ct));
        return new ServiceError.Invalid(unreadable);
    }

    /// <summary>The accounts that may be an enterprise's chief service officer or squad member: officers and admins, by name.</summary>
    public async Task<List<OfficerRef>> ListOfficersAsync(CancellationToken ct)
    {
        var roles = db.Roles.Where(r => r.Name == Roles.Officer || r.Name == Roles.Admin).Select(r => r.Id);
        return await db.Users.AsNoTracking()
            .Where(u => u.Email != null && db.UserRoles.Any(ur => ur.UserId == u.Id && roles.Contains(ur.RoleId)))
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Email)
            .Select(u => new OfficerRef(u.Id, u.Email!, u.DisplayName))
            .ToListAsync(ct);
    }
}
