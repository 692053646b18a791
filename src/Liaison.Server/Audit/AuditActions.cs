using Liaison.Cases.Common;
using Liaison.Workflows.Definitions;

namespace Liaison.Server.Audit;

/// <summary>Every kind of change the log records, <c>area.verb</c>, with what the log page calls it.</summary>
public static class AuditActions
{
    public const string DepartmentCreated = "department.created";
    public const string DepartmentChanged = "department.changed";
    public const string CategoryChanged = "category.changed";
    public const string CalendarYearSaved = "calendar.year-saved";
    public const string TemplateSaved = "template.saved";
    public const string TemplateReset = "template.reset";
    public const string WorkflowDraftSaved = "workflow.draft-saved";
    public const string WorkflowDraftDiscarded = "workflow.draft-discarded";
    public const string WorkflowPublished = "workflow.published";
    public const string WorkflowImported = "workflow.imported";
    public const string AccountCreated = "account.created";
    public const string AccountChanged = "account.changed";
    public const string AccountSessionsEnded = "account.sessions-ended";
    public const string AccountPasswordChanged = "account.password-changed";
    public const string EnterpriseCreated = "enterprise.created";
    public const string EnterpriseChanged = "enterprise.changed";
    public const string EnterprisesImported = "enterprise.imported";
    public const string MailRetried = "mail.retried";

    /// <summary>The sample departments or key enterprises seeded into an empty database (subject <c>departments</c> or <c>enterprises</c>).</summary>
    public const string SamplesSeeded = "sample.seeded";

    private static readonly Dictionary<string, Text> Labels = new(StringComparer.Ordinal)
    {
        [DepartmentCreated] = new("新增部门", "Department added"),
        [DepartmentChanged] = new("修改部门", "Department changed"),
        [CategoryChanged] = new("修改事项类别", "Category changed"),
        [CalendarYearSaved] = new("保存节假日安排", "Holiday schedule saved"),
        [TemplateSaved] = new("修改邮件模板", "Email template changed"),
        [TemplateReset] = new("恢复默认邮件模板", "Email template reset"),
        [WorkflowDraftSaved] = new("保存流程草稿", "Workflow draft saved"),
        [WorkflowDraftDiscarded] = new("放弃流程草稿", "Workflow draft discarded"),
        [WorkflowPublished] = new("发布流程", "Workflow published"),
        [WorkflowImported] = new("导入内置流程", "Shipped workflow imported"),
        [AccountCreated] = new("新增账号", "Account added"),
        [AccountChanged] = new("修改账号", "Account changed"),
        [AccountSessionsEnded] = new("注销账号的全部登录", "Account's sessions ended"),
        [AccountPasswordChanged] = new("修改本人密码", "Own password changed"),
        [EnterpriseCreated] = new("新增企业", "Enterprise added"),
        [EnterpriseChanged] = new("修改企业", "Enterprise changed"),
        [EnterprisesImported] = new("导入企业名录", "Enterprise register imported"),
        [MailRetried] = new("重试失败邮件", "Failed mail retried"),
        [SamplesSeeded] = new("写入示例数据", "Sample data seeded"),
    };

    /// <summary>The areas a log reader filters by, in the admin page's order: the part of an action before the dot.</summary>
    public static readonly IReadOnlyList<(string Area, Text Label)> Areas =
    [
        ("department", new("部门与联络人", "Departments")),
        ("category", new("事项类别", "Categories")),
        ("calendar", new("工作日历", "Calendar")),
        ("template", new("邮件模板", "Email templates")),
        ("workflow", new("流程", "Workflows")),
        ("account", new("账号", "Accounts")),
        ("enterprise", new("企业名录", "Enterprises")),
        ("mail", new("邮件", "Mail")),
        ("sample", new("示例数据", "Sample data")),
    ];

    public static IEnumerable<string> All => Labels.Keys;

    /// <summary>The actions of <paramref name="area"/>; empty for an unknown area.</summary>
    public static List<string> Of(string area) => Labels.Keys.Where(a => a.StartsWith(area + ".", StringComparison.Ordinal)).ToList();

    public static Text Label(string action) => Labels.TryGetValue(action, out var label) ? label : new Text(action, action);

