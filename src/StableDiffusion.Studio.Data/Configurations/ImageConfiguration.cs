using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StableDiffusion.Studio.Data.Configurations;

internal sealed class ImageConfiguration : IEntityTypeConfiguration<ImageRecord>
{
    public void Configure(EntityTypeBuilder<ImageRecord> image)
    {
        image.ToTable("Images");
        image.Property(i => i.OwnerId).HasMaxLength(64);
        image.Property(i => i.FilePath).HasMaxLength(256);
        image.HasIndex(i => new { i.OwnerId, i.CreatedAt });
        image.HasMany(i => i.ShareLinks).WithOne(s => s.Image).HasForeignKey(s => s.ImageId).OnDelete(DeleteBehavior.Cascade);
    }
}
