using System.Globalization;
using System.Security.Claims;
using System.Text;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Cases;
using Liaison.Server.Data;
using Liaison.Server.Departments;
using Liaison.Server.Mail;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Pages.Html;

namespace Liaison.Server.Admin;

/// <summary>
/// The admin's server-rendered pages: departments and their liaisons, officer accounts and the working-day calendar.
/// They call the same handlers as the API (<see cref="DepartmentsApi"/>, <see cref="AuthApi"/>,
/// <see cref="CalendarYearStore"/>), so the rules are the same.
/// </summary>
public static class AdminPages
{
    private static readonly IDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public static IEndpointRouteBuilder MapAdminPages(this IEndpointRouteBuilder app)
    {
        // Officer policy so that anonymous visitors are sent to sign in; the filter turns signed-in non-admins away with a page.
        var pages = app.MapGroup("admin").RequireAuthorization(Policies.Officer).AddEndpointFilter(AdminOnly).ExcludeFromDescription();
        pages.MapGet("/", Index);
        pages.MapGet("/departments", Departments);
        pages.MapGet("/departments/new", NewDepartmentForm);
        pages.MapPost("/departments/new", CreateDepartment);
        pages.MapGet("/departments/{code}", EditDepartmentForm);
        pages.MapPost("/departments/{code}", UpdateDepartment);
        pages.MapGet("/users", Users);
        pages.MapPost("/users", CreateUser);
        pages.MapGet("/calendar", CalendarPage);
        pages.MapPost("/calendar", PutCalendar);
        return app;
    }

