using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StableDiffusion.Studio.Data.Configurations;

internal sealed class ShareLinkConfiguration : IEntityTypeConfiguration<ShareLinkRecord>
{
    public void Configure(EntityTypeBuilder<ShareLinkRecord> link)
    {
        link.ToTable("ShareLinks");
        link.Property(s => s.OwnerId).HasMaxLength(64);
        link.Property(s => s.TokenHash).HasMaxLength(64);
        link.HasIndex(s => s.TokenHash).IsUnique();
        link.HasOne(s => s.Comparison).WithMany().HasForeignKey(s => s.ComparisonId).OnDelete(DeleteBehavior.Cascade);
    }
}
