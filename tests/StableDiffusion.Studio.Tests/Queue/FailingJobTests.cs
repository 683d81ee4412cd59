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
}
