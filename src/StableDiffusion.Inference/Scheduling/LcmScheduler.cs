using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Latent Consistency Model multistep sampling (Luo et al. 2023), mirroring diffusers' <c>scheduling_lcm.py</c>.
/// Timesteps are picked from the distillation schedule [T/K·k − 1 for k = K … 1] (K = original_inference_steps,
/// 50) at floor(linspace(0, K, N, endpoint=False)). Each step forms the boundary-conditioned denoised sample
/// x̂ = c_skip·x + c_out·x̂₀ with c_skip = σ_d²/(s² + σ_d²), c_out = s/√(s² + σ_d²), s = 10·t, σ_d = 0.5, and
/// re-noises it to the next timestep: x' = √ᾱ_{t'}·x̂ + √(1−ᾱ_{t'})·z. The last step returns x̂ with no noise.
/// </summary>
public sealed class LcmScheduler : AlphaStepScheduler
{
    private const double SigmaData = 0.5;
    private readonly double? clipSampleRange;
    private readonly int originalInferenceSteps;
    private readonly double timestepScaling;

    public LcmScheduler(SchedulerConfig config)
        : base(
            config,
            NoiseSchedule.FromConfig(config ?? throw new ArgumentNullException(nameof(config)), defaultBetaStart: 0.00085, defaultBetaEnd: 0.012, defaultBetaSchedule: BetaSchedule.ScaledLinear),
            setAlphaToOne: config.SetAlphaToOne ?? true)
    {
        clipSampleRange = config.ClipSample ?? false ? config.ClipSampleRange ?? 1.0 : null;
        originalInferenceSteps = config.OriginalInferenceSteps ?? 50;
        timestepScaling = config.TimestepScaling ?? 10.0;
    }

    /// <exception cref="ArgumentOutOfRangeException">More steps than the distillation schedule has.</exception>
    public override void SetTimesteps(int numInferenceSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numInferenceSteps, 1);
        if (numInferenceSteps > originalInferenceSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps, $"LCM takes at most original_inference_steps = {originalInferenceSteps} steps.");
        }

        var ratio = Schedule.NumTrainTimesteps / originalInferenceSteps;
        var origin = Enumerable.Range(1, originalInferenceSteps).Select(k => k * ratio - 1).Reverse().ToArray();
        UseTimesteps(NoiseSchedule.Linspace(0, origin.Length, numInferenceSteps + 1)[..^1]
            .Select(index => origin[(int)Math.Floor(index)])
            .ToArray());
    }

    /// <returns>The denoised sample x̂, which the pipeline decodes after the last step (it equals the final latent).</returns>
    public override double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        var timestep = Advance(stepIndex);
        var isLast = stepIndex == IntegerTimesteps.Length - 1;
        var previousTimestep = isLast ? timestep : IntegerTimesteps[stepIndex + 1];
        var alphaProd = Schedule.AlphasCumprod[timestep];
        var alphaProdPrevious = AlphaProdPrevious(previousTimestep);

        var scaled = timestep * timestepScaling;
        var skip = SigmaData * SigmaData / (scaled * scaled + SigmaData * SigmaData);
        var output = scaled / Math.Sqrt(scaled * scaled + SigmaData * SigmaData);

        var denoised = new double[sample.Length];
        LatentMath.PredictOriginalFromAlpha(PredictionType, alphaProd, modelOutput, sample, denoised);
        if (clipSampleRange is { } range)
        {
            LatentMath.Clip(denoised, range);
        }

        LatentMath.Combine(output, denoised, skip, sample, denoised);
        denoised.CopyTo(sample);
        if (!isLast)
        {
            var z = LatentMath.DrawNoise(noise, sample.Length);
            TensorScale(sample, Math.Sqrt(alphaProdPrevious));
            LatentMath.AddScaled(sample, Math.Sqrt(1 - alphaProdPrevious), z);
        }

        return denoised;
    }

    private static void TensorScale(Span<double> values, double factor) =>
        System.Numerics.Tensors.TensorPrimitives.Multiply(values, factor, values);
}
