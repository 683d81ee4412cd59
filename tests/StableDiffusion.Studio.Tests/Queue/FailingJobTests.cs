using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class FailingJobTests
{
    [Fact]
    public async Task AFailingJobIsRecordedWithItsReasonAndTheNextJobRuns()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var failing = (await studio.Queue.SubmitAsync("alice", Settings.Valid("please explode"))).Job!;
        var next = (await studio.Queue.SubmitAsync("alice", Settings.Valid("a calm sea"))).Job!;
        studio.Fake.Release();

        var failed = await studio.WaitForFinishAsync("alice", failing.Id);
        var succeeded = await studio.WaitForFinishAsync("alice", next.Id);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("the fake pipeline exploded", failed.Error);
        Assert.NotNull(failed.FinishedAt);
        Assert.Equal(JobStatus.Succeeded, succeeded.Status);
    }

    [Fact]
    public async Task WaitingOnAJobReturnsItOnceItHasFinished()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var job = (await studio.Queue.SubmitAsync("alice", Settings.Valid("awaited"))).Job!;
        var waiting = studio.Queue.WaitAsync("alice", job.Id);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        studio.Fake.Release();
        var finished = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(JobStatus.Succeeded, finished!.Status);
        Assert.Single(finished.Images);
        Assert.Null(await studio.Queue.WaitAsync("bob", job.Id));
    }
}
