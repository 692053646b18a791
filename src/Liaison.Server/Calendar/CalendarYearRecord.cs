using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Calendar;

/// <summary>A year schedule added or replaced by an admin; it overrides the shipped one for that year.</summary>
public sealed class CalendarYearRecord
{
    public int Year { get; set; }

    /// <summary>The schedule in the shipped JSON format (see <c>YearSchedule.ToJson</c>).</summary>
    public required string Json { get; set; }

    public required string Version { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }

    /// <summary>
    /// When this schedule was saved and the open cases' deadlines it may move were queued for recomputation (see
    /// <c>DeadlineRecalculation.RunChunkAsync</c>); null for a year stored before recomputation ran in the background.
    /// </summary>
    public DateTimeOffset? RecomputeRequestedAt { get; set; }

    /// <summary>When the recomputation of this save ended; null while it is queued or under way.</summary>
    public DateTimeOffset? RecomputeFinishedAt { get; set; }

    /// <summary>The last case id looked at: the next chunk starts after it, so a recomputation cut short resumes there.</summary>
    public long RecomputeCursor { get; set; }

    /// <summary>How many open cases had a deadline the save may move when the recomputation started; null before it started.</summary>
    public int? RecomputeCandidates { get; set; }

    /// <summary>How many of those were looked at so far.</summary>
    public int RecomputeChecked { get; set; }

    /// <summary>How many of those had a deadline moved (each has a timeline entry).</summary>
    public int RecomputedCases { get; set; }

    /// <summary>Queues the recomputation of the schedule just stored (a new save starts it over with the new dates).</summary>
    public void RequestRecompute(DateTimeOffset now)
    {
        RecomputeRequestedAt = now;
        RecomputeFinishedAt = null;
        RecomputeCursor = 0;
        RecomputeCandidates = null;
        RecomputeChecked = 0;
        RecomputedCases = 0;
    }
}

internal sealed class CalendarYearRecordConfiguration : IEntityTypeConfiguration<CalendarYearRecord>
{
    public void Configure(EntityTypeBuilder<CalendarYearRecord> e)
    {
        e.ToTable("calendar_years");
        e.HasKey(x => x.Year);
        e.Property(x => x.Year).ValueGeneratedNever();
        e.Property(x => x.Version).HasMaxLength(64);
        // The pump looks for unfinished recomputations on every poll; the table holds a row per stored year.
        e.HasIndex(x => x.RecomputeRequestedAt).HasFilter("recompute_finished_at IS NULL AND recompute_requested_at IS NOT NULL");
    }
}
