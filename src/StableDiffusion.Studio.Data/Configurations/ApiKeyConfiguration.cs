using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StableDiffusion.Studio.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKeyRecord>
{
    public void Configure(EntityTypeBuilder<ApiKeyRecord> key)
    {
        key.ToTable("ApiKeys");
        key.Property(k => k.OwnerId).HasMaxLength(64);
        key.Property(k => k.Name).HasMaxLength(100);
        key.Property(k => k.KeyHash).HasMaxLength(64);
        key.Property(k => k.Prefix).HasMaxLength(16);
        // Every API request looks its key up by hash; the settings page lists a user's keys.
        key.HasIndex(k => k.KeyHash).IsUnique();
        key.HasIndex(k => new { k.OwnerId, k.CreatedAt });
    }
}
