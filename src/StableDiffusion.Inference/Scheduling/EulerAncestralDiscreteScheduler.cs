using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Ancestral Euler ("Euler a"), mirroring diffusers' <c>scheduling_euler_ancestral_discrete.py</c>
/// (k-diffusion's <c>sample_euler_ancestral</c> with η = 1):
/// σ_up = √(σ_{i+1}²(σ_i² − σ_{i+1}²)/σ_i²), σ_down = √(σ_{i+1}² − σ_up²),
/// x_{i+1} = x + d·(σ_down − σ_i) + σ_up·z with d = (x − x̂₀)/σ_i. One noise draw per step, the last one
/// included (where σ_up = 0), so seeds line up with diffusers.
/// </summary>
public sealed class EulerAncestralDiscreteScheduler : IScheduler
{
    private readonly NoiseSchedule schedule;
    private readonly SchedulerConfig config;
    private readonly TimestepSpacing spacing;
    private readonly PredictionType predictionType;
    private readonly StepCursor cursor = new();
    private SigmaSchedule sigmas = new([], [], 1.0);

    public EulerAncestralDiscreteScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);

        // diffusers' Euler a has no Karras option; its constructor ignores the key.
        this.config = config with { UseKarrasSigmas = false, FinalSigmasType = null };
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
        var sigmaFrom = sigmas.Sigmas[stepIndex];
        var sigmaTo = sigmas.Sigmas[stepIndex + 1];
        var original = new double[sample.Length];
        LatentMath.PredictOriginalFromSigma(predictionType, sigmaFrom, modelOutput, sample, original);

        var sigmaUp = Math.Sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom));
        var sigmaDown = Math.Sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        var ratio = (sigmaDown - sigmaFrom) / sigmaFrom;
        LatentMath.Combine(1 + ratio, sample, -ratio, original, sample);
        LatentMath.AddScaled(sample, sigmaUp, LatentMath.DrawNoise(noise, sample.Length));
        return original;
    }

    public void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        AlphaNoising.AddSigmaNoise(sigmas.Sigmas[stepIndex], original, noise, destination);
    }
}
