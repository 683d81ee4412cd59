using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class ResultHistoryTests
{
    [Fact]
    public void ShowsTheNewestTwentyFourImagesNewestJobFirstInBatchOrder()
    {
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        // Ten jobs of three images each, listed oldest first: thirty images, six too many.
        var jobs = Enumerable.Range(0, 10).Select(i => Job(start.AddMinutes(i), JobStatus.Succeeded, images: 3)).ToList();

        var images = ResultHistory.Images(jobs);

        Assert.Equal(ResultHistory.Limit, images.Count);
        Assert.Equal(jobs[9].Id, images[0].Job.Id);
        Assert.Equal([0, 1, 2], images.Take(3).Select(r => r.Image.Index));
        Assert.Equal(jobs[2].Id, images[^1].Job.Id);
        Assert.DoesNotContain(images, r => r.Job.Id == jobs[1].Id);
    }

    [Fact]
    public void RunningAndFailedJobsHaveNoImagesThereButFinishedOnesAreListedForTheirReason()
    {
        var now = DateTime.UtcNow;
        var running = Job(now, JobStatus.Running, images: 0);
        var failed = Job(now.AddSeconds(-1), JobStatus.Failed, images: 0);
        var done = Job(now.AddSeconds(-2), JobStatus.Succeeded, images: 1);

        Assert.Equal([done.Id], ResultHistory.Images([running, failed, done]).Select(r => r.Job.Id));
        Assert.Equal([failed.Id, done.Id], ResultHistory.Finished([running, failed, done]).Select(j => j.Id));
    }

    private static JobRecord Job(DateTime createdAt, JobStatus status, int images)
    {
        var job = new JobRecord
        {
            Id = Guid.CreateVersion7(), OwnerId = "alice", Prompt = "a square", Model = "m", Scheduler = "euler", Status = status, CreatedAt = createdAt,
        };
        // Stored in no particular order; shown in batch order.
        job.Images.AddRange(Enumerable.Range(0, images).Reverse().Select(i => new ImageRecord
        {
            Id = Guid.CreateVersion7(), JobId = job.Id, OwnerId = "alice", Index = i, Seed = 10 + i, Width = 64, Height = 64, FilePath = "x.png", Parameters = "",
        }));
        return job;
    }
}
