namespace Liaison.Cases.Sla;

/// <summary>What kind of issue a case is (from the zone's list of what the liaison mechanism handles) and its time limits.</summary>
/// <param name="Code">Stable machine name used in the API and workflows, e.g. <c>project-landing</c>.</param>
public sealed record CaseCategory(string Code, string NameZh, string Name, SlaPolicy Sla);

/// <summary>The categories and limits of DESIGN §2, which the host seeds and admins may then edit.</summary>
public static class CaseCategories
{
    public const string ProjectLanding = "project-landing";
    public const string FactorGuarantee = "factor-guarantee";
    public const string LegacyIssue = "legacy-issue";
    public const string Bankruptcy = "bankruptcy";
    public const string Other = "other";

    public static IReadOnlyList<CaseCategory> Defaults { get; } =
    [
        new(ProjectLanding, "项目快速落地", "Fast project landing", new SlaPolicy(1, 10)),
        new(FactorGuarantee, "综合要素保障", "Factor guarantee (land, power, water, gas, labour, finance, permits)", new SlaPolicy(1, 5)),
        new(LegacyIssue, "遗留问题化解", "Legacy issue resolution", new SlaPolicy(1, 20, progressReportEveryWorkingDays: 10)),
        new(Bankruptcy, "企业破产处置", "Enterprise bankruptcy handling", new SlaPolicy(1, 30, progressReportEveryWorkingDays: 10)),
        new(Other, "其他", "Other", new SlaPolicy(1, 10)),
    ];

    public static CaseCategory? FindDefault(string code) => Defaults.FirstOrDefault(c => c.Code == code);
}
