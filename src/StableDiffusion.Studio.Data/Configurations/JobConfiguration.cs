using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StableDiffusion.Studio.Data.Configurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<JobRecord>
{
    public void Configure(EntityTypeBuilder<JobRecord> job)
    {
        job.ToTable("Jobs");
        job.Property(j => j.OwnerId).HasMaxLength(64);
        job.Property(j => j.Prompt).HasMaxLength(4000);
        job.Property(j => j.NegativePrompt).HasMaxLength(4000);
        // Rows written before the column existed were all made with A1111's default.
        job.Property(j => j.EmphasisMode).HasMaxLength(16).HasDefaultValue("Original");
        job.Property(j => j.Scheduler).HasMaxLength(32);
        // Rows written before the column existed were all made with torch's CPU generator.
        job.Property(j => j.NoiseSource).HasMaxLength(8).HasDefaultValue("CPU");
        // Rows written before the column existed ran every step.
        job.Property(j => j.Speed).HasMaxLength(8).HasDefaultValue("Exact");
        job.Property(j => j.Model).HasMaxLength(256);
        job.Property(j => j.Vae).HasMaxLength(256);
        job.Property(j => j.TextEncoder).HasMaxLength(256);
        job.Property(j => j.InitImagePath).HasMaxLength(256);
        job.Property(j => j.MaskPath).HasMaxLength(256);
        job.Property(j => j.WorkerId).HasMaxLength(128);
        // The queue's two questions: "what is waiting?" and "what is this user's?".
        job.HasIndex(j => new { j.Status, j.CreatedAt });
        job.HasIndex(j => new { j.OwnerId, j.CreatedAt });
        job.HasMany(j => j.Images).WithOne(i => i.Job).HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
        job.HasOne<ComparisonRecord>().WithMany(c => c.Jobs).HasForeignKey(j => j.ComparisonId).OnDelete(DeleteBehavior.Cascade);
    }
}
