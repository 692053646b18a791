using System.Security.Claims;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Server.Auth;
using Liaison.Server.Cases;
using Liaison.Server.Categories;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Departments;
using Liaison.Server.Http;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.EnterpriseView;

/// <summary>
/// The officer's side of the enterprise's rating: read a case's rating, the list of unsatisfied ratings awaiting a
/// decision (API and page), and the decision itself (重办 as a follow-up case, or close with a note).
/// </summary>
public static class RatingsApi
{
    public static IEndpointRouteBuilder MapRatings(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api").WithTags("Ratings").RequirePolicy(Policies.Officer);
        api.MapGet("/ratings/awaiting-decision", AwaitingDecision);
        api.MapGet("/cases/{number}/rating", Get);
        api.MapPost("/cases/{number}/rating-decision", Decide);

        var pages = app.MapGroup("").RequireAuthorization(Policies.Officer).ExcludeFromDescription();
        pages.MapGet("/ratings", ListPage);
        pages.MapPost("/cases/{number}/rating/{decision}", DecideFromPage);
        return app;
    }

    /// <summary>Unsatisfied ratings (不满意) no officer has decided yet, oldest first: the officer's decision list.</summary>
    public static async Task<Ok<List<AwaitingDecisionDto>>> AwaitingDecision(LiaisonDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await AwaitingAsync(db, ct));

    /// <summary>A case's rating window and, once rated, the score and comment and the officer's decision.</summary>
    public static async Task<Results<Ok<RatingDto>, NotFoundProblem>> Get(string number, LiaisonDbContext db, CancellationToken ct)
    {
        // One read says both whether the case exists and whether it has a rating: an unknown number is no such case.
        var found = await db.Cases.AsNoTracking().Where(c => c.Number == number)
            .Select(c => new { Rating = db.Set<CaseRating>().AsNoTracking().FirstOrDefault(r => r.CaseId == c.Id) }).FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return new NotFoundProblem(CaseQueries.NotFound(number).Message);
        }

        if (found.Rating is null)
        {
            return Problems.NotFound($"事项 {number} 没有企业评价", $"Case '{number}' has no rating by its enterprise");
        }

        return TypedResults.Ok(await RatingDto.FromAsync(db, found.Rating, ct));
    }

    /// <summary>
    /// The decision on an unsatisfied rating: <c>reopen</c> (重办) opens a follow-up case for the same enterprise and
    /// lead department, linked to this one; <c>close</c> needs a note, which the enterprise reads on its link as the
    /// zone's answer. 409 when it was decided already, unless by the same officer with the same decision and note: that is
    /// this request sent again, answered with the decision as made.
    /// </summary>
    public static async Task<Results<Ok<RatingDto>, NotFoundProblem, ValidationProblem, ConflictProblem>> Decide(
        string number, RatingDecisionRequest body, ClaimsPrincipal user, UserManager<LiaisonUser> users, RatingService ratings, LiaisonDbContext db,
        CancellationToken ct)
    {
        var officer = user.Identity?.Name ?? "officer";
        var result = await ratings.DecideAsync(number, users.GetUserId(user)!, officer, new RatingService.DecisionInput(body.Decision, body.Note, body.DepartmentCode), ct);
        // Sent again after it went through (a retry after a lost answer): the decision as made, as the page's form answers.
        if (result.Error is ServiceError.Conflict && await ratings.SameDecisionAsync(number, officer, body.Decision, body.Note, ct) is { } made)
        {
            return TypedResults.Ok(await RatingDto.FromAsync(db, made, ct));
        }

        return result.Error switch
        {
            null => TypedResults.Ok(await RatingDto.FromAsync(db, result.Value!, ct)),
            ServiceError.NotFound nf => new NotFoundProblem(nf.Message),
            ServiceError.Invalid invalid => Problems.Invalid(invalid.Fields),
            var other => new ConflictProblem(other.Message),
        };
    }

    /// <param name="page">The list is one page; a page number is still read as the other lists read it, so a bad one is said.</param>
    private static async Task<IResult> ListPage(LiaisonDbContext db, string? page, CancellationToken ct)
    {
        if (!PageNumber.TryRead(page, CaseQueries.MaxPage, out _, out var badPage))
        {
            return PageResults.Message(
                new MessageModel(new Text("页码无效", "Invalid page"), badPage!.Value, "/ratings", new Text("返回待决定列表", "Back to the ratings to decide")),
                StatusCodes.Status400BadRequest);
        }

        return PageResults.Page<AwaitingDecisionPage>(await AwaitingAsync(db, ct));
    }

    private static async Task<IResult> DecideFromPage(
        string number, string decision, [FromForm] string? note, [FromForm] string? departmentCode, HttpContext http, ClaimsPrincipal user, UserManager<LiaisonUser> users, RatingService ratings,
        LiaisonDbContext db, CaseQueries queries, CaseTimelineView timeline, DepartmentService departments, CategoryService categories, CancellationToken ct)
    {
        var result = await ratings.DecideAsync(number, users.GetUserId(user)!, user.Identity?.Name ?? "officer", new RatingService.DecisionInput(decision, note, departmentCode), ct);
        // Post/Redirect/Get: the case page shows the decision (and the follow-up case it opened).
        // Answered only once it is known to be done: the answer sets the banner's cookie.
        IResult Done() => CasePages.Done(http, number, decision == "reopen" ? CasePages.RatingReopened : CasePages.RatingClosed, "rating");
        if (result.Error is null)
        {
            return Done();
        }

        // The same form sent again after it went through (a reload, the back button, a double tap): done, as the other
        // decisions' forms answer. The same form is the same decision by the same officer with the same note; a
        // colleague's decision, or another note, is refused below (the note sent would otherwise be silently dropped).
        if (result.Error is ServiceError.Conflict && await ratings.SameDecisionAsync(number, user.Identity?.Name ?? "officer", decision, note, ct) is not null)
        {
            return Done();
        }

        // Refused (a note missing, a department to choose, decided the other way meanwhile): the case page again, saying why,
        // with the form as it was filled in.
        return await CasePages.CasePageAsync(number, null, result.Error, PageResults.StatusOf(result.Error), queries, timeline, departments, categories, ct,
            new RatingForm(decision, note, departmentCode));
    }

    private static async Task<List<AwaitingDecisionDto>> AwaitingAsync(LiaisonDbContext db, CancellationToken ct)
    {
        var rows = await (from r in db.Set<CaseRating>().AsNoTracking()
                          join c in db.Cases.AsNoTracking() on r.CaseId equals c.Id
                          where r.Score == RatingScore.Unsatisfied && r.Decision == null
                          orderby r.RatedAt
                          select new { c.Number, c.Title, Enterprise = c.Enterprise.Name, r.DepartmentCode, r.Comment, r.RatedAt }).ToListAsync(ct);
        var names = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        return rows.Select(r => new AwaitingDecisionDto(r.Number, r.Title, r.Enterprise, r.DepartmentCode, names.GetValueOrDefault(r.DepartmentCode),
            r.Comment, r.RatedAt!.Value)).ToList();
    }
}

