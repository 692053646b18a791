using System.Security.Claims;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Cases.Sla;
using Liaison.Server.Auth;
using Liaison.Server.Cases;
using Liaison.Server.Categories;
using Liaison.Server.Common;
using Liaison.Server.Departments;
using Liaison.Server.Enterprises;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Identity;

namespace Liaison.Server.Visits;

/// <summary>
/// The officers' visit pages: an enterprise's visits with the "log a visit" form (<c>/enterprises/{id}/visits</c>) and
/// one visit with its problems, each a button away from its case (<c>/visits/{id}</c>). They ask
/// <see cref="VisitService"/>, as the API does.
/// </summary>
public static class VisitPages
{
    public static IEndpointRouteBuilder MapVisitPages(this IEndpointRouteBuilder app)
    {
        var enterprises = app.MapGroup("enterprises/{id:long}/visits").RequireAuthorization(Policies.Officer).ExcludeFromDescription();
        enterprises.MapGet("/", List);
        enterprises.MapPost("/", Log);
        var visits = app.MapGroup("visits").RequireAuthorization(Policies.Officer).ExcludeFromDescription();
        visits.MapGet("/{visitId:long}", Show);
        visits.MapPost("/{visitId:long}/problems/{problemId:long}/case", RaiseCase);
        return app;
    }

    public static string VisitsUrl(long enterpriseId) => $"/enterprises/{enterpriseId}/visits";

    public static string VisitUrl(long visitId) => $"/visits/{visitId}";

    /// <summary>The new-case form opened for a problem that names no department or category.</summary>
    public static string NewCaseUrl(long problemId) => $"/cases/new?visitProblemId={problemId}";

    private static async Task<IResult> List(
        long id, ClaimsPrincipal user, UserManager<LiaisonUser> users, VisitService visits, EnterpriseService enterprises,
        DepartmentService departments, CategoryService categories, CancellationToken ct)
    {
        return await ListPageAsync(id, users.GetUserId(user), VisitForm.Empty(visits.Today()), new Validation(), StatusCodes.Status200OK,
            visits, enterprises, departments, categories, ct);
    }

    private static async Task<IResult> Log(
        long id, IFormCollection posted, [Microsoft.AspNetCore.Mvc.FromQuery] string? addProblem, HttpContext http, ClaimsPrincipal user, UserManager<LiaisonUser> users,
        VisitService visits, EnterpriseService enterprises, DepartmentService departments, CategoryService categories, CancellationToken ct)
    {
        var unreadable = new Validation();
        var form = VisitForm.From(posted, unreadable);
        if (addProblem is not null)
        {
            // "Add a problem" (its button's formaction): the same form again, as typed, with one more empty row.
            var more = form with { Rows = Math.Min(form.Rows + 1, EnterpriseVisit.MaxProblems) };
            return await ListPageAsync(id, users.GetUserId(user), more, unreadable, unreadable.IsValid ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest,
                visits, enterprises, departments, categories, ct);
        }

        if (!unreadable.IsValid)
        {
            // What the form could not have sent: said above it, and no visit is logged.
            return await ListPageAsync(id, users.GetUserId(user), form, unreadable, StatusCodes.Status400BadRequest, visits, enterprises, departments, categories, ct);
        }

        var logged = await visits.LogAsync(id, users.GetUserId(user)!, form.ToInput(), ct);
        if (logged.Value is { } visit)
        {
            return Flash.Redirect(http, VisitUrl(visit.Id), new VisitLoggedNotice());
        }

        var errors = logged.Error is ServiceError.Invalid invalid ? invalid.Fields : new Validation();
        if (logged.Error is ServiceError.Conflict conflict)
        {
            // The form sent again after a change (the back button): said above it, with what was typed kept.
            errors.Add(Validation.WholeRequest, conflict.Message);
        }

        return await ListPageAsync(id, users.GetUserId(user), form, errors, PageResults.StatusOf(logged.Error!), visits, enterprises, departments, categories, ct);
    }

    /// <param name="self">The officer logging: counted without a box to tick.</param>
    private static async Task<IResult> ListPageAsync(
        long id, string? self, VisitForm form, Validation errors, int status, VisitService visits, EnterpriseService enterprises,
        DepartmentService departments, CategoryService categories, CancellationToken ct)
    {
        if ((await visits.ListAsync(id, ct)).Value is not { } list || (await enterprises.GetAsync(id, ct)).Value is not { } entry)
        {
            return PageResults.Message(new MessageModel(MessageModel.NotFoundTitle, EnterpriseService.NotFound(id).Message, "/cases", BackToCases),
                StatusCodes.Status404NotFound);
        }

        var described = await enterprises.DescribeAsync(entry, ct);
        var team = described.ServiceSquad.Prepend(described.ChiefServiceOfficer).OfType<OfficerRef>().DistinctBy(o => o.Id).Where(o => o.Id != self).ToList();
        var active = (await DepartmentOption.AllAsync(departments, ct)).Where(d => d.Active).ToList();
        return PageResults.Page<VisitsPage>(
            new VisitsPageModel(list, described.ChiefServiceOfficer, team, form, active, await categories.ListAsync(ct), visits.Today(), errors.Errors), status);
    }

    private static async Task<IResult> Show(
        long visitId, HttpContext http, VisitService visits, DepartmentService departments, CategoryService categories, CancellationToken ct)
    {
        Text? flash = Flash.Take<VisitLoggedNotice>(http) is null ? null : new Text("走访记录已保存", "The visit was logged");
        return await VisitPageAsync(visitId, flash, null, StatusCodes.Status200OK, visits, ct);
    }

