using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class DatabaseTests
{
    [Fact]
    public async Task TheDatabaseIsMigratedInWalModeInsideTheDataDirectory()
    {
        using var studio = new StudioFactory();
        _ = studio.Server;

        await using var db = await studio.OpenDatabaseAsync();
        var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();

        Assert.Equal("wal", mode.Single());
        Assert.True(File.Exists(Path.Combine(studio.DataDirectory, "studio.db")));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task AFinishedJobKeepsItsSettingsTimingsAndImageFile()
    {
        using var studio = new StudioFactory();
        var settings = Settings.Valid("kept");
        settings.BatchCount = 2;
        settings.Seed = 4_000_000_000;
        var result = await studio.Submission.SubmitAsync("alice", settings);

        var job = await studio.WaitForFinishAsync("alice", result.Queued().Id);

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(4_000_000_000, job.Seed);
        Assert.Equal(("kept", "blurry", 4, 7.0, "euler", 64, 64), (job.Prompt, job.NegativePrompt, job.Steps, job.GuidanceScale, job.Scheduler, job.Width, job.Height));
        Assert.Equal(DateTimeKind.Utc, job.CreatedAt.Kind);
        Assert.True(job.CreatedAt <= job.StartedAt && job.StartedAt <= job.FinishedAt);
        Assert.NotNull(job.TotalMilliseconds);
        Assert.Equal([4_000_000_000, 4_000_000_001], job.Images.OrderBy(i => i.Index).Select(i => i.Seed));
        Assert.All(job.Images, i => Assert.True(File.Exists(Path.Combine(studio.DataDirectory, i.FilePath))));
        Assert.All(job.Images, i => Assert.False(Path.IsPathRooted(i.FilePath)));
        Assert.Empty(Directory.EnumerateFiles(studio.DataDirectory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void HalfWrittenImagesFromACrashAreRemovedAtStart()
    {
        using var data = new TemporaryDataDirectory("studio-sweep-");
        var dataDirectory = data.Path;
        var half = Path.Combine(dataDirectory, "images", "2026-01", "0123.png.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(half)!);
        File.WriteAllBytes(half, [0x89, 0x50]);

        using (var studio = new StudioFactory { DataDirectory = dataDirectory })
        {
            _ = studio.Server;

            Assert.False(File.Exists(half));
        }
    }
}