/// <param name="Decision"><c>reopen</c> or <c>close</c>.</param>
/// <param name="Note">Required to close, and read by the enterprise as the zone's answer; with a reopen it goes into the follow-up case's description.</param>
/// <param name="DepartmentCode">
/// Reopen only, optional: the follow-up case's lead department (an active one). Absent: the original case's, which is
/// then required to be still active (400 under <c>departmentCode</c> otherwise).
/// </param>
public sealed record RatingDecisionRequest(string? Decision, string? Note, string? DepartmentCode = null);

/// <summary>A rating decision form the case page refused, as it was filled in: shown again so nothing typed is lost.</summary>
public sealed record RatingForm(string? Decision, string? Note, string? DepartmentCode);

public sealed record AwaitingDecisionDto(
    string CaseNumber, string Title, string Enterprise, string DepartmentCode, string? DepartmentName, string? Comment, DateTimeOffset RatedAt);

/// <param name="Score"><c>satisfied</c>, <c>fairly-satisfied</c>, <c>unsatisfied</c>; null until rated.</param>
/// <param name="Decision">On an unsatisfied rating: <c>reopen</c> or <c>close</c>, null until decided.</param>
public sealed record RatingDto(
    string DepartmentCode, DateTimeOffset ConfirmedAt, DateTimeOffset ClosesAt, string? Score, string? Comment, DateTimeOffset? RatedAt,
    bool AwaitsDecision, string? Decision, string? DecisionNote, DateTimeOffset? DecidedAt, string? DecidedBy, string? FollowUpCaseNumber)
{
    public static async Task<RatingDto> FromAsync(LiaisonDbContext db, CaseRating r, CancellationToken ct) => new(
        r.DepartmentCode, r.ConfirmedAt, r.ClosesAt, r.Score is { } s ? Ratings.Name(s) : null, r.Comment, r.RatedAt, r.AwaitsDecision,
        r.Decision is { } d ? Ratings.Name(d) : null, r.DecisionNote, r.DecidedAt, r.DecidedBy,
        r.FollowUpCaseId is { } id ? await db.Cases.AsNoTracking().Where(c => c.Id == id).Select(c => c.Number).FirstOrDefaultAsync(ct) : null);
}
