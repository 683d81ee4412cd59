using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace StableDiffusion.Studio.Data;

/// <summary>
/// The studio's database: SQLite by default, PostgreSQL for several nodes (each with its own migrations). Seeds are <c>long</c> and times <c>DateTime</c> UTC because SQLite cannot order
/// <c>ulong</c> or <c>DateTimeOffset</c> server-side. Accounts are ASP.NET Core Identity's tables (users, their
/// passkeys, logins, claims and tokens; no roles) in the same database.
/// </summary>
public sealed class StudioDbContext(DbContextOptions<StudioDbContext> options) : IdentityUserContext<StudioUser>(options)
{
    public DbSet<JobRecord> Jobs => Set<JobRecord>();

    public DbSet<ImageRecord> Images => Set<ImageRecord>();

    public DbSet<ImageEmbeddingRecord> ImageEmbeddings => Set<ImageEmbeddingRecord>();

    public DbSet<ShareLinkRecord> ShareLinks => Set<ShareLinkRecord>();

    public DbSet<ComparisonRecord> Comparisons => Set<ComparisonRecord>();

    public DbSet<WorkerRecord> Workers => Set<WorkerRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Identity's tables first, at the schema version the Identity options ask for (version 3 adds passkeys).
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(StudioDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<JobStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ComparisonKind>().HaveConversion<string>().HaveMaxLength(24);
    }
}
