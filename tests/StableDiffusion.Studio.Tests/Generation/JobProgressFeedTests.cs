using Microsoft.Extensions.Logging.Abstractions;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class JobProgressFeedTests
{
    private readonly JobProgressFeed feed = new(NullLogger<JobProgressFeed>.Instance);

    [Fact]
    public void OwnersOnlyHearAboutTheirOwnJobsAndDisposingStopsTheUpdates()
    {
        var heard = new List<int>();
        var subscription = feed.SubscribeOwner("alice", u => heard.Add(u.Step));

        feed.Publish(Update("alice", 1));
        feed.Publish(Update("bob", 2));
        subscription.Dispose();
        feed.Publish(Update("alice", 3));

        Assert.Equal([1], heard);
    }

    [Fact]
    public void ABrokenSubscriberNeitherThrowsIntoTheWorkerNorSilencesTheOthers()
    {
        var heard = 0;
        using var broken = feed.SubscribeOwner("alice", _ => throw new ObjectDisposedException("page"));
        using var healthy = feed.SubscribeOwner("alice", _ => heard++);

        feed.Publish(Update("alice", 1));

        Assert.Equal(1, heard);
    }

    [Fact]
    public void OnlyTheNewestUpdateOfARunningJobIsKeptAndAFinishedJobIsForgotten()
    {
        var jobId = Guid.NewGuid();
        feed.Publish(Update("alice", 1, jobId));
        feed.Publish(Update("alice", 2, jobId));

        Assert.Equal(2, feed.Latest(jobId)!.Step);

        feed.Publish(Update("alice", 20, jobId) with { Status = JobStatus.Succeeded });

        Assert.Null(feed.Latest(jobId));
    }

    private static JobUpdate Update(string owner, int step, Guid? jobId = null) =>
        new(jobId ?? Guid.NewGuid(), owner, JobStatus.Running, step, 20, 0, 1, null, null, null, []);
}