    /// <summary>The problem's button: opens and dispatches its case (once), then shows the case.</summary>
    private static async Task<IResult> RaiseCase(
        long visitId, long problemId, HttpContext http, ClaimsPrincipal user, UserManager<LiaisonUser> users, VisitService visits, CancellationToken ct)
    {
        var raised = await visits.RaiseCaseAsync(visitId, problemId, users.GetUserId(user)!, new RaiseCaseInput(), ct);
        if (raised.Value is { } r)
        {
            return r.Repeated ? Results.Redirect(CasePages.CaseUrl(r.Case.Number)) : CasePages.Done(http, r.Case.Number, CasePages.Opened);
        }

        return raised.Error is ServiceError.NotFound notFound
            ? PageResults.Message(new MessageModel(MessageModel.NotFoundTitle, notFound.Message, "/cases", BackToCases), StatusCodes.Status404NotFound)
            : await VisitPageAsync(visitId, null, raised.Error, PageResults.StatusOf(raised.Error!), visits, ct);
    }

    private static async Task<IResult> VisitPageAsync(long visitId, Text? flash, ServiceError? error, int status, VisitService visits, CancellationToken ct)
    {
        if ((await visits.GetAsync(visitId, ct)).Value is not { } visit)
        {
            return PageResults.Message(new MessageModel(MessageModel.NotFoundTitle, VisitService.NotFound(visitId).Message, "/cases", BackToCases),
                StatusCodes.Status404NotFound);
        }

        return PageResults.Page<VisitPage>(new VisitPageModel(visit, flash, error), status);
    }

    private static readonly Text BackToCases = new("返回事项列表", "Back to the cases");
}

/// <summary>The visit page's banner after the visit was logged (<see cref="Flash"/>).</summary>
public sealed record VisitLoggedNotice;

/// <summary>What the officer typed into the "log a visit" form, kept when it is shown again with errors.</summary>
/// <param name="Officers">The emails ticked among the enterprise's chief and squad.</param>
/// <param name="OtherOfficers">Other officers' emails, separated by commas, 、 or spaces.</param>
/// <param name="Problems">The filled problem rows in the order typed; empty rows are left out, so row i is the service's <c>problems[i]</c>.</param>
/// <param name="Rows">How many problem rows the form shows (filled and empty).</param>
/// <param name="RequestId">The form's one-time id: sent twice (a double tap), the visit is logged once; null when the form sent none.</param>
public sealed record VisitForm(
    string VisitedOn, IReadOnlyList<string> Officers, string OtherOfficers, string Findings, IReadOnlyList<VisitProblemInput> Problems, int Rows,
    Guid? RequestId)
{
    public const int FirstRows = 2;

    public const string AddRowQuery = "?addProblem=1";

    public static VisitForm Empty(DateOnly today) =>
        new(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), [], "", "", [], FirstRows, Guid.NewGuid());

    public static string ProblemField(int row, string name) => $"problems[{row}].{name}";

    /// <summary>The form as sent; what it could not have sent (a request id that is no id, a row past its rows) goes to <paramref name="unreadable"/>.</summary>
    public static VisitForm From(IFormCollection f, Validation unreadable)
    {
        var rows = FormValues.Rows(f, "problems", EnterpriseVisit.MaxProblems, unreadable);
        var problems = rows
            .Select(i => new VisitProblemInput(
                f[ProblemField(i, "title")].ToString(), f[ProblemField(i, "description")].ToString(),
                Validation.Optional(f[ProblemField(i, "departmentCode")].ToString()), Validation.Optional(f[ProblemField(i, "category")].ToString())))
            .Where(p => !string.IsNullOrWhiteSpace(p.Title) || !string.IsNullOrWhiteSpace(p.Description) || p.DepartmentCode is not null || p.Category is not null)
            .ToList();
        return new VisitForm(
            f["visitedOn"].ToString(), f["officers"].Where(o => !string.IsNullOrWhiteSpace(o)).Select(o => o!).ToList(), f["otherOfficers"].ToString(),
            f["findings"].ToString(), problems, Math.Clamp(rows.Count == 0 ? 0 : rows[^1] + 1, FirstRows, EnterpriseVisit.MaxProblems),
            FormValues.RequestId(f[FormValues.RequestIdField], unreadable));
    }

    /// <summary>The ticked officers first, then the typed ones: <c>officers[i]</c> errors name the typed address.</summary>
    public VisitInput ToInput() => new(
        VisitedOn,
        Officers.Concat(OtherOfficers.Split([',', '，', '、', ';', '；', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Select(o => (string?)o.Trim()).ToList(),
        Findings,
        Problems.Select(p => (VisitProblemInput?)p).ToList(),
        RequestId);

}

/// <param name="Team">The enterprise's chief service officer and squad but the officer logging (counted anyway), offered as "who went".</param>
public sealed record VisitsPageModel(
    EnterpriseVisitsDto Enterprise, OfficerRef? Chief, IReadOnlyList<OfficerRef> Team, VisitForm Form, IReadOnlyList<DepartmentOption> Departments,
    IReadOnlyList<CaseCategory> Categories, DateOnly Today, IReadOnlyDictionary<string, List<Text>> Errors);

public sealed record VisitPageModel(VisitDto Visit, Text? Flash, ServiceError? Error);
