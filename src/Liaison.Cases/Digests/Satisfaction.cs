namespace Liaison.Cases.Digests;

/// <summary>
/// A department's enterprise ratings (满意度) in a period, counted for the lead department at confirmation by the
/// rating's time; see README.md in this folder.
/// </summary>
/// <param name="Expired">Windows that closed in the period without a rating: shown, never counted in the rate.</param>
public sealed record SatisfactionCounts(int Satisfied, int FairlySatisfied, int Unsatisfied, int Expired)
{
    public static readonly SatisfactionCounts Zero = new(0, 0, 0, 0);

    public int Rated => Satisfied + FairlySatisfied + Unsatisfied;

    /// <summary>满意率 = (满意 + 基本满意) / rated; null when nothing was rated (no rating counts neither way).</summary>
    public double? Rate => Rated == 0 ? null : (double)(Satisfied + FairlySatisfied) / Rated;

    public static SatisfactionCounts operator +(SatisfactionCounts a, SatisfactionCounts b) =>
        new(a.Satisfied + b.Satisfied, a.FairlySatisfied + b.FairlySatisfied, a.Unsatisfied + b.Unsatisfied, a.Expired + b.Expired);
}
