using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Queue;
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
            results.Add((await studio.Submission.SubmitAsync("alice", Settings.Valid($"burst {i}"))) is SubmitOutcome.Queued);
        }

        var refused = await studio.Submission.SubmitAsync("alice", Settings.Valid("one more"));
        var bob = await studio.Submission.SubmitAsync("bob", Settings.Valid("bob's first"));
        studio.Fake.Release();

        Assert.Equal([true, true, true, false], results);
        var limited = Assert.IsType<SubmitOutcome.RateLimited>(refused);
        Assert.Equal(3, limited.PerMinute);
        Assert.InRange(limited.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Contains("3 jobs in the last minute", SubmitFeedback.From(refused).Message);
        Assert.IsType<SubmitOutcome.Queued>(bob);
    }
}
