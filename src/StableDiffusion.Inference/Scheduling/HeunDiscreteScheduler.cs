using StableDiffusion.Inference.Randomness;

namespace StableDiffusion.Inference.Scheduling;

/// <summary>
/// Heun's second-order method in σ (Karras et al. 2022, Algorithm 1), mirroring diffusers'
/// <c>scheduling_heun_discrete.py</c>. Two model calls per step, interleaved: timesteps
/// [t0, t1, t1, …, t_{N−1}, t_{N−1}] and sigmas [σ0, σ1, σ1, …, σ_{N−1}, σ_{N−1}, 0]. Even iterations are
/// Euler predictors x̃ = x + d·(σ_{i+1} − σ_i); odd ones correct with the mean slope (d + d̃)/2 from the cached x.
/// The last iteration is a plain Euler step to σ = 0, whose corrector never comes.
/// </summary>
public sealed class HeunDiscreteScheduler : IScheduler
{
    private readonly NoiseSchedule schedule;
    private readonly SchedulerConfig config;
    private readonly TimestepSpacing spacing;
    private readonly PredictionType predictionType;
    private readonly StepCursor cursor = new();
    private double[] timesteps = [];
    private double[] sigmas = [];
    private double initNoiseSigma = 1.0;
    private double[]? previousDerivative;
    private double[]? cachedSample;
    private double dt;

    public HeunDiscreteScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config with { FinalSigmasType = null };
        schedule = NoiseSchedule.FromConfig(config, defaultBetaStart: 0.00085, defaultBetaEnd: 0.012, sigmaBased: true);
        spacing = config.TimestepSpacing ?? TimestepSpacing.Linspace;
        predictionType = config.PredictionType ?? PredictionType.Epsilon;
    }

    public IReadOnlyList<double> Timesteps => timesteps;

    /// <summary>The interleaved sigmas, 2N long.</summary>
    public IReadOnlyList<double> Sigmas => sigmas;

    public bool HasIntegerTimesteps => false;

    public double InitNoiseSigma => initNoiseSigma;

    public int Order => 2;

    public void SetTimesteps(int numInferenceSteps)
    {
        var plain = SigmaSchedule.Build(schedule, config, spacing, numInferenceSteps, interpolateAtFloat32: false);
        timesteps = [plain.Timesteps[0], .. plain.Timesteps[1..].SelectMany(t => new[] { t, t })];
        sigmas = [plain.Sigmas[0], .. plain.Sigmas[1..^1].SelectMany(s => new[] { s, s }), plain.Sigmas[^1]];
        initNoiseSigma = plain.InitNoiseSigma;
        previousDerivative = null;
        cachedSample = null;
        cursor.Reset(timesteps.Length);
    }

    public void SetBeginIndex(int beginIndex) => cursor.Begin(beginIndex);

    public void ScaleModelInput(ReadOnlySpan<double> sample, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        SigmaSchedule.ScaleModelInput(sigmas[stepIndex], sample, destination);
    }

    public double[] Step(ReadOnlySpan<double> modelOutput, int stepIndex, Span<double> sample, INoiseGenerator noise)
    {
        cursor.Advance(stepIndex);
        var original = new double[sample.Length];
        if (cachedSample is null)
        {
            // Predictor: the model was evaluated at σ_i.
            var sigma = sigmas[stepIndex];
            var sigmaNext = sigmas[stepIndex + 1];
            LatentMath.PredictOriginalFromSigma(predictionType, sigma, modelOutput, sample, original);
            previousDerivative = new double[sample.Length];
            LatentMath.Combine(1 / sigma, sample, -1 / sigma, original, previousDerivative);
            dt = sigmaNext - sigma;
            cachedSample = sample.ToArray();
            LatentMath.AddScaled(sample, dt, previousDerivative);
            return original;
        }

        // Corrector: the model was evaluated at σ_{i+1} on the predicted sample.
        var sigmaCorrected = sigmas[stepIndex];
        LatentMath.PredictOriginalFromSigma(predictionType, sigmaCorrected, modelOutput, sample, original);
        var derivative = new double[sample.Length];
        LatentMath.Combine(1 / sigmaCorrected, sample, -1 / sigmaCorrected, original, derivative);
        LatentMath.Combine(0.5, previousDerivative!, 0.5, derivative, derivative);
        LatentMath.Combine(1, cachedSample, dt, derivative, sample);
        previousDerivative = null;
        cachedSample = null;
        return original;
    }

    public void AddNoise(ReadOnlySpan<double> original, ReadOnlySpan<float> noise, int stepIndex, Span<double> destination)
    {
        cursor.Check(stepIndex);
        AlphaNoising.AddSigmaNoise(sigmas[stepIndex], original, noise, destination);
    }
}
