using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;
using Liaison.Server.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Liaison.Server.Enterprises;

internal sealed class RegisteredEnterpriseConfiguration : IEntityTypeConfiguration<RegisteredEnterprise>
{
    public void Configure(EntityTypeBuilder<RegisteredEnterprise> e)
    {
        e.ToTable("enterprises");
        e.HasIndex(x => x.CreditCode).IsUnique();
        e.Property(x => x.CreditCode).HasMaxLength(UnifiedSocialCreditCode.Length);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Address).HasMaxLength(300);
        e.Property(x => x.IndustryChain).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.ChiefServiceOfficerId).HasMaxLength(450);
        e.Property(x => x.VisitEveryDays).HasDefaultValue(RegisteredEnterprise.DefaultVisitEveryDays);
        e.Property(x => x.RowVersion).IsRowVersion();
        e.Ignore(x => x.NoticeContact);
        // The register's search (name contains the text) without reading every entry.
        e.HasIndex(x => x.Name, "ix_enterprises_name_trgm").HasMethod("gin").HasOperators("gin_trgm_ops")
            .HasDatabaseName("ix_enterprises_name_trgm");
        // A credit code's first characters (the register's and the case list's search, CreditCodeSearch): LIKE 'prefix%'
        // reads the unique index only under the C collation; this one under any.
        e.HasIndex(x => x.CreditCode, "ix_enterprises_credit_code_prefix").HasOperators("text_pattern_ops")
            .HasDatabaseName("ix_enterprises_credit_code_prefix");
        e.HasIndex(x => x.ChiefServiceOfficerId);
        e.HasOne<LiaisonUser>().WithMany().HasForeignKey(x => x.ChiefServiceOfficerId).OnDelete(DeleteBehavior.SetNull);
        e.HasMany(x => x.Contacts).WithOne().HasForeignKey(c => c.EnterpriseId).OnDelete(DeleteBehavior.Cascade);
        e.HasMany(x => x.ServiceSquad).WithOne().HasForeignKey(m => m.EnterpriseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EnterpriseContactConfiguration : IEntityTypeConfiguration<EnterpriseContact>
{
    public void Configure(EntityTypeBuilder<EnterpriseContact> e)
    {
        e.ToTable("enterprise_contacts");
        e.HasIndex(x => new { x.EnterpriseId, x.Position });
        // At most one notice contact per enterprise, whatever a racing edit does.
        e.HasIndex(x => x.EnterpriseId, "ux_enterprise_contacts_notice").IsUnique().HasFilter("for_notices")
            .HasDatabaseName("ux_enterprise_contacts_notice");
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.Phone).HasMaxLength(32);
        e.Property(x => x.Email).HasMaxLength(254);
    }
}

internal sealed class ServiceSquadMemberConfiguration : IEntityTypeConfiguration<ServiceSquadMember>
{
    public void Configure(EntityTypeBuilder<ServiceSquadMember> e)
    {
        e.ToTable("enterprise_service_squad");
        e.HasKey(x => new { x.EnterpriseId, x.OfficerId });
        // "Which enterprises do I serve": an officer's digest and copies.
        e.HasIndex(x => x.OfficerId);
        e.Property(x => x.OfficerId).HasMaxLength(450);
        e.HasOne<LiaisonUser>().WithMany().HasForeignKey(x => x.OfficerId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A case's link to its register entry, kept beside the register rather than in the case's own mapping.</summary>
internal sealed class CaseEnterpriseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> e)
    {
        // The enterprise page lists an enterprise's cases newest first.
        e.HasIndex(c => new { c.EnterpriseId, c.Id }).HasFilter("enterprise_id IS NOT NULL");
        e.HasOne<RegisteredEnterprise>().WithMany().HasForeignKey(c => c.EnterpriseId).OnDelete(DeleteBehavior.Restrict);
    }
}
