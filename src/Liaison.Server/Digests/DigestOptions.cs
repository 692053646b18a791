namespace Liaison.Server.Digests;

/// <summary>The <c>Liaison:Digests</c> configuration section.</summary>
public sealed class DigestOptions
{
    public const string Section = "Liaison:Digests";

    /// <summary>Local time (Liaison:TimeZone) the daily digests and the weekly league table go out.</summary>
    public TimeOnly SendAt { get; set; } = new(8, 30);

    /// <summary>A case due within this many working days is listed as "due soon" (即将到期).</summary>
    public int DueSoonWorkingDays { get; set; } = 2;

    /// <summary>Red (红榜) when the worse on-time rate is below this (or a case is overdue now).</summary>
    public double RedBelow { get; set; } = 0.6;

    /// <summary>Yellow (黄榜) when the worse on-time rate is below this.</summary>
    public double YellowBelow { get; set; } = 0.9;

    /// <summary>
    /// An officer's cases are read this many at a time for their digest, so memory holds one batch and the lines the
    /// mail shows, not every case of an officer with tens of thousands (bench/RESULTS.md (g), "The server's memory").
    /// </summary>
    public int OfficerCasesPerRead { get; set; } = 1000;
}
