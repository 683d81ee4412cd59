using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Euler's method on the probability-flow ODE in σ (Karras et al. 2022, Algorithm 2 with s_churn = 0),
/// mirroring diffusers' <c>scheduling_euler_discrete.py</c>:
/// d = (x − x̂₀)/σ_i, x_{i+1} = x + d·(σ_{i+1} − σ_i). Deterministic: no noise is drawn.
/// </summary>
public sealed class EulerDiscreteScheduler : IScheduler
{
    private readonly NoiseSchedule schedule;
    private readonly SchedulerConfig config;
    private readonly TimestepSpacing spacing;
    private readonly PredictionType predictionType;
    private readonly StepCursor cursor = new();
    private SigmaSchedule sigmas = new([], [], 1.0);

    public EulerDiscreteScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config;
        schedule = NoiseSchedule.FromConfig(config, sigmaBased: true);
        spacing = config.TimestepSpacing ?? TimestepSpacing.Linspace;
        predictionType = config.PredictionType ?? PredictionType.Epsilon;
    }

    public IReadOnlyList<double> Timesteps => sigmas.Timesteps;

    /// <summary>σ_0 … σ_{N−1} and a final 0.</summary>
    public IReadOnlyList<double> Sigmas => sigmas.Sigmas;

    public bool HasIntegerTimesteps => false;

    public double InitNoiseSigma => sigmas.InitNoiseSigma;

    public int Order => 1;

    public void SetTimesteps(int numInferenceSteps)
    {
        sigmas = SigmaSchedule.Build(schedule, config, spacing, numInferenceSteps, interpolateAtFloat32: true);
        cursor.Reset(sigmas.Timesteps.Length);
    }

    public void SetBeginIndex(int beginIndex) => cursor.Begin(beginIndex);

    public void ScaleModelInput(ReadOnlySpan<double> sample, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        SigmaSchedule.ScaleModelInput(sigmas.Sigmas[stepIndex], sample, destination);
    }

    public double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        cursor.Advance(stepIndex);
        var sigma = sigmas.Sigmas[stepIndex];
        var original = new double[sample.Length];
        LatentMath.PredictOriginalFromSigma(predictionType, sigma, modelOutput, sample, original);

        // x + (x − x̂₀)/σ · dt
        var ratio = (sigmas.Sigmas[stepIndex + 1] - sigma) / sigma;
        LatentMath.Combine(1 + ratio, sample, -ratio, original, sample);
        return original;
    }

    /// <summary>x₀ + σ_i·ε at the img2img start index (diffusers' <c>add_noise</c> with <c>begin_index</c>).</summary>
    public void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        AlphaNoising.AddSigmaNoise(sigmas.Sigmas[stepIndex], original, noise, destination);
    }
}
