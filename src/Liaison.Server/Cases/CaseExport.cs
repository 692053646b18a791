using System.Globalization;
using System.Security.Claims;
using System.Text;
using Liaison.Cases.Cases;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Categories;
using Liaison.Server.Common;
using Liaison.Server.Departments;
using Liaison.Server.Http;
using Liaison.Server.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Cases;

/// <summary>
/// The case list as a CSV file, for the dispatch meeting (调度会) or a spreadsheet: the same filters as
/// <c>GET /api/cases</c> and the case list page, every matching case in the list's order (newest first unless sorted), read in one query so the file is
/// one moment's list. At most <see cref="CaseQueries.CountLimit"/> cases: a filter that matches more is refused (400)
/// rather than cut short, so a file never leaves cases out without saying so.
/// </summary>
public static class CaseExport
{
    public const string Path = "/api/cases/export.csv";

    private static readonly string[] Header =
    [
        "编号 Number", "事项 Title", "企业 Enterprise", "类别 Category", "紧急程度 Urgency", "主办部门 Lead department",
        "协办部门数 Co-handling departments", "经办人 Handler", "状态 Status", "签收期限 Accept by", "办结期限 Due",
        "期限暂定 Provisional", "超期 Overdue", "受理时间 Opened",
        // Added later, so at the end: a spreadsheet built on the earlier columns keeps working.
        "统一社会信用代码 Credit code", "园区工作人员 Officer", "重点企业 Key enterprise", "首席服务员 Chief service officer",
    ];

    /// <param name="status"><c>open</c> (every case not yet closed or cancelled, 在办) or one status.</param>
    /// <param name="departmentCode">The cases this department leads or co-handles (see <paramref name="role"/>).</param>
    /// <param name="role">With departmentCode: any (default: leads or co-handles), lead (主办 only) or co (协办 only).</param>
    /// <param name="enterpriseId">The cases of this enterprise register entry.</param>
    /// <param name="officer">The cases this officer is responsible for: <c>me</c>, or an account's email.</param>
    /// <param name="decision">true: only the cases waiting for an officer's decision; false: the others.</param>
    /// <param name="category">A category's code; <paramref name="priority"/> normal or urgent; <paramref name="openedFrom"/> and
    /// <paramref name="openedTo"/> local dates (yyyy-MM-dd), both included; <paramref name="key"/> key enterprises' cases only (or the others): as the list.</param>
    /// <param name="sort">The list's order (newest, due, updated), newest first by default.</param>
    /// <param name="involved">With departmentCode: every case the department was ever dispatched, as the list.</param>
    public static async Task<Results<FileContentHttpResult, ValidationProblem, BadRequestProblem>> ExportCsv(
        CaseQueries queries, DepartmentService departments, CategoryService categories, CalendarService calendars, TimeProvider clock,
        string? status, string? departmentCode, string? role, bool? overdue, string? q, long? enterpriseId, string? officer,
        ClaimsPrincipal user, UserManager<LiaisonUser> users, Ui ui, HttpResponse response, CancellationToken ct, bool? decision = null,
        string? category = null, string? priority = null, string? openedFrom = null, string? openedTo = null, bool? key = null, string? sort = null,
        bool? involved = null)
    {
        var read = await queries.ListAsync(status, departmentCode, overdue, q, page: 1, ct, role, enterpriseId, officer, users.GetUserId(user),
            pageSize: queries.CountLimit, decision: decision, more: new CaseListMore(category, priority, openedFrom, openedTo, key), sort: sort, involved: involved);
        if (read.Error is ServiceError.Invalid invalid)
        {
            return Problems.Invalid(invalid.Fields);
        }

        var list = read.Value!;
        if (!list.TotalIsExact)
        {
            return Problems.BadRequest(
                $"符合条件的事项超过 {queries.CountLimit:N0} 件，请缩小筛选范围后再导出",
                $"more than {queries.CountLimit:N0} cases match: narrow the filter to export them");
        }

        var names = (await departments.ListAsync(active: null, ct)).ToDictionary(d => d.Code, d => d.Name);
        // The values in the reader's language (the headers carry both).
        var categoryNames = (await categories.ListAsync(ct)).ToDictionary(c => c.Code, c => ui.English ? c.Name : c.NameZh);
        var officerIds = list.Items.Select(c => c.OfficerId).Distinct().ToList();
        var officers = await users.Users.Where(u => officerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName ?? u.Email ?? u.Id, ct);
        // A registered enterprise's chief service officer as the register has it now (as the case page shows), else as the case has it.
        var enterpriseIds = list.Items.Select(c => c.EnterpriseId).OfType<long>().Distinct().ToList();
        var chiefs = await queries.ChiefServiceOfficersAsync(enterpriseIds, ct);
        var zone = calendars.TimeZone;
        string Local(DateTimeOffset? at) => at is { } t ? TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";
        string YesNo(bool value) => ui.T(value ? "是" : "否", value ? "yes" : "no");

        var sb = new StringBuilder();
        Csv.AppendLine(sb, Header);
        foreach (var c in list.Items)
        {
            var chief = (c.EnterpriseId is { } entry ? chiefs.GetValueOrDefault(entry) : null) ?? c.KeyEnterprise.Chief;
            Csv.AppendLine(sb,
            [
                c.Number, c.Title, c.Enterprise, categoryNames.GetValueOrDefault(c.Category, c.Category), ui.T(CaseStatuses.Label(c.Priority).Capitalized()),
                names.GetValueOrDefault(c.Department, c.Department), c.CoHandlers.ToString(CultureInfo.InvariantCulture), c.Handler.Name,
                ui.T(CaseStatuses.Label(c.Status).Capitalized()), Local(c.AcceptBy), Local(c.DueAt), YesNo(c.Provisional), YesNo(c.Overdue), Local(c.CreatedAt),
                c.EnterpriseCreditCode, officers.GetValueOrDefault(c.OfficerId, c.OfficerId),
                YesNo(c.KeyEnterprise.IsKey), c.KeyEnterprise.IsKey ? chief ?? "" : "",
            ]);
        }

        response.Headers.CacheControl = "no-store";
        var today = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone);
        return TypedResults.File(Csv.Utf8WithBom(sb), "text/csv; charset=utf-8", $"cases-{today:yyyy-MM-dd}.csv");
    }
}
