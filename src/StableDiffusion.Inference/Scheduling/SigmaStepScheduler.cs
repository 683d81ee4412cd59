using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// What the one-σ-per-step samplers (Euler, Euler a, LMS) share, as diffusers' copies of them do: the σ schedule,
/// the input scaling x/√(σ² + 1), the step cursor and img2img noising x₀ + σ·ε. Each sampler adds only its step.
/// (Heun interleaves two σ per step, so it keeps its own.)
/// </summary>
public abstract class SigmaStepScheduler : IScheduler
{
    private readonly NoiseSchedule schedule;
    private readonly SchedulerConfig config;
    private readonly TimestepSpacing spacing;
    private readonly bool interpolateAtFloat32;
    private SigmaSchedule sigmas = new([], [], 1.0);

    /// <param name="config">The configuration, already adjusted to what this sampler's diffusers constructor honours.</param>
    /// <param name="interpolateAtFloat32">Whether diffusers interpolates this sampler's σ in float32 (Euler, Euler a) or float64 (LMS).</param>
    private protected SigmaStepScheduler(SchedulerConfig config, bool interpolateAtFloat32)
    {
        this.config = config;
        this.interpolateAtFloat32 = interpolateAtFloat32;
        schedule = NoiseSchedule.FromConfig(config, sigmaBased: true);
        spacing = config.TimestepSpacing ?? TimestepSpacing.Linspace;
        PredictionType = config.PredictionType ?? PredictionType.Epsilon;
    }

    public IReadOnlyList<double> Timesteps => sigmas.Timesteps;

    /// <summary>σ_0 … σ_{N−1} and a final 0.</summary>
    public IReadOnlyList<double> Sigmas => sigmas.Sigmas;

    public bool HasIntegerTimesteps => false;

    public double InitNoiseSigma => sigmas.InitNoiseSigma;

    public int Order => 1;

    private protected PredictionType PredictionType { get; }

    private protected StepCursor Cursor { get; } = new();

    /// <summary>σ_0 … σ_{N−1} and a final 0, for the step arithmetic.</summary>
    private protected double[] SigmaValues => sigmas.Sigmas;

    public void SetTimesteps(int numInferenceSteps)
    {
        sigmas = SigmaSchedule.Build(schedule, config, spacing, numInferenceSteps, interpolateAtFloat32);
        OnTimestepsSet();
        Cursor.Reset(sigmas.Timesteps.Length);
    }

    public void SetBeginIndex(int beginIndex) => Cursor.Begin(beginIndex);

    public void ScaleModelInput(ReadOnlySpan<double> sample, int stepIndex, Span<double> destination)
    {
        Cursor.Check(stepIndex);
        SigmaSchedule.ScaleModelInput(sigmas.Sigmas[stepIndex], sample, destination);
    }

    public abstract double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise);

    /// <summary>x₀ + σ_i·ε at the img2img start index (diffusers' <c>add_noise</c> with <c>begin_index</c>).</summary>
    public void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination)
    {
        Cursor.Check(stepIndex);
        AlphaNoising.AddSigmaNoise(sigmas.Sigmas[stepIndex], original, noise, destination);
    }

    /// <summary>Clears a sampler's history when a new schedule is set.</summary>
    private protected virtual void OnTimestepsSet()
    {
    }
}
