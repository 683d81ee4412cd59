using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Queue;
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
        var first = await studio.Submission.SubmitAsync("alice", Settings.Valid("alice 1"));
        await studio.WaitForStatusAsync("alice", first.Queued().Id, JobStatus.Running);

        // Alice queues two more before Bob queues anything; Bob still runs next.
        foreach (var (owner, prompt) in new[] { ("alice", "alice 2"), ("alice", "alice 3"), ("bob", "bob 1"), ("bob", "bob 2") })
        {
            Assert.True((await studio.Submission.SubmitAsync(owner, Settings.Valid(prompt))) is SubmitOutcome.Queued);
        }

        studio.Fake.Release();
        var last = (await studio.Jobs.ListActiveAsync("alice")).Last();
        await studio.WaitForFinishAsync("alice", last.Id);

        Assert.Equal(["alice 1", "bob 1", "alice 2", "bob 2", "alice 3"], studio.Fake.Started.ToArray());
    }

    [Fact]
    public async Task QueuePositionsFollowTheRoundRobinOrder()
    {
        using var studio = new StudioFactory();
        studio.Fake.Hold();
        var running = await studio.Submission.SubmitAsync("alice", Settings.Valid("alice 1"));
        await studio.WaitForStatusAsync("alice", running.Queued().Id, JobStatus.Running);
        var alice2 = (await studio.Submission.SubmitAsync("alice", Settings.Valid("alice 2"))).Queued();
        var bob1 = (await studio.Submission.SubmitAsync("bob", Settings.Valid("bob 1"))).Queued();

        var alicePositions = await studio.Jobs.PositionsAsync("alice");
        var bobPositions = await studio.Jobs.PositionsAsync("bob");

        Assert.Equal(1, bobPositions[bob1.Id]);
        Assert.Equal(2, alicePositions[alice2.Id]);
        Assert.DoesNotContain(bob1.Id, alicePositions.Keys);
    }

    [Fact]
    public async Task AUserPastTheQueuedJobLimitGetsAClearMessageAndNoJob()
    {
        using var studio = new StudioFactory { MaxQueuedJobsPerUser = 2 };
        studio.Fake.Hold();
        var running = await studio.Submission.SubmitAsync("alice", Settings.Valid("running"));
        await studio.WaitForStatusAsync("alice", running.Queued().Id, JobStatus.Running);
        Assert.True((await studio.Submission.SubmitAsync("alice", Settings.Valid("waiting 1"))) is SubmitOutcome.Queued);
        Assert.True((await studio.Submission.SubmitAsync("alice", Settings.Valid("waiting 2"))) is SubmitOutcome.Queued);

        var refused = await studio.Submission.SubmitAsync("alice", Settings.Valid("one too many"));
        var otherUser = await studio.Submission.SubmitAsync("bob", Settings.Valid("bob is not limited by alice"));

        Assert.Equal(2, Assert.IsType<SubmitOutcome.QueueFull>(refused).Limit);
        Assert.Contains("2 jobs waiting", SubmitFeedback.From(refused).Message);
        Assert.IsType<SubmitOutcome.Queued>(otherUser);
        await using var db = await studio.OpenDatabaseAsync();
        Assert.Equal(3, db.Jobs.Count(j => j.OwnerId == "alice"));
    }
}
