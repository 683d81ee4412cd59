namespace StableDiffusion.Inference.StepCaching;

/// <summary>
/// One image's skip decisions through one denoising loop, as AdaptiveDiffusion's estimate_skipping
/// (examples/AdaptiveDiffusion/acceleration/sparse_pipeline.py): after each step it measures the first-order difference of
/// the latents, d_k = mean |x_k − x_{k−1}|, and lets the next step reuse the last noise prediction when the difference of
/// those differences' differences is small against the step itself: |(d_k + d_{k−2}) / 2 − d_{k−1}| ≤ ξ · d_{k−1}, i.e.
/// |d_k − 2 d_{k−1} + d_{k−2}| ≤ 2ξ · d_{k−1} (the trajectory is locally a straight line, so the noise prediction barely
/// moves). The first <see cref="StepCacheOptions.WarmupSteps"/> steps and the last always run, and never more than
/// <see cref="StepCacheOptions.MaxConsecutiveSkips"/> in a row are skipped.
/// </summary>
internal sealed class StepSkipper(StepCacheOptions options, int beginIndex, int lastIndex)
{
    private double[]? previousLatents;
    private double previousDifference = double.NaN;
    private double differenceBefore = double.NaN;
    private bool smooth;
    private int skippedInARow;

    /// <summary>Whether loop iteration <paramref name="stepIndex"/> runs the UNet; call once per iteration, in order.</summary>
    public bool ShouldEvaluate(int stepIndex)
    {
        var evaluate = !smooth || stepIndex - beginIndex < options.WarmupSteps || stepIndex >= lastIndex
            || skippedInARow >= options.MaxConsecutiveSkips;
        skippedInARow = evaluate ? 0 : skippedInARow + 1;
        return evaluate;
    }

    /// <summary>The latents before the loop and after each step (including skipped ones), which the next decision reads.</summary>
    public void Observe(ReadOnlySpan<double> latents)
    {
        if (options.SkipThreshold <= 0)
        {
            // Skipping is off (Speed: Exact, or truncation alone): nothing to decide, so nothing to measure or keep.
            return;
        }

        if (previousLatents is null)
        {
            previousLatents = latents.ToArray();
            return;
        }
        var difference = MeanAbsoluteDifference(latents, previousLatents);
        latents.CopyTo(previousLatents);
        smooth = !double.IsNaN(differenceBefore) && IsSmooth(difference, previousDifference, differenceBefore, options.SkipThreshold);
        (differenceBefore, previousDifference) = (previousDifference, difference);
    }

    /// <summary>AdaptiveDiffusion's criterion on three consecutive first-order differences, newest first.</summary>
    public static bool IsSmooth(double difference, double previousDifference, double differenceBefore, double threshold) =>
        Math.Abs((difference + differenceBefore) / 2 - previousDifference) <= threshold * previousDifference;

    private static double MeanAbsoluteDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }
        return sum / a.Length;
    }
}
