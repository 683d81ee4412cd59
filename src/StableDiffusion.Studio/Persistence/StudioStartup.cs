using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.ScaleOut;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Persistence;

/// <summary>
/// Runs once before the server listens: applies migrations, switches the database to WAL, marks jobs that were
/// running when the process died as failed, marks images whose file is gone, and removes half-written files and files no row names.
/// </summary>
public static partial class StudioStartup
{
    public const string InterruptedError = "interrupted: the server stopped while this job was running";

    // EF Core builds and finalises its model on first use; two hosts in one process (the test suites start
    // several) racing through MigrateAsync can hit "The model must be finalized". One migration at a time.
    private static readonly SemaphoreSlim MigrationGate = new(1, 1);

    public static async Task PrepareStudioAsync(this WebApplication app)
    {
        var paths = app.Services.GetRequiredService<StudioPaths>();
        Directory.CreateDirectory(paths.DataDirectory);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StudioStartup));

        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<StudioDbContext>>().CreateDbContextAsync())
        {
            // Migrations live in migrations/ (SQLite) and migrations-postgres/; add one from the repository root with
            //   dotnet tool restore && dotnet ef migrations add <Name> --project migrations --startup-project src/StableDiffusion.Studio
            //   dotnet ef migrations add <Name> --project migrations-postgres --startup-project src/StableDiffusion.Studio -- --Studio:Database:Provider=Postgres
            await MigrationGate.WaitAsync();
            try
            {
                // EF Core takes a database-wide lock while it migrates, so nodes starting together apply each migration once.
                await db.Database.MigrateAsync();
            }
            finally
            {
                MigrationGate.Release();
            }

            var postgres = !db.Database.IsSqlite();
            if (!postgres)
            {
                // EF only picks WAL when it creates the file itself (efcore#36369); ask every time, it is idempotent.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
                // One process owns every job: one still Running was cut off by this process's last stop. On PostgreSQL
                // other nodes may be running theirs; a dead worker's jobs come back when their lease expires.
                var interrupted = await db.Jobs
                    .Where(j => j.Status == JobStatus.Running)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(j => j.Status, JobStatus.Failed)
                        .SetProperty(j => j.Error, InterruptedError)
                        .SetProperty(j => j.FinishedAt, DateTime.UtcNow));
                if (interrupted > 0)
                {
                    LogInterrupted(logger, interrupted);
                }
            }

            await MarkMissingFilesAsync(db, app.Services, logger);
            if (!postgres)
            {
                // With several nodes another one may be between writing a file and its row right now.
                await SweepOrphanFilesAsync(db, app.Services, logger);
            }
        }

        if (!app.Services.GetRequiredService<StudioRoles>().Worker)
        {
            // A web node never loads a model.
            return;
        }

        // The default model's ONNX sessions open now, so /healthz and the first page know the execution provider.
        await Task.Run(app.Services.GetRequiredService<IImageGenerator>().LoadDefaultModel);

        // Another node's half-written file on the shared volume is not half-written for good.
        var swept = app.Services.GetRequiredService<IOptions<StudioOptions>>().Value.Database.IsPostgres
            ? 0
            : app.Services.GetRequiredService<ImageFileStore>().SweepTemporaryFiles();
        if (swept > 0)
        {
            LogSwept(logger, swept);
        }
    }

    private static async Task MarkMissingFilesAsync(StudioDbContext db, IServiceProvider services, ILogger logger)
    {
        var files = services.GetRequiredService<ImageFileStore>();
        var missing = services.GetRequiredService<MissingImageFiles>();
        await foreach (var image in db.Images.AsNoTracking().Select(i => new { i.Id, i.FilePath }).AsAsyncEnumerable())
        {
            if (files.Find(image.FilePath) is null)
            {
                missing.Mark(image.Id);
                LogMissingFile(logger, image.Id, image.FilePath);
            }
        }

        if (missing.Count > 0)
        {
            LogMissingFiles(logger, missing.Count);
        }
    }

    /// <summary>
    /// Deletes images and uploads that no row names: written just before a crash, or left when the row could not be
    /// written (a full disk). Nothing else writes under those folders, and the worker has not started yet.
    /// </summary>
    private static async Task SweepOrphanFilesAsync(StudioDbContext db, IServiceProvider services, ILogger logger)
    {
        var files = services.GetRequiredService<ImageFileStore>();
        var images = await db.Images.AsNoTracking().Select(i => i.FilePath).ToListAsync();
        var uploads = await db.Jobs.AsNoTracking().Where(j => j.InitImagePath != null).Select(j => j.InitImagePath!)
            .Concat(db.Jobs.AsNoTracking().Where(j => j.MaskPath != null).Select(j => j.MaskPath!)).ToListAsync();
        var swept = files.SweepUnlistedFiles("images", images.ToHashSet(StringComparer.Ordinal))
                    + files.SweepUnlistedFiles("uploads", uploads.ToHashSet(StringComparer.Ordinal));
        if (swept > 0)
        {
            LogOrphans(logger, swept);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Count} job(s) were running when the studio last stopped; marked failed")]
    private static partial void LogInterrupted(ILogger logger, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Removed {Count} half-written file(s)")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Image {ImageId} has no file at {Path}; the gallery shows a placeholder")]
    private static partial void LogMissingFile(ILogger logger, Guid imageId, string path);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Count} image(s) have no file")]
    private static partial void LogMissingFiles(ILogger logger, int count);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Removed {Count} file(s) that no image or job names")]
    private static partial void LogOrphans(ILogger logger, int count);
}
