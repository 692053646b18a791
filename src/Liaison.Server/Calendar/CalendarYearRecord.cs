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
}

internal sealed class CalendarYearRecordConfiguration : IEntityTypeConfiguration<CalendarYearRecord>
{
    public void Configure(EntityTypeBuilder<CalendarYearRecord> e)
    {
        e.ToTable("calendar_years");
        e.HasKey(x => x.Year);
        e.Property(x => x.Year).ValueGeneratedNever();
        e.Property(x => x.Version).HasMaxLength(64);
    }
}
