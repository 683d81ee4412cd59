using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// DDPM ancestral sampling (Ho et al. 2020, eq. 7), mirroring diffusers' <c>scheduling_ddpm.py</c>:
/// x_{t'} = √ᾱ_{t'}·β̃/(1−ᾱ_t)·x̂₀ + √α̃·(1−ᾱ_{t'})/(1−ᾱ_t)·x + σ·z, with α̃ = ᾱ_t/ᾱ_{t'}, β̃ = 1 − α̃,
/// t' the next timestep of the loop (ᾱ = 1 after the last) and the <c>fixed_small</c> variance
/// σ² = max((1−ᾱ_{t'})/(1−ᾱ_t)·β̃, 1e-20). Noise is drawn on every step whose t is above 0.
/// </summary>
public sealed class DdpmScheduler : AlphaStepScheduler
{
    private readonly double? clipSampleRange;
    private readonly bool largeVariance;

    // diffusers' DDPM steps past the last timestep to ᾱ = 1 (its self.one) whatever set_alpha_to_one says.
    public DdpmScheduler(SchedulerConfig config)
        : base(config, NoiseSchedule.FromConfig(config ?? throw new ArgumentNullException(nameof(config))), setAlphaToOne: true)
    {
        clipSampleRange = config.ClipSample ?? true ? config.ClipSampleRange ?? 1.0 : null;

        // fixed_small_log draws with exp(½·log σ²) = σ, the same numbers as fixed_small.
        largeVariance = (config.VarianceType ?? "fixed_small") switch
        {
            "fixed_small" or "fixed_small_log" => false,
            "fixed_large" => true,
            var other => throw new NotSupportedException($"DDPM variance_type '{other}' is not supported (fixed_small, fixed_small_log or fixed_large)."),
        };
    }

    public override void SetTimesteps(int numInferenceSteps) => UseTimesteps(SpacedTimesteps(numInferenceSteps));

    public override double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        var timestep = Advance(stepIndex);
        var previousTimestep = stepIndex + 1 < IntegerTimesteps.Length ? IntegerTimesteps[stepIndex + 1] : -1;
        var alphaProd = Schedule.AlphasCumprod[timestep];
        var alphaProdPrevious = AlphaProdPrevious(previousTimestep);
        var betaProd = 1 - alphaProd;
        var betaProdPrevious = 1 - alphaProdPrevious;
        var currentAlpha = alphaProd / alphaProdPrevious;
        var currentBeta = 1 - currentAlpha;

        var original = new double[sample.Length];
        LatentMath.PredictOriginalFromAlpha(PredictionType, alphaProd, modelOutput, sample, original);
        if (clipSampleRange is { } range)
        {
            LatentMath.Clip(original, range);
        }

        var originalCoefficient = Math.Sqrt(alphaProdPrevious) * currentBeta / betaProd;
        var sampleCoefficient = Math.Sqrt(currentAlpha) * betaProdPrevious / betaProd;
        LatentMath.Combine(originalCoefficient, original, sampleCoefficient, sample, sample);
        if (timestep > 0)
        {
            var variance = largeVariance ? currentBeta : Math.Max(betaProdPrevious / betaProd * currentBeta, 1e-20);
            LatentMath.AddScaled(sample, Math.Sqrt(variance), LatentMath.DrawNoise(noise, sample.Length));
        }

        return original;
    }
}
