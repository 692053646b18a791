using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Categories;

/// <summary>
/// A category's names and time limits as an admin set them; it overrides the shipped default of the same code
/// (<see cref="Liaison.Cases.Sla.CaseCategories.Defaults"/>). Categories without a row keep their defaults.
/// </summary>
public sealed class CaseCategoryRecord
{
    public required string Code { get; set; }

    public required string NameZh { get; set; }

    public required string Name { get; set; }

    public int AcceptWithinWorkingDays { get; set; }

    public int ResolveWithinWorkingDays { get; set; }

    public int? ProgressReportEveryWorkingDays { get; set; }

    public int CoHandlerLeadWorkingDays { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

internal sealed class CaseCategoryRecordConfiguration : IEntityTypeConfiguration<CaseCategoryRecord>
{
    public void Configure(EntityTypeBuilder<CaseCategoryRecord> e)
    {
        e.ToTable("case_categories");
        e.HasKey(x => x.Code);
        e.Property(x => x.Code).HasMaxLength(32);
        e.Property(x => x.NameZh).HasMaxLength(100);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.UpdatedBy).HasMaxLength(256);
    }
}
