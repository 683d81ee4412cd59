using System.CommandLine;
using System.Text.Json;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.StepCaching;

namespace StableDiffusion.Cli.Commands;

/// <summary>
/// <c>bench</c>'s step-caching options: <c>--cache fast</c> turns the benchmark into <see cref="StepCacheBench"/>; the others
/// replace one of Speed: Fast's defaults, to measure each method on its own.
/// </summary>
internal sealed class StepCacheBenchOptions
{
    private readonly Option<string?> cache = new Option<string?>("--cache")
    {
        Description = "fast: alternate Speed: Exact and Speed: Fast over the evaluation prompts × seeds (UNet calls, speed-up, SSIM, difference)",
    }.AcceptOnlyFromAmong("fast");

    private readonly Option<int> prompts = new("--prompts") { Description = "With --cache: how many of the 64 evaluation prompts", DefaultValueFactory = _ => 64 };

    private readonly Option<int> seeds = new("--seeds") { Description = "With --cache: seeds 1 … N of each prompt", DefaultValueFactory = _ => 4 };

    private readonly Option<double?> skipThreshold = new("--skip-threshold") { Description = "With --cache: step skipping's threshold ξ (0 = no skipping)" };

    private readonly Option<int?> maxSkips = new("--max-skips") { Description = "With --cache: most steps skipped in a row" };

    private readonly Option<int?> warmupSteps = new("--warmup-steps") { Description = "With --cache: first steps never skipped" };

    private readonly Option<double?> guidanceCutoff = new("--guidance-cutoff") { Description = "With --cache: fraction of steps after which the negative half stops (1 = never)" };

    public StepCacheBenchOptions()
    {
        prompts.Validators.Add(result => { if (result.GetValueOrDefault<int>() is < 1 or > 64) result.AddError("--prompts must be 1 to 64."); });
        seeds.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--seeds must be at least 1."); });
        guidanceCutoff.Validators.Add(result => { if (result.GetValueOrDefault<double?>() is < 0 or > 1) result.AddError("--guidance-cutoff must be in [0, 1]."); });
        skipThreshold.Validators.Add(result => { if (result.GetValueOrDefault<double?>() < 0) result.AddError("--skip-threshold must not be negative."); });
        maxSkips.Validators.Add(result => { if (result.GetValueOrDefault<int?>() < 0) result.AddError("--max-skips must not be negative."); });
        warmupSteps.Validators.Add(result => { if (result.GetValueOrDefault<int?>() < 0) result.AddError("--warmup-steps must not be negative."); });
    }

    public IEnumerable<Option> All => [cache, prompts, seeds, skipThreshold, maxSkips, warmupSteps, guidanceCutoff];

    public bool IsRequested(ParseResult parsed) => parsed.GetValue(cache) is not null;

    /// <summary>The benchmark's JSON line, with the load average before and after.</summary>
    public string Run(ParseResult parsed, StableDiffusionModel sd, ModelDefaults settings, CancellationToken cancellationToken)
    {
        var fast = StepCacheOptions.Fast;
        var options = fast with
        {
            SkipThreshold = parsed.GetValue(skipThreshold) ?? fast.SkipThreshold,
            MaxConsecutiveSkips = parsed.GetValue(maxSkips) ?? fast.MaxConsecutiveSkips,
            WarmupSteps = parsed.GetValue(warmupSteps) ?? fast.WarmupSteps,
            GuidanceCutoff = parsed.GetValue(guidanceCutoff) ?? fast.GuidanceCutoff,
        };
        var error = parsed.InvocationConfiguration.Error;
        var loadBefore = BenchCommand.LoadAverage();
        var comparison = StepCacheBench.Run(sd, settings, options, parsed.GetValue(prompts), parsed.GetValue(seeds), error, cancellationToken);
        var loadAfter = BenchCommand.LoadAverage();
        var summary = new Dictionary<string, object>
        {
            ["model"] = sd.Name,
            ["provider"] = sd.ExecutionProvider,
            ["settings"] = new Dictionary<string, object>
            {
                ["steps"] = settings.Steps,
                ["guidance"] = settings.GuidanceScale,
                ["scheduler"] = settings.Scheduler,
                ["width"] = settings.Width,
                ["height"] = settings.Height,
            },
            ["cache"] = comparison,
        };
        if (loadBefore is not null && loadAfter is not null)
        {
            summary["load_average"] = new Dictionary<string, double[]> { ["before"] = loadBefore, ["after"] = loadAfter };
            error.WriteLine($"load average: before {string.Join(" ", loadBefore)}, after {string.Join(" ", loadAfter)}");
        }
        return JsonSerializer.Serialize(summary);
    }
}
