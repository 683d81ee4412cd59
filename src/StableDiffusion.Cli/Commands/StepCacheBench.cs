using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.StepCaching;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// <c>sd bench --cache fast</c>: every evaluation prompt × seed made at Speed: Exact and at Speed: Fast, one generation at a
/// time and alternated in this one process (the order swapping every pair) so both see the same machine; reports the UNet
/// evaluations per image, the median of the pairs' speed-ups, and how close the fast image is to the exact one (SSIM on
/// luminance, mean absolute RGB difference).
/// </summary>
internal static class StepCacheBench
{
    public static Dictionary<string, object> Run(StableDiffusionModel sd, ModelDefaults settings, StepCacheOptions options, int prompts, int seeds,
        TextWriter error, CancellationToken cancellationToken)
    {
        var pipeline = new StableDiffusionPipeline(sd) { FastOptions = options };
        GenerationSettings Request(string prompt, long seed, Speed speed) =>
            GenerationSettings.ForModel(sd.Name, settings) with { Prompt = prompt, Seed = seed, Speed = speed };

        var list = EvaluationPrompts.First(prompts);
        pipeline.Generate(Request(list[0], 0, Speed.Exact), null, cancellationToken);
        pipeline.Generate(Request(list[0], 0, Speed.Fast), null, cancellationToken);

        var pairs = new List<(GenerationTimings Exact, GenerationTimings Fast, double Ssim, double Difference)>();
        foreach (var prompt in list)
        {
            for (var seed = 1L; seed <= seeds; seed++)
            {
                // The order swaps every pair, so neither side always runs on a machine the other has just warmed.
                var fastFirst = pairs.Count % 2 == 1;
                var first = pipeline.Generate(Request(prompt, seed, fastFirst ? Speed.Fast : Speed.Exact), null, cancellationToken);
                var second = pipeline.Generate(Request(prompt, seed, fastFirst ? Speed.Exact : Speed.Fast), null, cancellationToken);
                var (exact, fast) = fastFirst ? (second, first) : (first, second);
                var (a, b) = (exact.Images[0].Image, fast.Images[0].Image);
                pairs.Add((exact.Timings, fast.Timings, ImageComparison.Ssim(a, b), ImageComparison.MeanAbsoluteDifference(a, b)));
            }
        }

        var exactCalls = pairs.Average(p => p.Exact.UnetEvaluationsPerImage);
        var fastCalls = pairs.Average(p => p.Fast.UnetEvaluationsPerImage);
        var speedUp = BenchCommand.Median([.. pairs.Select(p => p.Exact.Total / p.Fast.Total)]);
        var unetSpeedUp = BenchCommand.Median([.. pairs.Select(p => p.Exact.UnetTotal / p.Fast.UnetTotal)]);
        var (ssimMean, ssimMin) = (pairs.Average(p => p.Ssim), pairs.Min(p => p.Ssim));
        error.WriteLine($"step cache over {pairs.Count} pairs: UNet evaluations per image {exactCalls:F2} → {fastCalls:F2} (x{exactCalls / fastCalls:F2}), " +
            $"median speed-up x{speedUp:F2} (UNet x{unetSpeedUp:F2}), SSIM mean {ssimMean:F4} min {ssimMin:F4}, mean abs diff {pairs.Average(p => p.Difference):F4}");
        return new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, double>
            {
                ["skip_threshold"] = options.SkipThreshold,
                ["max_consecutive_skips"] = options.MaxConsecutiveSkips,
                ["warmup_steps"] = options.WarmupSteps,
                ["guidance_cutoff"] = options.GuidanceCutoff,
            },
            ["pairs"] = pairs.Count,
            ["prompts"] = list.Count,
            ["seeds"] = seeds,
            ["unet_calls"] = new Dictionary<string, double> { ["exact"] = Math.Round(exactCalls, 2), ["fast"] = Math.Round(fastCalls, 2) },
            ["unet_calls_ratio"] = Math.Round(exactCalls / fastCalls, 3),
            ["ms_per_image"] = new Dictionary<string, double>
            {
                ["exact"] = Math.Round(BenchCommand.Median([.. pairs.Select(p => p.Exact.Total)]), 2),
                ["fast"] = Math.Round(BenchCommand.Median([.. pairs.Select(p => p.Fast.Total)]), 2),
            },
            ["speedup_median"] = Math.Round(speedUp, 3),
            ["unet_speedup_median"] = Math.Round(unetSpeedUp, 3),
            ["ssim"] = new Dictionary<string, double> { ["mean"] = Math.Round(ssimMean, 4), ["min"] = Math.Round(ssimMin, 4) },
            ["mean_abs_diff"] = new Dictionary<string, double>
            {
                ["mean"] = Math.Round(pairs.Average(p => p.Difference), 4),
                ["max"] = Math.Round(pairs.Max(p => p.Difference), 4),
            },
        };
    }
}
