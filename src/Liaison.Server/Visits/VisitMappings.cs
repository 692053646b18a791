using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;
using Liaison.Server.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Visits;

internal sealed class EnterpriseVisitConfiguration : IEntityTypeConfiguration<EnterpriseVisit>
{
    public void Configure(EntityTypeBuilder<EnterpriseVisit> e)
    {
        e.ToTable("enterprise_visits");
        // An enterprise's visits newest first, and its last visit (the cadence, the visitDue filter).
        e.HasIndex(x => new { x.EnterpriseId, x.VisitedOn });
        // The league table's visits in a period.
        e.HasIndex(x => x.VisitedOn);
        // One visit per logging request (a form sent twice).
        e.HasIndex(x => x.RequestId).IsUnique().HasFilter("request_id IS NOT NULL");
        e.Property(x => x.Findings).HasMaxLength(EnterpriseVisit.MaxFindingsLength);
        e.Property(x => x.LoggedById).HasMaxLength(450);
        e.HasOne<RegisteredEnterprise>().WithMany().HasForeignKey(x => x.EnterpriseId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<LiaisonUser>().WithMany().HasForeignKey(x => x.LoggedById).OnDelete(DeleteBehavior.Restrict);
        e.HasMany(x => x.Officers).WithOne().HasForeignKey(o => o.VisitId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.Problems).WithOne().HasForeignKey(p => p.VisitId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VisitOfficerConfiguration : IEntityTypeConfiguration<VisitOfficer>
{
    public void Configure(EntityTypeBuilder<VisitOfficer> e)
    {
        e.ToTable("enterprise_visit_officers");
        e.HasKey(x => new { x.VisitId, x.OfficerId });
        e.HasIndex(x => x.OfficerId);
        e.Property(x => x.OfficerId).HasMaxLength(450);
        e.HasOne<LiaisonUser>().WithMany().HasForeignKey(x => x.OfficerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VisitProblemConfiguration : IEntityTypeConfiguration<VisitProblem>
{
    public void Configure(EntityTypeBuilder<VisitProblem> e)
    {
        e.ToTable("visit_problems");
        e.HasIndex(x => new { x.VisitId, x.Position });
        // A case comes from at most one problem; a problem names at most one case (its own column), set under its row lock.
        e.HasIndex(x => x.CaseId).IsUnique().HasFilter("case_id IS NOT NULL");
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.Description).HasMaxLength(4000);
        e.Property(x => x.DepartmentCode).HasMaxLength(32);
        e.Property(x => x.Category).HasMaxLength(32);
        e.Ignore(x => x.ReadyToDispatch);
        e.HasOne<Case>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}
