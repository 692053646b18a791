using System.Globalization;
using System.Security.Claims;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Common;
using Liaison.Cases.Sla;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Categories;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.Departments;
using Liaison.Server.Enterprises;
using Liaison.Server.Hosting;
using Liaison.Server.Mail;
using Liaison.Server.Pages;
using Liaison.Server.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Admin;

/// <summary>
/// The admin's server-rendered pages: departments and their liaisons, officer accounts and the working-day calendar.
/// They ask the same services as the API (<see cref="DepartmentService"/>, <see cref="UserService"/>,
/// <see cref="CalendarYearStore"/>), so the rules are the same.
/// </summary>
public static class AdminPages
{
    public static IEndpointRouteBuilder MapAdminPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapAdminPageGroup("admin");
        pages.MapGet("/", Index);
        pages.MapGet("/departments", Departments);
        pages.MapGet("/departments/new", NewDepartmentForm);
        pages.MapPost("/departments/new", CreateDepartment);
        pages.MapGet("/departments/{code}", EditDepartmentForm);
        pages.MapPost("/departments/{code}", UpdateDepartment);
        pages.MapGet("/users", Users);
        pages.MapPost("/users", CreateUser);
        pages.MapGet("/users/{id}", EditUserForm);
        pages.MapPost("/users/{id}", UpdateUser);
        pages.MapGet("/categories", CategoryList);
        pages.MapGet("/categories/{code}", EditCategoryForm);
        pages.MapPost("/categories/{code}", UpdateCategory);
        pages.MapGet("/calendar", CalendarPage);
        pages.MapPost("/calendar", PutCalendar);
        return app;
    }

    /// <summary>
    /// A group of admin pages under <paramref name="prefix"/>: the Officer policy, so that anonymous visitors are sent to
    /// sign in, and a filter that turns signed-in non-admins away with a page.
    /// </summary>
    public static RouteGroupBuilder MapAdminPageGroup(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix).RequireAuthorization(Policies.Officer).AddEndpointFilter(AdminOnly).ExcludeFromDescription();

    /// <summary>The admin pages' 403, for signed-in officers.</summary>
    public static IResult Forbidden() => PageResults.Message(
        new MessageModel(new Text("无权访问", "Forbidden"), new Text("此页面仅限管理员使用。", "Only admins may use this page."),
            "/cases", new Text("返回事项列表", "Back to the cases")) { Alert = true },
        StatusCodes.Status403Forbidden);

    private static async ValueTask<object?> AdminOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.User.IsInRole(Roles.Admin) ? await next(context) : Forbidden();

    private static async Task<IResult> Index(
        LiaisonDbContext db, DepartmentService departments, CalendarService calendars, IMailTransport transport, IOptions<LiaisonOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var samples = (await departments.ListAsync(active: null, ct)).Count(d => d.IsSample);
        var unscheduled = await CalendarYearStore.UnscheduledYearsAsync(db, calendars, ct);
        var failedMail = await db.Outbox.CountAsync(m => m.Status == OutboxStatus.Failed, ct);
        // Held mail (no SMTP host outside Development) is every pending mail; counted up to a limit, like the case list.
        int? heldMail = transport.Sends ? null : await db.Outbox.Where(m => m.Status == OutboxStatus.Pending).Take(100_001).CountAsync(ct);
        return PageResults.Page<AdminIndexPage>(new AdminIndexModel(samples, unscheduled.Sum(p => p.Cases), unscheduled.Select(p => p.Year!.Value).ToList(), failedMail)
        {
            HeldMail = heldMail,
            SampleLeadership = options.Value.SampleLeadershipEmail,
            // Incidents are few (a workflow that faults), and read newest first by their key.
            RecentIncidents = await db.Set<WorkflowIncidentRecord>().Where(x => x.At >= clock.GetUtcNow().AddDays(-AdminIndexModel.IncidentDays)).CountAsync(ct),
            // A shipped workflow's new version added as a draft after an admin's own versions (WorkflowDefinitionStore.ImportAsync).
            ShippedDrafts = await db.Set<WorkflowDefinitionRecord>()
                .Where(d => d.IsLatest && d.PublishedAt == null && d.ShippedVersion != null
                    && db.Set<WorkflowDefinitionRecord>().Any(a => a.DefinitionId == d.DefinitionId && a.ShippedVersion == null))
                .OrderBy(d => d.DefinitionId).Select(d => new ShippedDraft(d.DefinitionId, d.Version, d.ShippedVersion!.Value)).ToListAsync(ct),
        });
    }

    private static async Task<IResult> Departments(DepartmentService departments, HttpContext http, CancellationToken ct)
    {
        var saved = Flash.Take<DepartmentSavedNotice>(http);
        return PageResults.Page<DepartmentListPage>(new DepartmentListModel(
            (await departments.ListAsync(active: null, ct)).Select(DepartmentDto.From).ToList(), saved is not null, saved?.HandedOver));
    }

    private static async Task<IResult> EditDepartmentForm(string code, DepartmentService departments, CancellationToken ct) =>
        await departments.GetAsync(code, ct) is { Value: { } department }
            ? DepartmentPage(isNew: false, DepartmentForm.From(DepartmentDto.From(department)), department.IsSample, null, StatusCodes.Status200OK,
                await departments.OpenWorkCountAsync(code, ct))
            : DepartmentNotFound(code);

    private static async Task<IResult> UpdateDepartment(string code, IFormCollection form, DepartmentService departments, HttpContext http, CancellationToken ct)
    {
        if (await departments.GetAsync(code, ct) is not { Value: { } current })
        {
            return DepartmentNotFound(code);
        }

        var unreadable = new Validation();
        var input = DepartmentForm.From(form, unreadable, code);
        if (!unreadable.IsValid)
        {
            return DepartmentPage(isNew: false, input, current.IsSample, new ServiceError.Invalid(unreadable), StatusCodes.Status400BadRequest,
                await departments.OpenWorkCountAsync(code, ct));
        }

        var result = await departments.UpdateAsync(code, input.ToInput(), Actor.Of(http.User), ct);
        if (result.Error is ServiceError.Conflict { Message: var message } && message == DepartmentService.Stale
            && await departments.GetAsync(code, ct) is { Value: { } now })
        {
            // Someone saved the department after this form was opened: nothing was saved, nothing handed over. The form
            // comes back as typed, beside what is stored now, with the department's version as it is now, so that saving
            // it again is a deliberate choice to overwrite the other save (and not a 409 for ever).
            var stored = DepartmentForm.From(DepartmentDto.From(now));
            return PageResults.Page<DepartmentEditPage>(
                new DepartmentEditModel(false, input with { Basis = stored.Basis }, now.IsSample, new ServiceError.Conflict(StaleDepartmentOnForm),
                    await departments.OpenWorkCountAsync(code, ct)) { Stale = stored.DifferencesFrom(input) },
                StatusCodes.Status409Conflict);
        }

        return result.Error is { } error
            ? DepartmentPage(isNew: false, input, current.IsSample, error, PageResults.StatusOf(error), await departments.OpenWorkCountAsync(code, ct))
            : Flash.Redirect(http, "/admin/departments", new DepartmentSavedNotice(result.Value!.HandedOver));
    }

    /// <summary>A stale save's refusal on an admin form, which keeps what was typed and can be saved again on purpose.</summary>
    private static Text StaleOnForm(string zh, string en) => new(
        $"{zh}在您打开后已被他人修改，您的修改未保存，没有发出邮件。下方是现在保存的内容与您填写的不同之处，表单中仍是您填写的内容：再次保存将以您填写的内容为准。",
        $"{en} was changed by someone else after you opened it; your changes were not saved and no mail was sent. Below is where what is saved now differs from your form, which still holds what you typed: saving again keeps what you typed.");

    private static readonly Text StaleDepartmentOnForm = StaleOnForm("部门信息", "The department");

    private static IResult NewDepartmentForm() => DepartmentPage(isNew: true, DepartmentForm.Empty, sample: false, null, StatusCodes.Status200OK);

    private static async Task<IResult> CreateDepartment(IFormCollection form, DepartmentService departments, HttpContext http, CancellationToken ct)
    {
        var unreadable = new Validation();
        var input = DepartmentForm.From(form, unreadable);
        if (!unreadable.IsValid)
        {
            return DepartmentPage(isNew: true, input, false, new ServiceError.Invalid(unreadable), StatusCodes.Status400BadRequest);
        }

        var result = await departments.CreateAsync(input.ToInput(), Actor.Of(http.User), ct);
        return result.Error is { } error
            ? DepartmentPage(isNew: true, input, false, error, PageResults.StatusOf(error))
            : Flash.Redirect(http, "/admin/departments", new DepartmentSavedNotice(null));
    }

    private static IResult DepartmentPage(bool isNew, DepartmentForm form, bool sample, ServiceError? error, int status, int openWork = 0) =>
        PageResults.Page<DepartmentEditPage>(new DepartmentEditModel(isNew, form, sample, error, openWork), status);

    private static IResult DepartmentNotFound(string code) => PageResults.Message(
        new MessageModel(MessageModel.NotFoundTitle, new Text($"没有代码为 {code} 的部门", $"No department has the code '{code}'"),
            "/admin/departments", new Text("返回部门列表", "Back to the departments")),
        StatusCodes.Status404NotFound);

    private static async Task<IResult> CategoryList(CategoryService categories, HttpContext http, CancellationToken ct) =>
        PageResults.Page<CategoryListPage>(new CategoryListModel(
            (await categories.ListAsync(ct)).Select(CategoryDto.From).ToList(), Flash.Take<CategorySavedNotice>(http) is not null));

    private static async Task<IResult> EditCategoryForm(string code, CategoryService categories, CancellationToken ct) =>
        (await categories.ListAsync(ct)).FirstOrDefault(c => c.Code == code) is { } category
            ? PageResults.Page<CategoryEditPage>(new CategoryEditModel(CategoryForm.From(CategoryDto.From(category)), null))
            : CategoryNotFound(code);

    private static async Task<IResult> UpdateCategory(
        string code, IFormCollection form, HttpContext http, LiaisonDbContext db, CategoryService categories, CancellationToken ct)
    {
        if ((await categories.ListAsync(ct)).All(c => c.Code != code))
        {
            return CategoryNotFound(code);
        }

        var typed = CategoryForm.From(form, code);
        var (input, unreadable) = typed.Read();
        var result = await categories.UpdateAsync(db, code, input, Actor.Of(http.User), ct, unreadable);
        if (result.Error is ServiceError.Conflict { Message: var message } && message == CategoryService.Stale
            && (await categories.ListAsync(ct)).FirstOrDefault(c => c.Code == code) is { } now)
        {
            // As a department's stale save: nothing saved; the form as typed beside what is stored now.
            var stored = CategoryForm.From(CategoryDto.From(now));
            return PageResults.Page<CategoryEditPage>(
                new CategoryEditModel(typed with { Basis = stored.Basis }, new ServiceError.Conflict(StaleOnForm("事项类别", "The category")))
                {
                    Stale = stored.DifferencesFrom(typed),
                },
                StatusCodes.Status409Conflict);
        }

        return result.Error is { } error
            ? PageResults.Page<CategoryEditPage>(new CategoryEditModel(typed, error), PageResults.StatusOf(error))
            : Flash.Redirect(http, "/admin/categories", new CategorySavedNotice());
    }

    private static IResult CategoryNotFound(string code) => PageResults.Message(
        new MessageModel(MessageModel.NotFoundTitle, new Text($"没有代码为 {code} 的类别", $"No category has the code '{code}'"),
            "/admin/categories", new Text("返回事项类别", "Back to the categories")),
        StatusCodes.Status404NotFound);

    private static async Task<IResult> Users(UserService accounts, HttpContext http, CancellationToken ct) =>
        await UsersPageAsync(accounts, new CreateUserRequest("", "", "", Roles.Officer, Cultures.Chinese), null,
            Flash.Take<UserCreatedNotice>(http)?.Email, StatusCodes.Status200OK, ct);

    private static async Task<IResult> CreateUser(IFormCollection form, UserService accounts, HttpContext http, CancellationToken ct)
    {
        var request = new CreateUserRequest(
            form["email"].ToString(), form["displayName"].ToString(), form["password"].ToString(), form["role"].ToString(), form["culture"].ToString());
        var result = await accounts.CreateAsync(request, Actor.Of(http.User));
        return result.Error is { } error
            ? await UsersPageAsync(accounts, request with { Password = "" }, error, null, PageResults.StatusOf(error), ct)
            : Flash.Redirect(http, "/admin/users", new UserCreatedNotice(result.Value!.Email));
    }

    private static async Task<IResult> EditUserForm(string id, HttpContext http, UserService accounts, CancellationToken ct)
    {
        if (await accounts.FindAsync(id) is not { } user)
        {
            return NoSuchAccount();
        }

        return await UserEditPageAsync(accounts, user, UserForm.Of(user), null, Flash.Take<UserSaved>(http), StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> UpdateUser(string id, IFormCollection form, HttpContext http, UserService accounts, CancellationToken ct)
    {
        if (await accounts.FindAsync(id) is not { } user)
        {
            return NoSuchAccount();
        }

        var unreadable = new Validation();
        var input = new UserForm(form["email"].ToString(), form["displayName"].ToString(), form["role"].ToString(), form["culture"].ToString(),
            FormValues.Checkbox(form, "active", unreadable), form["handOverTo"].ToString()) { Basis = form["basis"].ToString() };
        if (!unreadable.IsValid)
        {
            return await UserEditPageAsync(accounts, user, input, new ServiceError.Invalid(unreadable), null, StatusCodes.Status400BadRequest, ct);
        }

        var request = new UpdateUserRequest(input.Email, input.DisplayName, input.Role, input.Culture, input.Active,
            Validation.Optional(form["password"].ToString()), Validation.Optional(input.HandOverTo), input.Basis);
        var result = await accounts.UpdateAsync(id, request, Actor.Of(http.User), ct);
        if (result.Error is ServiceError.Conflict { Message: var message } && message == UserService.Stale && await accounts.FindAsync(id) is { } now)
        {
            // As a department's stale save: nothing saved or handed over; the form as typed beside what is stored now.
            var stored = UserForm.Of(now);
            return await UserEditPageAsync(accounts, now, input with { Basis = stored.Basis }, new ServiceError.Conflict(StaleOnForm("账号", "The account")),
                null, StatusCodes.Status409Conflict, ct, stored.DifferencesFrom(input));
        }

        if (result.Error is { } error)
        {
            return await UserEditPageAsync(accounts, user, input, error, null, PageResults.StatusOf(error), ct);
        }

        // The banner says what a handover moved, and to whom.
        var moved = result.Value!.HandedOver;
        return Flash.Redirect(http, $"/admin/users/{Uri.EscapeDataString(id)}", new UserSaved(moved, moved is null ? null : input.HandOverTo));
    }

    private static async Task<IResult> UserEditPageAsync(
        UserService accounts, UserDto user, UserForm form, ServiceError? error, UserSaved? saved, int status, CancellationToken ct,
        IReadOnlyList<StaleField>? stale = null) =>
        PageResults.Page<UserEditPage>(
            new UserEditModel(user, form, await accounts.WorkOfAsync(user.Id, ct), await accounts.SuccessorsOfAsync(user.Id, ct), error, saved)
            {
                Stale = stale ?? [],
            },
            status);

    private static IResult NoSuchAccount() => PageResults.Message(
        new MessageModel(MessageModel.NotFoundTitle, new Text("账号不存在", "No such account"), "/admin/users", new Text("返回账号列表", "Back to the accounts")),
        StatusCodes.Status404NotFound);

    private static async Task<IResult> UsersPageAsync(
        UserService accounts, CreateUserRequest form, ServiceError? error, string? created, int status, CancellationToken ct) =>
        PageResults.Page<UsersPage>(new UsersModel(await accounts.ListAsync(ct), form, error, created), status);

    private static async Task<IResult> CalendarPage(CalendarService calendars, LiaisonDbContext db, HttpContext http, CancellationToken ct) =>
        await CalendarPageAsync(calendars, db, "", [], Flash.Take<CalendarYearSavedNotice>(http)?.Year, StatusCodes.Status200OK, ct);

    private static async Task<IResult> PutCalendar(
        IFormCollection form, HttpContext http, LiaisonDbContext db, CalendarService calendars,
        DeadlineRecomputePump recompute, TimeProvider clock, CancellationToken ct)
    {
        var json = form["json"].ToString();
        if (!YearSchedule.TryParse(json, out var schedule, out var errors))
        {
            return await CalendarPageAsync(calendars, db, json, errors, null, StatusCodes.Status400BadRequest, ct);
        }

        var (saved, problems, conflict) = await CalendarYearStore.SaveAsync(schedule, Actor.Of(http.User), db, calendars, recompute, clock, ct);
        return saved is null
            ? await CalendarPageAsync(calendars, db, json, problems, null, conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, ct)
            : Flash.Redirect(http, "/admin/calendar", new CalendarYearSavedNotice(schedule.Year));
    }

    private static async Task<IResult> CalendarPageAsync(
        CalendarService calendars, LiaisonDbContext db, string json, IReadOnlyList<string> errors, int? saved, int status, CancellationToken ct) =>
        PageResults.Page<CalendarAdminPage>(new CalendarAdminModel(await CalendarYearStore.ListAsync(calendars, db, ct), json, errors, saved)
        {
            Unscheduled = await CalendarYearStore.UnscheduledYearsAsync(db, calendars, ct),
        }, status);
}

/// <param name="Version">The draft's version number here.</param>
/// <param name="Shipped">The shipped file's version number.</param>
public sealed record ShippedDraft(string DefinitionId, int Version, int Shipped);

public sealed record AdminIndexModel(int SampleDepartments, int ProvisionalCases, IReadOnlyList<int> MissingYears, int FailedMail)
{
    /// <summary>Mails waiting because no SMTP host is configured outside Development; null when mail is sent.</summary>
    public int? HeldMail { get; init; }

    /// <summary>The sample address the zone leadership's mail goes to when <c>Liaison:ZoneLeadership</c> is not configured.</summary>
    public string? SampleLeadership { get; init; }

    /// <summary>Workflow incidents (faults) in the last <see cref="IncidentDays"/> days.</summary>
    public int RecentIncidents { get; init; }

    public const int IncidentDays = 7;

    /// <summary>Shipped workflows' new versions waiting as drafts, because an admin had changed the workflow.</summary>
    public IReadOnlyList<ShippedDraft> ShippedDrafts { get; init; } = [];
}

/// <param name="HandedOver">After a save: how many open cases and parts went to the department's new handler or leader.</param>
public sealed record DepartmentListModel(IReadOnlyList<DepartmentDto> Departments, bool Saved, int? HandedOver = null);

/// <summary>What the admin typed into a department form, kept when it is shown again with errors.</summary>
public sealed record DepartmentForm(
    string Code, string Name, string HandlerName, string HandlerEmail, string HandlerCulture,
    string LeaderName, string LeaderEmail, string LeaderCulture, bool Active)
{
    public static readonly DepartmentForm Empty = new("", "", "", "", Cultures.Chinese, "", "", Cultures.Chinese, true);

    /// <summary>The department's version when the form was opened (<see cref="DepartmentDto.Basis"/>); empty for a new one.</summary>
    public string Basis { get; init; } = "";

    public static DepartmentForm From(DepartmentDto d) => new(
        d.Code, d.Name, d.Handler.Name, d.Handler.Email, d.Handler.Culture, d.Leader.Name, d.Leader.Email, d.Leader.Culture, d.Active)
    {
        Basis = d.Basis,
    };

    /// <summary>The form as sent; a checkbox that sent something else than a ticked one does goes to <paramref name="unreadable"/>.</summary>
    public static DepartmentForm From(IFormCollection f, Validation unreadable, string? code = null) => new(
        code ?? f["code"].ToString(), f["name"].ToString(),
        f["handlerName"].ToString(), f["handlerEmail"].ToString(), f["handlerCulture"].ToString(),
        f["leaderName"].ToString(), f["leaderEmail"].ToString(), f["leaderCulture"].ToString(),
        FormValues.Checkbox(f, "active", unreadable))
    {
        Basis = f["basis"].ToString(),
    };

    public DepartmentInput ToInput() => new(
        Code, Name, new PersonInput(HandlerName, HandlerEmail, HandlerCulture), new PersonInput(LeaderName, LeaderEmail, LeaderCulture), Active, Basis);

    /// <summary>Where <paramref name="typed"/> differs from this form of the department as stored.</summary>
    public IReadOnlyList<StaleField> DifferencesFrom(DepartmentForm typed) => EditBasis.Differences(
        new(new Text("部门名称", "Name"), Name, typed.Name),
        new(new Text("经办人", "Handler"), Person(HandlerName, HandlerEmail, HandlerCulture), Person(typed.HandlerName, typed.HandlerEmail, typed.HandlerCulture)),
        new(new Text("分管领导", "Leader"), Person(LeaderName, LeaderEmail, LeaderCulture), Person(typed.LeaderName, typed.LeaderEmail, typed.LeaderCulture)),
        new(new Text("启用", "Active"), Active, typed.Active));

    private static string Person(string name, string email, string culture) => $"{name.Trim()} <{email.Trim()}> {culture.Trim()}";
}

/// <param name="OpenWork">The open cases the department leads or co-handles: what a new handler or leader takes over on saving.</param>
public sealed record DepartmentEditModel(bool IsNew, DepartmentForm Form, bool Sample, ServiceError? Error, int OpenWork = 0)
{
    /// <summary>After a stale save (409): where the form differs from what is stored now.</summary>
    public IReadOnlyList<StaleField> Stale { get; init; } = [];

    public IReadOnlyDictionary<string, List<Text>> Errors => Error is ServiceError.Invalid invalid ? invalid.Fields.Errors : NoErrors;

    internal static readonly IReadOnlyDictionary<string, List<Text>> NoErrors = new Dictionary<string, List<Text>>();
}

/// <summary>An account just saved: what its handover moved, and to whom (an account's id or email; both null without one).</summary>
public sealed record UserSaved(Handover.Work? HandedOver, string? To);

/// <summary>The notice after a department's save or creation: how many open cases and parts went to its new handler or leader.</summary>
public sealed record DepartmentSavedNotice(int? HandedOver);

/// <summary>The notice after a category's save.</summary>
public sealed record CategorySavedNotice;

/// <summary>The notice after an account's creation: its email.</summary>
public sealed record UserCreatedNotice(string Email);

/// <summary>The notice after a year of the calendar was saved.</summary>
public sealed record CalendarYearSavedNotice(int Year);

/// <summary>What the admin typed into an account's form, kept when it is shown again with errors (never the password).</summary>
public sealed record UserForm(string Email, string DisplayName, string Role, string Culture, bool Active, string HandOverTo)
{
    /// <summary>The account's version when the form was opened (<see cref="UserDto.Basis"/>).</summary>
    public string Basis { get; init; } = "";

    public static UserForm Of(UserDto u) =>
        new(u.Email, u.DisplayName, u.Roles.Contains(Roles.Admin) ? Roles.Admin : Roles.Officer, u.Culture, u.Active, "") { Basis = u.Basis };

    /// <summary>Where <paramref name="typed"/> differs from this form of the account as stored.</summary>
    public IReadOnlyList<StaleField> DifferencesFrom(UserForm typed) => EditBasis.Differences(
        new(new Text("邮箱（登录名）", "Email (sign-in name)"), Email, typed.Email),
        new(new Text("姓名", "Display name"), DisplayName, typed.DisplayName),
        new(new Text("角色", "Role"), RoleLabel(Role), RoleLabel(typed.Role)),
        new(new Text("页面和邮件语言", "Language of pages and emails"), Culture, typed.Culture),
        new(new Text("在用", "Active"), Active, typed.Active));

    private static Text RoleLabel(string role) =>
        Roles.All.FirstOrDefault(r => string.Equals(r, role.Trim(), StringComparison.OrdinalIgnoreCase)) is { } known ? Roles.Label(known) : new Text(role, role);
}

/// <param name="Work">What the account holds that a handover would move.</param>
/// <param name="Successors">The accounts its work may go to: every other active account.</param>
/// <param name="Saved">Set after a save: the banner, and what a handover in it moved.</param>
public sealed record UserEditModel(
    UserDto User, UserForm Form, Handover.Work Work, IReadOnlyList<OfficerRef> Successors, ServiceError? Error, UserSaved? Saved)
{
    /// <summary>After a stale save (409): where the form differs from what is stored now.</summary>
    public IReadOnlyList<StaleField> Stale { get; init; } = [];

    /// <summary>The mark of an account whose password an admin set and its holder has not changed yet (the list shows it too).</summary>
    public static readonly Text MustChangePassword = new("待修改临时密码", "Must change password");

    /// <summary>The name of the account a just-saved handover went to, from the successors the page offers anyway.</summary>
    public string? HandedOverTo => Saved?.To is { } to
        ? Successors.FirstOrDefault(o => o.Id == to || o.Email.Equals(to, StringComparison.OrdinalIgnoreCase))?.DisplayName
        : null;

    public IReadOnlyDictionary<string, List<Text>> Errors => Error is ServiceError.Invalid invalid ? invalid.Fields.Errors : DepartmentEditModel.NoErrors;
}

public sealed record UsersModel(IReadOnlyList<UserDto> Users, CreateUserRequest Form, ServiceError? Error, string? Created)
{
    public IReadOnlyDictionary<string, List<Text>> Errors => Error is ServiceError.Invalid invalid ? invalid.Fields.Errors : DepartmentEditModel.NoErrors;
}

/// <param name="Saved">The year just saved (the notice after the redirect), if any.</param>
public sealed record CalendarAdminModel(IReadOnlyList<YearDto> Years, string Json, IReadOnlyList<string> Errors, int? Saved)
{
    /// <summary>Years open cases' deadlines fall in with no schedule loaded, and how many cases each: the page's warning.</summary>
    public IReadOnlyList<ProvisionalYear> Unscheduled { get; init; } = [];

    /// <summary>Some year's recomputation is still queued or running: the page offers a refresh.</summary>
    public bool Recomputing => Years.Any(y => y.Recompute is { State: not RecomputeDto.Done });
}

public sealed record CategoryListModel(IReadOnlyList<CategoryDto> Categories, bool Saved);

/// <summary>What the admin typed into a category form (numbers as typed), kept when it is shown again with errors.</summary>
public sealed record CategoryForm(
    string Code, string NameZh, string Name, string AcceptWithinWorkingDays, string ResolveWithinWorkingDays,
    string ProgressReportEveryWorkingDays, string CoHandlerLeadWorkingDays)
{
    /// <summary>The category's version when the form was opened (<see cref="CategoryDto.Basis"/>).</summary>
    public string Basis { get; init; } = "";

    public static CategoryForm From(CategoryDto c) => new(c.Code, c.NameZh, c.Name, Number(c.AcceptWithinWorkingDays),
        Number(c.ResolveWithinWorkingDays), c.ProgressReportEveryWorkingDays is { } every ? Number(every) : "", Number(c.CoHandlerLeadWorkingDays))
    {
        Basis = c.Basis,
    };

    public static CategoryForm From(IFormCollection f, string code) => new(code, f["nameZh"].ToString(), f["name"].ToString(),
        f["acceptWithinWorkingDays"].ToString().Trim(), f["resolveWithinWorkingDays"].ToString().Trim(),
        f["progressReportEveryWorkingDays"].ToString().Trim(), f["coHandlerLeadWorkingDays"].ToString().Trim())
    {
        Basis = f["basis"].ToString(),
    };

    /// <summary>Where <paramref name="typed"/> differs from this form of the category as stored.</summary>
    public IReadOnlyList<StaleField> DifferencesFrom(CategoryForm typed) => EditBasis.Differences(
        new(new Text("中文名称", "Chinese name"), NameZh, typed.NameZh),
        new(new Text("英文名称", "English name"), Name, typed.Name),
        new(new Text("签收时限（工作日）", "Accept within (working days)"), AcceptWithinWorkingDays, typed.AcceptWithinWorkingDays),
        new(new Text("办结时限（工作日）", "Resolve within (working days)"), ResolveWithinWorkingDays, typed.ResolveWithinWorkingDays),
        new(new Text("进展报告间隔（工作日）", "Progress report every (working days)"), ProgressReportEveryWorkingDays, typed.ProgressReportEveryWorkingDays),
        new(new Text("协办提前量（工作日）", "Co-handler lead time (working days)"), CoHandlerLeadWorkingDays, typed.CoHandlerLeadWorkingDays));

    /// <summary>The input for the service, or what is not a whole number.</summary>
    public (CategoryInput Input, Validation Unreadable) Read()
    {
        var v = new Validation();
        int? Whole(string text, string field)
        {
            if (text.Length == 0) return null;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
            v.Add(field, "应为整数", "must be a whole number");
            return null;
        }

        var input = new CategoryInput(NameZh, Name,
            Whole(AcceptWithinWorkingDays, "acceptWithinWorkingDays"), Whole(ResolveWithinWorkingDays, "resolveWithinWorkingDays"),
            Whole(ProgressReportEveryWorkingDays, "progressReportEveryWorkingDays"), Whole(CoHandlerLeadWorkingDays, "coHandlerLeadWorkingDays"), Basis);
        return (input, v);
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}

public sealed record CategoryEditModel(CategoryForm Form, ServiceError? Error)
{
    /// <summary>After a stale save (409): where the form differs from what is stored now.</summary>
    public IReadOnlyList<StaleField> Stale { get; init; } = [];

    public IReadOnlyDictionary<string, List<Text>> Errors => Error is ServiceError.Invalid invalid ? invalid.Fields.Errors : DepartmentEditModel.NoErrors;
}
