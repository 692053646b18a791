using Liaison.Cases.Cases;
using Liaison.Cases.Sla;

namespace Liaison.Cases.Routing;

/// <summary>
/// The case a designer "try it" run routes when the admin supplies none: clearly marked as a sample (示例), normal
/// priority, the first default category, not yet dispatched. It is never stored.
/// </summary>
public static class SampleCase
{
    public const string Number = "SAMPLE-0001";

    public static CaseSnapshot Create(string departmentCode) => new()
    {
        Number = Number,
        Title = "【示例】项目用地手续办理 Sample case: land permits for a new project",
        Category = CaseCategories.Defaults[0].Code,
        Priority = CasePriority.Normal,
        Status = CaseStatus.Dispatched,
        DepartmentCode = departmentCode,
        EnterpriseName = "示例企业有限公司 Sample Enterprise Co., Ltd.",
    };
}
