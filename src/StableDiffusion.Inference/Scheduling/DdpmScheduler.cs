using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// DDPM ancestral sampling (Ho et al. 2020, eq. 7), mirroring diffusers' <c>scheduling_ddpm.py</c>:
/// x_{t'} = √ᾱ_{t'}·β̃/(1−ᾱ_t)·x̂₀ + √α̃·(1−ᾱ_{t'})/(1−ᾱ_t)·x + σ·z, with α̃ = ᾱ_t/ᾱ_{t'}, β̃ = 1 − α̃,
/// t' the next timestep of the loop (ᾱ = 1 after the last) and the <c>fixed_small</c> variance
/// σ² = max((1−ᾱ_{t'})/(1−ᾱ_t)·β̃, 1e-20). Noise is drawn on every step whose t is above 0.
/// </summary>
public sealed class DdpmScheduler : IScheduler
{
    private readonly NoiseSchedule schedule;
    private readonly TimestepSpacing spacing;
    private readonly int stepsOffset;
    private readonly PredictionType predictionType;
    private readonly double? clipSampleRange;
    private readonly bool largeVariance;
    private readonly StepCursor cursor = new();
    private int[] timesteps = [];
    private double[] timestepValues = [];

    public DdpmScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        schedule = NoiseSchedule.FromConfig(config);
        spacing = config.TimestepSpacing ?? TimestepSpacing.Leading;
        stepsOffset = config.StepsOffset ?? 0;
        predictionType = config.PredictionType ?? PredictionType.Epsilon;
        clipSampleRange = config.ClipSample ?? true ? config.ClipSampleRange ?? 1.0 : null;

        // fixed_small_log draws with exp(½·log σ²) = σ, the same numbers as fixed_small.
        largeVariance = (config.VarianceType ?? "fixed_small") switch
        {
            "fixed_small" or "fixed_small_log" => false,
            "fixed_large" => true,
            var other => throw new NotSupportedException($"DDPM variance_type '{other}' is not supported (fixed_small, fixed_small_log or fixed_large)."),
        };
    }

    public IReadOnlyList<double> Timesteps => timestepValues;

    public bool HasIntegerTimesteps => true;

    public double InitNoiseSigma => 1.0;

    public int Order => 1;

    public void SetTimesteps(int numInferenceSteps)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numInferenceSteps, schedule.NumTrainTimesteps);
        timesteps = schedule.SpacedTimesteps(spacing, numInferenceSteps, stepsOffset).Select(t => (int)Math.Round(t)).ToArray();
        timestepValues = Array.ConvertAll(timesteps, t => (double)t);
        cursor.Reset(timesteps.Length);
    }

    public void SetBeginIndex(int beginIndex) => cursor.Begin(beginIndex);

    public void ScaleModelInput(ReadOnlySpan<double> sample, int stepIndex, Span<double> destination) => sample.CopyTo(destination);

    public double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        cursor.Advance(stepIndex);
        var timestep = timesteps[stepIndex];
        var previousTimestep = stepIndex + 1 < timesteps.Length ? timesteps[stepIndex + 1] : -1;
        var alphaProd = schedule.AlphasCumprod[timestep];
        var alphaProdPrevious = previousTimestep >= 0 ? schedule.AlphasCumprod[previousTimestep] : 1.0;
        var betaProd = 1 - alphaProd;
        var betaProdPrevious = 1 - alphaProdPrevious;
        var currentAlpha = alphaProd / alphaProdPrevious;
        var currentBeta = 1 - currentAlpha;

        var original = new double[sample.Length];
        LatentMath.PredictOriginalFromAlpha(predictionType, alphaProd, modelOutput, sample, original);
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

    public void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        AlphaNoising.AddNoise(schedule.AlphasCumprod[timesteps[stepIndex]], original, noise, destination);
    }
}
