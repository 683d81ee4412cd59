using StableDiffusion.Inference.StepCaching;

namespace StableDiffusion.Inference.Tests.StepCaching;

public sealed class StepSkipperTests
{
    private static readonly StepCacheOptions Skipping = new() { SkipThreshold = 0.1, MaxConsecutiveSkips = 2, WarmupSteps = 3 };

    [Theory]
    [InlineData(3.0, 2.0, 1.0, true)]     // a straight line: d_k − 2 d_{k−1} + d_{k−2} = 0
    [InlineData(3.3, 2.0, 1.0, true)]     // |(3.3 + 1) / 2 − 2| = 0.15 ≤ 0.1 · 2
    [InlineData(3.5, 2.0, 1.0, false)]    // 0.25 > 0.2
    [InlineData(1.0, 2.0, 1.0, false)]    // a turn: 1 > 0.2
    public void TheCriterionAsksTheSecondDifferenceOfStepSizesToBeSmallAgainstTheStep(double difference, double previous, double before, bool smooth)
    {
        Assert.Equal(smooth, StepSkipper.IsSmooth(difference, previous, before, 0.1));
    }

    [Fact]
    public void OnAStraightTrajectoryItSkipsAfterTheWarmUpAtMostTwiceInARowAndNeverTheLastStep()
    {
        var decisions = Run(Skipping, steps: 12, latentAt: step => step);

        // Steps 0–2 warm up; then run, skip, skip, … capped at two skips; step 11 (the last) always runs.
        Assert.Equal("RRRSSRSSRSSR", decisions);
    }

    [Fact]
    public void ATrajectoryThatKeepsTurningIsNeverSkipped()
    {
        var decisions = Run(Skipping, steps: 10, latentAt: step => step % 2 == 0 ? step * step : -step);

        Assert.Equal(new string('R', 10), decisions);
    }

    [Fact]
    public void AThresholdOfZeroNeverSkipsEvenAStraightLine()
    {
        Assert.Equal(new string('R', 10), Run(StepCacheOptions.Off, steps: 10, latentAt: step => step));
    }

    [Fact]
    public void TheCapAndTheWarmUpFollowTheirOptions()
    {
        var decisions = Run(Skipping with { MaxConsecutiveSkips = 3, WarmupSteps = 5 }, steps: 12, latentAt: step => 2 * step);

        Assert.Equal("RRRRRSSSRSSR", decisions);
    }

    [Fact]
    public void AnImg2imgLoopCountsItsWarmUpFromItsOwnFirstStep()
    {
        var skipper = new StepSkipper(Skipping, beginIndex: 6, lastIndex: 14);
        var decisions = "";
        skipper.Observe([0.0]);
        for (var step = 6; step <= 14; step++)
        {
            decisions += skipper.ShouldEvaluate(step) ? 'R' : 'S';
            skipper.Observe([step - 5.0]);
        }

        Assert.Equal("RRRSSRSSR", decisions);
    }

    [Theory]
    [InlineData(0.6, 10, 0, 6)]   // steps 6–9 run the prompt alone
    [InlineData(0.5, 25, 0, 13)]
    [InlineData(0.5, 10, 4, 7)]   // img2img: half of the 6 steps it runs
    [InlineData(0.0, 10, 0, 0)]
    public void GuidanceIsTruncatedFromTheCutoffFractionOfTheLoopOn(double cutoff, int count, int begin, int firstTruncated)
    {
        var options = new StepCacheOptions { GuidanceCutoff = cutoff };

        var truncated = Enumerable.Range(begin, count - begin).Where(step => options.DropsUnconditional(step, begin, count)).ToList();

        Assert.Equal(Enumerable.Range(firstTruncated, count - firstTruncated), truncated);
    }

    [Fact]
    public void ACutoffOfOneNeverTruncatesGuidance()
    {
        Assert.DoesNotContain(Enumerable.Range(0, 50), step => StepCacheOptions.Off.DropsUnconditional(step, 0, 50));
    }

    /// <summary>R for a step that runs the UNet, S for one that reuses the last prediction, on one-value latents.</summary>
    private static string Run(StepCacheOptions options, int steps, Func<int, double> latentAt)
    {
        var skipper = new StepSkipper(options, beginIndex: 0, lastIndex: steps - 1);
        skipper.Observe([latentAt(0)]);
        var decisions = "";
        for (var step = 0; step < steps; step++)
        {
            decisions += skipper.ShouldEvaluate(step) ? 'R' : 'S';
            skipper.Observe([latentAt(step + 1)]);
        }
        return decisions;
    }
}
