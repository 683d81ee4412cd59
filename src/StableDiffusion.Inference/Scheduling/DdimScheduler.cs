using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// DDIM (Song et al. 2020), mirroring diffusers' <c>scheduling_ddim.py</c>:
/// x_{t'} = √ᾱ_{t'}·x̂₀ + √(1 − ᾱ_{t'} − σ²)·ε̂ + σ·z, with σ = η·√((1−ᾱ_{t'})/(1−ᾱ_t)·(1 − ᾱ_t/ᾱ_{t'})),
/// t' = t − T/N (integer division, whatever the spacing), and ᾱ_{t'} = final ᾱ when t' &lt; 0.
/// </summary>
public sealed class DdimScheduler : AlphaStepScheduler
{
    private readonly double? clipSampleRange;
    private readonly double eta;
    private int stepRatio;

    public DdimScheduler(SchedulerConfig config, double eta = 0)
        : base(config, NoiseSchedule.FromConfig(config ?? throw new ArgumentNullException(nameof(config))), setAlphaToOne: config.SetAlphaToOne ?? true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eta);
        clipSampleRange = config.ClipSample ?? true ? config.ClipSampleRange ?? 1.0 : null;
        this.eta = eta;
    }

    public override void SetTimesteps(int numInferenceSteps)
    {
        UseTimesteps(SpacedTimesteps(numInferenceSteps));
        stepRatio = Schedule.NumTrainTimesteps / numInferenceSteps;
    }

    public override double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        var timestep = Advance(stepIndex);
        var alphaProd = Schedule.AlphasCumprod[timestep];
        var alphaProdPrevious = AlphaProdPrevious(timestep - stepRatio);
        var betaProd = 1 - alphaProd;
        var betaProdPrevious = 1 - alphaProdPrevious;

        var original = new double[sample.Length];
        var epsilon = new double[sample.Length];
        LatentMath.PredictOriginalFromAlpha(PredictionType, alphaProd, modelOutput, sample, original);
        switch (PredictionType)
        {
            case PredictionType.Epsilon:
                modelOutput.CopyTo(epsilon);
                break;
            case PredictionType.VPrediction:
                LatentMath.Combine(Math.Sqrt(alphaProd), modelOutput, Math.Sqrt(betaProd), sample, epsilon);
                break;
            default:
                LatentMath.Combine(1 / Math.Sqrt(betaProd), sample, -Math.Sqrt(alphaProd) / Math.Sqrt(betaProd), original, epsilon);
                break;
        }

        if (clipSampleRange is { } range)
        {
            // diffusers re-derives ε from the clipped x̂₀ only under use_clipped_model_output; it is off in pipelines.
            LatentMath.Clip(original, range);
        }

        var variance = betaProdPrevious / betaProd * (1 - alphaProd / alphaProdPrevious);
        var standardDeviation = eta * Math.Sqrt(variance);
        var direction = Math.Sqrt(1 - alphaProdPrevious - standardDeviation * standardDeviation);
        LatentMath.Combine(Math.Sqrt(alphaProdPrevious), original, direction, epsilon, sample);
        if (eta > 0)
        {
            LatentMath.AddScaled(sample, standardDeviation, LatentMath.DrawNoise(noise, sample.Length));
        }

        return original;
    }
}
