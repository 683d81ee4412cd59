using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StableDiffusion.Studio.Data.Configurations;

internal sealed class ApiOptionsConfiguration : IEntityTypeConfiguration<ApiOptionsRecord>
{
    public void Configure(EntityTypeBuilder<ApiOptionsRecord> options)
    {
        options.ToTable("ApiOptions");
        options.HasKey(o => o.OwnerId);
        options.Property(o => o.OwnerId).HasMaxLength(64);
        options.Property(o => o.Model).HasMaxLength(256);
        options.Property(o => o.RandnSource).HasMaxLength(8);
        options.Property(o => o.Vae).HasMaxLength(256);
    }
}
