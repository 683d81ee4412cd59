using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StableDiffusion.Studio.Data.Configurations;

internal sealed class ComparisonConfiguration : IEntityTypeConfiguration<ComparisonRecord>
{
    public void Configure(EntityTypeBuilder<ComparisonRecord> comparison)
    {
        comparison.ToTable("Comparisons");
        comparison.Property(c => c.OwnerId).HasMaxLength(64);
        comparison.Property(c => c.Title).HasMaxLength(200);
        comparison.Property(c => c.Seeds).HasMaxLength(400);
        comparison.Property(c => c.AxisValues).HasMaxLength(400);
        comparison.HasIndex(c => new { c.OwnerId, c.CreatedAt });
    }
}
