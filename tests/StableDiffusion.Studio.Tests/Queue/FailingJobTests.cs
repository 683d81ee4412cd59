using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Api;
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
        var failing = (await studio.Submission.SubmitAsync("alice", Settings.Valid("please explode"))).Queued();
        var next = (await studio.Submission.SubmitAsync("alice", Settings.Valid("a calm sea"))).Queued();
        studio.Fake.Release();

        var failed = await studio.WaitForFinishAsync("alice", failing.Id);
        var succeeded = await studio.WaitForFinishAsync("alice", next.Id);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("The generation failed: the fake pipeline exploded", failed.Error);
        Assert.NotNull(failed.FinishedAt);
        Assert.Equal(JobStatus.Succeeded, succeeded.Status);
    }

    [Fact]
    public async Task WaitingOnAJobReturnsItOnceItHasFinished()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var job = (await studio.Submission.SubmitAsync("alice", Settings.Valid("awaited"))).Queued();
        var waiter = studio.Services.GetRequiredService<JobWaiter>();
        var waiting = waiter.WaitAsync("alice", job.Id, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        studio.Fake.Release();
        var finished = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(JobStatus.Succeeded, finished.Status);
        Assert.Single(finished.Images);
        await Assert.ThrowsAsync<InvalidOperationException>(() => waiter.WaitAsync("bob", job.Id, CancellationToken.None));
    }
}
