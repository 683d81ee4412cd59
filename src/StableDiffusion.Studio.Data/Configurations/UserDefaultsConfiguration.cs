using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StableDiffusion.Studio.Data.Configurations;

internal sealed class UserDefaultsConfiguration : IEntityTypeConfiguration<UserDefaultsRecord>
{
    public void Configure(EntityTypeBuilder<UserDefaultsRecord> defaults)
    {
        defaults.ToTable("UserDefaults");
        defaults.HasKey(d => d.OwnerId);
        defaults.Property(d => d.OwnerId).HasMaxLength(64);
        defaults.Property(d => d.Scheduler).HasMaxLength(64);
    }
}
