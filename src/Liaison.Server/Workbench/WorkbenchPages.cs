using System.Security.Claims;
using Liaison.Server.Auth;
using Liaison.Server.Cases;
using Liaison.Server.Departments;
using Liaison.Server.Enterprises;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Workbench;

/// <summary>
/// The officer's start page (工作台): what needs them now, the same day as the officer's digest says it. The cases
/// waiting for their decision (returns, resolutions, extension requests, co-handlers' parts, unsatisfied ratings),
/// their overdue cases, how many they have open, everyone's cases awaiting a decision (for a colleague who is away),
/// and their key enterprises due a visit. Each count links to the list it counts; nothing here is read that the
/// lists do not read (<see cref="CaseQueries"/>, <see cref="EnterpriseService"/>).
/// </summary>
public static class WorkbenchPages
{
    public const string Path = "/workbench";

    /// <summary>Rows shown in each table; the link shows them all.</summary>
    public const int Shown = 10;

    public static IEndpointRouteBuilder MapWorkbenchPages(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Show).RequireAuthorization(Policies.Officer).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Show(
        CaseQueries queries, DepartmentService departments, EnterpriseService enterprises, ClaimsPrincipal user, UserManager<LiaisonUser> users,
        CancellationToken ct)
    {
        var me = users.GetUserId(user)!;
        // One query at a time: they share the request's DbContext.
        var decide = await CasesAsync(officer: CaseQueries.Me, decision: true);
        var overdue = await CasesAsync(officer: CaseQueries.Me, overdue: true);
        var open = await CasesAsync(officer: CaseQueries.Me, status: CaseQueries.OpenStatus, size: 0);
        var everyonesDecisions = await CasesAsync(decision: true, size: 0);
        var visits = await enterprises.ListAsync(new EnterpriseFilter(ChiefServiceOfficerId: me, VisitDue: true, PageSize: Shown), ct);
        var names = (await departments.ListAsync(active: null, ct)).ToDictionary(d => d.Code, d => d.Name);
        return PageResults.Page<WorkbenchPage>(new WorkbenchModel(decide, overdue, open, everyonesDecisions, visits, names));

        async Task<CasePage> CasesAsync(string? officer = null, string? status = null, bool? overdue = null, bool? decision = null, int size = Shown) =>
            (await queries.ListAsync(status, null, overdue, null, 1, ct, officer: officer, me: me, pageSize: size, decision: decision)).Value
            ?? throw new InvalidOperationException("The workbench's own filters were refused.");
    }
}

/// <param name="Decide">The officer's cases waiting for their decision.</param>
/// <param name="Overdue">The officer's overdue cases.</param>
/// <param name="Open">The officer's open cases (counted only).</param>
/// <param name="EveryonesDecisions">All cases waiting for an officer's decision (counted only).</param>
/// <param name="Visits">The officer's key enterprises (as chief service officer) due a visit.</param>
public sealed record WorkbenchModel(
    CasePage Decide, CasePage Overdue, CasePage Open, CasePage EveryonesDecisions, EnterprisePage Visits, IReadOnlyDictionary<string, string> Departments);
