using System.Globalization;
using System.Security.Claims;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Departments;
using Liaison.Cases.Enterprises;
using Liaison.Cases.Sla;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Categories;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Departments;
using Liaison.Server.Enterprises;
using Liaison.Server.Pages;
using Liaison.Server.Visits;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>
/// The officer's server-rendered pages: the case list, the new-case form (with its deadlines shown before sending) and
/// the case page with the decisions allowed now. They ask <see cref="CaseQueries"/> and <see cref="CaseService"/>, as
/// the API does.
/// </summary>
public static class CasePages
{
    public static IEndpointRouteBuilder MapCasePages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", Home).AllowAnonymous().ExcludeFromDescription();
        var pages = app.MapGroup("cases").RequireAuthorization(Policies.Officer).ExcludeFromDescription();
        pages.MapGet("/", List);
        pages.MapGet("/new", NewForm);
        pages.MapPost("/new", Create);
        pages.MapPost("/reassign", ReassignMany);
        pages.MapGet("/{number}", Show);
        pages.MapPost("/{number}/officer", HandOver);
        pages.MapPost("/{number}/notes", AddNote);
        pages.MapPost("/{number}/enterprise-link", ResendEnterpriseLink);
        pages.MapPost("/{number}/parts", AddPart);
        pages.MapPost("/{number}/{action}", Decide);
        pages.MapPost("/{number}/parts/{partId:long}/{action}", DecidePart);
        return app;
    }

    /// <summary>Where the case list's batch reassignment (批量转交) posts.</summary>
    public const string BulkReassignPath = "/cases/reassign";

    /// <summary>
    /// 批量转交 from the case list: each ticked case reassigned as on its own page (<see cref="BulkReassignment"/>); the
    /// answer lists which moved and why the others did not, with the way back to the list as it was.
    /// </summary>
    private static async Task<IResult> ReassignMany(
        ClaimsPrincipal user, BulkReassignment bulk, IFormCollection form, CancellationToken ct)
    {
        var cases = form["cases"].ToArray();
        var (departmentCode, reason, requestId, back) = (form["departmentCode"].ToString(), form["reason"].ToString(), form["requestId"].ToString(), form["back"].ToString());
        // Back to the list with its filters and page; only to the list (a form's field is no place to send anyone elsewhere).
        var backUrl = (back == "/cases" || back.StartsWith("/cases?", StringComparison.Ordinal)) ? back : "/cases";
        var unreadable = new Validation();
        var id = FormValues.RequestId(requestId, unreadable);
        if (!unreadable.IsValid)
        {
            return PageResults.Page<BulkReassignPage>(new BulkReassignModel(null, unreadable.Errors.SelectMany(e => e.Value).ToList(), backUrl), StatusCodes.Status400BadRequest);
        }

        var result = await bulk.ReassignAsync(cases, departmentCode, reason, id, user.Identity?.Name ?? "officer", ct);
        return result.Error is ServiceError.Invalid invalid
            ? PageResults.Page<BulkReassignPage>(new BulkReassignModel(null, invalid.Fields.Errors.SelectMany(e => e.Value).ToList(), backUrl), StatusCodes.Status400BadRequest)
            : PageResults.Page<BulkReassignPage>(new BulkReassignModel(result.Value, [], backUrl));
    }

    /// <summary>What the case page says after the case was opened.</summary>
    internal const string Opened = "opened";

    /// <summary>The banners of decisions that can go two ways, and of the rating's decision.</summary>
    public const string Insisted = "insisted";
    public const string ExtensionApproved = "extension-approved";
    public const string ExtensionDenied = "extension-denied";
    public const string RatingReopened = "rating-reopened";
    public const string RatingClosed = "rating-closed";

    /// <summary>The new-case form was asked for a visit's problem that is a case already: its case, with this banner.</summary>
    private const string AlreadyRaised = "already-raised";

    /// <summary>Signed-in people start at their workbench (工作台); everyone else at the sign-in form.</summary>
    private static IResult Home(ClaimsPrincipal user) =>
        Results.Redirect(user.Identity?.IsAuthenticated == true ? Workbench.WorkbenchPages.Path : "/account/login");

    private static async Task<IResult> List(
        CaseQueries queries, DepartmentService departments, EnterpriseService enterprises, ClaimsPrincipal user, UserManager<LiaisonUser> users,
        string? status, string? department, string? role, string? overdue, string? q, string? page, string? enterpriseId, string? officer,
        string? decision, string? category, string? priority, string? openedFrom, string? openedTo, string? key, string? sort, string? involved,
        CategoryService categories, CancellationToken ct)
    {
        var errors = new List<Text>();
        long? enterpriseFilter = null;
        string? enterpriseName = null;
        if (!string.IsNullOrWhiteSpace(enterpriseId))
        {
            if (long.TryParse(enterpriseId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                enterpriseFilter = id;
                enterpriseName = (await enterprises.GetAsync(id, ct)).Value?.Name;
            }
            else
            {
                errors.Add(new($"企业编号无效：{enterpriseId}", $"enterpriseId must be a register entry's number, not '{enterpriseId}'"));
            }
        }

        bool? YesNo(string? value, Text error)
        {
            if (FormValues.TryYesNo(value, out var yesNo))
            {
                return yesNo;
            }

            errors.Add(error);
            return null;
        }

        var overdueFilter = YesNo(overdue, new("超期筛选只能是“是”或“否”（true/false）", "the overdue filter must be yes or no (true/false)"));
        var decisionFilter = YesNo(decision, new("待决定筛选只能是“是”或“否”（true/false）", "the awaiting-a-decision filter must be yes or no (true/false)"));
        var keyFilter = YesNo(key, new("重点企业筛选只能是“是”或“否”（true/false）", "the key-enterprise filter must be yes or no (true/false)"));
        var involvedFilter = YesNo(involved, new("“含曾经办理的”只能是“是”或“否”（true/false）", "the including-cases-it-handled-before filter must be yes or no (true/false)"));

        if (!PageNumber.TryRead(page, CaseQueries.MaxPage, out var pageNumber, out var badPage))
        {
            errors.Add(badPage!.Value);
        }

        var filter = new CaseListFilter(status?.Trim(), department?.Trim(), overdueFilter, q?.Trim())
        {
            Role = role?.Trim(), EnterpriseId = enterpriseFilter, EnterpriseName = enterpriseName, Officer = Validation.Optional(officer),
            Decision = decisionFilter, Category = Validation.Optional(category), Priority = Validation.Optional(priority),
            OpenedFrom = Validation.Optional(openedFrom), OpenedTo = Validation.Optional(openedTo), Key = keyFilter,
            Sort = Validation.Optional(sort), Involved = involvedFilter == true,
        };
        CasePage? list = null;
        if (errors.Count == 0)
        {
            var result = await queries.ListAsync(filter.Status, filter.Department, filter.Overdue, filter.Q, pageNumber, ct, filter.Role, filter.EnterpriseId,
                filter.Officer, users.GetUserId(user), decision: filter.Decision, more: filter.More, sort: filter.Sort, involved: filter.Involved ? true : null);
            if (result.Error is ServiceError.Invalid invalid)
            {
                errors.AddRange(invalid.Fields.Errors.SelectMany(e => e.Value));
            }

            list = result.Value;
        }

        var model = new CaseListModel(filter, await DepartmentOption.AllAsync(departments, ct), list, errors)
        {
            Officers = await queries.OfficersAsync(ct), Categories = await categories.ListAsync(ct),
        };
        return PageResults.Page<CaseListPage>(model, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    /// <summary>
    /// The new-case form; <paramref name="enterpriseId"/> (from the enterprise's page) opens it for that register entry,
    /// <paramref name="visitProblemId"/> (from a visit's page) for a problem found on a visit, filled from it.
    /// </summary>
    private static async Task<IResult> NewForm(
        long? enterpriseId, long? visitProblemId, HttpContext http, EnterpriseService enterprises, VisitService visits, DepartmentService departments,
        CalendarService calendars, CategoryService categories, RoutingLimits limits, LiaisonDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var input = NewCaseInput.Empty with { EnterpriseId = enterpriseId };
        if (visitProblemId is { } problemId)
        {
            if (await visits.ProblemForFormAsync(problemId, ct) is not var (problem, visitEnterprise))
            {
                return PageResults.Message(new MessageModel(MessageModel.NotFoundTitle,
                    new Text($"没有编号为 {problemId} 的走访问题", $"No problem found on a visit has the id {problemId}"), "/visits", new Text("走访记录", "Visits")),
                    StatusCodes.Status404NotFound);
            }

            // Raised already (by this officer a moment ago, or a colleague): its case, not a form that would lead there.
            if (problem.CaseId is { } raised && await db.Cases.Where(c => c.Id == raised).Select(c => c.Number).FirstOrDefaultAsync(ct) is { } number)
            {
                return Done(http, number, AlreadyRaised);
            }

            input = NewCaseInput.ForVisitProblem(problem, visitEnterprise);
        }

        return PageResults.Page<NewCasePage>(await NewCaseModelAsync(input, new Validation(), enterprises, departments, calendars, categories, limits, db, clock, ct));
    }

    private static async Task<IResult> Create(
        IFormCollection form, [FromQuery] string? addCoDepartment, HttpContext http, ClaimsPrincipal user, UserManager<LiaisonUser> users, CaseService cases,
        VisitService visits, EnterpriseService enterprises, DepartmentService departments, CalendarService calendars, CategoryService categories, TimeProvider clock,
        CaseQueries queries, RoutingLimits limits, LiaisonDbContext db, CancellationToken ct)
    {
        var unreadable = new Validation();
        var input = NewCaseInput.From(form, unreadable);
        if (addCoDepartment is not null)
        {
            // "Add a co-handling department" (its button's formaction): the same form again, as typed, with one more
            // empty row; nothing is opened.
            var more = input with { Rows = Math.Min(input.Rows + 1, CasePart.MaxPerCase) };
            return PageResults.Page<NewCasePage>(await NewCaseModelAsync(more, unreadable, enterprises, departments, calendars, categories, limits, db, clock, ct),
                unreadable.IsValid ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        }

        var requestId = FormValues.RequestId(form[FormValues.RequestIdField], unreadable);
        if (!unreadable.IsValid)
        {
            // What the form could not have sent: said above it, and nothing is opened.
            return PageResults.Page<NewCasePage>(await NewCaseModelAsync(input, unreadable, enterprises, departments, calendars, categories, limits, db, clock, ct),
                StatusCodes.Status400BadRequest);
        }

        var open = input.ToOpenCase(requestId);
        // A visit's problem raises one case, whoever sends the form first.
        ServiceResult<Case> opened;
        var repeated = false;
        if (input.VisitProblemId is { } problemId)
        {
            var raised = await visits.RaiseCaseFromFormAsync(problemId, users.GetUserId(user)!, open, ct);
            repeated = raised.Value?.Repeated == true;
            opened = new ServiceResult<Case>(raised.Value?.Case, raised.Error);
        }
        else
        {
            opened = await cases.OpenAsync(users.GetUserId(user)!, open, ct);
        }

        if (opened.Value is { } c)
        {
            // A colleague's form for the same problem and department got there first: its case, said to be that.
            return Done(http, c.Number, repeated ? AlreadyRaised : Opened);
        }

        var errors = opened.Error is ServiceError.Invalid invalid ? invalid.Fields : new Validation();
        if (opened.Error is { } error and not ServiceError.Invalid)
        {
            // Refused as a whole (a request id used before, the visit's problem raised meanwhile): said above the form.
            errors.Add("request", InFormWords(error).Message);
        }

        // The form sent again after a change (the back button): the case its first sending opened, to go and see.
        var openedBefore = ReferenceEquals(opened.Error, CaseService.RequestIdReused) && requestId is { } id ? await queries.OpenedByAsync(id, ct) : null;
        var model = await NewCaseModelAsync(input, errors, enterprises, departments, calendars, categories, limits, db, clock, ct);
        return PageResults.Page<NewCasePage>(model with { RaisedAs = (opened.Error as RaisedForAnother)?.CaseNumber ?? openedBefore },
            opened.Error is { } refused ? PageResults.StatusOf(refused) : StatusCodes.Status400BadRequest);
    }

    private static async Task<NewCaseModel> NewCaseModelAsync(
        NewCaseInput input, Validation errors, EnterpriseService enterprises, DepartmentService departments, CalendarService calendars,
        CategoryService categories, RoutingLimits limits, LiaisonDbContext db, TimeProvider clock, CancellationToken ct)
    {
        EnterpriseDto? picked = null;
        if (input.EnterpriseId is { } enterpriseId)
        {
            if ((await enterprises.GetAsync(enterpriseId, ct)).Value is { } entry)
            {
                picked = await enterprises.DescribeAsync(entry, ct);
            }
            else if (!errors.Errors.ContainsKey("enterpriseId"))
            {
                errors.Add("enterpriseId", $"企业名录中没有编号为 {enterpriseId} 的企业", $"no enterprise in the register has the id {enterpriseId}");
            }
        }

        // As a new case will get them: the published routing may set its own limits.
        var listed = await categories.ListAsync(ct);
        var all = await limits.ForNewCasesAsync(db, listed, ct);
        var chosen = (await categories.FindAsync(input.Category, ct))?.Code;
        var category = all.FirstOrDefault(c => c.Code == chosen) ?? all[0];
        var (partLimits, ownLimit) = await limits.ForPartsAsync(db, listed.First(c => c.Code == category.Code), ct);
        var priority = input.Urgent ? CasePriority.Urgent : CasePriority.Normal;
        var calendar = await calendars.GetAsync(ct);
        var now = clock.GetUtcNow();
        var preview = SlaDeadlines.AtDispatch(calendar, now, category, priority);
        var active = (await DepartmentOption.AllAsync(departments, ct)).Where(d => d.Active).ToList();
        return new NewCaseModel(input, category, active, preview, Guid.NewGuid(), errors.Errors, all)
        {
            Enterprise = picked,
            Register = picked is null ? await enterprises.SuggestionsAsync(ct) : [],
            CoHandlerPreview = SlaDeadlines.ForCoHandler(calendar, now, partLimits, priority, preview.DueAt.Due, ownLimit),
        };
    }

    private static async Task<IResult> Show(
        string number, HttpContext http, CaseQueries queries, CaseTimelineView timeline, DepartmentService departments, CategoryService categories,
        CancellationToken ct)
    {
        Text? flash = Flash.Take<CaseDoneNotice>(http)?.What switch
        {
            Opened => new Text("事项已受理并派单", "The case was opened and dispatched"),
            HandedOver => new Text("事项已移交", "The case was handed over"),
            NoteAdded => new Text("备注已添加", "Note added"),
            LinkResent => new Text("已向企业重发进度链接", "A fresh progress link was mailed to the enterprise"),
            PartAdded => new Text("已增加协办部门并派单", "The co-handling department was added and dispatched"),
            Insisted => new Text("已坚持原派，事项回到原部门重新签收", "Insisted: the case is back with the same department, to be accepted again"),
            ExtensionApproved => new Text("已同意延期", "The extension was approved"),
            ExtensionDenied => new Text("已不同意延期", "The extension was denied"),
            RatingReopened => new Text("已重办：开立了关联的重办事项", "Reopened: a linked follow-up case was opened"),
            RatingClosed => new Text("已说明后结案", "Closed with a note"),
            AlreadyRaised => new Text("此走访问题已转为本事项，无需再次受理", "This problem from a visit is already this case; nothing to open again"),
            { } action when CaseActions.OfficerActions.Contains(action) || CaseActions.OfficerPartActions.Contains(action) => CaseActions.Done(action),
            _ => null,
        };
        return await CasePageAsync(number, flash, null, StatusCodes.Status200OK, queries, timeline, departments, categories, ct);
    }

    private static async Task<IResult> Decide(
        string number, string action, HttpContext http, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CaseTimelineView timeline,
        DepartmentService departments, CategoryService categories, [FromForm] string? note, [FromForm] string? departmentCode, [FromForm] string? approve,
        [FromForm] string? copyLeader, [FromForm] string? requestId, [FromForm] string? basis, [FromForm] string? days, CancellationToken ct)
    {
        if (!CaseActions.OfficerActions.Contains(action))
        {
            return PageResults.Message(new MessageModel(MessageModel.NotFoundTitle,
                new Text($"没有这个操作：{action}", $"No such action '{action}'"), "/cases", BackToCases), StatusCodes.Status404NotFound);
        }

        bool? approved = approve?.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => null };
        var unreadable = new Validation();
        var id = FormValues.RequestId(requestId, unreadable);
        var copy = FormValues.Checkbox("copyLeader", copyLeader, unreadable);
        var granted = GrantedDays(action, approved, days, unreadable);
        var sent = action == CaseActions.ExtensionDecision ? new ExtensionForm(null, days, note) : null;
        if (!unreadable.IsValid)
        {
            return await CasePageAsync(number, null, new ServiceError.Invalid(unreadable), StatusCodes.Status400BadRequest, queries, timeline, departments, categories, ct,
                extensionForm: sent);
        }

        // The form carries the case as the page showed it: a decision made on a page someone else's has made stale is refused.
        // A reopening's ticked co-handlers (重新协办), one form value each.
        var askAgain = action == CaseActions.Reopen && http.Request.HasFormContentType ? http.Request.Form["coDepartments"].OfType<string>().ToList() : null;
        var decision = new CaseService.OfficerDecision(note, departmentCode, approved, copy, id, basis, askAgain, granted);
        var result = await cases.DecideAsync(number, action, user.Identity?.Name ?? "officer", decision, ct);
        if (result.Error is { } error)
        {
            return await CasePageAsync(number, null, InFormWords(error), PageResults.StatusOf(error), queries, timeline, departments, categories, ct,
                extensionForm: sent);
        }

        // Post/Redirect/Get: reloading shows the case, it does not post again. The banner says which way it went.
        var done = action switch
        {
            CaseActions.Reassign when result.Insisted => Insisted,
            CaseActions.ExtensionDecision => approved == true ? ExtensionApproved : ExtensionDenied,
            _ => action,
        };
        return Done(http, number, done);
    }

    /// <summary>备注: an officer's note on the timeline.</summary>
    private static async Task<IResult> AddNote(
        string number, HttpContext http, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CaseTimelineView timeline,
        DepartmentService departments, CategoryService categories, [FromForm] string? note, [FromForm] string? requestId, CancellationToken ct)
    {
        var unreadable = new Validation();
        var id = FormValues.RequestId(requestId, unreadable);
        if (!unreadable.IsValid)
        {
            return await CasePageAsync(number, null, new ServiceError.Invalid(unreadable), StatusCodes.Status400BadRequest, queries, timeline, departments, categories, ct);
        }

        var result = await cases.AddNoteAsync(number, note, id, user.Identity?.Name ?? "officer", ct);
        if (result.Error is { } error)
        {
            // The form calls its note 备注, where the decision forms' is 说明.
            var said = error is ServiceError.Invalid invalid ? invalid with { Message = invalid.Fields.Summary(NoteLabels) } : InFormWords(error);
            return await CasePageAsync(number, null, said, PageResults.StatusOf(error), queries, timeline, departments, categories, ct);
        }

        return Done(http, number, NoteAdded);
    }

    /// <summary>增加协办部门: a co-handling department joins the case under way.</summary>
    private static async Task<IResult> AddPart(
        string number, HttpContext http, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CaseTimelineView timeline,
        DepartmentService departments, CategoryService categories, [FromForm] string? departmentCode, [FromForm] string? task, [FromForm] string? note,
        [FromForm] string? requestId, CancellationToken ct)
    {
        var unreadable = new Validation();
        var id = FormValues.RequestId(requestId, unreadable);
        if (!unreadable.IsValid)
        {
            return await CasePageAsync(number, null, new ServiceError.Invalid(unreadable), StatusCodes.Status400BadRequest, queries, timeline, departments, categories, ct);
        }

        var result = await cases.AddPartAsync(number, user.Identity?.Name ?? "officer", new CaseService.AddPartInput(departmentCode, task, note, id), ct);
        if (result.Error is { } error)
        {
            return await CasePageAsync(number, null, InFormWords(error), PageResults.StatusOf(error), queries, timeline, departments, categories, ct);
        }

        return Done(http, number, PartAdded);
    }

    private const string PartAdded = "part-added";

    /// <summary>重发进度链接: a fresh link mailed to the enterprise's notice contact.</summary>
    private static async Task<IResult> ResendEnterpriseLink(
        string number, HttpContext http, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CaseTimelineView timeline,
        DepartmentService departments, CategoryService categories, [FromForm] string? requestId, CancellationToken ct)
    {
        var unreadable = new Validation();
        var id = FormValues.RequestId(requestId, unreadable);
        if (!unreadable.IsValid)
        {
            return await CasePageAsync(number, null, new ServiceError.Invalid(unreadable), StatusCodes.Status400BadRequest, queries, timeline, departments, categories, ct);
        }

        var result = await cases.ResendEnterpriseLinkAsync(number, id, user.Identity?.Name ?? "officer", ct);
        if (result.Error is { } error)
        {
            return await CasePageAsync(number, null, InFormWords(error), PageResults.StatusOf(error), queries, timeline, departments, categories, ct);
        }

        return Done(http, number, LinkResent);
    }

    private const string LinkResent = "enterprise-link";

    /// <summary>移交: the case to another park officer (the form's <c>officer</c> is an account's email).</summary>
    private static async Task<IResult> HandOver(
        string number, HttpContext http, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CaseTimelineView timeline,
        DepartmentService departments, CategoryService categories, [FromForm] string? officer, [FromForm] string? note, [FromForm] string? requestId,
        CancellationToken ct)
    {
        var unreadable = new Validation();
        var id = FormValues.RequestId(requestId, unreadable);
        if (!unreadable.IsValid)
        {
            return await CasePageAsync(number, null, new ServiceError.Invalid(unreadable), StatusCodes.Status400BadRequest, queries, timeline, departments, categories, ct);
        }

        var result = await cases.HandOverAsync(number, officer, note, id, user.Identity?.Name ?? "officer", ct);
        if (result.Error is { } error)
        {
            return await CasePageAsync(number, null, InFormWords(error), PageResults.StatusOf(error), queries, timeline, departments, categories, ct);
        }

        return Done(http, number, HandedOver);
    }

    private const string HandedOver = "officer";

    private const string NoteAdded = "note";

    private static readonly Dictionary<string, Text> NoteLabels = new() { ["note"] = new("备注", "Note") };

    /// <summary>The officer's decision on a co-handler's part: reassign a returned part, drop a part, or decide its extension request.</summary>
    private static async Task<IResult> DecidePart(
        string number, long partId, string action, HttpContext http, ClaimsPrincipal user, CaseService cases, CaseQueries queries, CaseTimelineView timeline,
        DepartmentService departments, CategoryService categories, [FromForm] string? departmentCode, [FromForm] string? task, [FromForm] string? reason,
        [FromForm] string? note, [FromForm] string? requestId, [FromForm] string? approve, [FromForm] string? copyLeader, [FromForm] string? basis,
        [FromForm] string? days, [FromForm] string? extendLead, CancellationToken ct)
    {
        if (!CaseActions.OfficerPartActions.Contains(action))
        {
            return PageResults.Message(new MessageModel(MessageModel.NotFoundTitle,
                new Text($"没有这个操作：{action}", $"No such action '{action}'"), "/cases", BackToCases), StatusCodes.Status404NotFound);
        }

        bool? approved = approve?.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => null };
        var unreadable = new Validation();
        var id = FormValues.RequestId(requestId, unreadable);
        var copy = FormValues.Checkbox("copyLeader", copyLeader, unreadable);
        var granted = GrantedDays(action, approved, days, unreadable);
        var withLead = FormValues.Checkbox("extendLead", extendLead, unreadable);
        var sent = action == CaseActions.ExtensionDecision ? new ExtensionForm(partId, days, note, withLead) : null;
        if (!unreadable.IsValid)
        {
            return await CasePageAsync(number, null, new ServiceError.Invalid(unreadable), StatusCodes.Status400BadRequest, queries, timeline, departments, categories, ct,
                extensionForm: sent);
        }

        var decision = new CaseService.PartDecision(departmentCode, task, reason, note, id, approved, copy, basis, granted, withLead);
        var result = await cases.DecidePartAsync(number, partId, action, user.Identity?.Name ?? "officer", decision, ct);
        if (result.Error is { } error)
        {
            return await CasePageAsync(number, null, InFormWords(error), PageResults.StatusOf(error), queries, timeline, departments, categories, ct,
                extensionForm: sent);
        }

        // A part's extension decision says which way it went, as the lead's does.
        return Done(http, number, action == CaseActions.ExtensionDecision ? approved == true ? ExtensionApproved : ExtensionDenied : action);
    }

    /// <summary>
    /// An extension decision form's 批准天数: blank (or a denial, whose form still carries the days it was filled with)
    /// grants all asked; a whole number (a negative one too) is what the service checks against the days asked, and
    /// refuses with the range; anything else is refused here with the same range.
    /// </summary>
    private static int? GrantedDays(string action, bool? approved, string? days, Validation unreadable)
    {
        if (action != CaseActions.ExtensionDecision || approved != true || string.IsNullOrWhiteSpace(days))
        {
            return null;
        }

        if (int.TryParse(days.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var granted))
        {
            return granted;
        }

        unreadable.Add("days", "批准的延期天数须为 1 到申请天数之间的整数（工作日）", "must be a whole number of working days from 1 to the days asked");
        return null;
    }

    /// <summary>The case page, with a banner (<paramref name="flash"/>) or the refusal of what was just sent (<paramref name="error"/>).</summary>
    /// <param name="extensionForm">The extension decision form the page refused, as it was filled in.</param>
    internal static async Task<IResult> CasePageAsync(
        string number, Text? flash, ServiceError? error, int status, CaseQueries queries, CaseTimelineView timeline,
        DepartmentService departments, CategoryService categories, CancellationToken ct, EnterpriseView.RatingForm? ratingForm = null,
        ExtensionForm? extensionForm = null)
    {
        if (await queries.GetAsync(number, ct) is not { } c)
        {
            return PageResults.Message(new MessageModel(MessageModel.NotFoundTitle, CaseQueries.NotFound(number).Message, "/cases", BackToCases),
                StatusCodes.Status404NotFound);
        }

        var all = await departments.ListAsync(active: null, ct);
        var rows = await timeline.DescribeAsync(c.Timeline, all, c.Number, ct,
            new CaseTimelineView.JointDepartments(c.Department, c.CoDepartments.ToDictionary(p => p.Id, p => p.DepartmentCode)), attachments: true);
        var active = all.Where(d => d.Active).Select(DepartmentOption.From).ToList();
        var names = all.ToDictionary(d => d.Code, d => d.Name);
        var category = await categories.FindAsync(c.Category, ct);
        return PageResults.Page<CaseViewPage>(
            new CasePageModel(c, rows, active, names, flash, error, category, await queries.OfficersAsync(ct),
                await timeline.InsistPreviewAsync(c, ct), await queries.IncidentsAsync(number, ct))
            {
                RatingForm = ratingForm,
                ExtensionForm = extensionForm,
                ReopenPreview = await timeline.ReopenPreviewAsync(c, category, ct),
                AskableAgain = c.Status == CaseStatus.Resolved && c.CoDepartments.Count > 0 ? await queries.AskableAgainAsync(c.Number, ct) : [],
                NoticeEmail = await queries.HasNoticeEmailAsync(c.Enterprise.Id, ct),
                Cancellation = await timeline.CancellationAsync(c, ct),
                MayHandOver = await queries.MayHandOverAsync(c.Number, ct),
            }, status);
    }

    private static readonly Text BackToCases = new("返回事项列表", "Back to the cases");

    /// <summary>
    /// A refusal as a form says it: a request id used before for another request is, on a page (each form has its
    /// own), the same form sent again after it was changed (the back button, a new note): the first went through.
    /// </summary>
    internal static ServiceError InFormWords(ServiceError error) => ReferenceEquals(error, CaseService.RequestIdReused) ? FormSentBefore : error;

    private static readonly ServiceError FormSentBefore = new ServiceError.Conflict(new(
        "这份表单已经提交过，这次的内容与上次不同：上次提交的已经生效，这次的未执行。请查看当前情况，需要时重新填写",
        "This form was sent before with other content: that one went through, this one did not. See where things are now, and fill the form in again if needed"));

    public static string CaseUrl(string number) => "/cases/" + Uri.EscapeDataString(number);

    /// <summary>
    /// Post/Redirect/Get to the case page, whose banner says <paramref name="done"/> (an action's name or one of the
    /// constants above) once, after this request only (<see cref="Flash"/>); <paramref name="fragment"/> scrolls to a part of the page.
    /// </summary>
    internal static IResult Done(HttpContext http, string number, string done, string? fragment = null) =>
        Flash.Redirect(http, CaseUrl(number), new CaseDoneNotice(done), fragment);
}

/// <summary>An extension decision form (the lead's, or a part's by <paramref name="PartId"/>) as it was sent, shown again when refused.</summary>
public sealed record ExtensionForm(long? PartId, string? Days, string? Note, bool? ExtendLead = null);

/// <summary>What was just done on a case page, for its banner (<see cref="CasePages.Done"/>).</summary>
public sealed record CaseDoneNotice(string What);

/// <summary>A department as a form's choice.</summary>
public sealed record DepartmentOption(string Code, string Name, bool Active)
{
    public static DepartmentOption From(Department d) => new(d.Code, d.Name, d.Active);

    public static async Task<IReadOnlyList<DepartmentOption>> AllAsync(DepartmentService departments, CancellationToken ct) =>
        (await departments.ListAsync(active: null, ct)).Select(From).ToList();
}

/// <summary>A batch reassignment's answer page: its result, or why nothing was done (<see cref="Errors"/>), and the list to go back to.</summary>
public sealed record BulkReassignModel(BulkReassignResult? Result, IReadOnlyList<Text> Errors, string Back);

/// <summary>The case list's filters as the officer set them.</summary>
public sealed record CaseListFilter(string? Status, string? Department, bool? Overdue, string? Q)
{
    /// <summary>With a department: any (empty), lead or co (<see cref="DepartmentRole"/>).</summary>
    public string? Role { get; init; }

    /// <summary>Only this enterprise register entry's cases (from its page's "see them all").</summary>
    public long? EnterpriseId { get; init; }

    /// <summary>The entry's name, to say whose cases these are; null when there is no such entry.</summary>
    public string? EnterpriseName { get; init; }

    /// <summary>Only the cases this officer is responsible for: <see cref="CaseQueries.Me"/> or an account's email.</summary>
    public string? Officer { get; init; }

    /// <summary>Only the cases waiting for an officer's decision (true), or only those that are not (false).</summary>
    public bool? Decision { get; init; }

    /// <summary>The dispatch meeting's filters (<see cref="CaseListMore"/>): category code, priority, opened between two local dates, key enterprise.</summary>
    public string? Category { get; init; }

    public string? Priority { get; init; }

    public string? OpenedFrom { get; init; }

    public string? OpenedTo { get; init; }

    public bool? Key { get; init; }

    public CaseListMore More => new(Category, Priority, OpenedFrom, OpenedTo, Key);

    /// <summary>The order as sent (newest, due, updated; <see cref="CaseListSort"/>); empty is newest first.</summary>
    public string? Sort { get; init; }

    /// <summary>With a department: also the cases it handled before (every case it was dispatched), not only those it holds now.</summary>
    public bool Involved { get; init; }

    /// <summary>The order the list is in: newest first when the sort is empty or unknown (an unknown one is refused).</summary>
    public CaseListSort Order => CaseListSorts.TryParse(Sort, out var order) ? order : CaseListSort.Newest;

    public string PageUrl(int page) => "/cases?" + Query(("department", Department), ("page", page.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The same cases as a CSV file (<see cref="CaseExport"/>), which names the department filter as the API does.</summary>
    public string ExportUrl() => CaseExport.Path + "?" + Query(("departmentCode", Department));

    private string Query(params (string Name, string? Value)[] more) => string.Join("&", new[]
    {
        ("status", Status), ("role", Role), ("overdue", Overdue?.ToString().ToLowerInvariant()), ("q", Q), ("officer", Officer),
        ("enterpriseId", EnterpriseId?.ToString(CultureInfo.InvariantCulture)), ("decision", Decision?.ToString().ToLowerInvariant()),
        ("category", Category), ("priority", Priority), ("openedFrom", OpenedFrom), ("openedTo", OpenedTo), ("key", Key?.ToString().ToLowerInvariant()),
        ("sort", Sort), ("involved", Involved ? "true" : null),
    }.Concat(more).Where(x => !string.IsNullOrEmpty(x.Item2)).Select(x => $"{x.Item1}={Uri.EscapeDataString(x.Item2!)}"));
}

public sealed record CaseListModel(CaseListFilter Filter, IReadOnlyList<DepartmentOption> Departments, CasePage? List, IReadOnlyList<Text> Errors)
{
    /// <summary>The officer filter's choices besides "me": every active account.</summary>
    public IReadOnlyList<OfficerRef> Officers { get; init; } = [];

    /// <summary>The category filter's choices.</summary>
    public IReadOnlyList<CaseCategory> Categories { get; init; } = [];
}

/// <summary>What the officer typed into the new-case form, kept when it is shown again with errors.</summary>
/// <param name="CoDepartments">The filled co-handling rows (协办), in the order typed; empty rows are left out, so row i is
/// the service's <c>coDepartments[i]</c> and its errors show next to it.</param>
/// <param name="Rows">How many co-handling rows the form shows (filled and empty).</param>
public sealed record NewCaseInput(
    string Title, string Description, string Category, string Priority, string DepartmentCode,
    string EnterpriseName, string CreditCode, string Contact, long? EnterpriseId,
    IReadOnlyList<CaseService.CoDepartmentInput> CoDepartments, int Rows, long? VisitProblemId = null)
{
    /// <summary>Empty co-handling rows a new form shows; the "add" button (<see cref="AddRowAction"/>) gives one more.</summary>
    public const int FirstRows = 3;

    /// <summary>Where the button that shows the form again with one more co-handling row posts to.</summary>
    public const string AddRowAction = "/cases/new?addCoDepartment=1";

    public static readonly NewCaseInput Empty = new("", "", CaseCategories.Defaults[0].Code, "normal", "", "", "", "", null, [], FirstRows);

    public bool Urgent => string.Equals(Priority.Trim(), "urgent", StringComparison.OrdinalIgnoreCase);

    public static string CoField(int row, string name) => $"coDepartments[{row}].{name}";

    /// <summary>The form as sent; what it could not have sent (an id that is no number, a row past its rows) goes to <paramref name="unreadable"/>.</summary>
    public static NewCaseInput From(IFormCollection f, Validation unreadable)
    {
        var rows = FormValues.Rows(f, "coDepartments", CasePart.MaxPerCase, unreadable);
        var co = rows
            .Select(i => new CaseService.CoDepartmentInput(f[CoField(i, "departmentCode")].ToString(), f[CoField(i, "task")].ToString()))
            .Where(r => !string.IsNullOrWhiteSpace(r.DepartmentCode) || !string.IsNullOrWhiteSpace(r.Task))
            .ToList();
        return new(
            f["title"].ToString(), f["description"].ToString(), f["category"].ToString(), f["priority"].ToString(),
            f["departmentCode"].ToString(), f["enterpriseName"].ToString(), f["creditCode"].ToString(), f["contact"].ToString(),
            Id(f, "enterpriseId", new Text("企业编号无效", "is not a register entry's number"), unreadable),
            co, Math.Clamp(rows.Count == 0 ? 0 : rows[^1] + 1, FirstRows, CasePart.MaxPerCase),
            Id(f, "visitProblemId", new Text("走访问题编号无效", "is not a visit problem's number"), unreadable));
    }

    /// <summary>A hidden id field: absent or blank is none; anything but a number is refused.</summary>
    private static long? Id(IFormCollection f, string field, Text invalid, Validation unreadable)
    {
        var text = f[field].ToString().Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        unreadable.Add(field, invalid);
        return null;
    }

    /// <summary>The form filled from a problem found on a visit (走访), for the visit's enterprise.</summary>
    public static NewCaseInput ForVisitProblem(VisitProblem p, long enterpriseId) => Empty with
    {
        Title = p.Title,
        Description = p.Description,
        Category = p.Category ?? Empty.Category,
        DepartmentCode = p.DepartmentCode ?? "",
        EnterpriseId = enterpriseId,
        VisitProblemId = p.Id,
    };

    public CaseService.OpenCase ToOpenCase(Guid? requestId) => new(
        Title, Description, Category, Priority, DepartmentCode,
        new CaseService.CaseEnterpriseInput(NullIfBlank(EnterpriseName), NullIfBlank(CreditCode), NullIfBlank(Contact), null, null),
        requestId, CoDepartments.Count == 0 ? null : CoDepartments, EnterpriseId);

    private static string? NullIfBlank(string s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

public sealed record NewCaseModel(
    NewCaseInput Input, CaseCategory Category, IReadOnlyList<DepartmentOption> Departments, CaseDeadlines Preview, Guid RequestId,
    IReadOnlyDictionary<string, List<Text>> Errors, IReadOnlyList<CaseCategory> Categories)
{
    /// <summary>The deadlines each co-handling department (协办) would get if sent now (the same for every one of them).</summary>
    public required CaseDeadlines CoHandlerPreview { get; init; }

    /// <summary>The register entry the case is opened for, when one was picked (<c>?enterpriseId=</c>).</summary>
    public EnterpriseDto? Enterprise { get; init; }

    /// <summary>Suggestions for the credit code field: the register's entries, key enterprises first.</summary>
    public IReadOnlyList<EnterpriseSuggestion> Register { get; init; } = [];

    /// <summary>
    /// The case linked above the form: the one the form's visit problem became meanwhile, for another department, or the
    /// one this form opened when it was first sent (sent again after a change).
    /// </summary>
    public string? RaisedAs { get; init; }
}

/// <param name="DepartmentNames">Every department's name by code, inactive ones too (a part may name one).</param>
/// <param name="Officers">Who the case may be handed over to (移交): every active account.</param>
public sealed record CasePageModel(
    CaseDto Case, IReadOnlyList<TimelineRow> Timeline, IReadOnlyList<DepartmentOption> Departments,
    IReadOnlyDictionary<string, string> DepartmentNames, Text? Flash, ServiceError? Error, CaseCategory? Category, IReadOnlyList<OfficerRef> Officers,
    InsistDeadline? Insist = null, IReadOnlyList<CaseIncident>? Incidents = null)
{
    /// <summary>The rating decision form the page refused, as it was filled in.</summary>
    public EnterpriseView.RatingForm? RatingForm { get; init; }

    /// <summary>The extension decision form the page refused, as it was filled in.</summary>
    public ExtensionForm? ExtensionForm { get; init; }

    /// <summary>The enterprise's register entry has a notice contact with an email: it is mailed its progress link.</summary>
    public bool NoticeEmail { get; init; }

    /// <summary>The parts (ids) a reopening may ask again (CaseService.AskableAgain), for a resolved joint case.</summary>
    public IReadOnlyList<long> AskableAgain { get; init; } = [];

    /// <summary>The hand-over form (移交) is shown: the case has not ended, or its 不满意 rating awaits a decision.</summary>
    public bool MayHandOver { get; init; }

    /// <summary>A cancelled case's who, when and why (撤销原因); null for any other case.</summary>
    public CaseCancellation? Cancellation { get; init; }

    /// <summary>
    /// A resolved case: the resolve deadline reopening it now would give, whether it is the one it has kept, and a
    /// co-handler's submit deadline when asked again.
    /// </summary>
    public (DateTimeOffset Due, bool Kept, DateTimeOffset PartDue)? ReopenPreview { get; init; }
}
