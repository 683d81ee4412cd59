using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class GracefulStopTests
{
    [Fact]
    public async Task StoppingTheServerCancelsTheRunningJobAtTheNextStepWithItsReason()
    {
        using var data = new TemporaryDataDirectory("studio-stop-");
        var dataDirectory = data.Path;
        Guid running;
        using (var studio = new StudioFactory { DataDirectory = dataDirectory })
        {
            studio.Fake.StepDelay = TimeSpan.FromMilliseconds(500);
            running = (await studio.Submission.SubmitAsync("alice", Settings.Valid("a slow square") with { Steps = 40 })).Queued().Id;
            await studio.WaitForStatusAsync("alice", running, JobStatus.Running);
        }

        await using var db = new StudioDbContext(new DbContextOptionsBuilder<StudioDbContext>()
            .UseSqlite($"Data Source={Path.Combine(dataDirectory, "studio.db")};Pooling=False").Options);
        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == running);

        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.Equal(GenerationWorker.StoppedError, job.Error);
        Assert.NotNull(job.FinishedAt);
    }
}
