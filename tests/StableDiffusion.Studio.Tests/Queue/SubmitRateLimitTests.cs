using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Queue;

public sealed class SubmitRateLimitTests
{
    [Fact]
    public async Task SubmittingFasterThanThePerUserRateGetsAClearMessageAndOtherUsersAreUnaffected()
    {
        using var studio = new StudioFactory { SubmitsPerMinutePerUser = 3, MaxQueuedJobsPerUser = 100 };
        studio.Fake.Hold();

        var results = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            results.Add((await studio.Queue.SubmitAsync("alice", Settings.Valid($"burst {i}"))).Succeeded);
        }

        var refused = await studio.Queue.SubmitAsync("alice", Settings.Valid("one more"));
        var bob = await studio.Queue.SubmitAsync("bob", Settings.Valid("bob's first"));
        studio.Fake.Release();

        Assert.Equal([true, true, true, false], results);
        Assert.False(refused.Succeeded);
        Assert.Contains("3 jobs in the last minute", refused.Errors[""]);
        Assert.True(bob.Succeeded);
    }
}