    private static readonly Dictionary<string, Text> Fields = new(StringComparer.Ordinal)
    {
        ["name"] = new("名称", "Name"),
        ["nameZh"] = new("中文名称", "Chinese name"),
        ["handler"] = new("经办联络人", "Handler"),
        ["leader"] = new("分管领导", "Leader"),
        ["active"] = new("在用", "Active"),
        ["acceptWithinWorkingDays"] = new("签收时限（工作日）", "Accept within (working days)"),
        ["resolveWithinWorkingDays"] = new("办结时限（工作日）", "Resolve within (working days)"),
        ["progressReportEveryWorkingDays"] = new("进展报告间隔（工作日）", "Progress report every (working days)"),
        ["coHandlerLeadWorkingDays"] = new("协办提前量（工作日）", "Co-handler lead (working days)"),
        ["version"] = new("版本", "Version"),
        ["published"] = new("发布", "Published"),
        ["shippedVersion"] = new("内置版本", "Shipped version"),
        ["definition"] = new("流程图", "Flowchart"),
        ["holidays"] = new("节假日天数", "Holidays"),
        ["workdays"] = new("调休上班天数", "Make-up working days"),
        ["subject"] = new("主题", "Subject"),
        ["html"] = new("HTML 正文", "HTML body"),
        ["text"] = new("纯文本正文", "Text body"),
        ["email"] = new("邮箱", "Email"),
        ["displayName"] = new("姓名", "Name"),
        ["role"] = new("角色", "Role"),
        ["culture"] = new("语言", "Language"),
        ["password"] = new("密码", "Password"),
        ["handOverTo"] = new("工作移交给", "Work handed over to"),
        ["casesMoved"] = new("移交事项数", "Cases handed over"),
        ["chiefOfMoved"] = new("移交首席服务企业数", "Chief service places handed over"),
        ["squadOfMoved"] = new("移交服务专班席位数", "Squad places handed over"),
        ["creditCode"] = new("统一社会信用代码", "Credit code"),
        ["industryChain"] = new("产业链", "Industry chain"),
        ["address"] = new("地址", "Address"),
        ["contacts"] = new("联系人", "Contacts"),
        ["isKey"] = new("重点企业", "Key enterprise"),
        ["chiefServiceOfficer"] = new("首席服务员", "Chief service officer"),
        ["serviceSquad"] = new("服务专班", "Service squad"),
        ["visitEveryDays"] = new("走访周期（天）", "Visit every (days)"),
        ["created"] = new("新增", "Added"),
        ["updated"] = new("更新", "Updated"),
        ["mails"] = new("邮件数", "Mails"),
        ["to"] = new("收件人", "To"),
        [AuditChanges.LayoutField] = new("布局（仅位置变动）", "Layout (positions only)"),
        [AuditChanges.MoreField] = new("其余变更（条）", "More changes"),
    };

    /// <summary>
    /// A stored value in the reader's words where its field names its values (yes/no, a role, a language, an industry
    /// chain: 医药食品, not MedicineFood); null when it is shown as stored. The log page and its CSV export both use it.
    /// </summary>
    public static Text? ValueLabel(string field, string value) => (field, value) switch
    {
        (_, "true") => new Text("是", "yes"),
        (_, "false") => new Text("否", "no"),
        ("role", Liaison.Server.Auth.Roles.Admin or Liaison.Server.Auth.Roles.Officer) => Liaison.Server.Auth.Roles.Label(value),
        ("culture", _) when Cultures.Normalize(value) is { } culture => new Text(Cultures.Label(culture), Cultures.Label(culture)),
        ("industryChain", _) when Enum.TryParse<Liaison.Cases.Enterprises.IndustryChain>(value, out var chain) && Enum.IsDefined(chain)
            => Liaison.Cases.Enterprises.IndustryChains.Label(chain),
        _ => null,
    };

    /// <summary>What the log page calls a changed field; the field's own name when it has no label.</summary>
    public static Text FieldLabel(string field) => Fields.TryGetValue(field, out var label) ? label : WorkflowFieldLabel(field) ?? new Text(field, field);

    /// <summary>A workflow's change (<see cref="WorkflowDiff"/>): the activity, its input or port, or the variable it names.</summary>
    private static Text? WorkflowFieldLabel(string field)
    {
        if (field.StartsWith(WorkflowDiff.ActivityPrefix, StringComparison.Ordinal))
        {
            var rest = field[WorkflowDiff.ActivityPrefix.Length..];
            var dot = rest.IndexOf('.');
            if (dot < 0)
            {
                return new($"节点 {rest}", $"Activity {rest}");
            }

            var (id, input) = (rest[..dot], rest[(dot + 1)..]);
            return input switch
            {
                "name" => new($"节点 {id} 的名称", $"Activity {id}: name"),
                "type" => new($"节点 {id} 的类型", $"Activity {id}: type"),
                _ => new($"节点 {id} 的输入 {input}", $"Activity {id}: input {input}"),
            };
        }

        if (field.StartsWith(WorkflowDiff.ConnectionPrefix, StringComparison.Ordinal))
        {
            var port = field[WorkflowDiff.ConnectionPrefix.Length..];
            var colon = port.LastIndexOf(':');
            return colon < 0 ? null : new($"节点 {port[..colon]} 的 {port[(colon + 1)..]} 端口连至", $"Activity {port[..colon]}: port {port[(colon + 1)..]} leads to");
        }

        return field.StartsWith(WorkflowDiff.VariablePrefix, StringComparison.Ordinal)
            ? new($"变量 {field[WorkflowDiff.VariablePrefix.Length..]}", $"Variable {field[WorkflowDiff.VariablePrefix.Length..]}")
            : null;
    }
}
