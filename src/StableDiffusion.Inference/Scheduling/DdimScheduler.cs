using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// DDIM (Song et al. 2020), mirroring diffusers' <c>scheduling_ddim.py</c>:
/// x_{t'} = √ᾱ_{t'}·x̂₀ + √(1 − ᾱ_{t'} − σ²)·ε̂ + σ·z, with σ = η·√((1−ᾱ_{t'})/(1−ᾱ_t)·(1 − ᾱ_t/ᾱ_{t'})),
/// t' = t − T/N (integer division, whatever the spacing), and ᾱ_{t'} = final ᾱ when t' &lt; 0.
/// </summary>
public sealed class DdimScheduler : IScheduler
{
    private readonly NoiseSchedule schedule;
    private readonly TimestepSpacing spacing;
    private readonly int stepsOffset;
    private readonly PredictionType predictionType;
    private readonly double finalAlphaCumprod;
    private readonly double? clipSampleRange;
    private readonly double eta;
    private readonly StepCursor cursor = new();
    private int[] timesteps = [];
    private double[] timestepValues = [];
    private int stepRatio;

    public DdimScheduler(SchedulerConfig config, double eta = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegative(eta);
        schedule = NoiseSchedule.FromConfig(config);
        spacing = config.TimestepSpacing ?? TimestepSpacing.Leading;
        stepsOffset = config.StepsOffset ?? 0;
        predictionType = config.PredictionType ?? PredictionType.Epsilon;
        finalAlphaCumprod = config.SetAlphaToOne ?? true ? 1.0 : schedule.AlphasCumprod[0];
        clipSampleRange = config.ClipSample ?? true ? config.ClipSampleRange ?? 1.0 : null;
        this.eta = eta;
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
        stepRatio = schedule.NumTrainTimesteps / numInferenceSteps;
        cursor.Reset(timesteps.Length);
    }

    public void SetBeginIndex(int beginIndex) => cursor.Begin(beginIndex);

    public void ScaleModelInput(ReadOnlySpan<double> sample, int stepIndex, Span<double> destination) => sample.CopyTo(destination);

    public double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        cursor.Advance(stepIndex);
        var timestep = timesteps[stepIndex];
        var previousTimestep = timestep - stepRatio;
        var alphaProd = schedule.AlphasCumprod[timestep];
        var alphaProdPrevious = previousTimestep >= 0 ? schedule.AlphasCumprod[previousTimestep] : finalAlphaCumprod;
        var betaProd = 1 - alphaProd;
        var betaProdPrevious = 1 - alphaProdPrevious;

        var original = new double[sample.Length];
        var epsilon = new double[sample.Length];
        LatentMath.PredictOriginalFromAlpha(predictionType, alphaProd, modelOutput, sample, original);
        switch (predictionType)
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

    /// <summary>x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε (diffusers' <c>add_noise</c>).</summary>
    public void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        AlphaNoising.AddNoise(schedule.AlphasCumprod[timesteps[stepIndex]], original, noise, destination);
    }
}
