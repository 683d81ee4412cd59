using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class QueueFairnessTests
{
    [Fact]
    public async Task UsersTakeTurnsInsteadOfFirstComeFirstServed()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var first = await studio.Queue.SubmitAsync("alice", Settings.Valid("alice 1"));
        await studio.WaitForStatusAsync("alice", first.Job!.Id, JobStatus.Running);

        // Alice queues two more before Bob queues anything; Bob still runs next.
        foreach (var (owner, prompt) in new[] { ("alice", "alice 2"), ("alice", "alice 3"), ("bob", "bob 1"), ("bob", "bob 2") })
        {
            Assert.True((await studio.Queue.SubmitAsync(owner, Settings.Valid(prompt))).Succeeded);
        }

        studio.Fake.Release();
        var last = (await studio.Queue.ListActiveAsync("alice")).Last();
        await studio.WaitForFinishAsync("alice", last.Id);

        Assert.Equal(["alice 1", "bob 1", "alice 2", "bob 2", "alice 3"], studio.Fake.Started.ToArray());
    }

    [Fact]
    public async Task QueuePositionsFollowTheRoundRobinOrder()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var running = await studio.Queue.SubmitAsync("alice", Settings.Valid("alice 1"));
        await studio.WaitForStatusAsync("alice", running.Job!.Id, JobStatus.Running);
        var alice2 = (await studio.Queue.SubmitAsync("alice", Settings.Valid("alice 2"))).Job!;
        var bob1 = (await studio.Queue.SubmitAsync("bob", Settings.Valid("bob 1"))).Job!;

        var alicePositions = await studio.Queue.PositionsAsync("alice");
        var bobPositions = await studio.Queue.PositionsAsync("bob");

        Assert.Equal(1, bobPositions[bob1.Id]);
        Assert.Equal(2, alicePositions[alice2.Id]);
        Assert.DoesNotContain(bob1.Id, alicePositions.Keys);
    }

    [Fact]
    public async Task AUserPastTheQueuedJobLimitGetsAClearMessageAndNoJob()
    {
        using var studio = new StudioFactory { MaxQueuedJobsPerUser = 2 };
        studio.Fake.Hold();
        var running = await studio.Queue.SubmitAsync("alice", Settings.Valid("running"));
        await studio.WaitForStatusAsync("alice", running.Job!.Id, JobStatus.Running);
        Assert.True((await studio.Queue.SubmitAsync("alice", Settings.Valid("waiting 1"))).Succeeded);
        Assert.True((await studio.Queue.SubmitAsync("alice", Settings.Valid("waiting 2"))).Succeeded);

        var refused = await studio.Queue.SubmitAsync("alice", Settings.Valid("one too many"));
        var otherUser = await studio.Queue.SubmitAsync("bob", Settings.Valid("bob is not limited by alice"));

        Assert.False(refused.Succeeded);
        Assert.Contains("2 jobs waiting", refused.Errors[""]);
        Assert.True(otherUser.Succeeded);
        await using var db = await studio.OpenDatabaseAsync();
        Assert.Equal(3, db.Jobs.Count(j => j.OwnerId == "alice"));
    }
}
