using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StableDiffusion.Studio.Data.Configurations;

internal sealed class WorkerConfiguration : IEntityTypeConfiguration<WorkerRecord>
{
    public void Configure(EntityTypeBuilder<WorkerRecord> worker)
    {
        worker.ToTable("Workers");
        worker.Property(w => w.Id).HasMaxLength(128);
        worker.Property(w => w.ExecutionProvider).HasMaxLength(32);
        worker.Property(w => w.Model).HasMaxLength(256);
    }
}
