using System.Globalization;
using Liaison.Cases.Common;
using Liaison.Cases.Digests;

namespace Liaison.Server.Digests;

/// <summary>
/// The league table's key-enterprise service block (重点企业服务): visits made in the period, key enterprises overdue for
/// a visit as of <see cref="OverdueAsOf"/> (the period's last day, or today while the period runs: <see cref="AsOfNow"/>),
/// problems found on the period's visits, cases raised from visit problems in the period and how many of them are
/// resolved or closed now (<see cref="SolvedRate"/>, 0–1, null when none was raised).
/// </summary>
public sealed record KeyEnterpriseServiceDto(
    int Visits, int OverdueForVisit, DateOnly OverdueAsOf, bool AsOfNow, int ProblemsFound, int ProblemsRaised, int Solved, double? SolvedRate)
{
    public static KeyEnterpriseServiceDto From(KeyEnterpriseServiceCounts k) =>
        new(k.Visits, k.OverdueForVisit, k.OverdueAsOf, k.AsOfNow, k.ProblemsFound, k.ProblemsRaised, k.Solved, k.SolvedRate);
}

/// <summary>The block's lines in the league table's CSV, bilingual labels like its header.</summary>
public static class KeyEnterpriseServiceCsv
{
    /// <summary>The block's lines for the CSV: each label in both languages, "中文 English".</summary>
    public static IEnumerable<(string Label, string Value)> Lines(KeyEnterpriseServiceCounts k) =>
        Labelled(k).Select(l => ($"{l.Label.Zh} {l.Label.En}", l.Value));

    /// <summary>The block's lines, each label in both languages for a page to say in its reader's; an empty value has no rate yet.</summary>
    public static IEnumerable<(Text Label, string Value)> Labelled(KeyEnterpriseServiceCounts k)
    {
        var asOf = k.OverdueAsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        yield return (new("走访次数", "Visits made"), N(k.Visits));
        yield return (k.AsOfNow ? new($"逾期未走访的重点企业（截至今天 {asOf}）", $"Key enterprises overdue for a visit (as of today, {asOf})")
            : new($"逾期未走访的重点企业（截至 {asOf}）", $"Key enterprises overdue for a visit (as of {asOf})"), N(k.OverdueForVisit));
        yield return (new("走访发现问题", "Problems found on visits"), N(k.ProblemsFound));
        yield return (new("走访问题转办事项", "Cases raised from visit problems"), N(k.ProblemsRaised));
        yield return (new("其中已解决（已办结或已销号）", "Of which solved (resolved or closed)"), N(k.Solved));
        yield return (new("解决率", "Solved rate"), k.SolvedRate is null ? "" : DigestMailRenderer.Percent(k.SolvedRate));
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
