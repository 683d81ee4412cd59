using Microsoft.EntityFrameworkCore;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class RestartRecoveryTests
{
    [Fact]
    public async Task QueuedJobsSurviveARestartAndAJobRunningAtACrashIsMarkedInterrupted()
    {
        using var data = new TemporaryDataDirectory("studio-restart-");
        var dataDirectory = data.Path;
        Guid crashed, queued;
        using (var before = new StudioFactory { DataDirectory = dataDirectory })
        {
            before.Fake.Hold();
            var running = await before.Submission.SubmitAsync("alice", Settings.Valid("running at shutdown"));
            await before.WaitForStatusAsync("alice", running.Queued().Id, JobStatus.Running);
            crashed = (await before.Submission.SubmitAsync("alice", Settings.Valid("running at the crash"))).Queued().Id;
            queued = (await before.Submission.SubmitAsync("bob", Settings.Valid("still waiting"))).Queued().Id;
        }

        // A kill -9 leaves a Running row behind, which a graceful stop never does: make one by hand.
        await using (var db = new StudioDbContext(new DbContextOptionsBuilder<StudioDbContext>()
                         .UseSqlite($"Data Source={Path.Combine(dataDirectory, "studio.db")};Pooling=False").Options))
        {
            await db.Jobs.Where(j => j.Id == crashed).ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Running));
        }

        using var after = new StudioFactory { DataDirectory = dataDirectory };
        _ = after.Server;

        var interrupted = await after.WaitForFinishAsync("alice", crashed);
        var resumed = await after.WaitForFinishAsync("bob", queued);

        Assert.Equal(JobStatus.Failed, interrupted.Status);
        Assert.Equal(StudioStartup.InterruptedError, interrupted.Error);
        Assert.Equal(JobStatus.Succeeded, resumed.Status);
        Assert.Single(resumed.Images);
        Assert.DoesNotContain("running at the crash", after.Fake.Started);
    }
}