    private static async ValueTask<object?> AdminOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.IsInRole(Roles.Admin))
        {
            return await next(context);
        }

        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        return CasePages.OfficerPage(http, antiforgery, "无权访问 Forbidden", """
            <div class="card" role="alert"><h1 style="font-size:1.25rem;margin-top:0">无权访问 <span class="muted">Forbidden</span></h1>
            <p>此页面仅限管理员使用。<span class="muted">Only admins may use this page.</span></p>
            <p><a href="/cases">返回事项列表 Back to the cases</a></p></div>
            """, StatusCodes.Status403Forbidden);
    }

    // ---- index ---------------------------------------------------------------------------------------------------

    private static async Task<IResult> Index(HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, CalendarService calendars, CancellationToken ct)
    {
        var samples = (await DepartmentsApi.List(db, active: null, ct)).Value!.Count(d => d.Sample);
        var body = await WarningsAsync(db, calendars, ct) + $"""
            <div class="card"><h1 style="font-size:1.35rem;margin-top:0">管理 <span class="muted">Admin</span></h1>
            <ul>
            <li><a href="/admin/departments">部门与联络人 <span class="muted">Departments and liaisons</span></a>{(samples > 0 ? $" <span class=\"tag\">{samples} 个示例待替换 · {samples} samples to replace</span>" : "")}</li>
            <li><a href="/admin/users">账号 <span class="muted">Officers and admins</span></a></li>
            <li><a href="/admin/calendar">工作日历 <span class="muted">Working-day calendar</span></a></li>
            <li><a href="/designer">流程设计 <span class="muted">Workflow designer</span></a></li>
            <li><a href="/hangfire">任务面板 <span class="muted">Job dashboard</span></a></li>
            </ul></div>
            """;
        return CasePages.OfficerPage(http, antiforgery, "管理 Admin", body);
    }

    /// <summary>
    /// What an admin must act on: open cases whose deadlines are provisional (a year's holiday schedule is missing) and
    /// mail the SMTP server refused for good.
    /// </summary>
    private static async Task<string> WarningsAsync(LiaisonDbContext db, CalendarService calendars, CancellationToken ct)
    {
        var closed = new[] { CaseStatus.Closed, CaseStatus.Cancelled };
        var provisional = await db.Cases.AsNoTracking().Where(c => c.Provisional && !closed.Contains(c.Status))
            .Select(c => c.DueAt).ToListAsync(ct);
        var failedMail = await db.Outbox.CountAsync(m => m.Status == OutboxStatus.Failed, ct);
        var sb = new System.Text.StringBuilder();
        if (provisional.Count > 0)
        {
            var calendar = await calendars.GetAsync(ct);
            var missing = provisional.Where(d => d is not null).Select(d => TimeZoneInfo.ConvertTime(d!.Value, calendar.TimeZone).Year)
                .Where(y => !calendar.HasYear(y)).Distinct().Order().ToList();
            var years = string.Join("、", missing);
            sb.Append($"""
                <div class="card error" role="alert" data-warning="provisional">⚠ {provisional.Count} 件在办事项的期限为暂定（缺少 {E(years)} 年节假日安排），请在<a href="/admin/calendar">工作日历</a>中添加。
                <span class="muted">{provisional.Count} open case(s) have provisional deadlines (no holiday schedule for {E(years)}): add it in the calendar.</span></div>
                """);
        }

        if (failedMail > 0)
        {
            sb.Append($"""
                <div class="card error" role="alert" data-warning="mail">⚠ {failedMail} 封邮件被邮件服务器拒收，见 <a href="/api/admin/outbox?status=failed">/api/admin/outbox?status=failed</a>。
                <span class="muted">{failedMail} mail(s) were refused by the SMTP server.</span></div>
                """);
        }

        return sb.ToString();
    }

    // ---- departments ---------------------------------------------------------------------------------------------

    private static async Task<IResult> Departments(HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, string? done, CancellationToken ct)
    {
        var departments = (await DepartmentsApi.List(db, active: null, ct)).Value!;
        var samples = departments.Count(d => d.Sample);
        var sb = new StringBuilder();
        sb.Append("<div class=\"card\" style=\"overflow-x:auto\"><h1 style=\"font-size:1.35rem;margin-top:0\">部门与联络人 <span class=\"muted\">Departments and liaisons</span></h1>");
        if (done is "saved" or "created")
        {
            sb.Append("<p class=\"ok\" role=\"status\">已保存。<span class=\"muted\">Saved.</span></p>");
        }

        sb.Append(samples > 0
            ? $"<p><span class=\"tag\">示例 sample</span> 还有 {samples} 个部门使用示例联络人，请替换为真实人员。<span class=\"muted\">{samples} departments still have sample liaisons: replace them with the real people.</span></p>"
            : "<p class=\"muted\">所有部门均已填写真实联络人。All departments name real liaisons.</p>");
        sb.Append("<p><a href=\"/admin/departments/new\">＋ 新增部门 <span class=\"muted\">New department</span></a></p>");
        sb.Append("""
            <table><thead><tr><th>代码 Code</th><th>名称 Name</th><th>经办人 Handler</th><th>分管领导 Leader</th><th>状态 Active</th></tr></thead><tbody>
            """);
        foreach (var d in departments)
        {
            var sample = d.Sample ? " <span class=\"tag\" data-sample>示例 sample</span>" : "";
            sb.Append($"""
                <tr data-code="{E(d.Code)}"{(d.Sample ? " style=\"background:#fff7e6\"" : "")}><td><a href="{E(DepartmentUrl(d.Code))}">{E(d.Code)}</a></td>
                <td>{E(d.Name)}{sample}</td>
                <td>{E(d.Handler.Name)}<br><span class="muted">{E(d.Handler.Email)}</span></td>
                <td>{E(d.Leader.Name)}<br><span class="muted">{E(d.Leader.Email)}</span></td>
                <td>{(d.Active ? "启用 active" : "<span class=\"muted\">停用 inactive</span>")}</td></tr>
                """);
        }

        sb.Append("</tbody></table></div>");
        return CasePages.OfficerPage(http, antiforgery, "部门 Departments", sb.ToString());
    }

    /// <summary>What the admin typed into a department form, kept when it is shown again with errors.</summary>
    private sealed record DepartmentForm(
        string Code, string Name, string HandlerName, string HandlerEmail, string HandlerCulture,
        string LeaderName, string LeaderEmail, string LeaderCulture, bool Active)
    {
        public static readonly DepartmentForm Empty = new("", "", "", "", "zh-CN", "", "", "zh-CN", true);

        public static DepartmentForm From(DepartmentDto d) => new(
            d.Code, d.Name, d.Handler.Name, d.Handler.Email, d.Handler.Culture, d.Leader.Name, d.Leader.Email, d.Leader.Culture, d.Active);

        public static DepartmentForm From(IFormCollection f, string? code = null) => new(
            code ?? f["code"].ToString(), f["name"].ToString(),
            f["handlerName"].ToString(), f["handlerEmail"].ToString(), f["handlerCulture"].ToString(),
            f["leaderName"].ToString(), f["leaderEmail"].ToString(), f["leaderCulture"].ToString(),
            f["active"].Any(v => v is "true" or "on"));

        public DepartmentInput ToInput() => new(
            Code, Name, new PersonInput(HandlerName, HandlerEmail, HandlerCulture), new PersonInput(LeaderName, LeaderEmail, LeaderCulture), Active);
    }

    private static async Task<IResult> EditDepartmentForm(string code, HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, CancellationToken ct)
    {
        var result = await DepartmentsApi.Get(code, db, ct);
        if (result.Result is not Ok<DepartmentDto> { Value: { } department })
        {
            return NotFoundPage(http, antiforgery, $"没有代码为 {code} 的部门 / No department has the code '{code}'");
        }

        return DepartmentPage(http, antiforgery, isNew: false, DepartmentForm.From(department), department.Sample, NoErrors, null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> UpdateDepartment(
        string code, IFormCollection form, HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var current = await DepartmentsApi.Get(code, db, ct);
        if (current.Result is not Ok<DepartmentDto> { Value: { } department })
        {
            return NotFoundPage(http, antiforgery, $"没有代码为 {code} 的部门 / No department has the code '{code}'");
        }

        var input = DepartmentForm.From(form, code);
        var result = await DepartmentsApi.Update(code, input.ToInput(), db, clock, ct);
        return result.Result switch
        {
            Ok<DepartmentDto> => Results.Redirect("/admin/departments?done=saved"),
            ValidationProblem invalid => DepartmentPage(http, antiforgery, isNew: false, input, department.Sample, invalid.ProblemDetails.Errors, null, StatusCodes.Status400BadRequest),
            ProblemHttpResult problem => DepartmentPage(http, antiforgery, isNew: false, input, department.Sample, NoErrors, problem.ProblemDetails.Detail, problem.StatusCode),
            _ => throw new InvalidOperationException("Unexpected result from DepartmentsApi.Update"),
        };
    }

    private static IResult NewDepartmentForm(HttpContext http, IAntiforgery antiforgery) =>
        DepartmentPage(http, antiforgery, isNew: true, DepartmentForm.Empty, sample: false, NoErrors, null, StatusCodes.Status200OK);

    private static async Task<IResult> CreateDepartment(
        IFormCollection form, HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var input = DepartmentForm.From(form);
        var result = await DepartmentsApi.Create(input.ToInput(), db, clock, ct);
        return result.Result switch
        {
            Created<DepartmentDto> => Results.Redirect("/admin/departments?done=created"),
            ValidationProblem invalid => DepartmentPage(http, antiforgery, isNew: true, input, false, invalid.ProblemDetails.Errors, null, StatusCodes.Status400BadRequest),
            ProblemHttpResult problem => DepartmentPage(http, antiforgery, isNew: true, input, false, NoErrors, problem.ProblemDetails.Detail, problem.StatusCode),
            _ => throw new InvalidOperationException("Unexpected result from DepartmentsApi.Create"),
        };
    }

    private static IResult DepartmentPage(
        HttpContext http, IAntiforgery antiforgery, bool isNew, DepartmentForm f, bool sample,
        IDictionary<string, string[]> errors, string? problem, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var action = isNew ? "/admin/departments/new" : DepartmentUrl(f.Code);
        var title = isNew ? "新增部门 New department" : $"{f.Name} · 编辑部门 Edit department";
        var sb = new StringBuilder();
        sb.Append("<div class=\"card\">");
        sb.Append($"<p style=\"margin-top:0\"><a href=\"/admin/departments\">« 部门列表 Departments</a></p>");
        sb.Append(isNew
            ? "<h1 style=\"font-size:1.35rem\">新增部门 <span class=\"muted\">New department</span></h1>"
            : $"<h1 style=\"font-size:1.35rem\">{E(f.Name)} <span class=\"muted\">{E(f.Code)}</span>{(sample ? " <span class=\"tag\" data-sample>示例 sample</span>" : "")}</h1>");
        if (sample)
        {
            sb.Append("<p class=\"muted\">此部门的联络人仍是示例数据，保存真实人员后示例标记消失。These liaisons are sample data; saving real people removes the marker.</p>");
        }

        if (errors.Count > 0 || problem is not null)
        {
            sb.Append($"<p class=\"error\" role=\"alert\">未保存，请修改标出的内容。{E(problem)}<br><span class=\"muted\">Nothing was saved.</span></p>");
        }

        sb.Append($"""
            <form method="post" action="{E(action)}">
            <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            """);
        if (isNew)
        {
            sb.Append(Input("code", "code", "部门代码 Code *", f.Code, errors, "code", " maxlength=\"32\" required pattern=\"[a-z][a-z0-9\\-]{1,31}\""));
            sb.Append("<p class=\"muted\">小写字母、数字和连字符，以字母开头；保存后不能修改。Lowercase letters, digits and hyphens; cannot be changed later.</p>");
        }

        sb.Append(Input("name", "name", "部门名称 Name *", f.Name, errors, "name", " maxlength=\"100\" required"));
        sb.Append(Person("handler", "经办人（中层干部）Handler", f.HandlerName, f.HandlerEmail, f.HandlerCulture, errors));
        sb.Append(Person("leader", "分管领导（班子成员）Leader", f.LeaderName, f.LeaderEmail, f.LeaderCulture, errors));
        sb.Append($"""
            <label><input type="checkbox" name="active" value="true"{(f.Active ? " checked" : "")}> 启用 <span class="muted">Active (can receive cases)</span></label>
            <button type="submit">保存 Save</button>
            </form></div>
            """);
        return CasePages.OfficerPage(http, antiforgery, title, sb.ToString(), status);
    }

    private static string Person(string prefix, string legend, string name, string email, string culture, IDictionary<string, string[]> errors) => $"""
        <fieldset style="border:1px solid #e4e7eb;border-radius:.375rem;margin:1rem 0 0"><legend>{E(legend)}</legend>
        {Input(prefix + "Name", prefix + "Name", "姓名 Name *", name, errors, prefix + ".name", " maxlength=\"100\" required")}
        {Input(prefix + "Email", prefix + "Email", "邮箱 Email *", email, errors, prefix + ".email", " type=\"email\" maxlength=\"254\" required")}
        <label for="{prefix}Culture">邮件语言 Email language</label><select id="{prefix}Culture" name="{prefix}Culture">
        <option value="zh-CN"{(culture != "en" ? " selected" : "")}>中文 zh-CN</option><option value="en"{(culture == "en" ? " selected" : "")}>English en</option></select>
        {FieldErrors(errors, prefix + ".culture")}{FieldErrors(errors, prefix)}
        </fieldset>
        """;

    // ---- users ---------------------------------------------------------------------------------------------------

    private static async Task<IResult> Users(
        HttpContext http, IAntiforgery antiforgery, UserManager<LiaisonUser> users, string? created, CancellationToken ct)
    {
        var notice = string.IsNullOrEmpty(created) ? "" : $"<p class=\"ok\" role=\"status\">已创建账号 {E(created)}。<span class=\"muted\">The account was created.</span></p>";
        return await UsersPageAsync(http, antiforgery, users, new CreateUserRequest("", "", "", Roles.Officer), NoErrors, null, notice, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> CreateUser(
        IFormCollection form, HttpContext http, IAntiforgery antiforgery, UserManager<LiaisonUser> users, CancellationToken ct)
    {
        var request = new CreateUserRequest(form["email"].ToString(), form["displayName"].ToString(), form["password"].ToString(), form["role"].ToString());
        var result = await AuthApi.CreateUser(request, users);
        return result.Result switch
        {
            Created<UserDto> { Value: { } user } => Results.Redirect("/admin/users?created=" + Uri.EscapeDataString(user.Email)),
            ValidationProblem invalid => await UsersPageAsync(http, antiforgery, users, request, invalid.ProblemDetails.Errors, null, "", StatusCodes.Status400BadRequest, ct),
            ProblemHttpResult problem => await UsersPageAsync(http, antiforgery, users, request, NoErrors, problem.ProblemDetails.Detail, "", problem.StatusCode, ct),
            _ => throw new InvalidOperationException("Unexpected result from AuthApi.CreateUser"),
        };
    }

    private static async Task<IResult> UsersPageAsync(
        HttpContext http, IAntiforgery antiforgery, UserManager<LiaisonUser> users, CreateUserRequest f,
        IDictionary<string, string[]> errors, string? problem, string notice, int status, CancellationToken ct)
    {
        var all = (await AuthApi.ListUsers(users, ct)).Value!;
        var tokens = antiforgery.GetAndStoreTokens(http);
        var sb = new StringBuilder(notice);
        sb.Append("<div class=\"card\" style=\"overflow-x:auto\"><h1 style=\"font-size:1.35rem;margin-top:0\">账号 <span class=\"muted\">Officers and admins</span></h1>");
        sb.Append("<table><thead><tr><th>邮箱 Email</th><th>姓名 Name</th><th>角色 Role</th></tr></thead><tbody>");
        foreach (var u in all)
        {
            var roles = string.Join("、", u.Roles.Select(r => r == Roles.Admin ? "管理员 Admin" : r == Roles.Officer ? "工作人员 Officer" : r));
            sb.Append($"<tr data-email=\"{E(u.Email)}\"><td>{E(u.Email)}</td><td>{E(u.DisplayName)}</td><td>{E(roles)}</td></tr>");
        }

        sb.Append("</tbody></table></div>");
        var role = string.IsNullOrWhiteSpace(f.Role) ? Roles.Officer : f.Role.Trim();
        sb.Append($"""
            <div class="card"><h2 style="font-size:1.05rem;margin-top:0">新建账号 <span class="muted">New account</span></h2>
            {(errors.Count > 0 || problem is not null ? $"<p class=\"error\" role=\"alert\">未创建，请修改标出的内容。{E(problem)}<br><span class=\"muted\">No account was created.</span></p>" : "")}
            <form method="post" action="/admin/users">
            <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            {Input("email", "email", "邮箱 Email *", f.Email ?? "", errors, "email", " type=\"email\" maxlength=\"254\" required autocomplete=\"off\"")}
            {Input("displayName", "displayName", "姓名 Display name *", f.DisplayName ?? "", errors, "displayName", " maxlength=\"100\" required")}
            {Input("password", "password", "初始密码 Initial password *", "", errors, "password", " type=\"password\" maxlength=\"200\" required autocomplete=\"new-password\"")}
            <label for="role">角色 Role</label><select id="role" name="role">
            <option value="{Roles.Officer}"{(role == Roles.Officer ? " selected" : "")}>工作人员 Officer</option>
            <option value="{Roles.Admin}"{(role == Roles.Admin ? " selected" : "")}>管理员 Admin</option></select>
            {FieldErrors(errors, "role")}
            <button type="submit">创建 Create</button>
            </form></div>
            """);
        return CasePages.OfficerPage(http, antiforgery, "账号 Users", sb.ToString(), status);
    }

    // ---- calendar ------------------------------------------------------------------------------------------------

    private static async Task<IResult> CalendarPage(
        HttpContext http, IAntiforgery antiforgery, CalendarService calendars, LiaisonDbContext db, string? saved, string? recomputed, CancellationToken ct)
    {
        var notice = "";
        if (int.TryParse(saved, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(recomputed, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            notice = $"<p class=\"ok card\" role=\"status\">已保存 {year} 年安排，重算了 {count} 件暂定期限的事项。<span class=\"muted\">The {year} schedule was saved; {count} case(s) with provisional deadlines were recomputed.</span></p>";
        }

        return await CalendarPageAsync(http, antiforgery, calendars, db, "", [], notice, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> PutCalendar(
        IFormCollection form, HttpContext http, IAntiforgery antiforgery, ClaimsPrincipal user, LiaisonDbContext db, CalendarService calendars,
        DeadlineRecalculation recalculation, TimeProvider clock, CancellationToken ct)
    {
        var json = form["json"].ToString();
        if (!YearSchedule.TryParse(json, out var schedule, out var errors))
        {
            return await CalendarPageAsync(http, antiforgery, calendars, db, json, errors, "", StatusCodes.Status400BadRequest, ct);
        }

        var count = await CalendarYearStore.SaveAsync(schedule, user.Identity?.Name, db, calendars, recalculation, clock, ct);
        return Results.Redirect($"/admin/calendar?saved={schedule.Year}&recomputed={count}");
    }

    private static async Task<IResult> CalendarPageAsync(
        HttpContext http, IAntiforgery antiforgery, CalendarService calendars, LiaisonDbContext db, string json,
        IReadOnlyList<string> errors, string notice, int status, CancellationToken ct)
    {
        var years = (await CalendarApi.Years(calendars, db, ct)).Value!;
        var tokens = antiforgery.GetAndStoreTokens(http);
        var sb = new StringBuilder(notice);
        sb.Append("<div class=\"card\" style=\"overflow-x:auto\"><h1 style=\"font-size:1.35rem;margin-top:0\">工作日历 <span class=\"muted\">Working-day calendar</span></h1>");
        sb.Append("<p class=\"muted\">未加载安排的年份按周一至周五计算，期限标为“暂定”。Years without a schedule count Monday–Friday and their deadlines are provisional.</p>");
        sb.Append("<table><thead><tr><th>年份 Year</th><th>版本 Version</th><th>来源 Source</th><th>来自 Origin</th><th>假日 / 调休上班 Holidays / make-up days</th></tr></thead><tbody>");
        foreach (var y in years.OrderBy(y => y.Year))
        {
            var origin = y.Origin == "admin" ? "管理员 admin" : "内置 shipped";
            sb.Append($"""
                <tr data-year="{y.Year}"><td>{y.Year}</td><td>{E(y.Version)}</td><td>{E(y.Source)}</td><td>{origin}</td><td>{y.Holidays} / {y.Workdays}</td></tr>
                """);
        }

        sb.Append("</tbody></table></div>");
        var errorList = errors.Count == 0
            ? ""
            : "<div class=\"error\" role=\"alert\"><p>未保存，安排有误。<span class=\"muted\">Nothing was saved; the schedule has errors:</span></p><ul>"
              + string.Concat(errors.Select(e => $"<li class=\"field-error\" data-field=\"schedule\">{E(e)}</li>")) + "</ul></div>";
        sb.Append($$"""
            <div class="card"><h2 style="font-size:1.05rem;margin-top:0">添加或替换一年的安排 <span class="muted">Add or replace a year's schedule</span></h2>
            <p class="muted">粘贴国务院办公厅节假日安排通知对应的 JSON；已有的年份将被替换，该年暂定期限的在办事项会重新计算。
            Paste the year's JSON; an existing year is replaced and open cases with provisional deadlines in that year are recomputed.</p>
            <pre class="muted" style="white-space:pre-wrap">{ "year": 2027, "version": "cn-2027-v1", "source": "国务院办公厅关于2027年部分节假日安排的通知",
              "holidays": [ { "name": "New Year's Day", "nameZh": "元旦", "days": ["2027-01-01"] } ],
              "workdays": [] }</pre>
            {{errorList}}
            <form method="post" action="/admin/calendar">
            <input type="hidden" name="{{E(tokens.FormFieldName)}}" value="{{E(tokens.RequestToken)}}">
            <label for="json">年度安排 JSON Schedule JSON *</label>
            <textarea id="json" name="json" rows="14" required style="font-family:monospace">{{E(json)}}</textarea>
            <button type="submit">保存 Save</button>
            </form></div>
            """);
        return CasePages.OfficerPage(http, antiforgery, "工作日历 Calendar", sb.ToString(), status);
    }

    // ---- shared --------------------------------------------------------------------------------------------------

    private static string Input(string id, string name, string label, string value, IDictionary<string, string[]> errors, string errorKey, string attributes = "")
    {
        var type = attributes.Contains("type=", StringComparison.Ordinal) ? "" : " type=\"text\"";
        return $"<label for=\"{id}\">{E(label)}</label><input id=\"{id}\" name=\"{name}\"{type}{attributes} value=\"{E(value)}\">{FieldErrors(errors, errorKey)}";
    }

    private static string FieldErrors(IDictionary<string, string[]> errors, string key) =>
        errors.TryGetValue(key, out var messages)
            ? string.Concat(messages.Select(m => $"<p class=\"field-error\" data-field=\"{E(key)}\">{E(m)}</p>"))
            : "";

    private static IResult NotFoundPage(HttpContext http, IAntiforgery antiforgery, string message) =>
        CasePages.OfficerPage(http, antiforgery, "未找到 Not found", $"""
            <div class="card"><h1 style="font-size:1.25rem;margin-top:0">未找到 <span class="muted">Not found</span></h1>
            <p>{E(message)}</p><p><a href="/admin/departments">返回部门列表 Back to the departments</a></p></div>
            """, StatusCodes.Status404NotFound);

    private static string DepartmentUrl(string code) => "/admin/departments/" + Uri.EscapeDataString(code);
}
