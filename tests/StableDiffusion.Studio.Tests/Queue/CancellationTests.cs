using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class CancellationTests
{
    [Fact]
    public async Task CancellingARunningJobStopsItWithinAStepAndRecordsCancelled()
    {
        using var studio = new StudioFactory();
        studio.Fake.StepDelay = TimeSpan.FromMilliseconds(50);
        var settings = Settings.Valid("long job");
        settings.Steps = 150;
        var job = (await studio.Submission.SubmitAsync("alice", settings)).Queued();
        await studio.WaitForStatusAsync("alice", job.Id, JobStatus.Running);

        var cancelledAt = DateTime.UtcNow;
        Assert.True(await studio.Claims.CancelAsync("alice", job.Id));
        var finished = await studio.WaitForFinishAsync("alice", job.Id);

        Assert.Equal(JobStatus.Cancelled, finished.Status);
        Assert.Empty(finished.Images);
        // 150 steps of 50 ms would take 7.5 s; stopping within a step takes well under one second.
        Assert.True(finished.FinishedAt!.Value - cancelledAt < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task CancellingAQueuedJobMeansItNeverRuns()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var first = (await studio.Submission.SubmitAsync("alice", Settings.Valid("first"))).Queued();
        await studio.WaitForStatusAsync("alice", first.Id, JobStatus.Running);
        var second = (await studio.Submission.SubmitAsync("alice", Settings.Valid("never runs"))).Queued();
        var third = (await studio.Submission.SubmitAsync("alice", Settings.Valid("third"))).Queued();

        Assert.True(await studio.Claims.CancelAsync("alice", second.Id));
        studio.Fake.Release();
        await studio.WaitForFinishAsync("alice", third.Id);

        Assert.Equal(JobStatus.Cancelled, (await studio.Jobs.GetAsync("alice", second.Id))!.Status);
        Assert.Equal(["first", "third"], studio.Fake.Started.ToArray());
    }

    [Fact]
    public async Task ACancelThatSurfacesAsAnOnnxErrorIsStillRecordedCancelled()
    {
        using var studio = new StudioFactory();
        studio.Fake.StepDelay = TimeSpan.FromMilliseconds(50);
        var settings = Settings.Valid("terminate me");
        settings.Steps = 150;
        var job = (await studio.Submission.SubmitAsync("alice", settings)).Queued();
        await studio.WaitForStatusAsync("alice", job.Id, JobStatus.Running);

        await studio.Claims.CancelAsync("alice", job.Id);
        var finished = await studio.WaitForFinishAsync("alice", job.Id);

        Assert.Equal(JobStatus.Cancelled, finished.Status);
        Assert.Null(finished.Error);
    }
}
