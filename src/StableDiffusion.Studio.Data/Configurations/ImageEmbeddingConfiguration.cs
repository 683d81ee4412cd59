using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StableDiffusion.Studio.Data.Configurations;

internal sealed class ImageEmbeddingConfiguration : IEntityTypeConfiguration<ImageEmbeddingRecord>
{
    public void Configure(EntityTypeBuilder<ImageEmbeddingRecord> embedding)
    {
        embedding.ToTable("ImageEmbeddings");
        embedding.HasKey(e => e.ImageId);
        embedding.Property(e => e.OwnerId).HasMaxLength(64);
        embedding.Property(e => e.ModelId).HasMaxLength(160);
        embedding.HasIndex(e => new { e.OwnerId, e.ModelId });
        embedding.HasOne(e => e.Image).WithOne().HasForeignKey<ImageEmbeddingRecord>(e => e.ImageId).OnDelete(DeleteBehavior.Cascade);
    }
}
