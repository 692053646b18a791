namespace Liaison.Cases.Digests;

/// <summary>
/// The league table's key-enterprise service block (重点企业服务), zone-wide for the period. Rules: README.md.
/// </summary>
/// <param name="Visits">Visits made (visit day in the period), to any enterprise.</param>
/// <param name="OverdueForVisit">Key enterprises whose visit was due on <paramref name="OverdueAsOf"/> (never visited, or last visit + cadence on or before it).</param>
/// <param name="OverdueAsOf">The period's last day, or today while the period has not ended (<paramref name="AsOfNow"/>).</param>
/// <param name="ProblemsFound">Problems logged on the period's visits.</param>
/// <param name="ProblemsRaised">Cases raised from visit problems in the period (opened in it), whichever visit found them.</param>
/// <param name="Solved">Of <paramref name="ProblemsRaised"/>, the cases resolved or closed now.</param>
public sealed record KeyEnterpriseServiceCounts(
    int Visits, int OverdueForVisit, DateOnly OverdueAsOf, bool AsOfNow, int ProblemsFound, int ProblemsRaised, int Solved)
{
    /// <summary>Solved ÷ raised, 0–1; null when nothing was raised.</summary>
    public double? SolvedRate => ProblemsRaised == 0 ? null : (double)Solved / ProblemsRaised;
}

/// <summary>A key enterprise whose visit is due, as one line of its chief service officer's digest.</summary>
/// <param name="OverdueDays">Days past the due day (0: due today); null when never visited.</param>
/// <param name="Link">Absolute http(s) URL of the enterprise's visits page.</param>
public sealed record VisitDueLine(string Enterprise, DateOnly? LastVisitedOn, int? OverdueDays, string Link);
