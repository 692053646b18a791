using Liaison.Cases.Cases;
using Liaison.Server.Auth;
using Liaison.Server.Cases;
using Liaison.Server.Common;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Enterprises;

/// <summary>What the register's pages read beside the entries: an enterprise's cases and the officers to choose from.</summary>
public sealed partial class EnterpriseService
{
    /// <summary>How many of an enterprise's open cases its page lists; the rest are in the case list filtered to it.</summary>
    public const int OpenCasesShown = 100;

    /// <summary>How many of its ended (closed, cancelled) cases its page lists, the newest.</summary>
    public const int EndedCasesShown = 20;

    /// <summary>Counting an enterprise's cases stops here ("1000+"), as the case list's count does.</summary>
    public int CasesCountLimit { get; set; } = 1_000;

    /// <summary>
    /// The enterprise's cases (<c>cases.enterprise_id</c>) for its page: the open ones first, then the newest ended ones,
    /// newest first within each, summarised as the officer's case list shows them (deadline, provisional, overdue,
    /// co-handlers), and how many it has in all. Each part is read newest first from (enterprise_id, id) and only as far
    /// as it is shown: an enterprise with years of cases is not read whole for one page.
    /// </summary>
    public async Task<EnterpriseCases> ListCasesAsync(long enterpriseId, CancellationToken ct)
    {
        var its = db.Cases.AsNoTracking().Where(c => c.EnterpriseId == enterpriseId);
        var itsOpen = its.Where(c => CaseStatuses.Open.Contains(c.Status));
        var open = await itsOpen.OrderByDescending(c => c.Id).Take(OpenCasesShown + 1).ToListAsync(ct);
        var ended = await its.Where(c => !CaseStatuses.Open.Contains(c.Status)).OrderByDescending(c => c.Id).Take(EndedCasesShown).ToListAsync(ct);
        var total = await its.Take(CasesCountLimit + 1).CountAsync(ct);
        var openCount = open.Count <= OpenCasesShown ? open.Count : await itsOpen.Take(CasesCountLimit + 1).CountAsync(ct);
        var shown = await CaseQueries.SummariesAsync(db, [.. open.Take(OpenCasesShown), .. ended], clock.GetUtcNow(), ct);
        return new EnterpriseCases(shown, Math.Min(total, CasesCountLimit), total <= CasesCountLimit, Math.Min(openCount, CasesCountLimit),
            openCount <= CasesCountLimit);
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

    /// <summary>The accounts that may be an enterprise's chief service officer or squad member: active officers and admins, by name.</summary>
    public Task<List<OfficerRef>> ListOfficersAsync(CancellationToken ct) => Accounts.ListActiveAsync(db, ct);
}

/// <summary>The cases an enterprise's page lists, and how many it has.</summary>
/// <param name="Shown">Its open cases (at most <see cref="EnterpriseService.OpenCasesShown"/>), then its newest ended ones.</param>
/// <param name="Total">All its cases, counted up to <see cref="EnterpriseService.CasesCountLimit"/>; <paramref name="TotalIsExact"/> false beyond.</param>
/// <param name="Open">Its open cases, counted the same way.</param>
public sealed record EnterpriseCases(IReadOnlyList<CaseSummaryDto> Shown, int Total, bool TotalIsExact, int Open, bool OpenIsExact)
{
    /// <summary>Whether the page lists every case the enterprise has.</summary>
    public bool All => TotalIsExact && Shown.Count == Total;
}
