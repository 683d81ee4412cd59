using StableDiffusion.Studio.Components.Generation;

namespace StableDiffusion.Studio.Tests.Components;

public sealed class RenderThrottleTests
{
    [Fact]
    public async Task AStormOfProgressRendersAtMostFourTimesASecondAndTheLastRequestStillRenders()
    {
        var renders = 0;
        using var throttle = new RenderThrottle(() =>
        {
            Interlocked.Increment(ref renders);
            return Task.CompletedTask;
        }, RenderThrottle.FourPerSecond);

        // A fast model reporting every few milliseconds.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var requests = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            throttle.Request();
            requests++;
            Thread.Sleep(2);
        }

        await Task.Delay(400);

        // One render per 250 ms window of the storm, plus the trailing one.
        Assert.True(requests > 20, $"only {requests} requests");
        Assert.InRange(renders, 2, (int)Math.Ceiling(clock.Elapsed.TotalMilliseconds / 250) + 1);
        var settled = renders;
        throttle.Request();
        await Task.Delay(400);
        Assert.Equal(settled + 1, renders);
    }
}
