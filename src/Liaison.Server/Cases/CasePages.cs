using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Sla;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Pages.Html;

namespace Liaison.Server.Cases;

/// <summary>
/// The officer's server-rendered pages: the case list, the new-case form (with its deadlines shown before sending) and
/// the case page with the decisions allowed now. They call the same <see cref="CaseService"/> and queries as the API.
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
        pages.MapGet("/{number}", Show);
        pages.MapPost("/{number}/{action}", Decide);
        return app;
    }

    private static readonly string[] OfficerActions =
        [CaseActions.Reassign, CaseActions.ExtensionDecision, CaseActions.Confirm, CaseActions.Reopen, CaseActions.Cancel];

    private static readonly Dictionary<string, (string Zh, string En)> Done = new()
    {
        ["opened"] = ("事项已受理并派单", "The case was opened and dispatched"),
        [CaseActions.Reassign] = ("已改派", "Reassigned"),
        [CaseActions.ExtensionDecision] = ("延期申请已审批", "The extension request was decided"),
        [CaseActions.Confirm] = ("已确认销号", "Confirmed and closed"),
        [CaseActions.Reopen] = ("已退回重办", "Reopened"),
        [CaseActions.Cancel] = ("事项已撤销", "Cancelled"),
    };

    /// <summary>Timeline event kinds in words, for the officer and liaison pages.</summary>
    internal static readonly Dictionary<string, (string Zh, string En)> EventKinds = new()
    {
        ["opened"] = ("受理", "opened"),
        ["dispatched"] = ("派单", "dispatched"),
        ["status"] = ("状态变更", "status"),
        ["escalated"] = ("督办", "escalated"),
        ["deadline-changed"] = ("期限变更", "deadline changed"),
        ["deadline-recomputed"] = ("期限重算", "deadline recomputed"),
        ["leader-reminder"] = ("领导提醒", "leader reminder"),
        [CaseActions.Accept] = ("签收", "accepted"),
        [CaseActions.Progress] = ("进展", "progress"),
        [CaseActions.Return] = ("退回", "returned"),
        [CaseActions.Extension] = ("申请延期", "extension requested"),
        [CaseActions.Resolve] = ("办结", "resolved"),
        ["reassigned"] = ("改派", "reassigned"),
        ["insisted"] = ("坚持原部门", "insisted"),
        ["confirmed"] = ("确认销号", "confirmed"),
        ["reopened"] = ("重办", "reopened"),
        ["extension-approved"] = ("批准延期", "extension approved"),
        ["extension-denied"] = ("不批准延期", "extension denied"),
        ["cancelled"] = ("撤销", "cancelled"),
        ["email"] = ("邮件", "email"),
    };

    private const string Css = """
        <style>
        nav.officer{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;align-items:center;margin:0 0 1rem}
        nav.officer a{color:#1a4f8b;text-decoration:none;font-weight:600}
        nav.officer form{margin:0 0 0 auto}nav.officer button{margin:0;padding:.35rem .8rem;font-size:.9rem;background:#616e7c}
        td.nowrap{white-space:nowrap}
        tr.overdue td{color:#b91c1c}tr.overdue td a{color:#b91c1c}
        .tag{display:inline-block;padding:0 .4rem;border-radius:.25rem;font-size:.8rem;background:#fde8e8;color:#b91c1c}
        .filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}.filters>div{flex:1 1 9rem}
        .filters button{margin:0}
        .field-error{color:#b91c1c;font-size:.9rem;margin:.2rem 0 0}
        .preview{background:#eef4fb;border-radius:.375rem;padding:.6rem;margin:.75rem 0 0}
        dl.facts{display:grid;grid-template-columns:11rem 1fr;gap:.3rem .75rem;margin:0}dl.facts dt{color:#616e7c}dl.facts dd{margin:0}
        input[type=checkbox]{width:auto}
        button.secondary{background:#616e7c}button.danger{background:#b91c1c}
        </style>
        """;

    /// <summary>Signed-in people start at their case list; everyone else at the sign-in form.</summary>
    private static IResult Home(ClaimsPrincipal user) =>
        Results.Redirect(user.Identity?.IsAuthenticated == true ? "/cases" : "/account/login");

    // ---- list ----------------------------------------------------------------------------------------------------

    private static async Task<IResult> List(
        HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, CalendarService calendars, TimeProvider clock,
        string? status, string? department, string? overdue, string? q, string? page, CancellationToken ct)
    {
        var departments = await db.Departments.AsNoTracking().OrderBy(d => d.Id).Select(d => new { d.Code, d.Name, d.Active }).ToListAsync(ct);
        var errors = new List<string>();
        status = status?.Trim();
        if (!string.IsNullOrEmpty(status) && !CaseStatuses.TryParse(status, out _))
        {
            errors.Add($"状态筛选无效：{status} / Unknown status filter '{status}'");
        }

        bool? overdueFilter = null;
        switch (overdue?.Trim())
        {
            case null or "":
                break;
            case "true" or "1" or "on":
                overdueFilter = true;
                break;
            case "false" or "0":
                overdueFilter = false;
                break;
            default:
                errors.Add("超期筛选只能是 true 或 false / overdue must be true or false");
                break;
        }

        q = q?.Trim();
        if (q is { Length: > 100 })
        {
            errors.Add("搜索词不能超过 100 个字符 / The search text must be at most 100 characters");
        }

        var pageNumber = 1;
        if (!string.IsNullOrWhiteSpace(page) && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out pageNumber) || pageNumber < 1 || pageNumber > 100_000))
        {
            errors.Add($"页码无效：{page} / Page must be a whole number from 1");
            pageNumber = 1;
        }

        department = department?.Trim();
        var sb = new StringBuilder();
        sb.Append("<div class=\"card\"><h1 style=\"font-size:1.35rem;margin-top:0\">事项列表 <span class=\"muted\">Cases</span></h1>");
        sb.Append("<form method=\"get\" action=\"/cases\" class=\"filters\">");
        sb.Append("<div><label for=\"f-status\">状态 Status</label><select id=\"f-status\" name=\"status\"><option value=\"\">全部 All</option>");
        foreach (var s in Enum.GetValues<CaseStatus>())
        {
            var name = CaseStatuses.Name(s);
            var label = CaseActions.StatusLabel(s);
            sb.Append($"<option value=\"{E(name)}\"{Selected(string.Equals(name, status, StringComparison.OrdinalIgnoreCase))}>{E(label.Zh)} {E(label.En)}</option>");
        }

        sb.Append("</select></div>");
        sb.Append("<div><label for=\"f-department\">部门 Department</label><select id=\"f-department\" name=\"department\"><option value=\"\">全部 All</option>");
        foreach (var d in departments)
        {
            sb.Append($"<option value=\"{E(d.Code)}\"{Selected(d.Code == department)}>{E(d.Name)}{(d.Active ? "" : "（停用）")}</option>");
        }

        sb.Append("</select></div>");
        sb.Append($"""
            <div><label for="f-overdue">超期 Overdue</label><select id="f-overdue" name="overdue">
            <option value="">全部 All</option><option value="true"{Selected(overdueFilter == true)}>仅超期 Overdue only</option>
            <option value="false"{Selected(overdueFilter == false)}>未超期 Not overdue</option></select></div>
            <div><label for="f-q">搜索 Search</label><input id="f-q" name="q" type="search" maxlength="100" value="{E(q)}" placeholder="编号、标题、企业 Number, title, enterprise"></div>
            <div style="flex:0 0 auto"><button type="submit">筛选 Filter</button></div>
            </form>
            """);

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                sb.Append($"<p class=\"error\">{E(error)}</p>");
            }

            sb.Append("<p><a href=\"/cases\">清除筛选 Clear filters</a></p></div>");
            return OfficerPage(http, antiforgery, "事项列表 Cases", sb.ToString(), StatusCodes.Status400BadRequest);
        }

        var result = await CasesApi.List(db, clock, status, department, overdueFilter, q, pageNumber, ct);
        if (result.Result is not Ok<CasePage> { Value: { } list })
        {
            var detail = (result.Result as ProblemHttpResult)?.ProblemDetails.Detail ?? "请求无效 / Bad request";
            sb.Append($"<p class=\"error\">{E(detail)}</p></div>");
            return OfficerPage(http, antiforgery, "事项列表 Cases", sb.ToString(), StatusCodes.Status400BadRequest);
        }

        sb.Append("</div>");
        var names = departments.ToDictionary(d => d.Code, d => d.Name);
        var tz = calendars.TimeZone;
        sb.Append("<div class=\"card\" style=\"overflow-x:auto\">");
        sb.Append($"<p class=\"muted\" style=\"margin-top:0\">共 {list.Total} 件 · {list.Total} cases</p>");
        if (list.Items.Count == 0)
        {
            sb.Append(list.Total == 0
                ? "<p>没有符合条件的事项。<span class=\"muted\">No cases match.</span></p>"
                : "<p>此页没有事项。<span class=\"muted\">No cases on this page.</span></p>");
        }
        else
        {
            sb.Append("""
                <table><thead><tr><th>编号 Number</th><th>事项 Title</th><th>企业 Enterprise</th><th>责任部门 Department</th>
                <th>状态 Status</th><th>办结期限 Due</th></tr></thead><tbody>
                """);
            foreach (var c in list.Items)
            {
                var label = CaseActions.StatusLabel(c.Status);
                var due = When(c.DueAt, tz) + (c.Provisional ? " <span class=\"muted\">暂定</span>" : "");
                var overdueTag = c.Overdue ? " <span class=\"tag\">超期 overdue</span>" : "";
                sb.Append($"""
                    <tr{(c.Overdue ? " class=\"overdue\"" : "")}><td class="nowrap"><a href="{E(CaseUrl(c.Number))}">{E(c.Number)}</a></td>
                    <td>{E(c.Title)}{(c.Priority == CasePriority.Urgent ? " <span class=\"tag\">紧急</span>" : "")}</td><td>{E(c.Enterprise)}</td>
                    <td>{E(names.GetValueOrDefault(c.Department, c.Department))}</td><td>{E(label.Zh)}</td>
                    <td class="nowrap">{due}{overdueTag}</td></tr>
                    """);
            }

            sb.Append("</tbody></table>");
        }

        var pages = Math.Max(1, (list.Total + list.PageSize - 1) / list.PageSize);
        if (pages > 1 || list.Page > 1)
        {
            string PageLink(int p) => "/cases?" + string.Join("&", new[]
            {
                ("status", status), ("department", department), ("overdue", overdueFilter?.ToString().ToLowerInvariant()), ("q", q), ("page", p.ToString(CultureInfo.InvariantCulture)),
            }.Where(x => !string.IsNullOrEmpty(x.Item2)).Select(x => $"{x.Item1}={Uri.EscapeDataString(x.Item2!)}"));

            sb.Append("<p class=\"pager\">");
            if (list.Page > 1)
            {
                sb.Append($"<a href=\"{E(PageLink(Math.Min(list.Page - 1, pages)))}\">« 上一页 Previous</a> ");
            }

            sb.Append($"<span class=\"muted\">第 {list.Page} / {pages} 页 Page {list.Page} of {pages}</span>");
            if (list.Page < pages)
            {
                sb.Append($" <a href=\"{E(PageLink(list.Page + 1))}\">下一页 Next »</a>");
            }

            sb.Append("</p>");
        }

        sb.Append("</div>");
        return OfficerPage(http, antiforgery, "事项列表 Cases", sb.ToString());
    }

    // ---- new case ------------------------------------------------------------------------------------------------

    /// <summary>What the officer typed into the new-case form, kept when it is shown again with errors.</summary>
    private sealed record NewCaseInput(
        string Title, string Description, string Category, string Priority, string DepartmentCode,
        string EnterpriseName, string CreditCode, string Contact, bool IsKey, string ChiefServiceOfficer)
    {
        public static readonly NewCaseInput Empty = new("", "", CaseCategories.Defaults[0].Code, "normal", "", "", "", "", false, "");

        public static NewCaseInput From(IFormCollection f) => new(
            f["title"].ToString(), f["description"].ToString(), f["category"].ToString(), f["priority"].ToString(),
            f["departmentCode"].ToString(), f["enterpriseName"].ToString(), f["creditCode"].ToString(), f["contact"].ToString(),
            f["isKey"].ToString() is "on" or "true", f["chiefServiceOfficer"].ToString());
    }

    private static async Task<IResult> NewForm(HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, CalendarService calendars, TimeProvider clock, CancellationToken ct) =>
        OfficerPage(http, antiforgery, "新建事项 New case", await NewCaseFormAsync(http, antiforgery, db, calendars, clock, NewCaseInput.Empty, null, ct));

    private static async Task<IResult> Create(
        IFormCollection form, HttpContext http, IAntiforgery antiforgery, ClaimsPrincipal user, UserManager<LiaisonUser> users,
        CaseService cases, LiaisonDbContext db, CalendarService calendars, TimeProvider clock, CancellationToken ct)
    {
        var input = NewCaseInput.From(form);
        IDictionary<string, string[]> errors;
        if (input.ChiefServiceOfficer.Trim().Length > 100)
        {
            errors = new Dictionary<string, string[]> { ["enterprise.chiefServiceOfficer"] = ["不能超过 100 个字符 / must be at most 100 characters"] };
        }
        else
        {
            var (c, validation) = await cases.OpenAsync(users.GetUserId(user)!, new CaseService.OpenCase(
                input.Title, input.Description, input.Category, input.Priority, input.DepartmentCode,
                new CaseService.EnterpriseInput(input.EnterpriseName, input.CreditCode, NullIfBlank(input.Contact), input.IsKey, NullIfBlank(input.ChiefServiceOfficer)),
                Guid.TryParse(form["requestId"], out var requestId) ? requestId : null), ct);
            if (c is not null)
            {
                return Results.Redirect(CaseUrl(c.Number) + "?done=opened");
            }

            errors = validation.ToDictionary();
        }

        return OfficerPage(http, antiforgery, "新建事项 New case",
            await NewCaseFormAsync(http, antiforgery, db, calendars, clock, input, errors, ct), StatusCodes.Status400BadRequest);
    }

    private static async Task<string> NewCaseFormAsync(
        HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, CalendarService calendars, TimeProvider clock,
        NewCaseInput input, IDictionary<string, string[]>? errors, CancellationToken ct)
    {
        errors ??= new Dictionary<string, string[]>();
        var shown = new HashSet<string>();
        string ErrorFor(params string[] fields)
        {
            var sb = new StringBuilder();
            foreach (var field in fields)
            {
                shown.Add(field);
                foreach (var message in errors.TryGetValue(field, out var m) ? m : [])
                {
                    sb.Append($"<p class=\"field-error\" data-field=\"{E(field)}\">{E(message)}</p>");
                }
            }

            return sb.ToString();
        }

        var departments = await db.Departments.AsNoTracking().Where(d => d.Active).OrderBy(d => d.Id).Select(d => new { d.Code, d.Name }).ToListAsync(ct);
        var tokens = antiforgery.GetAndStoreTokens(http);
        var calendar = await calendars.GetAsync(ct);
        var now = clock.GetUtcNow();
        var category = CaseCategories.FindDefault(input.Category) ?? CaseCategories.Defaults[0];
        var urgent = string.Equals(input.Priority.Trim(), "urgent", StringComparison.OrdinalIgnoreCase);
        var preview = DuePreview(calendar, now, category, urgent ? CasePriority.Urgent : CasePriority.Normal);

        var categoryOptions = string.Concat(CaseCategories.Defaults.Select(c => $"""
            <option value="{E(c.Code)}" data-accept="{c.Sla.AcceptWithinWorkingDays}" data-resolve="{c.Sla.ResolveWithinWorkingDays}"{Selected(c.Code == category.Code)}>{E(c.NameZh)}（签收 {c.Sla.AcceptWithinWorkingDays} / 办结 {c.Sla.ResolveWithinWorkingDays} 个工作日{(c.Sla.ProgressReportEveryWorkingDays is { } every ? $"，每 {every} 个工作日报进展" : "")}） {E(c.Name)}</option>
            """));
        var departmentOptions = string.Concat(departments.Select(d => $"<option value=\"{E(d.Code)}\"{Selected(d.Code == input.DepartmentCode.Trim())}>{E(d.Name)}</option>"));
        var top = errors.Count == 0 ? "" : "<p class=\"error\" id=\"form-errors\">请更正下列标出的内容。Please correct the fields marked below.</p>";

        var fields = $"""
            <label for="title">事项标题 Title *</label>
            <input id="title" name="title" maxlength="200" required value="{E(input.Title)}">{ErrorFor("title")}
            <label for="description">诉求内容 Description *</label>
            <textarea id="description" name="description" rows="5" maxlength="4000" required>{E(input.Description)}</textarea>{ErrorFor("description")}
            <label for="category">类别 Category *</label>
            <select id="category" name="category" required>{categoryOptions}</select>{ErrorFor("category")}
            <label for="priority">优先级 Priority</label>
            <select id="priority" name="priority"><option value="normal"{Selected(!urgent)}>普通 Normal</option><option value="urgent"{Selected(urgent)}>紧急 Urgent（办结时限减半）</option></select>{ErrorFor("priority")}
            <div class="preview" id="due-preview" data-now="{now.ToUnixTimeMilliseconds()}" data-tz="{E(calendars.TimeZone.Id)}">{preview}</div>
            <label for="departmentCode">责任部门 Department *</label>
            <select id="departmentCode" name="departmentCode" required><option value="">请选择 Choose…</option>{departmentOptions}</select>{ErrorFor("departmentCode")}
            <h2 style="font-size:1.05rem;margin:1.25rem 0 0">企业 Enterprise</h2>
            {ErrorFor("enterprise")}
            <label for="enterpriseName">企业名称 Name *</label>
            <input id="enterpriseName" name="enterpriseName" maxlength="200" required value="{E(input.EnterpriseName)}">{ErrorFor("enterprise.name")}
            <label for="creditCode">统一社会信用代码 Unified social credit code *</label>
            <input id="creditCode" name="creditCode" maxlength="18" required autocomplete="off" style="font-family:monospace" value="{E(input.CreditCode)}">{ErrorFor("enterprise.creditCode")}
            <label for="contact">联系人及电话 Contact</label>
            <input id="contact" name="contact" maxlength="200" value="{E(input.Contact)}">{ErrorFor("enterprise.contact")}
            <label style="display:flex;gap:.5rem;align-items:center;margin-top:.75rem"><input type="checkbox" name="isKey" value="true"{(input.IsKey ? " checked" : "")}> 重点企业 Key enterprise</label>
            <label for="chiefServiceOfficer">首席服务员 Chief service officer</label>
            <input id="chiefServiceOfficer" name="chiefServiceOfficer" maxlength="100" value="{E(input.ChiefServiceOfficer)}">{ErrorFor("enterprise.chiefServiceOfficer")}
            """;

        // Errors keyed to no field on the form (e.g. the workflow could not dispatch) go at the top.
        var other = string.Concat(errors.Where(e => !shown.Contains(e.Key)).SelectMany(e => e.Value.Select(m => $"<p class=\"error\">{E(m)}</p>")));
        return $$"""
            <div class="card">
            <h1 style="font-size:1.35rem;margin-top:0">新建事项 <span class="muted">New case</span></h1>
            {{top}}{{other}}
            <form method="post" action="/cases/new" id="new-case" onsubmit="this.querySelector('button[type=submit]').disabled=true">
            <input type="hidden" name="{{E(tokens.FormFieldName)}}" value="{{E(tokens.RequestToken)}}">
            <input type="hidden" name="requestId" value="{{Guid.NewGuid()}}">
            {{fields}}
            <button type="submit">受理并派单 Open and dispatch</button>
            </form>
            </div>
            <script>
            (function () {
              var box = document.getElementById('due-preview'), cat = document.getElementById('category'), pri = document.getElementById('priority');
              var serverNow = Number(box.dataset.now), loaded = Date.now(), tz = box.dataset.tz;
              // "now" is the server's clock moved on by the time this page has been open, as local time in the zone.
              function nowLocal() {
                var parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
                  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(serverNow + Date.now() - loaded));
                var p = {}; parts.forEach(function (x) { p[x.type] = x.value; });
                return p.year + '-' + p.month + '-' + p.day + 'T' + p.hour + ':' + p.minute + ':' + p.second;
              }
              function due(days) {
                return fetch('/api/calendar/due?from=' + encodeURIComponent(nowLocal()) + '&workingDays=' + days, { credentials: 'same-origin' })
                  .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
              }
              function show(d) { return d.due.substring(0, 10) + ' ' + d.due.substring(11, 16) + (d.provisional ? '（暂定 provisional）' : ''); }
              // Answers can arrive out of order when the officer changes two fields quickly: only the latest request may paint.
              var latest = 0;
              function update() {
                var o = cat.options[cat.selectedIndex], accept = Number(o.dataset.accept), resolve = Number(o.dataset.resolve);
                if (pri.value === 'urgent') resolve = Math.ceil(resolve / 2);
                var mine = ++latest;
                Promise.all([due(accept), due(resolve)]).then(function (r) {
                  if (mine !== latest) return;
                  box.innerHTML = '';
                  var line = document.createElement('strong');
                  line.textContent = '签收期限 ' + show(r[0]) + ' / 办结期限 ' + show(r[1]);
                  var note = document.createElement('div');
                  note.className = 'muted';
                  note.textContent = 'Accept by / resolve by, if sent now (' + accept + ' / ' + resolve + ' working days)';
                  box.appendChild(line); box.appendChild(note);
                }).catch(function () { box.querySelector('.muted') && (box.querySelector('.muted').textContent = '期限暂时无法计算 / Could not compute the deadlines'); });
              }
              cat.addEventListener('change', update); pri.addEventListener('change', update);
            })();
            </script>
            """;
    }

    /// <summary>The deadlines a case of this category and priority would get if sent now (as the Dispatch activity computes them by default).</summary>
    private static string DuePreview(WorkingCalendar calendar, DateTimeOffset now, CaseCategory category, CasePriority priority)
    {
        var deadlines = SlaDeadlines.AtDispatch(calendar, now, category, priority);
        string Show(Deadline d) => E(TimeZoneInfo.ConvertTime(d.Due, calendar.TimeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
            + (d.Provisional ? "（暂定 provisional）" : "");
        return $"""
            <strong>签收期限 {Show(deadlines.AcceptBy)} / 办结期限 {Show(deadlines.DueAt)}</strong>
            <div class="muted">Accept by / resolve by, if sent now ({deadlines.AcceptBy.WorkingDays} / {deadlines.DueAt.WorkingDays} working days)</div>
            """;
    }

    // ---- one case ------------------------------------------------------------------------------------------------

    private static async Task<IResult> Show(
        string number, string? done, HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, CalendarService calendars, TimeProvider clock, CancellationToken ct)
    {
        var flash = done is not null && Done.TryGetValue(done, out var d) ? $"<div class=\"card ok\" role=\"status\">✓ {E(d.Zh)} <span class=\"muted\">{E(d.En)}</span></div>" : "";
        return await CasePageAsync(number, http, antiforgery, db, calendars, clock, flash, StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> Decide(
        string number, string action, HttpContext http, IAntiforgery antiforgery, ClaimsPrincipal user, CaseService cases,
        LiaisonDbContext db, CalendarService calendars, TimeProvider clock,
        [FromForm] string? note, [FromForm] string? departmentCode, [FromForm] string? approve, CancellationToken ct)
    {
        if (!OfficerActions.Contains(action))
        {
            return NotFoundPage(http, antiforgery, $"没有这个操作：{action} / No such action '{action}'");
        }

        bool? approved = approve?.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => null };
        var result = await cases.DecideAsync(number, action, user.Identity?.Name ?? "officer", new CaseService.OfficerDecision(note, departmentCode, approved), ct);
        if (result.Error is { } error)
        {
            var message = $"<div class=\"card\" role=\"alert\"><p class=\"error\">未执行，事项没有变化。{E(error.Message)}<br><span class=\"muted\">Nothing was changed.</span></p></div>";
            return await CasePageAsync(number, http, antiforgery, db, calendars, clock, message, error.Status, ct);
        }

        // Post/Redirect/Get: reloading shows the case, it does not post again.
        return Results.Redirect(CaseUrl(number) + "?done=" + Uri.EscapeDataString(action));
    }

    private static async Task<IResult> CasePageAsync(
        string number, HttpContext http, IAntiforgery antiforgery, LiaisonDbContext db, CalendarService calendars, TimeProvider clock,
        string before, int status, CancellationToken ct)
    {
        var c = await CaseDto.LoadAsync(db, number, clock.GetUtcNow(), ct);
        if (c is null)
        {
            return NotFoundPage(http, antiforgery, $"没有编号为 {number} 的事项 / No case numbered '{number}'");
        }

        var tz = calendars.TimeZone;
        var bases = await db.Cases.AsNoTracking().Where(x => x.Number == number).Select(x => new { x.AcceptByBasis, x.DueAtBasis }).FirstAsync(ct);
        var departments = await db.Departments.AsNoTracking().Where(x => x.Active).OrderBy(x => x.Id).Select(x => new { x.Code, x.Name }).ToListAsync(ct);
        var actorIds = c.Timeline.Select(e => e.Actor).Distinct().ToList();
        // Actors are officers' emails (older entries: user ids), liaisons' emails, "workflow" or "system"; officers are shown by name.
        var users = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id) || actorIds.Contains(u.Email!))
            .Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        var people = new Dictionary<string, string>();
        foreach (var u in users)
        {
            var shownAs = string.IsNullOrEmpty(u.DisplayName) ? u.Email ?? u.Id : $"{u.DisplayName}（{u.Email}）";
            people[u.Id] = shownAs;
            if (u.Email is not null)
            {
                people[u.Email] = shownAs;
            }
        }

        var label = CaseActions.StatusLabel(c.Status);
        var category = CaseCategories.FindDefault(c.Category);
        var provisional = c.Provisional ? " <span class=\"muted\">（暂定 provisional）</span>" : "";
        var extended = c.OriginalDueAt is { } original && original != c.DueAt
            ? $"<dt>原办结期限 Original due</dt><dd>{E(When(original, tz))}</dd>" : "";
        var e = c.Enterprise;

        var sb = new StringBuilder(before);
        sb.Append($"""
            <div class="card">
            <p class="muted" style="margin-top:0">{E(c.Number)}</p>
            <h1 style="font-size:1.35rem;margin:.25rem 0 .75rem">{E(c.Title)}</h1>
            <p><strong>{E(label.Zh)}</strong> <span class="muted">{E(label.En)}</span>{(c.Overdue ? " <span class=\"tag\">超期 overdue</span>" : "")}{(c.Priority == CasePriority.Urgent ? " <span class=\"tag\">紧急 urgent</span>" : "")}</p>
            <dl class="facts">
            <dt>类别 Category</dt><dd>{E(category?.NameZh ?? c.Category)} <span class="muted">{E(category?.Name)}</span></dd>
            <dt>责任部门 Department</dt><dd>{E(c.DepartmentName ?? c.Department)}</dd>
            <dt>经办人 Handler</dt><dd>{E(c.Handler.Name)} <span class="muted">{E(c.Handler.Email)}</span></dd>
            {(c.Leader is { } leader ? $"<dt>分管领导 Leader</dt><dd>{E(leader.Name)} <span class=\"muted\">{E(leader.Email)}</span></dd>" : "")}
            <dt>受理时间 Opened</dt><dd>{E(When(c.CreatedAt, tz))}</dd>
            <dt>签收期限 Accept by</dt><dd>{E(When(c.AcceptBy, tz))}{provisional}{Basis(bases.AcceptByBasis, tz)}</dd>
            <dt>办结期限 Resolve by</dt><dd{(c.Overdue ? " class=\"error\"" : "")}>{E(When(c.DueAt, tz))}{provisional}{Basis(bases.DueAtBasis, tz)}</dd>
            {extended}
            <dt>退回 / 延期 / 重办</dt><dd>{c.Returns} / {c.Extensions} / {c.Reopenings} <span class="muted">returns / extensions / reopenings</span></dd>
            </dl>
            </div>
            <div class="card">
            <h2 style="font-size:1.05rem;margin-top:0">企业 Enterprise</h2>
            <dl class="facts">
            <dt>名称 Name</dt><dd>{E(e.Name)}{(e.IsKey ? " <span class=\"tag\">重点企业 key</span>" : "")}</dd>
            <dt>信用代码 Credit code</dt><dd style="font-family:monospace">{E(e.CreditCode)}</dd>
            <dt>联系人 Contact</dt><dd>{E(e.Contact ?? "—")}</dd>
            <dt>首席服务员 Chief service officer</dt><dd>{E(e.ChiefServiceOfficer ?? "—")}</dd>
            </dl>
            <h2 style="font-size:1.05rem">诉求内容 Description</h2>
            <p style="white-space:pre-wrap">{E(c.Description)}</p>
            </div>
            """);

        if (c.PendingExtension is { } pending)
        {
            sb.Append($"""
                <div class="card" style="border-left:4px solid #d97706">
                <h2 style="font-size:1.05rem;margin-top:0">延期申请 <span class="muted">Extension request</span></h2>
                <p>申请延期 <strong>{pending.Days}</strong> 个工作日 <span class="muted">{pending.Days} working days requested</span></p>
                <p style="white-space:pre-wrap">{E(pending.Reason)}</p>
                </div>
                """);
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        var allowed = OfficerActions.Where(c.AllowedActions.Contains).ToList();
        if (allowed.Count == 0)
        {
            sb.Append("<div class=\"card\"><p class=\"muted\" style=\"margin:0\">当前无需您决定。Nothing for you to decide now.</p></div>");
        }

        foreach (var action in allowed)
        {
            sb.Append(DecisionForm(c, action, tokens, departments.Select(x => (x.Code, x.Name)).ToList()));
        }

        sb.Append("<div class=\"card\"><h2 style=\"font-size:1.05rem;margin-top:0\">办理记录 <span class=\"muted\">Timeline</span></h2>");
        sb.Append("<table><thead><tr><th>时间 Time</th><th>操作人 Actor</th><th>事件 Event</th><th>说明 Note</th></tr></thead><tbody>");
        foreach (var ev in c.Timeline)
        {
            var kind = EventKinds.TryGetValue(ev.Kind, out var k) ? $"{E(k.Zh)} <span class=\"muted\">{E(k.En)}</span>" : E(ev.Kind);
            var actor = ev.Actor switch
            {
                CaseTimeline.System => "系统 system",
                "workflow" => "流程 workflow",
                _ => people.GetValueOrDefault(ev.Actor, ev.Actor),
            };
            sb.Append($"""
                <tr{(ev.Kind == "email" ? " class=\"muted\"" : "")}><td class="nowrap">{E(When(ev.At, tz))}</td><td>{E(actor)}</td><td>{kind}</td><td style="white-space:pre-wrap">{E(ev.Note)}</td></tr>
                """);
        }

        sb.Append("</tbody></table></div>");
        return OfficerPage(http, antiforgery, $"{c.Number} {c.Title}", sb.ToString(), status);
    }

    private static string DecisionForm(CaseDto c, string action, AntiforgeryTokenSet tokens, IReadOnlyList<(string Code, string Name)> departments)
    {
        var open = $"""
            <form method="post" action="{E(CaseUrl(c.Number))}/{E(action)}" data-action="{E(action)}"{(action == CaseActions.Cancel ? " onsubmit=\"return confirm('确定撤销此事项？所有联络链接将失效。Cancel this case? All its links stop working.')\"" : "")}>
            <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            """;
        string Note(string label, bool required) =>
            $"<label for=\"{action}-note\">{label}</label><textarea id=\"{action}-note\" name=\"note\" rows=\"2\" maxlength=\"2000\"{(required ? " required" : "")}></textarea>";

        var (title, body) = action switch
        {
            CaseActions.Reassign => c.Status == CaseStatus.Returned
                ? ("改派或坚持 Reassign or insist", ReturnedNote(c) + DepartmentSelect(c, departments, includeCurrent: true)
                    + "<p class=\"muted\">选择原部门即为坚持原派（计入该部门退回统计）。Choosing the same department insists on it (counted against it in the league table).</p>"
                    + Note("说明 Note", false) + "<button type=\"submit\">改派 Reassign</button>")
                : ("改派 Reassign", DepartmentSelect(c, departments, includeCurrent: false) + Note("说明 Note", false)
                    + "<button type=\"submit\">改派 Reassign</button>"),
            CaseActions.ExtensionDecision => ("延期审批 Extension decision", Note("意见 Note", false)
                + "<button type=\"submit\" name=\"approve\" value=\"true\">批准 Approve</button> "
                + "<button type=\"submit\" name=\"approve\" value=\"false\" class=\"secondary\">不批准 Deny</button>"),
            CaseActions.Confirm => ("确认销号 Confirm and close", "<p class=\"muted\">确认办结结果，事项销号。Confirm the resolution; the case closes.</p>"
                + Note("意见（可选）Note (optional)", false) + "<button type=\"submit\">确认销号 Confirm</button>"),
            CaseActions.Reopen => ("重办 Reopen", "<p class=\"muted\">办结结果不满意，退回部门重新办理。Send it back to the department to handle again.</p>"
                + Note("重办原因 Reason *", true) + "<button type=\"submit\" class=\"secondary\">重办 Reopen</button>"),
            _ => ("撤销 Cancel", "<p class=\"muted\">撤销后事项结束，所有联络链接失效。Cancelling ends the case; all its links stop working.</p>"
                + Note("撤销原因 Reason", false) + "<button type=\"submit\" class=\"danger\">撤销事项 Cancel case</button>"),
        };
        return $"<div class=\"card\"><h2 style=\"font-size:1.05rem;margin-top:0\">{title}</h2>{open}{body}</form></div>";
    }

    private static string ReturnedNote(CaseDto c)
    {
        var last = c.Timeline.LastOrDefault(e => e.Kind == CaseActions.Return);
        if (last is null)
        {
            return "";
        }

        var reason = last.Data is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("reasonCode", out var code) && code.ValueKind == JsonValueKind.String
            && CaseActions.ReturnReasons.TryGetValue(code.GetString()!, out var r) ? $"{r.Zh} / {r.En}" : "";
        return $"<p>部门退回 <span class=\"muted\">Returned by the department</span>：<strong>{E(reason)}</strong></p><p style=\"white-space:pre-wrap\">{E(last.Note)}</p>";
    }

    private static string DepartmentSelect(CaseDto c, IReadOnlyList<(string Code, string Name)> departments, bool includeCurrent)
    {
        var options = string.Concat(departments
            .Where(d => includeCurrent || d.Code != c.Department)
            .Select(d => $"<option value=\"{E(d.Code)}\">{E(d.Name)}{(d.Code == c.Department ? "（原部门，坚持 insist）" : "")}</option>"));
        return $"<label for=\"reassign-department\">改派至 To department</label><select id=\"reassign-department\" name=\"departmentCode\" required><option value=\"\">请选择 Choose…</option>{options}</select>";
    }

    // ---- shared --------------------------------------------------------------------------------------------------

    /// <summary>The layout with the officer's navigation on top.</summary>
    internal static IResult OfficerPage(HttpContext http, IAntiforgery antiforgery, string title, string body, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var admin = http.User.IsInRole(Roles.Admin) ? "<a href=\"/admin\">管理 <span class=\"muted\">Admin</span></a><a href=\"/admin/templates\">邮件模板 <span class=\"muted\">Templates</span></a><a href=\"/hangfire\">任务面板 <span class=\"muted\">Jobs</span></a>" : "";
        var nav = $"""
            {Css}
            <nav class="officer">
            <a href="/cases">事项列表 <span class="muted">Cases</span></a>
            <a href="/cases/new">新建事项 <span class="muted">New case</span></a>
            {admin}
            <form method="post" action="/account/logout"><input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            <span class="muted">{E(http.User.Identity?.Name)}</span> <button type="submit">退出 Sign out</button></form>
            </nav>
            """;
        return Page(title, nav + body, status);
    }

    private static IResult NotFoundPage(HttpContext http, IAntiforgery antiforgery, string message) =>
        OfficerPage(http, antiforgery, "未找到 Not found", $"""
            <div class="card"><h1 style="font-size:1.25rem;margin-top:0">未找到 <span class="muted">Not found</span></h1>
            <p>{E(message)}</p><p><a href="/cases">返回事项列表 Back to the cases</a></p></div>
            """, StatusCodes.Status404NotFound);

    /// <summary>"自 … 起 N 个工作日（日历 …）": how a deadline was computed, from its stored basis.</summary>
    private static string Basis(string? json, TimeZoneInfo tz)
    {
        if (json is null)
        {
            return "";
        }

        try
        {
            var d = JsonSerializer.Deserialize<Deadline>(json, JsonSerializerOptions.Web);
            return d is null ? "" : $"<br><span class=\"muted\">自 {E(When(d.Start, tz))} 起 {d.WorkingDays} 个工作日（{E(d.CalendarVersion)}）· {d.WorkingDays} working day(s) from the start</span>";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static string CaseUrl(string number) => "/cases/" + Uri.EscapeDataString(number);

    private static string When(DateTimeOffset? t, TimeZoneInfo tz) =>
        t is { } v ? TimeZoneInfo.ConvertTime(v, tz).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    private static string Selected(bool selected) => selected ? " selected" : "";

    private static string? NullIfBlank(string s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
